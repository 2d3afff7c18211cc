-- +goose Up
-- Crisis mode (internal/crisis): a crisis of a département, activated and
-- ended by its steering. At most one is active per département at a time.

CREATE TABLE crises (
    id              TEXT PRIMARY KEY,
    departement     TEXT NOT NULL,
    kind            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    started_at      TIMESTAMP NOT NULL,
    ended_at        TIMESTAMP,
    activated_by    TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    activated_name  TEXT NOT NULL DEFAULT '',
    ended_by        TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    ended_name      TEXT NOT NULL DEFAULT '',
    -- What the steering wrote when ending it, printed in the report.
    closing_note    TEXT NOT NULL DEFAULT '',
    -- How often structures report their state, set by the cell.
    report_every_hours INTEGER NOT NULL DEFAULT 24,
    created_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX crises_one_active ON crises (departement) WHERE ended_at IS NULL;
CREATE INDEX crises_dep ON crises (departement, started_at);

-- The crisis cell: accounts of the platform, or people named with their
-- organisation and function (an ARS officer without an account).
CREATE TABLE crisis_cell_members (
    id              TEXT PRIMARY KEY,
    crisis_id       TEXT NOT NULL REFERENCES crises(id) ON DELETE CASCADE,
    account_id      TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    name            TEXT NOT NULL,
    organisation    TEXT NOT NULL DEFAULT '',
    function        TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX crisis_cell_account ON crisis_cell_members (crisis_id, account_id) WHERE account_id IS NOT NULL;

-- The cell's log: meeting notes and decisions, dated and attributed.
CREATE TABLE crisis_log (
    id              TEXT PRIMARY KEY,
    crisis_id       TEXT NOT NULL REFERENCES crises(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    at              TIMESTAMP NOT NULL,
    body            TEXT NOT NULL,
    author_id       TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    author_name     TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX crisis_log_crisis ON crisis_log (crisis_id, at);

-- Status reports of the structures during a crisis.
CREATE TABLE crisis_status_reports (
    id                TEXT PRIMARY KEY,
    crisis_id         TEXT NOT NULL REFERENCES crises(id) ON DELETE CASCADE,
    structure_id      TEXT NOT NULL REFERENCES organisations(id),
    state             TEXT NOT NULL,
    staff_absent      INTEGER NOT NULL DEFAULT 0,
    children_affected INTEGER NOT NULL DEFAULT 0,
    needs             TEXT NOT NULL DEFAULT '',
    author_id         TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    author_name       TEXT NOT NULL,
    created_at        TIMESTAMP NOT NULL
);
CREATE INDEX crisis_status_latest ON crisis_status_reports (crisis_id, structure_id, created_at);

-- Reminders sent to late structures: one per structure and period of the
-- cadence, so that the job may run often and on several servers.
CREATE TABLE crisis_status_reminders (
    crisis_id       TEXT NOT NULL REFERENCES crises(id) ON DELETE CASCADE,
    structure_id    TEXT NOT NULL REFERENCES organisations(id),
    period          INTEGER NOT NULL,
    sent_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (crisis_id, structure_id, period)
);

-- +goose Down
DROP TABLE crisis_status_reminders;
DROP TABLE crisis_status_reports;
DROP TABLE crisis_log;
DROP TABLE crisis_cell_members;
DROP TABLE crises;
