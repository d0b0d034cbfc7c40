#!/usr/bin/env bash
# screenshots.sh [BUILD_DIR]: screenshots of ResLab's views for the README, in
# docs/screenshots/, at 1280 x 800 and at 1024 x 700.
#
# Each shot runs the app (BUILD_DIR/app/reslab, default build/) alone on its own Xvfb screen,
# with private XDG folders (so it uses the bundled seed net, not a model you trained), puts
# a digit on the canvas (--draw-digit) or starts a short training run (--train, --experiment),
# waits, and saves the whole screen with ImageMagick's `import -window root`.
#
# SHOTS="draw* why" takes only the shots whose names match one of those globs (after a change to
# one view, say); without it, every shot.
#
# Needs: xvfb-run, ImageMagick (import), the MNIST files for the training and test-image shots
# (./dev.sh data), and a build (./dev.sh setup).
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."

BUILD=${1:-build}
APP=$BUILD/app/reslab
OUT=docs/screenshots

die () { printf 'screenshots: error: %s\n' "$*" >&2; exit 1; }
[ -x "$APP" ] || die "no $APP: build first (./dev.sh setup, or meson setup $BUILD && ninja -C $BUILD)"
command -v xvfb-run > /dev/null || die "xvfb-run is missing (apt install xvfb xauth)"
command -v import > /dev/null || die "ImageMagick's import is missing (apt install imagemagick)"
command -v xdotool > /dev/null || die "xdotool is missing (apt install xdotool)"

# The MNIST files stay where they are; everything else the app reads or writes goes to a
# temporary home that is removed at the end.
export RESLAB_DATA_DIR=${RESLAB_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/reslab/mnist}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export XDG_DATA_HOME=$TMP/data XDG_CONFIG_HOME=$TMP/config XDG_CACHE_HOME=$TMP/cache
export GSETTINGS_BACKEND=memory GTK_A11Y=none
# Xvfb's GL is software (llvmpipe); Cairo renders the same pixels without compiling shaders.
export GSK_RENDERER=${GSK_RENDERER:-cairo}
mkdir -p "$OUT"

# shot NAME WIDTHxHEIGHT SECONDS -- ARGS...: run the app with ARGS, save the screen after
# SECONDS as $OUT/NAME.png. With SHOT_KEYS set (xdotool key names, e.g. "ctrl+m"), those keys
# are pressed a second before the shot (a popover, a dialog). With SHOT_THEN set (more app
# arguments), the app is run again with them after SECONDS (the running instance takes them,
# as a second `reslab` command line) and the shot waits SHOT_THEN_WAIT seconds more.
shot () {
  local name=$1 size=$2 wait=$3 pattern wanted=${SHOTS:+no} patterns=()
  shift 4
  read -r -a patterns <<< "${SHOTS:-}"   # split on spaces, no file-name expansion
  for pattern in "${patterns[@]}"; do
    # shellcheck disable=SC2053 # a glob, on purpose
    [[ $name == $pattern ]] && wanted=""
  done
  [ -z "$wanted" ] || return 0
  printf 'screenshots: %s (%s, %s s)\n' "$name" "$size" "$wait"
  xvfb-run -a -s "-screen 0 ${size}x24" bash -c '
    app=$1 out=$2 wait=$3; shift 3
    "$app" "$@" > "$out.log" 2>&1 &
    pid=$!
    sleep "$wait"
    if ! kill -0 "$pid" 2> /dev/null; then
      cat "$out.log" >&2; echo "screenshots: the app exited early" >&2; exit 1
    fi
    if [ -n "${SHOT_THEN:-}" ]; then
      "$app" $SHOT_THEN >> "$out.log" 2>&1
      sleep "${SHOT_THEN_WAIT:-60}"
    fi
    if [ -n "${SHOT_KEYS:-}" ]; then
      xdotool search --sync --onlyvisible --class reslab windowactivate --sync 2> /dev/null || true
      xdotool key $SHOT_KEYS; sleep 1
    fi
    xdotool mousemove 0 0 2> /dev/null || true   # no tooltip under the pointer
    sleep 0.5
    import -window root "$out"
    kill "$pid"; wait "$pid" 2> /dev/null || true
  ' shot "$APP" "$OUT/$name.png" "$wait" "$@"
  rm -f "$OUT/$name.png.log"
}

for size in 1280x800 1024x700; do
  suffix=""
  [ "$size" = 1280x800 ] || suffix="-${size}"
  shot "draw$suffix" "$size" 4 -- --view=draw --draw-digit=3
  shot "draw-test-image$suffix" "$size" 5 -- --view=draw --test-image=18
  shot "inside$suffix" "$size" 4 -- --view=inside --draw-digit=5
  # Full epochs of 60,000 images, taken after 12 s: on a 2-core machine with other jobs (the
  # app under Xvfb trains at ~27,000 images/s, its charts drawn in software) that is in epoch
  # 5 or 6, with full test-set points; on a busy one (~5,000) still in epoch 1 or 2.
  shot "train$suffix" "$size" 12 -- --view=train --train --epochs=10
  # The Experiment view's default run (plain-32 and resnet-32 on 6,400 images, 100 iterations)
  # takes 30 s on an idle 2-core machine and about a minute on a busy one: taken after 75 s.
  shot "experiment$suffix" "$size" 75 -- --view=experiment --experiment
  shot "errors$suffix" "$size" 6 -- --view=errors
done

# The Train view's Network choice (#18): each family, and a description with an error in it.
shot "train-net-seed" 1280x800 6 -- --view=train --net=seed
shot "train-net-resnet" 1280x800 6 -- --view=train --net=resnet-20
shot "train-net-plain" 1280x800 6 -- --view=train --net=plain-56
shot "train-net-custom" 1280x800 6 -- --view=train \
  --net="c=conv(8,k=3) relu maxpool(2) r=res(8) gap fc=linear(10)"
shot "train-net-error" 1280x800 6 -- --view=train \
  --net="c=conv(8,k=3) relu maxpol(2) r=res(8) gap fc=linear(10)"

# Its Diagram panel (Alt+I) on resnet-20.
SHOT_KEYS=alt+i shot "train-diagram-resnet" 1280x800 6 -- --view=train --net=resnet-20

# The Experiment view with two runs in its list, each with bands over seeds: plain-8/resnet-8 on
# three seeds, then plain-20/resnet-20 on two, on 1,920 images (30 iterations a seed; the images
# come from a keyfile of settings). On the busy 2-core machine the first run took under two
# minutes, the second about three.
mkdir -p "$TMP/config/glib-2.0/settings"
printf '[io/github/reslab/ResLab]\nexperiment-images=1920\n' \
  > "$TMP/config/glib-2.0/settings/keyfile"
GSETTINGS_BACKEND=keyfile GSETTINGS_SCHEMA_DIR=$PWD/$BUILD/data \
  SHOT_THEN="--depth 20 --seeds 2 --experiment" SHOT_THEN_WAIT=200 \
  shot "experiment-runs" 1280x800 120 -- --view=experiment --depth 8 --seeds 3 --experiment

# Why? on a drawn digit; the Models list (Ctrl+M); the help (F1); the window at its smallest,
# with Why? on.
shot "why" 1280x800 5 -- --view=draw --draw-digit=4 --why
SHOT_KEYS=ctrl+m shot "models" 1280x800 5 -- --view=draw --draw-digit=3
SHOT_KEYS=F1 shot "help" 1280x800 5 -- --view=inside --draw-digit=5
shot "draw-800x600" 800x600 5 -- --view=draw --draw-digit=3 --why

# The Draw view in Simplified Chinese (#17), with the translations built in $BUILD/po; needs
# the zh_CN.UTF-8 locale and a CJK font (fonts-noto-cjk).
LANGUAGE=zh_CN LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 RESLAB_LOCALEDIR=$PWD/$BUILD/po \
  shot "draw-zh_CN" 1280x800 4 -- --view=draw --draw-digit=3

printf 'screenshots: done, see %s/\n' "$OUT"
