#!/usr/bin/env bash
# dev.sh: set up, build, test and run ResLab on Debian 12, starting from a bare system.
#
#   ./dev.sh run     set everything up, build, and launch the GTK app (build/app/reslab)
#   ./dev.sh test    set everything up, build, and run the whole test suite
#   ./dev.sh setup   Debian packages, MNIST data, build (every step is skipped when done)
#   ./dev.sh data    only fetch MNIST (data/fetch-mnist.sh)
#   ./dev.sh fuzz NAME MINUTES  run one libFuzzer harness of tests/fuzz (needs clang)
#   ./dev.sh cross-test aarch64  cross-build the engine for 64-bit ARM (build-aarch64) and run
#                    its test suite under qemu-user (cross/aarch64-linux-gnu.ini)
#   ./dev.sh screenshots  the README's screenshots (tools/screenshots.sh) into docs/screenshots/,
#                    with what it needs beyond setup (ImageMagick, xdotool, CJK fonts)
#
# Environment: RESLAB_DATA_DIR (where MNIST goes, see data/fetch-mnist.sh),
# RESLAB_SKIP_APT=1 (never call apt-get; fail if something is missing),
# RESLAB_CROSS_TIMEOUT_MULTIPLIER (cross-test's test timeouts under qemu, default 40).
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")"

# Everything the build, the tests and the app need on a minimal Debian 12, installed without
# Recommends, so each runtime piece a fresh system would otherwise lack is named here:
# ca-certificates (npm over HTTPS), librsvg2-common (GTK loads the SVG icons through it),
# shared-mime-info and gsettings-desktop-schemas (GTK's file chooser and settings),
# dbus, dbus-x11 and at-spi2-core (GTK's accessibility bus, which it looks for at start-up
# and warns about when absent), xvfb and xauth (the UI tests run under xvfb-run).
# The install suite (tests/test-validate.sh, test-install.sh): desktop-file-utils
# (desktop-file-validate), appstream (appstreamcli), gettext (msgfmt, also the build's
# translations), libglib2.0-bin (glib-compile-schemas, gsettings), x11-utils (xwininfo: the
# installed app's window appeared). locales: the zh_CN.UTF-8 locale the Chinese UI test
# (tests/test-ui-zh.c) runs in; ensure_locale generates it.
# python3-torch: the tests that run PyTorch itself (test-torch-arch in the engine suite,
# test-torch-roundtrip in the slow one) check that tools/reslab_torch.py builds the same nets
# and reads and writes the same files; without it they report a skip, so they would never run
# in CI. It is the largest piece (Debian 12: 177 packages, 147 MB to download, 621 MB
# installed, without Recommends); the engine's parity fixtures need no torch. Not
# python3-torchvision: nothing here uses it (the tools read the IDX files themselves).
PACKAGES=(
  gcc libc6-dev pkg-config meson ninja-build
  libglib2.0-dev libjson-glib-dev libgtk-4-dev libcairo2-dev libpango1.0-dev
  ca-certificates
  xvfb xauth dbus dbus-x11 at-spi2-core
  librsvg2-common shared-mime-info gsettings-desktop-schemas
  fonts-cantarell adwaita-icon-theme
  dataset-fashion-mnist
  desktop-file-utils appstream gettext libglib2.0-bin x11-utils
  locales
  python3-torch
)

BUILD=build
BUILD_ASAN=build-asan

say () { printf 'dev.sh: %s\n' "$*"; }

# Whatever stops the script early (set -e), the last line says which step failed.
stage="start"
finished=0
on_exit () {
  local rc=$?
  if [ "$finished" = 0 ] && [ "$rc" -ne 0 ]; then
    printf 'dev.sh: FAILED while %s (exit %d); see the messages above\n' "$stage" "$rc" >&2
  fi
}
trap on_exit EXIT
die () { printf 'dev.sh: error: %s\n' "$*" >&2; exit 1; }

usage () {
  # the header comment, up to the first line that is not one
  sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"
}

# installed PACKAGE[:ARCH]: a name without an architecture means the machine's own (or "all"):
# on a multiarch system (./dev.sh cross-test adds arm64) dpkg-query lists libc6-dev once per
# architecture it knows
installed () {
  if [[ "$1" == *:* ]]; then
    [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2> /dev/null)" = "ii " ]
  else
    dpkg-query -W -f='${db:Status-Abbrev}${Architecture}\n' "$1" 2> /dev/null |
      grep -qxE "ii ($(dpkg --print-architecture)|all)"
  fi
}

# ensure_packages PACKAGE...: installs those not installed, and npm when there is no npm
ensure_packages () {
  local missing=() p
  local -a as_root=()

  stage="installing Debian packages"
  command -v dpkg-query > /dev/null 2>&1 || die "this script needs Debian (dpkg-query not found)"
  for p in "$@"; do
    installed "$p" || missing+=("$p")
  done
  # npm: only when there is no npm command (a nodejs from elsewhere may ship its own)
  command -v npm > /dev/null 2>&1 || missing+=(npm)

  if [ ${#missing[@]} -eq 0 ]; then
    say "Debian packages: all present"
    return 0
  fi
  [ "${RESLAB_SKIP_APT:-0}" = 1 ] && die "missing packages (RESLAB_SKIP_APT=1): ${missing[*]}"

  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo > /dev/null 2>&1 ||
      die "missing packages: ${missing[*]}; run as root or install sudo"
    as_root=(sudo)
  fi
  say "installing Debian packages: ${missing[*]}"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -q -o DPkg::Lock::Timeout=300 update
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -q -y -o DPkg::Lock::Timeout=300 install --no-install-recommends "${missing[@]}"
  for p in "${missing[@]}"; do
    if [ "$p" = npm ]; then
      command -v npm > /dev/null 2>&1 || die "npm still missing after apt-get install"
    else
      installed "$p" || die "package $p still missing after apt-get install"
    fi
  done
}

fetch_data () {
  stage="fetching MNIST"
  ./data/fetch-mnist.sh
}

# configure DIR [meson options...], unless DIR is already a meson build directory
configure () {
  local dir=$1
  shift
  if [ -f "$dir/meson-private/coredata.dat" ] && [ -f "$dir/build.ninja" ]; then
    return 0
  fi
  stage="configuring $dir"
  say "configuring $dir"
  meson setup "$dir" "$@"
}

build () {
  configure "$BUILD"
  stage="building $BUILD"
  say "building $BUILD"
  meson compile -C "$BUILD"
}

# zh_CN.UTF-8, for tests/test-ui-zh.c (which reports a skip without it)
ensure_locale () {
  if locale -a 2> /dev/null | grep -qix 'zh_CN.utf8'; then
    return
  fi
  stage="generating the zh_CN.UTF-8 locale"
  say "generating the zh_CN.UTF-8 locale"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo sed -i 's/^# *zh_CN.UTF-8 UTF-8/zh_CN.UTF-8 UTF-8/' /etc/locale.gen
  $sudo locale-gen
}

setup () {
  ensure_packages "${PACKAGES[@]}"
  ensure_locale
  fetch_data
  build
}

# count_results BUILDDIR: adds the test programs' results from meson's log to the totals
n_pass=0
n_fail=0
n_skip=0
count_results () {
  local log=$1/meson-logs/testlog.json ok bad skip
  if [ ! -f "$log" ]; then
    return 0
  fi
  ok=$(grep -cE '"result": "(OK|EXPECTEDFAIL)"' "$log" || true)
  skip=$(grep -cE '"result": "SKIP"' "$log" || true)
  bad=$(grep -cE '"result": "(FAIL|UNEXPECTEDPASS|TIMEOUT|ERROR|INTERRUPT)"' "$log" || true)
  n_pass=$((n_pass + ok))
  n_skip=$((n_skip + skip))
  n_fail=$((n_fail + bad))
}

run_tests () {
  local rc=0 failed=() lsan_supp

  # 1. every suite (engine, slow, ui) in the normal build; UI tests need a display, so all of
  #    it runs under a private Xvfb (never the developer's desktop).
  stage="running tests"
  rm -f "$BUILD/meson-logs/testlog.json"
  say "running all tests in $BUILD under xvfb-run"
  xvfb-run -a -s "-screen 0 1280x800x24" \
    meson test -C "$BUILD" --print-errorlogs || { rc=1; failed+=("$BUILD tests"); }
  count_results "$BUILD"

  # 2. the engine suite again with AddressSanitizer (leaks included) and UBSan
  lsan_supp=
  if [ -f tests/lsan.supp ]; then
    lsan_supp=$PWD/tests/lsan.supp
  fi
  say "building $BUILD_ASAN"
  if configure "$BUILD_ASAN" -Db_sanitize=address,undefined -Db_lundef=false -Dgui=disabled &&
     meson compile -C "$BUILD_ASAN"; then
    rm -f "$BUILD_ASAN/meson-logs/testlog.json"
    say "running the engine suite in $BUILD_ASAN (ASan + UBSan)"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS} \
    UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
    LSAN_OPTIONS=${lsan_supp:+suppressions=$lsan_supp:print_suppressions=0} \
      meson test -C "$BUILD_ASAN" --suite engine --print-errorlogs --timeout-multiplier 4 ||
      { rc=1; failed+=("$BUILD_ASAN engine tests"); }
    count_results "$BUILD_ASAN"
  else
    rc=1
    failed+=("$BUILD_ASAN build")
  fi

  if [ $((n_pass + n_fail)) -eq 0 ]; then
    rc=1
    failed+=("no test ran")
  fi
  echo
  if [ $rc -eq 0 ]; then
    say "all tests passed ($BUILD: engine, slow, control, ui, install; $BUILD_ASAN: engine)"
  else
    say "FAILED: ${failed[*]}"
  fi
  # the plain closing line CI reads; counts are test programs, both builds together
  echo "summary: $n_pass passed, $n_fail failed, $n_skip skipped"
  finished=1
  return $rc
}

# fuzz NAME MINUTES: builds build-fuzz with clang (libFuzzer, ASan, UBSan) and runs the harness
# tests/fuzz/fuzz-NAME.c for MINUTES, niced, from its seed corpus (read only: new inputs go to
# build-fuzz/corpus/NAME) with its dictionary; a crash is written to build-fuzz/crashes/NAME/.
# See tests/fuzz/README.md.
BUILD_FUZZ=build-fuzz
fuzz () {
  local name=${1:-} minutes=${2:-} seeds
  [ -n "$name" ] && [ -n "$minutes" ] || die "usage: ./dev.sh fuzz NAME MINUTES (NAME: safetensors, model, arch, image, idx, experiment)"
  [ -f "tests/fuzz/fuzz-$name.c" ] || die "no harness tests/fuzz/fuzz-$name.c"
  [[ "$minutes" =~ ^[0-9]+$ ]] || die "MINUTES must be a whole number (got '$minutes')"
  command -v clang > /dev/null 2>&1 || die "fuzzing needs clang (apt-get install clang)"
  stage="configuring $BUILD_FUZZ"
  if ! [ -f "$BUILD_FUZZ/build.ninja" ]; then
    CC=clang meson setup "$BUILD_FUZZ" -Dfuzzing=true -Db_sanitize=address,undefined \
      -Db_lundef=false -Dgui=disabled
  fi
  stage="building $BUILD_FUZZ/tests/fuzz/fuzz-$name"
  meson compile -C "$BUILD_FUZZ" "tests/fuzz/fuzz-$name"
  seeds=tests/fuzz/corpus/$name
  mkdir -p "$BUILD_FUZZ/corpus/$name" "$BUILD_FUZZ/crashes/$name"
  stage="fuzzing $name"
  say "fuzzing $name for $minutes minutes (corpus $BUILD_FUZZ/corpus/$name, seeds $seeds)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS} \
  UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
  OMP_NUM_THREADS=1 OMP_WAIT_POLICY=passive \
    nice -n 19 "$BUILD_FUZZ/tests/fuzz/fuzz-$name" "$BUILD_FUZZ/corpus/$name" "$seeds" \
      -dict="tests/fuzz/$name.dict" -max_total_time=$((minutes * 60)) -rss_limit_mb=2048 \
      -timeout=30 -print_final_stats=1 -artifact_prefix="$BUILD_FUZZ/crashes/$name/"
  finished=1
}

# cross-test ARCH: the engine and its tests cross-compiled for ARCH (aarch64 only, so far) with
# Debian's cross compiler and the arm64 -dev packages (multiarch), into build-ARCH, without
# the GTK app (-Dgui=disabled); then the engine suite, PyTorch-parity fixtures included, under
# qemu-user, meson's exe_wrapper (cross/ARCH-linux-gnu.ini). Tests that re-run their own
# program in a child (g_test_trap_subprocess) need the kernel to hand ARCH binaries to qemu
# too: binfmt_misc, registered here when it is not (as root). Timeouts x40 (or
# $RESLAB_CROSS_TIMEOUT_MULTIPLIER): qemu runs the NEON code 20-40 times slower than the native
# build runs its own (test-train: 19 s native, over 600 s emulated on a busy machine).
CROSS_PACKAGES_aarch64=(
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu qemu-user-static
  libglib2.0-dev:arm64 libjson-glib-dev:arm64 libcairo2-dev:arm64 libpango1.0-dev:arm64
)
cross_test () {
  local arch=${1:-} dir t0
  [ "$arch" = aarch64 ] || die "usage: ./dev.sh cross-test aarch64 (the only target so far)"
  dir=build-$arch

  stage="enabling the arm64 architecture in dpkg"
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    [ "$(id -u)" -eq 0 ] || die "run as root: dpkg --add-architecture arm64"
    say "dpkg --add-architecture arm64"
    dpkg --add-architecture arm64
    # the arm64 package lists, even when every package below is already there
    apt-get -q -o DPkg::Lock::Timeout=300 update
  fi
  ensure_packages "${PACKAGES[@]}" "${CROSS_PACKAGES_aarch64[@]}"
  fetch_data

  stage="registering qemu-aarch64 with binfmt_misc"
  if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
    if [ "$(id -u)" -eq 0 ]; then
      [ -e /proc/sys/fs/binfmt_misc/register ] ||
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || true
      if [ -e /proc/sys/fs/binfmt_misc/register ]; then
        say "registering qemu-aarch64 with binfmt_misc (/usr/lib/binfmt.d/qemu-aarch64.conf)"
        cat /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register || true
      fi
    fi
    [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] ||
      say "warning: binfmt_misc has no qemu-aarch64: the tests that spawn themselves will fail"
  fi

  configure "$dir" --cross-file "cross/$arch-linux-gnu.ini" -Dgui=disabled
  stage="building $dir"
  say "building $dir"
  meson compile -C "$dir"

  # NEON: GCC vectorised the portable kernel (fused multiply-adds on 4-float vectors)
  stage="checking the portable kernel's NEON code"
  local nfmla
  nfmla=$(aarch64-linux-gnu-objdump -d "$dir/engine/libreslab-engine.a.p/rl-gemm-portable.c.o" |
            grep -cE 'fmla[[:space:]]+v[0-9]+\.4s' || true)
  [ "$nfmla" -gt 0 ] || die "no fmla v*.4s in the aarch64 portable kernel: not vectorised"
  say "portable kernel for $arch: $nfmla fmla v*.4s instructions (NEON)"

  stage="running the engine suite under qemu ($dir)"
  say "running the engine suite in $dir under qemu-$arch"
  t0=$(date +%s)
  meson test -C "$dir" --suite engine --print-errorlogs \
    --timeout-multiplier "${RESLAB_CROSS_TIMEOUT_MULTIPLIER:-40}"
  say "engine suite on $arch (qemu-user): passed in $(( $(date +%s) - t0 )) s"
  finished=1
}

cmd=${1:-}
if [ $# -gt 0 ]; then
  shift
fi
case "$cmd" in
  run)
    setup
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      die "no display (DISPLAY and WAYLAND_DISPLAY are unset); run this from a desktop session"
    fi
    say "launching $BUILD/app/reslab"
    finished=1
    # the schema compiled in the build folder, so the uninstalled app remembers its settings
    # and the translations built there (po/<lang>/LC_MESSAGES/reslab.mo)
    GSETTINGS_SCHEMA_DIR=$PWD/$BUILD/data${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR} \
      RESLAB_LOCALEDIR=$PWD/$BUILD/po \
      exec "$BUILD/app/reslab" "$@"
    ;;
  test)
    setup
    run_tests
    ;;
  setup)
    setup
    say "set up; ./dev.sh run launches the app, ./dev.sh test runs the tests"
    ;;
  data)
    ensure_packages ca-certificates
    fetch_data
    ;;
  fuzz)
    fuzz "$@"
    ;;
  cross-test)
    cross_test "$@"
    ;;
  screenshots)
    setup
    # import saves the screen, xdotool types the shortcuts a shot asks for; the CJK fonts
    # let a zh_CN run (LANGUAGE=zh_CN ./dev.sh screenshots) show its text, not boxes.
    ensure_packages imagemagick xdotool fonts-noto-cjk
    finished=1
    exec tools/screenshots.sh "$BUILD"
    ;;
  -h|--help|help)
    usage
    ;;
  *)
    usage >&2
    finished=1
    exit 2
    ;;
esac
