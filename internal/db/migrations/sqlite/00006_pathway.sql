-- +goose Up
-- The child's shared record (internal/pathway): the child, family, measures,
-- MDPH notifications, the circle of structures, consents, break-glass
-- openings, the timeline and the alerts already sent. Every read goes
-- through access.ChildScope and the audit log.

-- The child. ase_id is the ASE service that owns the record; referent_id the
-- person of that service who follows it. pseudonym is stable and random, the
-- only identifier exports carry. Days are ISO strings (YYYY-MM-DD).
CREATE TABLE children (
    id                  TEXT PRIMARY KEY,
    pseudonym           TEXT NOT NULL UNIQUE,
    ase_id              TEXT NOT NULL REFERENCES organisations(id),
    referent_id         TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    departement         TEXT NOT NULL,
    first_name          TEXT NOT NULL,
    last_name           TEXT NOT NULL,
    search_name         TEXT NOT NULL,
    birth_date          TEXT NOT NULL,
    sex                 TEXT NOT NULL CHECK (sex IN ('girl', 'boy', 'other')),
    living_kind         TEXT NOT NULL CHECK (living_kind IN ('structure', 'foster_carer', 'family', 'other')),
    living_structure_id TEXT REFERENCES organisations(id) ON DELETE SET NULL,
    living_carer_id     TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    living_note         TEXT NOT NULL DEFAULT '',
    school_kind         TEXT NOT NULL DEFAULT 'unknown',
    school_note         TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX children_ase ON children (ase_id, search_name);
CREATE INDEX children_referent ON children (referent_id, search_name);
CREATE INDEX children_carer ON children (living_carer_id);
-- Break-glass names a child exactly: by pseudonym (unique) or by these.
CREATE INDEX children_identity ON children (search_name, birth_date);

-- Parents, guardians and relatives who matter. account_id links a legal
-- representative to their parent account once invited.
CREATE TABLE child_relatives (
    id           TEXT PRIMARY KEY,
    child_id     TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    relationship TEXT NOT NULL DEFAULT '',
    authority    TEXT NOT NULL CHECK (authority IN ('full', 'delegated', 'withdrawn', 'none')),
    phone        TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    account_id   TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX child_relatives_child ON child_relatives (child_id);
CREATE INDEX child_relatives_account ON child_relatives (account_id);

-- Measures: administrative, judicial, PJJ, guardianship. ends_on
-- '9999-12-31' has no end. renews_id is the measure this one renews: a
-- measure with a renewal raises no end-of-measure alert.
CREATE TABLE child_measures (
    id                TEXT PRIMARY KEY,
    child_id          TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL,
    authority         TEXT NOT NULL,
    decided_on        TEXT NOT NULL,
    starts_on         TEXT NOT NULL,
    ends_on           TEXT NOT NULL,
    reference         TEXT NOT NULL DEFAULT '',
    renews_id         TEXT REFERENCES child_measures(id) ON DELETE SET NULL,
    note              TEXT NOT NULL DEFAULT '',
    document_name     TEXT NOT NULL DEFAULT '',
    document_type     TEXT NOT NULL DEFAULT '',
    document          BLOB,
    created_at        TIMESTAMP NOT NULL,
    created_by        TEXT NOT NULL DEFAULT '',
    CHECK (starts_on <= ends_on)
);
CREATE INDEX child_measures_child ON child_measures (child_id, starts_on);
CREATE INDEX child_measures_end ON child_measures (ends_on);
CREATE INDEX child_measures_renews ON child_measures (renews_id);

-- MDPH notifications (CDAPH decisions) and what became of them.
CREATE TABLE child_notifications (
    id                    TEXT PRIMARY KEY,
    child_id              TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    orientation           TEXT NOT NULL,
    modality              TEXT NOT NULL DEFAULT '',
    starts_on             TEXT NOT NULL,
    ends_on               TEXT NOT NULL,
    decision_ref          TEXT NOT NULL DEFAULT '',
    status                TEXT NOT NULL CHECK (status IN ('notified', 'waiting', 'admitted', 'refused', 'not_carried_out')),
    waiting_at            TEXT NOT NULL DEFAULT '',
    admitted_structure_id TEXT REFERENCES organisations(id) ON DELETE SET NULL,
    status_on             TEXT NOT NULL,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    CHECK (starts_on <= ends_on)
);
CREATE INDEX child_notifications_child ON child_notifications (child_id, starts_on);
CREATE INDEX child_notifications_end ON child_notifications (ends_on);

-- The circle: the structures involved with the child and in what capacity.
-- Only 'active' members within their dates open the record to their staff;
-- a member whose basis is consent needs that consent live.
CREATE TABLE child_circle (
    id              TEXT PRIMARY KEY,
    child_id        TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    capacity        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('invited', 'active', 'declined', 'left')),
    basis           TEXT NOT NULL CHECK (basis IN ('consent', 'decision', 'shared_secrecy')),
    consent_id      TEXT,
    measure_id      TEXT REFERENCES child_measures(id) ON DELETE SET NULL,
    note            TEXT NOT NULL DEFAULT '',
    starts_on       TEXT NOT NULL,
    ends_on         TEXT NOT NULL,
    invited_by      TEXT NOT NULL DEFAULT '',
    invited_at      TIMESTAMP NOT NULL,
    answered_by     TEXT NOT NULL DEFAULT '',
    answered_at     TIMESTAMP,
    left_at         TIMESTAMP
);
CREATE INDEX child_circle_child ON child_circle (child_id);
CREATE INDEX child_circle_org ON child_circle (organisation_id, status);
CREATE UNIQUE INDEX child_circle_live ON child_circle (child_id, organisation_id) WHERE status IN ('invited', 'active');

-- Who of a member structure's staff follows the child.
CREATE TABLE child_circle_staff (
    member_id  TEXT NOT NULL REFERENCES child_circle(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    PRIMARY KEY (member_id, account_id)
);
CREATE INDEX child_circle_staff_account ON child_circle_staff (account_id);

-- Consents given by a legal representative for a sharing. until_on
-- '9999-12-31' has no end; withdrawn_at ends it at once.
CREATE TABLE child_consents (
    id           TEXT PRIMARY KEY,
    child_id     TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    relative_id  TEXT NOT NULL REFERENCES child_relatives(id) ON DELETE CASCADE,
    scope        TEXT NOT NULL,
    subject      TEXT NOT NULL DEFAULT '',
    given_on     TEXT NOT NULL,
    until_on     TEXT NOT NULL,
    withdrawn_at TIMESTAMP,
    withdrawn_by TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    created_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX child_consents_child ON child_consents (child_id);

-- Break-glass openings: an account outside the rules opened the record
-- for a written reason, until expires_at.
CREATE TABLE child_break_glass (
    id         TEXT PRIMARY KEY,
    child_id   TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    account_label TEXT NOT NULL,
    departement TEXT NOT NULL,
    reason     TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX child_break_glass_live ON child_break_glass (account_id, expires_at);
CREATE INDEX child_break_glass_child ON child_break_glass (child_id);
CREATE INDEX child_break_glass_dep ON child_break_glass (departement, started_at);

-- The timeline: what happened, across both sectors. section says who may
-- read the event (the record's sections); body holds notes' text.
CREATE TABLE child_events (
    id              TEXT PRIMARY KEY,
    child_id        TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    at              TIMESTAMP NOT NULL,
    kind            TEXT NOT NULL,
    section         TEXT NOT NULL,
    summary         TEXT NOT NULL,
    body            TEXT NOT NULL DEFAULT '',
    actor_id        TEXT NOT NULL DEFAULT '',
    actor_name      TEXT NOT NULL DEFAULT '',
    organisation_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX child_events_child ON child_events (child_id, at);

-- Alerts already sent (a measure 60, 30, 7 days before its end…), so that
-- the daily job sends each once whichever server runs it.
CREATE TABLE child_alerts_sent (
    subject_id TEXT NOT NULL,
    alert      TEXT NOT NULL,
    sent_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (subject_id, alert)
);

-- +goose Down
DROP TABLE child_alerts_sent;
DROP TABLE child_events;
DROP TABLE child_break_glass;
DROP TABLE child_consents;
DROP TABLE child_circle_staff;
DROP TABLE child_circle;
DROP TABLE child_notifications;
DROP TABLE child_measures;
DROP TABLE child_relatives;
DROP TABLE children;
