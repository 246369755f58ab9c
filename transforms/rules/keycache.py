"""Tables the rules derive slowly from what ships with them, kept on disk between processes.

Keying every GeoNames spelling of a country's towns (places.name_key) takes seconds for a
large country, and each extract task is a new process. A table is stored as JSON under
the hash of everything it is computed from, so a changed gazetteer, vocabulary or rule
reads another file and a stale one is never read. JSON, not pickle: a file in a shared
cache folder is data, never code run on load.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from transforms.config import settings

log = logging.getLogger(__name__)


def location(kind: str, inputs: bytes) -> Path:
    """Where the table of this kind computed from these inputs is kept."""
    return settings().cache / kind / f"{hashlib.sha256(inputs).hexdigest()}.json"


def load_or_build(kind: str, inputs: bytes, build: Callable[[], Any]) -> Any:
    """The table ``build`` computes from ``inputs``: read from the cache, else built and stored there."""
    path = location(kind, inputs)
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as err:   # unreadable or cut short: built again, and the file replaced
        log.warning("cache file %s unreadable (%s): building it again", path, err)
    table = build()
    _store(path, table)
    return table


def _store(path: Path, table: Any) -> None:
    """Written beside its place and renamed into it, so that a process reading it meanwhile never sees
    half a file. A cache that cannot be written (a read-only home) only costs the next process the time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False, encoding="utf-8") as f:
            json.dump(table, f, ensure_ascii=False)
        os.replace(f.name, path)
    except OSError as err:
        log.warning("cannot write cache file %s (%s): the table is kept for this process only", path, err)
