"""Poison inputs, silent losses and the doors (issue 12): each case fails loudly in one place only.

Every landing record and every extracted article runs inside its own guard: what breaks is
quarantined with its reason and the rest of the run goes on. Faults that cannot be caused by
input any more (the known causes are fixed) are injected into warledger's own functions.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import REPO, SAMPLE_ARTICLE, query
from transforms.reading import ingest as ingest_module
from transforms.reading import rows
from transforms.reading.ingest import ingest, ingest_files
from transforms.rules.dates import find_dates
from transforms.rules.numbers import parse_number

TODAY = date.today().isoformat()


def jsonl(*records: dict) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def record(n: int, text: str, **extra) -> dict:
    return {"id": f"r{n}", "title": f"Record {n}", "date": "2022-07-03",
            "url": f"https://example.com/{n}", "text": text, **extra}


# --- ingest: each cause fixed --------------------------------------------------------------------

def test_a_jsonl_text_over_spacys_limit_is_segmented_not_handed_to_spacy_whole(tmp_path):
    text = "Two people were killed in the strike. " * 30_000   # 1.14 million characters
    (tmp_path / "long.jsonl").write_text(jsonl(record(1, text)))
    got = ingest(tmp_path)
    assert not got.quarantine, got.quarantine
    [article] = got.articles
    assert len(got.sentences) == 30_000
    assert {s["text"] for s in got.sentences} == {"Two people were killed in the strike."}
    assert article["body"] == text.strip()


def test_an_overlong_sentence_is_split_at_clause_marks_and_what_still_exceeds_is_quarantined(tmp_path):
    clauses = ", ".join(f"column {i} moved past the river and the fields beyond it" for i in range(2_000))
    run_on = " ".join(["word"] * 3_000)          # 15,000 characters with no clause mark at all
    text = f"Five people were killed on Monday. {clauses}. {run_on}. Two people were wounded."
    (tmp_path / "run_on.jsonl").write_text(jsonl(record(1, text)))
    got = ingest_files([tmp_path / "run_on.jsonl"], max_sentence_chars=2_000)
    texts = [s["text"] for s in got.sentences]
    assert texts[0] == "Five people were killed on Monday." and texts[-1] == "Two people were wounded."
    assert all(len(t) <= 2_000 for t in texts)
    # Nothing of the clauses is lost: the pieces join back into the sentence.
    assert sum(t.startswith("column ") for t in texts) >= 50
    assert " ".join(t for t in texts if t.startswith("column ")) == clauses + "."
    [bad] = got.quarantine
    article_id = got.articles[0]["article_id"]
    skipped = next(i for i in range(len(texts) + 1) if i not in {s["sentence_index"] for s in got.sentences})
    assert bad["stage"] == "ingest" and "run_on.jsonl" in bad["reason"]
    assert f"sentence {skipped} of article {article_id}" in bad["reason"]
    assert "15,000 characters" in bad["reason"] and "WARLEDGER_MAX_SENTENCE_CHARS" in bad["reason"]


def test_a_line_over_spacys_limit_in_a_line_file_is_quarantined_and_the_rest_loads(tmp_path):
    lines = SAMPLE_ARTICLE.read_text().split("\n")
    lines.insert(5, "x" * 1_100_000)
    (tmp_path / "huge_line.txt").write_text("\n".join(lines))
    got = ingest(tmp_path)
    [article] = got.articles
    assert len(got.sentences) == 38
    [bad] = got.quarantine
    assert "huge_line.txt" in bad["reason"] and f"sentence 2 of article {article['article_id']}" in bad["reason"]


def test_a_lone_surrogate_in_json_is_quarantined(tmp_path):
    (tmp_path / "surrogate.jsonl").write_text(
        '{"id": "s1", "title": "T", "date": "2022-07-03", "url": null, "text": "Two died \\ud800 there."}\n'
        + jsonl(record(2, "Three people were killed.")))
    got = ingest(tmp_path)
    assert [a["external_id"] for a in got.articles] == ["r2"]
    [bad] = got.quarantine
    assert bad["record_ref"] == "line 1" and "lone surrogate" in bad["reason"] and "'text'" in bad["reason"]


def test_a_jsonl_date_is_parsed_as_a_whole_value(tmp_path):
    (tmp_path / "dates.jsonl").write_text(jsonl(record(1, "Two died.", date="2022-07-05 is not a date"),
                                                record(2, "Two died.", date="2022-07-05T10:00:00Z")))
    got = ingest(tmp_path)
    assert [(a["external_id"], a["published_date"]) for a in got.articles] == [("r2", date(2022, 7, 5))]
    [bad] = got.quarantine
    assert "'date' is not a date: '2022-07-05 is not a date'" in bad["reason"]


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", (date.today() + timedelta(days=2)).isoformat()])
def test_a_publication_date_before_1900_or_after_tomorrow_is_quarantined(tmp_path, day):
    (tmp_path / "old.jsonl").write_text(jsonl(record(1, "Two died yesterday.", date=day),
                                              record(2, "Two died.", date="1900-01-01"),
                                              record(3, "Two died.", date=TODAY)))
    (tmp_path / "old.txt").write_text(f"A title\n{day.replace('-', '')}\nhttps://example.com/t\nTwo died.\n")
    got = ingest(tmp_path)
    assert sorted(a["external_id"] for a in got.articles if a["external_id"]) == ["r2", "r3"]
    assert len(got.quarantine) == 2
    for bad in got.quarantine:
        assert f"{day} is outside 1900-01-01 to tomorrow" in bad["reason"], bad["reason"]


def _as_nobody(code: str, folder: Path) -> dict:
    """Run ``code`` in a child that cannot read a chmod-000 file: root reads anything, so a root child
    imports what it needs (``_strptime`` too: ingest no longer imports pandas, which loaded it), then
    becomes the user nobody."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    drop = ("import encodings.utf_8_sig, _strptime, spacy, transforms.reading.ingest, os\n"
            "if os.geteuid() == 0:\n    os.setgid(65534); os.setuid(65534)\n")
    done = subprocess.run([sys.executable, "-c", drop + code], env=env, capture_output=True, text=True,
                          cwd=folder, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_an_unreadable_landing_file_is_quarantined_and_the_rest_loads():
    folder = Path(tempfile.mkdtemp(prefix="warledger-perm-"))
    try:
        folder.chmod(0o755)
        shutil.copy(SAMPLE_ARTICLE, folder / "good.txt")
        secret = folder / "secret.txt"
        secret.write_text("A title\n20220703\nhttps://example.com/s\nTwo died.\n")
        secret.chmod(0o000)
        for p in folder.iterdir():
            if p != secret:
                p.chmod(0o644)
        got = _as_nobody(
            "import json; from pathlib import Path; from transforms.reading.ingest import file_digest, ingest\n"
            "got = ingest(Path('.').resolve())\n"
            "print(json.dumps({'digest': file_digest(Path('secret.txt')), 'titles': [a['title'] for a in got.articles],"
            " 'reasons': [q['reason'] for q in got.quarantine]}))", folder)
        assert got["digest"].startswith("unreadable:")
        assert got["titles"] == [ingest(SAMPLE_ARTICLE).articles[0]["title"]], got
        [reason] = got["reasons"]
        assert "secret.txt" in reason and "cannot be read" in reason and "Permission denied" in reason
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- ingest: the guard around every record -------------------------------------------------------

def test_an_unexpected_error_in_one_record_quarantines_it_with_file_line_and_place(tmp_path, monkeypatch):
    parse = ingest_module.parse_json_record

    def fragile(line: str) -> dict:
        if "poison" in line:
            raise KeyError("injected fault")
        return parse(line)

    monkeypatch.setattr(ingest_module, "parse_json_record", fragile)
    (tmp_path / "a.jsonl").write_text(jsonl(record(1, "Two died."), record(2, "A poison pill."),
                                            record(3, "Three died.")))
    shutil.copy(SAMPLE_ARTICLE, tmp_path / "b.txt")
    got = ingest(tmp_path)
    assert sorted(a["external_id"] or "sample" for a in got.articles) == ["r1", "r3", "sample"]
    [bad] = got.quarantine
    assert bad["stage"] == "ingest" and bad["record_ref"] == "line 2"
    assert "a.jsonl: line 2: unexpected KeyError: 'injected fault'" in bad["reason"]
    assert "test_reliability.py:" in bad["reason"]    # where it was raised


def test_an_unexpected_error_reading_a_whole_file_quarantines_that_file(tmp_path, monkeypatch):
    def broken(text: str) -> dict:
        raise RuntimeError("injected fault")

    monkeypatch.setattr(ingest_module, "parse_line_file", broken)
    (tmp_path / "a.txt").write_text("T\n20220703\nhttps://example.com/a\nTwo died.\n")
    (tmp_path / "b.jsonl").write_text(jsonl(record(1, "Two died.")))
    got = ingest(tmp_path)
    assert [a["external_id"] for a in got.articles] == ["r1"]
    [bad] = got.quarantine
    assert "a.txt: unexpected RuntimeError: injected fault" in bad["reason"] and bad["stage"] == "ingest"


# --- days and numbers that leave their range -----------------------------------------------------

@pytest.mark.parametrize("text, published, kept", [
    ("It happened 3000000 days ago.", date(2022, 7, 3), []),
    ("On Monday, and 999999 weeks later.", date(2022, 7, 3), [("Monday", date(2022, 6, 27))]),
    ("The siege began 99999999999999 days earlier.", date(2022, 7, 3), []),
    ("in March 0000 it began", date(2022, 7, 3), []),
    ("It happened yesterday, last Sunday, overnight, last week.", date(1, 1, 1), []),
    ("It happened on 2 January.", date(1, 1, 1), []),
])
def test_a_day_that_leaves_the_calendar_is_no_day(text, published, kept):
    days = find_dates(text, published)
    assert [(d.text, d.day) for d in days if d.day is not None] == kept


def test_a_number_no_64_bit_column_holds_is_no_count():
    assert parse_number(["99,999,999,999,999,999,999,999"]) is None
    assert parse_number(["9" * 400]) is None                       # a float of it is infinite
    assert parse_number(["9", "billion"]) == 9 * 10**9


# --- extraction: every article in its own guard ----------------------------------------------------

def two_articles(landing: Path, poison: str = "Ten people were killed in a poison gas attack.") -> None:
    (landing / "feed.jsonl").write_text(jsonl(
        record(1, "Five people were killed in Kharkiv on Saturday. The city was shelled again."),
        record(2, f"Three people were wounded in Izium. {poison}")))


def test_an_unexpected_error_in_one_article_quarantines_it_and_the_run_goes_on(workspace, monkeypatch):
    from transforms.stages import extract as extract_module
    from transforms.stages.pipeline import run

    rules = extract_module.extract_figures

    def fragile(sent, published, facts):
        if "poison" in sent.text:
            raise ZeroDivisionError("injected fault")
        return rules(sent, published, facts)

    monkeypatch.setattr(extract_module, "extract_figures", fragile)
    two_articles(workspace.landing)
    run(workspace.landing, workspace, "run-1")
    assert [a["external_id"] for a in query(workspace.warehouse, "SELECT external_id FROM articles")] == ["r1"]
    assert [(f["low"], f["location_name"]) for f in
            query(workspace.warehouse, "SELECT low, location_name FROM casualty_figures")] == [(5, "Kharkiv")]
    [bad] = query(workspace.warehouse, "SELECT * FROM quarantine")
    assert bad["stage"] == "extract" and "feed.jsonl" in bad["reason"]
    assert "unexpected ZeroDivisionError: injected fault (at test_reliability.py:" in bad["reason"]
    assert bad["record_ref"] == rows.sha1("https://example.com/2")[:16]
    assert "Izium" in bad["raw"]


def test_spacy_failing_on_one_article_loses_only_that_article(workspace):
    """E088 for real: a staged sentence over nlp.max_length (as a batch staged by an older release)."""
    from transforms.reading import staging
    from transforms.stages.extract import extract_batch
    from transforms.stages.pipeline import stage
    from transforms.stages.publish import publish_run

    two_articles(workspace.landing)
    [batch] = stage(workspace.landing, workspace, "run-1")
    sentences = staging.read(Path(batch) / staging.SENTENCES)
    articles = staging.read(Path(batch) / staging.ARTICLES)
    izium = articles.loc[articles["external_id"] == "r2", "article_id"].item()
    sentences.loc[sentences["article_id"] == izium, "text"] = "x" * 1_000_001
    staging.write(sentences, Path(batch) / staging.SENTENCES)
    extract_batch(batch, workspace.spacy_model)
    publish_run(workspace, "run-1")
    assert [a["external_id"] for a in query(workspace.warehouse, "SELECT external_id FROM articles")] == ["r1"]
    [bad] = query(workspace.warehouse, "SELECT * FROM quarantine")
    assert bad["stage"] == "extract" and bad["record_ref"] == izium and "E088" in bad["reason"]


def test_numbers_and_days_that_leave_their_range_load_the_article(workspace):
    from transforms.stages.pipeline import run

    (workspace.landing / "feed.jsonl").write_text(jsonl(
        record(1, "99,999,999,999,999,999,999,999 people were killed. Four people were killed 3000000 days ago."),
        record(2, "Six people were killed 999999 weeks later. In March 0000, seven people were killed yesterday.",
               date="1900-01-01")))
    run(workspace.landing, workspace, "run-1")
    assert query(workspace.warehouse, "SELECT count(*) AS n FROM articles")[0]["n"] == 2
    assert not query(workspace.warehouse, "SELECT * FROM quarantine")
    figures = query(workspace.warehouse, "SELECT low, event_date FROM casualty_figures ORDER BY low")
    assert [f["low"] for f in figures] == [4, 6, 7]
    # A day that leaves the calendar gives a figure without a day, not the publication day.
    assert [f["event_date"] for f in figures[:2]] == [None, None]


def test_a_figure_larger_than_any_wars_toll_is_quarantined_with_its_reason(workspace):
    from transforms.stages.pipeline import run

    (workspace.landing / "feed.jsonl").write_text(jsonl(
        record(1, "10,000,000,000 people were killed in the war. Five people were killed in Kharkiv.")))
    run(workspace.landing, workspace, "run-1")
    assert [f["low"] for f in query(workspace.warehouse, "SELECT low FROM casualty_figures")] == [5]
    [bad] = query(workspace.warehouse, "SELECT * FROM quarantine")
    assert bad["stage"] == "validate" and "10000000000" in bad["raw"]
    assert "expect_column_values_to_be_between(low)" in bad["reason"]


# --- staging and publishing --------------------------------------------------------------------------

def test_publish_refuses_a_batch_whose_files_do_not_match_the_extract_manifest(workspace):

    from transforms.reading import staging
    from transforms.stages.extract import extract_batch
    from transforms.stages.pipeline import stage
    from transforms.stages.publish import publish_run

    shutil.copy(SAMPLE_ARTICLE, workspace.landing / "a.txt")
    [batch] = stage(workspace.landing, workspace, "run-1")
    extract_batch(batch, workspace.spacy_model)
    figures = Path(batch) / staging.FIGURES
    assert len(staging.read(figures)) == 5
    staging.write(staging.read(figures).iloc[0:0], figures)    # valid Parquet, no rows
    with pytest.raises(RuntimeError, match=r"batch_00000.*casualty_figures.parquet.*0 row\(s\).*manifest.*5"):
        publish_run(workspace, "run-1")
    assert not workspace.warehouse.exists() or not query(workspace.warehouse, "SELECT * FROM articles")
    # Same row count, other rows: the hash tells.
    extract_batch(batch, workspace.spacy_model)
    other = staging.read(figures)
    other["low"] = other["low"] + 1
    staging.write(other, figures)
    with pytest.raises(RuntimeError, match="hash"):
        publish_run(workspace, "run-1")
    extract_batch(batch, workspace.spacy_model)
    assert publish_run(workspace, "run-1").loaded["casualty_figures"] == 5


def test_a_report_that_cannot_be_written_is_logged_and_rebuilt_at_the_next_publish(workspace, caplog):
    from transforms.stages.pipeline import run

    workspace.docs.mkdir(parents=True)
    report = workspace.docs / "report.html"
    report.symlink_to("/dev/full")                   # every write to it: No space left on device
    shutil.copy(SAMPLE_ARTICLE, workspace.landing / "a.txt")
    with caplog.at_level("WARNING"):
        summary = run(workspace.landing, workspace, "run-1")
    assert summary.loaded["articles"] == 1 and summary.data_docs is None
    assert any("report.html" in r.getMessage() and "No space left on device" in r.getMessage()
               for r in caplog.records), caplog.text
    report.unlink()
    (workspace.landing / "b.jsonl").write_text(jsonl(record(1, "Five people were killed in Kharkiv.")))
    run(workspace.landing, workspace, "run-2")
    html = report.read_text()
    assert "run-1" in html and "run-2" in html


@pytest.mark.parametrize("run_id", [".", "..", "a/../..", "/", "manual__2022-07-04T01:00:00+00:00"])
def test_a_run_folder_stays_a_child_of_the_staging_root_whatever_the_run_id(tmp_path, run_id):
    from transforms.reading.staging import run_dir

    folder = run_dir(tmp_path, run_id)
    assert folder.parent == tmp_path and folder.name not in ("", ".", "..")
    assert run_dir(tmp_path, run_id) == folder and run_dir(tmp_path, run_id + "x") != folder
    if run_id.startswith("manual__"):
        assert folder.name.startswith("manual__2022-07-04T01_00_00_00_00")


def test_a_run_id_of_dot_deletes_nothing_beside_its_run_folder(workspace):
    from transforms.stages.pipeline import stage

    neighbour = workspace.staging / "someone_elses"
    neighbour.mkdir(parents=True)
    (neighbour / "keep.txt").write_text("keep")
    shutil.copy(SAMPLE_ARTICLE, workspace.landing / "a.txt")
    stage(workspace.landing, workspace, ".")
    stage(workspace.landing, workspace, ".")
    assert (neighbour / "keep.txt").read_text() == "keep"


# --- locks, versions -------------------------------------------------------------------------------

def warledger(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    cmd = [str(Path(sys.executable).parent / "warledger"), *args]
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300)


def test_a_lock_held_past_the_wait_ends_the_cli_in_one_line_naming_file_and_holder(workspace):
    from transforms.stages.pipeline import run

    shutil.copy(SAMPLE_ARTICLE, workspace.landing / "a.txt")
    run(workspace.landing, workspace, "run-1")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(900)"),
        str(workspace.warehouse)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        done = warledger("sql", "SELECT count(*) FROM articles", env={"WARLEDGER_LOCK_WAIT_SECONDS": "1"})
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert str(workspace.warehouse) in done.stderr and f"PID {holder.pid}" in done.stderr
    assert "locked" in done.stderr


def test_every_version_delivered_is_kept_and_reprocess_takes_the_newest_delivery(workspace):
    from transforms.stages.pipeline import RunOptions, run

    url = "https://example.com/story"
    old, new, newer = ("Two people were killed in Kharkiv.", "Three people were killed in Kharkiv.",
                       "Four people were killed in Kharkiv.")
    (workspace.landing / "z_old.jsonl").write_text(jsonl(record(1, old, url=url)))
    run(workspace.landing, workspace, "run-1")
    # One delivery with two texts under one URL: both are versions, the later one is the article.
    (workspace.landing / "a_new.jsonl").write_text(jsonl(record(2, new, url=url), record(3, newer, url=url)))
    os.utime(workspace.landing / "a_new.jsonl", (2e9, 2e9))
    run(workspace.landing, workspace, "run-2")
    versions = query(workspace.warehouse, "SELECT version, body FROM article_versions ORDER BY version")
    assert [(v["version"], v["body"]) for v in versions] == [(1, old), (2, new), (3, newer)]
    assert [a["body"] for a in query(workspace.warehouse, "SELECT body FROM articles")] == [newer]
    run(workspace.landing, workspace, "run-3", RunOptions(reprocess=True))
    assert [a["body"] for a in query(workspace.warehouse, "SELECT body FROM articles")] == [newer]
    assert [f["low"] for f in query(workspace.warehouse, "SELECT low FROM casualty_figures")] == [4]
    assert len(query(workspace.warehouse, "SELECT * FROM article_versions")) == 3


# --- the doors ---------------------------------------------------------------------------------------

def test_warledger_sql_cannot_attach_read_or_write_files(workspace, tmp_path):
    import duckdb

    from transforms.stages.pipeline import run
    from transforms.store import warehouse

    shutil.copy(SAMPLE_ARTICLE, workspace.landing / "a.txt")
    run(workspace.landing, workspace, "run-1")
    wh = str(workspace.warehouse)
    attack = (f"ATTACH '{tmp_path}/x.duckdb' AS o (READ_WRITE); USE o; DETACH w; "
              f"ATTACH '{wh}' AS w2 (READ_WRITE); DELETE FROM w2.casualty_figures")
    target = REPO / "dags" / "x_injected.py"
    # The exact attack through the command; the rest on the command's own connection.
    done = warledger("sql", attack, "--warehouse", wh)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Permission Error" in done.stderr, done.stderr
    with warehouse.connect(workspace.warehouse, sandboxed=True) as con:
        for sql in (attack, "SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM read_text('/etc/hostname')",
                    f"COPY (SELECT 'import os') TO '{target}'", "SET enable_external_access = true",
                    "SET lock_configuration = false", "INSTALL httpfs", "DETACH warehouse",
                    "DELETE FROM casualty_figures"):
            with pytest.raises(duckdb.Error):
                con.execute(sql)
    assert not (tmp_path / "x.duckdb").exists() and not target.exists()
    assert query(workspace.warehouse, "SELECT count(*) AS n FROM casualty_figures")[0]["n"] == 5
    ok = warledger("sql", "SELECT count(*) AS n FROM casualty_figures", "--warehouse", wh)
    assert ok.returncode == 0 and "5" in ok.stdout


def test_a_dag_input_outside_the_input_roots_is_refused(workspace, tmp_path):
    from transforms.stages.pipeline import InputOutsideRoots, dag_input

    assert dag_input(None, workspace) == workspace.landing
    assert dag_input(str(workspace.landing / "sub"), workspace) == workspace.landing / "sub"
    for outside in ("/etc/passwd", "/etc", str(workspace.landing / ".." / "warehouse.duckdb")):
        with pytest.raises(InputOutsideRoots, match="WARLEDGER_INPUT_ROOTS"):
            dag_input(outside, workspace)


def test_a_landing_folder_behind_a_symlink_is_inside_its_own_roots(workspace, tmp_path):
    """data/ as a link to a bigger disk: the roots resolve through the link, and so must the landing folder."""
    from dataclasses import replace

    from transforms.stages.pipeline import dag_input

    (tmp_path / "disk" / "landing").mkdir(parents=True)
    (tmp_path / "data").symlink_to(tmp_path / "disk")
    cfg = replace(workspace, landing=tmp_path / "data" / "landing", input_roots=((tmp_path / "disk").resolve(),))
    assert dag_input(None, cfg) == (tmp_path / "disk" / "landing").resolve()


def test_a_symlink_leading_outside_the_roots_is_quarantined_unread(workspace):
    from transforms.stages.pipeline import run

    shutil.copy(SAMPLE_ARTICLE, workspace.landing / "a.txt")
    (workspace.landing / "passwd.txt").symlink_to("/etc/passwd")
    (workspace.landing / "inside.txt").symlink_to(workspace.landing / "a.txt")
    run(workspace.landing, workspace, "run-1")
    assert query(workspace.warehouse, "SELECT count(*) AS n FROM articles")[0]["n"] == 1
    [bad] = query(workspace.warehouse, "SELECT * FROM quarantine")
    assert "passwd.txt" in bad["reason"] and "outside" in bad["reason"] and "/etc/passwd" in bad["reason"]
    assert bad["raw"] is None and bad["stage"] == "ingest"
    assert "root:" not in json.dumps(query(workspace.warehouse, "SELECT * FROM quarantine"), default=str)


def test_gx_data_docs_show_injected_html_as_text(tmp_path):
    import pandas as pd

    from browser import Browser, find_chromium
    from transforms.quality.docs import build_data_docs
    from transforms.quality.validate import validate

    if find_chromium() is None:
        pytest.skip("no Chromium found (`make browser` installs Debian's chromium as root)")
    poison = "<img src=x onerror=\"document.title='pwned'\" id=injected>" + " killed" * 1000
    frame = pd.DataFrame({"article_id": ["a1", "a1"], "sentence_index": [0, 1],
                          "text": [poison, "<b id=bold>Two</b> died."]})
    checked = validate("sentences", frame, "run-xss")
    assert not checked.results["success"].all()            # the length warning names the value
    build_data_docs(tmp_path, "run-xss", [checked])
    [page] = (tmp_path / "validations" / "sentences").rglob("*.html")
    with Browser() as b:
        shot = b.shot(page.as_uri(), tmp_path / "page.png", wait_for_text=("sentences",))
    assert not re.search(r"<img\b[^>]*\bonerror", shot.dom), "an injected attribute was rendered"
    assert 'id="injected"' not in shot.dom and 'id="bold"' not in shot.dom
    assert "img src=x onerror" in shot.text       # shown, as text


def test_make_standalone_binds_this_machine_and_keeps_the_password_to_its_owner(tmp_path):
    def recipe(*overrides: str) -> str:
        done = subprocess.run(["make", "-n", "-o", "airflow-db", "standalone", f"AIRFLOW_HOME={tmp_path}",
                               *overrides], cwd=REPO, capture_output=True, text=True, check=True)
        return done.stdout

    local = recipe()
    assert "AIRFLOW__API__HOST=127.0.0.1 airflow standalone" in local
    assert "0.0.0.0" not in local
    # umask 077 before Airflow writes the password; an existing (older, world-readable) file is closed.
    assert local.index("umask 077") < local.index("airflow standalone")
    assert f'chmod 600 "{tmp_path}/simple_auth_manager_passwords.json.generated"' in local
    assert "AIRFLOW__API__HOST=0.0.0.0 airflow standalone" in recipe("HOST=0.0.0.0")
    # What the recipe does to a password file, for real.
    passwords = tmp_path / "simple_auth_manager_passwords.json.generated"
    passwords.write_text("{}")
    passwords.chmod(0o644)
    script = local.split("\\\n")[0].split("umask 077;", 1)[1]
    subprocess.run(["bash", "-c", f"umask 077;{script} touch {tmp_path}/new"], check=True)
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o600


# --- fuzzing: nothing raises, every input loads or is quarantined -----------------------------------


# Any code point, lone surrogates included: json.dumps writes those as "\ud800" escapes.
ANY_TEXT = st.text(st.characters(codec=None, categories=None), max_size=300)
JSON_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT,
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3),
                          max_leaves=8)
FIELD = st.sampled_from(["id", "title", "date", "url", "text", "source"])
RECORD = st.dictionaries(FIELD, JSON_VALUE | ANY_TEXT, max_size=6) | JSON_VALUE
WORDS = st.sampled_from([
    "killed", "wounded", "at least", "99,999,999,999,999,999,999,999", "10,000,000,000", "3000000", "days",
    "weeks", "ago", "later", "earlier", "yesterday", "in March 0000", "Sunday", "people", "were", "soldiers",
    "Kharkiv", "Russia", "shelled", "a dozen", "twenty-one", "1.5 million", ",", ";", ".", "\u2014", "<img>",
    "no one", "died", "the day before", "since the invasion", "according to", "officials", "said", "\ud800",
])
SENTENCES = st.lists(WORDS, min_size=1, max_size=40).map(" ".join)
# Derandomized: CI tries the same inputs each run, so a red run is reproducible anywhere. To fuzz
# deeper, run these locally with derandomize=False and more max_examples; keep what breaks as @example.
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None,
                derandomize=True)


def _fuzz_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="warledger-fuzz-"))


@FUZZ
@given(data=st.binary(max_size=2_000), suffix=st.sampled_from([".txt", ".jsonl"]))
@example(data=b"\xef\xbb\xbf", suffix=".jsonl")   # found by this test in CI: a byte-order mark and nothing else
@example(data=b"\xef\xbb\xbf\n \xef\xbb\xbf\n", suffix=".jsonl")
def test_fuzz_ingest_random_bytes(data, suffix):
    folder = _fuzz_folder()
    try:
        (folder / f"f{suffix}").write_bytes(data)
        got = ingest_files([folder / f"f{suffix}"])
        assert got.articles or got.quarantine
        assert all(q["stage"] == "ingest" and "f" + suffix in q["reason"] for q in got.quarantine)
    finally:
        shutil.rmtree(folder)


@FUZZ
@given(records=st.lists(RECORD, min_size=1, max_size=4))
def test_fuzz_ingest_random_json(records):
    folder = _fuzz_folder()
    try:
        lines = [json.dumps(r) for r in records]
        (folder / "f.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        got = ingest_files([folder / "f.jsonl"])
        refs = {q["record_ref"] for q in got.quarantine}
        loaded = len(got.articles) + len(got.versions)
        # Each line is an article (repeats fold into one) or a quarantined line.
        assert loaded + len(refs) >= min(1, len(lines)) and len(refs) <= len(lines)
        assert refs <= {f"line {n}" for n in range(1, len(lines) + 1)}
    finally:
        shutil.rmtree(folder)


@pytest.fixture(scope="module")
def model_name():
    from transforms.config import settings as read_settings
    from transforms.rules.nlp import load

    name = read_settings().spacy_model
    load(name)
    return name


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture],
          database=None)
@given(sentences=st.lists(SENTENCES, min_size=1, max_size=5),
       published=st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 1, 1))))
def test_fuzz_extraction_random_sentences(model_name, sentences, published):
    import pandas as pd

    from transforms.stages.extract import extract

    folder = _fuzz_folder()
    try:
        text = " ".join(s if s.endswith(".") else s + "." for s in sentences)
        rec = record(1, text, date=published.isoformat() if published else None)
        (folder / "f.jsonl").write_text(json.dumps(rec) + "\n")
        got = ingest_files([folder / "f.jsonl"])
        articles, staged, _ = got.frames()
        if articles.empty:
            assert got.quarantine
            return
        out = extract(articles, staged, model_name)
        ids = set(articles["article_id"])
        assert set(out.quarantine["record_ref"]) <= ids
        assert set(out.figures["article_id"]) <= ids - set(out.quarantine["record_ref"])
        assert pd.api.types.is_integer_dtype(out.figures["low"])
    finally:
        shutil.rmtree(folder)


# --- everything at once, through Airflow -------------------------------------------------------------

POISONS = {
    # file: (content, what its quarantine reason says; None when the fix is that it loads)
    "run_on.jsonl": (jsonl(record(11, "Two people were killed. " + " ".join(["word"] * 2_000) + ".")),
                     "WARLEDGER_MAX_SENTENCE_CHARS"),
    "surrogate.jsonl": ('{"id": "p2", "title": "T", "date": "2022-07-03", "url": null, "text": "\\ud800 died."}\n',
                        "lone surrogate"),
    "not_a_date.jsonl": (jsonl(record(13, "Two died.", date="2022-07-05 is not a date")), "'date' is not a date"),
    "ancient.jsonl": (jsonl(record(14, "Two died yesterday.", date="0001-01-01")), "outside 1900-01-01 to tomorrow"),
    "toll.jsonl": (jsonl(record(15, "10,000,000,000 people were killed in the war.")),
                   "expect_column_values_to_be_between(low)"),
    # 1,000,024 characters: cut into pieces before spaCy, the pieces with no clause mark quarantined.
    "long_text.jsonl": (jsonl(record(16, "Two people were killed. " + "x" * 1_000_000)),
                        "WARLEDGER_MAX_SENTENCE_CHARS"),
    "overflow.jsonl": (jsonl(record(17, "99,999,999,999,999,999,999,999 people were killed.")), None),
    "calendar.jsonl": (jsonl(record(18, "Four people were killed 3000000 days ago. In March 0000 it began."),
                             record(19, "Six people were killed yesterday.", date="1900-01-01")), None),
    "markup.jsonl": (jsonl(record(20, "<img src=x onerror=alert(1)> Three people were killed.")), None),
}


def test_a_landing_folder_of_good_files_and_every_poison_loads_the_good_and_quarantines_each_poison(
        airflow_db, workspace):
    from airflow.dag_processing.dagbag import DagBag

    from conftest import CORPUS

    dag = DagBag(dag_folder=str(REPO / "dags")).dags["warledger"]
    shutil.copy(SAMPLE_ARTICLE, workspace.landing / "good.txt")
    good = CORPUS.read_text(encoding="utf-8").split("\n")[:5]
    (workspace.landing / "good.jsonl").write_text("\n".join(good) + "\n")
    for name, (content, _) in POISONS.items():
        (workspace.landing / name).write_text(content)
    (workspace.landing / "passwd.txt").symlink_to("/etc/passwd")

    result = dag.test(logical_date=datetime(2022, 7, 4, 1, tzinfo=timezone.utc))
    assert result.state == "success"

    articles = query(workspace.warehouse, "SELECT external_id, title, source_file FROM articles")
    ids = {a["external_id"] for a in articles}
    assert {json.loads(line)["id"] for line in good} <= ids
    assert any(a["source_file"].endswith("good.txt") for a in articles)
    assert {"r11", "r16", "r17", "r18", "r19", "r20"} <= ids        # the rest of each poisoned article loads
    # The file is named in the reason, or for a validated row beside it (with the row's id).
    reasons = [f"{q['source_file']} {q['reason']}" for q in query(
        workspace.warehouse, "SELECT reason, source_file FROM quarantine ORDER BY ALL")]
    for name, (_, says) in POISONS.items():
        if says:
            assert any(name in r and says in r for r in reasons), (name, reasons)
    assert any("passwd.txt" in r and "outside the input roots" in r for r in reasons), reasons
    figures = query(workspace.warehouse, "SELECT a.external_id, f.low, f.event_date FROM casualty_figures f "
                                         "JOIN articles a USING (article_id)")
    assert max(f["low"] for f in figures) < 100_000_000
    assert ("r18", 4, None) in [(f["external_id"], f["low"], f["event_date"]) for f in figures]
