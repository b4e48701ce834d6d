#!/usr/bin/python3
"""The whole protocol for one seed, Java against PyTorch (issue 11 target: the library in at
most 0.75x the time of the PyTorch script doing the same).

One side is `./distill compare` (one JVM: data loading, input statistics, the teacher, every
student, fusion, the test evaluation, the significance tests, the report and charts); the other
is tools/bench/pytorch_protocol.py doing the same stages in one Python process (no report,
charts or tests: those are measured apart on the Java side, from its train.log). Both sides:
the same data, architecture, initial weights, order, flips, optimizer and schedule, 2 intra-op
threads. Run on a quiet machine, from the repository root:

    /usr/bin/python3 tools/bench/whole_protocol.py --root runs/fer-full --limit 5120 \\
        --rounds 1 --out tools/bench/results/<date>/whole-5120

Each round runs both sides, alternating which goes first (Java first in odd rounds). The
strategies are the issue's: fine-tuning, KD, triplet, KD + triplet (the four students) and
fusion. The PyTorch side takes the teacher's outputs as --pytorch-teacher-outputs says: cache
(the default: the library's memory cache, filled as the epochs ask, shared by the students),
live (a plain script: the teacher on every batch) or precomputed.

Writes OUT/results.md (the table), OUT/times.csv and OUT/raw/ (every command, log and JSON).
"""
import argparse
import csv
import datetime
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import paired_epochs as pe  # noqa: E402  (the data slice, environments, machine facts)

STRATEGIES = "finetune,kd,triplet,kd+triplet,fusion"
# "<row> (seed 1): test accuracy 0.9418 (trained in 123.4 s)" on both sides' logs
# (PyTorch, a fraction) or "<row> (seed 1): test accuracy 94.18" (Java, a percentage)
TRAINED = re.compile(r"(?P<row>[\w+-]+) \(seed \d+\): test accuracy (?P<acc>[\d.]+)")
EPOCH = re.compile(r"\| (?P<total>[\d.]+)s \| (?:rss \d+ MB \| )?data ")


def options(args):
    opts = ["--model", args.model, "--batch-size", str(args.batch_size), "--optimizer", "sgd",
            "--momentum", "0.9", "--nesterov", "--weight-decay", "5e-4",
            "--schedule", "one-cycle", "--teacher-lr", str(args.teacher_lr),
            "--lr", str(args.lr), "--teacher-epochs", str(args.teacher_epochs),
            "--epochs", str(args.epochs), "--augment", "flip", "--seed", str(args.seed)]
    return opts


def epoch_seconds(text):
    """The sum of the epoch lines' seconds in a train.log or pytorch_protocol stdout."""
    return sum(float(m.group("total")) for m in map(EPOCH.search, text.splitlines()) if m)


def java_side(args, data, work, raw, tag):
    out_dir = os.path.join(work, tag)
    if os.path.exists(out_dir):
        subprocess.run(["rm", "-rf", out_dir], check=True)  # a reused folder would resume
    cmd = [os.path.join(REPO, "distill"), "compare", "--dataset", "ferplus", "--root", data,
           "--occlusion", "vr-headset", "--strategies", STRATEGIES, "--out", out_dir] + \
        options(args)
    wall = pe.run(cmd, pe.java_env(args), os.path.join(raw, tag))
    with open(os.path.join(out_dir, "train.log")) as f:
        log = f.read()
    with open(os.path.join(raw, tag + ".train.log"), "w") as f:
        f.write(log)
    with open(os.path.join(raw, tag + ".stderr")) as f:
        stderr = f.read()  # the CLI's progress lines
    return dict(process=wall, epochs=epoch_seconds(log), accuracies=accuracies(stderr))


def pytorch_side(args, data, raw, tag):
    out_json = os.path.join(raw, tag + ".json")
    cmd = [pe.PYTHON, os.path.join(HERE, "pytorch_protocol.py"), "--root", data,
           "--threads", str(args.threads), "--strategies", STRATEGIES, "--json", out_json,
           "--teacher-outputs", args.pytorch_teacher_outputs] + options(args)
    wall = pe.run(cmd, pe.pytorch_env(args), os.path.join(raw, tag))
    with open(os.path.join(raw, tag + ".stdout")) as f:
        stdout = f.read()
    with open(out_json) as f:
        report = json.load(f)
    return dict(process=wall, epochs=epoch_seconds(stdout), accuracies=accuracies(stdout),
                inside=report["total_seconds"])


def accuracies(text):
    found = {}
    for line in text.splitlines():
        m = TRAINED.search(line.strip())
        if m:
            acc = float(m.group("acc"))
            found[m.group("row")] = acc * 100 if acc <= 1 else acc
    return found


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--root", required=True, help="the FER+ folder")
    p.add_argument("--limit", type=int, default=0, help="only the first N training faces")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--out", required=True, help="results folder")
    p.add_argument("--work", default="/tmp/whole-protocol", help="working folder")
    p.add_argument("--model", default="resnet18")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--teacher-lr", type=float, default=0.05)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--teacher-epochs", type=int, default=8)
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--java-heap", default="-Xmx6g")
    p.add_argument("--pytorch-teacher-outputs", default="cache",
                   choices=["cache", "live", "precomputed"])
    args = p.parse_args()
    # what paired_epochs' helpers read
    args.java_isa, args.pytorch_isa, args.pytorch_malloc = "inherit", "inherit", "default"
    args.java_cache = "memory"
    out, work = os.path.abspath(args.out), os.path.abspath(args.work)
    raw = os.path.join(out, "raw")
    for d in (out, work, raw):
        os.makedirs(d, exist_ok=True)
    subprocess.run([os.path.join(REPO, "distill"), "--version"], check=True, cwd=REPO,
                   stdout=subprocess.DEVNULL)  # the jar is built before anything is timed
    data = os.path.abspath(args.root)
    if args.limit:
        data = os.path.join(work, "data-first-%d" % args.limit)
        sizes = pe.slice_ferplus(args.root, data, args.limit)
        print("data: %s %s" % (data, sizes), flush=True)
    info = pe.machine_info(args)
    rows = []
    for k in range(1, args.rounds + 1):
        for side in (["java", "pytorch"] if k % 2 == 1 else ["pytorch", "java"]):
            load = os.getloadavg()[0]
            tag = "r%d-%s" % (k, side)
            start = time.strftime("%H:%M:%S")
            r = java_side(args, data, work, raw, tag) if side == "java" else \
                pytorch_side(args, data, raw, tag)
            r.update(round=k, side=side, load=load, start=start)
            rows.append(r)
            print("round %d %s: %.1f s (epochs %.1f s), load before %.2f, accuracies %s"
                  % (k, side, r["process"], r["epochs"], load, r["accuracies"]), flush=True)
    with open(os.path.join(out, "times.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["round", "side", "start", "process", "epochs", "load", "accuracies"])
        for r in rows:
            w.writerow([r["round"], r["side"], r["start"], "%.1f" % r["process"],
                        "%.1f" % r["epochs"], "%.2f" % r["load"], json.dumps(r["accuracies"])])
    med = statistics.median
    j = [r for r in rows if r["side"] == "java"]
    t = [r for r in rows if r["side"] == "pytorch"]
    lines = ["# The whole protocol, Java against PyTorch, %s" % info["date"][:10], "",
             "- machine: %s, %s cores; Java %s (DJL's libtorch %s), PyTorch %s" % (
                 info.get("lscpu model name", "?"), info["nproc"], info["java"],
                 ", ".join(info["djl libtorch"]), info["torch"]),
             "- git: %s; data: %s%s" % (info.get("git", "?"), data,
                                        " (first %d training faces)" % args.limit
                                        if args.limit else ""),
             "- options: `%s`, strategies %s; PyTorch teacher outputs: %s" % (
                 " ".join(options(args)), STRATEGIES, args.pytorch_teacher_outputs),
             "- command: `%s`" % " ".join(shlex.quote(a) for a in sys.argv), "",
             "| | Java | PyTorch | Java / PyTorch |", "|---|---:|---:|---:|",
             "| whole process, s (median of %d) | %.1f | %.1f | **%.2f** |" % (
                 len(j), med([r["process"] for r in j]), med([r["process"] for r in t]),
                 med([r["process"] for r in j]) / med([r["process"] for r in t])),
             "| sum of the epochs, s | %.1f | %.1f | %.2f |" % (
                 med([r["epochs"] for r in j]), med([r["epochs"] for r in t]),
                 med([r["epochs"] for r in j]) / med([r["epochs"] for r in t])),
             "", "| round | side | start (UTC) | process s | epochs s | load before | "
             "test accuracies |", "|---:|---|---|---:|---:|---:|---|"]
    for r in rows:
        lines.append("| %d | %s | %s | %.1f | %.1f | %.2f | %s |" % (
            r["round"], r["side"], r["start"], r["process"], r["epochs"], r["load"],
            ", ".join("%s %.4f" % kv for kv in sorted(r["accuracies"].items()))))
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
