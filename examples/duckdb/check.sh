#!/usr/bin/env bash
# Loads `verdict score` results for generated conversations (100,000 unless a count is given)
# into DuckDB and Parquet with examples/duckdb/load.py, then checks per-metric and per-cohort
# figures computed there against `verdict report --format json --by metadata.variant`.
# Installs DuckDB from PyPI into .build-duckdb/venv. Prints the times.
#
#   examples/duckdb/check.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-100000}
if [ ! -x .build-duckdb/venv/bin/python ]; then python3 -m venv .build-duckdb/venv; fi
.build-duckdb/venv/bin/pip install -q --disable-pip-version-check -r examples/duckdb/requirements.txt
scripts/ensure-pcre2
swift build -c release > /dev/null
verdict=.build/release/verdict
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/generate.py "$count" "$work/calls.jsonl" --seed 5
"$verdict" score --rules bench/rules "$work/calls.jsonl" > "$work/results.jsonl"
now() { date +%s.%N; }
start=$(now)
.build-duckdb/venv/bin/python examples/duckdb/load.py "$work/results.jsonl" "$work/results.duckdb" --parquet "$work/results.parquet"
loaded=$(now)
"$verdict" report --rules bench/rules --format json --by metadata.variant "$work/results.jsonl" > "$work/report.json"
reported=$(now)
.build-duckdb/venv/bin/python examples/duckdb/compare.py "$work/results.duckdb" "$work/report.json" metadata.variant
python3 -c "import sys; a, b, c = map(float, sys.argv[1:]); print(f'duckdb check: load into DuckDB and Parquet {b - a:.1f} s, verdict report --by {c - b:.1f} s')" "$start" "$loaded" "$reported"
