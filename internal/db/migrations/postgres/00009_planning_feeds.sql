-- +goose Up
-- Secret links to a child's planning as an iCalendar feed, for a calendar
-- application. Only the token's hash is kept; a link is revoked by its
-- owner, and stops by itself when its owner no longer reads the planning.
CREATE TABLE planning_feeds (
    id         TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    child_id   TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX planning_feeds_child ON planning_feeds (child_id, account_id);

-- +goose Down
DROP TABLE planning_feeds;
