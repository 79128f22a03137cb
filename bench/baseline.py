#!/usr/bin/env python3
"""The Python baseline: what a team would write by hand instead of Verdict.

    python3 bench/baseline.py RULES.yaml CORPUS.jsonl > results.jsonl

Reads each conversation with `json`, and runs every `user`, `agent` and `said` pattern of
the rule file (Python `re`, case-insensitive) on the utterances it applies to: user
patterns on user text, agent patterns on agent text, said patterns on both. Writes one JSON
line per conversation with the metrics that had a match. No flows, windows or labels: this
is the regex work alone, the part a hand-written script always has.
"""
import json
import re
import sys

import yaml

SPEAKERS = {"user": ("user",), "agent": ("agent",), "said": ("user", "agent")}


def patterns(condition, found):
    if isinstance(condition, dict):
        for key, value in condition.items():
            if key in SPEAKERS and isinstance(value, str):
                found.append((key, value))
            else:
                patterns(value, found)
    elif isinstance(condition, list):
        for item in condition:
            patterns(item, found)


def main():
    rules_path, corpus_path = sys.argv[1], sys.argv[2]
    with open(rules_path, encoding="utf-8") as f:
        rules = yaml.safe_load(f)
    compiled = {"user": [], "agent": []}
    count = 0
    for metric in rules["metrics"]:
        found = []
        patterns({k: v for k, v in metric.items() if k in ("applies_when", "when", "labels")}, found)
        for kind, pattern in found:
            regex = re.compile(pattern, re.IGNORECASE)
            count += 1
            for speaker in SPEAKERS[kind]:
                compiled[speaker].append((metric["name"], regex))
    print(f"baseline: {count} patterns", file=sys.stderr)
    out = sys.stdout
    with open(corpus_path, encoding="utf-8") as f:
        for line in f:
            conversation = json.loads(line)
            matched = set()
            for event in conversation["events"]:
                for name, regex in compiled.get(event["type"], ()):
                    if regex.search(event["text"]):
                        matched.add(name)
            out.write(json.dumps({"id": conversation["id"], "matched": sorted(matched)}) + "\n")


if __name__ == "__main__":
    main()
