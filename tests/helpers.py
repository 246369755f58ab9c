"""Helpers shared by several test modules: rows like the pipeline makes, the report page read as data, and
what a fresh interpreter imports."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from html.parser import HTMLParser

import pandas as pd

from conftest import REPO

SLOVIANSK = "At least six people have died and 15 were injured in Sloviansk on Sunday"


def article(**changes) -> dict:
    row = {
        "article_id": "a-sloviansk", "external_id": None,
        "url": "https://news.example.org/2025/05/05/sloviansk", "title": "Strike on Sloviansk",
        "published_date": dt.date(2025, 5, 5), "source": "news.example.org", "body": SLOVIANSK + ".",
        "ingested_at": dt.datetime(2025, 5, 5, 9, 30), "source_file": "landing/sloviansk.txt",
        "content_hash": "c0ffee", "version": 1, "run_id": "run-1",
    }
    return {**row, **changes}


def articles(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(article()))


class Report(HTMLParser):
    """The page as data: runs in page order, each {"status", "tables": {table: {"status", "rows"}}},
    every row a list of its cells' text; plus every href and id."""

    def __init__(self, html: str):
        super().__init__()
        self.runs: dict[str, dict] = {}
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self._table = self._row = self._cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        elif tag == "section" and "data-run" in attrs:
            self._run = self.runs[attrs["data-run"]] = {"status": attrs["data-status"], "tables": {}}
        elif tag == "details" and "data-table" in attrs:
            self._table = self._run["tables"][attrs["data-table"]] = {"status": attrs["data-status"], "rows": []}
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row:
            self._table["rows"].append(self._row)
            self._row = None
        elif tag == "details":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def row(self, run: str, table: str, expectation: str) -> dict:
        row = next(r for r in self.runs[run]["tables"][table]["rows"] if r[0] == expectation)
        return dict(zip(["expectation", "severity", "result", "rows", "unexpected", "percent", "values"], row))


# What an empty or a cheap run must never import: the model, GX, and the modules that load them.
HEAVY = ("spacy", "great_expectations", "transforms.stages.extract", "transforms.quality.validate")


def modules_after(code: str, env: dict | None = None) -> set[str]:
    """The modules a fresh interpreter holds after running ``code`` (which may not print)."""
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-2000:]}"
    return set(json.loads(done.stdout.strip().splitlines()[-1]))
