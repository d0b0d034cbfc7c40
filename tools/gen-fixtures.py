#!/usr/bin/python3
"""gen-fixtures.py: PyTorch reference values that tests/test-parity.c checks the engine against.

    /usr/bin/python3 tools/gen-fixtures.py [--data DIR] [--out tests/fixtures]

Writes two safetensors files (F32, written by hand: there is no safetensors package here):

tests/fixtures/seed-parity.safetensors: the seed net (../shared/seed/README.md) on a batch of
8 real MNIST training images (indices 0..7), from PyTorch's default initialisation:
    param.<name>   every parameter before training, under its state_dict name
    input          (8, 1, 28, 28) normalised as (x / 255 - 0.1307) / 0.3081
    labels         (8) the digits, as floats
    logits         (8, 10) forward output
    loss           (1) CrossEntropyLoss (mean over the batch)
    grad.<name>    d loss / d param, after loss.backward()
    loss3          (3) the loss at each of three SGD steps on the same batch
                   (lr 0.01, momentum 0.5, weight decay 0, zero_grad before each)
    after3.<name>  the parameters after those three steps

tests/fixtures/layers-parity.safetensors: single-layer cases, each a tiny model with the
engine's arch syntax and PyTorch names, so they can be checked through the public model API.
Every case <c> listed in the metadata key "cases" holds the same keys as the seed file,
prefixed "<c>." (param.*, input, labels, logits, loss, grad.*), plus the layer under test in
isolation (layer index in the arch: metadata "<c>.layer"):
    <c>.layer.input   what the layer sees (absent when it is <c>.input itself)
    <c>.layer.output  its forward output
    <c>.layer.dout    the upstream gradient d loss / d output (a fixed tensor: the direct
                      layer test feeds it to the layer's backward)
    <c>.layer.dinput  d loss / d layer input; the parameter gradients are <c>.grad.*
    res only: <c>.layer.hidden = relu(conv1(x)), <c>.layer.residual = conv2(hidden),
              <c>.layer.shortcut = shortcut(x)
Metadata "<c>.arch" is the engine's description of the model, "<c>.classes" its outputs.

Both files are deterministic: a fixed seed, one thread, deterministic algorithms, and a
JSON header written in insertion order, so rerunning gives the same bytes.
"""

import argparse
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_seed import Net, load_mnist, write_safetensors, DEFAULT_DATA  # noqa: E402

SEED = 20160627                 # CVPR 2016 opened on 27 June: any fixed number would do
SEED_ARCH = ("conv1=conv(16,k=5) relu maxpool(2) rblock1=res(16) "
             "conv2=conv(32,k=5) relu maxpool(2) rblock2=res(32) fc=linear(10)")
LR, MOMENTUM, WEIGHT_DECAY, STEPS = 0.01, 0.5, 0.0, 3
TOLERANCE = 1e-4                # the test's: |a - b| <= TOLERANCE * max-abs of the tensor


# ---- Tiny models for the single-layer cases, named as the engine's arch names them ----------

class ConvCase(nn.Module):
    """c=conv(4,k=3,s=2,p=1) fc=linear(3) on (3, 7, 7): the conv's output is (4, 4, 4)."""
    arch = "c=conv(4,k=3,s=2,p=1) fc=linear(3)"
    input_shape = (2, 3, 7, 7)
    classes = 3
    layer = 0

    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(3, 4, kernel_size=3, stride=2, padding=1)
        self.fc = nn.Linear(4 * 4 * 4, 3)

    def forward(self, x, maps):
        maps["layer.input"] = x
        maps["layer.output"] = out = self.c(x)
        return self.fc(out.view(x.size(0), -1))


class MaxpoolCase(nn.Module):
    """c=conv(2,k=1) maxpool(2) fc=linear(3) on (2, 6, 6). The 1x1 conv in front gives the
    pooling's backward a parameter to route gradients to; the input is drawn again until every
    2x2 window's maximum beats the runner-up by a clear margin (no ties, no near-ties)."""
    arch = "c=conv(2,k=1) maxpool(2) fc=linear(3)"
    input_shape = (2, 2, 6, 6)
    classes = 3
    layer = 1

    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(2, 2, kernel_size=1)
        self.fc = nn.Linear(2 * 3 * 3, 3)

    def forward(self, x, maps):
        maps["layer.input"] = y = self.c(x)
        maps["layer.output"] = out = F.max_pool2d(y, 2)
        return self.fc(out.view(x.size(0), -1))


class LinearCase(nn.Module):
    """fc=linear(5) on (2, 3, 3): checks the (C, H, W) flattening order too."""
    arch = "fc=linear(5)"
    input_shape = (3, 2, 3, 3)
    classes = 5
    layer = 0

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2 * 3 * 3, 5)

    def forward(self, x, maps):
        maps["layer.input"] = x
        maps["layer.output"] = out = self.fc(x.view(x.size(0), -1))
        return out


class ProjectionBlock(nn.Module):
    """res(C, s=S, shortcut=B): y = relu(conv2(relu(conv1(x))) + shortcut(x)), conv1 3x3 with
    stride S, conv2 3x3, both padding 1; shortcut a 1x1 convolution with stride S and bias
    (He et al. 2016, option B)."""

    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, kernel_size=3, stride=stride, padding=1)
        self.conv2 = nn.Conv2d(c_out, c_out, kernel_size=3, padding=1)
        self.shortcut = nn.Conv2d(c_in, c_out, kernel_size=1, stride=stride)

    def forward(self, x, maps):
        maps["layer.hidden"] = h = F.relu(self.conv1(x))
        maps["layer.residual"] = r = self.conv2(h)
        maps["layer.shortcut"] = s = self.shortcut(x)
        maps["layer.output"] = out = F.relu(r + s)
        return out


class ResCase(nn.Module):
    """blk=res(32,s=2,shortcut=B) fc=linear(3) on (16, 6, 6): the block's output is (32, 3, 3)."""
    arch = "blk=res(32,s=2,shortcut=B) fc=linear(3)"
    input_shape = (2, 16, 6, 6)
    classes = 3
    layer = 0

    def __init__(self):
        super().__init__()
        self.blk = ProjectionBlock(16, 32, 2)
        self.fc = nn.Linear(32 * 3 * 3, 3)

    def forward(self, x, maps):
        maps["layer.input"] = x
        out = self.blk(x, maps)
        return self.fc(out.view(x.size(0), -1))


class GapCase(nn.Module):
    """c=conv(4,k=3,p=1) relu gap fc=linear(3) on (2, 5, 5): global average pooling."""
    arch = "c=conv(4,k=3,p=1) relu gap fc=linear(3)"
    input_shape = (2, 2, 5, 5)
    classes = 3
    layer = 2

    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(2, 4, kernel_size=3, padding=1)
        self.fc = nn.Linear(4, 3)

    def forward(self, x, maps):
        maps["layer.input"] = y = F.relu(self.c(x))
        maps["layer.output"] = out = F.adaptive_avg_pool2d(y, 1)
        return self.fc(out.view(x.size(0), -1))


CASES = [("conv", ConvCase), ("maxpool", MaxpoolCase), ("linear", LinearCase),
         ("res", ResCase), ("gap", GapCase)]


# ---- Helpers ------------------------------------------------------------------------------

def max_err_ratio(a, b):
    """max |a - b| / (TOLERANCE * max|b|): below 1 passes the test's criterion."""
    a = a.detach().double()
    b = b.detach().double()
    scale = b.abs().max().item()
    if scale == 0:
        return 0.0 if torch.equal(a, b) else float("inf")
    return (a - b).abs().max().item() / (TOLERANCE * scale)


def check_against_double(name, tensors32, compute64):
    """The float32 reference must itself sit well inside the tolerance of the exact (float64)
    values, or the test would be measuring PyTorch's rounding instead of the engine's."""
    tensors64 = compute64()
    worst = max((max_err_ratio(tensors32[k], tensors64[k]), k) for k in tensors32)
    print("%s: float32 vs float64 reference: worst error %.3f of the tolerance (%s)"
          % (name, worst[0], worst[1]))
    if worst[0] > 0.25:
        raise SystemExit("%s: float32 reference too far from float64 on %s" % (name, worst[1]))


def pool_margin(y):
    """Smallest gap between the largest and second-largest value of any 2x2 window of y."""
    n, c, h, w = y.shape
    win = y.detach().reshape(n, c, h // 2, 2, w // 2, 2).permute(0, 1, 2, 4, 3, 5)
    top2 = win.reshape(n, c, h // 2, w // 2, 4).topk(2, dim=-1).values
    return (top2[..., 0] - top2[..., 1]).min().item()


def seed_net_ties(model, x):
    """Counts exact ties and near-ties (gap < 1e-5) at the winner of the seed net's two max
    pools with positive maxima; reported, since PyTorch's rule (first maximum in window scan
    order) decides where the gradient goes and the engine must follow it."""
    with torch.no_grad():
        a = F.relu(model.conv1(x))
        b = F.relu(model.conv2(model.rblock1(F.max_pool2d(a, 2))))
    out = []
    for y in (a, b):
        n, c, h, w = y.shape
        win = y.reshape(n, c, h // 2, 2, w // 2, 2).permute(0, 1, 2, 4, 3, 5).reshape(-1, 4)
        top2 = win.topk(2, dim=-1).values
        pos = top2[:, 0] > 0
        gap = top2[:, 0] - top2[:, 1]
        out.append((int(((gap == 0) & pos).sum()), int(((gap > 0) & (gap < 1e-5) & pos).sum())))
    return out


# ---- The seed net -------------------------------------------------------------------------

def seed_fixture(data_dir):
    torch.manual_seed(SEED)
    model = Net()
    x, y = load_mnist(data_dir, "train", torch.arange(8))
    loss_fn = nn.CrossEntropyLoss()

    def run(m, xx):
        params = {n: p.detach().clone() for n, p in m.named_parameters()}
        logits = m(xx)
        loss = loss_fn(logits, y)
        m.zero_grad()
        loss.backward()
        grads = {n: p.grad.detach().clone() for n, p in m.named_parameters()}
        opt = torch.optim.SGD(m.parameters(), lr=LR, momentum=MOMENTUM,
                              weight_decay=WEIGHT_DECAY)
        losses = []
        for _ in range(STEPS):
            opt.zero_grad()
            step_loss = loss_fn(m(xx), y)
            step_loss.backward()
            opt.step()
            losses.append(step_loss.detach())
        after = {n: p.detach().clone() for n, p in m.named_parameters()}
        return params, logits.detach(), loss.detach().reshape(1), grads, torch.stack(losses), after

    model64 = Net()
    model64.load_state_dict(model.state_dict())
    model64 = model64.double()
    x64 = x.double()

    ties = seed_net_ties(model, x)
    params, logits, loss, grads, loss3, after = run(model, x)

    def flat(logits_, loss_, grads_, loss3_, after_):
        d = {"logits": logits_, "loss": loss_, "loss3": loss3_}
        d.update({"grad." + n: g for n, g in grads_.items()})
        d.update({"after3." + n: p for n, p in after_.items()})
        return d

    check_against_double("seed", flat(logits, loss, grads, loss3, after),
                         lambda: flat(*run(model64, x64)[1:]))

    tensors = [("param." + n, p) for n, p in params.items()]
    tensors += [("input", x), ("labels", y.to(torch.float32)), ("logits", logits), ("loss", loss)]
    tensors += [("grad." + n, g) for n, g in grads.items()]
    tensors += [("loss3", loss3)]
    tensors += [("after3." + n, p) for n, p in after.items()]
    metadata = {
        "generator": "tools/gen-fixtures.py",
        "torch": torch.__version__,
        "seed": str(SEED),
        "arch": SEED_ARCH,
        "input": "MNIST train-images-idx3-ubyte, images 0..7, (x / 255 - 0.1307) / 0.3081",
        "sgd": "lr=%g momentum=%g weight_decay=%g steps=%d" % (LR, MOMENTUM, WEIGHT_DECAY, STEPS),
        "maxpool_ties": "pool1 %d exact, %d near; pool2 %d exact, %d near"
                        % (ties[0][0], ties[0][1], ties[1][0], ties[1][1]),
    }
    print("seed: labels %s, loss %.6f, loss3 %s, max-pool ties (exact, near): %s"
          % (y.tolist(), loss.item(), [round(v, 6) for v in loss3.tolist()], ties))
    return tensors, metadata


# ---- The single-layer cases ---------------------------------------------------------------

def layer_case(name, cls, index):
    torch.manual_seed(SEED + 1 + index)
    model = cls()
    classes = cls.classes
    for attempt in range(100):
        x = torch.randn(*cls.input_shape)
        if cls is not MaxpoolCase:
            break
        with torch.no_grad():
            if pool_margin(model.c(x)) > 1e-2:
                break
    else:
        raise SystemExit("maxpool: no input without near-ties")
    y = torch.randint(0, classes, (cls.input_shape[0],))
    loss_fn = nn.CrossEntropyLoss()

    def run(m, xx):
        xx = xx.clone().requires_grad_(True)
        maps = {}
        logits = m(xx, maps)
        for t in maps.values():
            if t.requires_grad and t is not xx:
                t.retain_grad()
        loss = loss_fn(logits, y)
        m.zero_grad()
        loss.backward()
        layer_in = maps["layer.input"]
        res = {"logits": logits.detach(), "loss": loss.detach().reshape(1)}
        res.update({"grad." + n: p.grad.detach().clone() for n, p in m.named_parameters()})
        res.update({k: v.detach() for k, v in maps.items() if v is not xx})
        res["layer.dout"] = maps["layer.output"].grad.detach()
        res["layer.dinput"] = (xx if layer_in is xx else layer_in).grad.detach()
        return res

    params = {n: p.detach().clone() for n, p in model.named_parameters()}
    res = run(model, x)
    model64 = cls()
    model64.load_state_dict(model.state_dict())
    check_against_double(name, res, lambda: run(model64.double(), x.double()))

    tensors = [("param." + n, p) for n, p in params.items()]
    tensors += [("input", x), ("labels", y.to(torch.float32)),
                ("logits", res["logits"]), ("loss", res["loss"])]
    tensors += [(k, v) for k, v in res.items() if k.startswith("grad.")]
    tensors += [(k, v) for k, v in res.items() if k.startswith("layer.")]
    metadata = {"arch": cls.arch, "classes": str(classes), "layer": str(cls.layer)}
    return [(name + "." + k, v) for k, v in tensors], \
           {name + "." + k: v for k, v in metadata.items()}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=None, help="directory with the MNIST IDX files (default: "
                   "~/.local/share/reslab/mnist, else /tmp/mnistpack/package/data)")
    p.add_argument("--out", default=os.path.join(here, "..", "tests", "fixtures"))
    args = p.parse_args()
    data = args.data
    if data is None:
        data = DEFAULT_DATA
        if not os.path.exists(os.path.join(data, "train-images-idx3-ubyte")):
            data = "/tmp/mnistpack/package/data"

    torch.set_default_dtype(torch.float32)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)

    tensors, metadata = seed_fixture(data)
    path = os.path.join(args.out, "seed-parity.safetensors")
    write_safetensors(path, tensors, metadata)
    print("wrote %s (%d tensors, %d bytes)" % (path, len(tensors), os.path.getsize(path)))

    tensors = []
    metadata = {
        "generator": "tools/gen-fixtures.py",
        "torch": torch.__version__,
        "seed": str(SEED),
        "cases": ",".join(name for name, _ in CASES),
    }
    for i, (name, cls) in enumerate(CASES):
        t, m = layer_case(name, cls, i)
        tensors += t
        metadata.update(m)
    path = os.path.join(args.out, "layers-parity.safetensors")
    write_safetensors(path, tensors, metadata)
    print("wrote %s (%d tensors, %d bytes)" % (path, len(tensors), os.path.getsize(path)))


if __name__ == "__main__":
    main()
