#!/usr/bin/env bash
# Rewrites the golden files after a deliberate change: the bundled example scored, the
# report, diff and sample of fixed result files, and the help texts. Review the diff before
# committing it.
#
# Golden files do not chain: report, diff and sample read Tests/Golden/inputs/ (result files
# kept as they are), so a scoring change rewrites score-bundled.jsonl alone. To rewrite those
# inputs too (after a change to the result line format, say), pass --inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
verdict=.build/debug/verdict
golden=Tests/Golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

$verdict score --rules rules fixtures > "$golden/score-bundled.jsonl"
if [[ "${1:-}" == "--inputs" ]]; then
  cp "$golden/score-bundled.jsonl" "$golden/inputs/before.jsonl"
  # The bundled rules with one change: the booking must be confirmed in the same turn as
  # create_booking (within_turns 0, not 2).
  cp -r rules "$tmp/rules"
  sed -i "s/within_turns: 2/within_turns: 0/" "$tmp/rules/booking.yaml"
  $verdict score --rules "$tmp/rules" fixtures > "$golden/inputs/after.jsonl"
fi
before="$golden/inputs/before.jsonl"
for format in text markdown html json; do
  $verdict report --rules rules --format "$format" "$before" > "$golden/report-bundled.$format"
done
for format in text markdown json; do
  $verdict diff --format "$format" "$before" "$golden/inputs/after.jsonl" > "$golden/diff-bundled.$format" || true
done
$verdict sample --metric "Booking: completed" --value false -n 3 --seed 7 "$before" > "$golden/sample-bundled.txt"
for command in score test mutate report compare review schema diff sample import lint explain init; do
  $verdict "$command" --help > "$golden/help-$command.txt"
done
git --no-pager diff --stat -- "$golden"
