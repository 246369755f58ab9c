"""Incidents on real corpus articles: two strikes told by several outlets, each folded into one row.

The articles are read from ../shared/corpus by their record ids (never copied here) and run through
the real pipeline (spaCy, GX, DuckDB). Vinnytsia, 14 July 2022: six articles, one of them loaded by a
second run, which must update the incident the first five made. Nova Kakhovka, 11-12 July: three
articles, one of which also gives the UN's running total of civilians killed, which must stay out.
"""

from __future__ import annotations

import pytest

from conftest import corpus_records, query, settings_in
from transforms.stages.pipeline import run
from transforms.store import incidents, warehouse

VINNYTSIA = ["guardian-0008", "guardian-0134", "guardian-0136", "nyt-0086", "nyt-0207"]
LATE_VINNYTSIA = "nyt-0214"  # published 15 July, after the earliest report: a later word on a known incident
NOVA_KAKHOVKA = ["guardian-0146", "guardian-0148", "nyt-0104"]


def _incident(path, place: str) -> dict:
    rows = query(path, f"SELECT * FROM incidents WHERE location_name = '{place}' AND n_articles > 1")
    assert len(rows) == 1, rows
    return rows[0]


def _casualties(path, incident_id: str) -> dict[str, dict]:
    rows = query(path, f"SELECT * FROM incident_casualties WHERE incident_id = '{incident_id}'")
    return {r["category"]: r for r in rows}


def _articles(path, incident_id: str) -> set[str]:
    return {r["external_id"] for r in query(path, f"""
        SELECT DISTINCT a.external_id FROM incident_members m JOIN articles a USING (article_id)
        WHERE m.incident_id = '{incident_id}'""")}


@pytest.fixture(scope="module")
def strikes(tmp_path_factory):
    """The warehouse after run 1 (eight articles) and run 2 (the late Vinnytsia report), with snapshots."""
    cfg = settings_in(tmp_path_factory.mktemp("incidents"))
    first = cfg.landing / "first.jsonl"
    first.write_text(corpus_records(VINNYTSIA + NOVA_KAKHOVKA), encoding="utf-8")
    run(first, cfg, "run-1")
    before = {"vinnytsia": _incident(cfg.warehouse, "Vinnytsia")}
    before["casualties"] = _casualties(cfg.warehouse, before["vinnytsia"]["incident_id"])
    late = cfg.landing / "late.jsonl"
    late.write_text(corpus_records([LATE_VINNYTSIA]), encoding="utf-8")
    run(late, cfg, "run-2")
    return cfg.warehouse, before


def test_six_reports_of_the_vinnytsia_strike_are_one_incident(strikes):
    path, _ = strikes
    strike = _incident(path, "Vinnytsia")
    assert (strike["event_type"], str(strike["event_date"]), strike["admin1_name"]) == \
        ("missile_strike", "2022-07-14", "Vinnytsia")
    assert strike["n_articles"] == 6 and _articles(path, strike["incident_id"]) == {*VINNYTSIA, LATE_VINNYTSIA}
    casualties = _casualties(path, strike["incident_id"])
    assert {c: (r["low"], r["best"], r["high"]) for c, r in casualties.items()} == \
        {"killed": (23, 23.0, 23), "injured": (66, 105.5, 140), "missing": (18, 18.0, 24)}
    # "a frantic search for dozens more missing in the rubble" is the strike's (a rescue, not a security
    # operation of its own): the vague 24 bounds the missing from above, the exact 18 stays the best.
    # "up to 66" is hedged: the best is the median of the exact 71 and 140 alone.
    injured = casualties["injured"]["attributions"]
    assert [(a["low"], a["high"], a["hedge"]) for a in injured] == [(140, 140, None), (71, 71, None),
                                                                    (None, 66, "up to")]
    assert casualties["injured"]["n_reports"] == 3
    # who reported what: every report names its article (and its source, where the article gave one)
    killed = casualties["killed"]["attributions"]
    assert len(killed) == casualties["killed"]["n_reports"] >= 2
    assert len({(a["article_id"], a["attributed_to"]) for a in killed}) == len(killed)
    assert all(a["figure_id"] for a in killed)
    # "It said three children were among those killed" (Zelensky's office, in an NYT report): a part of the dead,
    # at least three, which bounds the count from below without lowering it
    assert ("President Volodymyr Zelensky’s office", 3, None, "at least") in [
        (a["attributed_to"], a["low"], a["high"], a["hedge"]) for a in killed]


def test_a_running_total_in_one_report_stays_out_of_the_strike(strikes):
    path, _ = strikes
    depot = _incident(path, "Nova Kakhovka")
    assert _articles(path, depot["incident_id"]) == set(NOVA_KAKHOVKA)
    assert {c: (r["low"], r["best"], r["high"], r["n_reports"]) for c, r in
            _casualties(path, depot["incident_id"]).items()} == {"killed": (7, 7.0, 7, 2)}
    # The same article's "more than 5,000 civilians killed since the invasion" is read, but joins nothing.
    totals = query(path, """
        SELECT f.figure_id, m.incident_id FROM casualty_figures f JOIN articles a USING (article_id)
        LEFT JOIN incident_members m ON m.kind = 'figure' AND m.member_id = f.figure_id
        WHERE a.external_id = 'guardian-0146' AND f.scope = 'cumulative' AND f.low = 5000""")
    assert totals and all(t["incident_id"] is None for t in totals)


def test_a_later_article_updates_the_incident_it_reports(strikes):
    path, before = strikes
    after = _incident(path, "Vinnytsia")
    assert after["incident_id"] == before["vinnytsia"]["incident_id"]
    assert (before["vinnytsia"]["n_articles"], after["n_articles"]) == (5, 6)
    assert before["casualties"]["injured"]["high"] == 71
    assert _casualties(path, after["incident_id"])["injured"]["high"] == 140
    assert query(path, "SELECT count(*) AS n FROM incidents WHERE location_name = 'Vinnytsia' "
                       "AND event_date = DATE '2022-07-14'") == [{"n": 1}]


def test_rebuilding_gives_the_same_ids_and_rows(strikes):
    path, _ = strikes
    tables = ("incidents", "incident_casualties", "incident_members")

    def snapshot():
        return {t: query(path, f"SELECT * FROM {t} ORDER BY ALL") for t in tables}

    published = snapshot()
    for _ in range(2):
        with warehouse.connect(path) as con:
            counts = incidents.rebuild(con)
        assert snapshot() == published
    assert counts == {t: len(published[t]) for t in tables} and counts["incidents"] > 0


# Hand-made events at the sample's places: (event_id, article, type, place, geonameid, admin1, geo precision,
# day, date precision). Kramatorsk and Sloviansk lie in Donetsk (UA.05).
EVENTS = [
    ("shell-a", "a1", "shelling", "Kramatorsk", 704508, "UA.05", 1, "2022-07-03", 1),
    ("missile-b", "a2", "missile_strike", "Kramatorsk", 704508, "UA.05", 1, "2022-07-03", 1),
    ("arrest-c", "a3", "arrest", "Kramatorsk", 704508, "UA.05", 1, "2022-07-03", 1),
    ("air-d", "a4", "air_strike", "Kramatorsk", 704508, "UA.05", 1, "2022-07-04", 2),   # vaguer, next day
    ("shell-e", "a5", "shelling", "Kramatorsk", 704508, "UA.05", 1, "2022-07-05", 2),   # as vague, next again
    ("region-f", "a6", "shelling", "Donetsk", None, "UA.05", 3, "2022-07-03", 1),       # the region: one town
    ("shell-g", "a7", "shelling", "Sloviansk", 693468, "UA.05", 1, "2022-07-10", 1),
    ("shell-h", "a8", "shelling", "Kramatorsk", 704508, "UA.05", 1, "2022-07-10", 1),
    ("region-i", "a9", "shelling", "Donetsk", None, "UA.05", 3, "2022-07-10", 1),       # two towns: neither
]


def test_grouping_rules_on_hand_made_events(tmp_path):
    import pandas as pd

    events = pd.DataFrame(EVENTS, columns=["event_id", "article_id", "event_type", "location_name", "geonameid",
                                           "admin1", "geo_precision", "event_date", "date_precision"])
    events["event_date"] = pd.to_datetime(events["event_date"]).dt.date
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        con.register("hand", events)
        con.execute("""
            INSERT INTO articles BY NAME
            SELECT DISTINCT article_id, 'title' AS title, DATE '2022-07-11' AS published_date,
                   'body' AS body, now()::TIMESTAMP AS ingested_at, 'f' AS source_file, article_id AS content_hash,
                   1 AS version, 'r' AS run_id FROM hand;
            INSERT INTO events BY NAME SELECT *, 'sentence' AS sentence_text, 0 AS sentence_index, 'UA' AS country_code,
                   false AS claimed, 1 AS mentions, 'r' AS run_id FROM hand;
        """)
        incidents.rebuild(con)
        groups = con.execute("SELECT list(member_id ORDER BY member_id) FROM incident_members "
                             "GROUP BY incident_id ORDER BY 1").fetchall()
    assert [g[0] for g in groups] == [
        ["air-d", "missile-b", "region-f", "shell-a"],
        ["arrest-c"],
        ["region-i"],
        ["shell-e"],
        ["shell-g"],
        ["shell-h"],
    ]
