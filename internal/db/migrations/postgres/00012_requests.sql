-- +goose Up
-- Requests between structures (internal/request): what is asked, of whom,
-- and each recipient's answer; every step in request_events.

CREATE TABLE requests (
    id                   TEXT PRIMARY KEY,
    kind                 TEXT NOT NULL,
    sender_org_id        TEXT NOT NULL REFERENCES organisations(id),
    sender_org_name      TEXT NOT NULL,
    sender_account_id    TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    sender_name          TEXT NOT NULL,
    departement          TEXT NOT NULL,
    child_id             TEXT REFERENCES children(id) ON DELETE CASCADE,
    -- What the recipients read of the child: age and sex until they
    -- accept, the name once they have (taken when the request is sent).
    child_name           TEXT NOT NULL DEFAULT '',
    child_age            INTEGER NOT NULL DEFAULT 0,
    child_sex            TEXT NOT NULL DEFAULT '',
    basis                TEXT NOT NULL DEFAULT '',
    starts_on            TEXT NOT NULL DEFAULT '',
    ends_on              TEXT NOT NULL DEFAULT '',
    weekdays             INTEGER NOT NULL DEFAULT 0,
    need                 TEXT NOT NULL,
    tried                TEXT NOT NULL DEFAULT '',
    loss_of_chance       BOOLEAN NOT NULL DEFAULT FALSE,
    double_vulnerability BOOLEAN NOT NULL DEFAULT FALSE,
    young_age            BOOLEAN NOT NULL DEFAULT FALSE,
    crisis               BOOLEAN NOT NULL DEFAULT FALSE,
    emergency            BOOLEAN NOT NULL DEFAULT FALSE,
    priority             INTEGER NOT NULL DEFAULT 0,
    status               TEXT NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    sent_at              TIMESTAMPTZ,
    ended_at             TIMESTAMPTZ
);
CREATE INDEX requests_sender ON requests (sender_org_id, status);
CREATE INDEX requests_dep ON requests (departement, sent_at);

-- One row per recipient structure, with its own status and timing.
CREATE TABLE request_recipients (
    request_id      TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    structure_id    TEXT NOT NULL REFERENCES organisations(id),
    structure_name  TEXT NOT NULL,
    status          TEXT NOT NULL,
    deadline_at     TIMESTAMPTZ,
    step            INTEGER NOT NULL DEFAULT 0,
    seen_at         TIMESTAMPTZ,
    first_answer_at TIMESTAMPTZ,
    decided_at      TIMESTAMPTZ,
    reason          TEXT NOT NULL DEFAULT '',
    answer          TEXT NOT NULL DEFAULT '',
    hold_id         TEXT,
    PRIMARY KEY (request_id, structure_id)
);
-- The inbox of a structure, and the timing job's open rows.
CREATE INDEX request_recipients_inbox ON request_recipients (structure_id, status);
CREATE INDEX request_recipients_open ON request_recipients (status, deadline_at);

-- Every step, timestamped and attributed.
CREATE TABLE request_events (
    id           TEXT PRIMARY KEY,
    request_id   TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    structure_id TEXT NOT NULL DEFAULT '',
    at           TIMESTAMPTZ NOT NULL,
    event        TEXT NOT NULL,
    actor_name   TEXT NOT NULL DEFAULT '',
    text         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX request_events_request ON request_events (request_id, at);

-- A territory's deadlines and escalation steps, by kind, in hours.
CREATE TABLE request_settings (
    departement          TEXT NOT NULL,
    kind                 TEXT NOT NULL,
    deadline_hours       INTEGER NOT NULL CHECK (deadline_hours > 0),
    remind_before_hours  INTEGER NOT NULL CHECK (remind_before_hours >= 0),
    director_after_hours INTEGER NOT NULL CHECK (director_after_hours >= 0),
    steering_after_hours INTEGER NOT NULL CHECK (steering_after_hours >= director_after_hours),
    PRIMARY KEY (departement, kind)
);

-- +goose Down
DROP TABLE request_settings;
DROP TABLE request_events;
DROP TABLE request_recipients;
DROP TABLE requests;
