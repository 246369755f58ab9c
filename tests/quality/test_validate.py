"""Validation against the real GX suites, on rows like those the pipeline makes."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from helpers import SLOVIANSK, article, articles
from transforms.quality.docs import build_data_docs
from transforms.quality.validate import EXPECTATIONS_DIR, load_suite, validate
from transforms.rules import vocab
from transforms.store import warehouse


def figure(**changes) -> dict:
    row = {
        "figure_id": "f-killed", "article_id": "a-sloviansk", "sentence_index": 0,
        "sentence_text": SLOVIANSK, "category": "killed", "low": 6, "high": None,
        "hedge": "at least", "victims": "people", "scope": "event", "location_name": "Sloviansk",
        "event_date": dt.date(2025, 5, 4), "attributed_to": None, "quantity_text": "At least six",
        "trigger_text": "died", "run_id": "run-1", "published_date": dt.date(2025, 5, 5),
        "event_id": None, "geonameid": 693468, "latitude": 48.84974, "longitude": 37.59739, "country_code": "UA",
        "admin1": "UA.05", "admin1_name": "Donetsk", "geo_precision": 1, "date_precision": 1,
    }
    return {**row, **changes}


GOOD_FIGURES = [
    figure(),
    figure(figure_id="f-injured", category="injured", low=15, high=15, hedge=None,
           quantity_text="15", trigger_text="injured"),
    figure(figure_id="f-total", sentence_index=4, category="killed", low=None, high=300,
           hedge="up to", victims="civilians", scope="cumulative", event_date=None,
           sentence_text="Up to 300 civilians have been killed since the invasion began.",
           quantity_text="Up to 300", trigger_text="killed"),
    figure(figure_id="f-none", sentence_index=7, category="casualties", low=0, high=0,
           hedge="none reported", victims=None, event_date=None, published_date=None,
           sentence_text="There were no casualties.", quantity_text="no", trigger_text="casualties"),
]


def figures(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(figure())).astype({"low": "Int64", "high": "Int64"})


def test_good_figures_pass():
    df = figures(GOOD_FIGURES)
    result = validate("casualty_figures", df, "run-1")
    assert result.failed.empty
    assert result.critical_failures() == []
    pd.testing.assert_frame_equal(result.passed, df)


@pytest.mark.parametrize(("changes", "expectation"), [
    ({"category": "wounded"}, "expect_column_values_to_be_in_set(category)"),
    ({"category": None}, "expect_column_values_to_not_be_null(category)"),
    ({"hedge": "roughly"}, "expect_column_values_to_be_in_set(hedge)"),
    ({"scope": "daily"}, "expect_column_values_to_be_in_set(scope)"),
    ({"low": 10, "high": 5, "hedge": "range"}, "expect_column_pair_values_a_to_be_greater_than_b(high, low)"),
    ({"low": -6}, "expect_column_values_to_be_between(low)"),
    ({"low": None, "high": -1, "hedge": "up to"}, "expect_column_values_to_be_between(high)"),
    ({"low": None, "high": None}, "expect_column_values_to_not_be_null(low) where high IS NULL"),
    ({"event_date": dt.date(2025, 5, 6)},
     "expect_column_pair_values_a_to_be_greater_than_b(published_date, event_date)"),
    ({"sentence_text": None}, "expect_column_values_to_not_be_null(sentence_text)"),
    ({"latitude": 148.8}, "expect_column_values_to_be_between(latitude)"),
    ({"longitude": -237.6}, "expect_column_values_to_be_between(longitude)"),
    ({"country_code": "Ukraine"}, "expect_column_values_to_match_regex(country_code)"),
    ({"geo_precision": 4}, "expect_column_values_to_be_in_set(geo_precision)"),
    ({"date_precision": 0}, "expect_column_values_to_be_in_set(date_precision)"),
])
def test_a_bad_figure_fails_naming_the_expectation(changes, expectation):
    # GX counts `mostly` over non-null values: enough good rows with every column filled.
    good = GOOD_FIGURES + [figure(figure_id=f"f-{i}", sentence_index=10 + i, low=3, high=3 if i % 2 else None,
                                  hedge="approximately" if i % 2 else "at least") for i in range(8)]
    df = figures([*good, figure(figure_id="f-bad", **changes)])
    result = validate("casualty_figures", df, "run-1")
    assert result.failed["figure_id"].tolist() == ["f-bad"]
    assert result.failed["reason"].iloc[0] == expectation
    # One bad row among many is set aside; the expectation holds within its `mostly`.
    assert result.critical_failures() == []
    assert result.passed["figure_id"].tolist() == [f["figure_id"] for f in good]


def test_a_mostly_bad_batch_is_a_critical_failure():
    df = figures([figure(figure_id=f"f-{i}", sentence_index=i, category="wounded") for i in range(5)])
    result = validate("casualty_figures", df, "run-1")
    assert result.critical_failures() == ["expect_column_values_to_be_in_set(category)"]
    # Five bad rows meet a threshold of five; a sixth would be needed under a threshold of six.
    assert result.critical_failures(min_rows=5) == ["expect_column_values_to_be_in_set(category)"]
    assert result.critical_failures(min_rows=6) == []
    assert result.passed.empty


def test_duplicate_figure_ids_fail_together():
    df = figures([*GOOD_FIGURES, figure(sentence_index=9)])
    result = validate("casualty_figures", df, "run-1")
    assert result.failed["figure_id"].tolist() == ["f-killed", "f-killed"]
    assert set(result.failed["reason"]) == {"expect_column_values_to_be_unique(figure_id)"}
    assert "f-killed" not in result.passed["figure_id"].tolist()


def test_reason_names_every_failed_expectation():
    df = figures([figure(category="wounded", low=-6)])
    reason = validate("casualty_figures", df, "run-1").failed["reason"].iloc[0]
    assert set(reason.split("; ")) == {
        "expect_column_values_to_be_in_set(category)",
        "expect_column_values_to_be_between(low)",
    }


def test_rows_keep_their_columns_order_and_index():
    df = figures([figure(figure_id="f-bad", low=-1), *GOOD_FIGURES]).set_axis(range(100, 105))
    result = validate("casualty_figures", df, "run-1")
    assert list(result.passed.columns) == list(df.columns)
    assert list(result.failed.columns) == [*df.columns, "reason"]
    assert result.failed.index.tolist() == [100]
    assert result.passed.index.tolist() == [101, 102, 103, 104]


def test_results_match_the_dq_results_table():
    results = validate("casualty_figures", figures(GOOD_FIGURES), "run-7").results
    # The results carry their run_id themselves, first as in the DDL; warehouse.columns leaves it out.
    assert list(results.columns) == ["run_id", *warehouse.columns("dq_results")]
    assert len(results) == len(load_suite("casualty_figures").expectations)
    assert results["expectation"].is_unique
    assert set(results["run_id"]) == {"run-7"}
    assert set(results["table_name"]) == {"casualty_figures"}
    assert set(results["severity"]) <= {"critical", "warning"}
    assert results["success"].all()
    # A conditional expectation counts only the rows its condition selects.
    unconditional = ~results["expectation"].str.contains(" where ")
    assert (results.loc[unconditional, "element_count"] == len(GOOD_FIGURES)).all()


def test_a_good_article_passes():
    result = validate("articles", articles([article()]), "run-1")
    assert len(result.passed) == 1
    assert result.failed.empty
    assert result.results["success"].all()


def test_article_warnings_are_recorded_but_keep_the_row():
    df = articles([article(published_date=dt.date(2025, 5, 6), url="ftp://news.example.org/x")])
    result = validate("articles", df, "run-1")
    assert len(result.passed) == 1
    assert result.critical_failures() == []
    failures = result.results[~result.results["success"]]
    assert set(failures["severity"]) == {"warning"}
    assert set(failures["expectation"]) == {
        "expect_column_pair_values_a_to_be_greater_than_b(ingested_at, published_date)",
        "expect_column_values_to_match_regex(url)",
    }


def test_an_article_published_on_the_day_of_ingestion_is_not_late():
    df = articles([article(published_date=dt.date(2025, 5, 5), ingested_at=dt.datetime(2025, 5, 5, 0, 1),
                           url=None)])
    assert validate("articles", df, "run-1").results["success"].all()


def test_articles_without_title_or_with_a_repeated_id_fail():
    df = articles([article(), article(article_id="a-2", title=None), article(content_hash="other")])
    result = validate("articles", df, "run-1")
    reasons = dict(zip(result.failed.index, result.failed["reason"]))
    assert reasons == {
        0: "expect_column_values_to_be_unique(article_id)",
        1: "expect_column_values_to_not_be_null(title)",
        2: "expect_column_values_to_be_unique(article_id)",
    }


@pytest.mark.parametrize(("table", "empty"), [
    ("articles", articles([])),
    ("casualty_figures", figures([])),
])
def test_empty_frames_validate(table, empty):
    result = validate(table, empty, "run-1")
    assert result.passed.empty
    assert result.failed.empty
    assert "reason" in result.failed.columns
    assert result.critical_failures() == []
    assert len(result.results) == len(load_suite(table).expectations)


def test_vocabularies_are_referenced_not_copied():
    raw = json.loads((EXPECTATIONS_DIR / "casualty_figures.json").read_text())
    in_set = [e["kwargs"] for e in raw["expectations"] if e["type"] == "expect_column_values_to_be_in_set"]
    assert {"column": "category", "value_set": {"$vocab": "casualty_categories.csv:category"}, "mostly": 0.8} in in_set

    suite = load_suite("casualty_figures")
    value_sets = {e.column: e.value_set for e in suite.expectations
                  if e.expectation_type == "expect_column_values_to_be_in_set"}
    assert value_sets["category"] == vocab.column("casualty_categories", "category")
    assert value_sets["hedge"] == vocab.column("hedge_types", "hedge")


def test_every_expectation_has_a_severity():
    for table in ("articles", "casualty_figures", "sentences", "quarantine"):
        for expectation in load_suite(table).expectations:
            assert expectation.meta["severity"] == expectation.severity.value


def test_five_thousand_rows_validate():
    rows = [figure(figure_id=f"f-{i}", sentence_index=i, low=i % 50) for i in range(5000)]
    result = validate("casualty_figures", figures(rows), "run-1")
    assert len(result.passed) == 5000


def test_data_docs_list_every_run(tmp_path):
    first = [validate("articles", articles([article()]), "run-1"),
             validate("casualty_figures", figures(GOOD_FIGURES), "run-1")]
    index = build_data_docs(tmp_path, "run-1", first)
    assert index == tmp_path / "report.html"
    html = index.read_text()
    assert "articles" in html and "casualty_figures" in html

    bad = figures([figure(category="wounded")])
    build_data_docs(tmp_path, "run-2", [validate("casualty_figures", bad, "run-2")])
    html = index.read_text()
    assert "run-1" in html and "run-2" in html
    assert (tmp_path / "expectations" / "casualty_figures.html").exists()
    pages = sorted(p.relative_to(tmp_path).parts[:3] for p in (tmp_path / "validations").rglob("*.html"))
    assert pages == [("validations", "articles", "run-1"),
                     ("validations", "casualty_figures", "run-1"),
                     ("validations", "casualty_figures", "run-2")]


def test_data_docs_rebuild_from_the_kept_results(tmp_path):
    build_data_docs(tmp_path, "run-1", [validate("articles", articles([article()]), "run-1")])
    (tmp_path / "index.html").unlink()
    index = build_data_docs(tmp_path, "run-2")
    assert "run-1" in index.read_text()


def event(**changes) -> dict:
    row = {
        "event_id": "e-1", "article_id": "a-1", "sentence_index": 3,
        "sentence_text": "CNN -- Russia has taken control of Lysychansk, the last city in the Luhansk region.",
        "event_type": "territory_change", "acled_event_type": "Battles",
        "acled_sub_event_type": "Non-state actor overtakes territory", "actor": "Russia", "target": "Ukraine",
        "weapon": None, "location_name": "Lysychansk", "geonameid": 702972, "latitude": 48.90485,
        "longitude": 38.44207, "country_code": "UA", "admin1": "UA.14", "admin1_name": "Luhansk",
        "geo_precision": 1, "event_date": dt.date(2022, 7, 3), "date_precision": 1, "attributed_to": None,
        "claimed": False, "mentions": 4, "trigger_text": "taken", "published_date": dt.date(2022, 7, 3),
    }
    return {**row, **changes}


def test_events_suite_checks_types_coordinates_and_days():
    good = [event(event_id=f"e-{i}") for i in range(8)]
    bad = [event(event_id="e-type", event_type="skirmishing"), event(event_id="e-lat", latitude=95.0),
           event(event_id="e-day", event_date=dt.date(2022, 7, 9))]
    result = validate("events", pd.DataFrame(good + bad), "run-1")
    assert dict(zip(result.failed["event_id"], result.failed["reason"])) == {
        "e-type": "expect_column_values_to_be_in_set(event_type)",
        "e-lat": "expect_column_values_to_be_between(latitude)",
        "e-day": "expect_column_pair_values_a_to_be_greater_than_b(published_date, event_date)",
    }
