"""The rows the stages hand each other: their columns, their ids, and the quarantine row.

Every stage quarantines what it cannot read in the same shape, so that one table holds each bad record
with the file and the reason; an id is the sha1 of what the row says, so re-running adds nothing.
"""

from __future__ import annotations

import hashlib
import logging
import traceback
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# Of a bad record's raw text, what the quarantine keeps: enough to find and fix it.
RAW_KEEP = 2000
ARTICLE_COLUMNS = [
    "article_id", "external_id", "url", "title", "published_date", "published_date_from", "source",
    "body", "ingested_at", "source_file", "content_hash",
]
SENTENCE_COLUMNS = ["article_id", "sentence_index", "text"]
QUARANTINE_COLUMNS = ["source_file", "record_ref", "reason", "raw", "quarantined_at", "stage"]
STAGED_QUARANTINE_COLUMNS = QUARANTINE_COLUMNS + ["quarantine_id"]
# Enough reasons to see in a task log what went wrong; the quarantine table keeps every one.
LOGGED_REASONS = 20


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def unexpected(err: BaseException) -> str:
    """A quarantine reason for an error no rule foresaw: its type, message and where it was raised."""
    frame = traceback.extract_tb(err.__traceback__)[-1] if err.__traceback__ else None
    where = f" (at {Path(frame.filename).name}:{frame.lineno} in {frame.name})" if frame else ""
    return f"unexpected {type(err).__name__}: {err}{where}"


def log_quarantined(log: logging.Logger, stage: str, reasons: list[str]) -> None:
    """Each new quarantine reason at WARNING, the first LOGGED_REASONS of them, then how many more."""
    for reason in reasons[:LOGGED_REASONS]:
        log.warning("quarantined at %s: %s", stage, reason, stacklevel=2)
    if len(reasons) > LOGGED_REASONS:
        log.warning("quarantined at %s: %d more (every reason is in the quarantine table)", stage,
                    len(reasons) - LOGGED_REASONS, stacklevel=2)


def quarantine_row(source_file: str, ref: str | None, reason: str, raw: str | bytes | None,
                   now: datetime) -> dict:
    if isinstance(raw, bytes):
        raw = raw[:RAW_KEEP].decode("utf-8", errors="replace")
    return {"source_file": source_file, "record_ref": ref, "reason": f"{source_file}: {reason}",
            "raw": None if raw is None else raw[:RAW_KEEP], "quarantined_at": now, "stage": "ingest"}


def with_quarantine_ids(rows: pd.DataFrame) -> pd.DataFrame:
    """A quarantine row's id is its content, so the same bad record is never quarantined twice."""
    rows = rows.copy()
    rows["quarantine_id"] = [
        sha1("|".join(str(v) for v in (r.source_file, r.record_ref, r.reason, r.raw)))[:16]
        for r in rows.itertuples(index=False)
    ]
    return rows
