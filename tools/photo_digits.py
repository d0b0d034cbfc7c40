#!/usr/bin/python3
"""photo_digits.py: how well `reslab-cli predict` reads digits that look photographed.

Draws the first N MNIST test images as pictures (PGM files) in five conditions, runs
`reslab-cli predict` on each set and prints how many it read right, and how many of the
pictures `reslab-cli read` takes for a number of two digits or more (the app sends a picture
dropped on it, or named on its command line, to the Number view when the reader finds two
digits or more, so these are single digits that would go to the wrong view):

    clean    10x large (360 px), dark ink on white paper
    grey     the same on grey paper (0.75), the ink 0.15
    shadow   lit from one side: light from 1 to 0.45 left to right and by 0.2 top to bottom,
             ink 85 % dark, Gaussian noise 0.08
    noise    white paper, Gaussian noise 0.25
    small    28 px large on a 6 px margin, light ink on black (MNIST as it is)
    dark     black ink (0.05) on dark grey paper (0.4), noise 0.03
    chalk    light ink (0.85) on a dark board (0.25) lit from one side (x 1 to 0.6), noise 0.03
    edge     a hard shadow's edge: white paper, and right of a vertical line at a random 20 to
             80 % of the width, light 0.55; ink 85 % dark, noise 0.03

    tools/photo_digits.py --cli build/app/reslab-cli --model resources/models/seed.safetensors

The pictures go to a temporary folder that is removed at the end. Needs numpy, so run with
/usr/bin/python3 (Debian's python3-numpy comes with python3-torch).
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

DEFAULT_DATA = os.path.expanduser("~/.local/share/reslab/mnist")
CONDITIONS = ("clean", "grey", "shadow", "noise", "small", "dark", "chalk", "edge")


def read_idx(path, header):
    with open(path, "rb") as f:
        return np.frombuffer(f.read()[header:], np.uint8)


def write_pgm(path, lum):
    """lum: luminance in [0, 1], 1 white."""
    lum = np.clip(lum, 0.0, 1.0)
    h, w = lum.shape
    with open(path, "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (w, h))
        f.write((lum * 255 + 0.5).astype(np.uint8).tobytes())


def picture(img, condition, rng):
    """img: (28, 28) ink in [0, 1]. Returns the picture's luminance."""
    if condition == "small":
        return np.pad(img, 6)
    ink = np.pad(np.kron(img, np.ones((10, 10), np.float32)), 40)
    side = ink.shape[0]
    if condition == "clean":
        return 1 - ink
    if condition == "grey":
        return 0.75 - 0.6 * ink
    if condition == "noise":
        return 1 - ink + rng.normal(0, 0.25, ink.shape)
    if condition == "dark":
        return 0.4 - 0.35 * ink + rng.normal(0, 0.03, ink.shape)
    yy, xx = np.mgrid[0:side, 0:side] / side
    if condition == "chalk":
        return (0.25 + 0.6 * ink) * (1.0 - 0.4 * xx) + rng.normal(0, 0.03, ink.shape)
    if condition == "edge":
        light = np.where(xx < rng.uniform(0.2, 0.8), 1.0, 0.55)
        return light * (1 - 0.85 * ink) + rng.normal(0, 0.03, ink.shape)
    light = 1.0 - 0.55 * xx - 0.2 * yy
    return light * (1 - 0.85 * ink) + rng.normal(0, 0.08, ink.shape)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default="build/app/reslab-cli")
    parser.add_argument("--model", default="resources/models/seed.safetensors")
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("-n", type=int, default=200, help="images (default 200)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    images = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte"), 16).reshape(-1, 28, 28)
    labels = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte"), 8)
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory(prefix="reslab-photo-") as tmp:
        for condition in CONDITIONS:
            paths = []
            for i in range(args.n):
                path = os.path.join(tmp, "%s-%04d.pgm" % (condition, i))
                write_pgm(path, picture(images[i].astype(np.float32) / 255, condition, rng))
                paths.append(path)
            out = subprocess.run([args.cli, "predict", "--model", args.model] + paths,
                                 capture_output=True, text=True)
            read = {}
            for line in out.stdout.splitlines():
                if line.startswith(tmp):
                    path, digit = line.rsplit(": ", 1)
                    read[path] = int(digit)
            right = sum(read.get(p) == labels[i] for i, p in enumerate(paths))
            if out.returncode != 0:
                print("  reslab-cli: %s" % out.stderr.strip(), file=sys.stderr)
            out = subprocess.run([args.cli, "read", "--model", args.model] + paths,
                                 capture_output=True, text=True)
            several = sum(1 for line in out.stdout.splitlines()
                          if line.startswith(tmp) and len(line.rsplit(": ", 1)[1]) >= 2)
            print("%-7s %d / %d read right, %d taken for a number" %
                  (condition, right, args.n, several))


if __name__ == "__main__":
    main()
