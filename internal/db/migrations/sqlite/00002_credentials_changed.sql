-- +goose Up
-- When the password or the second factor last changed: older sessions end.
ALTER TABLE accounts ADD COLUMN credentials_changed_at TIMESTAMP;

-- +goose Down
ALTER TABLE accounts DROP COLUMN credentials_changed_at;
