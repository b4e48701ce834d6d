#!/usr/bin/env python3
"""Reference values for io.distill4j.examples.experiment.Significance, from SciPy.

Run with Debian's SciPy (apt-get install python3-scipy):
    /usr/bin/python3 tools/golden/make_stats_golden.py
Writes examples/src/test/resources/golden/significance.json. Inputs are seeded (numpy seed 7).
"""
import json
import os

import numpy as np
import scipy
from scipy import stats

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "src", "test",
                   "resources", "golden", "significance.json")


def wilcoxon_case(name, x, y, method):
    res = stats.wilcoxon(x, y, zero_method="wilcox", correction=False, mode=method)
    return {"name": name, "baseline": list(map(float, x)), "model": list(map(float, y)),
            "pvalue": float(res.pvalue), "mode": method}


def mcnemar_case(name, base, model):
    b = int(np.sum(base & ~model))
    c = int(np.sum(~base & model))
    p = 1.0 if b + c == 0 else float(stats.binomtest(min(b, c), b + c, 0.5).pvalue)
    return {"name": name, "baseline": [bool(v) for v in base], "model": [bool(v) for v in model],
            "b": b, "c": c, "pvalue": p}


def main():
    rng = np.random.default_rng(7)
    cases = {"wilcoxon": [], "mcnemar": []}
    # Small, no ties: exact distribution.
    x = rng.normal(10, 3, 12).round(6)
    y = x - rng.normal(0.8, 1.0, 12).round(6)
    cases["wilcoxon"].append(wilcoxon_case("exact-12", x, y, "exact"))
    # Integer errors with ties and zeros: normal approximation with tie correction.
    x = rng.integers(0, 12, 80).astype(float)
    y = np.clip(x + rng.integers(-3, 2, 80), 0, None).astype(float)
    cases["wilcoxon"].append(wilcoxon_case("ties-80", x, y, "approx"))
    # Large, continuous: normal approximation.
    x = rng.gamma(2.0, 4.0, 400).round(6)
    y = (x * rng.uniform(0.8, 1.1, 400)).round(6)
    cases["wilcoxon"].append(wilcoxon_case("approx-400", x, y, "approx"))
    base = rng.random(300) < 0.6
    model = rng.random(300) < 0.7
    cases["mcnemar"].append(mcnemar_case("random-300", base, model))
    base = np.array([True] * 20 + [False] * 10)
    model = np.array([True] * 18 + [False] * 2 + [True] * 8 + [False] * 2)
    cases["mcnemar"].append(mcnemar_case("by-hand-2-8", base, model))
    with open(OUT, "w") as f:
        json.dump({"generator": "scipy " + scipy.__version__, "seed": 7, **cases}, f, indent=1)
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
