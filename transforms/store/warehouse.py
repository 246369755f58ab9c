"""The DuckDB warehouse: schema, read-only look-ups, and the writes of the publish task.

DuckDB allows one writer per file. Only the publish task (in a one-slot pool) opens the
file read-write: ``merge`` for a run's rows in one transaction, ``record_failed_validation``
for the results of a publish that stopped. Everything else opens it read-only.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import duckdb

from transforms.config import settings

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    import pandas as pd


# The tables first, then the marts over them (views only): package data, read through importlib.resources.
SCHEMA = tuple(files(__package__) / name for name in ("warehouse.sql", "marts.sql"))
TABLES = ["articles", "article_versions", "sentences", "casualty_figures", "events", "event_mentions",
          "quarantine", "dq_results", "landing_files", "incidents", "incident_casualties", "incident_members"]
# Rows that belong to an article version: replaced together when the article changes.
ARTICLE_TABLES = {"sentences": "sentences", "figures": "casualty_figures", "events": "events",
                  "mentions": "event_mentions"}


@dataclass
class Rows:
    """One run's validated rows, frames with the warehouse tables' columns (run_id is added on load)."""

    articles: pd.DataFrame
    sentences: pd.DataFrame
    figures: pd.DataFrame = field(default_factory=lambda: _empty())
    events: pd.DataFrame = field(default_factory=lambda: _empty())
    mentions: pd.DataFrame = field(default_factory=lambda: _empty())
    quarantine: pd.DataFrame = field(default_factory=lambda: _empty())
    # Earlier texts of articles, delivered in the same run as a later one: versions, never articles.
    versions: pd.DataFrame = field(default_factory=lambda: _empty())


def _empty() -> pd.DataFrame:
    # pandas is imported by what loads rows, not by `warledger sql` (it takes most of its start-up).
    import pandas as pd

    return pd.DataFrame()


class Known(NamedTuple):
    """What the warehouse already holds, for ingest to skip."""

    articles: set[tuple[str, str]]   # (article_id, content_hash)
    quarantine: set[str]             # quarantine_id
    files: set[tuple[str, str]]      # (path, content_hash)


@lru_cache(maxsize=None)
def columns(table: str) -> list[str]:
    """A table's columns in DDL order, less the run_id that loading adds: the DDL is their one source."""
    with duckdb.connect() as con:
        con.execute(schema())
        return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall() if r[0] != "run_id"]


@lru_cache(maxsize=None)
def schema() -> str:
    """The DDL of every table and mart, then COMMENT ON for each from its own SQL comments."""
    texts = [p.read_text(encoding="utf-8") for p in SCHEMA]
    return "\n".join(texts + [comments(t) for t in texts])


_CREATE = re.compile(r"^CREATE (?:OR REPLACE )?(TABLE|VIEW)(?: IF NOT EXISTS)? (\w+)")
_TABLE_COLUMN = re.compile(r"^ {4}(\w+)\s+[A-Z]")
_VIEW_COLUMN = re.compile(r"(\w+)\s*,?\s*$")


def comments(ddl: str) -> str:
    """COMMENT ON statements from a DDL file's comments, so that ``duckdb_columns()`` explains every
    column: a relation's comment is the comment block just above its CREATE; a table column's, the
    comment on its line (and its continuation lines); a view column's, the comment after its ``AS name``."""
    out: list[str] = []
    block: list[str] = []
    relation = kind = column = None
    notes: dict[str, list[str]] = {}

    def flush() -> None:
        out.extend(f"COMMENT ON COLUMN {relation}.{c} IS {_quoted(' '.join(t))};" for c, t in notes.items())
        notes.clear()

    for line in ddl.splitlines():
        if line.startswith("--"):
            block.append(line[2:].strip())
            continue
        code, _, note = line.partition(" -- ")
        if created := _CREATE.match(line):
            kind, relation = created.groups()
            column = None
            if block:
                out.append(f"COMMENT ON {kind} {relation} IS {_quoted(' '.join(block))};")
        elif relation and kind == "TABLE" and (started := _TABLE_COLUMN.match(code)):
            column = started.group(1)
        elif relation and kind == "VIEW" and note and (named := _VIEW_COLUMN.search(code)):
            column = named.group(1)
        block = []
        if relation and note and column:
            notes.setdefault(column, []).append(note.strip())
        if relation and code.rstrip().endswith(";"):
            flush()
            relation = column = None
    return "\n".join(out)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def rows(path: Path, sql: str) -> list[dict]:
    """A query's rows as dicts, on a read-only connection (readers never block the publish for long)."""
    with connect(path, read_only=True) as con:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]


class WarehouseLocked(RuntimeError):
    """Another process held the warehouse's lock for longer than the wait."""


# DuckDB's own sandbox: no file but the warehouse, no ATTACH, no COPY TO, no extension, and the
# settings frozen so that the SQL run cannot lift them.
SANDBOX: dict[str, str | bool | int | float | list[str]] = {"enable_external_access": False, "lock_configuration": True}


def connect(path: Path, read_only: bool = False, wait_seconds: float | None = None,
            sandboxed: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting (WARLEDGER_LOCK_WAIT_SECONDS) while another process holds its lock.

    ``sandboxed`` opens it read-only for SQL from users (``warledger sql``)."""
    path = Path(path)
    read_only = read_only or sandboxed
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    if wait_seconds is None:
        wait_seconds = settings().lock_wait_seconds
    deadline = time.monotonic() + wait_seconds
    delay = 0.5
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=SANDBOX if sandboxed else {})
            break
        except duckdb.IOException as err:
            if "lock" not in str(err).lower():
                raise
            holder = re.search(r"lock is held in (.+?)(?:\. See also|$)", str(err))
            who = holder[1] if holder else "another process"
            if time.monotonic() > deadline:
                raise WarehouseLocked(f"{path} is locked by {who}; waited {wait_seconds:g} s "
                                      "(WARLEDGER_LOCK_WAIT_SECONDS), try again when it lets go") from None
            if delay == 0.5:    # the first refusal: say once why the task seems to stand still
                log.info("%s is locked by %s: waiting up to %g s (WARLEDGER_LOCK_WAIT_SECONDS)", path, who,
                         wait_seconds)
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
    if not read_only:
        con.execute(schema())
    return con


def existing_keys(path: Path) -> Known:
    """What is already loaded; nothing before the first load."""
    if not Path(path).exists():
        return Known(set(), set(), set())
    with connect(path, read_only=True) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}

        def rows(table: str, sql: str) -> list[tuple]:
            return con.execute(sql).fetchall() if table in tables else []

        return Known(
            set(rows("articles", "SELECT article_id, content_hash FROM articles")),
            {r[0] for r in rows("quarantine", "SELECT quarantine_id FROM quarantine")},
            set(rows("landing_files", "SELECT path, content_hash FROM landing_files")),
        )


def merge(path: Path, run_id: str, rows: Rows, dq_results: pd.DataFrame,
          files: pd.DataFrame | None = None, replace: bool = False) -> dict[str, int]:
    """Load one run's validated rows in a single transaction; re-running it adds nothing.

    An article whose URL is known but whose content changed replaces the old
    version's sentences and figures; every version stays in article_versions.
    With ``replace`` (a reprocessing run) known articles are replaced as well.
    """
    start = time.perf_counter()
    with connect(path) as con:
        before = counts(con)
        con.begin()
        try:
            if files is not None:
                con.register("new_files", files)
            _merge(con, run_id, rows, replace)
            # From the whole warehouse, so a new article's report updates the incident it tells of.
            # Imported here: readers (warledger sql) need no pandas.
            from transforms.store import incidents

            incidents.rebuild(con)
            # A publish that stopped and now went through: its old failures no longer describe the run.
            con.execute("DELETE FROM dq_results WHERE run_id = ? AND NOT success", [run_id])
            record_results(con, dq_results)
            if files is not None and len(files):
                con.execute("""
                    INSERT INTO landing_files BY NAME
                    SELECT path, content_hash, size_bytes, ? AS run_id, now()::TIMESTAMP AS read_at FROM new_files
                    ON CONFLICT DO NOTHING
                """, [run_id])
            con.commit()
        except BaseException:
            con.rollback()
            raise
        after = counts(con)
    added = {t: after[t] - before[t] for t in TABLES}
    log.info("merged run %s into %s: %s; %.1f s", run_id, path,
             ", ".join(f"{t} {n:+d}" for t, n in added.items() if n) or "no row added", time.perf_counter() - start)
    return added


def _merge(con, run_id: str, rows: Rows, replace: bool) -> None:
    if len(rows.versions):
        _merge_versions(con, run_id, rows.versions)
    if len(rows.articles):
        con.register("new_articles", rows.articles)
        con.execute("""
            CREATE TEMP TABLE incoming AS
            SELECT n.* REPLACE (
                       -- a reprocessed article keeps the day it was first read
                       CASE WHEN a.content_hash = n.content_hash THEN a.ingested_at ELSE n.ingested_at END
                       AS ingested_at),
                   CASE WHEN a.content_hash = n.content_hash THEN a.version
                        ELSE COALESCE((SELECT max(v.version) FROM article_versions v
                                       WHERE v.article_id = n.article_id), 0) + 1 END AS version
            FROM new_articles n
            LEFT JOIN articles a USING (article_id)
            WHERE (? AND a.content_hash = n.content_hash)
               OR (a.content_hash IS DISTINCT FROM n.content_hash
                   -- re-running an old run must not bring back a version a later run replaced
                   AND NOT EXISTS (SELECT 1 FROM article_versions v
                                   WHERE v.article_id = n.article_id AND v.content_hash = n.content_hash))
        """, [replace])
        for table in ("articles", *ARTICLE_TABLES.values()):
            con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT article_id FROM incoming)")
        con.execute("""
            INSERT INTO articles BY NAME
            SELECT article_id, external_id, url, title, published_date, published_date_from, source, body,
                   ingested_at, source_file, content_hash, version, ? AS run_id
            FROM incoming
        """, [run_id])
        con.execute("""
            INSERT INTO article_versions BY NAME
            SELECT article_id, version, content_hash, title, published_date, body, ingested_at, source_file,
                   ? AS run_id
            FROM incoming
            ON CONFLICT DO NOTHING
        """, [run_id])
        for attr, table in ARTICLE_TABLES.items():
            frame = getattr(rows, attr)
            if len(frame):
                con.register(f"new_{table}", frame)
                # Sentences carry no run_id: they are the article's, whichever run read it.
                run_col = "" if table == "sentences" else ", ? AS run_id"
                con.execute(f"""
                    INSERT INTO {table} BY NAME
                    SELECT n.*{run_col} FROM new_{table} n JOIN incoming USING (article_id)
                """, [] if table == "sentences" else [run_id])
        con.execute("DROP TABLE incoming")
    if len(rows.quarantine):
        con.register("new_quarantine", rows.quarantine)
        con.execute("""
            INSERT INTO quarantine BY NAME
            SELECT q.*, ? AS run_id FROM new_quarantine q
            WHERE q.quarantine_id NOT IN (SELECT quarantine_id FROM quarantine)
        """, [run_id])


def _merge_versions(con, run_id: str, versions: pd.DataFrame) -> None:
    """Versions not yet kept, numbered after the article's last, in the order delivered."""
    con.register("new_versions", versions.assign(delivered=range(len(versions))))
    con.execute("""
        INSERT INTO article_versions BY NAME
        SELECT article_id, content_hash, title, published_date, body, ingested_at, source_file,
               ? AS run_id,
               COALESCE((SELECT max(v.version) FROM article_versions v WHERE v.article_id = n.article_id), 0)
               + row_number() OVER (PARTITION BY article_id ORDER BY delivered) AS version
        FROM new_versions n
        WHERE NOT EXISTS (SELECT 1 FROM article_versions v
                          WHERE v.article_id = n.article_id AND v.content_hash = n.content_hash)
    """, [run_id])


def record_results(con, dq_results: pd.DataFrame) -> None:
    """Keep a run's expectation results; the first record of a (run, table, expectation) stands."""
    if len(dq_results):
        con.register("new_dq", dq_results)
        con.execute("INSERT INTO dq_results BY NAME SELECT * FROM new_dq ON CONFLICT DO NOTHING")


def record_failed_validation(path: Path, dq_results: pd.DataFrame) -> None:
    """A stopped publish loads nothing but its validation results, so the failure stays visible."""
    with connect(path) as con:
        record_results(con, dq_results)


def counts(con) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
