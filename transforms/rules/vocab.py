"""The vocabularies, read from the CSV files in vocab/ (their one source of truth)."""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib.resources import files

VOCAB_DIR = files(__package__) / "vocab"


@lru_cache(maxsize=None)
def rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of vocab/<name>.csv as dicts."""
    # Bytes decoded as they are (Traversable.open takes no newline=''), so quoted line breaks stay intact.
    text = (VOCAB_DIR / f"{name}.csv").read_bytes().decode("utf-8")
    return tuple(csv.DictReader(io.StringIO(text, newline="")))


def column(name: str, col: str) -> list[str]:
    """One column of a vocabulary, in file order, without repeats."""
    return list(dict.fromkeys(row[col] for row in rows(name)))


def mapping(name: str, key: str, value: str) -> dict[str, str]:
    return {row[key]: row[value] for row in rows(name)}


@lru_cache(maxsize=None)
def words(name: str, role: str, by: str = "role") -> frozenset[str]:
    """The words of vocab/<name>.csv whose column ``by`` is ``role``."""
    return frozenset(row["word"] for row in rows(name) if row[by] == role)


@lru_cache(maxsize=None)
def lemmas(name: str) -> frozenset[str]:
    """The lemma column of vocab/<name>.csv, for membership tests."""
    return frozenset(column(name, "lemma"))
