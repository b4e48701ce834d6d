#!/usr/bin/env python3
"""Writes distill-models' fixture torchscript/risky_net.pt: a tiny scripted net whose second
convolution reads 24 channels (above 16 and not a multiple of 16), the channel counts libtorch
2.7.1's oneDNN was seen computing wrongly with AVX-512 kernels. TorchScriptModelTest checks that
loading it warns and names that layer.

Run from anywhere:   /usr/bin/python3 tools/models/make_risky_net.py

Layers: conv 1->24 3x3 pad 1 - ReLU - conv 24->8 3x3 pad 1 - ReLU - mean over the map - Linear
8->3; input 1x12x12; forward returns the logits.
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "distill-models", "src",
                   "test", "resources", "fixtures", "torchscript")


class RiskyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 24, 3, padding=1)
        self.conv2 = nn.Conv2d(24, 8, 3, padding=1)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        x = F.relu(self.conv2(F.relu(self.conv1(x))))
        return self.fc(x.mean((2, 3)))


def main():
    torch.manual_seed(5)
    net = RiskyNet().eval()
    torch.jit.script(net).save(os.path.join(OUT, "risky_net.pt"))
    print("risky_net.pt:", {k: tuple(v.shape) for k, v in net.state_dict().items()})


if __name__ == "__main__":
    main()
