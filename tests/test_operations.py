"""Operating warledger over time: incremental scheduled runs, re-runs, corrupt batches, a reader's lock."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from conftest import CORPUS, SAMPLE_ARTICLE, query, snapshot
from transforms.reading import staging
from transforms.stages.extract import extract_batch
from transforms.stages.pipeline import RunOptions, run, stage
from transforms.stages.publish import DataQualityError, publish_run


@pytest.fixture(scope="module")
def warledger_dag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    from conftest import REPO

    return DagBag(dag_folder=str(REPO / "dags")).dags["warledger"]


def scheduled_run(dag, hour: int):
    result = dag.test(logical_date=datetime(2022, 7, 4, hour, tzinfo=timezone.utc))
    assert result.state == "success"
    return result.run_id


def corpus_records(n: int, skip: int = 0) -> str:
    lines = CORPUS.read_text(encoding="utf-8").split("\n")[skip:skip + n]
    return "\n".join(lines) + "\n"


def test_only_new_files_are_processed_and_rerunning_both_runs_changes_nothing(warledger_dag, workspace):
    shutil.copy(SAMPLE_ARTICLE, workspace.landing / SAMPLE_ARTICLE.name)
    first = scheduled_run(warledger_dag, 1)

    (workspace.landing / "feed_a.jsonl").write_text(corpus_records(2))
    (workspace.landing / "feed_b.jsonl").write_text(corpus_records(1, skip=5))
    second = scheduled_run(warledger_dag, 2)

    files = {row["path"].rsplit("/", 1)[-1]: row["run_id"]
             for row in query(workspace.warehouse, "SELECT path, run_id FROM landing_files")}
    assert files == {SAMPLE_ARTICLE.name: first, "feed_a.jsonl": second, "feed_b.jsonl": second}
    per_run = {r["run_id"]: r["n"] for r in query(workspace.warehouse,
                                                   "SELECT run_id, count(*) AS n FROM articles GROUP BY 1")}
    assert per_run == {first: 1, second: 3}
    # The second run staged the three new articles, not the sample again.
    staged = staging.read_batches(
        [str(p) for p in staging.run_dir(workspace.staging, second).glob("batch_*")], staging.ARTICLES)
    assert len(staged) == 3

    before = snapshot(workspace.warehouse)
    scheduled_run(warledger_dag, 1)
    scheduled_run(warledger_dag, 2)
    assert snapshot(workspace.warehouse) == before


def test_changed_landing_file_is_read_again(workspace):
    feed = workspace.landing / "feed.jsonl"
    feed.write_text(corpus_records(1))
    run(workspace.landing, workspace, "run-1")
    feed.write_text(corpus_records(2))
    run(workspace.landing, workspace, "run-2")
    assert [r["run_id"] for r in query(workspace.warehouse, "SELECT run_id FROM landing_files ORDER BY 1")] == \
        ["run-1", "run-2"]
    assert query(workspace.warehouse, "SELECT count(*) AS n FROM articles")[0]["n"] == 2


def test_a_corrupt_batch_stops_the_publish_and_leaves_the_warehouse_unchanged(workspace):
    shutil.copy(SAMPLE_ARTICLE, workspace.landing / "a.txt")
    run(workspace.landing, workspace, "run-1")
    before = snapshot(workspace.warehouse)

    (workspace.landing / "feed.jsonl").write_text(corpus_records(40))
    batches = stage(workspace.landing, workspace, "run-2")
    for batch in batches:
        extract_batch(batch, workspace.spacy_model)
    # Corrupt the staged figures: negative counts in every row.
    figures_file = staging.run_dir(workspace.staging, "run-2") / "batch_00000" / staging.FIGURES
    figures = staging.read(figures_file)
    assert len(figures) > 0
    figures["low"] = -1
    staging.write(figures, figures_file)
    staging.write_extracted_manifest(figures_file.parent)   # as if extraction itself wrote them

    with pytest.raises(DataQualityError, match=r"casualty_figures: expect_column_values_to_be_between\(low\)"):
        publish_run(workspace, "run-2")

    after = snapshot(workspace.warehouse)
    failed = query(workspace.warehouse, "SELECT table_name, expectation, severity FROM dq_results "
                                        "WHERE run_id = 'run-2' AND NOT success")
    assert {"table_name": "casualty_figures", "expectation": "expect_column_values_to_be_between(low)",
            "severity": "critical"} in failed
    assert {t: rows for t, rows in after.items() if t != "dq_results"} == \
        {t: rows for t, rows in before.items() if t != "dq_results"}
    report = (workspace.docs / "report.html").read_text()
    assert "run-2" in report and "failed critical" in report
    assert "expect_column_values_to_be_between(low)" in report
    assert "run-2" in (workspace.docs / "index.html").read_text()
    page = next((workspace.docs / "validations" / "casualty_figures" / "run-2").rglob("*.html")).read_text()
    assert "values must be greater than or equal to" in page


def test_publish_waits_for_a_reader_to_let_go(workspace):
    shutil.copy(SAMPLE_ARTICLE, workspace.landing / "a.txt")
    run(workspace.landing, workspace, "run-1")
    (workspace.landing / "feed.jsonl").write_text(corpus_records(2))
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
        "print('locked', flush=True); time.sleep(4); c.close()"), str(workspace.warehouse)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = run(workspace.landing, workspace, "run-2")
    finally:
        holder.wait(timeout=30)
    assert result.loaded["articles"] == 2


def test_backfill_by_date_reads_only_that_range_and_does_not_mark_files_read(workspace):
    records = [json.loads(line) for line in corpus_records(30).split("\n") if line]
    (workspace.landing / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    day = sorted(r["date"] for r in records)[len(records) // 2]
    run(workspace.landing, workspace, "backfill", RunOptions(since=datetime.fromisoformat(day).date(),
                                                             until=datetime.fromisoformat(day).date()))
    days = {str(r["published_date"]) for r in query(workspace.warehouse, "SELECT published_date FROM articles")}
    assert days == {day}
    assert query(workspace.warehouse, "SELECT count(*) AS n FROM landing_files")[0]["n"] == 0
    # The next scheduled run reads the whole file and loads the rest.
    run(workspace.landing, workspace, "scheduled")
    assert query(workspace.warehouse, "SELECT count(*) AS n FROM articles")[0]["n"] == \
        len({(r["title"], r["date"], r["text"]) for r in records})


def test_reprocess_re_extracts_known_articles_without_new_versions(workspace):
    shutil.copy(SAMPLE_ARTICLE, workspace.landing / "a.txt")
    run(workspace.landing, workspace, "run-1")
    before = query(workspace.warehouse, "SELECT * EXCLUDE (run_id) FROM casualty_figures ORDER BY ALL")
    summary = run(workspace.landing, workspace, "run-2", RunOptions(reprocess=True))
    assert summary.articles_read == 1
    assert query(workspace.warehouse, "SELECT * EXCLUDE (run_id) FROM casualty_figures ORDER BY ALL") == before
    assert query(workspace.warehouse, "SELECT version, run_id FROM articles") == [{"version": 1, "run_id": "run-2"}]
    assert query(workspace.warehouse, "SELECT count(*) AS n FROM article_versions")[0]["n"] == 1


def test_dq_summary_gives_pass_rate_per_table_per_day(workspace):
    shutil.copy(SAMPLE_ARTICLE, workspace.landing / "a.txt")
    run(workspace.landing, workspace, "run-1")
    rows = query(workspace.warehouse, "SELECT table_name, runs, pass_rate, critical_failures FROM dq_summary")
    assert {r["table_name"] for r in rows} == {"articles", "sentences", "casualty_figures", "events", "event_mentions",
                                               "quarantine"}
    assert all(r["pass_rate"] == 1 and r["runs"] == 1 and r["critical_failures"] == 0 for r in rows)


def test_a_few_bad_rows_are_quarantined_and_the_rest_published(workspace):
    shutil.copy(SAMPLE_ARTICLE, workspace.landing / "a.txt")
    for batch in stage(workspace.landing, workspace, "run-1"):
        extract_batch(batch, workspace.spacy_model)
    figures_file = staging.run_dir(workspace.staging, "run-1") / "batch_00000" / staging.FIGURES
    figures = staging.read(figures_file)
    figures.loc[0, "low"] = -1      # one bad row in five: fewer than WARLEDGER_DQ_MIN_BAD_ROWS
    staging.write(figures, figures_file)
    staging.write_extracted_manifest(figures_file.parent)

    publish_run(workspace, "run-1")
    assert query(workspace.warehouse, "SELECT count(*) AS n FROM casualty_figures")[0]["n"] == 4
    [bad] = query(workspace.warehouse, "SELECT record_ref, reason, stage FROM quarantine")
    assert bad["stage"] == "validate" and bad["record_ref"].endswith(figures.loc[0, "figure_id"])
    assert bad["reason"] == "casualty_figures: expect_column_values_to_be_between(low)"


def test_a_run_of_only_bad_files_quarantines_them(workspace):
    (workspace.landing / "empty.txt").write_text("")
    (workspace.landing / "feed.jsonl").write_text("not json\n")
    summary = run(workspace.landing, workspace, "run-1")
    assert summary.loaded["quarantine"] == 2 and summary.loaded["articles"] == 0


def test_publish_refuses_a_batch_that_was_not_extracted(workspace):
    shutil.copy(SAMPLE_ARTICLE, workspace.landing / "a.txt")
    stage(workspace.landing, workspace, "run-1")
    with pytest.raises(RuntimeError, match="not extracted"):
        publish_run(workspace, "run-1")
    assert not workspace.warehouse.exists()


def test_only_run_folders_are_pruned(tmp_path):
    import os
    import time

    old = time.time() - 30 * 86400
    (tmp_path / "run-old").mkdir()
    (tmp_path / "run-old" / staging.MANIFEST).write_text("{}")
    (tmp_path / "landing").mkdir()      # someone else's folder under the same path
    for path in (tmp_path / "run-old" / staging.MANIFEST, tmp_path / "landing"):
        os.utime(path, (old, old))
    staging.prune(tmp_path, keep_days=14)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["landing"]


def test_reprocessing_does_not_bring_back_a_replaced_version(workspace):
    first = '{"id": "v1", "title": "T", "date": "2022-07-03", "url": "https://example.com/a", ' \
            '"text": "Three civilians were killed in Kharkiv on Saturday."}\n'
    (workspace.landing / "z_feed.jsonl").write_text(first)
    run(workspace.landing, workspace, "run-1")
    (workspace.landing / "a_correction.jsonl").write_text(first.replace("v1", "v2").replace("Three", "Five"))
    run(workspace.landing, workspace, "run-2")
    before = query(workspace.warehouse, "SELECT version, ingested_at FROM articles")
    run(workspace.landing, workspace, "run-3", RunOptions(reprocess=True))
    assert query(workspace.warehouse, "SELECT version, ingested_at FROM articles") == before
    assert [r["low"] for r in query(workspace.warehouse, "SELECT low FROM casualty_figures")] == [5]
