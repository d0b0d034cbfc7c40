#!/usr/bin/env python3
"""xdo-digits.py: writes digits into ResLab's canvas as a user would, with xdotool strokes
(mousedown, mousemove, mouseup), on the X display in $DISPLAY (an Xvfb screen).

    xdo-digits.py number 2048                 # the Number page's wide canvas, side by side
    xdo-digits.py digit 7 [--style odd] [--variant N]   # the Draw page's canvas, one digit

The canvas is found on a screenshot (ImageMagick's import): the largest pure white area, the
canvas' background. Digits are polylines in a unit box (x right, y down). --style odd writes
them in a deliberately unusual hand: slanted far backwards, the top to the left (x' = x + 0.75 (y - 0.5)), loops left
open (0, 8, 9), angular 3, 5 and 6, a 2 like a Z with a loop, a 7 with a bar, a 1 with a
flag and a base, a closed 4 in one stroke; --variant moves the points a little (seeded), so two digits of a class differ.
"""
import math
import random
import subprocess
import sys


def screenshot_gray():
    png = subprocess.run(["import", "-window", "root", "png:-"], check=True,
                         capture_output=True).stdout
    pgm = subprocess.run(["convert", "png:-", "-colorspace", "gray", "pgm:-"], input=png,
                         check=True, capture_output=True).stdout
    # P5\n<w> <h>\n<max>\n<data>
    parts = pgm.split(b"\n", 3)
    w, h = map(int, parts[1].split())
    return w, h, parts[3]


def locate_canvas():
    """The bounding box (x0, y0, x1, y1) of the largest pure white area."""
    w, h, data = screenshot_gray()
    best = None
    rows = []
    for y in range(h):
        row = data[y * w:(y + 1) * w]
        # the longest run of 255 in this row
        run_start, best_run = None, (0, 0, 0)
        for x in range(w + 1):
            white = x < w and row[x] == 255
            if white and run_start is None:
                run_start = x
            elif not white and run_start is not None:
                if x - run_start > best_run[0]:
                    best_run = (x - run_start, run_start, x)
                run_start = None
        rows.append(best_run)
    # rows whose long run is at least 200 px, contiguous, the tallest block
    y = 0
    while y < h:
        if rows[y][0] >= 200:
            y0 = y
            while y < h and rows[y][0] >= 200:
                y += 1
            x0 = min(r[1] for r in rows[y0:y])
            x1 = max(r[2] for r in rows[y0:y])
            if best is None or (y - y0) * (x1 - x0) > (best[3] - best[1]) * (best[2] - best[0]):
                best = (x0, y0, x1, y)
        y += 1
    if best is None:
        sys.exit("xdo-digits: no canvas on the screen")
    return best


def ellipse(cx, cy, rx, ry, a0=0.0, a1=360.0, n=28):
    return [(cx + rx * math.sin(math.radians(a0 + (a1 - a0) * i / n)),
             cy - ry * math.cos(math.radians(a0 + (a1 - a0) * i / n))) for i in range(n + 1)]


# Ordinary digits, each a list of strokes, in a unit box.
PLAIN = {
    "0": [ellipse(0.5, 0.5, 0.28, 0.42)],
    "1": [[(0.38, 0.22), (0.55, 0.08), (0.55, 0.92)]],
    "2": [ellipse(0.5, 0.32, 0.26, 0.22, -80, 120) + [(0.25, 0.9), (0.8, 0.9)]],
    "3": [ellipse(0.48, 0.28, 0.24, 0.2, -70, 160) + ellipse(0.48, 0.7, 0.28, 0.22, 20, 220)],
    "4": [[(0.6, 0.08), (0.2, 0.62), (0.85, 0.62)], [(0.62, 0.35), (0.62, 0.95)]],
    "5": [[(0.75, 0.1), (0.32, 0.1), (0.28, 0.45)] + ellipse(0.48, 0.66, 0.27, 0.24, -50, 220)],
    "6": [[(0.68, 0.08), (0.4, 0.35)] + ellipse(0.5, 0.68, 0.25, 0.25, 250, -100)],
    "7": [[(0.2, 0.1), (0.8, 0.1), (0.4, 0.92)]],
    "8": [ellipse(0.5, 0.28, 0.2, 0.2, 180, -180) + ellipse(0.5, 0.7, 0.26, 0.22, 0, 360)],
    "9": [ellipse(0.5, 0.32, 0.24, 0.22, 90, 450) + [(0.74, 0.36), (0.7, 0.95)]],
}

# The unusual hand (before the backward slant): open loops, feet and flags.
ODD = {
    "0": [ellipse(0.5, 0.5, 0.2, 0.44, 60, 320)],                    # narrow, open at the top right
    "1": [[(0.15, 0.35), (0.5, 0.05), (0.5, 0.92)], [(0.2, 0.92), (0.85, 0.92)]],
    "2": [[(0.2, 0.15), (0.8, 0.12), (0.2, 0.9)] + ellipse(0.3, 0.8, 0.1, 0.1, 180, 540)
          + [(0.85, 0.9)]],                                          # a Z with a loop
    "3": [[(0.2, 0.08), (0.8, 0.08), (0.45, 0.42), (0.8, 0.6), (0.7, 0.88), (0.2, 0.92)]],
    "4": [[(0.62, 0.92), (0.62, 0.05), (0.12, 0.62), (0.9, 0.62)]],  # one stroke, closed
    "5": [[(0.85, 0.08), (0.25, 0.08), (0.2, 0.45), (0.75, 0.5), (0.8, 0.85), (0.2, 0.9)]],
    "6": [[(0.75, 0.05), (0.3, 0.5), (0.25, 0.85), (0.7, 0.9), (0.75, 0.6), (0.3, 0.55)]],
    "7": [[(0.15, 0.25), (0.15, 0.08), (0.85, 0.08), (0.35, 0.95)], [(0.25, 0.5), (0.8, 0.5)]],
    "8": [ellipse(0.5, 0.25, 0.3, 0.17, 120, 460) + ellipse(0.5, 0.72, 0.18, 0.22, 0, 300)],
    "9": [ellipse(0.45, 0.28, 0.28, 0.2, 60, 380) + [(0.72, 0.3), (0.7, 0.9), (0.3, 0.85)]],
}


def shape(d, style, variant):
    strokes = (ODD if style == "odd" else PLAIN)[d]
    rnd = random.Random(variant * 97 + int(d))
    jitter = 0.03 if variant else 0.0
    slant = 0.75 if style == "odd" else -0.08
    sx = 1.0 + rnd.uniform(-0.08, 0.08) * (1 if variant else 0)
    out = []
    for s in strokes:
        out.append([(0.5 + (x - 0.5) * sx + slant * (y - 0.5) + rnd.uniform(-jitter, jitter),
                     y + rnd.uniform(-jitter, jitter)) for x, y in s])
    return out


def draw_strokes(strokes, x0, y0, size):
    for s in strokes:
        pts = [(int(x0 + x * size), int(y0 + y * size)) for x, y in s]
        # densify, so the gesture sees a smooth stroke
        dense = [pts[0]]
        for (ax, ay), (bx, by) in zip(pts, pts[1:]):
            n = max(1, int(math.hypot(bx - ax, by - ay) / 6))
            dense += [(ax + (bx - ax) * i // n, ay + (by - ay) * i // n) for i in range(1, n + 1)]
        cmd = ["xdotool", "mousemove", str(dense[0][0]), str(dense[0][1]), "mousedown", "1"]
        for x, y in dense[1:]:
            cmd += ["mousemove", str(x), str(y), "sleep", "0.004"]
        cmd += ["mouseup", "1", "sleep", "0.05"]
        subprocess.run(cmd, check=True)


def main():
    args = sys.argv[1:]
    style = "plain"
    variant = 0
    if "--style" in args:
        i = args.index("--style"); style = args[i + 1]; del args[i:i + 2]
    if "--variant" in args:
        i = args.index("--variant"); variant = int(args[i + 1]); del args[i:i + 2]
    what, text = args[0], args[1]
    x0, y0, x1, y1 = locate_canvas()
    h = y1 - y0
    if what == "number":
        # as high as the canvas allows, smaller when that many would not fit across
        size = min(h * 0.62, (x1 - x0) * 0.96 / len(text) / 0.95)
        step = size * 0.95
        left = x0 + (x1 - x0 - step * len(text)) / 2
        for i, d in enumerate(text):
            draw_strokes(shape(d, style, variant + i), left + i * step, y0 + h * 0.19, size)
    else:
        side = min(x1 - x0, h)
        size = side * 0.6
        draw_strokes(shape(text, style, variant), x0 + (side - size) / 2, y0 + side * 0.2, size)


if __name__ == "__main__":
    main()
