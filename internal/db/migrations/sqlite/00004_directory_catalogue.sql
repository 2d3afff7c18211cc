-- +goose Up
-- The directory is searched in memory (internal/directory/catalogue.go): each
-- server keeps a catalogue of the active entries and rebuilds it when the
-- generation below has moved. Triggers move it on every change to the
-- tables the catalogue reads, whoever writes (a server, an import, a
-- migration), so that every server sees every change at its next search.
CREATE TABLE directory_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO directory_state (id, generation) VALUES (1, 1);

-- +goose StatementBegin
CREATE TRIGGER organisations_directory_insert AFTER INSERT ON organisations
BEGIN UPDATE directory_state SET generation = generation + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organisations_directory_update AFTER UPDATE ON organisations
BEGIN UPDATE directory_state SET generation = generation + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organisations_directory_delete AFTER DELETE ON organisations
BEGIN UPDATE directory_state SET generation = generation + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER structures_directory_insert AFTER INSERT ON structures
BEGIN UPDATE directory_state SET generation = generation + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER structures_directory_update AFTER UPDATE ON structures
BEGIN UPDATE directory_state SET generation = generation + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER structures_directory_delete AFTER DELETE ON structures
BEGIN UPDATE directory_state SET generation = generation + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER offers_directory_insert AFTER INSERT ON offers
BEGIN UPDATE directory_state SET generation = generation + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER offers_directory_update AFTER UPDATE ON offers
BEGIN UPDATE directory_state SET generation = generation + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER offers_directory_delete AFTER DELETE ON offers
BEGIN UPDATE directory_state SET generation = generation + 1 WHERE id = 1; END;
-- +goose StatementEnd

-- The SQL search and its indexes are gone: the catalogue answers in
-- microseconds what FTS5 and the offer indexes answered in milliseconds.
DROP TABLE directory_fts;
DROP INDEX offers_modality;
DROP INDEX structures_public_lat;

-- +goose Down
CREATE INDEX structures_public_lat ON structures (public_lat);
CREATE INDEX offers_modality ON offers (modality, age_min, age_max);
CREATE VIRTUAL TABLE directory_fts USING fts5(structure_id UNINDEXED, search_text, prefix='2 3');
INSERT INTO directory_fts (structure_id, search_text) SELECT id, search_text FROM structures;
DROP TRIGGER offers_directory_delete;
DROP TRIGGER offers_directory_update;
DROP TRIGGER offers_directory_insert;
DROP TRIGGER structures_directory_delete;
DROP TRIGGER structures_directory_update;
DROP TRIGGER structures_directory_insert;
DROP TRIGGER organisations_directory_delete;
DROP TRIGGER organisations_directory_update;
DROP TRIGGER organisations_directory_insert;
DROP TABLE directory_state;
