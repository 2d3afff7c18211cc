-- +goose Up
-- Territorial dashboards (internal/indicators): the figures pre-aggregated
-- from the features' tables by département and month, so that a dashboard
-- sums a few thousand rows instead of reading a year of activity. The job
-- indicators.refresh writes a new generation of rows and publishes it (see
-- docs/adr/010-indicators-read-model.md).

-- One figure: a count or a sum of measure for a département, a month
-- ('YYYY-MM', UTC) or '' for a figure of the moment of computing (children
-- waiting now, agreements in force now), and up to two dimensions (a kind,
-- a structure type, a reason, a bucket of response time).
CREATE TABLE indicator_facts (
    -- The refresh that wrote the row: readers read the generation
    -- published in indicator_state, so a refresh writes the next one in
    -- short transactions and publishes it at once.
    generation  BIGINT NOT NULL,
    departement TEXT NOT NULL,
    month       TEXT NOT NULL,
    measure     TEXT NOT NULL,
    dim1        TEXT NOT NULL DEFAULT '',
    dim2        TEXT NOT NULL DEFAULT '',
    n           INTEGER NOT NULL,
    PRIMARY KEY (generation, departement, month, measure, dim1, dim2)
) WITHOUT ROWID;
-- A dashboard reads one territory's rows (the primary key, which holds
-- them: WITHOUT ROWID); the map reads one measure for every département
-- (this index holds every column it reads).
CREATE INDEX indicator_facts_measure ON indicator_facts (generation, measure, month, departement, dim1, dim2, n);

-- When the figures were computed; one row.
CREATE TABLE indicator_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    computed_at TIMESTAMP NOT NULL,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    facts       INTEGER NOT NULL DEFAULT 0,
    -- The generation of facts readers read (one more at each refresh;
    -- each server's cache of dashboards keys on it), and the last one a
    -- refresh took to write.
    generation  BIGINT NOT NULL DEFAULT 0,
    built       BIGINT NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE indicator_state;
DROP TABLE indicator_facts;
