"""``warledger fetch``: new articles from the sources file, as one JSONL file per fetch in the landing folder.

Incremental: feeds are asked conditionally (If-None-Match / If-Modified-Since from
the last answer), and an item settled once (fetched, or failed for good: a 4xx,
robots.txt, no article text) is never downloaded again. A transient failure (5xx
after retries, a timeout) leaves the item unsettled and the feed's validators
unsaved, so the next fetch asks again. The state is a JSON file beside the landing
folder, not the warehouse: the fetch never takes DuckDB's one writer lock.

Failures reach ``quarantine`` through that writer too: each fetch that meets new
failures writes them to ``fetch-<time>.failures.jsonl`` in the landing folder, and
ingest turns that file's lines into quarantine rows (stage ``fetch``) that publish
loads with the rest. A failure is written once, not at every fetch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from transforms.reading.pages import Item, NotAnArticle, article, item_record, parse_feed
from transforms.reading.sources import Source, load_sources
from transforms.reading.web import Client, FetchError

FAILURES_SUFFIX = ".failures.jsonl"
# Enough of a body that is not a feed to see what it was; ingest keeps less.
SAMPLE_BYTES = 4000
log = logging.getLogger(__name__)


@dataclass
class SourceReport:
    name: str
    seen: int = 0
    new: int = 0
    fetched: int = 0
    failures: list[dict] = field(default_factory=list)
    unchanged: bool = False           # the feed answered 304

    def line(self) -> str:
        text = (f"{self.name}: {self.seen} item(s) seen, {self.new} new, {self.fetched} fetched, "
                f"{len(self.failures)} failed" + (" (feed unchanged)" if self.unchanged else ""))
        return "\n".join([text] + [f"  failed: {f['reason']}" for f in self.failures])


@dataclass
class FetchReport:
    sources: list[SourceReport]
    articles: str | None = None       # the JSONL file written, if any article was new
    failures: str | None = None       # the failures file written, if any failure was new
    written: int = 0

    def lines(self) -> str:
        out = [s.line() for s in self.sources]
        out.append(f"wrote {self.written} article(s) to {self.articles}" if self.articles else "no new article")
        if self.failures:
            out.append(f"new failures recorded in {self.failures} (quarantined by the next run)")
        return "\n".join(out)


def state_path(landing: Path) -> Path:
    """Beside the landing folder, so that it is never read as a landing file."""
    landing = Path(landing).resolve()
    return landing.parent / f"{landing.name}.fetch-state.json"


def fetch(sources_file: Path, landing: Path, state_file: Path | None = None, max_file_mb: float = 20.0) -> FetchReport:
    """Fetch every source in turn; one failing source never stops the others."""
    start = time.perf_counter()
    sources = load_sources(sources_file)
    landing = Path(landing)
    landing.mkdir(parents=True, exist_ok=True)
    state_file = Path(state_file) if state_file else state_path(landing)
    state = _load_state(state_file)
    client = Client(max_bytes=int(max_file_mb * 1e6))
    records: list[dict] = []
    reports = [_fetch_source(source, client, state, records) for source in sources]

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    report = FetchReport(reports, written=len(records))
    if records:
        report.articles = str(_write_jsonl(landing / f"fetch-{stamp}.jsonl", records))
    new_failures = [f for r in reports for f in r.failures if _once(state, f)]
    if new_failures:
        report.failures = str(_write_jsonl(landing / f"fetch-{stamp}{FAILURES_SUFFIX}", new_failures))
    # Written after the articles: a crash in between fetches them again, and ingest reads them once.
    _save_state(state_file, state)
    _log(report, sum(1 for s in sources if s.feed), time.perf_counter() - start)
    return report


def _log(report: FetchReport, feeds: int, seconds: float) -> None:
    for source in report.sources:
        log.info("fetched %s: %d item(s) seen, %d new, %d fetched, %d failed%s", source.name, source.seen,
                 source.new, source.fetched, len(source.failures), " (feed unchanged)" if source.unchanged else "")
        for failure in source.failures:
            log.warning("fetch %s failed: %s", source.name, failure["reason"])
    log.info("fetch: %d source(s), %d feed(s), %d item(s) seen, %d fetched, %d failed; wrote %d article(s) to %s; "
             "%.1f s", len(report.sources), feeds, sum(r.seen for r in report.sources),
             sum(r.fetched for r in report.sources), sum(len(r.failures) for r in report.sources), report.written,
             report.articles or "no file", seconds)


def _fetch_source(source: Source, client: Client, state: dict, records: list[dict]) -> SourceReport:
    report = SourceReport(source.name)
    items: list[Item] = [Item(url, url, None, None, None) for url in source.pages]
    settle_feed = None
    if source.feed:
        try:
            feed_items, settle_feed = _read_feed(source.feed, source, client, state)
            items += feed_items
            report.unchanged = settle_feed is None
        except (FetchError, NotAnArticle) as err:
            report.failures.append(_failure(source, source.feed, str(err), getattr(err, "raw", None)))
    report.seen = len(items)
    unsettled = False
    for item in items:
        key = item.id or item.url or ""
        if key in state["done"]:
            continue
        report.new += 1
        try:
            records.append(_fetch_item(item, source, client))
            report.fetched += 1
        except (FetchError, NotAnArticle) as err:
            report.failures.append(_failure(source, item.url or key, str(err), None))
            if isinstance(err, FetchError) and err.transient:
                unsettled = True
                continue
        state["done"][key] = _now()
    if settle_feed and not unsettled:
        settle_feed()
    return report


def _read_feed(feed: str, source: Source, client: Client, state: dict):
    """The feed's items (none on a 304), and a callable that stores its validators once all are settled."""
    known = state["feeds"].get(feed, {})
    reply = client.get(feed, source, known.get("etag"), known.get("last_modified"))
    if reply.status == 304:
        return [], None
    try:
        items = parse_feed(reply.body, reply.content_type)
    except NotAnArticle as err:
        err.raw = reply.body[:SAMPLE_BYTES].decode("utf-8", errors="replace")
        raise
    validators = {"etag": reply.etag, "last_modified": reply.last_modified}
    return items[:source.max_items], lambda: state["feeds"].__setitem__(feed, validators)


def _fetch_item(item: Item, source: Source, client: Client) -> dict:
    if not item.url:
        # A feed that carries its stories whole has no page to download.
        return item_record(item, source.name)
    reply = client.get(item.url, source)
    return item_record(item, source.name, article(reply.body, reply.url))


def _failure(source: Source, url: str, reason: str, raw: str | None) -> dict:
    return {"source_file": url, "record_ref": source.name, "reason": f"{url}: {reason}", "raw": raw,
            "quarantined_at": _now()}


def _once(state: dict, failure: dict) -> bool:
    """True the first time a failure (URL and reason) is met: a broken feed is quarantined once, not hourly."""
    key = hashlib.sha1(failure["reason"].encode("utf-8")).hexdigest()[:16]
    if key in state["reported"]:
        return False
    state["reported"][key] = failure["quarantined_at"]
    return True


def _now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _load_state(path: Path) -> dict:
    state = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {"feeds": state.get("feeds", {}), "done": state.get("done", {}), "reported": state.get("reported", {})}


def _save_state(path: Path, state: dict) -> None:
    _atomic_write(path, json.dumps(state, indent=1, sort_keys=True) + "\n")


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    _atomic_write(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return path


def _atomic_write(path: Path, text: str) -> None:
    # A hidden temporary name: ingest skips hidden files, so a half-written file is never read.
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def failure_rows(data: bytes, raw_keep: int) -> list[dict]:
    """Quarantine rows (stage ``fetch``) of a failures file that a fetch wrote."""
    rows = []
    for line in data.decode("utf-8").splitlines():
        if line.strip():
            failure = json.loads(line)
            rows.append({**failure, "raw": (failure.get("raw") or "")[:raw_keep] or None, "stage": "fetch",
                         "quarantined_at": datetime.fromisoformat(failure["quarantined_at"])})
    return rows
