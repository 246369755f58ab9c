"""SQL for people on the sample article's warehouse: column comments, `warledger sql`, `warledger export`."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys

import duckdb
import pytest

from conftest import SAMPLE_ARTICLE, query, settings_in
from transforms.entry.cli import main
from transforms.stages.pipeline import run

WARLEDGER = [sys.executable, "-m", "transforms.entry.cli"]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    cfg = settings_in(tmp_path_factory.mktemp("export"))
    run(SAMPLE_ARTICLE, cfg, "run-1")
    return cfg.warehouse


def test_every_table_mart_and_column_explains_itself(loaded):
    undocumented = query(loaded, "SELECT table_name, column_name FROM duckdb_columns() "
                                 "WHERE NOT internal AND (comment IS NULL OR comment = '')")
    assert undocumented == []
    relations = query(loaded, "SELECT table_name AS name, comment FROM duckdb_tables() WHERE NOT internal "
                              "UNION ALL SELECT view_name, comment FROM duckdb_views() WHERE NOT internal")
    names = {r["name"] for r in relations}
    assert {"incidents", "incident_casualties", "incident_members", "daily_casualties", "events_by_type_day",
            "incidents_by_admin1_week", "figures_by_attribution", "data_freshness"} <= names
    assert all(r["comment"] for r in relations)
    best = query(loaded, "SELECT comment FROM duckdb_columns() WHERE table_name = 'incident_casualties' "
                         "AND column_name = 'best'")
    assert "median" in best[0]["comment"]


def test_sql_errors_are_one_line_and_rows_are_capped(loaded):
    bad = subprocess.run([*WARLEDGER, "sql", "SELECT nope FROM incidents", "--warehouse", str(loaded)],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and bad.stderr.startswith("error: Binder Error") and "nope" in bad.stderr
    assert "Traceback" not in bad.stderr
    capped = subprocess.run([*WARLEDGER, "sql", "SELECT * FROM range(50) t(n)", "--max-rows", "6",
                             "--warehouse", str(loaded)], capture_output=True, text=True, check=True)
    shown = re.findall(r"│\s+(\d+) │", capped.stdout)
    assert shown == ["0", "1", "2", "47", "48", "49"] and "50 rows" in capped.stdout


def test_geojson_export_of_incidents_is_a_feature_collection(loaded, tmp_path, capsys):
    out = tmp_path / "incidents.geojson"
    assert main(["export", "incidents", "--format", "geojson", "--out", str(out), "--warehouse", str(loaded)]) == 0
    collection = json.loads(out.read_text())
    assert collection["type"] == "FeatureCollection"
    incidents = query(loaded, "SELECT incident_id, latitude, longitude FROM incidents")
    assert len(collection["features"]) == len(incidents) > 0
    where = {i["incident_id"]: i for i in incidents}
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and set(feature) == {"type", "geometry", "properties"}
        lon, lat = feature["geometry"]["coordinates"]
        row = where[feature["properties"]["incident_id"]]
        assert feature["geometry"]["type"] == "Point" and (lat, lon) == (row["latitude"], row["longitude"])
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    sloviansk = next(f for f in collection["features"] if f["properties"]["location_name"] == "Slovyansk")
    assert {c["category"]: c["best"] for c in sloviansk["properties"]["casualties"]} == {"injured": 15, "killed": 6}
    assert "feature(s) of incidents" in capsys.readouterr().out


def test_csv_and_parquet_exports_hold_the_table(loaded, tmp_path):
    events = query(loaded, "SELECT event_id FROM events ORDER BY event_id")
    assert main(["export", "events", "--format", "csv", "--out", str(tmp_path / "e.csv"),
                 "--warehouse", str(loaded)]) == 0
    with (tmp_path / "e.csv").open(newline="") as fh:
        assert sorted(r["event_id"] for r in csv.DictReader(fh)) == [e["event_id"] for e in events]
    assert main(["export", "incident_casualties", "--format", "parquet", "--out", str(tmp_path / "c.parquet"),
                 "--warehouse", str(loaded)]) == 0
    with duckdb.connect() as con:
        back = con.execute(f"SELECT category, attributions[1].attributed_to FROM '{tmp_path / 'c.parquet'}' "
                           "ORDER BY ALL").fetchall()
    assert ("injured", "Tetiana Tiurina") in back


def test_export_refuses_what_it_cannot_write(loaded, tmp_path, capsys):
    assert main(["export", "sentences", "--format", "geojson", "--out", str(tmp_path / "s.geojson"),
                 "--warehouse", str(loaded)]) == 1
    assert "no latitude and longitude" in capsys.readouterr().err
    assert main(["export", "nope; DROP TABLE events", "--format", "csv", "--out", str(tmp_path / "x.csv"),
                 "--warehouse", str(loaded)]) == 1
    assert "no table or view" in capsys.readouterr().err
    assert query(loaded, "SELECT count(*) AS n FROM events")[0]["n"] > 0
