#!/usr/bin/python3
"""Prints Markdown tables of the JMH (-rf json) and tools/bench/pytorch_step.py (--json) results in
a folder, for BENCHMARKS.md: mean, min, and every measured iteration, so the spread is visible.

    python3 tools/bench/summarize.py tools/bench/results/round2
"""
import glob
import json
import os
import sys


def fmt(x):
    return "%.1f" % x if x >= 100 else "%.2f" % x if x >= 1 else "%.3f" % x


def jmh(path):
    rows = json.load(open(path))
    print("\n#### %s\n" % os.path.basename(path))
    print("| benchmark | params | mean | min | iterations | unit |")
    print("|---|---|---:|---:|---|---|")
    for r in rows:
        name = r["benchmark"].rsplit(".", 2)[-2] + "." + r["benchmark"].rsplit(".", 1)[-1]
        params = ", ".join("%s=%s" % kv for kv in r.get("params", {}).items())
        pm = r["primaryMetric"]
        raw = [v for fork in pm["rawData"] for v in fork]
        print("| %s | %s | %s | %s | %s | %s |" % (name, params, fmt(pm["score"]), fmt(min(raw)),
                                                  " ".join(fmt(v) for v in raw), pm["scoreUnit"]))
        secondary = {}
        for key, sm in sorted(r.get("secondaryMetrics", {}).items()):
            vals = [v for fork in sm["rawData"] for v in fork]
            secondary[key] = vals
            mean = sum(vals) / len(vals)
            print("| %s:%s | %s | %s | %s | %s | ms per iteration |"
                  % (name, key, params, fmt(mean), fmt(min(vals)), " ".join(fmt(v) for v in vals)))
        if "fineTuneMillis" in secondary:
            ratios(name, params, secondary["fineTuneMillis"],
                   {"liveTeacher": secondary["liveTeacherMillis"],
                    "cachedTeacher": secondary["cachedTeacherMillis"]})


def ratios(name, params, base, others):
    """Paired samples: each iteration's epoch time over the same iteration's fine-tuning epoch."""
    for key, vals in others.items():
        r = sorted(v / b for v, b in zip(vals, base))
        median = r[len(r) // 2] if len(r) % 2 else (r[len(r) // 2 - 1] + r[len(r) // 2]) / 2
        print("| %s:%s / fineTune | %s | median %.2f | %.2f | %s | ratio (paired) |"
              % (name, key, params, median, r[0], " ".join("%.2f" % v for v in
                                                             (v / b for v, b in zip(vals, base)))))


def pytorch(path):
    data = json.load(open(path))
    print("\n#### %s (torch %s, load before %s)\n"
          % (os.path.basename(path), data["torch"], " ".join("%.2f" % x for x in data["load_before"])))
    print("| benchmark | params | mean | min | iterations | unit |")
    print("|---|---|---:|---:|---|---|")
    epochs = {}
    for r in data["results"]:
        print("| %s | %s | %s | %s | %s | %s |" % (r["benchmark"], r["params"], fmt(r["mean"]),
                                                  fmt(r["min"]), " ".join(fmt(v) for v in r["values"]),
                                                  r["unit"]))
        if r["benchmark"] == "epoch":
            epochs[r["params"].split()[0]] = r["values"]
    if "FINE_TUNE" in epochs:
        ratios("epoch", "n=1024 batch=64", epochs["FINE_TUNE"],
               {"KD_LIVE_TEACHER": epochs["KD_LIVE_TEACHER"],
                "KD_CACHED_TEACHER": epochs["KD_CACHED_TEACHER"]})


def main():
    folder = sys.argv[1]
    for path in sorted(glob.glob(os.path.join(folder, "jmh-*.json"))):
        jmh(path)
    for path in sorted(glob.glob(os.path.join(folder, "pytorch-*.json"))):
        pytorch(path)


if __name__ == "__main__":
    main()
