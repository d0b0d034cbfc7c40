#!/bin/bash
# Regenerates resources/models/seed.safetensors, the model the app opens with on first launch:
# the seed net trained by reslab-cli with the seed's hyperparameters (10 epochs, lr 0.01,
# momentum 0.5, batch 64) on all 60,000 MNIST images, seed 1, 2 threads.
#
# The same seed and thread count give the same bits with the same build and GEMM kernel; a
# different kernel (RESLAB_KERNEL) or engine version sums in another order and gives another,
# equally good model. The file it replaces reached 99.10% on the MNIST test set.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cli="${RESLAB_CLI:-$top/build/app/reslab-cli}"
out="$top/resources/models/seed.safetensors"

[ -x "$cli" ] || { echo "make-bundled-model: build first (./dev.sh setup): $cli missing" >&2; exit 1; }
tmp=$(mktemp "$top/resources/models/.seed.XXXXXX.safetensors")
trap 'rm -f "$tmp"' EXIT
log=$("$cli" train --arch seed --epochs 10 --lr 0.01 --momentum 0.5 --batch 64 --seed 1 \
  --threads 2 --out "$tmp" | tee /dev/stderr)
# the last epoch's accuracy decides
if ! grep '^test accuracy ' <<<"$log" | tail -n 1 | grep -q '^test accuracy 99\.'; then
  echo "make-bundled-model: the run ended under 99%; keeping the old model" >&2
  exit 1
fi
mv "$tmp" "$out"
trap - EXIT
echo "make-bundled-model: wrote $out"
