-- +goose Up
-- Crisis mode, the structures' side (internal/crisis): continuity plans,
-- broadcasts with acknowledgement, and the mobile teams' on-call rota.

-- A structure's continuity plan (plan de continuité d'activité). The
-- children at risk are a procedure and a count: never names, which live in
-- the children's records behind their own access rules.
CREATE TABLE continuity_plans (
    structure_id        TEXT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    minimum_staffing    TEXT NOT NULL DEFAULT '',
    priorities          TEXT NOT NULL DEFAULT '',
    children_procedure  TEXT NOT NULL DEFAULT '',
    children_at_risk    INTEGER NOT NULL DEFAULT 0,
    emergency_contacts  TEXT NOT NULL DEFAULT '',
    document_name       TEXT NOT NULL DEFAULT '',
    document_type       TEXT NOT NULL DEFAULT '',
    document            BLOB,
    -- The day the plan was last reviewed (YYYY-MM-DD).
    reviewed_on         TEXT NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    updated_by          TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    updated_name        TEXT NOT NULL DEFAULT ''
);

-- Reminders sent about plans, once each: a review due or overdue (ref is
-- the review date it is about), a plan missing during a crisis (ref is the
-- crisis).
CREATE TABLE continuity_reminders_sent (
    structure_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    ref          TEXT NOT NULL,
    sent_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (structure_id, kind, ref)
);

-- A message of a crisis cell to a set of structures, each of which must
-- acknowledge it.
CREATE TABLE crisis_broadcasts (
    id             TEXT PRIMARY KEY,
    crisis_id      TEXT NOT NULL REFERENCES crises(id) ON DELETE CASCADE,
    departement    TEXT NOT NULL,
    subject        TEXT NOT NULL,
    body           TEXT NOT NULL,
    selection      TEXT NOT NULL DEFAULT '',
    document_name  TEXT NOT NULL DEFAULT '',
    document_type  TEXT NOT NULL DEFAULT '',
    document       BLOB,
    sent_at        TIMESTAMP NOT NULL,
    sent_by        TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    sent_name      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX crisis_broadcasts_crisis ON crisis_broadcasts (crisis_id, sent_at);
CREATE INDEX crisis_broadcasts_dep ON crisis_broadcasts (departement, sent_at);

CREATE TABLE crisis_broadcast_recipients (
    broadcast_id      TEXT NOT NULL REFERENCES crisis_broadcasts(id) ON DELETE CASCADE,
    structure_id      TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    structure_name    TEXT NOT NULL,
    acknowledged_at   TIMESTAMP,
    acknowledged_by   TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    acknowledged_name TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (broadcast_id, structure_id)
);
CREATE INDEX crisis_broadcast_recipients_structure ON crisis_broadcast_recipients (structure_id);

-- Each reminder of a structure that has not acknowledged, sent once.
CREATE TABLE crisis_broadcast_reminders (
    broadcast_id TEXT NOT NULL,
    structure_id TEXT NOT NULL,
    number       INTEGER NOT NULL,
    sent_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (broadcast_id, structure_id, number),
    FOREIGN KEY (broadcast_id, structure_id) REFERENCES crisis_broadcast_recipients (broadcast_id, structure_id) ON DELETE CASCADE
);

-- The on-call rota (astreinte) of a mobile team: who, which number, when,
-- for which part of the territory.
CREATE TABLE oncall_shifts (
    id          TEXT PRIMARY KEY,
    team_id     TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    person_name TEXT NOT NULL,
    phone       TEXT NOT NULL,
    account_id  TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    starts_at   TIMESTAMP NOT NULL,
    ends_at     TIMESTAMP NOT NULL,
    territory   TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX oncall_shifts_team ON oncall_shifts (team_id, ends_at);

-- Secret calendar links to a team's rota (only the token's hash is kept).
CREATE TABLE oncall_feeds (
    id          TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    team_id     TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
CREATE INDEX oncall_feeds_account ON oncall_feeds (account_id, team_id);

-- +goose Down
DROP TABLE oncall_feeds;
DROP TABLE oncall_shifts;
DROP TABLE crisis_broadcast_reminders;
DROP TABLE crisis_broadcast_recipients;
DROP TABLE crisis_broadcasts;
DROP TABLE continuity_reminders_sent;
DROP TABLE continuity_plans;
