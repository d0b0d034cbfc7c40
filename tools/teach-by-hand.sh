#!/usr/bin/env bash
# teach-by-hand.sh [OUT_DIR]: "teach it your handwriting" as a user would, on a private Xvfb
# screen at 1280 x 800: 20 digits (two of each class) written with xdotool strokes in a
# deliberately unusual hand (tools/xdo-digits.py --style odd: slanted backwards, loops left
# open, a 7 with a foot and a bar, a 1 with a flag and a base), each labelled with Draw's
# "This is a…" buttons, then Your Digits › Learn from My Digits. Saves screenshots of the list
# and of the before/after grid in OUT_DIR (default /tmp/reslab-teach), and leaves the digits
# and the taught model in OUT_DIR/home for reslab-cli eval.
#
# The button positions are those of the default layout at 1280 x 800 (checked on the
# screenshots). Needs: Xvfb, xdotool, ImageMagick, the MNIST files, a build in build/.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

OUT=${1:-/tmp/reslab-teach}
DISPLAY_NUM=${DISPLAY_NUM:-:58}
rm -rf "$OUT/home"; mkdir -p "$OUT/home"
export RESLAB_DATA_DIR=${RESLAB_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/reslab/mnist}
export XDG_DATA_HOME=$OUT/home/data XDG_CONFIG_HOME=$OUT/home/config XDG_CACHE_HOME=$OUT/home/cache
export GSETTINGS_BACKEND=memory GTK_A11Y=none GSK_RENDERER=cairo
export DISPLAY=$DISPLAY_NUM

Xvfb "$DISPLAY_NUM" -screen 0 1280x800x24 > "$OUT/xvfb.log" 2>&1 &
xvfb=$!
trap 'kill $app $xvfb 2> /dev/null || true' EXIT
sleep 1
build/app/reslab --view=draw > "$OUT/app.log" 2>&1 &
app=$!
sleep 4

for d in 0 1 2 3 4 5 6 7 8 9; do
  for v in 1 2; do
    xdotool key Escape; sleep 0.2
    python3 tools/xdo-digits.py digit "$d" --style odd --variant "$v"; sleep 0.4
    # "This is a…" buttons: two rows of five under the canvas
    xdotool mousemove $((71 + (d % 5) * 100)) $((721 + (d / 5) * 38)) click 1; sleep 0.4
  done
done
import -window root "$OUT/drawn.png"
xdotool mousemove 490 681 click 1; sleep 1           # Your Digits (20)
import -window root "$OUT/list.png"
xdotool mousemove "${LEARN_X:-896}" "${LEARN_Y:-542}" click 1   # Learn from My Digits
sleep "${WAIT:-10}"
import -window root "$OUT/learned.png"
echo "teach-by-hand: screenshots in $OUT; digits in $OUT/home/data/reslab/mine"
