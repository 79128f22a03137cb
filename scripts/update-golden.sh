#!/usr/bin/env bash
# Rewrites the golden files (the bundled example scored, reported, diffed and sampled; help
# texts) after a deliberate change. Review the diff before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
verdict=.build/debug/verdict
golden=Tests/Golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

$verdict score --rules rules fixtures > "$golden/score-bundled.jsonl"
for format in text markdown html json; do
  $verdict report --rules rules --format "$format" "$golden/score-bundled.jsonl" > "$golden/report-bundled.$format"
done
# The diff: the bundled rules against a copy where the booking must be confirmed in the same
# turn as create_booking (within_turns 0, not 2).
cp -r rules "$tmp/rules"
sed -i "s/within_turns: 2/within_turns: 0/" "$tmp/rules/booking.yaml"
$verdict score --rules "$tmp/rules" fixtures > "$tmp/changed.jsonl"
for format in text markdown json; do
  $verdict diff --format "$format" "$golden/score-bundled.jsonl" "$tmp/changed.jsonl" > "$golden/diff-bundled.$format" || true
done
$verdict sample --metric "Booking: completed" --value false --n 3 --seed 7 "$golden/score-bundled.jsonl" > "$golden/sample-bundled.txt"
for command in score test mutate report compare review schema diff sample import lint explain init; do
  $verdict "$command" --help > "$golden/help-$command.txt"
done
git --no-pager diff --stat -- "$golden"
