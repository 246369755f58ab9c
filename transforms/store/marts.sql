-- Marts: ready-made views for analysts over the warehouse (transforms/store/warehouse.sql), one line per
-- column below. Casualty counts come from incident_casualties, so a strike told by ten articles counts once.

-- Casualties per day, place and category, summed over the incidents there.
CREATE OR REPLACE VIEW daily_casualties AS
SELECT i.event_date AS day,                         -- the incidents' day
       i.country_code,                              -- ISO 3166-1 alpha-2
       i.admin1_name,                               -- region ("Donetsk")
       i.location_name,                             -- the incidents' place
       i.geonameid,                                 -- its GeoNames id
       c.category,                                  -- vocab/casualty_categories.csv
       count(*) AS incidents,                       -- incidents with a figure of this category
       sum(c.low) AS low,                           -- sum of the incidents' lowest reports
       sum(c.best) AS best,                         -- sum of the incidents' best numbers (README: best)
       sum(c.high) AS high                          -- sum of the incidents' highest reports
FROM incidents i JOIN incident_casualties c USING (incident_id)
WHERE i.event_date IS NOT NULL
GROUP BY ALL;

-- Events per type and day, with how many incidents they fold into.
CREATE OR REPLACE VIEW events_by_type_day AS
SELECT e.event_date AS day,                         -- the events' day
       e.event_type,                                -- vocab/event_types.csv
       e.acled_event_type,                          -- ACLED's event type
       count(*) AS events,                          -- event rows (one per article and happening)
       count(DISTINCT e.article_id) AS articles,    -- articles telling of them
       count(DISTINCT m.incident_id) AS incidents   -- incidents they fold into
FROM events e LEFT JOIN incident_members m ON m.kind = 'event' AND m.member_id = e.event_id
WHERE e.event_date IS NOT NULL
GROUP BY ALL;

-- Incidents per region and ISO week, with their best killed and injured.
CREATE OR REPLACE VIEW incidents_by_admin1_week AS
SELECT i.country_code,                              -- ISO 3166-1 alpha-2
       i.admin1_name,                               -- region; NULL: a country-wide or unplaced incident
       strftime(i.event_date, '%G-W%V') AS iso_week,  -- ISO 8601 week, "2022-W27"
       date_trunc('week', i.event_date) AS week_start,  -- that week's Monday
       count(*) AS incidents,                       -- incidents that week
       sum(i.n_articles) AS articles,               -- articles telling of them (an article may tell of several)
       coalesce(sum(k.best), 0) AS killed_best,     -- sum of their best killed
       coalesce(sum(w.best), 0) AS injured_best     -- sum of their best injured
FROM incidents i
LEFT JOIN incident_casualties k ON k.incident_id = i.incident_id AND k.category = 'killed'
LEFT JOIN incident_casualties w ON w.incident_id = i.incident_id AND w.category = 'injured'
WHERE i.event_date IS NOT NULL
GROUP BY ALL;

-- Who reports what: per source and category, how often, how large, and how it compares with the others.
CREATE OR REPLACE VIEW figures_by_attribution AS
WITH reports AS (
    SELECT c.incident_id, c.category, c.low AS incident_low, c.high AS incident_high, c.n_reports, a.*
    FROM incident_casualties c, unnest(c.attributions) AS t(a)
),
ranked AS (
    SELECT coalesce(attributed_to, '(unattributed)') AS attributed_to, category,
           count(*) AS reports,
           count(DISTINCT incident_id) AS incidents,
           count(*) FILTER (WHERE n_reports > 1 AND coalesce(high, low) = incident_high) AS times_highest,
           count(*) FILTER (WHERE n_reports > 1 AND coalesce(low, high) = incident_low) AS times_lowest,
           count(*) FILTER (WHERE n_reports > 1) AS contested
    FROM reports GROUP BY ALL
),
figures AS (
    SELECT coalesce(attributed_to, '(unattributed)') AS attributed_to, category,
           count(*) AS figures, count(*) FILTER (WHERE scope = 'cumulative') AS cumulative_figures,
           count(DISTINCT article_id) AS articles, median(coalesce(low, high)) AS median_value,
           max(coalesce(high, low)) AS max_value
    FROM casualty_figures GROUP BY ALL
)
SELECT f.attributed_to,                             -- who gave the figures; '(unattributed)': the reporter
       f.category,                                  -- vocab/casualty_categories.csv
       f.figures,                                   -- casualty_figures rows, any scope
       f.cumulative_figures,                        -- of those, running totals ("since the invasion")
       f.articles,                                  -- articles quoting them
       f.median_value,                              -- median of their numbers (low, else high)
       f.max_value,                                 -- the largest number they gave
       coalesce(r.incidents, 0) AS incidents,       -- incidents they gave a report on
       coalesce(r.contested, 0) AS contested,       -- of those reports, ones on incidents others reported too
       coalesce(r.times_highest, 0) AS times_highest,  -- contested reports that were the incident's highest
       coalesce(r.times_lowest, 0) AS times_lowest  -- contested reports that were the incident's lowest
FROM figures f LEFT JOIN ranked r USING (attributed_to, category);

-- How fresh the data is, per outlet.
CREATE OR REPLACE VIEW data_freshness AS
SELECT a.source,                                    -- the outlet (articles.source)
       count(*) AS articles,                        -- articles loaded from it
       max(a.published_date) AS latest_published,   -- its newest article's publication day
       max(a.ingested_at) AS latest_ingested,       -- when its newest article was read
       max(e.latest_event_day) AS latest_event_day,  -- the latest day any of its events happened
       date_diff('day', max(a.published_date), current_date) AS days_since_published  -- days from its newest article to today
FROM articles a
LEFT JOIN (SELECT article_id, max(event_date) AS latest_event_day FROM events GROUP BY ALL) e USING (article_id)
GROUP BY ALL;
