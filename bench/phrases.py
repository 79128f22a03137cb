#!/usr/bin/env python3
"""A phrase list against the same phrases as one hand-written regex alternation.

    python3 bench/phrases.py [--count 20000] [--phrases 1000] [--repeat 5]

Builds the release binary, takes the first COUNT calls of the benchmark corpus (generated
if missing), and writes four rule sets of one `said` metric each:

  phrases      a list of N phrases, from a phrase file ({said: {phrases: p}})
  alternation  the same N phrases as one regex: \\b(?:a\\s+b|...)\\b
  one pattern  one phrase as a regex (the first of the occurring ones, which few calls hold)
  one common   the occurring phrase that the most calls hold, as a regex: a metric as busy
               as the list, whose cost a list of 1,000 should stay within twice of
  floor        no metric: reading and decoding only

About 2% of the phrases are word pairs taken from the corpus's texts, so some occur; the
rest are made-up words that never do, as in a real list that covers many ways of saying a
thing. Every run is `verdict score --jobs 1`, the runs interleaved; the table shows
medians. The phrase list and the alternation must give the same results (checked).
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")


def words_of(text):
    out, word = [], ""
    for ch in text.lower():
        if ch.isalpha():
            word += ch
        else:
            if word:
                out.append(word)
            word = ""
    if word:
        out.append(word)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--phrases", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    subprocess.run(["swift", "build", "-c", "release", "--product", "verdict"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    binary = os.path.join(ROOT, ".build", "release", "verdict")
    corpus100k = os.path.join(DATA, "corpus-100k.jsonl")
    if not os.path.exists(corpus100k):
        os.makedirs(DATA, exist_ok=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "generate.py"), "100000", corpus100k], check=True)
    work = tempfile.mkdtemp(prefix="verdict-phrases-")
    calls = os.path.join(work, "calls.jsonl")
    pairs = set()
    calls_holding = {}
    with open(corpus100k, encoding="utf-8") as src, open(calls, "w", encoding="utf-8") as dst:
        for n, line in enumerate(src):
            if n >= args.count:
                break
            dst.write(line)
            for event in json.loads(line)["events"]:
                if event.get("type") in ("user", "agent"):
                    w = words_of(event.get("text", ""))
                    pairs.update(f"{a} {b}" for a, b in zip(w, w[1:]))
            held = set()
            for event in json.loads(line)["events"]:
                if event.get("type") in ("user", "agent"):
                    w = words_of(event.get("text", ""))
                    held.update(f"{a} {b}" for a, b in zip(w, w[1:]))
            for pair in held:
                calls_holding[pair] = calls_holding.get(pair, 0) + 1

    rng = random.Random(20261205)
    real = sorted(pairs)
    rng.shuffle(real)
    occurring = max(1, args.phrases // 50)
    phrases = real[:occurring]
    letters = "abcdefghijklmnopqrstuvwxyz"
    while len(phrases) < args.phrases:
        made = " ".join("".join(rng.choice(letters) for _ in range(rng.randint(4, 9))) for _ in range(rng.randint(1, 3)))
        if made not in pairs:
            phrases.append(made)
    rng.shuffle(phrases)
    # Ties broken by the phrase, so that the choice is the same on every run.
    common = max(real[:occurring], key=lambda p: (calls_holding.get(p, 0), p))

    def rule_file(name, when):
        path = os.path.join(work, name)
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, "rules.yaml"), "w", encoding="utf-8") as f:
            if name == "phrases":
                f.write("phrases:\n  p: {file: phrases.txt}\n")
            if when:
                f.write(f"metrics:\n  - {{name: m, type: boolean, definition: d, when: {when}}}\n")
            else:
                f.write("metrics: []\n")
        return path

    os.makedirs(os.path.join(work, "phrases"), exist_ok=True)
    with open(os.path.join(work, "phrases", "phrases.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(phrases) + "\n")
    alternation = r"\b(?:" + "|".join(r"\s+".join(p.split()) for p in phrases) + r")\b"
    sets = {
        "phrases": rule_file("phrases", "{said: {phrases: p}}"),
        "alternation": rule_file("alternation", "{said: '" + alternation + "'}"),
        "one pattern": rule_file("one pattern", "{said: '\\b" + r"\s+".join(real[0].split()) + "\\b'}"),
        "one common": rule_file("one common", "{said: '\\b" + r"\s+".join(common.split()) + "\\b'}"),
        "floor": rule_file("floor", ""),
    }
    outputs = {}
    for name, rules in sets.items():
        out = subprocess.run([binary, "score", "--jobs", "1", "--rules", rules, calls], check=True, stdout=subprocess.PIPE).stdout
        outputs[name] = out
    if outputs["phrases"] != outputs["alternation"]:
        print("FAIL: the phrase list and the alternation give different results", file=sys.stderr)
        sys.exit(1)
    true_count = outputs["phrases"].count(b'"value":true')
    held = {name: outputs[name].count(b'"value":true') for name in ("one pattern", "one common")}

    times = {name: [] for name in sets}
    for _ in range(args.repeat):
        for name, rules in sets.items():
            start = time.perf_counter()
            subprocess.run([binary, "score", "--jobs", "1", "--rules", rules, calls], check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
    floor = statistics.median(times["floor"])
    print(f"{args.count} calls, {len(phrases)} phrases ({occurring} of them word pairs from the calls); "
          f"{true_count} calls hold one; medians of {args.repeat} interleaved runs, --jobs 1")
    print(f"one pattern: '{real[0]}', held by {held['one pattern']} calls; one common: '{common}', held by {held['one common']}")
    print(f"{'rules':<12} {'seconds':>8} {'over floor':>11} {'list / this, over floor':>24}")
    over = {name: statistics.median(times[name]) - floor for name in sets}
    for name in sets:
        seconds = statistics.median(times[name])
        ratio = f"{over['phrases'] / over[name]:.2f}x" if name.startswith("one") and over[name] > 0 else ""
        print(f"{name:<12} {seconds:8.3f} {over[name]:10.3f}s {ratio:>24}")
    print(json.dumps({name: round(statistics.median(t), 3) for name, t in times.items()}))


if __name__ == "__main__":
    main()
