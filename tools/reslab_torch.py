#!/usr/bin/python3
"""reslab_torch.py: any ResLab architecture as a PyTorch nn.Module, with ResLab's state_dict names.

ResLab describes a net as text (engine/rl-arch.h), stored in every model file's "arch"
metadata:

    [name=]kind[(arg,key=value,...)] ...
    conv(C,k=3,s=1,p=0)   relu   maxpool(K=2)   bn   gap   linear(C)
    res(C,s=1,shortcut=identity|none|A|B,bn=0|1)

plus the names "seed", "resnet-N" and "plain-N" (N = 6n+2; batch norm on, option A), which
build() expands as engine/rl-arch.c does (cifar_text() for the other options). The module's
parameters and buffers carry the same names as ResLab's safetensors (conv1.weight,
layer2.0.bn1.running_var, layer2.0.shortcut.0.weight, fc.bias, ...), so a ResLab file loads
with load_state_dict(strict=True) and a PyTorch state_dict saves back as one.

The semantics follow the engine (rl-model.c, rl-resblock.c): a standalone conv always has a
bias; a residual block is y = relu(F(x) + shortcut(x)) with F = conv3x3(s) [bn] relu conv3x3
[bn], its convs without bias when bn=1; shortcut none gives y = relu(F(x)) (the plain twin);
option A subsamples by the stride and pads the new channels with zeros, (Co - Ci) // 2 before
and the rest after; option B is a 1x1 conv with the stride (+ bn, as shortcut.0 and shortcut.1,
when bn=1; else "shortcut" with a bias); linear flattens (C, H, W) as x.view(N, -1); batch norm
is BatchNorm2d (eps 1e-5, momentum 0.1).

    /usr/bin/python3 tools/reslab_torch.py describe MODEL.safetensors
    /usr/bin/python3 tools/reslab_torch.py logits --input X.f32 --n N MODEL.safetensors ...
    /usr/bin/python3 tools/reslab_torch.py eval [--data DIR] MODEL.safetensors
    /usr/bin/python3 tools/reslab_torch.py export MODEL.safetensors OUT.safetensors

`logits` reads N images (N, 1, 28, 28) as little-endian float32, already normalised, and
prints {"MODEL": [[P logits] x N], ...} as JSON, in evaluation mode (tests/test-torch-arch.c
compares them with the engine's). `eval` runs the model in evaluation mode on the 10,000 test
images of the IDX files in DIR (default: where ResLab keeps them, $RESLAB_DATA_DIR or
~/.local/share/reslab/mnist; /usr/share/datasets/fashion-mnist for a Fashion-MNIST model),
normalised as ResLab does, and prints `test accuracy 91.23% (9123/10000)` as `reslab-cli eval`
does, then how many images have their two best logits within 1e-4 (where float order can
decide). `export` loads MODEL into the nn.Module and writes its state_dict back as a ResLab
model file (every tensor F32, the description in the "arch" metadata, "input", "classes",
"dataset" and "format" kept), which `reslab-cli eval` reads (tests/test-torch-roundtrip.c).
Exit status 77 when torch cannot be imported (a test's skip); 1 with a message naming the file
when a file cannot be read.

    /usr/bin/python3 tools/reslab_torch.py bench --arch resnet-20 --batches 100 --threads 1

`bench` times training steps of the net (after one warm-up step) as `reslab-cli bench --arch`
runs them: MNIST preloaded as one normalised tensor, batches drawn from a seeded permutation,
SGD with the experiment's defaults (batch 64, lr 0.02, momentum 0.9, weight decay 1e-4), and
prints `torch_images_per_s <value>`.
"""

import json
import os
import re
import struct
import sys

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from torch_seed import read_idx, write_safetensors   # the checked IDX reader, the writer
except ImportError as e:  # the tests skip on 77
    if __name__ == "__main__":
        print("reslab_torch.py: PyTorch is missing (%s); install python3-torch" % e,
              file=sys.stderr)
        sys.exit(77)
    raise

SEED_TEXT = ("conv1=conv(16,k=5) relu maxpool(2) rblock1=res(16) "
             "conv2=conv(32,k=5) relu maxpool(2) rblock2=res(32) fc=linear(10)")
KINDS = ("conv", "relu", "maxpool", "res", "gap", "linear", "bn")
SHORTCUTS = {"none": "none", "identity": "identity", "a": "A", "b": "B"}


# ---- The description ------------------------------------------------------------------------

def cifar_text(depth, residual, shortcut="A", bn=True):
    """rl_arch_new_cifar(): resnet-N / plain-N for N = 6n+2 on 28x28 inputs."""
    if depth < 8 or (depth - 2) % 6 != 0:
        raise ValueError("depth %d is not of the form 6n+2 (8, 20, 32, 44, 56, ...)" % depth)
    if shortcut not in ("A", "B"):
        raise ValueError("shortcut must be A or B")
    n = (depth - 2) // 6
    s = ["conv1=conv(16,k=3,p=1)"] + (["bn1=bn"] if bn else []) + ["relu"]
    for stage, width in enumerate((16, 32, 64)):
        for b in range(n):
            down = stage > 0 and b == 0
            sc = "none" if not residual else (shortcut if down else "identity")
            args = [str(width)]
            if down:
                args.append("s=2")
            if sc != "identity":
                args.append("shortcut=" + sc)
            if bn:
                args.append("bn=1")
            s.append("layer%d.%d=res(%s)" % (stage + 1, b, ",".join(args)))
    s += ["gap", "fc=linear(10)"]
    return " ".join(s)


def expand(text):
    """The description with the names "seed", "resnet-N", "plain-N" written out."""
    text = text.strip()
    if text == "seed":
        return SEED_TEXT
    m = re.fullmatch(r"(resnet|plain)-(\d+)", text)
    if m:
        return cifar_text(int(m.group(2)), m.group(1) == "resnet")
    return text


def parse(text):
    """The layer specs of a description (dicts), as rl_arch_parse() reads them."""
    text = expand(text)
    specs = []
    for i, tok in enumerate(text.split()):
        m = re.fullmatch(r"(?:([A-Za-z0-9_.]+)=)?([a-z]+)(?:\((.*)\))?", tok)
        if not m or m.group(2) not in KINDS:
            raise ValueError("layer %d: cannot parse %r" % (i + 1, tok))
        name, kind, inner = m.group(1) or "", m.group(2), m.group(3)
        spec = {"name": name, "kind": kind, "channels": 0, "stride": 1, "pad": 0, "bn": False,
                "kernel": 3 if kind == "conv" else 2 if kind == "maxpool" else 0,
                "shortcut": "identity"}
        for pos, arg in enumerate([a.strip() for a in inner.split(",")] if inner else []):
            if "=" not in arg:
                if pos != 0 or kind in ("relu", "gap", "bn"):
                    raise ValueError("layer %d (%s): bad argument %r" % (i + 1, kind, arg))
                spec["kernel" if kind == "maxpool" else "channels"] = int(arg)
                continue
            key, val = arg.split("=", 1)
            if key == "k" and kind == "conv":
                spec["kernel"] = int(val)
            elif key == "s" and kind in ("conv", "res"):
                spec["stride"] = int(val)
            elif key == "p" and kind == "conv":
                spec["pad"] = int(val)
            elif key == "bn" and kind == "res":
                spec["bn"] = val == "1"
            elif key == "shortcut" and kind == "res" and val.lower() in SHORTCUTS:
                spec["shortcut"] = SHORTCUTS[val.lower()]
            else:
                raise ValueError("layer %d (%s): bad argument %r" % (i + 1, kind, arg))
        if kind in ("conv", "res", "linear", "bn") and not name:
            raise ValueError("layer %d (%s) has parameters and needs a name" % (i + 1, kind))
        specs.append(spec)
    return specs


# ---- The modules ----------------------------------------------------------------------------

class Sub(nn.Module):
    """A holder whose attributes give dotted names ("layer1" in "layer1.0.conv1.weight")."""


def _attach(root, dotted, module):
    """root.<a>.<b>... = module, creating holders on the way: "layer2.0" becomes the child "0"
    of a holder "layer2" (a digit is a valid child name, as in nn.Sequential)."""
    parts = dotted.split(".")
    node = root
    for p in parts[:-1]:
        if p not in node._modules:
            node.add_module(p, Sub())
        node = node._modules[p]
    node.add_module(parts[-1], module)


class ResBlock(nn.Module):
    def __init__(self, ci, co, stride, shortcut, bn):
        super().__init__()
        self.stride, self.kind, self.use_bn = stride, shortcut, bn
        self.pad_lo = (co - ci) // 2
        self.pad_hi = co - ci - self.pad_lo
        self.conv1 = nn.Conv2d(ci, co, 3, stride=stride, padding=1, bias=not bn)
        if bn:
            self.bn1 = nn.BatchNorm2d(co)
        self.conv2 = nn.Conv2d(co, co, 3, stride=1, padding=1, bias=not bn)
        if bn:
            self.bn2 = nn.BatchNorm2d(co)
        if shortcut == "identity" and (ci != co or stride != 1):
            raise ValueError("an identity shortcut needs matching shapes; use A or B")
        if shortcut == "A" and co < ci:
            raise ValueError("shortcut A cannot reduce channels")
        if shortcut == "B":
            proj = nn.Conv2d(ci, co, 1, stride=stride, bias=not bn)
            self.shortcut = nn.Sequential(proj, nn.BatchNorm2d(co)) if bn else proj

    def forward(self, x):
        y = self.conv1(x)
        if self.use_bn:
            y = self.bn1(y)
        y = self.conv2(F.relu(y))
        if self.use_bn:
            y = self.bn2(y)
        if self.kind == "none":
            return F.relu(y)
        if self.kind == "B":
            s = self.shortcut(x)
        else:
            s = x[:, :, ::self.stride, ::self.stride] if self.stride > 1 else x
            if self.pad_lo or self.pad_hi:
                s = F.pad(s, (0, 0, 0, 0, self.pad_lo, self.pad_hi))
        return F.relu(y + s)


class ResLabNet(nn.Module):
    """The net of a ResLab description, for inputs (N, in_c, in_h, in_w)."""

    def __init__(self, text, in_c=1, in_h=28, in_w=28):
        super().__init__()
        self.text = expand(text)
        self.specs = parse(text)
        self.steps = []   # (kind, dotted name or None, argument)
        c, h, w = in_c, in_h, in_w
        for spec in self.specs:
            kind, name = spec["kind"], spec["name"]
            if kind == "conv":
                k, s, p = spec["kernel"], spec["stride"], spec["pad"]
                _attach(self, name, nn.Conv2d(c, spec["channels"], k, stride=s, padding=p))
                c, h, w = spec["channels"], (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
            elif kind == "bn":
                _attach(self, name, nn.BatchNorm2d(c))
            elif kind == "res":
                s = spec["stride"]
                _attach(self, name, ResBlock(c, spec["channels"], s, spec["shortcut"], spec["bn"]))
                c, h, w = spec["channels"], (h - 1) // s + 1, (w - 1) // s + 1
            elif kind == "maxpool":
                h, w = h // spec["kernel"], w // spec["kernel"]
            elif kind == "gap":
                h = w = 1
            elif kind == "linear":
                _attach(self, name, nn.Linear(c * h * w, spec["channels"]))
                c, h, w = spec["channels"], 1, 1
            self.steps.append((kind, name, spec["kernel"]))

    def _get(self, dotted):
        node = self
        for p in dotted.split("."):
            node = node._modules[p]
        return node

    def forward(self, x):
        for kind, name, k in self.steps:
            if kind in ("conv", "bn", "res"):
                x = self._get(name)(x)
            elif kind == "relu":
                x = F.relu(x)
            elif kind == "maxpool":
                x = F.max_pool2d(x, k, k)
            elif kind == "gap":
                x = x.mean(dim=(2, 3), keepdim=True)
            elif kind == "linear":
                x = self._get(name)(x.reshape(x.shape[0], -1))
        return x


# ---- Files ----------------------------------------------------------------------------------

def read_safetensors(path):
    """(tensors as a dict name -> float32 tensor, metadata dict) of a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError("%s: header of %d bytes in a file of %d" % (path, n, len(data)))
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {}) or {}
    body = data[8 + n:]
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise ValueError("%s: %s is %s, not F32" % (path, name, info["dtype"]))
        lo, hi = info["data_offsets"]
        t = torch.frombuffer(bytearray(body[lo:hi]), dtype=torch.float32)
        tensors[name] = t.reshape(info["shape"]) if info["shape"] else t.reshape(())
    return tensors, meta


def load(path):
    """The ResLab model in @path as a ResLabNet in evaluation mode (strict names and shapes)."""
    tensors, meta = read_safetensors(path)
    c, h, w = (int(v) for v in meta.get("input", "1,28,28").split(","))
    net = ResLabNet(meta.get("arch", "seed"), c, h, w)
    state = net.state_dict()
    for name, t in tensors.items():
        if name in state and state[name].dtype != torch.float32:
            tensors[name] = t.to(state[name].dtype)   # num_batches_tracked: F32 -> int64
    net.load_state_dict(tensors, strict=True)
    return net.eval()


# ---- Evaluation and export ------------------------------------------------------------------

# ResLab's normalisation (engine/rl-dataset.c): x = (byte / 255 - mean) / std
DATASETS = {"mnist": (0.1307, 0.3081), "fashion": (0.2860, 0.3530)}


def default_data_dir(dataset):
    if dataset == "fashion":
        return os.environ.get("RESLAB_FASHION_DIR") or "/usr/share/datasets/fashion-mnist"
    base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return os.environ.get("RESLAB_DATA_DIR") or os.path.join(base, "reslab", "mnist")


def load_test_set(data_dir, dataset):
    """The t10k IDX files of @data_dir as (images (N, 1, H, W) normalised float32, labels)."""
    dims, pixels = read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte"), 0x803)
    ldims, labels = read_idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte"), 0x801)
    if ldims[0] != dims[0]:
        raise ValueError("%s: %d test images but %d labels" % (data_dir, dims[0], ldims[0]))
    mean, std = DATASETS[dataset]
    x = torch.frombuffer(bytearray(pixels), dtype=torch.uint8).view(dims[0], 1, dims[1], dims[2])
    y = torch.frombuffer(bytearray(labels), dtype=torch.uint8).to(torch.int64)
    return x.to(torch.float32).div(255).sub(mean).div(std), y


def evaluate(path, data_dir=None, batch=500):
    """(correct, total, near_ties) of the model in @path on its dataset's test set."""
    meta = read_safetensors(path)[1]
    dataset = meta.get("dataset", "mnist")
    if dataset not in DATASETS:
        raise ValueError("%s: dataset %r is not one ResLab knows" % (path, dataset))
    x, y = load_test_set(data_dir or default_data_dir(dataset), dataset)
    net = load(path)
    correct = near = 0
    with torch.no_grad():
        for lo in range(0, x.shape[0], batch):
            out = net(x[lo:lo + batch])
            correct += int((out.argmax(dim=1) == y[lo:lo + batch]).sum())
            top2 = out.topk(2, dim=1).values
            near += int(((top2[:, 0] - top2[:, 1]) < 1e-4).sum())
    return correct, x.shape[0], near


def export(path, out_path):
    """Loads @path into the nn.Module and saves its state_dict as a ResLab model file."""
    meta = read_safetensors(path)[1]
    net = load(path)
    keep = {k: meta[k] for k in ("input", "classes", "dataset", "format") if k in meta}
    keep["arch"] = net.text
    keep["exported_by"] = "tools/reslab_torch.py (torch %s)" % torch.__version__
    write_safetensors(out_path, list(net.state_dict().items()), keep)


def run_bench(argv):
    """Times training steps of a net (see the module's docstring)."""
    import argparse
    import os
    import time
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import torch_seed

    p = argparse.ArgumentParser(prog="reslab_torch.py bench")
    p.add_argument("--arch", required=True)
    p.add_argument("--batches", type=int, default=100)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.02)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", default=torch_seed.DEFAULT_DATA)
    args = p.parse_args(argv)
    if args.batches < 1 or args.batch < 1:
        p.error("--batches and --batch must be positive")
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    train_x, train_y = torch_seed.load_mnist(args.data, "train")
    torch.manual_seed(args.seed)
    net = ResLabNet(args.arch, 1, 28, 28).train()
    opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=args.momentum,
                          weight_decay=args.weight_decay)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(args.seed)
    n = train_x.size(0)
    idx = torch.randperm(n, generator=gen)
    while idx.numel() < (args.batches + 1) * args.batch:
        idx = torch.cat([idx, torch.randperm(n, generator=gen)])

    def step(i):
        sel = idx[i * args.batch:(i + 1) * args.batch]
        torch_seed.train_step(net, opt, loss_fn, train_x[sel], train_y[sel])

    step(0)   # warm-up
    t0 = time.perf_counter()
    for i in range(1, args.batches + 1):
        step(i)
    elapsed = time.perf_counter() - t0
    print("# torch %s, %s, threads %d, batch %d, %d batches in %.3f s"
          % (torch.__version__, args.arch, torch.get_num_threads(), args.batch, args.batches,
             elapsed))
    print("torch_images_per_s %.1f" % (args.batches * args.batch / elapsed))
    return 0


def main(argv):
    if len(argv) >= 1 and argv[0] == "bench":
        return run_bench(argv[1:])
    if len(argv) >= 2 and argv[0] == "describe":
        net = load(argv[1])
        print(net)
        for name, t in net.state_dict().items():
            print("%-36s %s" % (name, list(t.shape)))
        return 0
    if len(argv) >= 5 and argv[0] == "logits" and argv[1] == "--input" and argv[3] == "--n":
        n = int(argv[4])
        with open(argv[2], "rb") as f:
            raw = f.read()
        x = torch.frombuffer(bytearray(raw), dtype=torch.float32)
        out = {}
        torch.set_num_threads(1)
        for path in argv[5:]:
            net = load(path)
            c, h, w = (int(v) for v in read_safetensors(path)[1].get("input", "1,28,28")
                       .split(","))
            with torch.no_grad():
                out[path] = net(x[: n * c * h * w].reshape(n, c, h, w)).tolist()
        json.dump(out, sys.stdout)
        print()
        return 0
    if len(argv) in (2, 4) and argv[0] == "eval" and (len(argv) == 2 or argv[1] == "--data"):
        torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
        correct, total, near = evaluate(argv[-1], argv[2] if len(argv) == 4 else None)
        print("test accuracy %.2f%% (%d/%d)" % (100.0 * correct / total, correct, total))
        print("near ties (two best logits within 1e-4): %d" % near)
        return 0
    if len(argv) == 3 and argv[0] == "export":
        export(argv[1], argv[2])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (OSError, ValueError, KeyError, RuntimeError) as e:
        print("reslab_torch.py: %s" % e, file=sys.stderr)
        sys.exit(1)
