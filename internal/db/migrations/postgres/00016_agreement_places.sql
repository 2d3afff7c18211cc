-- +goose Up
-- Places an agreement reserves for its beneficiary (internal/cooperation
-- through capacity.AgreementPlaces): the agreement that made the
-- declaration, so that a change of the agreement replaces its places.
ALTER TABLE availabilities ADD COLUMN agreement_id TEXT;
CREATE INDEX availabilities_agreement ON availabilities (agreement_id);

-- +goose Down
DROP INDEX availabilities_agreement;
ALTER TABLE availabilities DROP COLUMN agreement_id;
