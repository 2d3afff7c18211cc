-- +goose Up
-- Each account chooses an e-mail per notification or one summary a day
-- (internal/notify); escalations and emergencies are sent at once anyway.
ALTER TABLE accounts ADD COLUMN mail_digest BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE accounts ADD COLUMN digest_sent_at TIMESTAMP;

-- +goose Down
ALTER TABLE accounts DROP COLUMN digest_sent_at;
ALTER TABLE accounts DROP COLUMN mail_digest;
