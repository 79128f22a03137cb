#!/usr/bin/env bash
# Rewrites the golden output of `verdict score` on the bundled example after a deliberate change.
# Review the diff before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
.build/debug/verdict score --rules rules fixtures > Tests/Golden/score-bundled.jsonl
git --no-pager diff --stat -- Tests/Golden
