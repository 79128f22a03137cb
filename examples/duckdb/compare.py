"""Per-metric and per-cohort figures computed in DuckDB from the long table, compared with
`verdict report --format json --by metadata.PATH`: statuses, true counts, ok counts and
rates per metric, and per cohort. Exits 1 on the first difference.

    python compare.py DATABASE.duckdb REPORT.json metadata.PATH
"""
import json
import sys

import duckdb

database, report_path, by = sys.argv[1], sys.argv[2], sys.argv[3]
con = duckdb.connect(database, read_only=True)
report = json.load(open(report_path))
assert report["by"] == by, f"the report is by {report['by']}, not {by}"
json_path = "$." + by[len("metadata."):]
failures = []


def check(what, ours, theirs):
    if ours != theirs:
        failures.append(f"{what}: DuckDB {ours!r}, verdict {theirs!r}")


def figures(where, params):
    rows = con.execute(f"""
        SELECT metric, status, count(*), count(*) FILTER (WHERE status = 'ok' AND value = 'true')
        FROM results WHERE {where} GROUP BY metric, status""", params).fetchall()
    out = {}
    for metric, status, n, trues in rows:
        m = out.setdefault(metric, {"statuses": {}, "true": 0})
        m["statuses"][status] = n
        m["true"] += trues
    return out


whole = figures("true", [])
cohort_of = "coalesce(json_extract_string(metadata, ?), '(none)')"
for m in report["metrics"]:
    ours = whole.get(m["name"], {"statuses": {}, "true": 0})
    check(f"{m['name']} statuses", {k: v for k, v in ours["statuses"].items() if v}, {k: v for k, v in m["statuses"].items() if v})
    if m["type"] == "boolean":
        check(f"{m['name']} true", ours["true"], m["true"])
        ok = ours["statuses"].get("ok", 0)
        if ok:
            check(f"{m['name']} rate", ours["true"] / ok, m["rate"])
    for c in m["cohorts"]:
        if c["cohort"] == "(other)":
            continue
        cohort = figures(f"{cohort_of} = ?", [json_path, c["cohort"]]).get(m["name"], {"statuses": {}, "true": 0})
        check(f"{m['name']} / {c['cohort']} statuses", {k: v for k, v in cohort["statuses"].items() if v}, {k: v for k, v in c["statuses"].items() if v})
        if m["type"] == "boolean":
            check(f"{m['name']} / {c['cohort']} true", cohort["true"], c["true"])

for f in failures[:20]:
    print("DIFFERENT:", f)
cohorts = sum(len(m["cohorts"]) for m in report["metrics"])
print(f"duckdb check: {len(report['metrics'])} metrics and {cohorts} metric cohorts compared, {len(failures)} difference(s)")
sys.exit(1 if failures else 0)
