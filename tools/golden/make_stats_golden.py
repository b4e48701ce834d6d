#!/usr/bin/env python3
"""Reference values for io.distill4j.examples.experiment.Significance and PairedBootstrap.

Run with Debian's SciPy (apt-get install python3-scipy):
    /usr/bin/python3 tools/golden/make_stats_golden.py
Writes examples/src/test/resources/golden/significance.json and bootstrap.json (compact: it holds
the resample indices). Inputs are seeded (numpy seed 7).

- wilcoxon: scipy.stats.wilcoxon (zero_method="wilcox", no continuity correction);
- mcnemar: the exact test as scipy.stats.binomtest on the discordant pairs;
- ttest: scipy.stats.ttest_rel(model, baseline) over per-seed metrics;
- holm: Holm-Bonferroni, written here without the step-down loop (statsmodels is not installed):
  adjusted p_i = min(1, max over p_j <= p_i of (m - r_j + 1) * p_j), r_j the smallest rank of p_j;
  checked against a case worked by hand;
- bootstrap: the resample indices are drawn here (numpy) and written into the fixture, so Java
  and Python compute the interval from the same resamples. The statistic is computed directly per
  round (mean over seeds of the metric difference on the resampled images), and the interval is
  numpy's percentile (linear interpolation) of the rounds.
"""
import json
import os

import numpy as np
import scipy
from scipy import stats

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "src", "test",
                      "resources", "golden")
OUT = os.path.join(GOLDEN, "significance.json")
BOOTSTRAP_OUT = os.path.join(GOLDEN, "bootstrap.json")


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


def ttest_case(name, baseline, model):
    res = stats.ttest_rel(model, baseline)
    p = float(res.pvalue)
    return {"name": name, "baseline": list(map(float, baseline)), "model": list(map(float, model)),
            "statistic": float(res.statistic), "df": int(len(model) - 1),
            "pvalue": None if np.isnan(p) else p}


def holm(pvalues):
    p = np.asarray(pvalues, dtype=float)
    m = len(p)
    # smallest 1-based rank of each value: 1 + how many values are strictly smaller
    first_rank = np.array([1 + np.sum(p < v) for v in p])
    factor = (m - first_rank + 1) * p
    return [float(min(1.0, max(factor[j] for j in range(m) if p[j] <= p[i]))) for i in range(m)]


def holm_case(name, pvalues):
    return {"name": name, "pvalues": list(map(float, pvalues)), "adjusted": holm(pvalues)}


def bootstrap_case(name, rng, task, images, seeds, rounds):
    if task == "classification":
        base = (rng.random((seeds, images)) < 0.6).astype(float)
        model = (rng.random((seeds, images)) < 0.68).astype(float)
    else:
        base = rng.gamma(2.0, 3.0, (seeds, images)).round(4)
        model = (base * rng.uniform(0.7, 1.2, (seeds, images))).round(4)
    resamples = rng.integers(0, images, (rounds, images))
    diff_rounds = np.array([np.mean([model[s][idx].mean() - base[s][idx].mean()
                                     for s in range(seeds)]) for idx in resamples])
    model_rounds = np.array([np.mean([model[s][idx].mean() for s in range(seeds)])
                             for idx in resamples])
    lo, hi = np.percentile(diff_rounds, [2.5, 97.5])
    mlo, mhi = np.percentile(model_rounds, [2.5, 97.5])
    return {"name": name, "task": task, "level": 0.95,
            "baseline": base.tolist(), "model": model.tolist(),
            "resamples": resamples.tolist(),
            "difference": float(np.mean(model - base)),
            "difference_interval": [float(lo), float(hi)],
            "model_mean": float(np.mean(model)),
            "model_interval": [float(mlo), float(mhi)]}


def main():
    rng = np.random.default_rng(7)
    cases = {"wilcoxon": [], "mcnemar": [], "ttest": [], "holm": [], "bootstrap": []}
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
    base = rng.random(1200) < 0.55
    model = np.where(rng.random(1200) < 0.9, base, ~base)
    cases["mcnemar"].append(mcnemar_case("flips-1200", base, model))
    # Per-seed accuracies of a baseline and a model, 3, 5 and 10 seeds.
    for seeds in (3, 5, 10):
        b = rng.normal(0.80, 0.01, seeds).round(6)
        m = (b + rng.normal(0.004, 0.006, seeds)).round(6)
        cases["ttest"].append(ttest_case("seeds-%d" % seeds, b, m))
    cases["ttest"].append(ttest_case("worse-4", [3.10, 3.02, 3.25, 3.16], [3.31, 3.20, 3.33, 3.41]))
    # Every difference the same: t is infinite and p is 0; every difference 0: nan (null here).
    cases["ttest"].append(ttest_case("constant-difference", [0.5, 0.25, 0.75], [0.75, 0.5, 1.0]))
    cases["ttest"].append(ttest_case("no-difference", [0.5, 0.6, 0.7], [0.5, 0.6, 0.7]))
    hand = holm_case("by-hand", [0.01, 0.04, 0.03, 0.005])
    assert np.allclose(hand["adjusted"], [0.03, 0.06, 0.06, 0.02]), hand
    cases["holm"].append(hand)
    cases["holm"].append(holm_case("ties-and-cap", [0.02, 0.5, 0.02, 0.3, 0.9, 0.001]))
    cases["holm"].append(holm_case("one", [0.04]))
    cases["holm"].append(holm_case("random-7", (10 ** rng.uniform(-4, -0.5, 7)).round(8)))
    boot = cases.pop("bootstrap")
    boot.append(bootstrap_case("accuracy-3-seeds", rng, "classification", 75, 3, 400))
    boot.append(bootstrap_case("mae-4-seeds", rng, "regression", 50, 4, 300))
    boot.append(bootstrap_case("accuracy-1-seed", rng, "classification", 40, 1, 250))
    with open(OUT, "w") as f:
        json.dump({"generator": "scipy " + scipy.__version__, "seed": 7, **cases}, f, indent=1)
    print("wrote", os.path.normpath(OUT))
    with open(BOOTSTRAP_OUT, "w") as f:
        json.dump({"generator": "numpy " + np.__version__, "seed": 7, "bootstrap": boot}, f,
                  separators=(",", ":"))
        f.write("\n")
    print("wrote", os.path.normpath(BOOTSTRAP_OUT))


if __name__ == "__main__":
    main()
