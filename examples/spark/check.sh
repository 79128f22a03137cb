#!/usr/bin/env bash
# Runs the Spark example in local mode on generated conversations (100,000 unless a count is
# given) and checks it against `verdict score` on the same input: the same result lines (sorted,
# and in fact in the same order), the same warnings and the same exit status. Prints both times.
#
#   examples/spark/check.sh [COUNT]
#
# Installs what it needs: Java 17 from Debian when there is no java, PySpark from PyPI into
# .build-spark/venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-100000}

if ! command -v java > /dev/null; then
    apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless > /dev/null
fi
if [ ! -x .build-spark/venv/bin/python ]; then python3 -m venv .build-spark/venv; fi
.build-spark/venv/bin/pip install -q --disable-pip-version-check -r examples/spark/requirements.txt
scripts/ensure-pcre2
swift build -c release > /dev/null
verdict=.build/release/verdict

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
late="$work/calls/late \"calls\" é"
mkdir -p "$late"
python3 bench/generate.py "$count" "$work/calls/generated.jsonl" --seed 7
# What a real feed also holds, in a second file in a folder whose name needs escaping: ids
# seen before (one with a terminal escape in it), a blank line, a line that is not JSON, and
# a conversation whose id is not a string.
{
    head -n 2 "$work/calls/generated.jsonl"
    echo
    echo 'not json'
    echo '{"id": 5, "events": []}'
    echo '{"id": "dup\u001b[31m", "events": []}'
    echo '{"id": "dup\u001b[31m", "events": []}'
} > "$late/repeats.jsonl"

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

start=$(now)
set +e
"$verdict" score --rules bench/rules --quiet "$work/calls" > "$work/one-machine.jsonl" 2> "$work/one-machine.err"
one_status=$?
middle=$(now)
.build-spark/venv/bin/python examples/spark/verdict_spark.py --rules bench/rules --input "$work/calls" \
    --output "$work/spark" --master 'local[2]' --verdict "$verdict" > "$work/spark.out" 2> "$work/spark.log"
spark_status=$?
end=$(now)
set -e

fail() { echo "spark check: $1" >&2; exit 1; }
[ "$spark_status" = "$one_status" ] || { cat "$work/spark.log" >&2; fail "exit status $spark_status, verdict score gave $one_status"; }
cat "$work"/spark/part-* > "$work/spark.jsonl"
cmp -s <(LC_ALL=C sort "$work/spark.jsonl") <(LC_ALL=C sort "$work/one-machine.jsonl") || fail "the result lines differ"
cmp -s "$work/spark.jsonl" "$work/one-machine.jsonl" || fail "the result lines are the same but in another order"
grep -E '^(warning|verdict): ' "$work/spark.log" > "$work/spark.err" || true
diff "$work/one-machine.err" "$work/spark.err" >&2 || fail "the warnings differ"
grep -qF "warning: conversation id 'dup\u{1B}[31m' occurs more than once" "$work/spark.err" || fail "the repeated id was not warned about, escaped"

# Refusals, each with its message and status: rules with an error (verdict's own message, exit
# 2, before Spark starts), no binary, and a .json input.
job() { .build-spark/venv/bin/python examples/spark/verdict_spark.py "$@" --output "$work/refused" 2> "$work/refused.err"; }
expect() {
    local status=$1 message=$2
    shift 2
    set +e
    job "$@"
    local got=$?
    set -e
    [ "$got" = "$status" ] || fail "$*: exit status $got, expected $status"
    grep -qxF -- "$message" "$work/refused.err" || { cat "$work/refused.err" >&2; fail "$*: no line '$message'"; }
    [ ! -e "$work/refused" ] || fail "$*: wrote output"
}
printf 'metrics:\n  - name: m\n' > "$work/bad.yaml"
"$verdict" score --rules "$work/bad.yaml" - < /dev/null 2> "$work/bad.err" && fail "the bad rules were accepted"
expect 2 "$(head -n 1 "$work/bad.err")" --rules "$work/bad.yaml" --input "$work/calls" --verdict "$verdict"
expect 1 "verdict_spark: no verdict binary: pass --verdict PATH (scripts/install puts one on PATH)" \
    --rules bench/rules --input "$work/calls" --verdict "$work/missing"
echo '{"id": "j", "events": []}' > "$work/one.json"
expect 1 "verdict_spark: '$work/one.json' is a .json file; this job reads JSON Lines (.jsonl)" \
    --rules bench/rules --input "$work/one.json" --verdict "$verdict"

lines=$(wc -l < "$work/one-machine.jsonl")
echo "spark check: $lines result lines, identical and in the same order; same warnings; exit status $one_status"
echo "spark check: verdict score $(seconds "$start" "$middle") s, Spark local[2] $(seconds "$middle" "$end") s (with its start-up)"
