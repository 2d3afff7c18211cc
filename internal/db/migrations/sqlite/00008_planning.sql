-- +goose Up
-- The child's shared weekly planning (internal/pathway): who has the child
-- when. A slot repeats on days of the week between two dates (or happens
-- once), at local times (Europe/Paris); a slot crossing midnight ends the
-- next day. Days are ISO strings; times "HH:MM".

CREATE TABLE planning_slots (
    id               TEXT PRIMARY KEY,
    child_id         TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    organisation_id  TEXT NOT NULL,
    organisation_name TEXT NOT NULL,
    kind             TEXT NOT NULL,
    label            TEXT NOT NULL DEFAULT '',
    starts_at        TEXT NOT NULL,
    ends_at          TEXT NOT NULL,
    weekdays         INTEGER NOT NULL,
    valid_from       TEXT NOT NULL,
    valid_to         TEXT NOT NULL,
    skip_holidays    BOOLEAN NOT NULL DEFAULT FALSE,
    created_by       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    CHECK (valid_from <= valid_to),
    CHECK (weekdays BETWEEN 1 AND 127)
);
CREATE INDEX planning_slots_child ON planning_slots (child_id, valid_to);

-- Days a slot does not happen (a closure, a cancelled visit).
CREATE TABLE planning_exceptions (
    slot_id TEXT NOT NULL REFERENCES planning_slots(id) ON DELETE CASCADE,
    day     TEXT NOT NULL,
    PRIMARY KEY (slot_id, day)
);

-- School holidays, entered per département.
CREATE TABLE school_holidays (
    id          TEXT PRIMARY KEY,
    departement TEXT NOT NULL,
    name        TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    CHECK (starts_on <= ends_on)
);
CREATE INDEX school_holidays_dep ON school_holidays (departement, ends_on);

-- +goose Down
DROP TABLE school_holidays;
DROP TABLE planning_exceptions;
DROP TABLE planning_slots;
