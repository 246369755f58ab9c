"""The DuckDB warehouse: schema, read-only look-ups, and the one transactional merge that writes.

DuckDB allows one writer per file. Only ``merge`` opens the file read-write (the
publish task, in a one-slot pool); everything else opens it read-only.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pandas as pd

DDL = Path(__file__).resolve().parent / "warehouse.sql"
TABLES = ["articles", "article_versions", "sentences", "casualty_figures", "quarantine", "dq_results"]


def connect(path: Path, read_only: bool = False, wait_seconds: float = 60.0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting while another process holds the write lock."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    delay = 0.5
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as err:
            if "lock" not in str(err).lower() or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
    if not read_only:
        con.execute(DDL.read_text())
    return con


def existing_keys(path: Path) -> tuple[set[tuple[str, str]], set[str]]:
    """(article_id, content_hash) pairs and quarantine ids already loaded; empty before the first load."""
    if not Path(path).exists():
        return set(), set()
    con = connect(path, read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "articles" not in tables:
            return set(), set()
        articles = set(con.execute("SELECT article_id, content_hash FROM articles").fetchall())
        quarantined = {r[0] for r in con.execute("SELECT quarantine_id FROM quarantine").fetchall()}
        return articles, quarantined
    finally:
        con.close()


def merge(path: Path, run_id: str, articles: pd.DataFrame, sentences: pd.DataFrame,
          figures: pd.DataFrame, quarantine: pd.DataFrame, dq_results: pd.DataFrame) -> dict[str, int]:
    """Load one run's validated rows in a single transaction; re-running it adds nothing.

    An article whose URL is known but whose content changed replaces the old
    version's sentences and figures; every version stays in article_versions.
    """
    con = connect(path)
    try:
        before = _counts(con)
        con.begin()
        try:
            for name, frame in (("new_articles", articles), ("new_sentences", sentences), ("new_figures", figures),
                                ("new_quarantine", quarantine), ("new_dq", dq_results)):
                if len(frame.columns):
                    con.register(name, frame)
            _merge(con, run_id, articles, figures, quarantine, dq_results)
            con.commit()
        except BaseException:
            con.rollback()
            raise
        after = _counts(con)
        return {t: after[t] - before[t] for t in TABLES}
    finally:
        con.close()


def _merge(con, run_id: str, articles, figures, quarantine, dq_results) -> None:
    if len(articles):
        con.execute("""
            CREATE TEMP TABLE incoming AS
            SELECT n.*, COALESCE(a.version, 0) + 1 AS version
            FROM new_articles n
            LEFT JOIN articles a USING (article_id)
            WHERE a.content_hash IS DISTINCT FROM n.content_hash
        """)
        con.execute("DELETE FROM sentences WHERE article_id IN (SELECT article_id FROM incoming)")
        con.execute("DELETE FROM casualty_figures WHERE article_id IN (SELECT article_id FROM incoming)")
        con.execute("DELETE FROM articles WHERE article_id IN (SELECT article_id FROM incoming)")
        con.execute("""
            INSERT INTO articles BY NAME
            SELECT article_id, external_id, url, title, published_date, source, body,
                   ingested_at, source_file, content_hash, version, ? AS run_id
            FROM incoming
        """, [run_id])
        con.execute("""
            INSERT INTO article_versions BY NAME
            SELECT article_id, version, content_hash, title, published_date, body, ingested_at, source_file,
                   ? AS run_id
            FROM incoming
        """, [run_id])
        con.execute("""
            INSERT INTO sentences BY NAME
            SELECT s.article_id, s.sentence_index, s.text FROM new_sentences s
            JOIN incoming USING (article_id)
        """)
        if len(figures):
            con.execute("""
                INSERT INTO casualty_figures BY NAME
                SELECT f.*, ? AS run_id FROM new_figures f
                JOIN incoming USING (article_id)
            """, [run_id])
        con.execute("DROP TABLE incoming")
    if len(quarantine):
        con.execute("""
            INSERT INTO quarantine BY NAME
            SELECT q.*, ? AS run_id FROM new_quarantine q
            WHERE q.quarantine_id NOT IN (SELECT quarantine_id FROM quarantine)
        """, [run_id])
    if len(dq_results):
        con.execute("INSERT INTO dq_results BY NAME SELECT * FROM new_dq ON CONFLICT DO NOTHING")


def _counts(con) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
