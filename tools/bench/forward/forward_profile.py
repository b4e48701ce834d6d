#!/usr/bin/python3
"""The PyTorch side of ForwardProfile.java (see there): writes OUT/resnet18.pt (resnet18 as
make_fixtures.py defines it, 1 input channel, 8 classes, traced in eval mode) and prints
PyTorch 1.13's own inference time for it (median of 60 passes, batch 64, 2 threads); with
--summarize, sums the libtorch profiler traces OUT/java-*.json per operator (ms per pass).

    /usr/bin/python3 tools/bench/forward/forward_profile.py --out /tmp/fwd
    /usr/bin/python3 tools/bench/forward/forward_profile.py --summarize /tmp/fwd
"""
import argparse
import collections
import glob
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PASSES = 20  # profiled passes per trace (ForwardProfile.java)


def median_ms(f, n=60, warm=15):
    for _ in range(warm):
        f()
    t = []
    for _ in range(n):
        t0 = time.perf_counter()
        f()
        t.append(time.perf_counter() - t0)
    t.sort()
    return 1000 * t[n // 2]


def write(out):
    import torch
    sys.path.insert(0, os.path.join(HERE, "..", "..", "models"))
    from make_fixtures import ResNet
    torch.set_num_threads(2)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    os.makedirs(out, exist_ok=True)
    net = ResNet(18, 8, channels=1).eval()
    x = torch.rand(64, 1, 48, 48)
    with torch.no_grad():
        traced = torch.jit.trace(net, x)
        traced.save(os.path.join(out, "resnet18.pt"))
        for r in (1, 2):
            print("round %d pytorch %s eager: %.2f ms" % (r, torch.__version__, median_ms(lambda: net(x))))
            print("round %d pytorch %s traced: %.2f ms" % (r, torch.__version__, median_ms(lambda: traced(x))))


def summarize(out):
    for path in sorted(glob.glob(os.path.join(out, "java-*.json"))):
        with open(path) as f:
            d = json.load(f)
        events = d["traceEvents"] if isinstance(d, dict) else d
        total, count = collections.Counter(), collections.Counter()
        for e in events:
            if e.get("ph") == "X" and e["name"].startswith("aten::"):
                total[e["name"]] += e.get("dur", 0)
                count[e["name"]] += 1
        print("== %s (ms per pass, calls per pass)" % os.path.basename(path))
        for name in ("aten::mkldnn_convolution", "aten::native_batch_norm", "aten::relu",
                     "aten::relu_", "aten::max_pool2d_with_indices", "aten::add",
                     "aten::transpose", "aten::mean", "aten::adaptive_avg_pool2d", "aten::addmm"):
            if count[name]:
                print("%-32s %7.2f  %3d" % (name, total[name] / 1000 / PASSES, count[name] // PASSES))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", help="write resnet18.pt here and time PyTorch")
    p.add_argument("--summarize", help="sum the profiler traces in this folder")
    args = p.parse_args()
    if args.out:
        write(args.out)
    if args.summarize:
        summarize(args.summarize)


if __name__ == "__main__":
    main()
