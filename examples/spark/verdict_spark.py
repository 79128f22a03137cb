#!/usr/bin/env python3
"""Scores JSON Lines conversations with `verdict score` on Spark, one process per partition.

    python3 examples/spark/verdict_spark.py --rules RULES --input PATH [--input PATH ...]
        --output DIR [--master local[2]] [--verdict BINARY] [--partitions N]

Scoring is a pure function of one conversation, so the job is a map: each partition of input
lines is piped through `verdict score --rules RULES -` on an executor, and the result lines are
written to DIR as Spark text parts (`cat DIR/part-*` gives them in input order). The binary and
the rules are shipped to the executors with SparkContext.addFile.

What a single `verdict score` run reports comes through the same way:
- an error line names the input file and line (`calls/day1.jsonl:812`), not the pipe;
- ids that occur more than once anywhere in the input are warned about once, in the order
  `verdict score` warns (by where the second occurrence is);
- the count of unreadable conversations is reported, and the job exits 3 when there are any.

Inputs are files or folders of JSON Lines (`.jsonl`) on any file system Spark reads (local,
HDFS, S3); folders are walked as Verdict walks them (sorted, hidden names skipped). Verdict's
`.json` files (one conversation or an array) are not read here: convert them first.
"""
import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="Score JSON Lines conversations with verdict on Spark.")
    parser.add_argument("--rules", required=True, help="a rule file or folder, as for verdict score --rules")
    parser.add_argument("--input", required=True, action="append", help="a JSON Lines file or folder; repeat for more")
    parser.add_argument("--output", required=True, help="the folder Spark writes the result parts to (must not exist)")
    parser.add_argument("--master", default=None, help="Spark master (default: what spark-submit gives, else local[2])")
    parser.add_argument("--verdict", default=None, help="the verdict binary to ship (default: verdict on PATH)")
    parser.add_argument("--partitions", type=int, default=None, help="minimum partitions per input file")
    parser.add_argument("--jobs", type=int, default=1, help="threads each verdict process scores with (default 1: Spark runs one task per core)")
    return parser.parse_args(argv)


def find_verdict(given):
    """The binary to ship, as a path; it need not be executable here (a file spark-submit
    localized may have lost its mode), but it must exist."""
    path = given or shutil.which("verdict")
    if not path or not os.path.isfile(path):
        sys.exit("verdict_spark: no verdict binary: pass --verdict PATH (scripts/install puts one on PATH)")
    return os.path.abspath(path)


def input_files(sc, inputs):
    """Each input's JSON Lines files as (name verdict would give, URI), in Verdict's order."""
    jvm = sc._jvm
    conf = sc._jsc.hadoopConfiguration()
    files = []
    for given in inputs:
        path = jvm.org.apache.hadoop.fs.Path(given)
        fs = path.getFileSystem(conf)
        if not fs.exists(path):
            sys.exit(f"verdict_spark: cannot read '{given}': no such file or folder")
        status = fs.getFileStatus(path)
        if status.isFile():
            if given.endswith(".json"):
                sys.exit(f"verdict_spark: '{given}' is a .json file; this job reads JSON Lines (.jsonl)")
            files.append((given, status.getPath().toString()))
            continue
        found = []
        root = status.getPath().toString().rstrip("/")
        pending = [status.getPath()]
        while pending:
            for child in fs.listStatus(pending.pop()):
                name = child.getPath().getName()
                if name.startswith("."):
                    continue
                if child.isDirectory():
                    pending.append(child.getPath())
                    continue
                relative = child.getPath().toString()[len(root) + 1:]
                if name.endswith(".json"):
                    sys.exit(f"verdict_spark: '{given.rstrip('/')}/{relative}' is a .json file; this job reads JSON Lines (.jsonl)")
                if name.endswith(".jsonl"):
                    found.append((relative, child.getPath().toString()))
        # Verdict sorts a walk by the bytes of the whole relative path.
        found.sort(key=lambda item: item[0].encode("utf-8"))
        files += [(given.rstrip("/") + "/" + relative, uri) for relative, uri in found]
    return files


def runnable(shipped):
    """The shipped binary, executable: a copy when the executor's file lost its mode."""
    if os.access(shipped, os.X_OK):
        return shipped
    copy = os.path.join(tempfile.mkdtemp(prefix="verdict-"), os.path.basename(shipped))
    shutil.copyfile(shipped, copy)
    os.chmod(copy, os.stat(copy).st_mode | stat.S_IXUSR)
    return copy


def scorer(binary_name, rules_name, names, jobs):
    """The function each partition runs: rows (file index, line number, text) in, result lines out."""

    def score(rows):
        from pyspark import SparkFiles

        binary = runnable(SparkFiles.get(binary_name))
        rules = SparkFiles.get(rules_name)
        process = subprocess.Popen([binary, "score", "--rules", rules, "--jobs", str(jobs), "--quiet", "-"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # Where each line of the pipe came from; appended before the line is written, so an
        # error line about pipe line k always finds its entry.
        where = []
        errors = []

        def feed():
            try:
                for file_index, number, text in rows:
                    where.append((file_index, number))
                    process.stdin.write(text.encode("utf-8") + b"\n")
            except BrokenPipeError:
                pass
            finally:
                try:
                    process.stdin.close()
                except BrokenPipeError:
                    pass

        def drain():
            errors.append(process.stderr.read())

        threads = [threading.Thread(target=feed), threading.Thread(target=drain)]
        for thread in threads:
            thread.start()
        prefix = b'{"source":"-:'
        for line in process.stdout:
            line = line.rstrip(b"\n")
            if line.startswith(prefix):
                # `{"source":"-:12",...}` names the pipe; name the file and line instead.
                end = line.index(b'"', len(prefix))
                file_index, number = where[int(line[len(prefix):end]) - 1]
                source = json.dumps(f"{names[file_index]}:{number}", ensure_ascii=False)
                line = b'{"source":' + source.encode("utf-8") + line[end + 1:]
            yield line.decode("utf-8")
        for thread in threads:
            thread.join()
        status = process.wait()
        # 0, or 3 when some lines could not be read (each has its error line). The messages
        # that go with them are made once for the whole input, by the driver.
        if status not in (0, 3):
            raise RuntimeError(f"verdict score exited {status}: {errors[0].decode('utf-8', 'replace')}")

    return score


def parts_of(sc, folder):
    """The part files Spark wrote to `folder`, in order."""
    path = sc._jvm.org.apache.hadoop.fs.Path(folder)
    fs = path.getFileSystem(sc._jsc.hadoopConfiguration())
    parts = [(status.getPath().getName(), status.getPath().toString()) for status in fs.listStatus(path)]
    return [uri for name, uri in sorted((int(name[5:]), uri) for name, uri in parts if name.startswith("part-"))]


def terminal_text(text):
    """As Verdict escapes untrusted text for a terminal: control and bidirectional characters as \\u{XX}."""
    def needs(c):
        v = ord(c)
        return (v < 0x20 and v not in (0x09, 0x0A)) or 0x7F <= v <= 0x9F or v in (0x200E, 0x200F, 0xE000) \
            or 0x202A <= v <= 0x202E or 0x2066 <= v <= 0x2069
    return "".join(f"\\u{{{ord(c):X}}}" if needs(c) else c for c in text)


def first_two(a, b):
    """Merges (count, the two smallest positions) pairs."""
    return (a[0] + b[0], sorted(a[1] + b[1])[:2])


def line_facts(partition, lines):
    """Keyed facts of the result lines of one partition, for one reduce: each scored id with
    its position (partition, line), and the partition's count of scored and unreadable lines."""
    scored = unreadable = 0
    for at, line in enumerate(lines):
        if line.startswith('{"source":'):
            unreadable += 1
            continue
        scored += 1
        identifier, _ = json.JSONDecoder().raw_decode(line, len('{"id":'))
        yield ("id", identifier), (1, [(partition, at)])
    yield ("scored",), (scored, [])
    yield ("unreadable",), (unreadable, [])


def main(argv):
    args = parse_arguments(argv)
    binary = find_verdict(args.verdict)
    rules = os.path.abspath(args.rules)
    if not os.path.exists(rules):
        sys.exit(f"verdict_spark: no rules at '{args.rules}'")
    # The rules are loaded here once (scoring no input), so that a rule error stops the job
    # with Verdict's own messages before any task runs.
    check = subprocess.run([runnable(binary), "score", "--rules", rules, "--quiet", "-"], input=b"", capture_output=True)
    if check.returncode != 0:
        sys.stderr.write(check.stderr.decode("utf-8", "replace"))
        return check.returncode

    from pyspark import SparkConf, SparkContext

    # spark-submit's --master arrives in the configuration; run by hand, the job is local.
    conf = SparkConf().setAppName("verdict score").set("spark.ui.showConsoleProgress", "false")
    if args.master:
        conf.setMaster(args.master)
    elif not conf.contains("spark.master"):
        conf.setMaster("local[2]")
    sc = SparkContext(conf=conf)
    sc.setLogLevel("WARN")
    try:
        files = input_files(sc, args.input)
        if not files:
            sys.exit("verdict_spark: no .jsonl files in the input")
        sc.addFile(binary)
        sc.addFile(rules, recursive=os.path.isdir(rules))
        names = [name for name, _ in files]
        parts = []
        for index, (_, uri) in enumerate(files):
            lines = sc.textFile(uri, args.partitions) if args.partitions else sc.textFile(uri)
            # Line numbers from 1, counted as Verdict counts them (blank lines included).
            parts.append(lines.zipWithIndex().map(lambda pair, index=index: (index, pair[1] + 1, pair[0])))
        rows = sc.union(parts) if len(parts) > 1 else parts[0]
        score = scorer(os.path.basename(binary), os.path.basename(rules.rstrip("/")), names, args.jobs)
        rows.mapPartitions(score).saveAsTextFile(args.output)

        # Read back what was written, part by part in order, for the messages a single run
        # gives at its end: one pass, one reduce, and only the repeated ids come back.
        written = sc.union([sc.textFile(part) for part in parts_of(sc, args.output)])
        facts = (written.mapPartitionsWithIndex(line_facts)
                 .reduceByKey(first_two)
                 .filter(lambda kv: kv[0][0] != "id" or kv[1][0] > 1)
                 .collect())
    finally:
        sc.stop()
    counts = {key[0]: value[0] for key, value in facts if key[0] != "id"}
    # Warned in the order a single run warns: by where each id occurs the second time.
    for _, identifier in sorted((value[1][1], key[1]) for key, value in facts if key[0] == "id"):
        print(f"warning: conversation id '{terminal_text(identifier)}' occurs more than once; every occurrence was scored", file=sys.stderr)
    unreadable = counts.get("unreadable", 0)
    if unreadable:
        total = unreadable + counts.get("scored", 0)
        noun = "conversation" if total == 1 else "conversations"
        print(f"verdict: {unreadable} of {total} {noun} could not be read; each has an error line", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
