#!/usr/bin/python3
"""Paired Java/PyTorch epochs: the same epoch of the same protocol, run by the library (the
./distill launcher) and by plain PyTorch 1.13 (tools/bench/pytorch_protocol.py), alternating,
for the teacher and for each student strategy (issue 11 part 4).

Run on a quiet machine (no builds, tests or other jobs: a busy neighbour made earlier tables
swing tenfold), from the repository root:

    /usr/bin/python3 tools/bench/paired_epochs.py --root runs/fer-full --rounds 3 \\
        --model resnet18 --optimizer sgd --momentum 0.9 --nesterov --weight-decay 5e-4 \\
        --schedule one-cycle --lr 0.01

    # smoke test of the driver itself (not a measurement)
    /usr/bin/python3 tools/bench/paired_epochs.py --root /tmp/pt-data --limit 256 --rounds 1 \\
        --model small-cnn --out /tmp/paired-smoke

What one round does, for each case in --cases (teacher, finetune, kd, triplet, kd+triplet), in
that order; the side that goes first alternates from one case and one round to the next (Java
first in odd slots, PyTorch first in even ones):

* teacher: a fresh teacher trained for one epoch on the clean training faces.
    Java:    ./distill train-teacher --teacher-epochs 1 --out <work>/java/r<k>/teacher ...
    PyTorch: pytorch_protocol.py --only teacher --teacher-epochs 1 --save-teacher <work>/py/r<k>/teacher.pt
* each student strategy: one epoch of a student started from the teacher each side saved in
  round 1 (each side trains and loads its own teacher: the checkpoint formats differ).
    Java:    ./distill distill --strategy S --teacher <round-1 teacher>/best.json --epochs 1 --out ...
    PyTorch: pytorch_protocol.py --only S --load-teacher <round-1 teacher.pt> --epochs 1
  With --cases not starting with teacher, round 1 still trains the teachers, untimed.
* kd-warm (optional, not in the default --cases): a kd epoch with the teacher's outputs already
  at hand, as in the later epochs of a run.
    Java:    kd with --cache disk, after copying in a cache folder that an untimed kd epoch
             filled in round 1 (the same seed gives the same flips every round: all hits)
    PyTorch: kd with --teacher-outputs precomputed (computed before the epoch, not part of it)

Every measured epoch is the first epoch of its own process on both sides (JVM JIT warm-up
included on the Java side), on the same data (with --limit, a FER+ folder holding the first N
training faces and every validation and test row, written once and read by both sides), the
same architecture, batch, optimizer and schedule, 2 intra-op threads and 1 inter-op thread
(Java: -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1; PyTorch:
torch.set_num_threads(2), set_num_interop_threads(1); OMP_NUM_THREADS=2 for both). The KD-type
students use the library's memory cache on the Java side (--java-cache, default memory), which
`distill` fills before the student's first epoch (every training image, clean and flipped, in the
data's order), so no teacher pass falls inside a Java epoch; the PyTorch side does the same with
--pytorch-teacher-outputs precomputed (the default). With --pytorch-teacher-outputs cache the
PyTorch epoch fills its cache as it goes and so contains the teacher's passes (about 4 s of a
5,120-face resnet18 epoch here): compare "train - teacher" then.

What each number means (one row per run in times.csv; seconds):

* total:      the epoch as the library prints it: data + teacher + forward + backward +
              optimizer + validation (Java: the "| <s>s" of train.log, printed to 0.1 s;
              PyTorch: the same sum, from --json).
* train:      total - validation (what images/s divides by).
* data, teacher, forward (student forward + loss), backward (loss read + backward),
  optimizer (step + zeroing), validation: the parts, as Timings defines them.
* wall:       PyTorch only: the epoch's wall time (the parts plus the untimed bits between them).
* teacher passes: images the teacher computed outputs for (Java: the "teacher cache:" line of a
              KD-type run, all of them before the epoch; PyTorch: its --json, 0 when
              precomputed), to check both sides did the same work.
* process:    the whole command's wall time (JVM or Python start, data loading, teacher test
              evaluation, the epoch, checkpoints): context, not compared.
* load:       the 1-minute load average just before the run (a quiet machine shows < 0.5
              before a run; a value near the thread count or above means a neighbour).

results.md has, per case, the median over rounds of each side's total and train time, the ratio
Java/PyTorch of the medians, and each round's own ratio (paired: the two runs of a round ran
back to back); ratios below 1 mean Java is faster. Also per-part medians. The header records the
date, lscpu's model name, the oneDNN ISA each side uses and the implementations its convolutions
ran with, found by a separate tiny run of each side's command with ONEDNN_VERBOSE=1 (never
during a timed run: it prints every primitive), and the environment knobs.

Files, in --out (default tools/bench/results/<date>): results.md, times.csv, machine.json,
raw/ (every run's command, stdout, stderr, Java train.log and PyTorch --json) and
isa/ (the ONEDNN_VERBOSE probes). Working files (checkpoints, the data slice) go to --work.
"""
import argparse
import csv
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
PYTHON = "/usr/bin/python3"
CASES = ["teacher", "finetune", "kd", "triplet", "kd+triplet"]
OPTIONAL_CASES = ["kd-warm"]
ROW = {"finetune": "fine-tuning"}
PARTS = ["data", "teacher", "forward", "backward", "optimizer", "validation"]
LINE = re.compile(
    r"^(?P<label>.+?) epoch (?P<epoch>\d+)/(?P<epochs>\d+) loss (?P<loss>[-\d.naNinf]+).*?"
    r"\| val acc (?P<acc>[\d.]+)% \| (?P<ips>\d+) img/s \| (?P<total>[\d.]+)s \| "
    r"(?:rss (?P<rss>\d+) MB \| )?data (?P<data>[\d.]+)s, teacher (?P<teacher>[\d.]+)s, student forward (?P<forward>[\d.]+)s,"
    r" backward (?P<backward>[\d.]+)s, optimizer (?P<optimizer>[\d.]+)s, validation "
    r"(?P<validation>[\d.]+)s")


# ------------------------------------------------------------------ data slice
def slice_ferplus(root, out, train_limit, other_limit=0):
    """Writes a FER+ folder holding the rows of the first `train_limit` training faces the
    library keeps (majority rule) and every validation and test row (or, with other_limit, the
    rows of the first other_limit kept faces of each); rows the library skips are dropped too.
    Both files keep their headers and row order, so the library and pytorch_protocol.py read
    the same faces, in the same order."""
    sys.path.insert(0, HERE)
    import pytorch_protocol as pp
    os.makedirs(out, exist_ok=True)
    image_in = os.path.join(root, "fer2013.csv")
    label_in = os.path.join(root, "fer2013new.csv")
    kept = {"train": 0, "validation": 0, "test": 0}
    limits = {"train": train_limit, "validation": other_limit, "test": other_limit}
    with open(image_in, newline="", encoding="utf-8-sig") as fi, \
            open(label_in, newline="", encoding="utf-8-sig") as fl, \
            open(os.path.join(out, "fer2013.csv"), "w", newline="") as gi, \
            open(os.path.join(out, "fer2013new.csv"), "w", newline="") as gl:
        ri, rl = csv.reader(fi), csv.reader(fl)
        wi, wl = csv.writer(gi, lineterminator="\n"), csv.writer(gl, lineterminator="\n")
        hi, hl = next(ri), next(rl)
        wi.writerow(hi)
        wl.writerow(hl)
        u_col = pp._header_index(hi, "Usage")
        name_col = pp._header_index(hl, "Image name")
        vote_cols = [pp._header_index(hl, n) for n in pp.VOTE_COLUMNS]
        for row_i, row_l in zip(ri, rl):
            split = pp.USAGES[row_i[u_col].strip()]
            if name_col >= 0 and not row_l[name_col].strip():
                continue
            if pp.majority([int(row_l[c]) for c in vote_cols]) < 0:
                continue
            if limits[split] and kept[split] >= limits[split]:
                continue
            kept[split] += 1
            wi.writerow(row_i)
            wl.writerow(row_l)
    return kept


# ------------------------------------------------------------------ running
def run(cmd, env, log_base):
    """Runs a command, keeping its output; returns its wall seconds."""
    start = time.perf_counter()
    with open(log_base + ".stdout", "w") as out, open(log_base + ".stderr", "w") as err:
        status = subprocess.call(cmd, env=env, stdout=out, stderr=err, cwd=REPO)
    wall = time.perf_counter() - start
    with open(log_base + ".cmd", "w") as f:
        f.write(" ".join(shlex.quote(c) for c in cmd) + "\n")
    if status != 0:
        with open(log_base + ".stderr") as f:
            tail = f.read()[-3000:]
        raise SystemExit("paired_epochs: %s failed (status %d):\n%s" % (" ".join(cmd), status,
                                                                        tail))
    return wall


def parse_line(text, label):
    """The last epoch line of `label` in a train.log or a pytorch_protocol stdout."""
    found = None
    for line in text.splitlines():
        m = LINE.match(line.strip())
        if m and m.group("label") == label:
            found = m
    if not found:
        raise SystemExit("paired_epochs: no epoch line for '%s' in:\n%s" % (label, text[-2000:]))
    row = {k: float(found.group(k)) for k in ["total", "loss", "acc"] + PARTS}
    row["images_per_second"] = float(found.group("ips"))
    return row


def protocol_options(args):
    """The training options both sides take, in the CLI's spelling."""
    opts = ["--model", args.model, "--batch-size", str(args.batch_size), "--lr", str(args.lr),
            "--optimizer", args.optimizer, "--weight-decay", str(args.weight_decay),
            "--schedule", args.schedule, "--augment", args.augment, "--seed", str(args.seed)]
    if args.optimizer == "sgd":
        opts += ["--momentum", str(args.momentum)] + (["--nesterov"] if args.nesterov else [])
    if args.schedule == "one-cycle":
        opts += ["--warmup", str(args.warmup)]
    return opts


def teacher_options(opts, args):
    """The student options rewritten for the teacher stage (--lr is the teacher's there)."""
    out = list(opts)
    if args.teacher_lr is not None:
        out[out.index("--lr") + 1] = str(args.teacher_lr)
    return out


def java_env(args):
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = str(args.threads)
    env["DISTILL_JAVA_OPTS"] = "%s -Dai.djl.pytorch.num_threads=%d " \
        "-Dai.djl.pytorch.num_interop_threads=1" % (args.java_heap, args.threads)
    if args.java_isa != "inherit":
        env["ONEDNN_MAX_CPU_ISA"] = args.java_isa
    return env


def pytorch_env(args):
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = str(args.threads)
    if args.pytorch_isa != "inherit":
        env["ONEDNN_MAX_CPU_ISA"] = args.pytorch_isa
    else:
        env.pop("ONEDNN_MAX_CPU_ISA", None)
    if args.pytorch_malloc == "tuned":  # the ./distill launcher's glibc settings
        env.update(MALLOC_ARENA_MAX="1", MALLOC_MMAP_THRESHOLD_="33554432",
                   MALLOC_TRIM_THRESHOLD_="1073741824")
    return env


CACHE_LINE = re.compile(r"teacher cache: (\d+) images computed once, (\d+) served from the cache")


def java_run(case, args, opts, data, out_dir, teacher_json, raw, tag, warm_cache=None):
    """One Java epoch. kd-warm: kd with --cache disk, its cache folder copied in first."""
    if os.path.exists(out_dir):
        shutil.rmtree(out_dir)  # a reused folder would make the library reuse or resume
    strategy = "kd" if case == "kd-warm" else case
    if case == "teacher":
        cmd = [os.path.join(REPO, "distill"), "train-teacher", "--teacher-epochs", "1",
               "--out", out_dir] + ["--dataset", "ferplus", "--root", data] + \
            teacher_options(opts, args)
        label = "teacher"
    else:
        student_opts = list(opts)
        i = student_opts.index("--model")
        del student_opts[i:i + 2]  # the students take the loaded teacher's architecture
        cache = "disk" if case == "kd-warm" else args.java_cache
        cmd = [os.path.join(REPO, "distill"), "distill", "--strategy", strategy, "--teacher",
               teacher_json, "--epochs", "1", "--out", out_dir, "--dataset", "ferplus",
               "--root", data, "--cache", cache] + student_opts
        label = "%s seed %d" % (ROW.get(strategy, strategy), args.seed)
        if warm_cache:
            shutil.copytree(warm_cache, os.path.join(out_dir, "cache"))
    process = run(cmd, java_env(args), os.path.join(raw, tag))
    with open(os.path.join(out_dir, "train.log")) as f:
        text = f.read()
    shutil.copy(os.path.join(out_dir, "train.log"), os.path.join(raw, tag + ".train.log"))
    row = parse_line(text, label)
    row["process"] = process
    with open(os.path.join(raw, tag + ".stderr")) as f:
        m = CACHE_LINE.search(f.read())
    if m:
        row["teacher_passes"], row["cache_hits"] = int(m.group(1)), int(m.group(2))
    elif case == "teacher":
        row["teacher_passes"], row["cache_hits"] = 0, 0
    return row


def pytorch_run(case, args, opts, data, teacher_pt, raw, tag):
    """One PyTorch epoch. kd-warm: kd with every teacher output computed before the epoch."""
    out_json = os.path.join(raw, tag + ".json")
    strategy = "kd" if case == "kd-warm" else case
    outputs = "precomputed" if case == "kd-warm" else args.pytorch_teacher_outputs
    cmd = [PYTHON, os.path.join(HERE, "pytorch_protocol.py"), "--root", data,
           "--threads", str(args.threads), "--json", out_json, "--teacher-outputs", outputs]
    if case == "teacher":
        cmd += ["--only", "teacher", "--teacher-epochs", "1", "--save-teacher", teacher_pt]
        cmd += teacher_options(opts, args)
    else:
        cmd += ["--only", strategy, "--epochs", "1", "--load-teacher", teacher_pt] + opts
    process = run(cmd, pytorch_env(args), os.path.join(raw, tag))
    with open(out_json) as f:
        report = json.load(f)
    epoch = [s for s in report["stages"] if s["stage"] == strategy][0]["epochs"][-1]
    row = {k: epoch["seconds"][k] for k in PARTS}
    row.update(total=epoch["total"], wall=epoch["wall"], loss=epoch["train_loss"],
               acc=100 * epoch["val_acc"], images_per_second=epoch["images_per_second"],
               process=process)
    t = report.get("teacher_outputs", {})
    row["teacher_passes"] = 0 if outputs == "precomputed" else t.get("misses", 0) + t.get(
        "bypassed", 0)
    row["cache_hits"] = t.get("hits", 0)
    if t.get("precompute_seconds"):
        row["precompute"] = t["precompute_seconds"]
    return row


# ------------------------------------------------------------------ the oneDNN ISA in use
def isa_summary(text):
    info = [l_ for l_ in text.splitlines() if ",info," in l_ and ("isa:" in l_ or "oneDNN v" in l_)]
    impls = {}
    for line in text.splitlines():
        if ",exec," not in line or ",convolution," not in line:
            continue
        fields = line.split(",")
        k = fields.index("convolution")
        key = "%s %s" % (fields[k + 1], fields[k + 2])
        impls[key] = impls.get(key, 0) + 1
    return {"info": sorted(set(info)), "convolutions": impls}


def isa_probe(args, opts, data_probe, work, isa_dir):
    """One tiny teacher epoch per side with ONEDNN_VERBOSE=1 (untimed); what oneDNN says."""
    result = {}
    java_out = os.path.join(work, "isa-java")
    if os.path.exists(java_out):
        shutil.rmtree(java_out)
    env = java_env(args)
    env["ONEDNN_VERBOSE"] = "1"
    cmd = [os.path.join(REPO, "distill"), "train-teacher", "--teacher-epochs", "1", "--out",
           java_out, "--dataset", "ferplus", "--root", data_probe] + teacher_options(opts, args)
    run(cmd, env, os.path.join(isa_dir, "java"))
    with open(os.path.join(isa_dir, "java.stdout")) as f:
        result["java"] = isa_summary(f.read())
    env = pytorch_env(args)
    env["ONEDNN_VERBOSE"] = "1"
    cmd = [PYTHON, os.path.join(HERE, "pytorch_protocol.py"), "--root", data_probe, "--threads",
           str(args.threads), "--only", "teacher", "--teacher-epochs", "1"] + \
        teacher_options(opts, args)
    run(cmd, env, os.path.join(isa_dir, "pytorch"))
    with open(os.path.join(isa_dir, "pytorch.stdout")) as f:
        result["pytorch"] = isa_summary(f.read())
    for side in ("java", "pytorch"):
        # The verbose logs are large; keep the summary and the first lines.
        path = os.path.join(isa_dir, side + ".stdout")
        with open(path) as f:
            head = [next(f, "") for _ in range(40)]
        with open(path, "w") as f:
            f.writelines(head)
    return result


def machine_info(args):
    info = {"date": datetime.datetime.now().isoformat(timespec="seconds"),
            "platform": platform.platform(), "nproc": os.cpu_count()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in lscpu.splitlines():
            if line.startswith("Model name:"):
                info["lscpu model name"] = line.split(":", 1)[1].strip()
        flags = [l_ for l_ in lscpu.splitlines() if l_.startswith("Flags:")]
        if flags:
            info["avx512 flags"] = sorted(f for f in flags[0].split() if f.startswith("avx512"))
    except OSError:
        pass
    info["java"] = subprocess.run(["java", "-version"], capture_output=True,
                                  text=True).stderr.strip().splitlines()[0]
    info["torch"] = subprocess.run([PYTHON, "-c", "import torch; print(torch.__version__)"],
                                   capture_output=True, text=True).stdout.strip()
    djl = os.path.expanduser("~/.djl.ai/pytorch")
    info["djl libtorch"] = sorted(os.listdir(djl)) if os.path.isdir(djl) else []
    try:
        info["git"] = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO,
                                     capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    info["env"] = {k: os.environ.get(k, "") for k in
                   ("ONEDNN_MAX_CPU_ISA", "OMP_NUM_THREADS", "MALLOC_ARENA_MAX",
                    "DISTILL_JAVA_OPTS")}
    info["java side"] = {"DISTILL_JAVA_OPTS": java_env(args)["DISTILL_JAVA_OPTS"],
                         "ONEDNN_MAX_CPU_ISA": java_env(args).get(
                             "ONEDNN_MAX_CPU_ISA", "(the ./distill default)"),
                         "cache": args.java_cache}
    info["pytorch side"] = {"ONEDNN_MAX_CPU_ISA": pytorch_env(args).get(
        "ONEDNN_MAX_CPU_ISA", "(unset: oneDNN's best)"), "malloc": args.pytorch_malloc,
        "teacher outputs": args.pytorch_teacher_outputs}
    return info


# ------------------------------------------------------------------ the report
def write_report(out, args, info, isa, rows, sizes):
    with open(os.path.join(out, "times.csv"), "w", newline="") as f:
        fields = ["round", "case", "side", "first", "total", "train"] + PARTS + [
            "wall", "process", "images_per_second", "loss", "acc", "teacher_passes",
            "cache_hits", "precompute", "load"]
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r)
    med = statistics.median
    lines = ["# Paired Java/PyTorch epochs, %s" % info["date"][:10], ""]
    lines += ["- machine: %s, %s cores (lscpu model name)" % (info.get("lscpu model name", "?"),
                                                              info["nproc"]),
              "- Java: %s, DJL's libtorch %s; %s; ONEDNN_MAX_CPU_ISA=%s" % (
                  info["java"], ", ".join(info["djl libtorch"]),
                  info["java side"]["DISTILL_JAVA_OPTS"], info["java side"]["ONEDNN_MAX_CPU_ISA"]),
              "- PyTorch: %s (/usr/bin/python3), ONEDNN_MAX_CPU_ISA=%s, malloc %s" % (
                  info["torch"], info["pytorch side"]["ONEDNN_MAX_CPU_ISA"],
                  info["pytorch side"]["malloc"])]
    for side in ("java", "pytorch"):
        if side in isa:
            conv = ", ".join("%s x%d" % kv for kv in sorted(isa[side]["convolutions"].items()))
            lines.append("- oneDNN on the %s side: %s; convolutions ran as: %s" % (
                side, "; ".join(l_.split("info,", 1)[1] for l_ in isa[side]["info"]) or "?",
                conv or "none seen"))
    lines += ["- data: %s, train %d, validation %d, test %d%s" % (
        args.root, sizes["train"], sizes["validation"], sizes["test"],
        " (first %d training faces)" % args.limit if args.limit else ""),
        "- protocol: `%s`" % " ".join(protocol_options(args)) + (
            ", teacher lr %s" % args.teacher_lr if args.teacher_lr is not None else ""),
        "- %d round(s); KD-type students: Java --cache %s, PyTorch --teacher-outputs %s"
        % (args.rounds, args.java_cache, args.pytorch_teacher_outputs),
        "- command: `%s`" % " ".join(shlex.quote(a) for a in sys.argv), ""]
    lines += ["Seconds per epoch, median over rounds (total = the parts' sum, validation "
              "included; train = total - validation). Java/PyTorch below 1: Java is faster.", "",
              "| case | Java total | PyTorch total | ratio | per-round ratios | Java train | "
              "PyTorch train | ratio |", "|---|---:|---:|---:|---|---:|---:|---:|"]
    for case in args.case_list:
        j = [r for r in rows if r["case"] == case and r["side"] == "java"]
        p = [r for r in rows if r["case"] == case and r["side"] == "pytorch"]
        if not j or not p:
            continue
        per_round = ["%.2f" % (a["total"] / b["total"]) for a, b in zip(j, p) if b["total"] > 0]
        jt, pt = med([r["total"] for r in j]), med([r["total"] for r in p])
        jr, pr = med([r["train"] for r in j]), med([r["train"] for r in p])
        lines.append("| %s | %.1f | %.1f | %.2fx | %s | %.1f | %.1f | %.2fx |" % (
            case, jt, pt, jt / pt if pt else float("nan"), " ".join(per_round), jr, pr,
            jr / pr if pr else float("nan")))
    lines += ["", "Parts, median seconds (Java / PyTorch):", "",
              "| case | " + " | ".join(PARTS) + " |", "|---|" + "---:|" * len(PARTS)]
    for case in args.case_list:
        j = [r for r in rows if r["case"] == case and r["side"] == "java"]
        p = [r for r in rows if r["case"] == case and r["side"] == "pytorch"]
        if j and p:
            lines.append("| %s | " % case + " | ".join(
                "%.1f / %.1f" % (med([r[k] for r in j]), med([r[k] for r in p])) for k in PARTS)
                + " |")
    columns = ["total", "train"] + PARTS + ["wall", "process", "img/s", "loss", "val acc %",
                                            "teacher passes", "load"]
    lines += ["", "Every run (seconds; first = which side ran first in its pair):", "",
              "| round | case | side | first | " + " | ".join(columns) + " |",
              "|---:|---|---|---|" + "---:|" * len(columns)]
    for r in rows:
        lines.append("| %d | %s | %s | %s | %.1f | %.1f | " % (
            r["round"], r["case"], r["side"], r["first"], r["total"], r["train"])
            + " | ".join("%.1f" % r[k] for k in PARTS)
            + " | %s | %.1f | %.0f | %.4f | %.2f | %s | %.2f |" % (
                "%.1f" % r["wall"] if r.get("wall") is not None else "", r["process"],
                r["images_per_second"], r["loss"], r["acc"], r.get("teacher_passes", ""),
                r["load"]))
    lines += ["", "Java's parts are read from train.log, printed to 0.1 s; PyTorch's from "
              "pytorch_protocol.py --json. Each epoch is the first of its process."]
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--root", required=True, help="the FER+ folder")
    p.add_argument("--limit", type=int, default=0,
                   help="use only the first N training faces (a sliced copy of the folder)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--cases", default=",".join(CASES),
                   help="of %s (default: all but kd-warm)" % ", ".join(CASES + OPTIONAL_CASES))
    p.add_argument("--out", help="results folder (default: tools/bench/results/<date>)")
    p.add_argument("--work", help="working folder (default: /tmp/paired-epochs-<date>)")
    p.add_argument("--model", default="resnet18")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.001)
    p.add_argument("--teacher-lr", type=float)
    p.add_argument("--optimizer", default="sgd", choices=["sgd", "adam", "adamw"])
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--nesterov", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--schedule", default="one-cycle",
                   choices=["constant", "step", "cosine", "one-cycle"])
    p.add_argument("--warmup", type=float, default=0.1)
    p.add_argument("--augment", default="flip")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--java-heap", default="-Xmx6g")
    p.add_argument("--java-isa", default="inherit",
                   help="ONEDNN_MAX_CPU_ISA for the Java runs (AVX2, AVX512_CORE, ALL, ...); "
                        "inherit: the environment's, else the ./distill launcher's default")
    p.add_argument("--pytorch-isa", default="inherit",
                   help="ONEDNN_MAX_CPU_ISA for the PyTorch runs; inherit: unset (oneDNN's best)")
    p.add_argument("--java-cache", default="memory", choices=["memory", "disk", "off"])
    p.add_argument("--pytorch-teacher-outputs", default="precomputed",
                   choices=["cache", "live", "precomputed"])
    p.add_argument("--pytorch-malloc", default="default", choices=["default", "tuned"],
                   help="tuned: the ./distill launcher's glibc malloc settings for PyTorch too")
    p.add_argument("--no-isa-probe", action="store_true", help="skip the ONEDNN_VERBOSE probes")
    args = p.parse_args()
    args.case_list = [c.strip() for c in args.cases.split(",") if c.strip()]
    for c in args.case_list:
        if c not in CASES + OPTIONAL_CASES:
            p.error("unknown case '%s'; known: %s" % (c, ", ".join(CASES + OPTIONAL_CASES)))
    if args.nesterov and args.optimizer != "sgd":
        p.error("--nesterov needs --optimizer sgd")
    date = datetime.date.today().isoformat()
    out = os.path.abspath(args.out or os.path.join(HERE, "results", date))
    work = os.path.abspath(args.work or "/tmp/paired-epochs-%s" % date)
    raw = os.path.join(out, "raw")
    isa_dir = os.path.join(out, "isa")
    for d in (out, work, raw, isa_dir):
        os.makedirs(d, exist_ok=True)

    load = os.getloadavg()[0]
    if load > 0.5:
        print("paired_epochs: warning: the load average is %.2f; other processes will distort"
              " the times (the 'load' column records it before every run)" % load, flush=True)
    # The jar is built before anything is timed.
    subprocess.run([os.path.join(REPO, "distill"), "--version"], check=True, cwd=REPO,
                   stdout=subprocess.DEVNULL)
    sys.path.insert(0, HERE)
    import pytorch_protocol as pp
    data = os.path.abspath(args.root)
    if args.limit:
        data = os.path.join(work, "data-first-%d" % args.limit)
        sizes = slice_ferplus(args.root, data, args.limit)
    else:
        raw_data, _, _ = pp.load_ferplus(data)
        sizes = {s: len(v[1]) for s, v in raw_data.items()}
    print("data: %s (train %d, validation %d, test %d)" % (data, sizes["train"],
                                                            sizes["validation"], sizes["test"]),
          flush=True)
    opts = protocol_options(args)
    info = machine_info(args)
    isa = {}
    if not args.no_isa_probe:
        probe_data = os.path.join(work, "data-isa-probe")
        slice_ferplus(args.root, probe_data, 128, 64)
        isa = isa_probe(args, opts, probe_data, work, isa_dir)
        for side in ("java", "pytorch"):
            print("oneDNN, %s side: %s; convolutions: %s" % (
                side, "; ".join(isa[side]["info"]), isa[side]["convolutions"]), flush=True)
    with open(os.path.join(out, "machine.json"), "w") as f:
        json.dump(dict(info, isa=isa, data=data, sizes=sizes, argv=sys.argv), f, indent=1)

    java_teacher = os.path.join(work, "java", "r1", "teacher", "teacher", "best.json")
    warm_fill = os.path.join(work, "java", "kd-warm-fill")
    warm_cache = None
    py_teacher = os.path.join(work, "py", "r1", "teacher.pt")
    rows = []
    slot = 0
    for k in range(1, args.rounds + 1):
        cases = list(args.case_list)
        if k == 1 and "teacher" not in cases:
            cases = ["teacher"] + cases  # the students need teachers; untimed
        for case in cases:
            timed = case in args.case_list
            if case == "kd-warm" and warm_cache is None:
                # Untimed: one Java kd epoch with --cache disk fills the cache the timed
                # kd-warm runs start from (a copy each time).
                r = java_run("kd-warm", args, opts, data, warm_fill, java_teacher, raw,
                             "fill-kd-warm-java")
                warm_cache = os.path.join(warm_fill, "cache")
                print("kd-warm: Java disk cache filled (%s teacher passes, untimed): %s"
                      % (r.get("teacher_passes", "?"), warm_cache), flush=True)
            slot += 1
            java_first = slot % 2 == 1
            results = {}
            for side in (["java", "pytorch"] if java_first else ["pytorch", "java"]):
                load = os.getloadavg()[0]
                tag = "r%d-%s-%s" % (k, case.replace("+", "-"), side)
                if side == "java":
                    out_dir = os.path.join(work, "java", "r%d" % k,
                                           case.replace("+", "-"))
                    results[side] = java_run(case, args, opts, data, out_dir, java_teacher,
                                             raw, tag,
                                             warm_cache if case == "kd-warm" else None)
                else:
                    teacher_pt = os.path.join(work, "py", "r%d" % k, "teacher.pt") \
                        if case == "teacher" else py_teacher
                    os.makedirs(os.path.dirname(teacher_pt), exist_ok=True)
                    results[side] = pytorch_run(case, args, opts, data, teacher_pt, raw, tag)
                r = results[side]
                r.update(round=k, case=case, side=side, first="java" if java_first else "pytorch",
                         train=r["total"] - r["validation"], load=load)
                print("round %d %-10s %-7s total %7.1f s (train %7.1f s, process %7.1f s,"
                      " teacher passes %s)%s" % (
                          k, case, side, r["total"], r["train"], r["process"],
                          r.get("teacher_passes", "?"),
                    "" if timed else "  [untimed: the students' teacher]"), flush=True)
                if timed:
                    rows.append(r)
    print(write_report(out, args, info, isa, rows, sizes))
    print("\nwritten: %s" % out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
