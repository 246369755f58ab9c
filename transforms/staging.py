"""The run folder: Parquet files that hand batches from task to task (XCom carries only paths)."""

from __future__ import annotations

import hashlib
import json
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
VERSIONS = "article_versions.parquet"
MANIFEST = "manifest.json"
# Articles extraction failed on, with the error: quarantined at publish.
EXTRACT_QUARANTINE = "extract_quarantine.parquet"
# What an extract task leaves in a batch folder, and its record of them (rows and hashes).
EXTRACTED = (FIGURES, EVENTS, MENTIONS, EXTRACT_QUARANTINE)
EXTRACTED_MANIFEST = "extracted.json"


def run_dir(staging: Path, run_id: str) -> Path:
    """One folder per run: the run id made safe for a path, plus a hash of the id itself, so that no
    id ("." or "..", which Airflow accepts in part) names the staging root or its parent, and two
    ids that read alike ("a:b", "a+b") never share a folder."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", run_id)[:80]
    return Path(staging) / f"{slug}.{hashlib.sha1(run_id.encode('utf-8')).hexdigest()[:8]}"


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


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_extracted_manifest(batch: Path) -> None:
    """What extraction wrote: publish refuses a batch whose files no longer match (an emptied or
    swapped file would otherwise publish as success, its articles never extracted again)."""
    files = {name: {"rows": pq.read_metadata(batch / name).num_rows, "sha256": file_hash(batch / name)}
             for name in EXTRACTED}
    tmp = batch / f"{EXTRACTED_MANIFEST}.tmp"
    tmp.write_text(json.dumps(files, indent=1))
    tmp.replace(batch / EXTRACTED_MANIFEST)


def extracted_mismatches(batch: Path) -> list[str]:
    """How a batch's extracted files differ from its manifest; empty when they match."""
    path = batch / EXTRACTED_MANIFEST
    if not path.exists():
        return [f"{batch}: no {EXTRACTED_MANIFEST}"]
    problems = []
    for name, want in json.loads(path.read_text()).items():
        rows = pq.read_metadata(batch / name).num_rows
        if rows != want["rows"]:
            problems.append(f"{batch / name} holds {rows} row(s), its manifest {want['rows']}")
        elif file_hash(batch / name) != want["sha256"]:
            problems.append(f"{batch / name} does not match its manifest's hash")
    return problems
