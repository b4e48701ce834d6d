#!/usr/bin/python3
"""Checks the design goal of Distill4J's synthetic faces with an independent PyTorch reference.

Reads fer2013.csv + fer2013new.csv written by io.distill4j.data.synthetic.FerPlusWriter, applies
the FER+ majority rule (re-implemented here, independently of the Java adapter, and printed as
per-split counts), and trains a small CNN:

  teacher       trained on clean faces, evaluated on clean and on VR-occluded faces
                (upper 24 rows black)
  student-ft    initialised from the teacher, fine-tuned on occluded faces (cross-entropy)
  student-kd    initialised from the teacher, fine-tuned on occluded faces with
                0.5 * CE + 0.5 * T^2 * KL(teacher(clean) / T || student(occluded) / T), T = 4
  scratch       trained from scratch on occluded faces (reference)

Usage: /usr/bin/python3 tools/check_synthetic_occlusion.py DIR [epochs] [seed]
"""
import csv
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

VOTES = ["neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear",
         "contempt", "unknown", "NF"]
SPLITS = {"Training": 0, "PublicTest": 1, "PrivateTest": 2}


def majority(votes):
    v = [0 if x <= 1 else x for x in votes]
    total = sum(v)
    best = max(v)
    if total == 0 or 2 * best <= total:
        return -1
    i = v.index(best)
    return i if i < 8 else -1


def load(folder):
    xs, ys, split = [], [], []
    dropped = [0, 0, 0]
    with open(folder + "/fer2013.csv", newline="") as f1, \
            open(folder + "/fer2013new.csv", newline="") as f2:
        r1, r2 = csv.reader(f1), csv.reader(f2)
        h1, h2 = next(r1), next(r2)
        pix, use = h1.index("pixels"), h1.index("Usage")
        name = h2.index("Image name")
        cols = [h2.index(c) for c in VOTES]
        for a, b in zip(r1, r2):
            s = SPLITS[a[use]]
            if b[name].strip() == "":
                dropped[s] += 1
                continue
            label = majority([int(b[c]) for c in cols])
            if label < 0:
                dropped[s] += 1
                continue
            xs.append(np.array(a[pix].split(), dtype=np.uint8).reshape(48, 48))
            ys.append(label)
            split.append(s)
    x = torch.tensor(np.stack(xs), dtype=torch.float32).unsqueeze(1) / 255.0
    return x, torch.tensor(ys), torch.tensor(split), dropped


def occlude(x):
    x = x.clone()
    x[:, :, :24, :] = 0
    return x


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        def block(i, o):
            return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(),
                                 nn.MaxPool2d(2))
        self.features = nn.Sequential(block(1, 32), block(32, 64), block(64, 128))
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(128 * 6 * 6, 256), nn.ReLU(),
                                  nn.Dropout(0.3), nn.Linear(256, 8))

    def forward(self, x):
        return self.head(self.features(x))


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model(x[i:i + 500]).argmax(1) for i in range(0, len(x), 500)])
    return (pred == y).float().mean().item()


def train(model, x_in, y, epochs, seed, teacher=None, x_teacher=None, temperature=4.0):
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(x_in), generator=g)
        for i in range(0, len(order), 64):
            idx = order[i:i + 64]
            flip = torch.rand(len(idx), generator=g) < 0.5
            xb = x_in[idx].clone()
            xb[flip] = xb[flip].flip(3)
            logits = model(xb)
            loss = F.cross_entropy(logits, y[idx])
            if teacher is not None:
                xt = x_teacher[idx].clone()
                xt[flip] = xt[flip].flip(3)
                with torch.no_grad():
                    t = teacher(xt)
                kd = F.kl_div(F.log_softmax(logits / temperature, 1),
                              F.softmax(t / temperature, 1), reduction="batchmean")
                loss = 0.5 * loss + 0.5 * temperature ** 2 * kd
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model


def main():
    folder = sys.argv[1]
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    torch.set_num_threads(2)
    torch.manual_seed(seed)
    start = time.time()
    x, y, split, dropped = load(folder)
    for s, n in zip(["train", "validation", "test"], range(3)):
        print(f"majority rule: {s}: {(split == n).sum().item()} kept, {dropped[n]} dropped")
    tr, te = split == 0, split == 2
    xtr, ytr, xte, yte = x[tr], y[tr], x[te], y[te]
    xtr_occ, xte_occ = occlude(xtr), occlude(xte)

    teacher = train(Net(), xtr, ytr, epochs, seed)
    teacher.eval()
    print(f"teacher      clean test accuracy    {accuracy(teacher, xte, yte):.3f}")
    print(f"teacher      occluded test accuracy {accuracy(teacher, xte_occ, yte):.3f}")

    ft = Net()
    ft.load_state_dict(teacher.state_dict())
    train(ft, xtr_occ, ytr, epochs, seed + 1)
    print(f"student-ft   occluded test accuracy {accuracy(ft, xte_occ, yte):.3f}")

    kd = Net()
    kd.load_state_dict(teacher.state_dict())
    teacher.eval()
    train(kd, xtr_occ, ytr, epochs, seed + 1, teacher=teacher, x_teacher=xtr)
    print(f"student-kd   occluded test accuracy {accuracy(kd, xte_occ, yte):.3f}")

    scratch = train(Net(), xtr_occ, ytr, epochs, seed + 2)
    print(f"scratch      occluded test accuracy {accuracy(scratch, xte_occ, yte):.3f}")
    print(f"time {time.time() - start:.0f} s, epochs {epochs}, seed {seed}")


if __name__ == "__main__":
    main()
