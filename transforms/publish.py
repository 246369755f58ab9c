"""Publish: validate a run's staged rows with Great Expectations and merge them into the warehouse.

Rows that fail a critical expectation are quarantined with the expectation
named; an article that fails takes its sentences and figures with it.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from transforms import staging, warehouse
from transforms.extract import FIGURE_COLUMNS
from transforms.ingest import QUARANTINE_COLUMNS, sha1
from transforms.validate import Validation, build_data_docs, validate


def publish(run_folder: str, warehouse_path: Path, docs_dir: Path, run_id: str) -> dict:
    """Validate and load everything staged under ``run_folder``; return the run's summary."""
    folder = Path(run_folder)
    batches = sorted(str(p) for p in folder.glob("batch_*") if p.is_dir())
    articles = staging.read_batches(batches, staging.ARTICLES)
    sentences = staging.read_batches(batches, staging.SENTENCES)
    figures = staging.read_batches(batches, staging.FIGURES)
    quarantine = staging.read(folder / staging.QUARANTINE) if (folder / staging.QUARANTINE).exists() else \
        pd.DataFrame(columns=QUARANTINE_COLUMNS + ["quarantine_id"])
    if figures.empty:
        figures = pd.DataFrame(columns=FIGURE_COLUMNS)

    summary = {"run_id": run_id, "warehouse": str(warehouse_path), "articles_read": len(articles),
               "figures_read": len(figures), "ingest_quarantined": len(quarantine)}
    if articles.empty and quarantine.empty:
        return {**summary, "loaded": {t: 0 for t in warehouse.TABLES}, "data_docs": None}

    checked_articles = validate("articles", articles, run_id)
    good_articles = checked_articles.passed
    figures = figures[figures["article_id"].isin(good_articles["article_id"])]
    sentences = sentences[sentences["article_id"].isin(good_articles["article_id"])] if len(sentences) else sentences
    dated = figures.merge(good_articles[["article_id", "published_date"]], on="article_id", how="left")
    checked_figures = validate("casualty_figures", dated, run_id)

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    rejected = pd.concat([
        quarantine,
        _rejections(checked_articles, "article_id", articles, now),
        _rejections(checked_figures, "figure_id", articles, now),
    ], ignore_index=True)
    dq = pd.concat([checked_articles.results, checked_figures.results], ignore_index=True)
    loaded = warehouse.merge(
        warehouse_path, run_id, good_articles, sentences,
        checked_figures.passed[FIGURE_COLUMNS], rejected[QUARANTINE_COLUMNS + ["quarantine_id"]], dq,
    )
    docs = build_data_docs(Path(docs_dir), run_id, [checked_articles, checked_figures])
    return {**summary, "validation_quarantined": len(rejected) - len(quarantine),
            "critical_failures": checked_articles.critical_failures + checked_figures.critical_failures,
            "loaded": loaded, "data_docs": str(docs)}


def with_quarantine_ids(rows: pd.DataFrame) -> pd.DataFrame:
    """A quarantine row's id is its content, so the same bad record is never quarantined twice."""
    rows = rows.copy()
    rows["quarantine_id"] = [
        sha1("|".join(str(v) for v in (r.source_file, r.record_ref, r.reason, r.raw)))[:16]
        for r in rows.itertuples(index=False)
    ]
    return rows


def _rejections(checked: Validation, key: str, articles: pd.DataFrame, now: datetime) -> pd.DataFrame:
    failed = checked.failed
    if failed.empty:
        return pd.DataFrame(columns=QUARANTINE_COLUMNS + ["quarantine_id"])
    files = articles.set_index("article_id")["source_file"].to_dict()
    rows = pd.DataFrame({
        "source_file": failed["article_id"].map(files).fillna("?"),
        "record_ref": failed[key].astype(str),
        "reason": f"{checked.table}: " + failed["reason"],
        "raw": [json.dumps(r, default=str)[:2000] for r in failed.drop(columns="reason").to_dict("records")],
        "quarantined_at": now,
        "stage": "validate",
    })
    return with_quarantine_ids(rows)
