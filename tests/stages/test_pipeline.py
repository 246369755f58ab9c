"""The pipeline without Airflow (the `warledger` command): real corpus, idempotence, versions, atomicity."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import CORPUS, SAMPLE_ARTICLE, query, snapshot
from transforms.stages.pipeline import run
from transforms.stages.publish import publish_run
from transforms.store import warehouse


def test_cli_runs_the_whole_corpus_and_a_second_run_adds_nothing(tmp_path):
    wh = tmp_path / "w.duckdb"
    cmd = [str(Path(sys.executable).parent / "warledger"), "run", "--input", str(CORPUS), "--warehouse", str(wh),
           "--staging", str(tmp_path / "staging"), "--docs", str(tmp_path / "docs")]
    first = subprocess.run([*cmd, "-v"], capture_output=True, text=True, check=True)
    assert "casualty figure(s)" in first.stdout and f"warehouse: {wh}" in first.stdout
    # -v: what each stage did on stderr, a line per batch and a total; stdout keeps only the summary.
    logged = first.stderr.splitlines()
    assert sum(" INFO transforms.stages.extract: extracted batch_" in line for line in logged) == 8
    assert any(" INFO transforms.stages.pipeline: extracted run cli__" in line
               and ": 8 batch(es), 397 articles, " in line for line in logged)
    assert any(" WARNING transforms.quality.validate: suite " in line for line in logged)
    assert not [line for line in first.stdout.splitlines() if " transforms." in line]
    assert f"data-quality report: {tmp_path / 'docs' / 'report.html'}" in first.stdout
    articles = query(wh, "SELECT count(*) AS n, count(DISTINCT external_id) AS ids FROM articles")[0]
    # 407 records, 10 of which repeat another record's title, date and text word for word.
    assert articles["n"] == 397
    figures = query(wh, "SELECT category, count(*) AS n FROM casualty_figures GROUP BY ALL")
    assert {f["category"] for f in figures} >= {"killed", "injured", "displaced"}
    before = snapshot(wh)
    second = subprocess.run(cmd, capture_output=True, text=True, check=True,
                            env={**os.environ, "WARLEDGER_LOG_LEVEL": "info"})
    assert "read 0 new article(s)" in second.stdout
    assert "1 file(s) found, 1 skipped as already read (same path, same bytes), 0 read" in second.stderr
    assert snapshot(wh) == before


def test_bad_files_are_quarantined_once_and_the_rest_loads(workspace, caplog):
    shutil.copy(SAMPLE_ARTICLE, workspace.landing / "good.txt")
    (workspace.landing / "empty.txt").write_text("")
    (workspace.landing / "feed.jsonl").write_text(
        '{"id": "a", "title": "T", "date": "2022-07-03", "url": null, '
        '"text": "Two civilians were killed in Kharkiv on Saturday."}\nnope\n')
    with caplog.at_level(logging.INFO, logger="transforms"):
        run(workspace.landing, workspace, "run-1")
    assert query(workspace.warehouse, "SELECT count(*) AS n FROM articles")[0]["n"] == 2
    warned = _package_warnings(caplog)
    assert [w.split(": ", 1)[0] for w in warned] == ["quarantined at ingest"] * 2
    assert "empty.txt: empty file" in warned[0] and "feed.jsonl: line 2: not JSON" in warned[1]
    reasons = sorted(q["reason"] for q in query(workspace.warehouse, "SELECT reason FROM quarantine"))
    assert len(reasons) == 2 and "empty.txt: empty file" in reasons[0] and "feed.jsonl: line 2: not JSON" in reasons[1]
    kharkiv = query(workspace.warehouse, "SELECT * FROM casualty_figures WHERE location_name = 'Kharkiv'")
    assert [(f["category"], f["low"], str(f["event_date"])) for f in kharkiv] == [("killed", 2, "2022-07-02")]
    before = snapshot(workspace.warehouse)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="transforms"):
        run(workspace.landing, workspace, "run-2")
    assert snapshot(workspace.warehouse) == before
    assert _package_warnings(caplog) == []
    assert any("3 file(s) found, 3 skipped as already read" in r.getMessage() for r in caplog.records)


def _package_warnings(caplog) -> list[str]:
    """The package's own warnings (GX and its dependencies warn on import too)."""
    return sorted(r.getMessage() for r in caplog.records
                  if r.levelname == "WARNING" and r.name.startswith("transforms."))


CORRECTION = "Two more people were killed in Bakhmut on Saturday, the governor said.\n"


def load_two_versions(workspace) -> None:
    """run-1 loads the sample, run-2 a corrected version under the same URL."""
    article = workspace.landing / "a.txt"
    text = SAMPLE_ARTICLE.read_text()
    article.write_text(text)
    run(workspace.landing, workspace, "run-1")
    article.write_text(text.replace("At least six people have died", "At least seven people have died") + CORRECTION)
    run(workspace.landing, workspace, "run-2")


def test_changed_article_replaces_its_rows_and_keeps_its_history(workspace):
    load_two_versions(workspace)
    [row] = query(workspace.warehouse, "SELECT version FROM articles")
    assert row["version"] == 2
    versions = query(workspace.warehouse, "SELECT version FROM article_versions ORDER BY 1")
    assert [v["version"] for v in versions] == [1, 2]
    killed = sorted((f["low"], f["location_name"]) for f in query(
        workspace.warehouse, "SELECT low, location_name FROM casualty_figures WHERE category = 'killed'"))
    assert killed == [(2, "Bakhmut"), (3, None), (7, "Sloviansk")]
    assert query(workspace.warehouse, "SELECT count(*) AS n FROM sentences")[0]["n"] == 39


def test_failed_merge_leaves_the_warehouse_as_it_was(workspace):
    shutil.copy(SAMPLE_ARTICLE, workspace.landing / "a.txt")
    run(workspace.landing, workspace, "run-1")
    before = snapshot(workspace.warehouse)
    articles = pd.DataFrame([{
        "article_id": "f" * 16, "external_id": None, "url": "https://example.com/new", "title": "New",
        "published_date": None, "published_date_from": None, "source": "example.com", "body": "x",
        "ingested_at": pd.Timestamp("2022-07-04"),
        "source_file": "new.txt", "content_hash": "h",
    }])
    # Two sentences with one key: the insert fails after the article row went in.
    sentences = pd.DataFrame({"article_id": ["f" * 16] * 2, "sentence_index": [0, 0], "text": ["a", "b"]})
    with pytest.raises(Exception, match="(?i)constraint"):
        warehouse.merge(workspace.warehouse, "run-bad", warehouse.Rows(articles, sentences), pd.DataFrame())
    assert snapshot(workspace.warehouse) == before


def test_re_running_an_old_run_does_not_bring_back_a_replaced_version(workspace):
    load_two_versions(workspace)
    before = snapshot(workspace.warehouse)
    publish_run(workspace, "run-1")     # what clearing run-1's publish task in Airflow does
    assert snapshot(workspace.warehouse) == before
