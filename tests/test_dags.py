"""The DAG as Airflow loads it, and the whole pipeline run through Airflow's dag.test()."""

from __future__ import annotations

import logging
import shutil
from datetime import datetime, timezone

import pytest

from conftest import SAMPLE_ARTICLE, assert_events_match_gold, assert_matches_gold, query, snapshot
from helpers import HEAVY, modules_after

# The sample's places as GeoNames knows them (Slovyansk is GeoNames' spelling of Sloviansk).
GEONAMES = {"Lysychansk": 702972, "Kramatorsk": 704508, "Sloviansk": 693468, "Slovyansk": 693468,
            "Bakhmut": 713174, "Belgorod": 578072, "Kursk": 538560, "Melitopol": 701404, "Belarus": 630336}


@pytest.fixture(scope="module")
def dagbag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    from conftest import REPO

    return DagBag(dag_folder=str(REPO / "dags"))


def test_dags_import_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {"warledger", "warledger_fetch"}


def test_warledger_dag_shape(dagbag):
    dag = dagbag.dags["warledger"]
    assert [t.task_id for t in dag.topological_sort()] == ["ingest", "extract", "publish"]
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    # Hourly, or as soon as a producer updates the landing asset.
    assert dag.timetable.timetable.expression == "0 * * * *"
    assert [a.name for a in dag.timetable.asset_condition.objects] == ["warledger_landing"]
    assert dag.doc_md and "publish" in dag.doc_md and "events" in dag.doc_md.split("\n\n")[1]
    assert set(dag.params) == {"input", "since", "until", "reprocess"}
    publish = dag.get_task("publish")
    assert publish.pool == "warledger_warehouse"
    assert publish.trigger_rule == "none_failed_min_one_success"
    # ingest is publish's upstream too: a run that stages no batch still records what it read
    assert publish.upstream_task_ids == {"ingest", "extract"}
    assert [a.name for a in publish.outlets] == ["warledger_warehouse"]
    # extract is mapped over the ingest task's batches
    from airflow.sdk.definitions.mappedoperator import MappedOperator

    assert isinstance(dag.get_task("extract"), MappedOperator)
    for task in dag.tasks:
        assert task.retries >= 1


@pytest.mark.parametrize("dag_file", ["warledger_dag.py", "warledger_fetch.py"])
def test_dag_parse_imports_no_heavy_library(dag_file):
    """Parsing a DAG file must not import spaCy, GX, DuckDB or trafilatura (the scheduler re-parses it often)."""
    import subprocess
    import sys

    from conftest import REPO

    code = ("import runpy, sys; runpy.run_path(%r); "
            "print(','.join(m for m in ('spacy', 'great_expectations', 'duckdb', 'trafilatura') if m in sys.modules))"
            % str(REPO / "dags" / dag_file))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1:] in ([], [""])


def _run(dagbag, day: int):
    dag = dagbag.dags["warledger"]
    return dag.test(logical_date=datetime(2022, 7, day, tzinfo=timezone.utc))


def test_dag_run_loads_the_sample_as_its_gold(airflow_db, dagbag, workspace, gold, caplog):
    shutil.copy(SAMPLE_ARTICLE, workspace.landing / SAMPLE_ARTICLE.name)
    (workspace.landing / "broken.txt").write_text("20220703\nhttps://example.com/x\nA sentence.\n")

    with caplog.at_level(logging.INFO, logger="transforms"):
        run = _run(dagbag, 3)
    assert run.state == "success"
    # Each task says in its log what it read, wrote and set aside, through the package's module loggers.
    lines = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]

    def logged(name: str, level: str, start: str, *parts: str) -> bool:
        return any(n == name and lv == level and m.startswith(start) and all(p in m for p in parts)
                   for n, lv, m in lines)

    assert logged("transforms.stages.pipeline", "WARNING", "quarantined at ingest: ", "broken.txt: missing title line")
    assert logged("transforms.stages.extract", "INFO", "extracted batch_00000: 1 articles, 38 sentences, ",
                  " figures, ", " events, ")
    for table in ("articles", "sentences", "casualty_figures", "events", "event_mentions", "quarantine"):
        assert logged("transforms.quality.validate", "INFO", f"validated {table}: ", f"suite {table} passed")
    assert logged("transforms.store.warehouse", "INFO", "merged run ", "articles +1, ", "sentences +38, ")
    assert logged("transforms.stages.publish", "INFO", f"published run {run.run_id}: read 1 article(s)",
                  "loaded 1 article(s)")

    figures = query(workspace.warehouse, "SELECT * FROM casualty_figures")
    assert_matches_gold(figures, gold)
    assert_events_match_gold(query(workspace.warehouse, "SELECT * FROM events"), gold)
    places = {r["location_name"]: r["geonameid"] for r in query(
        workspace.warehouse, "SELECT location_name, geonameid FROM events UNION SELECT location_name, geonameid "
                             "FROM casualty_figures WHERE location_name IS NOT NULL")}
    assert {name: places.get(name) for name in GEONAMES} == GEONAMES
    # Every event is told by at least one mention, and every link points at an event that exists.
    assert query(workspace.warehouse, """
        SELECT count(*) AS n FROM events e
        WHERE NOT EXISTS (SELECT 1 FROM event_mentions m WHERE m.event_id = e.event_id)""")[0]["n"] == 0
    assert query(workspace.warehouse, """
        SELECT count(*) AS n FROM (SELECT event_id FROM event_mentions UNION ALL SELECT event_id FROM casualty_figures)
        WHERE event_id IS NOT NULL AND event_id NOT IN (SELECT event_id FROM events)""")[0]["n"] == 0
    articles = query(workspace.warehouse, "SELECT * FROM articles")
    assert [(a["title"], str(a["published_date"]), a["source"]) for a in articles] == [
        ("Ukrainian forces withdraw from Lysychansk their last holdout in key region", "2022-07-03", "cbs58.com")]
    assert query(workspace.warehouse, "SELECT count(*) AS n FROM sentences")[0]["n"] == 38
    quarantined = query(workspace.warehouse, "SELECT source_file, reason FROM quarantine")
    assert len(quarantined) == 1 and "broken.txt" in quarantined[0]["reason"]
    assert "missing title line" in quarantined[0]["reason"]
    dq = query(workspace.warehouse, "SELECT table_name, success FROM dq_results")
    assert {d["table_name"] for d in dq} == {"articles", "sentences", "casualty_figures", "events",
                                             "event_mentions", "quarantine"}
    assert all(d["success"] for d in dq)
    assert (workspace.docs / "report.html").exists() and (workspace.docs / "index.html").exists()

    read = query(workspace.warehouse, "SELECT path FROM landing_files ORDER BY path")
    assert [r["path"] for r in read] == sorted(str(workspace.landing / n) for n in ("broken.txt", SAMPLE_ARTICLE.name))

    # A second scheduled run over the same landing folder changes nothing, and in a fresh interpreter
    # (as a worker runs it) it imports no model, no GX, not even pandas: every task is skipped.
    before = snapshot(workspace.warehouse)
    assert [t for t in ("events", "event_mentions", "landing_files", "incidents") if not before[t]] == []
    assert not modules_after(EMPTY_RUN) & {*HEAVY, "pandas", "pyarrow"}
    assert snapshot(workspace.warehouse) == before
    assert not list(workspace.staging.glob("scheduled__2022-07-04*"))


# The DAG's scheduled run of 2022-07-04, run by Airflow's dag.test(); it fails unless every task is skipped.
EMPTY_RUN = """
from datetime import datetime, timezone
from airflow.dag_processing.dagbag import DagBag
dag = DagBag(dag_folder="dags").dags["warledger"]
run = dag.test(logical_date=datetime(2022, 7, 4, tzinfo=timezone.utc))
states = {ti.task_id: ti.state for ti in run.get_task_instances()}
assert run.state == "success" and states == dict.fromkeys(["ingest", "extract", "publish"], "skipped"), states
"""


def test_fetch_dag_shape(dagbag):
    dag = dagbag.dags["warledger_fetch"]
    assert [t.task_id for t in dag.topological_sort()] == ["fetch", "announce"]
    assert dag.catchup is False and dag.max_active_runs == 1
    assert dag.timetable.expression == "*/15 * * * *"
    # What it announces is what the main DAG is scheduled on.
    assert [a.name for a in dag.get_task("announce").outlets] == ["warledger_landing"]
    main_assets = [a.name for a in dagbag.dags["warledger"].timetable.asset_condition.objects]
    assert main_assets == [a.name for a in dag.get_task("announce").outlets]
    assert "To add a source" in dag.doc_md and "sources.yml" in dag.doc_md


def _landing_events() -> int:
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import func, select

    with create_session() as session:
        return session.scalar(select(func.count()).select_from(AssetEvent)
                              .join(AssetModel, AssetEvent.asset_id == AssetModel.id)
                              .where(AssetModel.name == "warledger_landing"))


def test_fetch_dag_run_writes_the_landing_file_and_updates_the_asset(airflow_db, dagbag, workspace, tmp_path,
                                                                     monkeypatch, caplog):
    import json

    from localsite import SETTINGS, LocalSite, article_page, feed_item, news_records, rss, static

    [record] = news_records(1)
    site = LocalSite()
    site.routes["/rss.xml"] = static(rss([feed_item(record, f"{site.base}/story.html")]), "application/rss+xml")
    site.routes["/story.html"] = static(article_page(record), "text/html")
    sources = tmp_path / "sources.yml"
    sources.write_text(json.dumps({"defaults": SETTINGS,
                                   "sources": [{"name": "local", "feed": f"{site.base}/rss.xml"}]}))
    monkeypatch.setenv("WARLEDGER_SOURCES", str(sources))
    dag = dagbag.dags["warledger_fetch"]
    events = _landing_events()
    try:
        with caplog.at_level(logging.INFO, logger="transforms.reading.fetch"):
            run = dag.test(logical_date=datetime(2022, 7, 3, 0, 0, tzinfo=timezone.utc))
        assert run.state == "success"
        [written] = workspace.landing.glob("fetch-*.jsonl")
        # The fetch task's log: the source's counts, and the total with the file written.
        logged = [r.getMessage() for r in caplog.records if r.name == "transforms.reading.fetch"]
        assert "fetched local: 1 item(s) seen, 1 new, 1 fetched, 0 failed" in logged
        assert [m for m in logged if m.startswith("fetch: 1 source(s), 1 feed(s), 1 item(s) seen, 1 fetched, "
                                                  f"0 failed; wrote 1 article(s) to {written}; ")]
        [article] = [json.loads(line) for line in written.read_text().splitlines()]
        assert (article["title"], article["date"], article["source"]) == (record["title"], record["date"], "local")
        assert _landing_events() == events + 1

        # Nothing new: the run succeeds, announce skips, and the main DAG is not started.
        again = dag.test(logical_date=datetime(2022, 7, 3, 0, 15, tzinfo=timezone.utc))
        states = {ti.task_id: ti.state for ti in again.get_task_instances()}
        assert states == {"fetch": "success", "announce": "skipped"}
        assert list(workspace.landing.glob("fetch-*.jsonl")) == [written]
        assert _landing_events() == events + 1
    finally:
        site.close()


@pytest.mark.parametrize("dag_id", ["warledger", "warledger_fetch"])
def test_dag_says_who_owns_it_and_bounds_and_reports_each_task(dagbag, dag_id):
    """Owner, a time bound and a failure line on every task, so an operator knows whom and why."""
    from transforms.entry.failures import log_task_failure

    dag = dagbag.dags[dag_id]
    assert dag.description
    for task in dag.tasks:
        assert task.owner == "warledger"
        assert task.execution_timeout is not None
        assert log_task_failure in (task.on_failure_callback if isinstance(task.on_failure_callback, list)
                                    else [task.on_failure_callback])


def test_a_failed_task_logs_one_line_naming_run_and_reason(caplog):
    from transforms.entry.failures import log_task_failure

    with caplog.at_level("ERROR", logger="transforms.entry.failures"):
        log_task_failure({"task_instance": None, "run_id": "scheduled__2022-07-03",
                          "exception": FileNotFoundError("data/staging/x/batch_00003/articles.parquet")})
    assert caplog.messages == ["warledger task ? of run scheduled__2022-07-03 failed: "
                               "FileNotFoundError: data/staging/x/batch_00003/articles.parquet"]
