#!/usr/bin/python3
"""Writes the end-to-end training-step fixtures of distill-losses: two SGD steps of a student
distilled from a frozen teacher, computed by PyTorch, for DistillerStepGoldenTest.

Run with the system Python that has PyTorch:

    /usr/bin/python3 tools/golden/make_step_golden.py [OUTPUT_DIR]

The networks are the test jar's TinyNet (conv 3x3 - batch norm - ReLU, the "conv" feature; mean
of the upper and the lower half of every channel; linear - ReLU, the embedding; linear, the
logits or the regression output), written again here with torch.nn. The teacher runs in eval
mode on the clean images without gradient; the student in training mode on the occluded images;
torch.optim.SGD steps after each batch of 6. The losses come from make_golden.py's reference
functions (PyTorch's own F.cross_entropy, F.kl_div, F.l1_loss, torch.cdist, F.mse_loss):

- classification (3 classes): 1.0 KD(T=4, alpha=0.5) + 0.5 triplet(margin 0.5,
  squared-euclidean, normalized, negatives both, mining all) + 0.1 hint("conv"); SGD lr 0.1,
  momentum 0.9;
- regression (ages): 1.0 KD-regression(l1, alpha 0.5) + 0.5 triplet(margin 0.3, euclidean,
  normalized, student negatives, mining all, negative_threshold 10) + 0.1 hint("conv"); SGD lr
  0.05, Nesterov momentum 0.9, weight decay 0.001.

Each file holds the starting weights of both networks (under DJL's parameter names), the data,
the loss of every batch and the student's weights and batch-norm running statistics after the two
steps. float64 throughout.
"""

import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import new_report, weighted_sum_loss  # noqa: E402

torch.set_default_dtype(torch.float64)

SEED = 2026
BATCH = 6
BATCHES = 2
CLASSES = 3
CASES = {
    "kd_triplet_hint_sgd_two_steps": {
        "task": "classification",
        "params": {"components": [
            {"loss": "kd", "weight": 1.0, "params": {"temperature": 4.0, "alpha": 0.5}},
            {"loss": "triplet", "weight": 0.5, "params": {
                "margin": 0.5, "distance": "squared-euclidean", "normalize": True,
                "negatives": "both", "mining": "all"}},
            {"loss": "hint", "weight": 0.1, "params": {"feature": "conv"}},
        ]},
        "optimizer": {"lr": 0.1, "momentum": 0.9, "nesterov": False, "weight_decay": 0.0},
    },
    "age_kdregression_triplet_hint_nesterov_two_steps": {
        "task": "regression",
        "params": {"components": [
            {"loss": "kd-regression", "weight": 1.0, "params": {"alpha": 0.5, "norm": "l1"}},
            {"loss": "triplet", "weight": 0.5, "params": {
                "margin": 0.3, "distance": "euclidean", "normalize": True,
                "negatives": "student", "mining": "all", "negative_threshold": 10.0}},
            {"loss": "hint", "weight": 0.1, "params": {"feature": "conv"}},
        ]},
        "optimizer": {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.001},
    },
}


class TinyNet(nn.Module):
    def __init__(self, filters, embedding, outputs):
        super().__init__()
        self.conv = nn.Conv2d(1, filters, 3, padding=1)
        self.norm = nn.BatchNorm2d(filters, eps=1e-5, momentum=0.1)
        self.embedding = nn.Linear(filters * 2, embedding)
        self.head = nn.Linear(embedding, outputs)

    def forward(self, x):
        feature = torch.relu(self.norm(self.conv(x)))
        b, c = feature.shape[0], feature.shape[1]
        pooled = feature.reshape(b, c, 2, -1).mean(3).reshape(b, -1)
        emb = torch.relu(self.embedding(pooled))
        return self.head(emb), emb, feature


# PyTorch name -> DJL name (TinyNet's child blocks: conv, norm, embedding, head).
DJL_NAMES = {"conv.weight": "conv_weight", "conv.bias": "conv_bias",
             "norm.weight": "norm_gamma", "norm.bias": "norm_beta",
             "norm.running_mean": "norm_runningMean", "norm.running_var": "norm_runningVar",
             "embedding.weight": "embedding_weight", "embedding.bias": "embedding_bias",
             "head.weight": "head_weight", "head.bias": "head_bias"}


def state(net):
    return {DJL_NAMES[k]: v.detach().tolist() for k, v in net.state_dict().items()
            if k in DJL_NAMES}


def randomize(net, g):
    with torch.no_grad():
        for name, p in net.named_parameters():
            p.copy_(torch.randn(p.shape, generator=g) * (0.5 if "weight" in name else 0.1))
        net.norm.weight.add_(1.0)
        net.norm.running_mean.copy_(torch.rand(net.norm.running_mean.shape, generator=g) * 0.2)
        net.norm.running_var.copy_(0.5 + torch.rand(net.norm.running_var.shape, generator=g))


def write(path, case, seed):
    regression = case["task"] == "regression"
    outputs = 1 if regression else CLASSES
    g = torch.Generator().manual_seed(seed)
    teacher, student = TinyNet(4, 8, outputs), TinyNet(4, 8, outputs)
    randomize(teacher, g)
    randomize(student, g)
    if regression:
        # Outputs on the scale of ages, as a trained regressor's would be.
        with torch.no_grad():
            for net in (teacher, student):
                net.head.bias.add_(35.0)
                net.head.weight.mul_(10.0)
    teacher_start, student_start = state(teacher), state(student)

    n = BATCH * BATCHES
    clean = torch.rand((n, 1, 8, 8), generator=g)
    occluded = clean.clone()
    occluded[:, :, :4, :] = 0
    if regression:
        labels = torch.tensor([5.0, 12.0, 26.0, 31.0, 47.0, 70.0, 8.0, 19.0, 33.0, 41.0, 58.0, 77.0])
    else:
        labels = torch.tensor([i % CLASSES for i in range(n)])

    teacher.eval()
    student.train()
    o = case["optimizer"]
    opt = torch.optim.SGD(student.parameters(), lr=o["lr"], momentum=o["momentum"],
                          nesterov=o["nesterov"], weight_decay=o["weight_decay"])
    losses = []
    report = new_report()
    for b in range(BATCHES):
        rows = slice(b * BATCH, (b + 1) * BATCH)
        with torch.no_grad():
            t_out, t_emb, t_feat = teacher(clean[rows])
        s_out, s_emb, s_feat = student(occluded[rows])
        inputs = {"labels": labels[rows], "student_embedding": s_emb,
                  "teacher_embedding": t_emb, "student_features": s_feat,
                  "teacher_features": t_feat}
        if regression:
            inputs["student_predictions"] = s_out.squeeze(1)
            inputs["teacher_predictions"] = t_out.squeeze(1)
        else:
            inputs["student_logits"] = s_out
            inputs["teacher_logits"] = t_out
        loss = weighted_sum_loss(case["params"], inputs, report)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    if report["no_candidate"]:
        raise SystemExit(f"{path}: an anchor without a negative: change the labels")

    fixture = {
        "description": f"two SGD steps of a TinyNet student ({case['task']}) on occluded images,"
                       " the teacher in eval mode on clean images",
        "generator": "tools/golden/make_step_golden.py",
        "seed": seed,
        "task": case["task"],
        "batch_size": BATCH,
        "params": case["params"],
        "optimizer": dict(name="sgd", **o),
        "teacher": teacher_start,
        "student": student_start,
        "clean": clean.tolist(),
        "occluded": occluded.tolist(),
        "labels": labels.tolist(),
        "expected": {"losses": losses, "student": state(student)},
    }
    with open(path, "w") as f:
        json.dump(fixture, f)
        f.write("\n")
    print(f"wrote {path}: losses {losses}")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "distill-losses/src/test/resources/step"
    os.makedirs(out, exist_ok=True)
    for k, (name, case) in enumerate(CASES.items()):
        write(os.path.join(out, name + ".json"), case, SEED + k)


if __name__ == "__main__":
    main()
