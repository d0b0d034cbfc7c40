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

tests/fixtures/cifar-parity.safetensors: the CIFAR-style nets with batch norm
(tools/reslab_torch.py builds them from the engine's description): resnet-8 with option A,
resnet-8 with option B, and plain-8 (no shortcuts, so A and B are the same net), on a batch of
16 real MNIST training images (indices 0..15). The batch norms start from a non-default state
(gamma, beta, running mean and variance drawn at random) so that every term of their forward,
backward and running update shows. Shared:
    input, labels  (16, 1, 28, 28) normalised as above; (16) the digits
and for every case <c> in the metadata key "cases", prefixed "<c>.":
    param.<name>   the whole state_dict before training (running statistics and
                   num_batches_tracked included, as F32)
    logits         (16, 10) the training-mode forward (batch statistics)
    loss           (1) CrossEntropyLoss of that forward
    grad.<name>    d loss / d param of every trainable parameter
    state1.<name>  running_mean, running_var and num_batches_tracked after that one forward
    eval0          (16, 10) evaluation-mode logits of the initial state (running statistics)
    loss3          (3) the loss at each of three SGD steps on the batch, from the initial state
                   (lr 0.1, momentum 0.9, weight decay 1e-4: the degradation experiment's)
    after3.<name>  the whole state_dict after those three steps
    eval3          (16, 10) evaluation-mode logits after them
Metadata "<c>.arch" is the engine's description of the net.

All three files are deterministic: a fixed seed, one thread, deterministic algorithms, and a
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
from reslab_torch import ResLabNet, cifar_text  # noqa: E402

SEED = 20160627                 # CVPR 2016 opened on 27 June: any fixed number would do
SEED_ARCH = ("conv1=conv(16,k=5) relu maxpool(2) rblock1=res(16) "
             "conv2=conv(32,k=5) relu maxpool(2) rblock2=res(32) fc=linear(10)")
LR, MOMENTUM, WEIGHT_DECAY, STEPS = 0.01, 0.5, 0.0, 3
CIFAR_LR, CIFAR_MOMENTUM, CIFAR_WEIGHT_DECAY, CIFAR_BATCH = 0.1, 0.9, 1e-4, 16
# name, depth, residual, shortcut; plain-8 has no shortcut, so its option A and B are one net
CIFAR_CASES = [("resnet-8-A", 8, True, "A"), ("resnet-8-B", 8, True, "B"),
               ("plain-8", 8, False, "A")]
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

def max_err_ratio(a, b, scale=None):
    """max |a - b| / (TOLERANCE * max|b|): below 1 passes the test's criterion. @scale, when
    given, replaces max|b| (a gradient that is zero in exact arithmetic: see zero_grads())."""
    a = a.detach().double()
    b = b.detach().double()
    if scale is None:
        scale = b.abs().max().item()
    if scale == 0:
        return 0.0 if torch.equal(a, b) else float("inf")
    return (a - b).abs().max().item() / (TOLERANCE * scale)


def check_against_double(name, tensors32, compute64, scales=None):
    """The float32 reference must itself sit well inside the tolerance of the exact (float64)
    values, or the test would be measuring PyTorch's rounding instead of the engine's.
    @scales: tensor name -> the scale its error is measured against, when not its own."""
    tensors64 = compute64()
    scales = scales or {}
    worst = max((max_err_ratio(tensors32[k], tensors64[k], scales.get(k)), k) for k in tensors32)
    print("%s: float32 vs float64 reference: worst error %.3f of the tolerance (%s)"
          % (name, worst[0], worst[1]))
    if worst[0] > 0.25:
        raise SystemExit("%s: float32 reference too far from float64 on %s" % (name, worst[1]))


def sgd_steps(m, loss_fn, xx, y, lr, momentum, weight_decay, after_step=None):
    """STEPS steps of torch.optim.SGD on the batch (zero_grad before each); returns the loss
    of each step, before its update. @after_step(step) runs after each update."""
    opt = torch.optim.SGD(m.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    losses = []
    for step in range(STEPS):
        opt.zero_grad()
        step_loss = loss_fn(m(xx), y)
        step_loss.backward()
        opt.step()
        losses.append(step_loss.detach())
        if after_step is not None:
            after_step(step)
    return torch.stack(losses)


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
        losses = sgd_steps(m, loss_fn, xx, y, LR, MOMENTUM, WEIGHT_DECAY)
        after = {n: p.detach().clone() for n, p in m.named_parameters()}
        return params, logits.detach(), loss.detach().reshape(1), grads, losses, after

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


# ---- The CIFAR-style nets with batch norm ---------------------------------------------------

BUFFERS = ("running_mean", "running_var", "num_batches_tracked")


def cifar_case(name, depth, residual, shortcut, index, x, y):
    torch.manual_seed(SEED + 100 + index)
    arch = cifar_text(depth, residual, shortcut, bn=True)
    model = ResLabNet(arch)
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, nn.BatchNorm2d):
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.uniform_(-0.2, 0.2)
                mod.running_mean.uniform_(-0.1, 0.1)
                mod.running_var.uniform_(0.5, 1.5)
    init = {k: v.detach().clone() for k, v in model.state_dict().items()}
    loss_fn = nn.CrossEntropyLoss()

    def state(m, buffers_only=False):
        return {k: v.detach().clone() for k, v in m.state_dict().items()
                if not buffers_only or k.rsplit(".", 1)[-1] in BUFFERS}

    def run(m, xx, exact):
        """Everything the fixture holds, computed by @m. @exact (the float64 run): the state
        after each step is rounded to float32, as stored, so that the next step starts from
        exactly what the test loads (the test restarts each step from after<k>)."""
        m.load_state_dict(init)
        m.eval()
        with torch.no_grad():
            eval0 = m(xx)
        m.train()
        logits = m(xx)
        loss = loss_fn(logits, y)
        m.zero_grad()
        loss.backward()
        res = {"logits": logits.detach(), "loss": loss.detach().reshape(1), "eval0": eval0}
        res.update({"grad." + n: p.grad.detach().clone() for n, p in m.named_parameters()})
        res.update({"state1." + k: v for k, v in state(m, True).items()})

        def after_step(step):
            if exact:
                with torch.no_grad():
                    for t in m.state_dict().values():
                        if t.is_floating_point():
                            t.copy_(t.float())
            res.update({"after%d.%s" % (step + 1, k): v for k, v in state(m).items()})

        m.load_state_dict(init)   # the steps start again from the initial state
        res["loss3"] = sgd_steps(m, loss_fn, xx, y, CIFAR_LR, CIFAR_MOMENTUM, CIFAR_WEIGHT_DECAY,
                                 after_step)
        m.eval()
        with torch.no_grad():
            res["eval3"] = m(xx)
        return res

    # The reference is the float64 computation from the float32 initial state: the engine is
    # measured against the exact values, and PyTorch's own float32 run beside it (printed).
    model64 = ResLabNet(arch).double()
    res = run(model64, x.double(), True)
    zero = zero_grads(res)
    scales = {"grad." + b: res["grad." + w].abs().max().item() for b, w in zero}
    res32 = run(model, x, False)
    groups = {}
    for k in res:
        g_name = k.split(".", 1)[0]
        groups[g_name] = max(groups.get(g_name, 0.0), max_err_ratio(res32[k], res[k], scales.get(k)))
    print("%s: PyTorch float32 (free-running steps) vs the float64 reference, worst error per "
          "quantity in tolerances: %s" % (name, ", ".join("%s %.3f" % kv for kv in groups.items())))

    tensors = [("param." + k, v) for k, v in init.items()]
    order = ["logits", "loss"] + [k for k in res if k.startswith("grad.")] + \
            [k for k in res if k.startswith("state1.")] + ["eval0", "loss3"] + \
            [k for k in res if k.startswith("after")] + ["eval3"]
    tensors += [(k, res[k].float()) for k in order]
    print("%s: loss %.6f, loss3 %s, zero gradients %s"
          % (name, res["loss"].item(), [round(v, 6) for v in res["loss3"].tolist()], zero))
    return [(name + "." + k, v) for k, v in tensors], \
           {name + ".arch": arch, name + ".zero_grads": ",".join(b for b, _ in zero),
            name + ".torch_float32": ", ".join("%s %.3f" % kv for kv in groups.items())}


def zero_grads(res64):
    """(bias, weight) names of the conv biases whose gradient is zero in exact arithmetic: a
    bias followed by batch norm (the stem's conv1 before bn1) shifts every value of its channel
    alike, which the normalisation takes out again. In float64 it is rounding noise (below
    1e-12 of the weight's gradient); in float32 it is noise of either sign on both sides, so
    its error is measured against the scale of the same layer's weight gradient instead of
    its own (the test does the same, from the metadata key "<c>.zero_grads")."""
    out = []
    for k, g in res64.items():
        if k.startswith("grad.") and k.endswith(".bias"):
            w = k[:-len("bias")] + "weight"
            if w in res64 and g.abs().max().item() < 1e-9 * res64[w].abs().max().item():
                out.append((k[len("grad."):], w[len("grad."):]))
    return out


def cifar_fixture(data_dir):
    x, y = load_mnist(data_dir, "train", torch.arange(CIFAR_BATCH))
    tensors = [("input", x), ("labels", y.to(torch.float32))]
    metadata = {
        "generator": "tools/gen-fixtures.py",
        "torch": torch.__version__,
        "seed": str(SEED),
        "cases": ",".join(c[0] for c in CIFAR_CASES),
        "input": "MNIST train-images-idx3-ubyte, images 0..%d, (x / 255 - 0.1307) / 0.3081"
                 % (CIFAR_BATCH - 1),
        "sgd": "lr=%g momentum=%g weight_decay=%g steps=%d"
               % (CIFAR_LR, CIFAR_MOMENTUM, CIFAR_WEIGHT_DECAY, STEPS),
    }
    for i, (name, depth, residual, shortcut) in enumerate(CIFAR_CASES):
        t, m = cifar_case(name, depth, residual, shortcut, i, x, y)
        tensors += t
        metadata.update(m)
    return tensors, metadata


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

    tensors, metadata = cifar_fixture(data)
    path = os.path.join(args.out, "cifar-parity.safetensors")
    write_safetensors(path, tensors, metadata)
    print("wrote %s (%d tensors, %d bytes)" % (path, len(tensors), os.path.getsize(path)))


if __name__ == "__main__":
    main()
