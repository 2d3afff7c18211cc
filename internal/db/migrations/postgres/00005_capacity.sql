-- +goose Up
-- The capacity board (internal/capacity): what each offer can take and when,
-- the holds and bookings on it, and the history of every declaration.

-- A declaration of availability on an offer: Places declared, Taken by live
-- holds and bookings. Taken moves only through conditional updates
-- (taken + n <= places), so the last place cannot be taken twice, whichever
-- server asks; the CHECK is the database's own guard behind them.
-- Dates are ISO days (YYYY-MM-DD): ends_on '9999-12-31' is "until further
-- notice". weekdays is a mask, Monday = 1 … Sunday = 64, 127 = every day.
CREATE TABLE availabilities (
    id                TEXT PRIMARY KEY,
    -- An offer with declarations is deactivated, not deleted: bookings stay.
    offer_id          TEXT NOT NULL REFERENCES offers(id),
    structure_id      TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL,
    places            INTEGER NOT NULL,
    taken             INTEGER NOT NULL DEFAULT 0,
    starts_on         TEXT NOT NULL,
    ends_on           TEXT NOT NULL,
    weekdays          INTEGER NOT NULL DEFAULT 127,
    profession        TEXT NOT NULL DEFAULT '',
    conditions        TEXT NOT NULL DEFAULT '',
    carer_account_id  TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    carer_name        TEXT NOT NULL DEFAULT '',
    -- Places reserved by an agreement for one organisation (cooperation issue).
    reserved_for      TEXT REFERENCES organisations(id) ON DELETE SET NULL,
    confirmed_at      TIMESTAMPTZ NOT NULL,
    confirmed_by      TEXT NOT NULL DEFAULT '',
    prompted_at       TIMESTAMPTZ,
    active            BOOLEAN NOT NULL DEFAULT TRUE,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    CHECK (places >= 0 AND taken >= 0 AND taken <= places),
    CHECK (starts_on <= ends_on),
    CHECK (weekdays BETWEEN 1 AND 127)
);
-- Search filters on these before any join: the index answers them alone.
CREATE INDEX availabilities_live ON availabilities (active, ends_on, starts_on, kind, weekdays, taken, places);
-- The figures a search can offer: open, not full. Most of a year's
-- declarations are ended or full, and the search skips them here.
CREATE INDEX availabilities_open ON availabilities (ends_on, starts_on, kind, weekdays) WHERE active = TRUE AND taken < places;
CREATE INDEX availabilities_structure ON availabilities (structure_id);
-- "Within N minutes of X" starts from the structures in a box around X.
CREATE INDEX structures_public_position ON structures (public_lat, public_lng);
CREATE INDEX availabilities_offer ON availabilities (offer_id);

-- A hold takes places of a declaration for a request until expires_at;
-- confirmed, it becomes a booking with dates. Cancelled or expired, its
-- places go back to the declaration.
CREATE TABLE capacity_holds (
    id                TEXT PRIMARY KEY,
    availability_id   TEXT NOT NULL REFERENCES availabilities(id) ON DELETE CASCADE,
    structure_id      TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    places            INTEGER NOT NULL CHECK (places > 0),
    status            TEXT NOT NULL CHECK (status IN ('held', 'booked', 'cancelled', 'expired')),
    request_ref       TEXT NOT NULL,
    -- The child, once the pathway exists; shown only to who may see the child.
    child_id          TEXT,
    note              TEXT NOT NULL DEFAULT '',
    holder_org_id     TEXT NOT NULL REFERENCES organisations(id),
    holder_account_id TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    holder_name       TEXT NOT NULL DEFAULT '',
    starts_on         TEXT NOT NULL,
    ends_on           TEXT NOT NULL,
    expires_at        TIMESTAMPTZ NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    booked_at         TIMESTAMPTZ,
    closed_at         TIMESTAMPTZ,
    closed_by         TEXT NOT NULL DEFAULT '',
    CHECK (starts_on <= ends_on)
);
CREATE INDEX capacity_holds_due ON capacity_holds (status, expires_at);
CREATE INDEX capacity_holds_availability ON capacity_holds (availability_id);
CREATE INDEX capacity_holds_holder ON capacity_holds (holder_org_id, created_at);
CREATE INDEX capacity_holds_structure ON capacity_holds (structure_id, created_at);

-- Every declaration, confirmation and movement of places, for the
-- dashboards (availability and occupancy over time). Append-only.
CREATE TABLE capacity_history (
    id              TEXT PRIMARY KEY,
    availability_id TEXT NOT NULL,
    offer_id        TEXT NOT NULL,
    structure_id    TEXT NOT NULL,
    departement     TEXT NOT NULL,
    kind            TEXT NOT NULL,
    event           TEXT NOT NULL,
    places          INTEGER NOT NULL,
    taken           INTEGER NOT NULL,
    account_id      TEXT,
    at              TIMESTAMPTZ NOT NULL
);
CREATE INDEX capacity_history_dep ON capacity_history (departement, at);
CREATE INDEX capacity_history_structure ON capacity_history (structure_id, at);

-- A territory's settings: how many days a figure of each kind stays fresh
-- ('stale_days.respite'…) and how many hours a hold lasts ('hold_hours').
-- Absent rows take the defaults of internal/capacity.
CREATE TABLE capacity_settings (
    departement TEXT NOT NULL,
    name        TEXT NOT NULL,
    value       INTEGER NOT NULL CHECK (value > 0),
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (departement, name)
);

-- +goose Down
DROP INDEX structures_public_position;
DROP TABLE capacity_settings;
DROP TABLE capacity_history;
DROP TABLE capacity_holds;
DROP TABLE availabilities;
