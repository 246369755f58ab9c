"""The ``warledger`` command: the pipeline without Airflow, and a look at the warehouse."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from datetime import datetime, timezone
from pathlib import Path

from transforms import config, warehouse
from transforms.publish import DataQualityError
from transforms.pipeline import RunOptions, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="warledger", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p_run = sub.add_parser("run", help="ingest, extract, validate and load a file or folder")
    p_run.add_argument("--input", type=Path, help="landing file or folder (default: WARLEDGER_LANDING)")
    p_run.add_argument("--warehouse", type=Path, help="DuckDB file (default: WARLEDGER_WAREHOUSE)")
    p_run.add_argument("--staging", type=Path, help="run folders (default: WARLEDGER_STAGING)")
    p_run.add_argument("--docs", type=Path, help="Data Docs folder (default: WARLEDGER_DOCS)")
    p_run.add_argument("--since", help="only articles published on or after YYYY-MM-DD")
    p_run.add_argument("--until", help="only articles published on or before YYYY-MM-DD")
    p_run.add_argument("--reprocess", action="store_true",
                       help="read every file again and re-extract articles already loaded")

    p_sum = sub.add_parser("summary", help="what the warehouse holds, and where its report is")
    p_sum.add_argument("--warehouse", type=Path, help="DuckDB file (default: WARLEDGER_WAREHOUSE)")
    p_sum.add_argument("--docs", type=Path, help="Data Docs folder (default: WARLEDGER_DOCS)")

    p_eval = sub.add_parser("eval", help="run the pipeline on annotated data and print its accuracy")
    p_eval.add_argument("--gold", type=Path, required=True,
                        help="JSONL records with gold_* fields, or a *.gold.json beside its article")
    p_eval.add_argument("--split", choices=("tune", "check", "all"), default="all",
                        help="score only the dev records of this fixed half (by id hash; default: all)")

    p_bench = sub.add_parser("bench", help="time each stage on an input and print throughput and memory")
    p_bench.add_argument("--input", type=Path, required=True, help="landing file or folder")

    p_sql = sub.add_parser("sql", help="run a query on the warehouse, read-only")
    p_sql.add_argument("query")
    p_sql.add_argument("--warehouse", type=Path, help="DuckDB file (default: WARLEDGER_WAREHOUSE)")

    args = parser.parse_args(argv)
    cfg = _settings(args)
    if args.command == "eval":
        from transforms.evaluate import evaluate, report

        if not args.gold.exists():
            parser.error(f"--gold: {args.gold} does not exist")
        print(report(evaluate(args.gold, cfg, args.split)))
        return 0
    if args.command == "bench":
        from transforms.benchmark import bench, report

        print(report(bench(args.input, cfg)))
        return 0
    if args.command == "sql":
        if not cfg.warehouse.exists():
            parser.error(f"no warehouse at {cfg.warehouse}: run `warledger run` or the DAG first")
        con = warehouse.connect(cfg.warehouse, read_only=True)
        try:
            con.sql(args.query).show(max_width=160, max_rows=100)
        finally:
            con.close()
        return 0
    if args.command == "run":
        source = args.input or cfg.landing
        if not source.exists():
            parser.error(f"--input: {source} does not exist")
        run_id = "cli__" + datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        try:
            options = RunOptions.from_params(vars(args))
        except ValueError as err:
            parser.error(f"--since/--until: {err}")
        try:
            result = run(source, cfg, run_id, options)
        except DataQualityError as err:
            print(err, file=sys.stderr)
            return 1
        loaded = result["loaded"]
        print(f"run {run_id}: read {result['articles_read']} new article(s) from {source}")
        print(f"  loaded: {loaded['articles']} article(s), {loaded['sentences']} sentence(s), "
              f"{loaded['casualty_figures']} casualty figure(s), {loaded['quarantine']} quarantined record(s)")
        for failure in result.get("critical_failures") or []:
            print(f"  failed expectation: {failure}")
    print(summary(cfg))
    return 0


def summary(cfg: config.Settings) -> str:
    lines = [f"warehouse: {cfg.warehouse}"]
    if cfg.warehouse.exists():
        con = warehouse.connect(cfg.warehouse, read_only=True)
        try:
            counts = warehouse.counts(con)
        finally:
            con.close()
        lines.append("  " + ", ".join(f"{t}: {n}" for t, n in counts.items()))
    else:
        lines.append("  (not created yet)")
    index = cfg.docs / "report.html"
    lines.append(f"data-quality report: {index if index.exists() else '(not built yet)'}")
    return "\n".join(lines)


def _settings(args) -> config.Settings:
    cfg = config.settings()
    overrides = {k: getattr(args, k) for k in ("warehouse", "staging", "docs")
                 if getattr(args, k, None) is not None}
    return dataclasses.replace(cfg, **{k: v.resolve() for k, v in overrides.items()})


if __name__ == "__main__":
    sys.exit(main())
