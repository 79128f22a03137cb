"""Loads `verdict score` result lines into DuckDB as one long table, and writes Parquet.

    python load.py RESULTS.jsonl DATABASE.duckdb [--parquet RESULTS.parquet]

Table `results`: one row per conversation and metric —
    id, started_at, metric, status, value (JSON text: true, "verified", 12.5, or null),
    triggered_at, metadata (the conversation's metadata, JSON)
Error lines (conversations Verdict could not read) go to table `unreadable` (source, id, error).
DuckDB reads the file itself: `metrics` is read as a MAP from metric name to its result.
"""
import argparse

import duckdb


def load(results, database, parquet=None):
    con = duckdb.connect(database)
    columns = "{'id': 'VARCHAR', 'started_at': 'VARCHAR', 'metadata': 'JSON', 'metrics': 'MAP(VARCHAR, JSON)', 'source': 'VARCHAR', 'error': 'VARCHAR'}"
    source = f"read_ndjson('{results}', columns={columns}, maximum_object_size=268435456)"
    con.execute(f"""
        CREATE OR REPLACE TABLE results AS
        SELECT id, started_at, entry.key AS metric,
               json_extract_string(entry.value, '$.status') AS status,
               json_extract(entry.value, '$.value')::VARCHAR AS value,
               json_extract(entry.value, '$.triggered_at')::INTEGER AS triggered_at,
               metadata
        FROM (SELECT id, started_at, metadata, unnest(map_entries(metrics)) AS entry FROM {source} WHERE error IS NULL)
    """)
    con.execute(f"CREATE OR REPLACE TABLE unreadable AS SELECT source, id, error FROM {source} WHERE error IS NOT NULL")
    if parquet:
        con.execute(f"COPY results TO '{parquet}' (FORMAT PARQUET)")
    return con


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("database")
    parser.add_argument("--parquet")
    args = parser.parse_args()
    con = load(args.results, args.database, args.parquet)
    rows = con.execute("SELECT count(*) FROM results").fetchone()[0]
    print(f"{rows} rows in results" + (f"; written to {args.parquet}" if args.parquet else ""))
