-- +goose Up
-- The key of each département's observatory pseudonyms (internal/pathway,
-- observatory.go): the export names a child by an HMAC of its record's
-- pseudonym under this key, so that the file cannot be joined back to the
-- records by whoever sees both. Made at the first export, never shown,
-- never changed (the observatory follows its children from one export to
-- the next).
CREATE TABLE observatory_keys (
    departement TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE observatory_keys;
