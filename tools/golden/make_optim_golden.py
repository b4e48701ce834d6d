#!/usr/bin/env python3
"""Golden fixtures for io.distill4j.core.optim: torch.optim.SGD, Adam and AdamW trajectories.

Run with PyTorch (Debian: apt-get install python3-torch):
    /usr/bin/python3 tools/golden/make_optim_golden.py
Writes distill-core/src/test/resources/golden/optim-sgd.json and optim-adam.json. Inputs are
seeded (seed 1234). Each case gives the learning rate of every step ("lrs"), so that schedules
that change the rate between steps are covered: momentum buffers must not absorb the rate.
"""
import json
import math
import os

import torch

DIR = os.path.join(os.path.dirname(__file__), "..", "..", "distill-core", "src", "test",
                   "resources", "golden")
# A rate that changes every step, as one-cycle and cosine schedules do.
VARYING = [0.1, 0.05, 0.2, 0.01, 0.08, 0.03]


def run(make_optimizer, lrs):
    g = torch.Generator().manual_seed(1234)
    w0 = torch.randn(5, generator=g, dtype=torch.float64)
    grads = [torch.randn(5, generator=g, dtype=torch.float64) for _ in lrs]
    w = torch.nn.Parameter(w0.clone())
    opt = make_optimizer([w])
    weights = []
    for lr, grad in zip(lrs, grads):
        for group in opt.param_groups:
            group["lr"] = lr
        opt.zero_grad()
        w.grad = grad.clone()
        opt.step()
        weights.append(w.detach().tolist())
    return {"lrs": lrs, "initial": w0.tolist(), "grads": [x.tolist() for x in grads],
            "weights": weights}


def sgd(momentum, nesterov, weight_decay, lrs=(0.1, 0.1, 0.1, 0.1)):
    case = run(lambda p: torch.optim.SGD(p, lr=lrs[0], momentum=momentum, nesterov=nesterov,
                                         weight_decay=weight_decay), list(lrs))
    case.update({"momentum": momentum, "nesterov": nesterov, "weight_decay": weight_decay})
    return case


def adam(decoupled, weight_decay, lrs, betas=(0.9, 0.999), eps=1e-8):
    kind = torch.optim.AdamW if decoupled else torch.optim.Adam
    case = run(lambda p: kind(p, lr=lrs[0], betas=betas, eps=eps, weight_decay=weight_decay),
               list(lrs))
    case.update({"decoupled": decoupled, "weight_decay": weight_decay, "beta1": betas[0],
                 "beta2": betas[1], "eps": eps})
    return case


def write(name, cases):
    out = os.path.join(DIR, name)
    with open(out, "w") as f:
        json.dump({"generator": "torch " + torch.__version__, "seed": 1234, "cases": cases}, f,
                  indent=1)
    print("wrote", os.path.normpath(out))


def main():
    write("optim-sgd.json", [
        sgd(0.0, False, 0.0), sgd(0.9, False, 0.0), sgd(0.9, True, 0.0), sgd(0.9, True, 5e-4),
        sgd(0.5, False, 0.01), sgd(0.9, False, 5e-4, VARYING), sgd(0.9, True, 5e-4, VARYING),
        sgd(0.0, False, 0.01, VARYING)])
    # Large eps makes the placement of eps visible (PyTorch divides sqrt(v) by the bias
    # correction before adding eps).
    write("optim-adam.json", [
        adam(False, 0.0, [0.01] * 4), adam(False, 0.01, VARYING), adam(True, 0.01, VARYING),
        adam(True, 0.0, VARYING, betas=(0.8, 0.99), eps=0.1), adam(False, 0.0, VARYING, eps=0.1)])


if __name__ == "__main__":
    main()
