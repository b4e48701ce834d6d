#!/usr/bin/python3
"""Checks that tools/bench/pytorch_protocol.py reads FER+ as the Java pipeline does.

    /usr/bin/python3 tools/bench/check_protocol.py --root /tmp/pt-data [--seed 1] [--epochs 3]

Needs examples/target/distill.jar (./distill builds it). Compares, exactly:

1. split sizes, per-class counts and exclusion counts with `./distill stats --dataset ferplus`;
2. every label of every split, the SeededSampler order of the first --epochs epochs, and the
   clean and occluded views (float32 bit for bit) of some training images in those epochs, for
   --augment flip and flip+crop, with tools/bench/JavaViews.java run on the jar;
3. --limit N: the first N training faces of the whole split, and a folder written by
   paired_epochs.py's slice_ferplus holding exactly those;
4. a crafted FER+ folder (unknown and NF majorities, ties, single votes, empty image names, a
   byte-order mark, CRLF, quoted fields, columns reordered): labels and exclusions by reason;
5. the KD and triplet (semi-hard, the default) losses against the golden fixtures the Java
   losses are tested with: value and gradient;
6. LearningRateSchedule's rate at every step (JavaSchedule.java) for each schedule kind;
7. the fusion's softmax regression (JavaLinearHead.java) on fixed features: iterations, weights;
8. a freshly initialized small-cnn and resnet18 (JavaInit.java: DJL seeded, Block.initialize):
   every tensor bit for bit, and the eval-mode outputs on a fixed input.

Prints one line per check and exits 1 if any differs.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import pytorch_protocol as pp  # noqa: E402
from paired_epochs import slice_ferplus  # noqa: E402

FAILURES = []

# FerPlus's exclusion reasons, as pytorch_protocol.load_ferplus names them.
JAVA_REASONS = {
    "no class holds more than half of the votes left after dropping single votes": "no majority",
    "the majority class is unknown": "majority unknown",
    "the majority class is NF (not a face)": "majority NF",
    "no image name (not an image in FER+)": "no image name",
}


def check(name, ok, detail=""):
    print("%s %s%s" % ("ok  " if ok else "FAIL", name, (": " + detail) if detail else ""))
    if not ok:
        FAILURES.append(name)


def stats(root):
    out = subprocess.run([os.path.join(REPO, "distill"), "stats", "--dataset", "ferplus", "--root",
                          root], capture_output=True, text=True, check=True).stdout
    result = {}
    split = None
    for line in out.splitlines():
        m = re.match(r"split (\w+): (\d+) samples", line)
        if m:
            split = m.group(1)
            result[split] = {"size": int(m.group(2))}
            continue
        m = re.match(r"\s+classes: (.*)", line)
        if m and split:
            result[split]["classes"] = {k: int(v) for k, v in
                                        (c.rsplit(" ", 1) for c in m.group(1).split(", "))}
        m = re.match(r"\s+excluded: (\d+)(?: \((.*)\))?$", line)
        if m and split:
            result[split]["excluded"] = int(m.group(1))
            reasons = {}
            for part in (m.group(2) or "").split("; "):
                if part:
                    text, count = part.rsplit(": ", 1)
                    reasons[JAVA_REASONS.get(text, text)] = int(count)
            result[split]["reasons"] = reasons
    return result


def crafted_folder(path, rows=900, seed=7):
    """A FER+ folder made to hit every rule: unknown and NF majorities, ties, single votes,
    empty image names, a byte-order mark, CRLF line endings, quoted fields, columns in another
    order."""
    rng = np.random.default_rng(seed)
    os.makedirs(path, exist_ok=True)
    usages = ["Training", "PublicTest", "PrivateTest"]
    label_columns = ["NF", "Usage"] + pp.CLASS_NAMES[::-1] + ["Image name", "unknown"]
    with open(os.path.join(path, "fer2013.csv"), "w", encoding="utf-8-sig", newline="") as fi, \
            open(os.path.join(path, "fer2013new.csv"), "w", encoding="utf-8-sig",
                 newline="") as fl:
        fi.write("pixels,Usage,emotion\r\n")
        fl.write(",".join(label_columns) + "\r\n")
        for r in range(rows):
            usage = usages[int(rng.choice(3, p=[0.6, 0.2, 0.2]))]
            pixels = " ".join(str(v) for v in rng.integers(0, 256, pp.SIZE * pp.SIZE))
            fi.write('"%s",%s,%d\r\n' % (pixels, usage, int(rng.integers(0, 7))))
            votes = np.zeros(10, dtype=int)
            votes[int(rng.integers(0, 10))] = int(rng.integers(0, 11))
            for _ in range(int(rng.integers(0, 4))):
                votes[int(rng.integers(0, 10))] += int(rng.integers(0, 4))
            if r % 17 == 0:
                votes[:] = 0
                votes[2] = votes[5] = 4  # a tie
            name = "" if r % 23 == 5 else "fer%07d.png" % r
            by_name = dict(zip(pp.VOTE_COLUMNS, votes.tolist()), Usage=usage)
            by_name["Image name"] = name
            fl.write(",".join(str(by_name[c]) for c in label_columns) + "\r\n")


def compare_init(jar, model, seed, tmp):
    """DJL's initialization (JavaInit.java) against pytorch_protocol.build_model, and both
    models' eval-mode outputs on a fixed input."""
    base = os.path.join(tmp, "init-" + model)
    env = dict(os.environ, TORCH_CPP_LOG_LEVEL="ERROR")
    subprocess.run(["java", "-Dai.djl.offline=true", "-cp", jar,
                    os.path.join(HERE, "JavaInit.java"), model, str(seed), base], check=True,
                   env=env, stderr=subprocess.DEVNULL)
    with open(base + ".txt") as f:
        entries = [line.split() for line in f if line.strip()]
    values = np.fromfile(base + ".bin", dtype="<f4")
    net = pp.build_model(model, seed).eval()
    # num_batches_tracked: PyTorch's counter, unused when BN has a momentum; DJL has none.
    state = {k: v for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}
    x = torch.from_numpy((np.sin(0.001 * np.arange(2 * 48 * 48)) * 0.5 + 0.5).astype(
        np.float32).reshape(2, 1, 48, 48))
    with torch.no_grad():
        outputs = [o.numpy().ravel() for o in net(x)]
    offset, same, names, worst = 0, 0, [], 0.0
    out_index = 0
    for name, shape in entries:
        n = int(np.prod([int(v) for v in shape.split("x")]))
        java = values[offset:offset + n]
        offset += n
        if name == "output":
            ours = outputs[out_index]
            out_index += 1
            scale = max(1e-6, float(np.abs(java).max()))
            worst = max(worst, float(np.abs(ours - java).max()) / scale)
            continue
        names.append(name)
        if name in state and np.array_equal(state[name].numpy().ravel(), java):
            same += 1
    check("%s initialized as DJL does (seed %d): %d of %d tensors bit for bit" % (
        model, seed, same, len(names)), same == len(names) == len(state),
        "names %s" % sorted(set(names) ^ set(state)) if set(names) != set(state) else "")
    check("%s eval outputs (logits, embedding, features) agree" % model, worst < 1e-4,
          "largest difference %.2g of each output's largest value" % worst)


def compare_schedules(jar):
    """LearningRateSchedule (JavaSchedule.java) against pytorch_protocol.learning_rate."""
    cases = [("constant", 0.001, 37, 5, 10, 0.1, 0.1), ("step", 0.01, 120, 12, 3, 0.1, 0.1),
             ("cosine", 0.001, 360, 360, 10, 0.1, 0.1), ("one-cycle", 0.01, 2160, 360, 10, 0.1,
                                                         0.1),
             ("one-cycle", 0.05, 7, 7, 10, 0.1, 0.3), ("one-cycle", 0.1, 1, 1, 10, 0.1, 0.1)]
    for kind, base, total, per_epoch, step_epochs, gamma, warmup in cases:
        out = subprocess.run(["java", "-cp", jar, os.path.join(HERE, "JavaSchedule.java"), kind,
                              str(base), str(total), str(per_epoch), str(step_epochs),
                              str(gamma), str(warmup)], capture_output=True, text=True,
                             check=True).stdout.split()
        java = [float(np.float32(v)) for v in out]
        ns = argparse.Namespace(schedule=kind, gamma=gamma, step_epochs=step_epochs,
                                warmup=warmup)
        ours = [pp.learning_rate(ns, base, t, total, per_epoch) for t in range(1, total + 1)]
        same = sum(a == b for a, b in zip(java, ours))
        check("schedule %s (base %s, %d steps, warm-up %s): %d of %d rates equal" % (
            kind, base, total, warmup, same, total), same == total == len(java))


def compare_linear_head(jar, tmp, n=400, d=32, k=8):
    """LinearHead.fitClassifier (JavaLinearHead.java) against pytorch_protocol.fit_softmax, on
    L2-normalized random features with labels that depend on them."""
    rng = np.random.default_rng(11)
    x = rng.normal(size=(n, d))
    x /= np.sqrt((x * x).sum(1, keepdims=True))
    labels = (x[:, :k] + 0.3 * rng.normal(size=(n, k))).argmax(1)
    y = np.eye(k)[labels]
    path = os.path.join(tmp, "head")
    np.concatenate([x.ravel(), y.ravel()]).astype("<f8").tofile(path + ".in")
    subprocess.run(["java", "-cp", jar, os.path.join(HERE, "JavaLinearHead.java"), path + ".in",
                    str(n), str(d), str(k), path + ".out"], check=True)
    java = np.fromfile(path + ".out", dtype="<f8")
    w, iterations = pp.fit_softmax(x, y)
    difference = float(np.abs(w.ravel() - java[1:]).max())
    check("fusion's softmax regression: %d L-BFGS iterations (Java %d), weights within %.1g" % (
        iterations, int(java[0]), difference), iterations == int(java[0]) and difference < 1e-6)


def compare_goldens():
    """pytorch_protocol's KD and triplet losses against the golden fixtures the Java losses are
    tested with (distill-losses/src/test/resources/golden, made by tools/golden): value and
    gradient, in float64."""
    folder = os.path.join(REPO, "distill-losses", "src", "test", "resources", "golden")
    names = sorted(n[:-5] for n in os.listdir(folder)
                   if n.startswith("kd_t") or n.startswith(
                       "triplet_squared-euclidean_normalized_student_"))
    for name in names:
        with open(os.path.join(folder, name + ".json")) as f:
            fixture = json.load(f)
        params, inputs = fixture["params"], fixture["inputs"]
        if name.startswith("triplet") and params["mining"] != "semi-hard":
            continue  # the protocol mirrors the default mining only
        labels = torch.tensor(inputs["labels"], dtype=torch.float64).long()
        if name.startswith("kd"):
            student = torch.tensor(inputs["student_logits"], dtype=torch.float64,
                                   requires_grad=True)
            teacher = torch.tensor(inputs["teacher_logits"], dtype=torch.float64)
            value, _ = pp.kd_loss(student, teacher, labels, params["temperature"],
                                  params["alpha"])
            key = "student_logits"
        else:
            student = torch.tensor(inputs["student_embedding"], dtype=torch.float64,
                                   requires_grad=True)
            teacher = torch.tensor(inputs["teacher_embedding"], dtype=torch.float64)
            value = pp.triplet_loss(student, teacher, labels, params["margin"])
            key = "student_embedding"
        value.backward()
        expected = fixture["expected"]
        grad = torch.tensor(expected["grad"][key], dtype=torch.float64)
        difference = max(abs(value.item() - expected["loss"]),
                         float((student.grad - grad).abs().max()))
        check("golden %s: value and gradient within %.1g" % (name, difference),
              difference < 1e-10)


def python_views(clean, seed, epoch, augment, indices):
    flip = "flip" in augment
    pad = 4 if "crop" in augment else 0
    flips, dx, dy = pp.augment_draws(clean.shape[0], seed, epoch, flip, pad)
    x = clean[indices].clone()
    f = torch.from_numpy(flips[indices])
    x[f] = x[f].flip(-1)
    x = pp.shift(x, dx[indices], dy[indices])
    codes = [2 if (dx[i] or dy[i]) else (1 if flips[i] else 0) for i in indices]
    return x, pp.occlude(x, "vr-headset"), codes


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--root", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--models", default="small-cnn,resnet18",
                   help="models whose initialization to compare")
    args = p.parse_args()
    jar = os.path.join(REPO, "examples", "target", "distill.jar")

    raw, excluded, _ = pp.load_ferplus(args.root)
    java = stats(args.root)
    for split in ("train", "validation", "test"):
        grey, labels, _ = raw[split]
        counts = {name: int((labels == c).sum()) for c, name in enumerate(pp.CLASS_NAMES)}
        check("%s size" % split, java[split]["size"] == len(labels),
              "java %d, python %d" % (java[split]["size"], len(labels)))
        check("%s class counts" % split, java[split]["classes"] == counts,
              "java %s, python %s" % (java[split]["classes"], counts))
        check("%s excluded, by reason" % split, java[split].get("reasons", {}) == excluded[split],
              "java %s, python %s" % (java[split].get("reasons"), excluded[split]))

    clean = pp.to_float(raw["train"][0])
    n = clean.shape[0]
    indices = sorted({0, 1, 2, 3, 5, 8, 13, n // 2, n - 2, n - 1})
    with tempfile.TemporaryDirectory() as tmp:
        for augment in ("flip", "flip+crop"):
            base = os.path.join(tmp, "views")
            subprocess.run(["java", "-cp", jar, os.path.join(HERE, "JavaViews.java"), args.root,
                            str(args.seed), str(args.epochs), augment, base]
                           + [str(i) for i in indices], check=True)
            with open(base + ".json") as f:
                dump = json.load(f)
            pixels = np.fromfile(base + ".bin", dtype="<f4").reshape(
                args.epochs, len(indices), 2, 1, pp.SIZE, pp.SIZE)
            if augment == "flip":
                for split in ("train", "validation", "test"):
                    check("%s labels" % split, dump[split] == raw[split][1].tolist())
                for e in range(args.epochs):
                    check("order of epoch %d (seed %d, %d images)" % (e, args.seed, n),
                          dump["orders"][e] == pp.java_order(n, args.seed, e))
            for e in range(args.epochs):
                c, o, codes = python_views(clean, args.seed, e, augment, indices)
                jc = torch.from_numpy(pixels[e, :, 0].copy())
                jo = torch.from_numpy(pixels[e, :, 1].copy())
                check("%s views of epoch %d, images %s: clean bit for bit" % (augment, e, indices),
                      torch.equal(c, jc) and torch.equal(c.view(torch.int32),
                                                         jc.view(torch.int32)),
                      "max |diff| %g" % float((c - jc).abs().max()))
                check("%s views of epoch %d: occluded bit for bit" % (augment, e),
                      torch.equal(o.view(torch.int32), jo.view(torch.int32)),
                      "max |diff| %g" % float((o - jo).abs().max()))
                check("%s augmentation codes of epoch %d" % (augment, e),
                      dump["codes"][e] == codes, "java %s, python %s" % (dump["codes"][e], codes))
        flips = pp.augment_draws(n, args.seed, 0, True, 0)[0]
        print("     (epoch 0: %d of %d training images flipped)" % (int(flips.sum()), n))

        limited, _, _ = pp.load_ferplus(args.root, args.limit)
        check("--limit %d keeps the first %d training faces" % (args.limit, args.limit),
              np.array_equal(limited["train"][0], raw["train"][0][:args.limit])
              and np.array_equal(limited["train"][1], raw["train"][1][:args.limit])
              and all(np.array_equal(limited[s][0], raw[s][0]) for s in ("validation", "test")))
        sliced = os.path.join(tmp, "slice")
        slice_ferplus(args.root, sliced, args.limit)
        again, _, _ = pp.load_ferplus(sliced)
        check("sliced folder (%d) reads as --limit %d" % (args.limit, args.limit),
              all(np.array_equal(again[s][0], limited[s][0])
                  and np.array_equal(again[s][1], limited[s][1])
                  for s in ("train", "validation", "test")))
        java_sliced = stats(sliced)
        check("./distill stats on the sliced folder: train %d" % args.limit,
              java_sliced["train"]["size"] == args.limit
              and java_sliced["validation"]["size"] == java["validation"]["size"]
              and java_sliced["test"]["size"] == java["test"]["size"])
    with tempfile.TemporaryDirectory() as tmp:
        compare_goldens()
        compare_schedules(jar)
        compare_linear_head(jar, tmp)
        for model in args.models.split(","):
            compare_init(jar, model, args.seed, tmp)
        crafted = os.path.join(tmp, "crafted")
        crafted_folder(crafted)
        raw, excluded, _ = pp.load_ferplus(crafted)
        java = stats(crafted)
        base = os.path.join(tmp, "views")
        subprocess.run(["java", "-cp", jar, os.path.join(HERE, "JavaViews.java"), crafted,
                        str(args.seed), "1", "flip", base, "0"], check=True)
        with open(base + ".json") as f:
            dump = json.load(f)
        for split in ("train", "validation", "test"):
            check("crafted folder: %s labels (%d)" % (split, len(raw[split][1])),
                  dump[split] == raw[split][1].tolist())
            check("crafted folder: %s excluded, by reason" % split,
                  java[split].get("reasons", {}) == excluded[split],
                  "java %s, python %s" % (java[split].get("reasons"), excluded[split]))
    print("%d check(s) failed" % len(FAILURES) if FAILURES else "all checks passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
