"""Incidents: the events and casualty figures of many articles folded into one row per happening.

``rebuild`` replaces ``incidents``, ``incident_casualties`` and ``incident_members`` from the whole
warehouse, inside the caller's transaction (the publish's), with set-based SQL only:

1. Events fold when their types share a family (``vocab/event_types.csv``: shelling, missile and air
   strikes are all ``remote``; an arrest is ``arrest``), their places match (the same GeoNames id, the
   same unlocated name in the same country, or a town and the one region it lies in, when that region's
   report names no other town of the family that day), and their days match (the same day, or
   adjacent days when one report dates it less precisely than the other). Chains of such pairs are one
   incident (connected components, by label propagation).
2. A figure joins its event's incident. A figure without an event joins the incident of its place and
   day (the one with most events on a tie), or when it names no day, the incident its own article places
   there; failing that, dated figures of one place and day make an incident of their own. Cumulative
   figures, and figures with no place, join nothing.
3. An incident's id is the sha1 of its earliest member (earliest published article, then member id), so
   a later article telling of a known incident updates it rather than making a new one.
"""

from __future__ import annotations

import logging
import time

import pandas as pd

from transforms.rules import vocab

MAX_PASSES = 100
log = logging.getLogger(__name__)

# Events with what their grouping needs. A place key: the GeoNames id, else the name in its country.
NODES = """
CREATE OR REPLACE TEMP TABLE inc_nodes AS
SELECT e.event_id AS node_id, e.article_id, a.published_date, e.event_type, f.family,
       coalesce(CAST(e.geonameid AS VARCHAR),
                coalesce(e.country_code, '') || ':' || lower(e.location_name)) AS place_key,
       e.country_code, e.admin1, coalesce(e.geo_precision, 3) AS geo_precision,
       e.event_date, coalesce(e.date_precision, 1) AS date_precision
FROM events e
JOIN articles a USING (article_id)
LEFT JOIN inc_families f USING (event_type)
"""

# A pair of days that may be one happening's: the same day, or adjacent when one is vaguer.
SAME_DAYS = """(({a}.event_date = {b}.event_date) OR (abs(date_diff('day', {a}.event_date, {b}.event_date)) = 1
                AND {a}.date_precision <> {b}.date_precision))"""

EDGES = f"""
CREATE OR REPLACE TEMP TABLE inc_edges AS
WITH same_place AS (
    SELECT a.node_id AS a, b.node_id AS b
    FROM inc_nodes a JOIN inc_nodes b
      ON a.family = b.family AND a.place_key = b.place_key AND a.node_id < b.node_id
    WHERE {SAME_DAYS.format(a="a", b="b")}
),
-- A region-wide report and the towns of that region the same family and days name.
region_towns AS (
    SELECT r.node_id AS region, t.node_id AS town, t.place_key
    FROM inc_nodes r JOIN inc_nodes t
      ON r.family = t.family AND r.country_code = t.country_code AND r.admin1 = t.admin1
    WHERE r.geo_precision = 3 AND t.geo_precision < 3 AND {SAME_DAYS.format(a="r", b="t")}
),
one_town AS (
    SELECT region FROM region_towns GROUP BY region HAVING count(DISTINCT place_key) = 1
)
SELECT a, b FROM same_place
UNION ALL
SELECT region, town FROM region_towns JOIN one_town USING (region)
"""

SPREAD = """
CREATE OR REPLACE TEMP TABLE inc_next AS
SELECT l.node_id, least(l.label, coalesce(min(n.label), l.label)) AS label
FROM inc_labels l
LEFT JOIN (SELECT a AS node_id, b AS other FROM inc_edges UNION ALL SELECT b, a FROM inc_edges) e USING (node_id)
LEFT JOIN inc_labels n ON n.node_id = e.other
GROUP BY l.node_id, l.label
"""

# Each component named after its earliest member.
EVENT_MEMBERS = """
CREATE OR REPLACE TEMP TABLE inc_event_members AS
SELECT substr(sha1('event:' || first(n.node_id ORDER BY n.published_date NULLS LAST, n.node_id)
                   OVER (PARTITION BY l.label)), 1, 16) AS incident_id,
       n.node_id AS member_id, n.article_id, n.place_key, n.event_date, n.date_precision,
       n.published_date,
       count(*) OVER (PARTITION BY l.label) AS size
FROM inc_labels l JOIN inc_nodes n USING (node_id)
"""

FIGURES = """
CREATE OR REPLACE TEMP TABLE inc_figures AS
SELECT f.figure_id, f.article_id, a.published_date, f.event_id,
       coalesce(CAST(f.geonameid AS VARCHAR),
                coalesce(f.country_code, '') || ':' || lower(f.location_name)) AS place_key,
       f.event_date, coalesce(f.date_precision, 1) AS date_precision
FROM casualty_figures f JOIN articles a USING (article_id)
WHERE f.scope = 'event'
"""

# A figure's incident: its event's; else the incident of its place and day; else its own.
FIGURE_MEMBERS = f"""
CREATE OR REPLACE TEMP TABLE inc_figure_members AS
WITH by_event AS (
    SELECT m.incident_id, f.figure_id, f.article_id
    FROM inc_figures f JOIN inc_event_members m ON m.member_id = f.event_id
),
loose AS (
    SELECT f.* FROM inc_figures f
    WHERE f.figure_id NOT IN (SELECT figure_id FROM by_event) AND f.place_key IS NOT NULL
),
-- An undated figure: the incident its own article places there.
by_place AS (
    SELECT first(m.incident_id ORDER BY m.size DESC, m.incident_id) AS incident_id, f.figure_id,
           first(f.article_id) AS article_id
    FROM loose f JOIN inc_event_members m ON m.place_key = f.place_key
     AND (CASE WHEN f.event_date IS NULL THEN m.article_id = f.article_id ELSE {SAME_DAYS.format(a="m", b="f")} END)
    GROUP BY f.figure_id
),
alone AS (
    SELECT substr(sha1('figure:' || first(figure_id ORDER BY published_date NULLS LAST, figure_id)
                       OVER (PARTITION BY place_key, event_date)), 1, 16) AS incident_id,
           figure_id, article_id
    FROM loose WHERE event_date IS NOT NULL AND figure_id NOT IN (SELECT figure_id FROM by_place)
)
SELECT * FROM by_event UNION ALL SELECT * FROM by_place UNION ALL SELECT * FROM alone
"""

MEMBERS = """
INSERT INTO incident_members BY NAME
SELECT incident_id, 'event' AS kind, member_id, article_id FROM inc_event_members
UNION ALL
SELECT incident_id, 'figure', figure_id, article_id FROM inc_figure_members
"""


# Every member with what it says; an incident's place and day come from its events when it has any.
INCIDENTS = """
INSERT INTO incidents BY NAME
WITH facts AS (
    SELECT m.incident_id, m.kind, m.article_id, a.published_date, a.source, e.event_type, e.actor,
           coalesce(e.mentions, 0) AS mentions, coalesce(e.sentence_text, f.sentence_text) AS sentence_text,
           {'location_name': coalesce(e.location_name, f.location_name),
            'geonameid': coalesce(e.geonameid, f.geonameid),
            'admin1_name': coalesce(e.admin1_name, f.admin1_name),
            'country_code': coalesce(e.country_code, f.country_code),
            'latitude': coalesce(e.latitude, f.latitude), 'longitude': coalesce(e.longitude, f.longitude),
            'geo_precision': coalesce(e.geo_precision, f.geo_precision)} AS place,
           coalesce(e.event_date, f.event_date) AS event_date,
           coalesce(e.date_precision, f.date_precision) AS date_precision
    FROM incident_members m
    JOIN articles a USING (article_id)
    LEFT JOIN events e ON m.kind = 'event' AND e.event_id = m.member_id
    LEFT JOIN casualty_figures f ON m.kind = 'figure' AND f.figure_id = m.member_id
),
placed AS (
    SELECT * FROM facts
    WHERE kind = 'event' OR incident_id NOT IN (SELECT incident_id FROM facts WHERE kind = 'event')
),
weights AS (
    SELECT incident_id, event_type, sum(mentions) AS weight FROM facts WHERE event_type IS NOT NULL GROUP BY ALL
),
types AS (
    SELECT incident_id, first(event_type ORDER BY weight DESC, event_type) AS event_type FROM weights GROUP BY ALL
),
wheres AS (
    SELECT incident_id,
           first(place ORDER BY place.geo_precision NULLS LAST, mentions DESC, published_date,
                 place.location_name) AS place,
           first({'event_date': event_date, 'date_precision': date_precision}
                 ORDER BY date_precision NULLS LAST, mentions DESC, event_date) AS day
    FROM placed GROUP BY ALL
)
SELECT f.incident_id, t.event_type, any_value(fam.acled_event_type) AS acled_event_type,
       any_value(w.day.event_date) AS event_date, any_value(w.day.date_precision) AS date_precision,
       any_value(w.place.location_name) AS location_name, any_value(w.place.geonameid) AS geonameid,
       any_value(w.place.admin1_name) AS admin1_name, any_value(w.place.country_code) AS country_code,
       any_value(w.place.latitude) AS latitude, any_value(w.place.longitude) AS longitude,
       any_value(w.place.geo_precision) AS geo_precision,
       count(DISTINCT f.article_id) AS n_articles, count(DISTINCT f.source) AS n_sources,
       min(f.published_date) AS first_reported, max(f.published_date) AS last_reported,
       list_sort(list_distinct(coalesce(list(f.actor) FILTER (WHERE f.actor IS NOT NULL), []))) AS actors,
       first(f.sentence_text ORDER BY f.kind = 'event' DESC, f.mentions DESC, f.published_date, f.sentence_text)
           AS summary_sentence
FROM facts f
JOIN wheres w USING (incident_id)
LEFT JOIN types t USING (incident_id)
LEFT JOIN inc_families fam ON fam.event_type = t.event_type
GROUP BY f.incident_id, t.event_type
"""

# A report: one article's word from one source; its largest figure per category stands for it.
CASUALTIES = """
INSERT INTO incident_casualties BY NAME
WITH figures AS (
    SELECT m.incident_id, f.category, f.article_id, coalesce(f.attributed_to, '') AS source,
           coalesce(f.low, f.high) AS value, coalesce(f.high, f.low) AS upper,
           f.hedge IS NULL OR f.hedge = 'none reported' AS exact,
           {'attributed_to': f.attributed_to, 'low': f.low, 'high': f.high, 'hedge': f.hedge,
            'article_id': f.article_id, 'figure_id': f.figure_id} AS said
    FROM incident_members m JOIN casualty_figures f ON m.kind = 'figure' AND f.figure_id = m.member_id
),
reports AS (
    SELECT incident_id, category,
           first({'value': value, 'upper': upper, 'exact': exact, 'said': said}
                 ORDER BY value DESC NULLS LAST, said.figure_id) AS r
    FROM figures GROUP BY incident_id, category, article_id, source
)
SELECT incident_id, category,
       -- an open-ended report ("at least 23", "four children were among the dead") bounds the count from below:
       -- it lowers the range only where no report gave a closed number
       coalesce(min(r.value) FILTER (WHERE r.said.hedge IS DISTINCT FROM 'at least'), min(r.value)) AS low,
       coalesce(median(r.value) FILTER (WHERE r.exact), median(r.value)) AS best,
       max(r.upper) AS high, count(*) AS n_reports,
       list(r.said ORDER BY r.value DESC NULLS LAST, r.said.article_id, r.said.figure_id) AS attributions
FROM reports GROUP BY incident_id, category
"""


def rebuild(con) -> dict[str, int]:
    """Replace the incident tables from the warehouse's events and figures; return their row counts."""
    start = time.perf_counter()
    families = pd.DataFrame(vocab.rows("event_types"))[["event_type", "family", "acled_event_type"]]
    con.register("inc_families", families)
    con.execute(NODES)
    con.execute(EDGES)
    _components(con)
    con.execute(EVENT_MEMBERS)
    con.execute(FIGURES)
    con.execute(FIGURE_MEMBERS)
    for table in ("incident_casualties", "incident_members", "incidents"):
        con.execute(f"DELETE FROM {table}")
    con.execute(MEMBERS)
    con.execute(INCIDENTS)
    con.execute(CASUALTIES)
    for temp in ("inc_nodes", "inc_edges", "inc_labels", "inc_event_members", "inc_figures", "inc_figure_members"):
        con.execute(f"DROP TABLE IF EXISTS {temp}")
    con.unregister("inc_families")
    rows = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
            for t in ("incidents", "incident_casualties", "incident_members")}
    log.info("incidents rebuilt: %s; %.1f s", ", ".join(f"{n} {t}" for t, n in rows.items()),
             time.perf_counter() - start)
    return rows


def _components(con) -> None:
    """Label every event with the least event id it is chained to, a whole-table pass at a time."""
    con.execute("CREATE OR REPLACE TEMP TABLE inc_labels AS SELECT node_id, node_id AS label FROM inc_nodes")
    for _ in range(MAX_PASSES):
        con.execute(SPREAD)
        changed = con.execute("SELECT count(*) FROM inc_next JOIN inc_labels USING (node_id) "
                              "WHERE inc_next.label <> inc_labels.label").fetchall()[0][0]
        con.execute("DROP TABLE inc_labels")
        con.execute("ALTER TABLE inc_next RENAME TO inc_labels")
        if not changed:
            return
    raise RuntimeError(f"incidents: event chains still growing after {MAX_PASSES} passes")
