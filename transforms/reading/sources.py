"""The sources file: which feeds and article pages ``warledger fetch`` follows, and how politely.

A YAML file (``WARLEDGER_SOURCES``, default ``sources.yml``)::

    defaults:                 # optional: settings every source takes unless it sets its own
      min_interval_s: 1
    sources:
      - name: example-news    # becomes articles.source
        feed: https://example.org/world/rss.xml
      - name: saved-pages
        pages: [https://example.org/2022/07/03/story.html]

A mistake in the file is a SourcesError naming the file, the source and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlparse

import yaml

USER_AGENT = "warledger-fetch/0.1 (news-to-ledger fetcher; honours robots.txt)"


class SourcesError(ValueError):
    """The sources file cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Source:
    name: str
    feed: str | None = None
    pages: tuple[str, ...] = ()
    min_interval_s: float = 1.0      # at most one request per host this often
    user_agent: str = USER_AGENT
    max_items: int | None = None     # only the feed's first (newest) items
    timeout_s: float = 20.0          # per socket operation
    retries: int = 3                 # more attempts after a 5xx, a timeout or a refused connection
    backoff_s: float = 1.0           # the first retry's wait, doubled for each next one


_NUMBERS = {"min_interval_s": float, "timeout_s": float, "backoff_s": float, "retries": int, "max_items": int}
_SETTINGS = set(_NUMBERS) | {"user_agent"}
_KEYS = {f.name for f in fields(Source)}


def load_sources(path: Path) -> list[Source]:
    """The sources of a sources file, checked; an absent file is an error, an empty list is not."""
    path = Path(path)
    if not path.is_file():
        raise SourcesError(f"{path}: no sources file (set WARLEDGER_SOURCES or pass --sources)")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise SourcesError(f"{path}: not YAML: {err}") from None
    if not isinstance(doc, dict) or not set(doc) <= {"defaults", "sources"}:
        raise SourcesError(f"{path}: want a mapping with 'sources' (and optional 'defaults')")
    defaults = doc.get("defaults") or {}
    if not isinstance(defaults, dict) or not set(defaults) <= _SETTINGS:
        raise SourcesError(f"{path}: 'defaults' may only set {', '.join(sorted(_SETTINGS))}")
    entries = doc.get("sources") or []
    if not isinstance(entries, list):
        raise SourcesError(f"{path}: 'sources' is not a list")
    sources = [_source(path, n, {**defaults, **entry} if isinstance(entry, dict) else entry)
               for n, entry in enumerate(entries, start=1)]
    names = [s.name for s in sources]
    if len(set(names)) < len(names):
        raise SourcesError(f"{path}: source names repeat: {sorted({n for n in names if names.count(n) > 1})}")
    return sources


def _source(path: Path, number: int, entry) -> Source:
    where = f"{path}: source {number}"
    if not isinstance(entry, dict):
        raise SourcesError(f"{where} is not a mapping")
    unknown = set(entry) - _KEYS
    if unknown:
        raise SourcesError(f"{where}: unknown key(s) {sorted(unknown)} (known: {sorted(_KEYS)})")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SourcesError(f"{where}: needs a 'name'")
    where = f"{path}: source {name!r}"
    feed, pages = _urls(where, entry)
    return Source(name=name.strip(), feed=feed, pages=tuple(pages), **_politeness(where, entry))


def _urls(where: str, entry: dict) -> tuple[str | None, list[str]]:
    """A source's feed and pages: at least one, each an http(s) URL."""
    pages = entry.get("pages") or []
    if isinstance(pages, str) or not isinstance(pages, list):
        raise SourcesError(f"{where}: 'pages' is not a list of URLs")
    feed = entry.get("feed")
    if feed is None and not pages:
        raise SourcesError(f"{where}: needs a 'feed' or 'pages'")
    for url in ([feed] if feed is not None else []) + pages:
        if not isinstance(url, str) or urlparse(url).scheme not in ("http", "https") or not urlparse(url).netloc:
            raise SourcesError(f"{where}: not an http(s) URL: {url!r}")
    return feed, pages


def _politeness(where: str, entry: dict) -> dict:
    """A source's own politeness settings (the numbers and the user agent), checked."""
    values: dict = {}
    for key, kind in _NUMBERS.items():
        if entry.get(key) is not None:
            value = entry[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 \
                    or (kind is int and value != int(value)):
                raise SourcesError(f"{where}: '{key}' must be a non-negative {kind.__name__}, got {value!r}")
            values[key] = kind(value)
    if entry.get("user_agent") is not None:
        if not isinstance(entry["user_agent"], str) or not entry["user_agent"].strip():
            raise SourcesError(f"{where}: 'user_agent' must be a string")
        values["user_agent"] = entry["user_agent"].strip()
    return values
