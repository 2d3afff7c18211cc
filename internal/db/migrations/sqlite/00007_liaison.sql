-- +goose Up
-- Liaison notes (fiches de liaison): a structured note from one member of
-- a child's circle to others, each recipient acknowledging receipt.

CREATE TABLE liaison_notes (
    id              TEXT PRIMARY KEY,
    child_id        TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    sender_org_id   TEXT NOT NULL,
    sender_org_name TEXT NOT NULL,
    author_id       TEXT NOT NULL,
    author_name     TEXT NOT NULL,
    context         TEXT NOT NULL DEFAULT '',
    happened        TEXT NOT NULL DEFAULT '',
    watch           TEXT NOT NULL DEFAULT '',
    asked           TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX liaison_notes_child ON liaison_notes (child_id, created_at);

-- One row per recipient organisation: acknowledged by one of its people.
CREATE TABLE liaison_recipients (
    note_id           TEXT NOT NULL REFERENCES liaison_notes(id) ON DELETE CASCADE,
    organisation_id   TEXT NOT NULL,
    organisation_name TEXT NOT NULL,
    acknowledged_at   TIMESTAMP,
    acknowledged_by   TEXT NOT NULL DEFAULT '',
    reminded_at       TIMESTAMP,
    PRIMARY KEY (note_id, organisation_id)
);
-- The reminder job looks for what is still unread.
CREATE INDEX liaison_recipients_unread ON liaison_recipients (acknowledged_at, reminded_at);

CREATE TABLE liaison_attachments (
    id           TEXT PRIMARY KEY,
    note_id      TEXT NOT NULL REFERENCES liaison_notes(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX liaison_attachments_note ON liaison_attachments (note_id);

-- +goose Down
DROP TABLE liaison_attachments;
DROP TABLE liaison_recipients;
DROP TABLE liaison_notes;
