"""Shared fixtures: a throwaway Airflow home, settings pointed at a temporary warehouse, the gold files."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "samples"
SAMPLE_ARTICLE = SAMPLES / "lysychansk_20220703.txt"
SAMPLE_GOLD = SAMPLES / "lysychansk_20220703.gold.json"
CORPUS = SHARED / "corpus" / "guardian_nyt_ukraine_2022.jsonl"

# Airflow reads its home when first imported: point it at a temporary SQLite home before any test does.
_AIRFLOW_HOME = tempfile.mkdtemp(prefix="warledger-airflow-")
atexit.register(shutil.rmtree, _AIRFLOW_HOME, ignore_errors=True)
os.environ["AIRFLOW_HOME"] = _AIRFLOW_HOME
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO / "dags")
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "False"


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """A migrated SQLite metadata DB, made once per test session with Airflow's own CLI."""
    airflow = Path(sys.executable).parent / "airflow"
    subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True, env=os.environ.copy())
    return Path(_AIRFLOW_HOME)


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """WARLEDGER_* settings pointing into a temporary folder; returns the resolved settings."""
    from transforms.config import settings

    landing = tmp_path / "landing"
    landing.mkdir()
    monkeypatch.setenv("WARLEDGER_LANDING", str(landing))
    monkeypatch.setenv("WARLEDGER_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("WARLEDGER_STAGING", str(tmp_path / "staging"))
    monkeypatch.setenv("WARLEDGER_DOCS", str(tmp_path / "docs"))
    return settings()


@pytest.fixture(scope="session")
def language():
    """The configured spaCy model (WARLEDGER_SPACY_MODEL, default in config.py), loaded once per session."""
    from transforms.config import settings
    from transforms.rules import nlp

    return nlp.load(settings().spacy_model)


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads(SAMPLE_GOLD.read_text())


def query(warehouse: Path, sql: str) -> list[dict]:
    """Rows of a read-only query, as dicts."""
    from transforms.store.warehouse import rows

    return rows(warehouse, sql)


def snapshot(warehouse: Path) -> dict[str, list[dict]]:
    """Every warehouse table's rows (the DDL's list of tables, so a new table is covered without a test edit)."""
    from transforms.store.warehouse import TABLES

    return {t: query(warehouse, f"SELECT * FROM {t} ORDER BY ALL") for t in TABLES}


def assert_matches_gold(figures: list[dict], gold: dict) -> None:
    """Every gold figure is found exactly once (accept_also honoured) and nothing else came out."""
    fields = {"category": "category", "low": "low", "high": "high", "hedge": "hedge",
              "location": "location_name", "event_date": "event_date", "attributed_to": "attributed_to"}
    unmatched = list(figures)
    for g in gold["casualty_figures"]:
        def accepted(field, value, g=g):
            also = g.get("accept_also", {}).get(field, [])
            options = [g[field]] + (also if isinstance(also, list) else [also])
            return value in options
        candidates = [f for f in unmatched if f["sentence_text"].startswith(g["sentence_starts"])
                      and f["category"] == g["category"]
                      and all(accepted(k, str(f[col]) if k == "event_date" and f[col] else f[col])
                              for k, col in fields.items() if k != "category")]
        assert candidates, f"gold figure not found: {g}\namong: {figures}"
        unmatched.remove(candidates[0])
    assert not unmatched, f"figures that are not in the gold: {unmatched}"


def assert_events_match_gold(events: list[dict], gold: dict) -> None:
    """Gold events matched on (type, place, day); a gold list of places is one event at each of them."""
    def spots(g):
        places = g["location"] if isinstance(g["location"], list) else [g["location"]]
        return {(g["type"], place, g["event_date"]) for place in places}

    wanted = {(t, place_id(p), d) for g in gold["events"] for t, p, d in spots(g)}
    got = [(e["event_type"], place_id(e["location_name"]), str(e["event_date"])) for e in events]
    assert sorted(got) == sorted(wanted), f"missing: {wanted - set(got)}; extra: {set(got) - wanted}"


def place_id(name: str | None):
    """Spellings of one place ("Sloviansk", "Slovyansk") compare equal, as warledger eval compares them."""
    from transforms.entry.evaluate import geonameid_of

    return geonameid_of(name or "") or name


def settings_in(root: Path):
    """Settings whose landing folder (made here), warehouse, staging and docs lie under ``root``."""
    from dataclasses import replace

    from transforms.config import settings

    cfg = replace(settings(), landing=root / "landing", warehouse=root / "w.duckdb", staging=root / "staging",
                  docs=root / "docs")
    cfg.landing.mkdir(parents=True, exist_ok=True)
    return cfg


def corpus_records(ids: list[str]) -> str:
    """The corpus's JSONL lines of these record ids, read from ../shared (never copied into the repo)."""
    lines = [line for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    chosen = [line for line in lines if json.loads(line)["id"] in ids]
    assert len(chosen) == len(ids), f"the corpus no longer holds every record of {ids}"
    return "\n".join(chosen) + "\n"
