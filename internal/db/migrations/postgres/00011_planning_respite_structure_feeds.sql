-- +goose Up
-- A respite stay booked on the capacity board, placed on a child's
-- planning by the organisation that booked it: the slot remembers the
-- booking (at most one child's planning per booking) and is shown only
-- while the booking stands.
ALTER TABLE planning_slots ADD COLUMN hold_id TEXT REFERENCES capacity_holds(id) ON DELETE CASCADE;
CREATE UNIQUE INDEX planning_slots_hold ON planning_slots (hold_id) WHERE hold_id IS NOT NULL;

-- Secret links to a structure's planning (every child the owner may read
-- and the structure has time with) for a calendar application. Only the
-- token's hash is kept; a link is revoked by its owner, and stops by
-- itself when its owner's account is inactive or no longer works there.
CREATE TABLE planning_structure_feeds (
    id              TEXT PRIMARY KEY,
    token_hash      TEXT NOT NULL UNIQUE,
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at      TIMESTAMPTZ NOT NULL,
    used_at         TIMESTAMPTZ,
    revoked_at      TIMESTAMPTZ
);
CREATE INDEX planning_structure_feeds_account ON planning_structure_feeds (account_id, organisation_id);

-- +goose Down
DROP TABLE planning_structure_feeds;
DROP INDEX planning_slots_hold;
ALTER TABLE planning_slots DROP COLUMN hold_id;
