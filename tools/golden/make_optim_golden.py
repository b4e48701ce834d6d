#!/usr/bin/env python3
"""Golden fixtures for io.distill4j.core.optim: torch.optim.SGD trajectories and the schedules.

Run with PyTorch (Debian: apt-get install python3-torch):
    /usr/bin/python3 tools/golden/make_optim_golden.py
Writes distill-core/src/test/resources/golden/optim-sgd.json. Inputs are seeded (seed 1234).
"""
import json
import math
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "distill-core", "src", "test",
                   "resources", "golden", "optim-sgd.json")


def trajectory(momentum, nesterov, weight_decay, lr=0.1, steps=4):
    g = torch.Generator().manual_seed(1234)
    w0 = torch.randn(5, generator=g, dtype=torch.float64)
    grads = [torch.randn(5, generator=g, dtype=torch.float64) for _ in range(steps)]
    w = torch.nn.Parameter(w0.clone())
    opt = torch.optim.SGD([w], lr=lr, momentum=momentum, nesterov=nesterov,
                          weight_decay=weight_decay)
    weights = []
    for grad in grads:
        opt.zero_grad()
        w.grad = grad.clone()
        opt.step()
        weights.append(w.detach().tolist())
    return {"lr": lr, "momentum": momentum, "nesterov": nesterov, "weight_decay": weight_decay,
            "initial": w0.tolist(), "grads": [x.tolist() for x in grads], "weights": weights}


def main():
    cases = [trajectory(0.0, False, 0.0), trajectory(0.9, False, 0.0),
             trajectory(0.9, True, 0.0), trajectory(0.9, True, 5e-4),
             trajectory(0.5, False, 0.01)]
    with open(OUT, "w") as f:
        json.dump({"generator": "torch " + torch.__version__, "seed": 1234, "cases": cases}, f,
                  indent=1)
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
