#!/usr/bin/env bash
# test-install.sh BUILDDIR: `meson install` into a temporary DESTDIR, then the installed
# programs on their own, with no source or build tree around: `reslab-cli info --bundled`, and
# `reslab` under the display the tests run in (xvfb-run), which must show its window and quit
# cleanly on SIGTERM. Any warning on stderr fails the test. Exit 77 (skip) without a display.
set -euo pipefail

builddir=$(readlink -f "$1")
meson=${MESON:-meson}
app_id=io.github.reslab.ResLab

tmp=$(mktemp -d "${TMPDIR:-/tmp}/reslab-install-XXXXXX")
app_pid=
cleanup () {
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2> /dev/null; then
    kill -KILL "$app_pid" 2> /dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail () { echo "FAIL: $*" >&2; exit 1; }

# the prefix the build was configured with (/usr/local by default)
prefix=$("$meson" introspect --buildoptions "$builddir" |
         python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
dest=$tmp/dest
root=$dest$prefix

echo "# meson install into $dest"
DESTDIR=$dest "$meson" install -C "$builddir" --no-rebuild --quiet > "$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log" >&2; fail "meson install"; }
(cd "$dest" && find . -type f | sort | sed 's|^\./|  /|')

for f in bin/reslab bin/reslab-cli \
         share/applications/$app_id.desktop \
         share/metainfo/$app_id.metainfo.xml \
         share/glib-2.0/schemas/$app_id.gschema.xml \
         share/icons/hicolor/scalable/apps/$app_id.svg \
         share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg; do
  [ -f "$root/$f" ] || fail "not installed: $prefix/$f"
done
for po in $(sed -e '/^#/d' "$(dirname "$0")/../po/LINGUAS"); do
  [ -f "$root/share/locale/$po/LC_MESSAGES/reslab.mo" ] ||
    fail "not installed: $prefix/share/locale/$po/LC_MESSAGES/reslab.mo"
done

# The installed files validate too (the build folder's are checked by test-validate.sh).
desktop-file-validate "$root/share/applications/$app_id.desktop" || fail "desktop-file-validate"
appstreamcli validate --no-net "$root/share/metainfo/$app_id.metainfo.xml" ||
  fail "appstreamcli validate"

# gnome.post_install does not run under DESTDIR: compile the schema as it would.
glib-compile-schemas --strict "$root/share/glib-2.0/schemas" || fail "glib-compile-schemas"

# From here on, nothing of the source or build tree: another folder, a private home.
cd "$tmp"
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/config XDG_DATA_HOME=$tmp/home/data \
       XDG_CACHE_HOME=$tmp/home/cache
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"
export GSETTINGS_SCHEMA_DIR=$root/share/glib-2.0/schemas GSETTINGS_BACKEND=memory
export G_DEBUG=fatal-warnings GTK_A11Y=none GSK_RENDERER=cairo
unset G_TEST_SRCDIR G_TEST_BUILDDIR

echo "# $prefix/bin/reslab-cli info --bundled"
"$root/bin/reslab-cli" info --bundled > cli.out 2> cli.err || { cat cli.err >&2; fail "reslab-cli info --bundled"; }
[ ! -s cli.err ] || { cat cli.err >&2; fail "reslab-cli wrote to stderr"; }
grep -q '^total: [0-9]* parameters' cli.out || { cat cli.out >&2; fail "reslab-cli info: no total"; }
tail -n 1 cli.out

if [ -z "${DISPLAY:-}" ]; then
  echo "# no display: the installed app is not started (run under xvfb-run)"
  exit 77
fi

echo "# $prefix/bin/reslab under $DISPLAY"
dbus_run=()
if command -v dbus-run-session > /dev/null 2>&1; then
  dbus_run=(dbus-run-session --)
fi
# (the bus daemon's own messages, such as a container's fd limit, go to dbus.err, not app.err)
"${dbus_run[@]}" sh -c 'exec "$0" > app.out 2> app.err' "$root/bin/reslab" 2> dbus.err &
app_pid=$!

# its window appears (the title is the template's "ResLab")
shown=0
for _ in $(seq 1 150); do
  kill -0 "$app_pid" 2> /dev/null || break
  if xwininfo -root -tree 2> /dev/null | grep -q '"ResLab"'; then
    shown=1
    break
  fi
  sleep 0.1
done
[ "$shown" = 1 ] || { cat app.err >&2; fail "no ResLab window within 15 s"; }
sleep 1

# SIGTERM quits as the menu's Quit does (rl-application.c); the exit status must be 0.
reslab_pid=$(pgrep -n -P "$app_pid" -x reslab 2> /dev/null || echo "$app_pid")
kill -TERM "$reslab_pid"
status=0
wait "$app_pid" || status=$?
app_pid=
cat app.out
[ "$status" = 0 ] || { cat app.err >&2; fail "reslab exited with status $status on SIGTERM"; }
[ ! -s app.err ] || { cat app.err >&2; fail "reslab wrote to stderr (warnings)"; }
echo "# installed, validated, and both programs ran"
