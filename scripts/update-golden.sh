#!/usr/bin/env bash
# Rewrites the golden files (score on the bundled example, help texts) after a deliberate change.
# Review the diff before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
.build/debug/verdict score --rules rules fixtures > Tests/Golden/score-bundled.jsonl
for command in score test; do
  .build/debug/verdict "$command" --help > "Tests/Golden/help-$command.txt"
done
git --no-pager diff --stat -- Tests/Golden
