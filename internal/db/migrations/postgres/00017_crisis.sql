-- +goose Up
-- Crisis mode (internal/crisis): a crisis of a département, activated and
-- ended by its steering. At most one is active per département at a time.

CREATE TABLE crises (
    id              TEXT PRIMARY KEY,
    departement     TEXT NOT NULL,
    kind            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    started_at      TIMESTAMPTZ NOT NULL,
    ended_at        TIMESTAMPTZ,
    activated_by    TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    activated_name  TEXT NOT NULL DEFAULT '',
    ended_by        TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    ended_name      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX crises_one_active ON crises (departement) WHERE ended_at IS NULL;
CREATE INDEX crises_dep ON crises (departement, started_at);

-- +goose Down
DROP TABLE crises;
