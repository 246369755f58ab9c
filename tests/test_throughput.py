"""Throughput work that must not change behaviour: lazy imports, cheap empty runs, batch logs."""

from __future__ import annotations

import logging

from conftest import SAMPLE_ARTICLE
from helpers import HEAVY, modules_after


def test_help_and_sql_import_neither_spacy_nor_gx(workspace):
    help_modules = modules_after(
        "import contextlib, io\nfrom transforms.entry import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit): cli.main(['--help'])")
    assert not help_modules & {*HEAVY, "duckdb", "pandas"}
    import duckdb

    duckdb.connect(str(workspace.warehouse)).close()
    sql_modules = modules_after(
        "import contextlib, io\nfrom transforms.entry import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()): "
        f"cli.main(['sql', 'SELECT 42', '--warehouse', {str(workspace.warehouse)!r}])")
    assert "duckdb" in sql_modules and not sql_modules & {*HEAVY, "pandas"}


def _env(workspace) -> dict:
    return {k: str(getattr(workspace, k.split("_", 1)[1].lower())) for k in
            ("WARLEDGER_LANDING", "WARLEDGER_WAREHOUSE", "WARLEDGER_STAGING", "WARLEDGER_DOCS")}


def test_ingest_task_and_an_empty_publish_import_neither_spacy_nor_gx(workspace):
    """What the DAG's ingest task runs, then a run that finds nothing new: no model, no GX."""
    env = _env(workspace)
    modules = modules_after(
        "from pathlib import Path\nfrom transforms.config import settings\n"
        "from transforms.stages.pipeline import stage\n"
        "from transforms.stages.publish import publish_run\ncfg = settings()\n"
        "assert stage(cfg.landing, cfg, 'empty') == []\npublish_run(cfg, 'empty')", env)
    assert "transforms.stages.pipeline" in modules and not modules & set(HEAVY)


def test_nothing_new_is_decided_without_pandas_or_a_run_folder(workspace):
    """The DAG's ingest asks this first: with no unread file it skips the run before pandas is imported."""
    import shutil

    from transforms.stages.pipeline import RunOptions, nothing_new

    modules = modules_after("from transforms.config import settings\n"
                             "from transforms.stages.pipeline import nothing_new\n"
                             "cfg = settings()\nassert 'nothing new' in nothing_new(cfg.landing, cfg)", _env(workspace))
    assert "transforms.stages.pipeline" in modules and not modules & {*HEAVY, "pandas", "pyarrow"}
    assert not workspace.staging.exists() and not workspace.warehouse.exists()
    shutil.copy(SAMPLE_ARTICLE, workspace.landing / SAMPLE_ARTICLE.name)
    assert nothing_new(workspace.landing, workspace) is None                    # never read: stage it
    assert nothing_new(workspace.landing, workspace, RunOptions(reprocess=True)) is None


def test_extract_logs_one_line_per_batch(workspace, caplog):
    from transforms.stages.extract import extract_batch
    from transforms.stages.pipeline import stage

    batches = stage(SAMPLE_ARTICLE, workspace, "logged")
    with caplog.at_level(logging.INFO, logger="transforms.stages.extract"):
        extract_batch(batches[0], workspace.spacy_model)
    [line] = [r.getMessage() for r in caplog.records if r.name == "transforms.stages.extract"]
    assert line.startswith("extracted batch_00000: 1 articles, ") and " figures, " in line and " events, " in line
