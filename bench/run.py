#!/usr/bin/env python3
"""Verdict's benchmark: one command, every figure, side by side on the same data.

    python3 bench/run.py [--sizes 10k,100k,1m] [--repeat 3]

Builds the release binary, generates the seeded corpora it lacks (bench/data/, not in git),
then measures and prints, as a table and as JSON (also written to bench/data/results.json):

  score       verdict score --jobs 2 with bench/rules/bench.yaml, per corpus size
  floor       the same with an empty rule set (read, parse and write only)
  python      bench/baseline.py: json + re over the same patterns (on the 10k corpus)
  jobs 1      verdict score --jobs 1 on the largest corpus up to 100k
  start-up    scoring one conversation, median of 21 runs
  numbers     the standard rules plus ten number metrics (bench/numbers/numbers.yaml) against
              the standard rules alone, on the largest corpus up to 100k

Times are medians of --repeat runs (wall clock); peak memory is the largest maximum
resident set size `/usr/bin/time` reports. Run it on an idle machine.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")
RULES = os.path.join(ROOT, "bench", "rules", "bench.yaml")
NUMBERS = os.path.join(ROOT, "bench", "numbers", "numbers.yaml")
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
TARGETS = {"python": 30.0, "floor": 2.5, "rss_mb": 64.0, "rss_growth": 0.10, "jobs": 1.7, "startup_ms": 50.0}


def run(command, stdout=subprocess.DEVNULL):
    """Runs a command under /usr/bin/time; returns (seconds, peak RSS in MB)."""
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-o", report.name, "-f", "%M"] + command,
                       stdout=stdout, stderr=subprocess.DEVNULL, check=False)
        seconds = time.perf_counter() - start
        rss_kb = int(report.read().strip().splitlines()[-1])
    return seconds, rss_kb / 1024


def measure(command, repeat):
    runs = [run(command) for _ in range(repeat)]
    return statistics.median(s for s, _ in runs), max(m for _, m in runs)


def corpus(name):
    path = os.path.join(DATA, f"corpus-{name}.jsonl")
    if not os.path.exists(path):
        print(f"generating {path} ...", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "generate.py"), str(SIZES[name]), path + ".tmp"], check=True)
        os.replace(path + ".tmp", path)
    return path


def main():
    parser = argparse.ArgumentParser(description="Verdict benchmark")
    parser.add_argument("--sizes", default="10k,100k,1m", help="comma-separated: 10k, 100k, 1m")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [s for s in args.sizes.split(",") if s]
    for s in sizes:
        if s not in SIZES:
            parser.error(f"unknown size '{s}' (10k, 100k or 1m)")
    os.makedirs(DATA, exist_ok=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "verdict"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    verdict = os.path.join(ROOT, ".build", "release", "verdict")
    empty = os.path.join(DATA, "empty.yaml")
    with open(empty, "w") as f:
        f.write("version: 1\n")

    results = {"sizes": {}, "rules": os.path.relpath(RULES, ROOT)}
    for s in sizes:
        path = corpus(s)
        mb = os.path.getsize(path) / 1e6
        n = SIZES[s]
        score_s, score_rss = measure([verdict, "score", "--jobs", "2", "--rules", RULES, path], args.repeat)
        floor_s, floor_rss = measure([verdict, "score", "--jobs", "2", "--rules", empty, path], args.repeat)
        results["sizes"][s] = {
            "conversations": n, "megabytes": round(mb, 1),
            "score": {"seconds": round(score_s, 3), "conv_per_s": round(n / score_s), "mb_per_s": round(mb / score_s, 1), "peak_rss_mb": round(score_rss, 1)},
            "floor": {"seconds": round(floor_s, 3), "conv_per_s": round(n / floor_s), "mb_per_s": round(mb / floor_s, 1), "peak_rss_mb": round(floor_rss, 1)},
        }
        print(f"{s}: score {score_s:.2f} s, floor {floor_s:.2f} s", file=sys.stderr)

    base = "10k" if "10k" in sizes else sizes[0]
    py_s, py_rss = measure([sys.executable, os.path.join(ROOT, "bench", "baseline.py"), RULES, corpus(base)], 1)
    results["python"] = {"corpus": base, "seconds": round(py_s, 2), "conv_per_s": round(SIZES[base] / py_s), "peak_rss_mb": round(py_rss, 1)}

    jobs_size = max((s for s in sizes if SIZES[s] <= 100_000), key=lambda s: SIZES[s], default=sizes[0])
    j1_s, j1_rss = measure([verdict, "score", "--jobs", "1", "--rules", RULES, corpus(jobs_size)], args.repeat)
    j2_s = results["sizes"][jobs_size]["score"]["seconds"]
    results["jobs"] = {"corpus": jobs_size, "jobs1_seconds": round(j1_s, 3), "jobs2_seconds": j2_s, "speedup": round(j1_s / j2_s, 2)}

    # Number metrics: the same run with ten more metrics, interleaved so that both see the
    # same machine state.
    plain, numbered = [], []
    for _ in range(args.repeat):
        plain.append(run([verdict, "score", "--jobs", "2", "--rules", RULES, corpus(jobs_size)])[0])
        numbered.append(run([verdict, "score", "--jobs", "2", "--rules", RULES, "--rules", NUMBERS, corpus(jobs_size)])[0])
    p_s, n_s = statistics.median(plain), statistics.median(numbered)
    results["numbers"] = {"corpus": jobs_size, "seconds_without": round(p_s, 3), "seconds_with": round(n_s, 3),
                          "throughput_loss": round(1 - p_s / n_s, 3)}

    one = os.path.join(DATA, "one.jsonl")
    with open(corpus(base)) as f, open(one, "w") as out:
        out.write(f.readline())
    starts = [run([verdict, "score", "--rules", RULES, one])[0] for _ in range(21)]
    results["startup_ms"] = round(statistics.median(starts) * 1000, 1)

    b = results["sizes"][base]
    big = results["sizes"][sizes[-1]]
    for s in sizes:
        x = results["sizes"][s]
        x["score_over_floor"] = round(x["score"]["seconds"] / x["floor"]["seconds"], 2)
    results["ratios"] = {
        "verdict_over_python": round(b["score"]["conv_per_s"] / results["python"]["conv_per_s"], 1),
        "score_over_floor": round(b["score"]["seconds"] / b["floor"]["seconds"], 2),
        "score_over_floor_by_size": {s: results["sizes"][s]["score_over_floor"] for s in sizes},
        "jobs2_over_jobs1": results["jobs"]["speedup"],
        "rss_growth": round(big["score"]["peak_rss_mb"] / b["score"]["peak_rss_mb"] - 1, 3),
    }
    r = results["ratios"]
    results["targets"] = {
        "python_30x": r["verdict_over_python"] >= TARGETS["python"],
        "floor_2_5x": r["score_over_floor"] <= TARGETS["floor"],
        "rss_64mb": big["score"]["peak_rss_mb"] <= TARGETS["rss_mb"],
        "rss_flat_10pct": r["rss_growth"] <= TARGETS["rss_growth"],
        "jobs_1_7x": r["jobs2_over_jobs1"] >= TARGETS["jobs"],
        "startup_50ms": results["startup_ms"] < TARGETS["startup_ms"],
        "numbers_10pct": results["numbers"]["throughput_loss"] <= 0.10,
    }

    print(f"{'corpus':<8}{'run':<8}{'seconds':>10}{'conv/s':>10}{'MB/s':>8}{'peak MB':>9}")
    for s in sizes:
        for kind in ("score", "floor"):
            x = results["sizes"][s][kind]
            print(f"{s:<8}{kind:<8}{x['seconds']:>10.3f}{x['conv_per_s']:>10}{x['mb_per_s']:>8.1f}{x['peak_rss_mb']:>9.1f}")
    p = results["python"]
    print(f"{base:<8}{'python':<8}{p['seconds']:>10.2f}{p['conv_per_s']:>10}{'':>8}{p['peak_rss_mb']:>9.1f}")
    print(f"{jobs_size:<8}{'jobs 1':<8}{results['jobs']['jobs1_seconds']:>10.3f}")
    print(f"start-up (one conversation): {results['startup_ms']} ms")
    nb = results["numbers"]
    print(f"{nb['corpus']}: 60 metrics {nb['seconds_without']:.3f} s, with 10 number metrics {nb['seconds_with']:.3f} s: "
          f"throughput {-nb['throughput_loss']:+.1%} (target: no worse than -10%)")
    print("score / floor by size: " + ", ".join(f"{s} {results['sizes'][s]['score_over_floor']}x" for s in sizes))
    print(f"Verdict / Python {r['verdict_over_python']}x (target >= 30) | score / floor {r['score_over_floor']}x (<= 2.5) | "
          f"jobs 2 / jobs 1 {r['jobs2_over_jobs1']}x (>= 1.7) | RSS {sizes[-1]} vs {base} {r['rss_growth']:+.1%} (<= 10%)")
    print("targets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in results["targets"].items()))
    text = json.dumps(results, indent=2, sort_keys=True)
    print(text)
    with open(os.path.join(DATA, "results.json"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
