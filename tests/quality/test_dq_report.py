"""The offline data-quality report, built by real GX validations and Data Docs on small frames."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pandas as pd

from helpers import SLOVIANSK, Report, article, articles
from transforms.quality.docs import build_data_docs
from transforms.quality.dq_report import write_report
from transforms.quality.validate import validate

# An Airflow run id: GX keeps its ':' and '+' in folder names, so links must be percent-quoted.
RUN_2 = "manual__2025-05-06T10:00:00+00:00"


def sentences(n: int) -> pd.DataFrame:
    return pd.DataFrame({"article_id": "a-sloviansk", "sentence_index": range(n), "text": SLOVIANSK})


def two_runs(docs: Path) -> Path:
    """run-1 passes; in run 2 five articles share one id (a critical failure)."""
    build_data_docs(docs, "run-1", [validate("articles", articles([article()]), "run-1"),
                                    validate("sentences", sentences(3), "run-1")])
    same_id = articles([article(url=f"https://news.example.org/{i}", content_hash=f"h{i}") for i in range(5)])
    return build_data_docs(docs, RUN_2, [validate("articles", same_id, RUN_2)])


def test_the_report_lists_every_run_newest_first_with_its_failures(tmp_path):
    path = two_runs(tmp_path)
    assert path == tmp_path / "report.html"
    report = Report(path.read_text())

    assert list(report.runs) == [RUN_2, "run-1"]
    assert report.runs["run-1"]["status"] == "passed"
    assert {t: v["status"] for t, v in report.runs["run-1"]["tables"].items()} == \
        {"articles": "passed", "sentences": "passed"}
    assert report.row("run-1", "sentences", "expect_compound_columns_to_be_unique(article_id, sentence_index)")
    assert report.runs[RUN_2]["status"] == "failed critical"
    failed = report.row(RUN_2, "articles", "expect_column_values_to_be_unique(article_id)")
    assert failed == {"expectation": "expect_column_values_to_be_unique(article_id)", "severity": "critical",
                      "result": "failed", "rows": "5", "unexpected": "5", "percent": "100.0%",
                      "values": "a-sloviansk×5"}
    # Failures come first in their table.
    assert report.runs[RUN_2]["tables"]["articles"]["rows"][0][0] == failed["expectation"]

    text = path.read_text()
    assert "Runs</span><b>2</b>" in text and "Validations</span><b>3</b>" in text
    assert "Pass rate</span><b>67%</b>" in text


def test_every_link_resolves_and_each_validation_links_its_gx_pages(tmp_path):
    report = Report(two_runs(tmp_path).read_text())
    files = [h for h in report.hrefs if not h.startswith("#")]
    assert [h for h in files if not (tmp_path / unquote(h)).is_file()] == []
    assert all(h[1:] in report.ids for h in report.hrefs if h.startswith("#"))
    pages = sorted(unquote(h) for h in files if h.startswith("validations/"))
    assert [Path(p).parts[1:3] for p in pages] == [
        ("articles", RUN_2), ("articles", "run-1"), ("sentences", "run-1")]
    assert {h for h in files if h.startswith("expectations/")} == \
        {"expectations/articles.html", "expectations/sentences.html"}


def test_the_report_is_self_contained(tmp_path):
    text = two_runs(tmp_path).read_text().lower()
    for outside in ("http://", "https://", "<script", "src=", "url(", "@import", "<link"):
        assert outside not in text, outside


def test_warnings_errors_and_markup_in_values(tmp_path):
    bad_url = articles([article(url="not a url <b>really</b>")])
    missing = sentences(3).drop(columns=["text"])
    build_data_docs(tmp_path, "run-1", [validate("articles", bad_url, "run-1"),
                                        validate("sentences", missing, "run-1")])
    text = (tmp_path / "report.html").read_text()
    report = Report(text)
    tables = report.runs["run-1"]["tables"]
    assert tables["articles"]["status"] == "warnings"
    url = report.row("run-1", "articles", "expect_column_values_to_match_regex(url)")
    assert (url["severity"], url["result"], url["values"]) == ("warning", "failed", "not a url <b>really</b>")
    assert "not a url &lt;b&gt;really&lt;/b&gt;" in text and "<b>really" not in text
    # An expectation that could not run (a missing column) says why.
    assert tables["sentences"]["status"] == "failed critical"
    no_text = report.row("run-1", "sentences", "expect_column_values_to_not_be_null(text)")
    assert no_text["result"] == "failed" and 'column "text"' in no_text["values"] and no_text["unexpected"] == "–"


def test_the_report_is_rebuilt_from_the_kept_results(tmp_path):
    assert "No validation results yet" in write_report(tmp_path).read_text()
    two_runs(tmp_path)
    (tmp_path / "report.html").unlink()
    report = Report(build_data_docs(tmp_path, "run-3").read_text())
    assert list(report.runs) == [RUN_2, "run-1"]
