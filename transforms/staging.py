"""The run folder: Parquet files that hand batches from task to task (XCom carries only paths)."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ARTICLES = "articles.parquet"
SENTENCES = "sentences.parquet"
FIGURES = "casualty_figures.parquet"
EVENTS = "events.parquet"
MENTIONS = "event_mentions.parquet"
QUARANTINE = "quarantine.parquet"
LANDING_FILES = "landing_files.parquet"
MANIFEST = "manifest.json"
# What an extract task leaves in a batch folder.
EXTRACTED = (FIGURES, EVENTS, MENTIONS)


def run_dir(staging: Path, run_id: str) -> Path:
    """One folder per run, named after the run id with characters paths dislike replaced."""
    return Path(staging) / re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id)


def prune(staging: Path, keep_days: int) -> None:
    """Run folders hold article text: keep them long enough to re-run a run, then let them go."""
    cutoff = time.time() - keep_days * 86400
    for manifest in Path(staging).glob(f"*/{MANIFEST}"):
        # Only run folders (they hold a manifest): the staging path may be shared with other data.
        if manifest.stat().st_mtime < cutoff:
            shutil.rmtree(manifest.parent, ignore_errors=True)


def write(df: pd.DataFrame, path: Path) -> Path:
    """Write atomically: a retried task never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), tmp)
    tmp.replace(path)
    return path


def read(path: Path) -> pd.DataFrame:
    return pq.read_table(path).to_pandas()


def write_batches(articles: pd.DataFrame, sentences: pd.DataFrame, folder: Path, batch_size: int) -> list[str]:
    """Split new articles into batch folders of at most ``batch_size`` articles each."""
    batches = []
    for n, start in enumerate(range(0, len(articles), batch_size)):
        batch = articles.iloc[start:start + batch_size]
        bdir = folder / f"batch_{n:05d}"
        write(batch, bdir / ARTICLES)
        write(sentences[sentences["article_id"].isin(batch["article_id"])], bdir / SENTENCES)
        batches.append(str(bdir))
    return batches


def read_batches(batch_dirs: list[str], name: str) -> pd.DataFrame:
    frames = [read(Path(b) / name) for b in batch_dirs if (Path(b) / name).exists()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def count_rows(batch_dirs: list[str], name: str) -> int:
    """Rows of a staged file across batches, from the Parquet footers (nothing is loaded)."""
    return sum(pq.read_metadata(Path(b) / name).num_rows for b in batch_dirs if (Path(b) / name).exists())
