"""The ``warledger`` command: the pipeline without Airflow, and a look at the warehouse.

Each command imports what it needs when it runs (spaCy, GX and DuckDB take seconds to import),
so ``--help`` and ``sql`` start at once.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from transforms import config


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except Exception as err:
        # Imported only now (a raised WarehouseLocked means it already is): --help stays fast.
        from transforms.store.warehouse import WarehouseLocked

        if not isinstance(err, WarehouseLocked):
            raise
        # Waiting is over: one line that names the file and its holder, not a traceback.
        print(f"warledger: {err}", file=sys.stderr)
        return 1


def _main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    cfg = _settings(args)
    level = logging.getLevelName(cfg.log_level)
    if not isinstance(level, int):
        parser.error(f"WARLEDGER_LOG_LEVEL: unknown level {cfg.log_level!r} (DEBUG, INFO, WARNING, ERROR)")
    if args.verbose:
        level = min(level, logging.INFO if args.verbose == 1 else logging.DEBUG)
    if args.command in ("sql", "export") and not cfg.warehouse.exists():
        parser.error(f"no warehouse at {cfg.warehouse}: run `warledger run` or the DAG first")
    with _logging_to_stderr(level):
        return COMMANDS[args.command](args, cfg, parser)


def _parser() -> argparse.ArgumentParser:
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

    p_fetch = sub.add_parser("fetch", help="download new articles from the sources file into the landing folder")
    p_fetch.add_argument("--sources", type=Path, help="sources file (default: WARLEDGER_SOURCES)")
    p_fetch.add_argument("--landing", type=Path, help="folder to write to (default: WARLEDGER_LANDING)")
    p_fetch.add_argument("--state", type=Path, help="fetch state file (default: beside the landing folder)")

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

    p_sql = sub.add_parser("sql", help="run a query on the warehouse, read-only, with no access to other files")
    p_sql.add_argument("query")
    p_sql.add_argument("--warehouse", type=Path, help="DuckDB file (default: WARLEDGER_WAREHOUSE)")
    p_sql.add_argument("--max-rows", type=int, default=100, help="rows to print at most (default: 100)")

    p_exp = sub.add_parser("export", help="write a table or mart to CSV, Parquet or GeoJSON, read-only")
    p_exp.add_argument("table", help="a table or view, e.g. incidents, events, daily_casualties")
    p_exp.add_argument("--format", required=True, choices=["csv", "parquet", "geojson"],
                       help="geojson: points from latitude/longitude (incidents, events, casualty_figures)")
    p_exp.add_argument("--out", type=Path, required=True, help="the file to write")
    p_exp.add_argument("--warehouse", type=Path, help="DuckDB file (default: WARLEDGER_WAREHOUSE)")

    # Before or after the command: `warledger -v run` and `warledger run -v` alike.
    _verbosity(parser, 0)
    for command in sub.choices.values():
        _verbosity(command, argparse.SUPPRESS)
    return parser


def _verbosity(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument("-v", "--verbose", action="count", default=default,
                        help="log to stderr what each stage read, wrote and skipped (-v INFO, -vv DEBUG; "
                             "default: WARLEDGER_LOG_LEVEL, else WARNING)")


@contextlib.contextmanager
def _logging_to_stderr(level: int) -> Iterator[None]:
    """The package's log lines on stderr while a command runs, so that stdout holds only its own output;
    the logger is left as it was after (a caller may run several commands in one process)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    package = logging.getLogger("transforms")
    was = package.level
    package.addHandler(handler)
    package.setLevel(level)
    try:
        yield
    finally:
        package.removeHandler(handler)
        package.setLevel(was)


def _eval(args, cfg: config.Settings, parser: argparse.ArgumentParser) -> int:
    from transforms.entry.evaluate import evaluate, report

    if not args.gold.exists():
        parser.error(f"--gold: {args.gold} does not exist")
    print(report(evaluate(args.gold, cfg, args.split)))
    return 0


def _bench(args, cfg: config.Settings, parser: argparse.ArgumentParser) -> int:
    from transforms.entry.benchmark import bench, report

    print(report(bench(args.input, cfg)))
    return 0


def _fetch(args, cfg: config.Settings, parser: argparse.ArgumentParser) -> int:
    from transforms.reading.fetch import fetch
    from transforms.reading.sources import SourcesError

    landing = args.landing or cfg.landing
    if landing.exists() and not landing.is_dir():
        parser.error(f"--landing: {landing} is a file; fetch writes into a folder")
    try:
        report = fetch(args.sources or cfg.sources, landing, args.state, cfg.max_file_mb)
    except SourcesError as err:
        parser.error(str(err))
    print(report.lines())
    return 0


def _sql(args, cfg: config.Settings, parser: argparse.ArgumentParser) -> int:
    import duckdb

    from transforms.store import warehouse

    with warehouse.connect(cfg.warehouse, sandboxed=True) as con:
        try:
            con.sql(args.query).show(max_width=160, max_rows=args.max_rows)
        except duckdb.Error as err:
            print(f"error: {one_line(err)}", file=sys.stderr)
            return 1
    return 0


def _export(args, cfg: config.Settings, parser: argparse.ArgumentParser) -> int:
    import duckdb

    from transforms.store.export import ExportError, export

    try:
        n = export(cfg.warehouse, args.table, args.format, args.out)
    except (ExportError, duckdb.Error) as err:
        print(f"error: {one_line(err)}", file=sys.stderr)
        return 1
    print(f"{args.out}: {n} {'feature' if args.format == 'geojson' else 'row'}(s) of {args.table}")
    return 0


def _run(args, cfg: config.Settings, parser: argparse.ArgumentParser) -> int:
    from transforms.stages.pipeline import RunOptions, run
    from transforms.stages.publish import DataQualityError

    source = args.input or cfg.landing
    if not source.exists():
        parser.error(f"--input: {source} does not exist")
    run_id = "cli__" + datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    try:
        options = RunOptions.from_params(vars(args))
    except ValueError as err:
        parser.error(f"--since/--until: {err}")
    from tqdm.contrib.logging import logging_redirect_tqdm

    try:
        # Log lines printed above the bar rather than through it.
        with logging_redirect_tqdm([logging.getLogger("transforms")]):
            result = run(source, cfg, run_id, options, progress=_progress_bar)
    except DataQualityError as err:
        print(err, file=sys.stderr)
        return 1
    loaded = result.loaded
    print(f"run {run_id}: read {result.articles_read} new article(s) from {source}")
    print(f"  loaded: {loaded['articles']} article(s), {loaded['sentences']} sentence(s), "
          f"{loaded['casualty_figures']} casualty figure(s), {loaded['events']} event(s), "
          f"{loaded['quarantine']} quarantined record(s)")
    print(summary(cfg))
    return 0


def _summary(args, cfg: config.Settings, parser: argparse.ArgumentParser) -> int:
    print(summary(cfg))
    return 0


COMMANDS = {"run": _run, "fetch": _fetch, "summary": _summary, "eval": _eval, "bench": _bench, "sql": _sql,
            "export": _export}


def summary(cfg: config.Settings) -> str:
    from transforms.store import warehouse

    lines = [f"warehouse: {cfg.warehouse}"]
    if cfg.warehouse.exists():
        with warehouse.connect(cfg.warehouse, read_only=True) as con:
            counts = warehouse.counts(con)
        lines.append("  " + ", ".join(f"{t}: {n}" for t, n in counts.items()))
    else:
        lines.append("  (not created yet)")
    index = cfg.docs / "report.html"
    lines.append(f"data-quality report: {index if index.exists() else '(not built yet)'}")
    return "\n".join(lines)


def one_line(err: Exception) -> str:
    """DuckDB's message without its query echo and caret lines, on one line."""
    lines = [line.strip() for line in str(err).splitlines()]
    return " ".join(line for line in lines if line and not line.startswith(("LINE ", "^")))


def _progress_bar(batches: list[str]):
    """A bar on stderr for runs long enough to wait on (shown after 3 s, only on a terminal)."""
    from tqdm import tqdm

    return tqdm(batches, desc="extract", unit="batch", delay=3, disable=None, file=sys.stderr)


def _settings(args) -> config.Settings:
    cfg = config.settings()
    overrides = {k: getattr(args, k) for k in ("warehouse", "staging", "docs")
                 if getattr(args, k, None) is not None}
    return dataclasses.replace(cfg, **{k: v.resolve() for k, v in overrides.items()})


if __name__ == "__main__":
    sys.exit(main())
