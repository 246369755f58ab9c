"""The pipeline's path, as plain functions: the DAG's tasks and the CLI call these."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from transforms.config import Settings
from transforms.reading.ingest import file_digest, landing_files, supported
from transforms.reading.rows import log_quarantined, quarantine_row
from transforms.store import warehouse

if TYPE_CHECKING:
    import pandas as pd

    from transforms.stages.publish import RunSummary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOptions:
    """A manual run's choices (the DAG's params); the defaults are a scheduled run's."""

    since: date | None = None       # only articles published on or after this day
    until: date | None = None       # ... and on or before this day
    reprocess: bool = False         # read every file and re-extract known articles (after a rules change)

    @property
    def backfill(self) -> bool:
        return self.since is not None or self.until is not None

    @classmethod
    def from_params(cls, params: dict) -> "RunOptions":
        return cls(_day(params.get("since")), _day(params.get("until")), bool(params.get("reprocess")))


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def stage(input_path: Path, cfg: Settings, run_id: str, options: RunOptions = RunOptions()) -> list[str]:
    """Ingest the landing input and stage what the warehouse lacks; return the batch folders.

    Files already read (same path, same bytes) are skipped; the run folder is rebuilt
    from scratch, so a retried or re-run task stages the same thing.
    """
    import pandas as pd

    from transforms.reading import staging
    from transforms.reading.ingest import ingest_files
    from transforms.reading.rows import with_quarantine_ids

    start = time.perf_counter()
    staging.prune(cfg.staging, cfg.staging_keep_days)
    folder = staging.run_dir(cfg.staging, run_id)
    staging.remove(folder)
    folder.mkdir(parents=True)

    found, outside = _landing(input_path, cfg)
    known = warehouse.existing_keys(cfg.warehouse)
    files = pd.DataFrame(_unread(found, cfg, set() if options.reprocess else known.files),
                         columns=["path", "content_hash", "size_bytes"])
    ingested = ingest_files([Path(p) for p in files["path"]], cfg.max_file_mb,
                            max_sentence_chars=cfg.max_sentence_chars)
    ingested.quarantine += outside
    articles, sentences, quarantine = ingested.frames()
    staging.write(ingested.versions_frame(), folder / staging.VERSIONS)
    log.info("ingest %s: %d file(s) found, %d skipped as already read (same path, same bytes), %d read: "
             "%d article(s), %d sentence(s), %d record(s) quarantined", input_path, len(found),
             len(found) - len(files), len(files), len(articles), len(sentences), len(quarantine))

    read_articles = len(articles)
    if options.backfill:
        articles = _published_in(articles, options)
    in_range = len(articles)
    if not options.reprocess:
        articles = _without(articles, ["article_id", "content_hash"], known.articles)
    sentences = sentences[sentences["article_id"].isin(articles["article_id"])]
    quarantine = with_quarantine_ids(quarantine)
    quarantine = quarantine[~quarantine["quarantine_id"].isin(known.quarantine)]

    staging.write(quarantine, folder / staging.QUARANTINE)
    # A date-filtered backfill has not read its files whole: it must not mark them as read.
    # An unsupported file is quarantined but not marked as read, so that support added later reads it.
    read = files[files["path"].map(lambda p: supported(Path(p))).astype(bool)]
    staging.write(read.iloc[0:0] if options.backfill else read, folder / staging.LANDING_FILES)
    (folder / staging.MANIFEST).write_text(json.dumps({**asdict(options), "input": str(input_path)}, default=str))
    batches = staging.write_batches(articles, sentences, folder, cfg.batch_size)
    log_quarantined(log, "ingest", quarantine["reason"].tolist())
    log.info("staged run %s: %d article(s) and %d sentence(s) in %d batch(es), %d new quarantine row(s); "
             "skipped %d article(s) already loaded and %d published outside --since/--until; %.1f s", run_id,
             len(articles), len(sentences), len(batches), len(quarantine), in_range - len(articles),
             read_articles - in_range, time.perf_counter() - start)
    return batches


def _published_in(articles: pd.DataFrame, options: RunOptions) -> pd.DataFrame:
    """The articles published between ``options.since`` and ``options.until``; undated ones are left out."""
    import pandas as pd

    days = pd.to_datetime(articles["published_date"])
    keep = pd.Series(True, index=articles.index)
    if options.since:
        keep &= days >= pd.Timestamp(options.since)
    if options.until:
        keep &= days <= pd.Timestamp(options.until)
    return articles[keep.fillna(False)]


def nothing_new(input_path: Path, cfg: Settings, options: RunOptions = RunOptions()) -> str | None:
    """Why a run would stage and publish nothing (every file read before, same path and bytes), or None.

    It hashes the files and reads the warehouse's list of read files, with neither pandas nor a
    run folder, so that an hourly run finding nothing stops within a second or two. A symlink
    leading outside the roots, or an unsupported file (never marked as read), leaves the decision
    to ``stage``, which knows its quarantine row.
    """
    if options.reprocess:
        return None
    found, outside = _landing(input_path, cfg)
    if outside or _unread(found, cfg, warehouse.existing_keys(cfg.warehouse).files):
        return None
    return f"nothing new in {input_path}: {len(found)} file(s), each read before (same path, same bytes)"


def _landing(input_path: Path, cfg: Settings) -> tuple[list[Path], list[dict]]:
    """The input's files inside the allowed roots (the input itself is one), and a quarantine row for each outside."""
    return _inside_roots(landing_files(Path(input_path)), (*cfg.input_roots, Path(input_path).resolve()))


def _unread(found: list[Path], cfg: Settings, read: set[tuple]) -> list[dict]:
    """Each file's path, content hash and size, without the files already ``read`` (same path, same hash)."""
    files = ({"path": str(f), "content_hash": file_digest(f, cfg.max_file_mb), "size_bytes": f.stat().st_size}
             for f in found)
    return [f for f in files if (f["path"], f["content_hash"]) not in read]


class InputOutsideRoots(ValueError):
    """A run's input that lies outside WARLEDGER_INPUT_ROOTS."""


def dag_input(param: str | None, cfg: Settings) -> Path:
    """The DAG's ``input`` param, or the landing folder: whoever can trigger a run picks it, so it
    must lie inside WARLEDGER_INPUT_ROOTS (the worker would read any path it can)."""
    path = (Path(param) if param else cfg.landing).resolve()
    if not any(path.is_relative_to(root) for root in cfg.input_roots):
        raise InputOutsideRoots(f"input {param} resolves to {path}, outside WARLEDGER_INPUT_ROOTS "
                                f"({os.pathsep.join(map(str, cfg.input_roots))})")
    return path


def _inside_roots(files: list[Path], roots: tuple[Path, ...]) -> tuple[list[Path], list[dict]]:
    """The files that resolve inside ``roots``, newest delivery (modification time) last, so that a
    later version under one URL wins; quarantine rows for the rest (symlinks leading out), unread."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    inside, outside = [], []
    for file in files:
        target = file.resolve()
        if any(target.is_relative_to(root) for root in roots):
            inside.append(file)
        else:
            outside.append(quarantine_row(str(file), None, f"leads outside the input roots (to {target}); "
                                          "not read (WARLEDGER_INPUT_ROOTS)", None, now))
    return sorted(inside, key=lambda f: (f.stat().st_mtime_ns, str(f))), outside


def _without(frame: pd.DataFrame, columns: list[str], keys: set[tuple]) -> pd.DataFrame:
    """The rows whose values in ``columns`` are not among ``keys``."""
    import pandas as pd

    known = [tuple(row) in keys for row in frame[columns].itertuples(index=False)]
    return frame[~pd.Series(known, index=frame.index, dtype=bool)]


def run(input_path: Path, cfg: Settings, run_id: str, options: RunOptions = RunOptions(),
        progress: Callable[[list[str]], Iterable[str]] = iter) -> RunSummary:
    """The whole path without Airflow: stage, extract each batch (through ``progress``, e.g. a bar), publish."""
    from transforms.reading import staging
    from transforms.stages.extract import extract_batch  # spaCy: only when there is something to read
    from transforms.stages.publish import publish_run

    batches = stage(input_path, cfg, run_id, options)
    start = time.perf_counter()
    for batch in progress(batches):
        extract_batch(batch, cfg.spacy_model)
    if batches:
        counts = [staging.count_rows(batches, name) for name in (staging.ARTICLES, staging.SENTENCES,
                                                                 staging.FIGURES, staging.EVENTS)]
        log.info("extracted run %s: %d batch(es), %d articles, %d sentences, %d figures, %d events, %.1f s",
                 run_id, len(batches), *counts, time.perf_counter() - start)
    return publish_run(cfg, run_id)
