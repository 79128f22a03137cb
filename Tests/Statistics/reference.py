"""Reference values for Verdict's statistics, computed with SciPy (an independent
implementation), for `StatisticsReferenceTests` (run by scripts/stats-check.sh).

Writes a JSON list of cases drawn with a fixed seed: Fisher's exact test, Pearson's
chi-square test of independence, the Mann-Whitney U test (asymptotic, tie and continuity
corrected), the exact binomial test at 1/2 and Newcombe's hybrid score
interval (from SciPy's Wilson intervals, by the formula of Newcombe 1998, method 10);
Holm's adjustment comes from statsmodels.
"""
import json
import random
import sys

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

rng = random.Random(20261204)
cases = []


def wilson(x, n):
    ci = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
    return ci.low, ci.high


for _ in range(400):
    n1, n2 = rng.choice([1, 2, 5, 20, 100, 1000, 50000]), rng.choice([1, 3, 7, 40, 300, 2000, 80000])
    a, c = rng.randint(0, n1), rng.randint(0, n2)
    cases.append({"kind": "fisher", "table": [a, n1 - a, c, n2 - c],
                  "p": stats.fisher_exact([[a, n1 - a], [c, n2 - c]], alternative="two-sided")[1]})
    l1, u1 = wilson(a, n1)
    l2, u2 = wilson(c, n2)
    p1, p2 = a / n1, c / n2
    d = p1 - p2
    cases.append({"kind": "newcombe", "counts": [a, n1, c, n2],
                  "low": max(-1.0, d - ((p1 - l1) ** 2 + (u2 - p2) ** 2) ** 0.5),
                  "high": min(1.0, d + ((u1 - p1) ** 2 + (p2 - l2) ** 2) ** 0.5),
                  "wilson": [l1, u1]})

for _ in range(200):
    labels = rng.randint(2, 6)
    first = [rng.choice([0, rng.randint(0, 50), rng.randint(0, 5000)]) for _ in range(labels)]
    second = [rng.choice([0, rng.randint(0, 50), rng.randint(0, 5000)]) for _ in range(labels)]
    kept = [(x, y) for x, y in zip(first, second) if x + y > 0]
    if len(kept) < 2 or sum(x for x, _ in kept) == 0 or sum(y for _, y in kept) == 0:
        continue
    statistic, p, df, _ = stats.chi2_contingency(np.array(kept).T, correction=False)
    cases.append({"kind": "chi2", "first": first, "second": second, "statistic": statistic, "df": int(df), "p": p})

for _ in range(200):
    n1, n2 = rng.randint(1, 60), rng.randint(1, 60)
    spread = rng.choice([3, 10, 1000])
    x = [float(rng.randint(0, spread)) / rng.choice([1, 4]) for _ in range(n1)]
    y = [float(rng.randint(0, spread)) / rng.choice([1, 4]) + rng.choice([0, 0.5, 2]) for _ in range(n2)]
    if len(set(x + y)) < 2:
        continue
    result = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=True)
    cases.append({"kind": "mannwhitney", "x": x, "y": y, "u": float(result.statistic), "p": float(result.pvalue)})

for _ in range(200):
    n = rng.choice([1, 2, 9, 30, 200, 5000])
    k = rng.randint(0, n)
    cases.append({"kind": "binomial", "k": k, "n": n, "p": stats.binomtest(k, n, 0.5).pvalue})

for _ in range(100):
    m = rng.randint(1, 12)
    p = [None if rng.random() < 0.15 else rng.choice([rng.random(), rng.random() ** 6, 1.0]) for _ in range(m)]
    present = [v for v in p if v is not None]
    adjusted = iter(multipletests(present, method="holm")[1].tolist() if present else [])
    cases.append({"kind": "holm", "p": p, "adjusted": [None if v is None else next(adjusted) for v in p]})

json.dump(cases, open(sys.argv[1], "w"))
print(f"{len(cases)} reference cases written to {sys.argv[1]}")
