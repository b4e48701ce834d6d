#!/usr/bin/python3
"""The library's protocol (`distill compare`, `train-teacher`, `distill`) in plain PyTorch, for
side-by-side timings (BENCHMARKS.md, issue 11 part 4). Run with Debian's PyTorch 1.13:

    /usr/bin/python3 tools/bench/pytorch_protocol.py --root DATA --model resnet18 \\
        --optimizer sgd --momentum 0.9 --nesterov --weight-decay 5e-4 --schedule one-cycle \\
        --teacher-epochs 8 --epochs 6 --json out.json

    # one stage alone: a teacher epoch, saved; then one student epoch from that teacher
    ... --only teacher --teacher-epochs 1 --save-teacher /tmp/t.pt
    ... --only kd --epochs 1 --load-teacher /tmp/t.pt

Each part mirrors the Java code it names (read from the sources, not guessed):

* Data: io.distill4j.data.fer.FerPlus. fer2013.csv (emotion, pixels, Usage) and fer2013new.csv
  (Usage, Image name, 8 emotions, unknown, NF) read in step, columns found by header name (case
  insensitive). Usage Training / PublicTest / PrivateTest -> train / validation / test. Rows with
  an empty Image name are skipped (only when that column exists), then the majority rule: votes
  of 1 are dropped (set to 0), the class with the most remaining votes (first on ties) must hold
  more than half of them, and unknown (8) or NF (9) winners are skipped. 8 classes.
  Pixels: FaceImage.fromGreyBytes, (byte & 0xFF) / 255f, float32 in [0, 1].
* Input normalization (--input-norm, as the library's): "dataset" (the default) is
  ChannelStatistics.of(train split, ..., 25000): the population mean and standard deviation of
  the clean training images (image floor(k * N / min(N, 25000)) for k < min(N, 25000)), in
  double precision, rounded to float32, applied inside the model as (x - mean) / std to both
  views (Normalization.apply); "none" feeds [0, 1] pixels.
* Views: PairedViewDataset.view: the clean image is augmented first (Augmentation.apply: a
  SplittableRandom seeded by Seeds.mix(seed, epoch, index); flip with probability 1/2, then the
  crop move dx, dy in [-pad, pad]); the occluded view is the augmented image with
  VrHeadsetOcclusion (no landmarks in FER+): the top floor(H/2) = 24 rows set to 0.0.
* Order: SeededSampler, shuffle by SplittableRandom(Seeds.mix(seed, epoch)) (Fisher-Yates from
  the end), the last partial batch kept (setSampling(batch, true) -> dropLast false); epochs are
  numbered from 0 there. Validation and test: in order, no augmentation, batch --batch-size.
  Java's SplittableRandom and Seeds are reimplemented bit for bit below, so the order and the
  flips are Java's own (tools/bench/check_protocol.py checks it against the jar).
* Models: io.distill4j.models.ResNet (torchvision's layers: 7x7/2 conv stem, BN, ReLU, 3x3/2 max
  pool, BasicBlock stages of 64, 128, 256, 512, global average pool = embedding, fc) and SmallCnn,
  as tools/models/make_fixtures.py defines them (its fixtures check the Java models against them).
  BN eps 1e-5, momentum 0.1 (DJL's 0.9). Initialization as DJL's defaults (Parameter.Type):
  every conv and linear weight N(0, sqrt(2 / fan_in)) (XavierInitializer GAUSSIAN, IN, 2), biases
  0, BN gamma 1, beta 0, running mean 0, var 1, drawn in the blocks' order after
  torch.manual_seed(seed) (PtEngine.setRandomSeed calls torch::manual_seed). Students start as a
  copy of the teacher (ModelStudent.copyOf), running statistics included.
* Training (Distiller): per epoch the engine seed is Distiller.epochSeed(seed, epoch) (dropout);
  teacher outputs are taken outside autograd, in eval mode; the student runs in train mode on its
  view (clean for the teacher, occluded for students); the loss; backward; the optimizer step
  (lr from LearningRateSchedule at steps 1, 2, ...); gradients zeroed after the step. After every
  epoch, validation accuracy on the validation set's student view, in eval mode. The best epoch by
  validation accuracy (strictly better, BestCheckpoint) is what the test evaluation and, for a
  teacher, --save-teacher use.
* Optimizers: TorchSgd = torch.optim.SGD (dampening 0, L2 weight decay, Nesterov);
  TorchAdam = torch.optim.Adam / AdamW (betas 0.9, 0.999, eps 1e-8).
* Schedules: LearningRateSchedule.getNewValue, step t from 1 to epochs * ceil(n / batch):
  constant; step (base * gamma^((t-1) // stepsPerEpoch // stepEpochs)); cosine (base to 0 over
  (t-1)/(total-1)); one-cycle (warm-up w = round(warmup * total): base/25 + (base - base/25) t/w
  for t <= w, then cosine from base to base/1e4 over (t-w)/(total-w)).
* Strategies (StrategyLosses, DistillationLossRegistry defaults): finetune = cross-entropy on the
  occluded view; kd = KdLogitsLoss(T=4, alpha=0.5): (1-a) CE + a T^2 KL(softmax(t/T) ||
  softmax(s/T)), batch mean; triplet = task+triplet, weights 1, 1, TripletLoss defaults (margin
  0.2, squared Euclidean via |a|^2+|b|^2-2ab clamped at 0, embeddings L2-normalized, student
  negatives, semi-hard mining with the hardest as fallback, mean over anchors with a negative);
  kd+triplet = 1 * kd + 1 * triplet; fusion = FusionPredictor: the kd and triplet students'
  embeddings of the occluded training images (eval mode, no augmentation), each L2-normalized,
  concatenated, a softmax regression (L2 1e-3 on the weights) fitted in float64 by LinearHead's
  L-BFGS (history 10, Armijo halving, max 1000 iterations, tolerance 1e-7), ported line by line.
* Teacher outputs (--teacher-outputs): cache = TeacherCache in memory (Java's default, --cache
  memory): one record per (index, flip), the teacher run on the rows not cached yet, batches with
  a crop move bypass it; shared by every strategy of a run, so a single student epoch fills it as
  it goes, like Java's. live = the teacher on every batch. precomputed = every (index, flip) the
  epochs can ask for computed once before the first student epoch (its time printed apart).

Checked against the jar by tools/bench/check_protocol.py: split sizes, class and exclusion counts,
every label, the orders and views (bit for bit), the schedules' rates, and the initial weights
(bit for bit, small-cnn and resnet18). With the same seed and options an epoch here gives the
train loss the library prints to its 4 decimals when both run the same oneDNN ISA (SGD:
also across ISAs in the smoke tests; Adam amplifies the kernels' rounding differences).

Per epoch it prints the line Java's train.log has (ProgressListener + Timings) and records in
--json: the seconds of data (batch assembly: indexing, flips, occlusion), teacher, forward
(student forward + loss), backward (reading the loss value + backward), optimizer (lr, step,
zero_grad), validation; total = their sum (what Java prints as "| <s>s"); wall = the epoch's wall
time (which also counts the bits between the timed parts); images/s = images / (total -
validation), as EpochResult.imagesPerSecond. time.perf_counter, CPU only.
"""
import argparse
import copy
import csv
import datetime
import hashlib
import json
import math
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models"))
from make_fixtures import ResNet, SmallCnn  # noqa: E402

CLASSES = 8
CLASS_NAMES = ["neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear",
               "contempt"]
VOTE_COLUMNS = CLASS_NAMES + ["unknown", "NF"]
SIZE = 48
USAGES = {"Training": "train", "PublicTest": "validation", "PrivateTest": "test"}
STRATEGIES = ["finetune", "kd", "triplet", "kd+triplet", "fusion"]
STAGES = ["teacher"] + STRATEGIES

# ------------------------------------------------------------------ Java's random numbers
M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix64(z):
    """Seeds.mix64 (SplitMix64's finalizer), on 64-bit unsigned values."""
    z &= M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def seeds_mix(seed, *parts):
    """io.distill4j.data.Seeds.mix(seed, parts...)."""
    h = mix64(seed + GOLDEN)
    for p in parts:
        h = mix64(h ^ mix64(p + GOLDEN))
    return h


class SplittableRandom:
    """java.util.SplittableRandom(long seed): nextInt(), nextInt(bound), nextBoolean()."""

    def __init__(self, seed):
        self.seed = seed & M64

    def _next_seed(self):
        self.seed = (self.seed + GOLDEN) & M64
        return self.seed

    @staticmethod
    def _mix32(z):
        z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & M64
        r = (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & M64) >> 32
        return r - (1 << 32) if r >= (1 << 31) else r  # (int) cast

    def next_int(self, bound=None):
        r = self._mix32(self._next_seed())
        if bound is None:
            return r
        m = bound - 1
        if bound & m == 0:
            return r & m
        # RandomSupport.boundedNextInt: u = r >>> 1; reject while u + m - (u % bound) overflows.
        u = (r & 0xFFFFFFFF) >> 1
        while True:
            r = u % bound
            if u + m - r < (1 << 31):
                return r
            u = (self._mix32(self._next_seed()) & 0xFFFFFFFF) >> 1

    def next_boolean(self):
        return self.next_int() < 0


def java_order(size, seed, epoch, shuffle=True):
    """SeededSampler.order(size, epoch)."""
    order = list(range(size))
    if shuffle:
        random = SplittableRandom(seeds_mix(seed, epoch))
        for i in range(size - 1, 0, -1):
            j = random.next_int(i + 1)
            order[i], order[j] = order[j], order[i]
    return order


def augment_draws(n, seed, epoch, flip, crop_padding):
    """Augmentation.apply for indices 0..n-1: (flipped, dx, dy) per sample, Java's draws."""
    flips = np.zeros(n, dtype=bool)
    dx = np.zeros(n, dtype=np.int64)
    dy = np.zeros(n, dtype=np.int64)
    if not flip and crop_padding == 0:
        return flips, dx, dy
    bound = 2 * crop_padding + 1
    for i in range(n):
        r = SplittableRandom(seeds_mix(seed, epoch, i))
        flips[i] = r.next_boolean() and flip
        dx[i] = r.next_int(bound) - crop_padding
        dy[i] = r.next_int(bound) - crop_padding
    return flips, dx, dy


def epoch_seed(seed, epoch):
    """Distiller.epochSeed: the engine seed of an epoch (an int, maybe negative)."""
    z = (seed * 0x9E3779B97F4A7C15 + epoch * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 30)) * 0x94D049BB133111EB) & M64
    r = (z ^ (z >> 31)) & 0xFFFFFFFF
    return r - (1 << 32) if r >= (1 << 31) else r


def manual_seed(seed):
    """torch::manual_seed(seed) as JniUtils.setSeed calls it: a Java int, sign-extended."""
    torch.manual_seed(seed & M64)


# ------------------------------------------------------------------ data (FerPlus)
class DataError(Exception):
    pass


def majority(votes):
    """FerPlus.majorityOutcome: the class, or -1 (no majority), -2 (unknown), -3 (NF)."""
    total = 0
    best = 0
    best_index = -1
    for i, v in enumerate(votes):
        v = 0 if v <= 1 else v
        total += v
        if v > best:
            best = v
            best_index = i
    if total == 0 or 2 * best <= total:
        return -1
    if best_index == CLASSES:
        return -2
    if best_index == CLASSES + 1:
        return -3
    return best_index


def _header_index(header, name):
    for i, h in enumerate(header):
        if h.strip().lower() == name.lower():
            return i
    return -1


def load_ferplus(root, limit=0):
    """Reads the FER+ folder; returns {split: (uint8 (N, 48, 48), int64 labels, csv lines)} and
    the exclusion counts. limit > 0 keeps the first `limit` kept training faces (file order)."""
    image_path = os.path.join(root, "fer2013.csv")
    label_path = os.path.join(root, "fer2013new.csv")
    for p in (image_path, label_path):
        if not os.path.isfile(p):
            raise DataError("ferplus: %s is missing" % p)
    pixels = {s: [] for s in USAGES.values()}
    labels = {s: [] for s in USAGES.values()}
    lines = {s: [] for s in USAGES.values()}
    excluded = {s: {} for s in USAGES.values()}
    digest = {"image": hashlib.sha256(), "label": hashlib.sha256()}
    with open(image_path, newline="", encoding="utf-8-sig") as fi, \
            open(label_path, newline="", encoding="utf-8-sig") as fl:
        ri, rl = csv.reader(fi), csv.reader(fl)
        hi, hl = next(ri), next(rl)
        e_col, p_col, u_col = (_header_index(hi, n) for n in ("emotion", "pixels", "Usage"))
        if min(e_col, p_col, u_col) < 0:
            raise DataError("%s line 1: the header must name emotion, pixels and Usage, was %s"
                            % (image_path, hi))
        lu_col = _header_index(hl, "Usage")
        name_col = _header_index(hl, "Image name")
        vote_cols = [_header_index(hl, n) for n in VOTE_COLUMNS]
        if lu_col < 0 or min(vote_cols) < 0:
            raise DataError("%s line 1: the header must name Usage and %s, was %s"
                            % (label_path, VOTE_COLUMNS, hl))
        line = 1
        for row_i, row_l in zip(ri, rl):
            line += 1
            usage = row_i[u_col].strip()
            if usage not in USAGES:
                raise DataError("%s line %d: unknown Usage '%s'" % (image_path, line, usage))
            if row_l[lu_col].strip() != usage:
                raise DataError("%s line %d: Usage %s differs from %s" % (
                    label_path, line, row_l[lu_col].strip(), usage))
            split = USAGES[usage]
            if name_col >= 0 and not row_l[name_col].strip():
                excluded[split]["no image name"] = excluded[split].get("no image name", 0) + 1
                continue
            outcome = majority([int(row_l[c]) for c in vote_cols])
            if outcome < 0:
                reason = {-1: "no majority", -2: "majority unknown", -3: "majority NF"}[outcome]
                excluded[split][reason] = excluded[split].get(reason, 0) + 1
                continue
            if split == "train" and limit and len(labels["train"]) >= limit:
                continue
            values = np.array(row_i[p_col].split(), dtype=np.int64)
            if values.size != SIZE * SIZE or values.min() < 0 or values.max() > 255:
                raise DataError("%s line %d: expected %d pixel values in [0, 255]"
                                % (image_path, line, SIZE * SIZE))
            pixels[split].append(values.astype(np.uint8))
            labels[split].append(outcome)
            lines[split].append(line)
        if next(ri, None) is not None or next(rl, None) is not None:
            raise DataError("%s and %s hold different numbers of rows" % (image_path, label_path))
    for path, key in ((image_path, "image"), (label_path, "label")):
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest[key].update(chunk)
    data = {}
    for s in USAGES.values():
        n = len(labels[s])
        grey = np.stack(pixels[s]).reshape(n, SIZE, SIZE) if n else np.zeros((0, SIZE, SIZE),
                                                                             np.uint8)
        data[s] = (grey, np.array(labels[s], dtype=np.int64), lines[s])
    files = {"image file sha256": digest["image"].hexdigest(),
             "label file sha256": digest["label"].hexdigest()}
    return data, excluded, files


def to_float(grey):
    """FaceImage.fromGreyBytes: (byte & 0xFF) / 255f, float32, shape (N, 1, 48, 48)."""
    x = grey.astype(np.float32) / np.float32(255.0)
    return torch.from_numpy(x.reshape(-1, 1, SIZE, SIZE).copy())


def occlude(images, occlusion):
    """VrHeadsetOcclusion without landmarks: the top floor(H / 2) rows become 0.0."""
    if occlusion == "none":
        return images
    out = images.clone()
    out[:, :, : images.shape[2] // 2, :] = 0.0
    return out


def shift(images, dx, dy):
    """FaceImage.shift(dx, dy) per image: moved on a same-size canvas, uncovered pixels 0."""
    out = torch.zeros_like(images)
    h, w = images.shape[2], images.shape[3]
    for i in range(images.shape[0]):
        x, y = int(dx[i]), int(dy[i])
        if x == 0 and y == 0:
            out[i] = images[i]
            continue
        if abs(x) >= w or abs(y) >= h:
            continue
        out[i, :, max(0, y):h + min(0, y), max(0, x):w + min(0, x)] = \
            images[i, :, max(0, -y):h - max(0, y), max(0, -x):w - max(0, x)]
    return out


class EpochViews:
    """One epoch of a training split: Java's order and augmentation draws, views per batch."""

    def __init__(self, clean, labels, seed, epoch, batch, flip, crop_padding, occlusion):
        n = clean.shape[0]
        self.clean, self.labels, self.occlusion = clean, labels, occlusion
        self.order = torch.tensor(java_order(n, seed, epoch), dtype=torch.int64)
        flips, dx, dy = augment_draws(n, seed, epoch, flip, crop_padding)
        self.flips = torch.from_numpy(flips)
        self.dx, self.dy = dx, dy
        self.moved = torch.from_numpy((dx != 0) | (dy != 0))
        self.batch = batch
        self.batches = (n + batch - 1) // batch

    def get(self, b, need_clean, need_occluded):
        idx = self.order[b * self.batch:(b + 1) * self.batch]
        x = self.clean[idx]
        f = self.flips[idx]
        if bool(f.any()):
            x[f] = x[f].flip(-1)
        moved = self.moved[idx]
        if bool(moved.any()):
            x = shift(x, self.dx[idx.numpy()], self.dy[idx.numpy()])
        views = {"index": idx, "flip": f, "moved": bool(moved.any()), "target": self.labels[idx]}
        if need_clean:
            views["clean"] = x
        if need_occluded:
            views["occluded"] = occlude(x, self.occlusion)
        return views


# ------------------------------------------------------------------ models
def build_model(name, seed):
    """The architecture, initialized as DJL initializes it (see the module docstring)."""
    if name == "small-cnn":
        model = SmallCnn(CLASSES)
    elif name in ("resnet18", "resnet34", "resnet50"):
        model = ResNet(int(name[6:]), CLASSES, channels=1)
    else:
        raise SystemExit("unknown --model '%s'; use small-cnn, resnet18, resnet34 or resnet50"
                         % name)
    manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                w = m.weight
                fan_in = w.shape[1] * (int(np.prod(w.shape[2:])) if w.dim() > 2 else 1)
                # XavierInitializer: scale = (float) StrictMath.sqrt(magnitude / factor), with
                # magnitude / factor a float division.
                scale = float(np.float32(math.sqrt(float(np.float32(2.0) / np.float32(fan_in)))))
                w.copy_(torch.normal(0.0, scale, size=tuple(w.shape)))
                if m.bias is not None:
                    m.bias.zero_()
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.fill_(1.0)
                m.bias.zero_()
                m.running_mean.zero_()
                m.running_var.fill_(1.0)
    return model


def channel_statistics(clean, max_images=25000):
    """ChannelStatistics.of: per-channel population mean and std of evenly spaced clean images
    (float64 sums, rounded to float32)."""
    size = clean.shape[0]
    count = min(size, max_images)
    index = (np.arange(count, dtype=np.int64) * size) // count
    x = clean.numpy()[index].astype(np.float64)
    mean = x.mean(axis=(0, 2, 3))
    variance = np.maximum(0.0, (x * x).mean(axis=(0, 2, 3)) - mean * mean)
    return mean.astype(np.float32), np.sqrt(variance).astype(np.float32), count


class Normalized(nn.Module):
    """A model that normalizes its input first: (x - mean) / std per channel, as
    NetworkBlock.forward applies its Normalization."""

    def __init__(self, net, mean, std):
        super().__init__()
        self.net = net
        shape = (1, len(mean), 1, 1)
        self.register_buffer("mean", torch.from_numpy(np.asarray(mean, np.float32)).view(shape))
        self.register_buffer("std", torch.from_numpy(np.asarray(std, np.float32)).view(shape))

    def forward(self, x):
        return self.net((x - self.mean) / self.std)


# ------------------------------------------------------------------ losses
def kd_loss(student, teacher, target, temperature, alpha):
    """KdLogitsLoss: (1 - alpha) CE + alpha T^2 KL(softmax(t/T) || softmax(s/T)), batch mean."""
    ce = (1 - alpha) * F.cross_entropy(student, target)
    log_t = F.log_softmax(teacher.detach() / temperature, 1)
    log_s = F.log_softmax(student / temperature, 1)
    kl = (alpha * temperature * temperature) * (log_t.exp() * (log_t - log_s)).sum(1).mean()
    return ce + kl, {"ce": ce, "kl": kl}


def triplet_loss(anchors, positives, target, margin=0.2):
    """TripletLoss with TripletConfig.defaults(): squared Euclidean, normalize, student
    negatives, semi-hard mining (hardest when a row has no semi-hard negative)."""
    positives = positives.detach()
    batch = anchors.shape[0]
    candidates = target.reshape(batch, 1) != target.reshape(1, batch)
    anchors = anchors / anchors.norm(2, 1, keepdim=True).clamp_min(1e-12)
    positives = positives / positives.norm(2, 1, keepdim=True).clamp_min(1e-12)
    ap = (anchors - positives).square().sum(1)
    aa = anchors.square().sum(1, keepdim=True)
    distances = (aa + aa.t() - 2 * anchors.matmul(anchors.t())).clamp_min(0)
    hinge = F.relu(ap.reshape(batch, 1) - distances + margin)
    with torch.no_grad():
        d = distances.detach()
        apd = ap.detach().reshape(batch, 1)
        candidate = candidates.to(anchors.dtype)
        active = (candidate.sum(1) > 0).to(anchors.dtype)
        inf = torch.full_like(d, float("inf"))
        hardest = torch.where(candidates, d, inf).argmin(1)
        semi = candidates & (d > apd) & (d < apd + margin)
        has_semi = semi.to(anchors.dtype).sum(1) > 0
        easiest = torch.where(semi, d, inf).argmin(1)
        chosen = torch.where(has_semi, easiest, hardest)
        weights = F.one_hot(chosen, batch).to(anchors.dtype) * active.reshape(batch, 1)
    return (hinge * weights).sum() / active.sum().clamp_min(1)


def strategy_loss(strategy, out, teacher_out, target, args):
    """The strategy's total and its terms, as StrategyLosses builds them (weights 1)."""
    logits, embedding = out[0], out[1]
    if strategy in ("teacher", "finetune"):
        loss = F.cross_entropy(logits, target)
        return loss, {"CrossEntropy": loss}
    if strategy == "kd":
        return kd_loss(logits, teacher_out[0], target, args.temperature, args.alpha)
    if strategy == "triplet":
        task = F.cross_entropy(logits, target)
        trip = triplet_loss(embedding, teacher_out[1], target, args.margin)
        return task + trip, {"task": task, "triplet": trip}
    if strategy == "kd+triplet":
        kd, _ = kd_loss(logits, teacher_out[0], target, args.temperature, args.alpha)
        trip = triplet_loss(embedding, teacher_out[1], target, args.margin)
        return kd + trip, {"kd": kd, "triplet": trip}
    raise ValueError(strategy)


# ------------------------------------------------------------------ schedule and optimizer
def learning_rate(args, base, step, total, steps_per_epoch):
    """LearningRateSchedule.getNewValue(step), steps counted from 1; the rates and factors are
    Java floats, the arithmetic double, the result a float."""
    base = f32(base)
    step = max(1, min(step, total))
    kind = args.schedule
    if kind == "constant":
        return base
    if kind == "step":
        return f32(base * math.pow(f32(args.gamma), ((step - 1) // steps_per_epoch)
                                   // args.step_epochs))

    def cosine(start, end, progress):
        return f32(end + (start - end) * 0.5 * (1 + math.cos(math.pi * progress)))

    if kind == "cosine":
        return cosine(base, 0.0, (step - 1) / max(1, total - 1))
    # one-cycle: Math.round(float warmupFraction * totalSteps)
    warmup = int(math.floor(f32(np.float32(args.warmup) * np.float32(total)) + 0.5))
    start = base / 25.0
    if step <= warmup:
        return f32(start + (base - start) * step / warmup)
    progress = (step - warmup) / max(1, total - warmup)
    return cosine(base, base / 1e4, progress)


def f32(x):
    """A Java float's value, as a Python float."""
    return float(np.float32(x))


def make_optimizer(args, params, lr):
    """torch.optim's SGD, Adam or AdamW with the Java options' float values."""
    lr, wd = f32(lr), f32(args.weight_decay)
    if args.optimizer == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=f32(args.momentum),
                               nesterov=args.nesterov, weight_decay=wd)
    betas = (f32(0.9), f32(0.999))
    if args.optimizer == "adam":
        return torch.optim.Adam(params, lr=lr, betas=betas, eps=f32(1e-8), weight_decay=wd)
    return torch.optim.AdamW(params, lr=lr, betas=betas, eps=f32(1e-8), weight_decay=wd)


# ------------------------------------------------------------------ teacher outputs
class TeacherOutputs:
    """Where a student's teacher outputs come from: live, cache (TeacherCache) or precomputed."""

    def __init__(self, mode, teacher, batch):
        self.mode, self.teacher, self.batch = mode, teacher, batch
        self.logits = self.embedding = self.filled = None
        self.misses = self.hits = self.bypassed = 0
        self.precompute_seconds = 0.0

    def _run(self, images):
        self.teacher.eval()
        with torch.no_grad():
            out = self.teacher(images)
        return out[0], out[1]

    def _store(self, n, keys, logits, embedding):
        """Writes records; the store is sized by the first outputs (as TeacherCache's layout)."""
        if self.filled is None:
            self.logits = torch.zeros(2 * n, logits.shape[1])
            self.embedding = torch.zeros(2 * n, embedding.shape[1])
            self.filled = torch.zeros(2 * n, dtype=torch.bool)
        self.logits[keys], self.embedding[keys] = logits, embedding
        self.filled[keys] = True
        self.misses += len(keys)

    def precompute(self, clean, flip):
        """Every (index, flip) the training epochs can ask for, once, in batches."""
        start = time.perf_counter()
        n = clean.shape[0]
        for flipped in ([False, True] if flip else [False]):
            for i in range(0, n, self.batch):
                x = clean[i:i + self.batch]
                if flipped:
                    x = x.flip(-1)
                keys = torch.arange(i, i + x.shape[0]) * 2 + int(flipped)
                self._store(n, keys, *self._run(x))
        self.precompute_seconds = time.perf_counter() - start

    def get(self, views, n):
        images = views["clean"]
        if self.mode == "live":
            return self._run(images)
        if views["moved"]:  # random crops: not cacheable (TeacherCache bypass)
            self.bypassed += images.shape[0]
            return self._run(images)
        keys = views["index"] * 2 + views["flip"].to(torch.int64)
        missing = torch.ones_like(keys, dtype=torch.bool) if self.filled is None \
            else ~self.filled[keys]
        count = int(missing.sum())
        if count:
            if self.mode == "precomputed":
                raise RuntimeError("precomputed teacher outputs lack %d records" % count)
            rows = missing.nonzero().flatten()
            out = self._run(images if count == len(keys) else images[rows])
            self._store(n, keys[rows], *out)
        self.hits += len(keys) - count
        return self.logits[keys], self.embedding[keys]


# ------------------------------------------------------------------ training and evaluation
def evaluate(model, images, labels, batch, occlusion=None):
    """Accuracy in eval mode, in order (Evaluation / Distiller.validate)."""
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, images.shape[0], batch):
            x = images[i:i + batch]
            if occlusion is not None:
                x = occlude(x, occlusion)
            correct += int((model(x)[0].argmax(1) == labels[i:i + batch]).sum())
    return correct / max(1, images.shape[0])


def train(stage, model, data, args, log, teacher_source=None, epochs=None, lr=None, seed=None):
    """Distiller.fit for one stage; returns the history and the best state (by validation)."""
    clean, labels = data["train"]
    val_clean, val_labels = data["validation"]
    n = clean.shape[0]
    student_view = "clean" if stage == "teacher" else "occluded"
    needs_teacher = stage in ("kd", "triplet", "kd+triplet")
    steps_per_epoch = max(1, (n + args.batch_size - 1) // args.batch_size)
    total_steps = steps_per_epoch * epochs
    optimizer = make_optimizer(args, model.parameters(), lr)
    history, best, best_state = [], None, None
    step = 0
    label = "teacher" if stage == "teacher" else "%s seed %d" % (
        "fine-tuning" if stage == "finetune" else stage, seed)
    for epoch in range(1, epochs + 1):
        wall0 = time.perf_counter()
        t = dict(data=0.0, teacher=0.0, forward=0.0, backward=0.0, optimizer=0.0)
        manual_seed(epoch_seed(seed, epoch))
        s0 = time.perf_counter()
        views = EpochViews(clean, labels, seed, epoch - 1, args.batch_size, args.flip,
                           args.crop_padding, args.occlusion)
        t["data"] += time.perf_counter() - s0
        loss_sum, images, term_sums = 0.0, 0, {}
        for b in range(views.batches):
            t0 = time.perf_counter()
            v = views.get(b, student_view == "clean" or needs_teacher,
                          student_view == "occluded")
            x, y = v[student_view], v["target"]
            t1 = time.perf_counter()
            t["data"] += t1 - t0
            teacher_out = teacher_source.get(v, n) if needs_teacher else None
            t2 = time.perf_counter()
            t["teacher"] += t2 - t1
            model.train()
            out = model(x)
            loss, terms = strategy_loss(stage, out, teacher_out, y, args)
            t3 = time.perf_counter()
            t["forward"] += t3 - t2
            value = loss.item()
            term_values = {k: v_.item() for k, v_ in terms.items()}
            if not math.isfinite(value) or not all(map(math.isfinite, term_values.values())):
                raise SystemExit("training diverged at epoch %d, batch %d: %s = %s %s"
                                 % (epoch, b + 1, stage, value, term_values))
            loss.backward()
            t4 = time.perf_counter()
            t["backward"] += t4 - t3
            step += 1
            rate = learning_rate(args, lr, step, total_steps, steps_per_epoch)
            for group in optimizer.param_groups:
                group["lr"] = rate
            optimizer.step()
            optimizer.zero_grad()
            t["optimizer"] += time.perf_counter() - t4
            size = x.shape[0]
            loss_sum += value * size
            for k, v_ in term_values.items():
                term_sums[k] = term_sums.get(k, 0.0) + v_ * size
            images += size
        v0 = time.perf_counter()
        val_images = val_clean if student_view == "clean" else occlude(val_clean, args.occlusion)
        accuracy = evaluate(model, val_images, val_labels, args.batch_size)
        t["validation"] = time.perf_counter() - v0
        wall = time.perf_counter() - wall0
        total = sum(t.values())
        train_seconds = total - t["validation"]
        result = dict(epoch=epoch, epochs=epochs, images=images, train_loss=loss_sum / images,
                      terms={k: s / images for k, s in term_sums.items()},
                      val_acc=accuracy, seconds=t, total=total, wall=wall,
                      images_per_second=images / train_seconds if train_seconds > 0 else 0.0,
                      last_lr=rate)
        history.append(result)
        line = "%s epoch %d/%d loss %.4f" % (label, epoch, epochs, result["train_loss"])
        if len(result["terms"]) > 1:
            line += "".join(" %s %.4f" % kv for kv in result["terms"].items())
        line += " | val acc %.2f%% | %.0f img/s | %.1fs | data %.1fs, teacher %.1fs, student" \
                " forward %.1fs, backward %.1fs, optimizer %.1fs, validation %.1fs | wall %.1fs" % (
                    100 * accuracy, result["images_per_second"], total, t["data"], t["teacher"],
                    t["forward"], t["backward"], t["optimizer"], t["validation"], wall)
        log(line)
        if best is None or accuracy > best:
            best = accuracy
            best_state = copy.deepcopy(model.state_dict())
    return history, best_state


# ------------------------------------------------------------------ fusion (FusionPredictor)
def embed(model, images, batch, occlusion):
    model.eval()
    rows = []
    with torch.no_grad():
        for i in range(0, images.shape[0], batch):
            rows.append(model(occlude(images[i:i + batch], occlusion))[1].double())
    e = torch.cat(rows).numpy()
    return e / np.maximum(np.sqrt((e * e).sum(1, keepdims=True)), 1e-12)


def fit_softmax(x, y, l2=1e-3, max_iterations=1000, tolerance=1e-7, history=10):
    """LinearHead.fitClassifier: L-BFGS on the L2-regularized mean cross-entropy, float64."""
    n, d = x.shape
    k = y.shape[1]
    xb = np.hstack([x, np.ones((n, 1))])

    def evaluate(theta):
        w = theta.reshape(k, d + 1)
        z = xb @ w.T
        z_max = z.max(1, keepdims=True)
        log_sum = z_max + np.log(np.exp(z - z_max).sum(1, keepdims=True))
        p = np.exp(z - log_sum)
        loss = -(y * (z - log_sum)).sum() / n
        grad = ((p - y) / n).T @ xb
        loss += 0.5 * l2 * (w[:, :d] ** 2).sum()
        grad[:, :d] += l2 * w[:, :d]
        return loss, grad.ravel()

    theta = np.zeros(k * (d + 1))
    value, grad = evaluate(theta)
    s, yy, rho = [], [], []
    iteration = 0
    while iteration < max_iterations and np.abs(grad).max() >= tolerance:
        iteration += 1
        q = grad.copy()
        alphas = []
        for i in range(len(s) - 1, -1, -1):
            a = rho[i] * s[i].dot(q)
            alphas.append(a)
            q -= a * yy[i]
        alphas.reverse()
        if s:
            q *= s[-1].dot(yy[-1]) / yy[-1].dot(yy[-1])
        for i in range(len(s)):
            beta = rho[i] * yy[i].dot(q)
            q += s[i] * (alphas[i] - beta)
        direction = -q
        slope = direction.dot(grad)
        if slope >= 0:
            s, yy, rho = [], [], []
            direction = -grad
            slope = direction.dot(grad)
        step = min(1.0, 1.0 / max(np.linalg.norm(grad), 1e-300)) if not s else 1.0
        halvings = 0
        while True:
            nxt = theta + step * direction
            next_value, next_grad = evaluate(nxt)
            if next_value <= value + 1e-4 * step * slope or halvings > 60:
                break
            step *= 0.5
            halvings += 1
        if not next_value < value and halvings > 60:
            break
        sk, yk = nxt - theta, next_grad - grad
        sy = sk.dot(yk)
        if sy > 1e-12 * np.linalg.norm(sk) * np.linalg.norm(yk):
            if len(s) == history:
                s.pop(0), yy.pop(0), rho.pop(0)
            s.append(sk), yy.append(yk), rho.append(1.0 / sy)
        theta, grad, value = nxt, next_grad, next_value
    return theta.reshape(k, d + 1), iteration


def fusion(kd_model, triplet_model, data, args):
    clean, labels = data["train"]
    start = time.perf_counter()
    x = np.hstack([embed(m, clean, args.batch_size, args.occlusion)
                   for m in (kd_model, triplet_model)])
    y = np.eye(CLASSES)[labels.numpy()]
    w, iterations = fit_softmax(x, y)
    fit_seconds = time.perf_counter() - start
    test_clean, test_labels = data["test"]
    xt = np.hstack([embed(m, test_clean, args.batch_size, args.occlusion)
                    for m in (kd_model, triplet_model)])
    scores = np.hstack([xt, np.ones((xt.shape[0], 1))]) @ w.T
    accuracy = float((scores.argmax(1) == test_labels.numpy()).mean())
    return dict(test_occluded=accuracy, fit_seconds=fit_seconds, iterations=iterations)


# ------------------------------------------------------------------ main
def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--root", required=True, help="the FER+ folder (fer2013.csv, fer2013new.csv)")
    p.add_argument("--model", default="small-cnn",
                   help="small-cnn, resnet18, resnet34 or resnet50 (default: small-cnn)")
    p.add_argument("--teacher-epochs", type=int, default=15)
    p.add_argument("--epochs", type=int, default=10, help="student epochs (default: 10)")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.001, help="students' learning rate")
    p.add_argument("--teacher-lr", type=float, help="the teacher's (default: --lr)")
    p.add_argument("--optimizer", default="adam", choices=["sgd", "adam", "adamw"])
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--nesterov", action="store_true")
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--schedule", default="cosine", choices=["constant", "step", "cosine",
                                                            "one-cycle"])
    p.add_argument("--warmup", type=float, default=0.1, help="one-cycle warm-up fraction")
    p.add_argument("--step-epochs", type=int, default=10)
    p.add_argument("--gamma", type=float, default=0.1)
    p.add_argument("--augment", default="flip", choices=["none", "flip", "crop", "flip+crop",
                                                         "crop+flip"])
    p.add_argument("--crop-padding", type=int, default=4)
    p.add_argument("--occlusion", default="vr-headset", choices=["vr-headset", "none"])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--strategies", default=",".join(STRATEGIES),
                   help="comma-separated, of %s (default: all)" % ", ".join(STRATEGIES))
    p.add_argument("--temperature", type=float, default=4.0)
    p.add_argument("--alpha", type=float, default=0.5)
    p.add_argument("--margin", type=float, default=0.2)
    p.add_argument("--teacher-outputs", default="cache", choices=["cache", "live", "precomputed"],
                   help="cache (as the library's --cache memory), live, or precomputed once")
    p.add_argument("--limit", type=int, default=0,
                   help="use only the first N training faces (validation and test whole)")
    p.add_argument("--threads", type=int, default=2, help="intra-op threads (default: 2)")
    p.add_argument("--input-norm", default="dataset", choices=["dataset", "none"],
                   help="normalize inputs by the clean training images' mean and std"
                        " (default), or not")
    p.add_argument("--only", choices=STAGES,
                   help="run one stage: teacher, or one student strategy (with --load-teacher)")
    p.add_argument("--save-teacher", help="write the teacher (best validation epoch) here")
    p.add_argument("--load-teacher", help="load a teacher written by --save-teacher")
    p.add_argument("--json", help="write every number here")
    args = p.parse_args(argv)
    args.teacher_lr = args.teacher_lr if args.teacher_lr is not None else args.lr
    args.flip = "flip" in args.augment
    args.crop_padding = args.crop_padding if "crop" in args.augment else 0
    args.strategy_list = [s.strip() for s in args.strategies.split(",") if s.strip()]
    for s in args.strategy_list:
        if s not in STRATEGIES:
            p.error("unknown strategy '%s'; known: %s" % (s, ", ".join(STRATEGIES)))
    if len(set(args.strategy_list)) != len(args.strategy_list):
        p.error("a strategy is repeated in --strategies %s" % args.strategies)
    if "fusion" in args.strategy_list and not {"kd", "triplet"} <= set(args.strategy_list):
        p.error("fusion fuses the kd and triplet students: add kd and triplet")
    if args.only == "fusion":
        p.error("fusion needs the kd and triplet students: run them in one invocation")
    if args.only and args.only != "teacher" and not args.load_teacher:
        p.error("--only %s needs --load-teacher (a teacher saved by --save-teacher)" % args.only)
    if args.only == "teacher" and args.load_teacher:
        p.error("--only teacher trains a teacher; --load-teacher has no effect")
    if args.nesterov and (args.optimizer != "sgd" or args.momentum == 0):
        p.error("--nesterov needs --optimizer sgd and a momentum > 0")
    if args.threads < 1 or args.batch_size < 1 or args.limit < 0:
        p.error("--threads and --batch-size must be >= 1, --limit >= 0")
    return args


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_interop_threads(1)
    torch.set_num_threads(args.threads)
    started = time.perf_counter()

    def log(line):
        print(line, flush=True)

    t0 = time.perf_counter()
    try:
        raw, excluded, files = load_ferplus(args.root, args.limit)
    except DataError as e:
        print("pytorch_protocol: %s" % e, file=sys.stderr)
        return 2
    data = {s: (to_float(g), torch.from_numpy(l)) for s, (g, l, _) in raw.items()}
    load_seconds = time.perf_counter() - t0
    sizes = {s: int(v[1].shape[0]) for s, v in data.items()}
    log("data: %s; train %d, validation %d, test %d (loaded in %.1f s)" % (
        args.root, sizes["train"], sizes["validation"], sizes["test"], load_seconds))
    if sizes["train"] == 0:
        print("pytorch_protocol: the training split is empty", file=sys.stderr)
        return 2
    report = dict(
        meta=dict(date=datetime.datetime.now().isoformat(timespec="seconds"),
                  torch=torch.__version__, python=platform.python_version(),
                  cpu=cpu_model(), threads=torch.get_num_threads(),
                  interop_threads=torch.get_num_interop_threads(),
                  mkldnn=torch.backends.mkldnn.is_available(),
                  onednn_max_cpu_isa=os.environ.get("ONEDNN_MAX_CPU_ISA", ""),
                  argv=sys.argv[1:]),
        data=dict(root=os.path.abspath(args.root), sizes=sizes, excluded=excluded,
                  load_seconds=load_seconds, limit=args.limit, **files),
        stages=[])

    if args.input_norm == "dataset":
        mean, std, counted = channel_statistics(data["train"][0])
        log("input normalization: mean %s, std %s, from %d clean training images"
            % (mean.tolist(), std.tolist(), counted))
    else:
        mean, std = None, None

    report["input_norm"] = dict(mode=args.input_norm,
                                mean=None if mean is None else mean.tolist(),
                                std=None if std is None else std.tolist())

    def new_model():
        net = build_model(args.model, args.seed)
        return net if mean is None else Normalized(net, mean, std)

    stages = [args.only] if args.only else (["teacher"] if not args.load_teacher else []) + \
        args.strategy_list
    test_clean, test_labels = data["test"]

    # The teacher: trained (a fresh model, seed --seed) or loaded.
    if "teacher" in stages:
        teacher = new_model()
        history, best_state = train("teacher", teacher, data, args, log,
                                    epochs=args.teacher_epochs, lr=args.teacher_lr,
                                    seed=args.seed)
        teacher.load_state_dict(best_state)
        if args.save_teacher:
            torch.save(dict(model=args.model, state=best_state, seed=args.seed,
                            history=[dict(epoch=h["epoch"], val_acc=h["val_acc"])
                                     for h in history]), args.save_teacher)
            log("teacher: %s" % args.save_teacher)
        stage = dict(stage="teacher", epochs=history)
    else:
        saved = torch.load(args.load_teacher)
        if saved.get("model") != args.model:
            print("pytorch_protocol: --load-teacher %s holds a %s, but --model is %s"
                  % (args.load_teacher, saved.get("model"), args.model), file=sys.stderr)
            return 2
        teacher = new_model()
        teacher.load_state_dict(saved["state"])
        stage = dict(stage="teacher", loaded=args.load_teacher)
    teacher.eval()
    for p_ in teacher.parameters():
        p_.requires_grad_(False)
    stage["test_clean"] = evaluate(teacher, test_clean, test_labels, args.batch_size)
    stage["test_occluded"] = evaluate(teacher, test_clean, test_labels, args.batch_size,
                                      args.occlusion)
    log("teacher on clean test faces: accuracy %.4f" % stage["test_clean"])
    log("teacher on occluded test faces: accuracy %.4f" % stage["test_occluded"])
    report["stages"].append(stage)

    source = TeacherOutputs(args.teacher_outputs, teacher, args.batch_size)
    if args.teacher_outputs == "precomputed" and any(
            s in ("kd", "triplet", "kd+triplet") for s in stages):
        if args.crop_padding:
            print("pytorch_protocol: random crops cannot be precomputed; use --teacher-outputs"
                  " cache or live", file=sys.stderr)
            return 2
        source.precompute(data["train"][0], args.flip)
        log("teacher outputs precomputed for %d images in %.1f s"
            % (source.misses, source.precompute_seconds))
    kept = {}
    for strategy in [s for s in stages if s not in ("teacher", "fusion")]:
        student = copy.deepcopy(teacher)
        for p_ in student.parameters():
            p_.requires_grad_(True)
        manual_seed(args.seed)
        t_start = time.perf_counter()
        history, best_state = train(strategy, student, data, args, log, teacher_source=source,
                                    epochs=args.epochs, lr=args.lr, seed=args.seed)
        seconds = time.perf_counter() - t_start
        student.load_state_dict(best_state)
        accuracy = evaluate(student, test_clean, test_labels, args.batch_size, args.occlusion)
        row = "fine-tuning" if strategy == "finetune" else strategy
        log("%s (seed %d): test accuracy %.4f (trained in %.1f s)" % (row, args.seed, accuracy,
                                                                       seconds))
        report["stages"].append(dict(stage=strategy, epochs=history, test_occluded=accuracy,
                                     seconds=seconds))
        if strategy in ("kd", "triplet"):
            kept[strategy] = student
    if "fusion" in stages:
        result = fusion(kept["kd"], kept["triplet"], data, args)
        log("fusion (seed %d): test accuracy %.4f (fitted in %.1f s, %d L-BFGS iterations)" % (
            args.seed, result["test_occluded"], result["fit_seconds"], result["iterations"]))
        report["stages"].append(dict(stage="fusion", **result))
    report["teacher_outputs"] = dict(mode=args.teacher_outputs, misses=source.misses,
                                     hits=source.hits, bypassed=source.bypassed,
                                     precompute_seconds=source.precompute_seconds)
    if source.misses or source.hits or source.bypassed:
        log("teacher outputs (%s): %d computed, %d served from the cache, %d bypassed" % (
            args.teacher_outputs, source.misses, source.hits, source.bypassed))
    report["total_seconds"] = time.perf_counter() - started
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
