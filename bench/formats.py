#!/usr/bin/env python3
"""Peak memory of `verdict score --from FORMAT` from 10k to 1M calls, for every format read
as a stream of records.

    python3 bench/formats.py [--sizes 10k,1m] [--formats native,openai,polyai,sgd]

Writes the benchmark corpus (generated if missing) again in each format, in
bench/data/formats/ (not in git), and scores it with bench/rules once per size and format,
`--jobs 2`, reading the peak resident set size from `/usr/bin/time`:

  native   the corpus itself, JSON Lines
  openai   JSON Lines of chat-completions message lists (user and assistant texts)
  polyai   conversations exports, 1,000 conversations per `.json` file
  sgd      SGD dialogue files, 1,000 dialogues per `dialogues_NNN.json`

Rasa tracker stores are measured by `bench/run.py --rasa`. A format read as whole files
(polyai, sgd) holds one file at a time, so its memory follows the largest file, not the
number of calls.
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
PER_FILE = 1000


def corpus(name):
    path = os.path.join(DATA, f"corpus-{name}.jsonl")
    if not os.path.exists(path):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "generate.py"), str(SIZES[name]), path + ".tmp"], check=True)
        os.replace(path + ".tmp", path)
    return path


def spoken(conversation):
    for event in conversation["events"]:
        if event.get("type") in ("user", "agent") and isinstance(event.get("text"), str):
            yield event["type"], event["text"]


def openai_line(c):
    messages = [{"role": "user" if kind == "user" else "assistant", "content": text} for kind, text in spoken(c)]
    return {"id": c["id"], "messages": messages}


def polyai_conversation(c):
    turns = []
    for kind, text in spoken(c):
        if kind == "user" or not turns or turns[-1]["agent_response"]:
            turns.append({"user_input": "", "agent_response": ""})
        turns[-1]["user_input" if kind == "user" else "agent_response"] = text
    out = {"id": c["id"], "turns": turns}
    if c.get("started_at"):
        out["started_at"] = c["started_at"]
    return out


def sgd_dialogue(c):
    return {"dialogue_id": c["id"], "services": [],
            "turns": [{"speaker": "USER" if kind == "user" else "SYSTEM", "utterance": text, "frames": []} for kind, text in spoken(c)]}


def convert(source, fmt, size):
    """The corpus of `size` in `fmt`: a file or a folder, written once."""
    base = os.path.join(DATA, "formats", f"{fmt}-{size}")
    target = base + (".jsonl" if fmt == "openai" else "")
    if os.path.exists(target):
        return target
    tmp = target + ".tmp"
    if fmt == "openai":
        with open(source, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8") as dst:
            for line in src:
                dst.write(json.dumps(openai_line(json.loads(line)), ensure_ascii=False) + "\n")
    else:
        os.makedirs(tmp, exist_ok=True)
        chunk, n = [], 0

        def flush():
            nonlocal chunk, n
            if not chunk:
                return
            n += 1
            if fmt == "polyai":
                payload, name = {"conversations": chunk}, f"export_{n:04d}.json"
            else:
                payload, name = chunk, f"dialogues_{n:04d}.json"
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                json.dump(payload, f, ensure_ascii=False)
            chunk = []

        with open(source, encoding="utf-8") as src:
            for line in src:
                c = json.loads(line)
                chunk.append(polyai_conversation(c) if fmt == "polyai" else sgd_dialogue(c))
                if len(chunk) == PER_FILE:
                    flush()
        flush()
    os.replace(tmp, target)
    return target


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,1m")
    parser.add_argument("--formats", default="native,openai,polyai,sgd")
    args = parser.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "verdict"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    binary = os.path.join(ROOT, ".build", "release", "verdict")
    os.makedirs(os.path.join(DATA, "formats"), exist_ok=True)
    results = {}
    print(f"{'format':<8} {'size':>5} {'seconds':>8} {'peak MB':>8} {'lines':>9}")
    for fmt in args.formats.split(","):
        for size in args.sizes.split(","):
            source = corpus(size)
            path = source if fmt == "native" else convert(source, fmt, size)
            command = ["/usr/bin/time", "-f", "%M", binary, "score", "--jobs", "2", "--rules", os.path.join(ROOT, "bench", "rules"), path]
            if fmt != "native":
                command[5:5] = ["--from", fmt]
            start = time.perf_counter()
            # The result lines are counted as they stream by, never held.
            run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            lines = 0
            while chunk := run.stdout.read(1 << 20):
                lines += chunk.count(b"\n")
            stderr = run.stderr.read()
            if run.wait() != 0:
                sys.exit(stderr.decode())
            seconds = time.perf_counter() - start
            peak = int(stderr.decode().strip().splitlines()[-1]) / 1024
            print(f"{fmt:<8} {size:>5} {seconds:8.2f} {peak:8.1f} {lines:9,}")
            results[f"{fmt}-{size}"] = {"seconds": round(seconds, 2), "peak_mb": round(peak, 1), "lines": lines}
    with open(os.path.join(DATA, "formats.json"), "w") as f:
        json.dump(results, f, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
