"""The run folder: Parquet files that hand batches from task to task (XCom carries only paths).

The staging root is a local folder or a URL (``s3://bucket/staging``, ``gs://...``, ``file:///shared/...``):
URLs go through Airflow's ObjectStoragePath (its connection, if any, in the URL's user part,
``s3://aws_default@bucket/staging``), so workers on other machines share run folders by
configuration alone. Everything here uses only what both kinds of path offer.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, Union, overload

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

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

Location = Union[Path, "ObjectStoragePath"]
# One kind of path or the other, for functions that move a temporary file onto a target of the same kind
# (tmp.replace(target)); their overloads take either kind, so callers holding a Location may call them.
SameKind = TypeVar("SameKind", Path, "ObjectStoragePath")
# What an extract task leaves in a batch folder, and its record of them (rows and hashes).
EXTRACTED = (FIGURES, EVENTS, MENTIONS, EXTRACT_QUARANTINE)
EXTRACTED_MANIFEST = "extracted.json"


def location(value: str | Path) -> Location:
    """A staging path from a setting or an XCom value: a URL becomes an ObjectStoragePath (Airflow is
    imported only then), anything else a local Path."""
    if isinstance(value, Path) or "://" not in str(value):
        return Path(value)
    from airflow.sdk import ObjectStoragePath

    return value if isinstance(value, ObjectStoragePath) else ObjectStoragePath(str(value))


def run_dir(staging: str | Path, run_id: str) -> Location:
    """One folder per run: the run id made safe for a path, plus a hash of the id itself, so that no
    id ("." or "..", which Airflow accepts in part) names the staging root or its parent, and two
    ids that read alike ("a:b", "a+b") never share a folder."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", run_id)[:80]
    return location(staging) / f"{slug}.{hashlib.sha1(run_id.encode('utf-8')).hexdigest()[:8]}"


def remove(folder: Location) -> None:
    if isinstance(folder, Path):
        shutil.rmtree(folder, ignore_errors=True)
    elif folder.exists():
        folder.fs.rm(folder.path, recursive=True)


def prune(staging: str | Path, keep_days: int) -> None:
    """Run folders hold article text: keep them long enough to re-run a run, then let them go."""
    cutoff = time.time() - keep_days * 86400
    for manifest in location(staging).glob(f"*/{MANIFEST}"):
        # Only run folders (they hold a manifest): the staging path may be shared with other data.
        if manifest.stat().st_mtime < cutoff:
            remove(manifest.parent)


@overload
def write(df: pd.DataFrame, path: Path) -> Path: ...
@overload
def write(df: pd.DataFrame, path: ObjectStoragePath) -> ObjectStoragePath: ...
def write(df: pd.DataFrame, path: SameKind) -> SameKind:
    """Write atomically: a retried task never reads half a file (a rename locally, a finished upload on a store)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), sink)
    with tmp.open("wb") as out:
        out.write(sink.getvalue())
    tmp.replace(path)
    return path


def read(path: Location) -> pd.DataFrame:
    return pq.read_table(_arrow_buffer(path)).to_pandas()


def _arrow_buffer(path: Location) -> pa.Buffer:
    """The file's bytes in memory Arrow owns. Arrow's pool threads, ending at interpreter exit, may drop
    the last reference to what a read used; when that is a Python object (a file, or bytes) they need
    the GIL to free it and the process aborts (SIGABRT, "terminate called without an active
    exception": apache/arrow#34314), one run in four with a Python file. A staged file is one batch."""
    sink = pa.BufferOutputStream()
    with path.open("rb") as source:
        sink.write(source.read())
    return sink.getvalue()


def write_batches(articles: pd.DataFrame, sentences: pd.DataFrame, folder: Location, batch_size: int) -> list[str]:
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
    frames = [read(location(b) / name) for b in batch_dirs if (location(b) / name).exists()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def count_rows(batch_dirs: list[str], name: str) -> int:
    """Rows of a staged file across batches, from the Parquet footers (nothing is loaded)."""
    return sum(_num_rows(location(b) / name) for b in batch_dirs if (location(b) / name).exists())


def _num_rows(path: Location) -> int:
    return pq.read_metadata(_arrow_buffer(path)).num_rows


def file_hash(path: Location) -> str:
    with path.open("rb") as source:
        return hashlib.sha256(source.read()).hexdigest()


@overload
def write_extracted_manifest(batch: Path) -> None: ...
@overload
def write_extracted_manifest(batch: ObjectStoragePath) -> None: ...
def write_extracted_manifest(batch: SameKind) -> None:
    """What extraction wrote: publish refuses a batch whose files no longer match (an emptied or
    swapped file would otherwise publish as success, its articles never extracted again)."""
    files = {name: {"rows": _num_rows(batch / name), "sha256": file_hash(batch / name)} for name in EXTRACTED}
    tmp = batch / f"{EXTRACTED_MANIFEST}.tmp"
    with tmp.open("w") as out:
        out.write(json.dumps(files, indent=1))
    tmp.replace(batch / EXTRACTED_MANIFEST)


def extracted_mismatches(batch: Location) -> list[str]:
    """How a batch's extracted files differ from its manifest; empty when they match."""
    path = batch / EXTRACTED_MANIFEST
    if not path.exists():
        return [f"{batch}: no {EXTRACTED_MANIFEST}"]
    problems = []
    with path.open("r") as source:
        manifest = json.loads(source.read())
    for name, want in manifest.items():
        rows = _num_rows(batch / name)
        if rows != want["rows"]:
            problems.append(f"{batch / name} holds {rows} row(s), its manifest {want['rows']}")
        elif file_hash(batch / name) != want["sha256"]:
            problems.append(f"{batch / name} does not match its manifest's hash")
    return problems
