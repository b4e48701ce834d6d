#!/usr/bin/python3
"""Trains, in PyTorch, the TorchScript teacher that examples' TorchScriptTeacherExampleTest loads.

The story it stands for: a teacher trained in PyTorch, exported with torch.jit.script, and
distilled into a DJL student in Java (io.distill4j.examples.TorchScriptTeacherExample).

Steps (PyTorch 1.13, 2 threads, on the project's machines):

1. Java writes clean synthetic faces (the training split of SyntheticFaces, seed 11, and a held-out
   set, seed 12) with tools/examples/WriteSyntheticFaces.java, run by Java's source launcher on
   the examples' runnable jar (build it first: mvn -B -o -q -pl examples -am package -DskipTests).
   The faces' pixels are exactly what the Java data pipeline feeds a model.
2. This script trains a small-cnn-like network on them (per block: 3x3 convolution without bias,
   batch normalization, ReLU, then 2x2 max pooling after every block but the last; global average
   pooling; a 32-unit embedding with ReLU; dropout 0.25; 8 logits), widths 16, 32 and 64
   (multiples of 16: libtorch 2.7.1 miscomputes 3x3 convolutions of other channel counts above 16
   on AVX-512 machines), grey 48x48 input, Adam with a cosine-annealed learning rate, cross-entropy,
   fixed seeds.
3. It exports the network in eval mode with torch.jit.script; forward returns (logits, embedding).

Run:  /usr/bin/python3 tools/examples/make_torchscript_teacher.py

Output, under examples/src/test/resources/torchscript/:

* teacher.pt    the TorchScript teacher.
* teacher.json  the file's SHA-256, input shape, classes, training settings, the held-out accuracy
                PyTorch measured, and the logits for a fixed input (seed 2025). The training is
                seeded, but the archive's bytes differ from run to run (TorchScript's zip
                entries), so the test reads the SHA-256 from this file.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(REPO, "examples", "src", "test", "resources", "torchscript")
JAR = os.path.join(REPO, "examples", "target", "distill.jar")

WIDTHS = (16, 32, 64)
EMBEDDING = 32
CLASSES = 8
SIDE = 48
TRAIN, TRAIN_SEED = 4000, 11
HELD_OUT, HELD_OUT_SEED = 1000, 12
EPOCHS, BATCH, LR = 10, 64, 2e-3


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        convs, norms = [], []
        cin = 1
        for w in WIDTHS:
            convs.append(nn.Conv2d(cin, w, 3, padding=1, bias=False))
            norms.append(nn.BatchNorm2d(w))
            cin = w
        self.convs = nn.ModuleList(convs)
        self.norms = nn.ModuleList(norms)
        self.embed = nn.Linear(cin, EMBEDDING)
        self.drop = nn.Dropout(0.25)
        self.fc = nn.Linear(EMBEDDING, CLASSES)

    def forward(self, x):
        n = len(self.convs)
        i = 0
        for conv, norm in zip(self.convs, self.norms):
            x = F.relu(norm(conv(x)))
            if i < n - 1:
                x = F.max_pool2d(x, 2, 2)
            i += 1
        e = F.relu(self.embed(x.mean((2, 3))))
        return self.fc(self.drop(e)), e


def faces(folder, count, seed):
    path = os.path.join(folder, "faces-%d.bin" % seed)
    subprocess.run(["java", "-cp", JAR, os.path.join(HERE, "WriteSyntheticFaces.java"), path,
                    str(count), str(seed), str(SIDE)], check=True)
    raw = np.fromfile(path, dtype="<i4")
    n, side = raw[0], raw[1]
    rows = raw[2:].reshape(n, 1 + side * side)
    labels = torch.from_numpy(rows[:, 0].astype(np.int64))
    pixels = torch.from_numpy(rows[:, 1:].copy().view("<f4").reshape(n, 1, side, side))
    return pixels, labels


def accuracy(net, x, y):
    net.eval()
    with torch.no_grad():
        return (net(x)[0].argmax(1) == y).float().mean().item()


def main():
    if not os.path.exists(JAR):
        sys.exit("build the examples' jar first: mvn -B -o -q -pl examples -am package -DskipTests")
    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory() as tmp:
        x, y = faces(tmp, TRAIN, TRAIN_SEED)
        hx, hy = faces(tmp, HELD_OUT, HELD_OUT_SEED)
    torch.manual_seed(2024)
    net = SmallCnn()
    opt = torch.optim.Adam(net.parameters(), lr=LR)
    steps = EPOCHS * ((len(y) + BATCH - 1) // BATCH)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    start = time.time()
    for epoch in range(1, EPOCHS + 1):
        net.train()
        order = torch.randperm(len(y))
        total = 0.0
        for i in range(0, len(y), BATCH):
            idx = order[i:i + BATCH]
            loss = F.cross_entropy(net(x[idx])[0], y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            total += loss.item() * len(idx)
        print("epoch %d: loss %.4f, held-out accuracy %.3f"
              % (epoch, total / len(y), accuracy(net, hx, hy)))
    held_out = accuracy(net, hx, hy)
    net.eval()
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "teacher.pt")
    torch.jit.script(net).save(path)
    probe = torch.rand((2, 1, SIDE, SIDE), generator=torch.Generator().manual_seed(2025))
    with torch.no_grad():
        logits = torch.jit.load(path).eval()(probe)[0]
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    with open(os.path.join(OUT, "teacher.json"), "w") as f:
        json.dump({
            "generator": "tools/examples/make_torchscript_teacher.py",
            "torch": torch.__version__,
            "sha256": digest,
            "input_shape": [1, SIDE, SIDE],
            "classes": CLASSES,
            "outputs": ["logits", "embedding"],
            "widths": list(WIDTHS),
            "embedding": EMBEDDING,
            "training": {"faces": TRAIN, "seed": TRAIN_SEED, "epochs": EPOCHS, "batch": BATCH,
                         "optimizer": "Adam", "lr": LR, "schedule": "cosine to 0 over all steps", "torch_seed": 2024},
            "held_out": {"faces": HELD_OUT, "seed": HELD_OUT_SEED, "accuracy": held_out},
            "probe_seed": 2025,
            "probe_logits": logits.tolist(),
        }, f, indent=1)
        f.write("\n")
    print("wrote %s (sha256 %s) in %.0f s; held-out accuracy %.3f"
          % (path, digest, time.time() - start, held_out))


if __name__ == "__main__":
    main()
