#!/usr/bin/python3
"""PyTorch side of the Java/PyTorch comparison in BENCHMARKS.md: the same work as the JMH
benchmarks, measured the same way (warm-up iterations, then measured iterations, each iteration
repeating the operation for a fixed time and reporting the mean time per operation).

Run (PyTorch 1.13 at /usr/bin/python3; the default python3 on PATH has no torch):

    /usr/bin/python3 tools/bench/pytorch_step.py                 # everything
    /usr/bin/python3 tools/bench/pytorch_step.py --only step     # one section: step, loss, epoch, optimizer
    /usr/bin/python3 tools/bench/pytorch_step.py --json out.json # also write the numbers

Sections and their JMH counterparts (distill-benchmarks):

* step   small-cnn and resnet18 (1x48x48) training   ModelStepBenchmark.trainStep / teacherPass
         step and teacher pass
         batch 64, 1x48x48, 8 classes, widths 32, 64, 128, 256, embedding 128, dropout 0.25;
         step = forward (train mode), cross-entropy, backward, Adam (lr 1e-3) update;
         teacher pass = forward in eval mode under no_grad. 2 intra-op threads.
* loss   a loss's forward + backward on logits          KdLogitsLossBenchmark.step
         batch 32, 128, 512; 8 classes; cross-entropy alone, and Hinton KD with T = 4,
         alpha = 0.5: (1 - alpha) CE + alpha T^2 KL(softmax(t/T) || softmax(s/T)), batch mean.
         1 intra-op thread (as the JMH loss benchmarks), unless --loss-threads says otherwise.
* optimizer  one optimizer step over resnet18 (1x48x48, 8 classes) OptimizerStepBenchmark
         the parameters' gradients from one real backward pass; step() then
         zero_grad(set_to_none=False), as the library zeroes gradients; SGD (lr 0.01, momentum
         0.9, Nesterov, weight decay 5e-4) and Adam (lr 1e-3); 2 intra-op threads.
* epoch  one epoch of 1,024 preloaded images, batch 64  DistillationEpochPairedBenchmark
         student small-cnn on the occluded view, a fresh Adam optimizer per epoch;
         FINE_TUNE (cross-entropy), KD_LIVE_TEACHER (the teacher, a second small-cnn, runs
         on every batch's clean view), KD_CACHED_TEACHER (the teacher's logits computed
         once before the measured epochs and indexed per batch). 2 intra-op threads.
         Paired: each round trains one epoch of each strategy back to back, the order
         rotating, so the three see the same machine load.

Inputs are random tensors (the cost does not depend on the values). One inter-op thread.
The architecture is the one tools/models/make_fixtures.py defines, io.distill4j.models.SmallCnn
layer for layer: per block conv3x3 (no bias) - BatchNorm - ReLU, 2x2 max pooling
after every block but the last, global average pooling, Linear(256, 128) - ReLU, dropout, Linear.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_interop_threads(1)

# The Java small-cnn in PyTorch, as the model fixtures define it (default widths 32, 64, 128, 256).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
from make_fixtures import ResNet, SmallCnn  # noqa: E402

CLASSES = 8


def kd_loss(student, teacher, target, temperature=4.0, alpha=0.5):
    ce = F.cross_entropy(student, target)
    kl = F.kl_div(F.log_softmax(student / temperature, 1), F.softmax(teacher / temperature, 1),
                  reduction="batchmean")
    return (1 - alpha) * ce + alpha * temperature * temperature * kl


def measure(op, warmup, iterations, seconds):
    """JMH-style average time: each iteration repeats op for `seconds`; returns per-op means."""
    results = []
    for i in range(warmup + iterations):
        count = 0
        start = time.perf_counter()
        while True:
            op()
            count += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        if i >= warmup:
            results.append(elapsed / count)
    return results


def report(rows, name, params, values, unit, scale):
    scaled = [v * scale for v in values]
    mean = statistics.mean(scaled)
    sd = statistics.stdev(scaled) if len(scaled) > 1 else float("nan")
    rows.append({"benchmark": name, "params": params, "mean": mean, "sd": sd,
                 "min": min(scaled), "n": len(scaled), "unit": unit, "values": scaled})
    print("%-28s %-40s %10.3f +- %8.3f (min %10.3f, n=%d) %s"
          % (name, params, mean, sd, min(scaled), len(scaled), unit))


def step_section(args, rows):
    torch.set_num_threads(args.threads)
    for name, build in (("small-cnn", lambda: SmallCnn(CLASSES)),
                        ("resnet18", lambda: ResNet(18, CLASSES, channels=1))):
        torch.manual_seed(42)
        net = build()
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        teacher = build().eval()
        images = torch.rand(64, 1, 48, 48)
        labels = torch.randint(0, CLASSES, (64,))

        def train_step():
            net.train()
            loss = F.cross_entropy(net(images)[0], labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss.item()

        def teacher_pass():
            with torch.no_grad():
                return teacher(images)[0][0, 0].item()

        p = "%s@1x48x48 batch=64 threads=%d" % (name, args.threads)
        report(rows, "trainStep", p, measure(train_step, args.warmup, args.iterations, args.time),
               "ms/op", 1e3)
        report(rows, "teacherPass", p,
               measure(teacher_pass, args.warmup, args.iterations, args.time), "ms/op", 1e3)


def loss_section(args, rows):
    torch.set_num_threads(args.loss_threads)
    torch.manual_seed(42)
    for strategy in ("CROSS_ENTROPY", "KD_LOGITS"):
        for batch in (32, 128, 512):
            student = (torch.randn(batch, CLASSES) * 3).requires_grad_(True)
            teacher = torch.randn(batch, CLASSES) * 3
            target = torch.randint(0, CLASSES, (batch,))

            def step():
                student.grad = None
                if strategy == "KD_LOGITS":
                    loss = kd_loss(student, teacher, target)
                else:
                    loss = F.cross_entropy(student, target)
                loss.backward()
                return loss.item()

            report(rows, "lossStep", "%s batch=%d threads=%d" % (strategy, batch,
                                                                 args.loss_threads),
                   measure(step, args.warmup, args.iterations, args.time), "us/op", 1e6)


def epoch_section(args, rows):
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    n, batch = 1024, 64
    clean = torch.rand(n, 1, 48, 48)
    occluded = clean.clone()
    occluded[:, :, :24, :] = 0
    target = torch.randint(0, CLASSES, (n,))
    teacher = SmallCnn(CLASSES).eval()
    student = SmallCnn(CLASSES)
    with torch.no_grad():
        cached = torch.cat([teacher(clean[i:i + batch])[0] for i in range(0, n, batch)])

    def epoch(strategy):
        opt = torch.optim.Adam(student.parameters(), lr=1e-3)
        student.train()
        order = torch.randperm(n)
        total = 0.0
        for i in range(0, n, batch):
            idx = order[i:i + batch]
            x, y = occluded[idx], target[idx]
            logits = student(x)[0]
            if strategy == "FINE_TUNE":
                loss = F.cross_entropy(logits, y)
            else:
                if strategy == "KD_LIVE_TEACHER":
                    with torch.no_grad():
                        t = teacher(clean[idx])[0]
                else:
                    t = cached[idx]
                loss = kd_loss(logits, t, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        return total / n

    # Paired, as DistillationEpochPairedBenchmark: each round trains one epoch of every
    # strategy back to back (the order rotating), so that all three see the same machine load.
    strategies = ("FINE_TUNE", "KD_LIVE_TEACHER", "KD_CACHED_TEACHER")
    times = {s: [] for s in strategies}
    for r in range(args.epoch_warmup + args.epoch_iterations):
        for i in range(len(strategies)):
            strategy = strategies[(r + i) % len(strategies)]
            start = time.perf_counter()
            epoch(strategy)
            if r >= args.epoch_warmup:
                times[strategy].append(time.perf_counter() - start)
    for strategy in strategies:
        report(rows, "epoch", "%s n=%d batch=%d threads=%d" % (strategy, n, batch, args.threads),
               times[strategy], "ms/op", 1e3)


def optimizer_section(args, rows):
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    model = ResNet(18, CLASSES, channels=1)
    x = torch.rand(64, 1, 48, 48)
    y = torch.randint(0, CLASSES, (64,))
    F.cross_entropy(model(x)[0], y).backward()
    # Each step adds the saved gradients back into the zeroed ones first (as
    # OptimizerStepBenchmark does): stepping with zero gradients would let the momentum decay into
    # subnormal floats, which the CPU computes far more slowly.
    grads = [p.grad.clone() for p in model.parameters()]
    # torch.optim's default on the CPU in 1.13 is the per-tensor loop; foreach=True is its
    # multi-tensor path (fewer dispatches, the same arithmetic).
    for name, make in (
            ("sgd-nesterov-wd", lambda ps: torch.optim.SGD(ps, lr=0.01, momentum=0.9,
                                                           nesterov=True, weight_decay=5e-4)),
            ("sgd-nesterov-wd-foreach",
             lambda ps: torch.optim.SGD(ps, lr=0.01, momentum=0.9, nesterov=True,
                                        weight_decay=5e-4, foreach=True)),
            ("adam", lambda ps: torch.optim.Adam(ps, lr=1e-3)),
            ("adam-foreach", lambda ps: torch.optim.Adam(ps, lr=1e-3, foreach=True))):
        for p in model.parameters():
            p.grad = torch.zeros_like(p)
        opt = make(model.parameters())
        params = list(model.parameters())

        def step():
            for p, g in zip(params, grads):
                p.grad.add_(g)
            opt.step()
            opt.zero_grad(set_to_none=False)

        values = measure(step, args.warmup, args.iterations, args.time)
        report(rows, "optimizer", "%s resnet18@1x48x48 threads=%d" % (name, args.threads),
               values, "ms/op", 1e3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["step", "loss", "epoch", "optimizer"], action="append")
    parser.add_argument("--threads", type=int, default=2, help="intra-op threads (step, epoch)")
    parser.add_argument("--loss-threads", type=int, default=1, help="intra-op threads (loss)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up iterations")
    parser.add_argument("--iterations", type=int, default=3, help="measured iterations")
    parser.add_argument("--time", type=float, default=2.0, help="seconds per iteration")
    parser.add_argument("--epoch-warmup", type=int, default=1, help="warm-up rounds (epoch)")
    parser.add_argument("--epoch-iterations", type=int, default=5, help="measured rounds (epoch)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    sections = args.only or ["step", "loss", "epoch", "optimizer"]
    load_before = os.getloadavg()
    print("# torch %s, python %s, %s, %d logical CPUs, load average %.2f %.2f %.2f"
          % (torch.__version__, platform.python_version(), platform.machine(), os.cpu_count(),
             *load_before))
    rows = []
    started = time.time()
    if "step" in sections:
        step_section(args, rows)
    if "loss" in sections:
        loss_section(args, rows)
    if "epoch" in sections:
        epoch_section(args, rows)
    if "optimizer" in sections:
        optimizer_section(args, rows)
    load_after = os.getloadavg()
    print("# %.0f s; load average after %.2f %.2f %.2f" % (time.time() - started, *load_after))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch.__version__, "load_before": load_before,
                       "load_after": load_after, "args": vars(args), "results": rows}, f,
                      indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
