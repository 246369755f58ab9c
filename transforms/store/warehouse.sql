-- The warehouse schema: the one place tables and views are defined.
-- Column names are a contract with users' SQL; add columns, never rename them.

-- One row per article: its latest version.
CREATE TABLE IF NOT EXISTS articles (
    article_id      VARCHAR PRIMARY KEY,   -- sha1 of the URL, else of the content
    external_id     VARCHAR,               -- the input record's own id (JSONL "id")
    url             VARCHAR,  -- the article's address, as given
    title           VARCHAR NOT NULL,  -- headline
    published_date  DATE,  -- publication day (record field or dateline)
    published_date_from VARCHAR,           -- record (its date field) | dateline (read from the text's opening)
    source          VARCHAR,               -- the URL's host, or the record's "source"
    body            VARCHAR NOT NULL,  -- the full text
    ingested_at     TIMESTAMP NOT NULL,  -- when it was first read
    source_file     VARCHAR NOT NULL,  -- the landing file it came from
    content_hash    VARCHAR NOT NULL,      -- sha1 of title, date and body: a new hash under one URL is a new version
    version         INTEGER NOT NULL,  -- 1 for the first text under its id, +1 per changed text
    run_id          VARCHAR NOT NULL  -- the run that loaded this version
);

-- Every version of every article ever loaded; `articles` holds the latest.
CREATE TABLE IF NOT EXISTS article_versions (
    article_id      VARCHAR NOT NULL,  -- articles.article_id
    version         INTEGER NOT NULL,  -- articles.version
    content_hash    VARCHAR NOT NULL,  -- sha1 of title, date and body
    title           VARCHAR,  -- headline of this version
    published_date  DATE,  -- publication day of this version
    body            VARCHAR,  -- text of this version
    ingested_at     TIMESTAMP NOT NULL,  -- when this version was read
    source_file     VARCHAR NOT NULL,  -- its landing file
    run_id          VARCHAR NOT NULL,  -- the run that loaded it
    PRIMARY KEY (article_id, version)
);

-- Every article's text, one sentence a row.
CREATE TABLE IF NOT EXISTS sentences (
    article_id      VARCHAR NOT NULL,  -- articles.article_id
    sentence_index  INTEGER NOT NULL,      -- position in the input; carries no meaning for line files
    text            VARCHAR NOT NULL,  -- the sentence
    PRIMARY KEY (article_id, sentence_index)
);

-- Every casualty figure an article gives, with the sentence it was read from (../shared/CASUALTY_GUIDE.md).
CREATE TABLE IF NOT EXISTS casualty_figures (
    figure_id       VARCHAR PRIMARY KEY,   -- stable: same article text, same id
    article_id      VARCHAR NOT NULL,  -- articles.article_id
    sentence_index  INTEGER NOT NULL,  -- sentences.sentence_index
    sentence_text   VARCHAR NOT NULL,  -- the sentence it was read from
    category        VARCHAR NOT NULL,      -- vocab/casualty_categories.csv
    low             BIGINT,  -- the number; for a range its lower end
    high            BIGINT,                -- NULL: open-ended
    hedge           VARCHAR,               -- vocab/hedge_types.csv; NULL: exact
    victims         VARCHAR,  -- who they were ("civilians", "soldiers")
    scope           VARCHAR NOT NULL,      -- event | cumulative
    location_name   VARCHAR,  -- the place the sentence names
    event_date      DATE,  -- the day it happened
    attributed_to   VARCHAR,  -- who gave the figure ("according to X", "X said")
    quantity_text   VARCHAR,               -- the words the figure was read from
    trigger_text    VARCHAR,               -- the word that says what happened to the victims
    event_id        VARCHAR,               -- the event of the same sentence the figure belongs to
    geonameid       BIGINT,                -- location_name geocoded (GeoNames; NULL for regions and NER-only places)
    latitude        DOUBLE,  -- WGS84 latitude of the place
    longitude       DOUBLE,  -- WGS84 longitude of the place
    country_code    VARCHAR,               -- ISO 3166-1 alpha-2
    admin1          VARCHAR,               -- GeoNames admin1 code, "UA.14"
    admin1_name     VARCHAR,               -- "Luhansk"
    geo_precision   INTEGER,               -- 1 the town, 2 near a town, 3 a region or country (as ACLED)
    date_precision  INTEGER,               -- 1 the day, 2 about that day or week, 3 the month (as ACLED)
    run_id          VARCHAR NOT NULL  -- the run that loaded it
);

-- One row per happening an article reports (ACLED's unit): its mentions of the same type, place
-- and day folded together; event_mentions keeps every sentence that told of it.
CREATE TABLE IF NOT EXISTS events (
    event_id              VARCHAR PRIMARY KEY,  -- stable: same article text, same id
    article_id            VARCHAR NOT NULL,  -- articles.article_id
    sentence_index        INTEGER NOT NULL,     -- the mention that says most
    sentence_text         VARCHAR NOT NULL,  -- that mention's sentence
    event_type            VARCHAR NOT NULL,     -- vocab/event_types.csv
    acled_event_type      VARCHAR,  -- ACLED's event type for event_type
    acled_sub_event_type  VARCHAR,  -- ACLED's sub-event type
    actor                 VARCHAR,              -- vocab/actors.csv
    target                VARCHAR,  -- the side on the receiving end (vocab/actors.csv)
    weapon                VARCHAR,              -- vocab/weapons.csv
    location_name         VARCHAR,  -- the place the mentions name
    geonameid             BIGINT,  -- its GeoNames id (NULL for regions and NER-only places)
    latitude              DOUBLE,  -- WGS84 latitude
    longitude             DOUBLE,  -- WGS84 longitude
    country_code          VARCHAR,  -- ISO 3166-1 alpha-2
    admin1                VARCHAR,  -- GeoNames admin1 code, "UA.14"
    admin1_name           VARCHAR,  -- "Luhansk"
    geo_precision         INTEGER,  -- 1 the town, 2 near a town, 3 a region or country (as ACLED)
    event_date            DATE,  -- the day it happened
    date_precision        INTEGER,  -- 1 the day, 2 about that day or week, 3 the month (as ACLED)
    attributed_to         VARCHAR,  -- who said it happened
    claimed               BOOLEAN NOT NULL,     -- a party's claim ("X said", "accused"), not the reporter's statement
    mentions              INTEGER NOT NULL,  -- how many sentences told of it
    trigger_text          VARCHAR,  -- the word that names what happened
    run_id                VARCHAR NOT NULL  -- the run that loaded it
);

-- Every sentence that tells of an event.
CREATE TABLE IF NOT EXISTS event_mentions (
    mention_id      VARCHAR PRIMARY KEY,  -- stable: same article text, same id
    event_id        VARCHAR,                    -- NULL: a mention with no place, or background older than a week
    article_id      VARCHAR NOT NULL,  -- articles.article_id
    sentence_index  INTEGER NOT NULL,  -- sentences.sentence_index
    sentence_text   VARCHAR NOT NULL,  -- the sentence
    event_type      VARCHAR NOT NULL,  -- vocab/event_types.csv
    location_name   VARCHAR,  -- the place the sentence names
    event_date      DATE,  -- the day it names
    claimed         BOOLEAN NOT NULL,  -- a party's claim, not the reporter's statement
    trigger_text    VARCHAR,  -- the word that names what happened
    run_id          VARCHAR NOT NULL  -- the run that loaded it
);

-- Files, records and rows left out, and why.
CREATE TABLE IF NOT EXISTS quarantine (
    quarantine_id   VARCHAR PRIMARY KEY,   -- sha1 of file, record, reason and raw: re-runs add nothing
    source_file     VARCHAR NOT NULL,  -- the landing file
    record_ref      VARCHAR,               -- line number, record id or figure id
    reason          VARCHAR NOT NULL,  -- what was wrong, naming the file (and line) or the expectation
    raw             VARCHAR,               -- at most the first 2,000 characters
    quarantined_at  TIMESTAMP NOT NULL,  -- when it was quarantined
    stage           VARCHAR NOT NULL,      -- fetch | ingest | extract | validate
    run_id          VARCHAR NOT NULL  -- the run that quarantined it
);

-- Every expectation's result in every validation run.
CREATE TABLE IF NOT EXISTS dq_results (
    run_id              VARCHAR NOT NULL,  -- the run validated
    table_name          VARCHAR NOT NULL,  -- the table (suite) validated
    expectation         VARCHAR NOT NULL,  -- type and column(s)
    severity            VARCHAR NOT NULL,  -- critical | warning
    success             BOOLEAN NOT NULL,  -- whether the expectation was met
    element_count       BIGINT,  -- rows validated
    unexpected_count    BIGINT,  -- rows that failed it
    validated_at        TIMESTAMP NOT NULL,  -- when it ran
    PRIMARY KEY (run_id, table_name, expectation)
);

-- Landing files already read, by path and content: a scheduled run skips them, a changed file is read again.
CREATE TABLE IF NOT EXISTS landing_files (
    path            VARCHAR NOT NULL,  -- the file's path as read
    content_hash    VARCHAR NOT NULL,      -- sha1 of the file's bytes
    size_bytes      BIGINT NOT NULL,  -- its size
    run_id          VARCHAR NOT NULL,      -- the run that first read it
    read_at         TIMESTAMP NOT NULL,  -- when it was read
    PRIMARY KEY (path, content_hash)
);

-- Incidents: the same real-world happening told by several articles (and several sentences), one row.
-- Rebuilt from events and casualty_figures at every publish, in the publish's transaction
-- (transforms/store/incidents.py); an incident's id is its earliest member's, so it outlives rebuilds.
CREATE TABLE IF NOT EXISTS incidents (
    incident_id       VARCHAR PRIMARY KEY,  -- sha1 of the earliest member's kind and id (earliest published article first)
    event_type        VARCHAR,              -- the members' commonest event type (vocab/event_types.csv); NULL: casualty figures only
    acled_event_type  VARCHAR,              -- ACLED's event type for event_type
    event_date        DATE,                 -- the day of the members that date it most precisely
    date_precision    INTEGER,              -- the best member's: 1 the day, 2 about that day or week, 3 the month (as ACLED)
    location_name     VARCHAR,              -- the place of the members that locate it most precisely
    geonameid         BIGINT,               -- that place's GeoNames id (NULL for regions and NER-only places)
    admin1_name       VARCHAR,              -- its region ("Donetsk")
    country_code      VARCHAR,              -- ISO 3166-1 alpha-2
    latitude          DOUBLE,               -- WGS84 latitude of the place
    longitude         DOUBLE,               -- WGS84 longitude of the place
    geo_precision     INTEGER,              -- 1 the town, 2 near a town, 3 a region or country (as ACLED)
    n_articles        INTEGER NOT NULL,     -- distinct articles among the members
    n_sources         INTEGER NOT NULL,     -- distinct outlets (articles.source) among those articles
    first_reported    DATE,                 -- earliest publication day of those articles
    last_reported     DATE,                 -- latest publication day of those articles
    actors            VARCHAR[],            -- distinct actors of the member events, sorted
    summary_sentence  VARCHAR               -- the sentence of the member event told most often (earliest article on a tie)
);

-- Per incident and category, the spread of what its reports said (cumulative figures never count).
CREATE TABLE IF NOT EXISTS incident_casualties (
    incident_id   VARCHAR NOT NULL,          -- incidents.incident_id
    category      VARCHAR NOT NULL,          -- vocab/casualty_categories.csv
    low           BIGINT,                    -- the lowest number any report gave; an "at least" one only if no other did
    best          DOUBLE,                    -- median of the exact reports' numbers, else of every report's (README: best)
    high          BIGINT,                    -- the largest number any report gave (an open-ended one counts its low)
    n_reports     INTEGER NOT NULL,          -- reports: distinct (article, attributed source) pairs
    attributions  STRUCT(attributed_to VARCHAR, low BIGINT, high BIGINT, hedge VARCHAR, article_id VARCHAR,
                         figure_id VARCHAR)[],  -- who reported what, one entry per report, largest first
    PRIMARY KEY (incident_id, category)
);

-- Which events and casualty figures fold into each incident.
CREATE TABLE IF NOT EXISTS incident_members (
    incident_id  VARCHAR NOT NULL,           -- incidents.incident_id
    kind         VARCHAR NOT NULL,           -- event | figure
    member_id    VARCHAR NOT NULL,           -- events.event_id or casualty_figures.figure_id
    article_id   VARCHAR NOT NULL,           -- the member's article
    PRIMARY KEY (kind, member_id)
);

-- Pass rate per table per day, over every expectation run.
CREATE OR REPLACE VIEW dq_summary AS
SELECT table_name,  -- the table (suite) validated
       CAST(validated_at AS DATE)                          AS day,  -- the day the validations ran
       count(DISTINCT run_id)                              AS runs,  -- distinct runs that day
       count(*)                                            AS expectations_run,  -- expectation results recorded
       count(*) FILTER (WHERE success)                     AS passed,  -- of those, met
       round(count(*) FILTER (WHERE success) / count(*), 4) AS pass_rate,  -- passed / expectations_run
       count(*) FILTER (WHERE NOT success AND severity = 'critical') AS critical_failures,  -- critical expectations not met
       coalesce(sum(unexpected_count), 0)                  AS unexpected_rows  -- rows failing any expectation
FROM dq_results
GROUP BY ALL;

-- Per article and category, the largest event-scope figure: what a record-level gold
-- (one number per report, as in WAD, ACLED or ISAF) compares with.
CREATE OR REPLACE VIEW article_casualties AS
SELECT article_id,  -- articles.article_id
       category,  -- vocab/casualty_categories.csv
       arg_max(low, coalesce(low, high))       AS low,  -- the largest event-scope figure's low
       arg_max(high, coalesce(low, high))      AS high,  -- its high
       arg_max(hedge, coalesce(low, high))     AS hedge,  -- its hedge
       arg_max(figure_id, coalesce(low, high)) AS figure_id,  -- its casualty_figures.figure_id
       count(*)                                AS figures  -- event-scope figures of the article in this category
FROM casualty_figures
WHERE scope = 'event'
GROUP BY article_id, category;
