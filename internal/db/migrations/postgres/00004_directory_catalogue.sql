-- +goose Up
-- The directory is searched in memory (internal/directory/catalogue.go): each
-- server keeps a catalogue of the active entries and rebuilds it when the
-- generation below has moved. Triggers move it on every change to the
-- tables the catalogue reads, whoever writes (a server, an import, a
-- migration), so that every server sees every change at its next search.
-- The row lock orders the generations as the commits: a server that reads
-- generation N then reads every change committed up to N.
CREATE TABLE directory_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO directory_state (id, generation) VALUES (1, 1);

-- +goose StatementBegin
CREATE FUNCTION directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE directory_state SET generation = generation + 1 WHERE id = 1;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER organisations_directory AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION directory_changed();
CREATE TRIGGER structures_directory AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON structures
    FOR EACH STATEMENT EXECUTE FUNCTION directory_changed();
CREATE TRIGGER offers_directory AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON offers
    FOR EACH STATEMENT EXECUTE FUNCTION directory_changed();

-- The SQL search and its indexes are gone: the catalogue answers in
-- microseconds what the full-text and offer indexes answered in milliseconds.
DROP INDEX structures_fts;
DROP INDEX offers_modality;
DROP INDEX structures_public_lat;

-- +goose Down
CREATE INDEX structures_public_lat ON structures (public_lat);
CREATE INDEX offers_modality ON offers (modality, age_min, age_max);
CREATE INDEX structures_fts ON structures USING gin (to_tsvector('simple', search_text));
DROP TRIGGER offers_directory ON offers;
DROP TRIGGER structures_directory ON structures;
DROP TRIGGER organisations_directory ON organisations;
DROP FUNCTION directory_changed();
DROP TABLE directory_state;
