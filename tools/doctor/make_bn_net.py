#!/usr/bin/env python3
"""Writes the tiny batch-norm nets `distill doctor` trains to look for NaN gradients.

Run from anywhere:   /usr/bin/python3 tools/doctor/make_bn_net.py

The README's known problems reported NaN gradients through batch normalization in 13 of 260
training runs of a tiny TorchScript net under AVX-512 (none of 220 with oneDNN capped at AVX2):
the distill-models fixture torchscript/tiny_net.pt, trained by CheckpointTest. This script writes
the same net (tools/models/make_fixtures.py's TinyNet, the same seed and random weights) for the
doctor, which ships it in its jar:

* bn_net_traced.pt    torch.jit.trace in eval mode, as the fixture (its batch norm keeps using the
                      running statistics while it trains);
* bn_net_scripted.pt  torch.jit.script (its batch norm normalizes with the batch statistics in
                      training mode).

Layers: conv 1->4 3x3 pad 1 (bias) - BN(4) - ReLU on a 1x12x12 input, 2x2 max pooling, conv 4->8
3x3 pad 1 (bias) - ReLU, mean over the 6x6 map, Linear 8->6 - ReLU (the embedding), Linear 6->3;
forward returns (logits, embedding, a, b), a and b the two feature maps.
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models"))
from make_fixtures import TinyNet, randomize  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "examples", "src", "main", "resources", "io", "distill4j",
                   "examples", "doctor")


def main():
    os.makedirs(OUT, exist_ok=True)
    net = randomize(TinyNet(), 11)
    x = torch.rand(2, 1, 12, 12, generator=torch.Generator().manual_seed(12))
    torch.jit.trace(net, x).save(os.path.join(OUT, "bn_net_traced.pt"))
    torch.jit.script(net).save(os.path.join(OUT, "bn_net_scripted.pt"))
    for name in ("bn_net_traced.pt", "bn_net_scripted.pt"):
        loaded = torch.jit.load(os.path.join(OUT, name)).eval()
        with torch.no_grad():
            out = loaded(x)
        print(name, "logits[0] =", [round(v, 6) for v in out[0][0].tolist()])


if __name__ == "__main__":
    main()
