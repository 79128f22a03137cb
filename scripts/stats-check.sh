#!/usr/bin/env bash
# Checks Verdict's statistics against independent implementations: SciPy and statsmodels, in
# a virtual environment (never a run-time dependency), write seeded reference cases
# (Tests/Statistics/reference.py); the Swift suite "Statistics against SciPy" compares every
# one of them with what Verdict computes.
set -euo pipefail
cd "$(dirname "$0")/.."
work=.build-stats
if [ ! -x "$work/venv/bin/python" ]; then python3 -m venv "$work/venv"; fi
"$work/venv/bin/pip" install -q "scipy==1.17.1" "statsmodels==0.15.0"
"$work/venv/bin/python" Tests/Statistics/reference.py "$work/reference.json"
VERDICT_STATS_REFERENCE="$PWD/$work/reference.json" swift test --filter "StatisticsReferenceTests"
