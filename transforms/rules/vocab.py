"""The vocabularies, read from the CSV files in vocab/ (their one source of truth)."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

VOCAB_DIR = Path(__file__).resolve().parent / "vocab"


@lru_cache(maxsize=None)
def rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of vocab/<name>.csv as dicts."""
    with (VOCAB_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def column(name: str, col: str) -> list[str]:
    """One column of a vocabulary, in file order, without repeats."""
    return list(dict.fromkeys(row[col] for row in rows(name)))


def mapping(name: str, key: str, value: str) -> dict[str, str]:
    return {row[key]: row[value] for row in rows(name)}


@lru_cache(maxsize=None)
def words(name: str, role: str, column: str = "role") -> frozenset[str]:
    """The words of vocab/<name>.csv whose ``column`` is ``role``."""
    return frozenset(row["word"] for row in rows(name) if row[column] == role)
