#!/usr/bin/env python3
"""Hyperscan as a prefilter, measured on Verdict's own data (needs libhyperscan-dev and gcc).

    python3 bench/hyperscan/run.py CALLS.jsonl RULES.yaml [RULES.yaml ...]

Builds probe.c, writes the texts of CALLS (user and agent events) and the distinct text
patterns of each rule file (`said`, `user`, `agent` values), and runs the probe on each.
Compare its scan time with the share of `verdict score` spent in `LiteralScanner.scan` and
PCRE2 (perf), and its compile time with the whole run.
"""
import json
import os
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from baseline import patterns  # noqa: E402  the same walk over a rule file's text patterns


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    work = tempfile.mkdtemp(prefix="verdict-hyperscan-")
    probe = os.path.join(work, "probe")
    subprocess.run(["gcc", "-O2", "-o", probe, os.path.join(HERE, "probe.c"), "-lhs"], check=True)
    texts = os.path.join(work, "texts.bin")
    with open(sys.argv[1], encoding="utf-8") as src, open(texts, "wb") as dst:
        for line in src:
            for event in json.loads(line)["events"]:
                if event.get("type") in ("user", "agent") and "text" in event:
                    dst.write(event["text"].encode("utf-8") + b"\0")
    for rules in sys.argv[2:]:
        found = []
        with open(rules, encoding="utf-8") as f:
            patterns(yaml.safe_load(f), found)
        path = os.path.join(work, "patterns.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(dict.fromkeys(pattern for _, pattern in found)) + "\n")
        print(os.path.basename(rules) + ":", end=" ", flush=True)
        subprocess.run([probe, path, texts], check=True)


if __name__ == "__main__":
    main()
