"""``warledger export``: a table or mart of the warehouse to CSV, Parquet or GeoJSON, read-only."""

from __future__ import annotations

import json
import logging
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from transforms.store import warehouse

FORMATS = ("csv", "parquet", "geojson")
log = logging.getLogger(__name__)

# Incidents carry their casualties along, so one map layer says what happened and how many.
GEOJSON_SELECT = {
    "incidents": """
        SELECT i.*, (SELECT list({'category': c.category, 'low': c.low, 'best': c.best, 'high': c.high,
                                  'n_reports': c.n_reports} ORDER BY c.category)
                     FROM incident_casualties c WHERE c.incident_id = i.incident_id) AS casualties
        FROM incidents i ORDER BY i.event_date, i.incident_id""",
}


class ExportError(ValueError):
    """The table or format cannot be exported; the message says why."""


def export(warehouse_path: Path, table: str, fmt: str, out: Path) -> int:
    """Write ``table`` to ``out`` in ``fmt``; return the number of rows (features) written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    start = time.perf_counter()
    with warehouse.connect(warehouse_path, read_only=True) as con:
        n = _write(con, table, fmt, Path(out))
    log.info("exported %s to %s (%s): %d %s, %.1f s", table, out, fmt, n,
             "feature(s)" if fmt == "geojson" else "row(s)", time.perf_counter() - start)
    return n


def _write(con, table: str, fmt: str, out: Path) -> int:
    columns = _columns(con, table)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "geojson":
        return _geojson(con, table, columns, out)
    options = "FORMAT csv, HEADER" if fmt == "csv" else "FORMAT parquet"
    con.execute(f'COPY (SELECT * FROM "{table}") TO \'{_literal(out)}\' ({options})')
    return con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]


def _columns(con, table: str) -> list[str]:
    known = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT internal AND NOT temporary "
        "UNION SELECT view_name FROM duckdb_views() WHERE NOT internal AND NOT temporary ORDER BY 1").fetchall()]
    if table not in known:
        raise ExportError(f"no table or view {table!r} in the warehouse: one of {', '.join(known)}")
    return [r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()]


def _geojson(con, table: str, columns: list[str], out: Path) -> int:
    if not {"latitude", "longitude"} <= set(columns):
        raise ExportError(f"{table} has no latitude and longitude columns: GeoJSON needs coordinates "
                          "(incidents, events and casualty_figures have them)")
    rows = con.sql(GEOJSON_SELECT.get(table, f'SELECT * FROM "{table}"')).to_arrow_table().to_pylist()
    features = [_feature(row) for row in rows]
    out.write_text(json.dumps({"type": "FeatureCollection", "features": features}, default=_plain,
                              ensure_ascii=False), encoding="utf-8")
    return len(features)


def _feature(row: dict) -> dict:
    lat, lon = row.pop("latitude"), row.pop("longitude")
    # RFC 7946: a feature with no known position has a null geometry; coordinates are longitude first.
    geometry = None if lat is None or lon is None else {"type": "Point", "coordinates": [lon, lat]}
    return {"type": "Feature", "geometry": geometry, "properties": row}


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")
