-- The warehouse schema: the one place tables and views are defined.
-- Column names are a contract with users' SQL; add columns, never rename them.

CREATE TABLE IF NOT EXISTS articles (
    article_id      VARCHAR PRIMARY KEY,   -- sha1 of the URL, else of the content
    external_id     VARCHAR,               -- the input record's own id (JSONL "id")
    url             VARCHAR,
    title           VARCHAR NOT NULL,
    published_date  DATE,
    published_date_from VARCHAR,           -- record (its date field) | dateline (read from the text's opening)
    source          VARCHAR,               -- the URL's host, or the record's "source"
    body            VARCHAR NOT NULL,
    ingested_at     TIMESTAMP NOT NULL,
    source_file     VARCHAR NOT NULL,
    content_hash    VARCHAR NOT NULL,      -- sha1 of title, date and body: a new hash under one URL is a new version
    version         INTEGER NOT NULL,
    run_id          VARCHAR NOT NULL
);

-- Every version of every article ever loaded; `articles` holds the latest.
CREATE TABLE IF NOT EXISTS article_versions (
    article_id      VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    content_hash    VARCHAR NOT NULL,
    title           VARCHAR,
    published_date  DATE,
    body            VARCHAR,
    ingested_at     TIMESTAMP NOT NULL,
    source_file     VARCHAR NOT NULL,
    run_id          VARCHAR NOT NULL,
    PRIMARY KEY (article_id, version)
);

CREATE TABLE IF NOT EXISTS sentences (
    article_id      VARCHAR NOT NULL,
    sentence_index  INTEGER NOT NULL,      -- position in the input; carries no meaning for line files
    text            VARCHAR NOT NULL,
    PRIMARY KEY (article_id, sentence_index)
);

CREATE TABLE IF NOT EXISTS casualty_figures (
    figure_id       VARCHAR PRIMARY KEY,   -- stable: same article text, same id
    article_id      VARCHAR NOT NULL,
    sentence_index  INTEGER NOT NULL,
    sentence_text   VARCHAR NOT NULL,
    category        VARCHAR NOT NULL,      -- vocab/casualty_categories.csv
    low             BIGINT,
    high            BIGINT,                -- NULL: open-ended
    hedge           VARCHAR,               -- vocab/hedge_types.csv; NULL: exact
    victims         VARCHAR,
    scope           VARCHAR NOT NULL,      -- event | cumulative
    location_name   VARCHAR,
    event_date      DATE,
    attributed_to   VARCHAR,
    quantity_text   VARCHAR,               -- the words the figure was read from
    trigger_text    VARCHAR,               -- the word that says what happened to the victims
    event_id        VARCHAR,               -- the event of the same sentence the figure belongs to
    geonameid       BIGINT,                -- location_name geocoded (GeoNames; NULL for regions and NER-only places)
    latitude        DOUBLE,
    longitude       DOUBLE,
    country_code    VARCHAR,               -- ISO 3166-1 alpha-2
    admin1          VARCHAR,               -- GeoNames admin1 code, "UA.14"
    admin1_name     VARCHAR,               -- "Luhansk"
    geo_precision   INTEGER,               -- 1 the town, 2 near a town, 3 a region or country (as ACLED)
    date_precision  INTEGER,               -- 1 the day, 2 about that day or week, 3 the month (as ACLED)
    run_id          VARCHAR NOT NULL
);

-- One row per happening an article reports (ACLED's unit): its mentions of the same type, place
-- and day folded together; event_mentions keeps every sentence that told of it.
CREATE TABLE IF NOT EXISTS events (
    event_id              VARCHAR PRIMARY KEY,
    article_id            VARCHAR NOT NULL,
    sentence_index        INTEGER NOT NULL,     -- the mention that says most
    sentence_text         VARCHAR NOT NULL,
    event_type            VARCHAR NOT NULL,     -- vocab/event_types.csv
    acled_event_type      VARCHAR,
    acled_sub_event_type  VARCHAR,
    actor                 VARCHAR,              -- vocab/actors.csv
    target                VARCHAR,
    weapon                VARCHAR,              -- vocab/weapons.csv
    location_name         VARCHAR,
    geonameid             BIGINT,
    latitude              DOUBLE,
    longitude             DOUBLE,
    country_code          VARCHAR,
    admin1                VARCHAR,
    admin1_name           VARCHAR,
    geo_precision         INTEGER,
    event_date            DATE,
    date_precision        INTEGER,
    attributed_to         VARCHAR,
    claimed               BOOLEAN NOT NULL,     -- a party's claim ("X said", "accused"), not the reporter's statement
    mentions              INTEGER NOT NULL,
    trigger_text          VARCHAR,
    run_id                VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS event_mentions (
    mention_id      VARCHAR PRIMARY KEY,
    event_id        VARCHAR,                    -- NULL: a mention with no place, or background older than a week
    article_id      VARCHAR NOT NULL,
    sentence_index  INTEGER NOT NULL,
    sentence_text   VARCHAR NOT NULL,
    event_type      VARCHAR NOT NULL,
    location_name   VARCHAR,
    event_date      DATE,
    claimed         BOOLEAN NOT NULL,
    trigger_text    VARCHAR,
    run_id          VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS quarantine (
    quarantine_id   VARCHAR PRIMARY KEY,   -- sha1 of file, record, reason and raw: re-runs add nothing
    source_file     VARCHAR NOT NULL,
    record_ref      VARCHAR,               -- line number, record id or figure id
    reason          VARCHAR NOT NULL,
    raw             VARCHAR,               -- at most the first 2,000 characters
    quarantined_at  TIMESTAMP NOT NULL,
    stage           VARCHAR NOT NULL,      -- ingest | extract | validate
    run_id          VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS dq_results (
    run_id              VARCHAR NOT NULL,
    table_name          VARCHAR NOT NULL,
    expectation         VARCHAR NOT NULL,  -- type and column(s)
    severity            VARCHAR NOT NULL,  -- critical | warning
    success             BOOLEAN NOT NULL,
    element_count       BIGINT,
    unexpected_count    BIGINT,
    validated_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (run_id, table_name, expectation)
);

-- Landing files already read, by path and content: a scheduled run skips them, a changed file is read again.
CREATE TABLE IF NOT EXISTS landing_files (
    path            VARCHAR NOT NULL,
    content_hash    VARCHAR NOT NULL,      -- sha1 of the file's bytes
    size_bytes      BIGINT NOT NULL,
    run_id          VARCHAR NOT NULL,      -- the run that first read it
    read_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (path, content_hash)
);

-- Pass rate per table per day, over every expectation run.
CREATE OR REPLACE VIEW dq_summary AS
SELECT table_name,
       CAST(validated_at AS DATE)                          AS day,
       count(DISTINCT run_id)                              AS runs,
       count(*)                                            AS expectations_run,
       count(*) FILTER (WHERE success)                     AS passed,
       round(count(*) FILTER (WHERE success) / count(*), 4) AS pass_rate,
       count(*) FILTER (WHERE NOT success AND severity = 'critical') AS critical_failures,
       coalesce(sum(unexpected_count), 0)                  AS unexpected_rows
FROM dq_results
GROUP BY ALL;

-- Per article and category, the largest event-scope figure: what a record-level gold
-- (one number per report, as in WAD, ACLED or ISAF) compares with.
CREATE OR REPLACE VIEW article_casualties AS
SELECT article_id,
       category,
       arg_max(low, coalesce(low, high))       AS low,
       arg_max(high, coalesce(low, high))      AS high,
       arg_max(hedge, coalesce(low, high))     AS hedge,
       arg_max(figure_id, coalesce(low, high)) AS figure_id,
       count(*)                                AS figures
FROM casualty_figures
WHERE scope = 'event'
GROUP BY article_id, category;
