"""The pipeline's path, as plain functions: the DAG's tasks and the CLI call these."""

from __future__ import annotations

import shutil
from pathlib import Path

from transforms import staging, warehouse
from transforms.config import Settings
from transforms.extract import extract_batch
from transforms.ingest import ingest
from transforms.publish import publish, with_quarantine_ids


def stage(input_path: Path, cfg: Settings, run_id: str) -> list[str]:
    """Ingest the landing input and stage what the warehouse lacks; return the batch folders.

    The run folder is rebuilt from scratch, so a retried or re-run task stages the same thing.
    """
    folder = staging.run_dir(cfg.staging, run_id)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    articles, sentences, quarantine = ingest(Path(input_path), cfg.max_file_mb).frames()
    quarantine = with_quarantine_ids(quarantine)
    known_articles, known_quarantine = warehouse.existing_keys(cfg.warehouse)
    is_new = [(a, h) not in known_articles for a, h in zip(articles["article_id"], articles["content_hash"])]
    articles = articles[is_new]
    sentences = sentences[sentences["article_id"].isin(articles["article_id"])]
    quarantine = quarantine[~quarantine["quarantine_id"].isin(known_quarantine)]
    staging.write(quarantine, folder / staging.QUARANTINE)
    return staging.write_batches(articles, sentences, folder, cfg.batch_size)


def run(input_path: Path, cfg: Settings, run_id: str) -> dict:
    """The whole path without Airflow: stage, extract each batch, publish."""
    for batch in stage(input_path, cfg, run_id):
        extract_batch(batch, cfg.spacy_model)
    return publish(str(staging.run_dir(cfg.staging, run_id)), cfg.warehouse, cfg.docs, run_id)
