-- +goose Up
-- When the password or the second factor last changed: older sessions end.
ALTER TABLE accounts ADD COLUMN credentials_changed_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE accounts DROP COLUMN credentials_changed_at;
