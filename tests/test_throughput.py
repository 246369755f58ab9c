"""Throughput work that must not change behaviour: the sentence gate, lazy imports, cheap empty runs, batch logs."""

from __future__ import annotations

import json
import logging
from itertools import islice

import pytest

from conftest import CORPUS, SAMPLE_ARTICLE
from helpers import HEAVY, modules_after
from transforms.config import settings

MODEL = settings().spacy_model


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


def test_sentences_without_a_trigger_word_yield_nothing():
    """The gate's promise, checked on real text with the full pipeline: what it skips has no figure and no event."""
    from transforms.reading.ingest import split_sentences
    from transforms.rules import nlp, prefilter
    from transforms.rules.casualties import extract_figures
    from transforms.rules.events import extract_events

    texts = split_sentences(SAMPLE_ARTICLE.read_text(encoding="utf-8"))
    for line in islice(CORPUS.open(encoding="utf-8"), 0, 400, 20):
        texts += split_sentences(json.loads(line)["text"])
    _, needed = prefilter.gate(MODEL).split(texts)
    skipped = [t for t, need in zip(texts, needed) if not need]
    assert skipped and len(skipped) < len(texts)
    for doc in nlp.load(MODEL).pipe(skipped):
        assert extract_figures(doc[:], None) == [] and extract_events(doc[:], None) == [], doc.text


@pytest.mark.parametrize("text, needed", [
    ("Three civilians were killed in Kharkiv.", True),
    ("Two soldiers were slain overnight.", True),             # an irregular form: the lemmatizer's exceptions
    ("Russian forces shelled the town.", True),
    ("The talks resumed in Geneva on Monday.", False),
    ("Prices rose by 12% in the year to June.", False),
])
def test_gate_reads_every_form_a_trigger_can_take(text, needed):
    from transforms.rules import prefilter

    gate = prefilter.gate(MODEL)
    assert gate.needs_parse(gate.language.tokenizer(text)) is needed


def test_gate_words_come_from_the_vocabularies():
    from transforms.rules import prefilter, vocab

    singles, phrases = prefilter.trigger_phrases()
    assert set(vocab.column("casualty_triggers", "lemma")) <= singles
    assert set(vocab.column("event_frames", "lemma")) <= singles
    assert {frozenset(p.split()) for p in vocab.column("resultatives", "phrase")} <= set(phrases)


def test_extract_logs_one_line_per_batch(workspace, caplog):
    from transforms.stages.extract import extract_batch
    from transforms.stages.pipeline import stage

    batches = stage(SAMPLE_ARTICLE, workspace, "logged")
    with caplog.at_level(logging.INFO, logger="transforms.stages.extract"):
        extract_batch(batches[0], workspace.spacy_model)
    [line] = [r.getMessage() for r in caplog.records if r.name == "transforms.stages.extract"]
    assert line.startswith("extracted batch_00000: 1 articles, ") and " figures, " in line and " events, " in line


def test_benchmark_repeats_the_corpus_as_distinct_articles(tmp_path):
    from transforms.entry.benchmark import repeat_corpus
    from transforms.reading.ingest import ingest_files

    n = 450                                       # past one file and past one copy of the corpus (407 records)
    landing = repeat_corpus(CORPUS, n, tmp_path)
    assert len(list(landing.glob("*.jsonl"))) == 2
    articles = ingest_files(sorted(landing.glob("*.jsonl")), 20).frames()[0]
    assert len(articles) == n and articles["article_id"].is_unique
    # Each copy is the whole corpus in one shuffled order, so a part-copy has the corpus's mix.
    ids = [json.loads(line)["id"] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    first, rest = list(articles["external_id"][:len(ids)]), list(articles["external_id"][len(ids):])
    assert sorted(first) == sorted(ids) and first != ids and rest == first[:n - len(ids)]


def test_staging_through_object_storage_by_url(workspace, tmp_path, gold):
    """WARLEDGER_STAGING as a URL: run folders go through Airflow's ObjectStoragePath, the run is the same."""
    from dataclasses import replace

    from airflow.sdk import ObjectStoragePath

    from conftest import query
    from transforms.reading import staging
    from transforms.stages.pipeline import run

    cfg = replace(workspace, staging=f"file://{tmp_path}/shared-staging")
    folder = staging.run_dir(cfg.staging, "by_url")
    assert isinstance(folder, ObjectStoragePath)
    result = run(SAMPLE_ARTICLE, cfg, "by_url")
    assert result.loaded["casualty_figures"] == len(gold["casualty_figures"])
    # the run folder is the run id's slug and a hash of it, under the URL's path
    assert folder.name.startswith("by_url.") and folder.path.startswith(str(tmp_path / "shared-staging"))
    assert (tmp_path / "shared-staging" / folder.name / "batch_00000" / staging.FIGURES).exists()
    assert len(query(cfg.warehouse, "SELECT * FROM casualty_figures")) == len(gold["casualty_figures"])
