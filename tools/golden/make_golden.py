#!/usr/bin/python3
"""Writes the golden fixtures of distill-losses: every loss computed with PyTorch's own functions.

Run with the system Python that has PyTorch (1.13 on the project's machines):

    /usr/bin/python3 tools/golden/make_golden.py [OUTPUT_DIR]

OUTPUT_DIR defaults to distill-losses/src/test/resources/golden (relative to the repository root).
Every fixture is computed in float64 from inputs drawn with a recorded seed, and holds the inputs,
the parameters, the loss and the gradient of the loss with respect to each student input
(autograd). The format is the one GoldenLossTest reads:

    {"loss": "kd" | "kd-regression" | "hint" | "triplet" | "weighted-sum",
     "params": {...},
     "inputs": {"student_logits": ..., "teacher_logits": ..., "labels": ..., ...},
     "expected": {"loss": 1.23, "grad": {"student_logits": ..., ...}},
     "seed": 123, "description": "...", "generator": "tools/golden/make_golden.py"}

The triplet reference is written here from the issue's definition, anchor by anchor with Python
loops (candidate lists, min over candidates, hinge, mean over anchors with a candidate); it is not a
port of the Java code, which works on whole distance matrices with masks. Distances come from
torch.cdist, F.cosine_similarity and F.normalize.

Mining picks one candidate per anchor from distances, so a case whose choice would flip under
float32 rounding (two candidates at almost the same distance, a distance almost on a semi-hard
boundary, a hinge almost at zero) would test rounding, not the loss: such draws are rejected and the
seed is advanced (the seed that was kept is recorded in the file).
"""

import json
import math
import os
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

GENERATOR = "tools/golden/make_golden.py"
# How far (relative) a mining decision must be from a tie or a boundary to count as robust.
ROBUST = 1e-3


def tolist(t):
    return t.detach().tolist()


# --------------------------------------------------------------------------------------------
# Reference losses (PyTorch functions, float64)
# --------------------------------------------------------------------------------------------


def kd_loss(params, inp):
    s, t, y = inp["student_logits"], inp["teacher_logits"], inp["labels"]
    temperature = float(params.get("temperature", 4.0))
    alpha = float(params.get("alpha", 0.5))
    if y.dim() == 1:
        ce = F.cross_entropy(s, y.long())
    else:
        ce = F.cross_entropy(s, y)  # class probabilities (soft labels)
    kl = F.kl_div(
        F.log_softmax(s / temperature, dim=1),
        F.softmax(t.detach() / temperature, dim=1),
        reduction="batchmean",
    )
    return (1 - alpha) * ce + alpha * temperature * temperature * kl


def ce_loss(params, inp):
    s, y = inp["student_logits"], inp["labels"]
    return F.cross_entropy(s, y.long() if y.dim() == 1 else y)


def l1_task_loss(params, inp):
    s, y = inp["student_predictions"], inp["labels"]
    return F.l1_loss(s.reshape(-1), y.reshape(-1))


def kd_regression_loss(params, inp):
    s = inp["student_predictions"].reshape(-1)
    t = inp["teacher_predictions"].reshape(-1).detach()
    y = inp["labels"].reshape(-1)
    alpha = float(params.get("alpha", 0.5))
    norm = params.get("norm", "l1")
    fn = F.l1_loss if norm == "l1" else F.mse_loss
    return (1 - alpha) * fn(s, y) + alpha * fn(s, t)


def hint_loss(params, inp):
    return F.mse_loss(inp["student_features"], inp["teacher_features"].detach())


def pair_distance(a, b, distance):
    """Distance of a[i] to b[i], row by row."""
    if distance == "squared-euclidean":
        return ((a - b) ** 2).sum(dim=1)
    if distance == "euclidean":
        return torch.linalg.norm(a - b, dim=1)
    return 1 - F.cosine_similarity(a, b, dim=1)


def matrix_distance(a, b, distance):
    """Distance of every a[i] to every b[j]."""
    if distance == "squared-euclidean":
        return torch.cdist(a, b) ** 2
    if distance == "euclidean":
        return torch.cdist(a, b)
    return 1 - F.cosine_similarity(a[:, None, :], b[None, :, :], dim=2)


def is_negative(labels, i, j, threshold):
    if threshold is None:
        return labels[i] != labels[j]
    return abs(labels[j] - labels[i]) > threshold


def class_of(y):
    """Class labels as a Python list: indices, or the arg-max of distributions."""
    if y.dim() == 2:
        return [int(v) for v in y.argmax(dim=1).tolist()]
    return [float(v) for v in y.tolist()]


def triplet_term(a, p, pool, labels, params, report):
    """One triplet term: anchors a, positives p, negatives drawn from pool."""
    margin = float(params["margin"])
    distance = params["distance"]
    mining = params["mining"]
    threshold = params.get("negative_threshold")
    threshold = None if threshold is None else float(threshold)
    d_ap = pair_distance(a, p, distance)
    d_an = matrix_distance(a, pool, distance)
    per_anchor = []
    for i in range(a.shape[0]):
        candidates = [j for j in range(a.shape[0]) if is_negative(labels, i, j, threshold)]
        if not candidates:
            report["no_candidate"] += 1
            continue
        values = {j: d_an[i, j].item() for j in candidates}
        dap = d_ap[i].item()
        scale = max(abs(dap), margin, 1e-3)
        ordered = sorted(candidates, key=lambda j: values[j])
        if (mining != "all" and len(ordered) > 1
                and values[ordered[1]] - values[ordered[0]] < ROBUST * scale):
            report["fragile"] += 1
        if mining == "all":
            chosen = candidates
        elif mining == "hardest":
            chosen = [ordered[0]]
        else:  # semi-hard
            for j in candidates:
                v = values[j]
                if abs(v - dap) < ROBUST * scale or abs(v - dap - margin) < ROBUST * scale:
                    report["fragile"] += 1
            semi = [j for j in ordered if dap < values[j] < dap + margin]
            if semi:
                report["semi_hard"] += 1
                semi_sorted = sorted(semi, key=lambda j: values[j])
                if len(semi_sorted) > 1 and (
                    values[semi_sorted[1]] - values[semi_sorted[0]] < ROBUST * scale
                ):
                    report["fragile"] += 1
                chosen = [semi_sorted[0]]
            else:
                report["fallback"] += 1
                chosen = [ordered[0]]
        hinges = []
        for j in chosen:
            z = d_ap[i] - d_an[i, j] + margin
            if abs(z.item()) < ROBUST * scale:
                report["fragile"] += 1
            hinges.append(torch.clamp(z, min=0))
        per_anchor.append(torch.stack(hinges).mean())
    if not per_anchor:
        # No anchor has a negative: the loss is 0, with a zero gradient.
        return (a * 0).sum()
    return torch.stack(per_anchor).mean()


def triplet_loss(params, inp, report=None):
    report = report if report is not None else new_report()
    a = inp["student_embedding"]
    p = inp["teacher_embedding"].detach()
    if params.get("normalize", False):
        a = F.normalize(a, p=2, dim=1)
        p = F.normalize(p, p=2, dim=1)
    labels = class_of(inp["labels"])
    negatives = params["negatives"]
    total = 0
    if negatives in ("student", "both"):
        total = total + triplet_term(a, p, a, labels, params, report)
    if negatives in ("teacher", "both"):
        total = total + triplet_term(a, p, p, labels, params, report)
    return total


def new_report():
    return {"no_candidate": 0, "fragile": 0, "semi_hard": 0, "fallback": 0}


def weighted_sum_loss(params, inp, report=None):
    total = 0
    for c in params["components"]:
        fn = LOSSES[c["loss"]]
        if c["loss"] == "triplet":
            value = triplet_loss(c.get("params", {}), inp, report)
        else:
            value = fn(c.get("params", {}), inp)
        total = total + float(c["weight"]) * value
    return total


LOSSES = {
    "kd": kd_loss,
    "cross-entropy": ce_loss,
    "l1": l1_task_loss,
    "kd-regression": kd_regression_loss,
    "hint": hint_loss,
    "triplet": triplet_loss,
    "weighted-sum": weighted_sum_loss,
}

STUDENT_INPUTS = ("student_logits", "student_predictions", "student_features", "student_embedding")


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


def compute(loss, params, inputs):
    """Returns (loss value, gradients, report) for float64 inputs."""
    tensors = {}
    for k, v in inputs.items():
        t = torch.tensor(v, dtype=torch.float64)
        if k in STUDENT_INPUTS:
            t.requires_grad_(True)
        tensors[k] = t
    report = new_report()
    if loss in ("triplet", "weighted-sum"):
        value = LOSSES[loss](params, tensors, report)
    else:
        value = LOSSES[loss](params, tensors)
    students = [k for k in STUDENT_INPUTS if k in tensors]
    grads = torch.autograd.grad(value, [tensors[k] for k in students], allow_unused=True)
    gradients = {}
    for k, g in zip(students, grads):
        gradients[k] = tolist(torch.zeros_like(tensors[k]) if g is None else g)
    return value.item(), gradients, report


def write(out_dir, name, loss, params, inputs, seed, description, check=None):
    value, grads, report = compute(loss, params, inputs)
    if not math.isfinite(value):
        raise SystemExit(f"{name}: loss is not finite ({value})")
    if check is not None:
        check(report)
    fixture = {
        "loss": loss,
        "params": params,
        "inputs": inputs,
        "expected": {"loss": value, "grad": grads},
        "seed": seed,
        "description": description,
        "generator": GENERATOR,
    }
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump(fixture, f, indent=None, separators=(",", ":"))
        f.write("\n")
    return report


def robust_inputs(make, loss, params, seed, require=None, tries=500):
    """Draws inputs with make(generator) until the mining choices are robust; returns them."""
    for attempt in range(tries):
        s = seed + attempt
        g = torch.Generator().manual_seed(s)
        inputs = make(g)
        _, _, report = compute(loss, params, inputs)
        if report["fragile"] == 0 and (require is None or require(report)):
            return inputs, s
    raise SystemExit(f"no robust draw for {params} from seed {seed} in {tries} tries")


def randn(g, *shape, scale=1.0):
    return torch.randn(*shape, generator=g) * scale


def class_labels(g, batch, classes):
    # Every class at least once, then random; shuffled.
    labels = list(range(classes)) + torch.randint(0, classes, (batch - classes,), generator=g).tolist()
    order = torch.randperm(batch, generator=g).tolist()
    return [float(labels[i]) for i in order]


def kd_cases(out_dir):
    cases = [
        # name, temperature, alpha, batch, classes, logit scale, soft labels
        ("kd_t1_alpha0.5", 1.0, 0.5, 8, 7, 2.0, False),
        ("kd_t4_alpha0.7", 4.0, 0.7, 8, 8, 3.0, False),
        ("kd_t20_alpha0.5", 20.0, 0.5, 6, 5, 3.0, False),
        ("kd_t2.5_alpha0", 2.5, 0.0, 8, 7, 2.0, False),
        ("kd_t4_alpha1", 4.0, 1.0, 8, 7, 2.0, False),
        ("kd_large_logits_t1", 1.0, 0.5, 8, 7, 50.0, False),
        ("kd_large_logits_t4", 4.0, 0.9, 8, 8, 50.0, False),
        ("kd_soft_labels_t3", 3.0, 0.6, 8, 8, 2.0, True),
        ("kd_batch1_t4", 4.0, 0.5, 1, 3, 2.0, False),
    ]
    for i, (name, temperature, alpha, batch, classes, scale, soft) in enumerate(cases):
        seed = 1000 + i
        g = torch.Generator().manual_seed(seed)
        if scale >= 50:
            # Magnitude 50: uniform in [-50, 50], with one logit per row pinned at +-50.
            s = (torch.rand(batch, classes, generator=g) * 2 - 1) * scale
            t = (torch.rand(batch, classes, generator=g) * 2 - 1) * scale
            s[:, 0] = scale
            t[:, 1] = -scale
        else:
            s = randn(g, batch, classes, scale=scale)
            t = randn(g, batch, classes, scale=scale)
        if soft:
            labels = tolist(F.softmax(randn(g, batch, classes, scale=2.0), dim=1))
        else:
            labels = [float(v) for v in torch.randint(0, classes, (batch,), generator=g).tolist()]
        params = {"temperature": temperature, "alpha": alpha}
        inputs = {"student_logits": tolist(s), "teacher_logits": tolist(t), "labels": labels}
        desc = f"Hinton KD, T={temperature}, alpha={alpha}, batch {batch}, {classes} classes"
        if scale >= 50:
            desc += ", logits of magnitude 50"
        if soft:
            desc += ", soft labels (class distributions)"
        write(out_dir, name, "kd", params, inputs, seed, desc)


def kd_regression_cases(out_dir):
    cases = [
        ("kd_regression_l1_alpha0.5", "l1", 0.5, False),
        ("kd_regression_l2_alpha0.5", "l2", 0.5, False),
        ("kd_regression_l1_alpha0", "l1", 0.0, False),
        ("kd_regression_l2_alpha1", "l2", 1.0, False),
        ("kd_regression_l2_alpha0.3_column", "l2", 0.3, True),
    ]
    for i, (name, norm, alpha, column) in enumerate(cases):
        seed = 2000 + i
        g = torch.Generator().manual_seed(seed)
        batch = 10
        y = torch.randint(1, 90, (batch,), generator=g).double()
        s = y + randn(g, batch, scale=8.0)
        t = y + randn(g, batch, scale=5.0)
        params = {"alpha": alpha, "norm": norm}
        inputs = {
            "student_predictions": tolist(s.reshape(batch, 1) if column else s),
            "teacher_predictions": tolist(t.reshape(batch, 1) if column else t),
            "labels": tolist(y),
        }
        desc = f"KD for regression (ages), norm={norm}, alpha={alpha}"
        if column:
            desc += ", predictions as (B, 1) columns"
        write(out_dir, name, "kd-regression", params, inputs, seed, desc)


def hint_cases(out_dir):
    cases = [("hint_conv_features", (4, 6, 5, 5)), ("hint_vector_features", (6, 16))]
    for i, (name, shape) in enumerate(cases):
        seed = 3000 + i
        g = torch.Generator().manual_seed(seed)
        s = randn(g, *shape)
        t = s * 0.5 + randn(g, *shape)
        inputs = {"student_features": tolist(s), "teacher_features": tolist(t)}
        desc = f"FitNets hint: mean squared error of equal-shape features {list(shape)}, no adapter"
        write(out_dir, name, "hint", {}, inputs, seed, desc)


def embeddings(g, batch, dim, labels=None):
    a = randn(g, batch, dim)
    p = a * 0.6 + randn(g, batch, dim, scale=0.8)
    return a, p


def triplet_cases(out_dir):
    distances = ["squared-euclidean", "euclidean", "cosine"]
    margins = {"squared-euclidean": 1.0, "euclidean": 0.5, "cosine": 0.2}
    norm_margins = {"squared-euclidean": 0.4, "euclidean": 0.3, "cosine": 0.2}
    seed = 4000
    n = 0
    for distance in distances:
        for normalize in (False, True):
            for negatives in ("student", "teacher", "both"):
                for mining in ("hardest", "semi-hard", "all"):
                    margin = (norm_margins if normalize else margins)[distance]
                    params = {
                        "margin": margin,
                        "distance": distance,
                        "normalize": normalize,
                        "negatives": negatives,
                        "mining": mining,
                    }
                    batch, dim, classes = 12, 6, 4

                    def make(g, batch=batch, dim=dim, classes=classes):
                        a, p = embeddings(g, batch, dim)
                        return {
                            "student_embedding": tolist(a),
                            "teacher_embedding": tolist(p),
                            "labels": class_labels(g, batch, classes),
                        }

                    require = None
                    if mining == "semi-hard":
                        # Both branches: some anchors with a semi-hard negative, some without.
                        require = lambda r: r["semi_hard"] > 0 and r["fallback"] > 0
                    inputs, used = robust_inputs(make, "triplet", params, seed + 1000 * n, require)
                    name = "triplet_{}_{}_{}_{}".format(
                        distance, "normalized" if normalize else "raw", negatives, mining
                    )
                    desc = (
                        f"triplet, margin {margin}, {distance}, normalize={normalize},"
                        f" {negatives} negatives, {mining} mining, {classes} classes"
                    )
                    write(out_dir, name, "triplet", params, inputs, used, desc)
                    n += 1

    # Regression negatives: |y_j - y_i| > negative_threshold; some anchors have none.
    for k, (mining, distance, negatives) in enumerate(
        [("hardest", "euclidean", "student"), ("semi-hard", "squared-euclidean", "both"),
         ("all", "cosine", "teacher")]
    ):
        params = {
            "margin": 0.5 if distance != "cosine" else 0.2,
            "distance": distance,
            "normalize": distance == "squared-euclidean",
            "negatives": negatives,
            "mining": mining,
            "negative_threshold": 10.0,
        }

        def make(g):
            batch, dim = 10, 5
            a, p = embeddings(g, batch, dim)
            # Ages 38 and 40 have no other age more than 10 years away: no negative.
            ages = [30.0, 31.0, 33.0, 35.0, 36.0, 38.0, 40.0, 44.0, 45.0, 47.0]
            order = torch.randperm(batch, generator=g).tolist()
            return {
                "student_embedding": tolist(a),
                "teacher_embedding": tolist(p),
                "labels": [ages[i] for i in order],
            }

        require = lambda r: r["no_candidate"] > 0
        if mining == "semi-hard":
            require = lambda r: r["no_candidate"] > 0 and r["semi_hard"] > 0 and r["fallback"] > 0
        inputs, used = robust_inputs(make, "triplet", params, 9000 + 100 * k, require)
        name = f"triplet_regression_threshold10_{distance}_{negatives}_{mining}"
        desc = (
            f"triplet for regression: negatives differ by more than 10 (years); the ages 38 and 40"
            f" have none and are left out of the mean; {distance}, {negatives} negatives, {mining}"
        )
        write(out_dir, name, "triplet", params, inputs, used, desc)

    # No anchor has a negative: every image of one class. Loss 0, zero gradient.
    g = torch.Generator().manual_seed(9500)
    a, p = embeddings(g, 6, 4)
    params = {
        "margin": 0.5,
        "distance": "euclidean",
        "normalize": False,
        "negatives": "both",
        "mining": "hardest",
    }
    inputs = {"student_embedding": tolist(a), "teacher_embedding": tolist(p), "labels": [2.0] * 6}
    write(out_dir, "triplet_no_negatives", "triplet", params, inputs, 9500,
          "triplet with a batch of one class: no anchor has a negative, loss 0, gradient 0",
          check=lambda r: None if r["no_candidate"] == 12 else sys.exit("expected no candidate"))

    # Soft labels: the class of an image is the arg-max of its distribution.
    params = {
        "margin": 0.3,
        "distance": "squared-euclidean",
        "normalize": True,
        "negatives": "student",
        "mining": "hardest",
    }

    def make_soft(g):
        batch, dim, classes = 10, 6, 4
        a, p = embeddings(g, batch, dim)
        logits = randn(g, batch, classes, scale=2.0)
        return {
            "student_embedding": tolist(a),
            "teacher_embedding": tolist(p),
            "labels": tolist(F.softmax(logits, dim=1)),
        }

    inputs, used = robust_inputs(make_soft, "triplet", params, 9600, None)
    write(out_dir, "triplet_soft_labels", "triplet", params, inputs, used,
          "triplet with class-distribution labels: an image's class is the arg-max")


def weighted_sum_cases(out_dir):
    # Classification: cross-entropy + KD + triplet, as the paper combines them.
    triplet = {
        "margin": 0.3,
        "distance": "squared-euclidean",
        "normalize": True,
        "negatives": "student",
        "mining": "semi-hard",
    }
    params = {
        "components": [
            {"loss": "cross-entropy", "weight": 0.3, "params": {}},
            {"loss": "kd", "weight": 0.5, "params": {"temperature": 4.0, "alpha": 0.5}},
            {"loss": "triplet", "weight": 1.0, "params": triplet},
        ]
    }

    def make(g):
        batch, classes, dim = 12, 4, 6
        a, p = embeddings(g, batch, dim)
        return {
            "student_logits": tolist(randn(g, batch, classes, scale=2.0)),
            "teacher_logits": tolist(randn(g, batch, classes, scale=2.0)),
            "student_embedding": tolist(a),
            "teacher_embedding": tolist(p),
            "labels": class_labels(g, batch, classes),
        }

    inputs, used = robust_inputs(make, "weighted-sum", params, 5000, None)
    write(out_dir, "weighted_sum_ce_kd_triplet", "weighted-sum", params, inputs, used,
          "0.3 * cross-entropy + 0.5 * KD(T=4, alpha=0.5) + 1.0 * triplet (semi-hard)")

    # Regression: L1 + KD for regression + triplet with a threshold.
    params = {
        "components": [
            {"loss": "l1", "weight": 1.0, "params": {}},
            {"loss": "kd-regression", "weight": 0.5, "params": {"alpha": 0.4, "norm": "l2"}},
            {
                "loss": "triplet",
                "weight": 2.0,
                "params": {
                    "margin": 0.5,
                    "distance": "euclidean",
                    "normalize": False,
                    "negatives": "both",
                    "mining": "all",
                    "negative_threshold": 5.0,
                },
            },
        ]
    }

    def make_reg(g):
        batch, dim = 10, 5
        a, p = embeddings(g, batch, dim)
        y = torch.randint(1, 80, (batch,), generator=g).double()
        return {
            "student_predictions": tolist(y + randn(g, batch, scale=6.0)),
            "teacher_predictions": tolist(y + randn(g, batch, scale=4.0)),
            "student_embedding": tolist(a),
            "teacher_embedding": tolist(p),
            "labels": tolist(y + 0.5),
        }

    inputs, used = robust_inputs(make_reg, "weighted-sum", params, 5100, None)
    write(out_dir, "weighted_sum_l1_kdregression_triplet", "weighted-sum", params, inputs, used,
          "1.0 * L1 + 0.5 * KD for regression (l2, alpha 0.4) + 2.0 * triplet (threshold 5)")

    # Hint + cross-entropy.
    params = {
        "components": [
            {"loss": "cross-entropy", "weight": 1.0, "params": {}},
            {"loss": "hint", "weight": 0.1, "params": {}},
        ]
    }
    g = torch.Generator().manual_seed(5200)
    inputs = {
        "student_logits": tolist(randn(g, 5, 3)),
        "labels": [0.0, 2.0, 1.0, 1.0, 0.0],
        "student_features": tolist(randn(g, 5, 2, 3, 3)),
        "teacher_features": tolist(randn(g, 5, 2, 3, 3)),
    }
    write(out_dir, "weighted_sum_ce_hint", "weighted-sum", params, inputs, 5200,
          "1.0 * cross-entropy + 0.1 * hint")


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    default = os.path.join(root, "distill-losses", "src", "test", "resources", "golden")
    out_dir = sys.argv[1] if len(sys.argv) > 1 else default
    os.makedirs(out_dir, exist_ok=True)
    for f in os.listdir(out_dir):
        if f.endswith(".json"):
            os.remove(os.path.join(out_dir, f))
    kd_cases(out_dir)
    kd_regression_cases(out_dir)
    hint_cases(out_dir)
    triplet_cases(out_dir)
    weighted_sum_cases(out_dir)
    count = len([f for f in os.listdir(out_dir) if f.endswith(".json")])
    print(f"wrote {count} fixtures to {out_dir} with torch {torch.__version__}")


if __name__ == "__main__":
    main()
