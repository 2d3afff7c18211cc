-- +goose Up
-- Files attached to a request (a report, a notification, a planning):
-- read by the sender's side, and by a recipient once it has accepted.
CREATE TABLE request_attachments (
    id           TEXT PRIMARY KEY,
    request_id   TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX request_attachments_request ON request_attachments (request_id);

-- +goose Down
DROP TABLE request_attachments;
