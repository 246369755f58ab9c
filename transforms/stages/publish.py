"""Publish: validate a run's staged rows with Great Expectations and merge them into the warehouse.

Rows failing a critical expectation are quarantined with the expectation named
(an article that fails takes its sentences and figures with it). A critical
expectation that fails as a whole (more bad rows than its ``mostly`` allows, or a
column missing) means the batch is corrupt: nothing is merged, the results are
kept in dq_results and the Data Docs, and DataQualityError names the expectation.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from transforms.config import Settings
from transforms.reading import staging
from transforms.reading.rows import (
    ARTICLE_COLUMNS,
    QUARANTINE_COLUMNS,
    SENTENCE_COLUMNS,
    STAGED_QUARANTINE_COLUMNS,
    with_quarantine_ids,
)
from transforms.store import warehouse

if TYPE_CHECKING:
    from transforms.quality.validate import Validation

log = logging.getLogger(__name__)


class DataQualityError(RuntimeError):
    """A critical expectation failed: the publish stopped and the warehouse is unchanged."""


@dataclasses.dataclass(frozen=True)
class RunSummary:
    """What one publish read, set aside and loaded; ``loaded`` is the rows added per warehouse table."""

    run_id: str
    warehouse: str
    articles_read: int
    figures_read: int
    events_read: int
    ingest_quarantined: int
    loaded: dict[str, int]
    data_docs: str | None = None
    validation_quarantined: int = 0

    def to_dict(self) -> dict:
        """Plain JSON-able values, for XCom."""
        return dataclasses.asdict(self)


def publish_run(cfg: Settings, run_id: str) -> RunSummary:
    """Publish the run folder that ``pipeline.stage`` made for ``run_id``, with the options it recorded."""
    start = time.perf_counter()
    folder = staging.run_dir(cfg.staging, run_id)
    manifest = json.loads((folder / staging.MANIFEST).read_text())
    summary = publish(str(folder), cfg.warehouse, cfg.docs, run_id, replace=manifest["reprocess"],
                      min_bad_rows=cfg.dq_min_bad_rows)
    log.info("published run %s: read %d article(s), %d figure(s), %d event(s), %d quarantine row(s); "
             "%d row(s) set aside by validation; loaded %d article(s), %d figure(s), %d event(s) into %s; "
             "report %s; %.1f s", run_id, summary.articles_read, summary.figures_read, summary.events_read,
             summary.ingest_quarantined, summary.validation_quarantined, summary.loaded["articles"],
             summary.loaded["casualty_figures"], summary.loaded["events"], summary.warehouse,
             summary.data_docs or "not rebuilt", time.perf_counter() - start)
    return summary


@dataclasses.dataclass(frozen=True)
class _Staged:
    """A run folder's rows, read back: what extraction wrote and what ingest set aside."""

    articles: pd.DataFrame
    sentences: pd.DataFrame
    figures: pd.DataFrame
    events: pd.DataFrame
    mentions: pd.DataFrame
    quarantine: pd.DataFrame      # ingest's, with ids
    failed: pd.DataFrame          # articles extraction failed on
    files: pd.DataFrame
    versions: pd.DataFrame


def publish(run_folder: str, warehouse_path: Path, docs_dir: Path, run_id: str, replace: bool = False,
            min_bad_rows: int = 1) -> RunSummary:
    """Validate and load everything staged under ``run_folder``; return the run's summary."""
    staged = _read_staged(run_folder, run_id)
    read = RunSummary(run_id, str(warehouse_path), articles_read=len(staged.articles),
                      figures_read=len(staged.figures), events_read=len(staged.events),
                      ingest_quarantined=len(staged.quarantine), loaded={})
    if staged.articles.empty and staged.quarantine.empty:
        # Nothing new: record the files as read, validate nothing, add no row.
        loaded = warehouse.merge(
            warehouse_path, run_id, warehouse.Rows(staged.articles, staged.sentences, quarantine=staged.quarantine),
            pd.DataFrame(), staged.files) if len(staged.files) else {t: 0 for t in warehouse.TABLES}
        return dataclasses.replace(read, loaded=loaded)

    checks = _validate(staged, run_id)
    dq = pd.concat([c.results for c in checks.values()], ignore_index=True)
    failures = [f"{c.table}: {name}" for c in checks.values() for name in c.critical_failures(min_bad_rows)]
    if failures:
        warehouse.record_failed_validation(warehouse_path, dq)
        docs = _rebuild_report(Path(docs_dir), run_id, list(checks.values()), warehouse_path)
        raise DataQualityError(
            f"publish of run {run_id} stopped, the warehouse is unchanged: critical expectation(s) failed: "
            + "; ".join(failures) + f". Data Docs: {docs}")

    loaded = warehouse.merge(warehouse_path, run_id, _loadable(staged, checks), dq, staged.files, replace=replace)
    # After the commit: the report never shows a run the warehouse does not hold.
    docs = _rebuild_report(Path(docs_dir), run_id, list(checks.values()), warehouse_path)
    rejected = sum(len(c.failed) for table, c in checks.items() if table != "quarantine")
    return dataclasses.replace(read, validation_quarantined=rejected, loaded=loaded,
                               data_docs=str(docs) if docs else None)


def _read_staged(run_folder: str, run_id: str) -> _Staged:
    folder = staging.location(run_folder)
    batches = sorted(str(p) for p in folder.glob("batch_*") if p.is_dir())
    _check_extracted(run_id, batches)
    failed = _or_empty(staging.read_batches(batches, staging.EXTRACT_QUARANTINE), QUARANTINE_COLUMNS)
    # An article extraction failed on is quarantined whole: loaded without its figures, it would
    # never be read again.
    articles = _or_empty(staging.read_batches(batches, staging.ARTICLES), ARTICLE_COLUMNS)
    quarantine = _or_empty(_read_if_there(folder / staging.QUARANTINE), STAGED_QUARANTINE_COLUMNS)
    if len(failed):
        quarantine = pd.concat([quarantine, with_quarantine_ids(failed)], ignore_index=True)
    return _Staged(
        articles=articles[~articles["article_id"].isin(failed["record_ref"])],
        sentences=_or_empty(staging.read_batches(batches, staging.SENTENCES), SENTENCE_COLUMNS),
        figures=_or_empty(staging.read_batches(batches, staging.FIGURES), warehouse.columns("casualty_figures")),
        events=_or_empty(staging.read_batches(batches, staging.EVENTS), warehouse.columns("events")),
        mentions=_or_empty(staging.read_batches(batches, staging.MENTIONS), warehouse.columns("event_mentions")),
        quarantine=quarantine, failed=failed,
        files=_read_if_there(folder / staging.LANDING_FILES),
        versions=_or_empty(_read_if_there(folder / staging.VERSIONS), ARTICLE_COLUMNS),
    )


def _validate(staged: _Staged, run_id: str) -> dict[str, Validation]:
    """Each table's validation, by table; rows rejected anywhere are validated last, as quarantine rows."""
    # Only now: Great Expectations takes seconds to import, and an hourly run that found nothing never needs it.
    from transforms.quality.validate import validate

    checks = {"articles": validate("articles", staged.articles, run_id)}
    good = checks["articles"].passed[["article_id", "published_date"]]

    def of_good_articles(frame: pd.DataFrame, dated: bool = False) -> pd.DataFrame:
        frame = frame[frame["article_id"].isin(good["article_id"])]
        return frame.merge(good, on="article_id", how="left") if dated else frame

    checks["sentences"] = validate("sentences", of_good_articles(staged.sentences), run_id)
    checks["casualty_figures"] = validate("casualty_figures", of_good_articles(staged.figures, dated=True), run_id)
    checks["events"] = validate("events", of_good_articles(staged.events, dated=True), run_id)
    checks["event_mentions"] = validate("event_mentions", of_good_articles(staged.mentions), run_id)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    keys = {"articles": "article_id", "sentences": "sentence_index", "casualty_figures": "figure_id",
            "events": "event_id", "event_mentions": "mention_id"}
    rejected = pd.concat([staged.quarantine, *(_rejections(checks[t], key, staged.articles, now)
                                                for t, key in keys.items())], ignore_index=True)
    checks["quarantine"] = validate("quarantine", rejected, run_id)
    return checks


def _loadable(staged: _Staged, checks: dict[str, Validation]) -> warehouse.Rows:
    """The rows that passed, with each table's own columns (the joined published_date goes). Sentences
    failing their own checks leave their article whole: just those rows are dropped."""
    def passed(table: str) -> pd.DataFrame:
        return checks[table].passed[warehouse.columns(table)]

    events = passed("events")
    rejected_ids = set(checks["articles"].failed["article_id"]) | set(staged.failed["record_ref"])
    return warehouse.Rows(
        articles=checks["articles"].passed, sentences=passed("sentences"),
        versions=staged.versions[~staged.versions["article_id"].isin(rejected_ids)],
        figures=_without_dangling_events(passed("casualty_figures"), events),
        events=events,
        mentions=_without_dangling_events(passed("event_mentions"), events),
        quarantine=checks["quarantine"].passed[STAGED_QUARANTINE_COLUMNS],
    )


def _check_extracted(run_id: str, batches: list[str]) -> None:
    unextracted = [b for b in batches if not all((staging.location(b) / name).exists() for name in staging.EXTRACTED)]
    if unextracted:
        # A skipped or force-succeeded extract must not load articles that would never be read again.
        raise RuntimeError(f"run {run_id}: batch(es) not extracted: {', '.join(unextracted)}")
    problems = [p for b in batches for p in staging.extracted_mismatches(staging.location(b))]
    if problems:
        raise RuntimeError(f"run {run_id}: publish refused, the staged files are not what extraction wrote "
                           f"(re-run the batch's extract task): {'; '.join(problems)}")


def _rebuild_report(docs_dir: Path, run_id: str, checks: list[Validation], warehouse_path: Path) -> Path | None:
    """The report and Data Docs are derived state: a failure to write them (a full disk) is logged,
    never a failed load, and the next publish rebuilds them from every result kept."""
    try:
        from transforms.quality.docs import build_data_docs

        return build_data_docs(docs_dir, run_id, checks, Path(warehouse_path))
    except Exception as err:
        log.warning("run %s: the data-quality report in %s was not rebuilt (%s: %s); the next publish "
                    "rebuilds it", run_id, docs_dir / "report.html", type(err).__name__, err)
        return None


def _without_dangling_events(frame: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """A quarantined event leaves its figures and mentions in place, pointing nowhere: unlink them."""
    frame = frame.copy()
    frame.loc[~frame["event_id"].isin(events["event_id"]), "event_id"] = None
    return frame


def _read_if_there(path: staging.Location) -> pd.DataFrame:
    return staging.read(path) if path.exists() else pd.DataFrame()


def _or_empty(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame if len(frame.columns) else pd.DataFrame(columns=columns)


def _rejections(checked: Validation, key: str, articles: pd.DataFrame, now: datetime) -> pd.DataFrame:
    failed = checked.failed
    if failed.empty:
        return pd.DataFrame(columns=STAGED_QUARANTINE_COLUMNS)
    files = articles.set_index("article_id")["source_file"].to_dict()
    rows = pd.DataFrame({
        "source_file": failed["article_id"].map(files).fillna("?"),
        "record_ref": failed["article_id"].astype(str) + ":" + failed[key].astype(str)
        if key != "article_id" else failed[key].astype(str),
        "reason": f"{checked.table}: " + failed["reason"],
        "raw": [json.dumps(r, default=str)[:2000] for r in failed.drop(columns="reason").to_dict("records")],
        "quarantined_at": now,
        "stage": "validate",
    })
    return with_quarantine_ids(rows)
