#!/usr/bin/python3
"""torch_seed.py: the PyTorch reference run of the seed net (../shared/seed/README.md).

Trains the seed's residual CNN on MNIST exactly as the seed's code does (SGD with momentum,
cross-entropy, batch 64 shuffled each epoch, inputs normalised with mean 0.1307 and std 0.3081)
and prints the seed's log lines, so ResLab's own runs can be compared with PyTorch's:

    [1,   300] loss: 0.535                       every 300 batches, mean loss over them
    test accuracy 98.93% (9893/10000)            after every epoch
    epoch 1: train 9.12 s, 6579 images/s         training time only, not the test

Differences from the seed's script, all for speed or reproducibility, none for the maths: the
IDX files are read directly (no torchvision) and preloaded as one normalised tensor, the
shuffle comes from torch.randperm with a generator seeded from --seed, and the test runs after
every epoch (the seed tests every other epoch).

    tools/torch_seed.py --epochs 3 --threads 2 --seed 1
    tools/torch_seed.py --bench 200 --threads 2      # prints torch_images_per_s <value>

Run with /usr/bin/python3 (the interpreter that has torch). The network, the IDX reader and the
safetensors writer below are also used by tools/gen-fixtures.py.
"""

import argparse
import json
import os
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

MNIST_MEAN = 0.1307
MNIST_STD = 0.3081
DEFAULT_DATA = os.path.expanduser("~/.local/share/reslab/mnist")


# ---- The seed net, as the seed's code defines it (same attribute names, so the state_dict
# ---- keys are conv1.weight, ..., rblock1.conv1.weight, ..., fc.bias) ------------------------

class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super(ResidualBlock, self).__init__()
        self.channels = channels
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x):
        y = F.relu(self.conv1(x))
        y = self.conv2(y)
        return F.relu(x + y)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=5)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=5)
        self.mp = nn.MaxPool2d(2)
        self.rblock1 = ResidualBlock(16)
        self.rblock2 = ResidualBlock(32)
        self.fc = nn.Linear(512, 10)

    def forward(self, x):
        in_size = x.size(0)
        x = self.mp(F.relu(self.conv1(x)))
        x = self.rblock1(x)
        x = self.mp(F.relu(self.conv2(x)))
        x = self.rblock2(x)
        x = x.view(in_size, -1)
        x = self.fc(x)
        return x


# ---- MNIST IDX files ---------------------------------------------------------------------

def read_idx(path, magic, max_items=1 << 20):
    """Reads an IDX file of unsigned bytes; returns (dims, raw bytes). Checks the magic number
    (0x801 labels, 0x803 images) and that the file holds exactly what its header announces."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 4:
        raise ValueError("%s: truncated header" % path)
    (m,) = struct.unpack(">I", data[:4])
    if m != magic:
        raise ValueError("%s: magic 0x%08x, expected 0x%08x" % (path, m, magic))
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError("%s: truncated header" % path)
    dims = struct.unpack(">" + "I" * ndim, data[4:header])
    if dims[0] > max_items:
        raise ValueError("%s: %d items is more than %d" % (path, dims[0], max_items))
    size = 1
    for d in dims:
        size *= d
    if len(data) != header + size:
        raise ValueError("%s: %d data bytes, header announces %d" % (path, len(data) - header, size))
    return dims, data[header:]


def normalise(raw_u8):
    """uint8 pixels -> float32 (x / 255 - mean) / std, as ToTensor() + Normalize() compute it."""
    return raw_u8.to(torch.float32).div(255).sub(MNIST_MEAN).div(MNIST_STD)


def load_mnist(data_dir, split, indices=None):
    """split: "train" or "t10k". Returns (images (N, 1, 28, 28) normalised float32, labels int64).
    @indices (optional) selects a subset of the images."""
    dims, pixels = read_idx(os.path.join(data_dir, split + "-images-idx3-ubyte"), 0x803)
    ldims, labels = read_idx(os.path.join(data_dir, split + "-labels-idx1-ubyte"), 0x801)
    if ldims[0] != dims[0]:
        raise ValueError("%s: %d images but %d labels" % (split, dims[0], ldims[0]))
    x = torch.frombuffer(bytearray(pixels), dtype=torch.uint8).view(dims[0], 1, dims[1], dims[2])
    y = torch.frombuffer(bytearray(labels), dtype=torch.uint8).to(torch.int64)
    if indices is not None:
        x = x[indices]
        y = y[indices]
    return normalise(x), y


# ---- safetensors, written by hand (no safetensors package here) ---------------------------

def write_safetensors(path, tensors, metadata=None):
    """tensors: list of (name, tensor), stored in this order as F32 little-endian with
    consecutive offsets. metadata: str -> str. The JSON header is padded with spaces to a
    multiple of 8 bytes, so the data starts aligned. Written atomically (temp file + rename)."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name, t in tensors:
        if name in header:
            raise ValueError("duplicate tensor name %s" % name)
        a = t.detach().to(torch.float32).contiguous().cpu()
        blob = a.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


# ---- Training -----------------------------------------------------------------------------

def evaluate(model, x, y, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, x.size(0), batch):
            out = model(x[start:start + batch])
            correct += (out.argmax(dim=1) == y[start:start + batch]).sum().item()
    model.train()
    return correct


def train_step(model, opt, loss_fn, x, y):
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    return loss.item()


def new_run(args):
    """The seed net initialised from args.seed, its SGD and loss, and the generator of the
    batch order (seeded alike): what training and the bench start from, in that order."""
    torch.manual_seed(args.seed)
    model = Net()
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    return model, opt, nn.CrossEntropyLoss(), torch.Generator().manual_seed(args.seed)


def run_training(args):
    train_x, train_y = load_mnist(args.data, "train")
    test_x, test_y = load_mnist(args.data, "t10k")
    model, opt, loss_fn, gen = new_run(args)
    n = train_x.size(0)

    print("# torch %s, threads %d, seed %d, lr %g, momentum %g, batch %d, %d train / %d test images"
          % (torch.__version__, torch.get_num_threads(), args.seed, args.lr, args.momentum,
             args.batch, n, test_x.size(0)), flush=True)
    for epoch in range(args.epochs):
        perm = torch.randperm(n, generator=gen)
        running = 0.0
        t0 = time.perf_counter()
        for batch_idx, start in enumerate(range(0, n, args.batch)):
            idx = perm[start:start + args.batch]
            running += train_step(model, opt, loss_fn, train_x[idx], train_y[idx])
            if batch_idx % 300 == 299:
                print("[%d, %5d] loss: %.3f" % (epoch + 1, batch_idx + 1, running / 300),
                      flush=True)
                running = 0.0
        train_s = time.perf_counter() - t0
        correct = evaluate(model, test_x, test_y)
        total = test_x.size(0)
        print("test accuracy %.2f%% (%d/%d)" % (100.0 * correct / total, correct, total),
              flush=True)
        print("epoch %d: train %.2f s, %.0f images/s" % (epoch + 1, train_s, n / train_s),
              flush=True)
    if args.save:
        write_safetensors(args.save, list(model.state_dict().items()),
                          {"source": "tools/torch_seed.py", "torch": torch.__version__,
                           "seed": str(args.seed), "epochs": str(args.epochs),
                           "dataset": "mnist"})


def run_bench(args):
    """Times args.bench training steps (after one warm-up step) on real MNIST batches."""
    train_x, train_y = load_mnist(args.data, "train")
    model, opt, loss_fn, gen = new_run(args)
    n = train_x.size(0)
    idx = torch.randperm(n, generator=gen)
    need = (args.bench + 1) * args.batch
    while idx.numel() < need:
        idx = torch.cat([idx, torch.randperm(n, generator=gen)])

    def batch(i):
        sel = idx[i * args.batch:(i + 1) * args.batch]
        return train_x[sel], train_y[sel]

    train_step(model, opt, loss_fn, *batch(0))
    t0 = time.perf_counter()
    for i in range(1, args.bench + 1):
        train_step(model, opt, loss_fn, *batch(i))
    elapsed = time.perf_counter() - t0
    print("# torch %s, threads %d, batch %d, %d batches in %.3f s"
          % (torch.__version__, torch.get_num_threads(), args.batch, args.bench, elapsed))
    print("torch_images_per_s %.1f" % (args.bench * args.batch / elapsed))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--threads", type=int, default=0,
                   help="torch.set_num_threads (default: leave torch's choice)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.5)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--data", default=DEFAULT_DATA, help="directory with the MNIST IDX files")
    p.add_argument("--save", metavar="PATH", help="save the trained weights as safetensors")
    p.add_argument("--bench", type=int, metavar="BATCHES", default=0,
                   help="time this many training batches and print torch_images_per_s")
    args = p.parse_args(argv)
    if args.epochs < 0 or args.batch < 1 or args.bench < 0:
        p.error("--batch must be positive, --epochs and --bench non-negative")
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    try:
        if args.bench:
            run_bench(args)
        else:
            run_training(args)
    except (OSError, ValueError) as e:
        print("torch_seed.py: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
