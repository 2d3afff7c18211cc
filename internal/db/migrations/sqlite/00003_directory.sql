-- +goose Up
-- The directory: a structure's entry (1:1 with its organisation), its offers,
-- contacts by function and documents. FINESS numbers: the établissement's on
-- a structure, the entité juridique's on an operator.
ALTER TABLE organisations ADD COLUMN finess TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX organisations_finess ON organisations (kind, finess) WHERE finess <> '';

CREATE TABLE structures (
    id                 TEXT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    finess_ej          TEXT NOT NULL DEFAULT '',
    finess_category    TEXT NOT NULL DEFAULT '',
    sector             TEXT NOT NULL DEFAULT '',
    authority          TEXT NOT NULL DEFAULT '',
    street             TEXT NOT NULL DEFAULT '',
    postal_code        TEXT NOT NULL DEFAULT '',
    -- Coordinates and where they come from ('finess', 'director', 'commune', '').
    lat                DOUBLE PRECISION,
    lng                DOUBLE PRECISION,
    coord_source       TEXT NOT NULL DEFAULT '',
    -- What search and travel times use: the commune centre when the address is confidential.
    public_lat         DOUBLE PRECISION,
    public_lng         DOUBLE PRECISION,
    confidential       BOOLEAN NOT NULL DEFAULT FALSE,
    website            TEXT NOT NULL DEFAULT '',
    description        TEXT NOT NULL DEFAULT '',
    territory_deps     TEXT NOT NULL DEFAULT '',
    territory_communes TEXT NOT NULL DEFAULT '',
    territory_minutes  INTEGER NOT NULL DEFAULT 0,
    opening_days       INTEGER NOT NULL DEFAULT 0,
    closed_periods     TEXT NOT NULL DEFAULT '',
    checked_at         TIMESTAMP,
    checked_by         TEXT NOT NULL DEFAULT '',
    stale_reminded_at  TIMESTAMP,
    -- Fields a person changed by hand: a FINESS import leaves them alone.
    manual_fields      TEXT NOT NULL DEFAULT '',
    finess_imported_at TIMESTAMP,
    sort_name          TEXT NOT NULL DEFAULT '',
    search_text        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX structures_sort ON structures (sort_name, id);
-- Every structure gets its entry; the directory fills the search columns at start.
INSERT INTO structures (id) SELECT id FROM organisations WHERE kind = 'structure';
CREATE INDEX structures_public_lat ON structures (public_lat);

-- Accent-folded full text (see docs/adr/004), kept by the directory code.
CREATE VIRTUAL TABLE directory_fts USING fts5(structure_id UNINDEXED, search_text, prefix='2 3');

CREATE TABLE offers (
    id                TEXT PRIMARY KEY,
    structure_id      TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    modality          TEXT NOT NULL,
    label             TEXT NOT NULL DEFAULT '',
    age_min           INTEGER NOT NULL,
    age_max           INTEGER NOT NULL,
    public_sex        TEXT NOT NULL DEFAULT 'mixed',
    needs             TEXT NOT NULL DEFAULT '',
    conditions        TEXT NOT NULL DEFAULT '',
    places_authorised INTEGER NOT NULL DEFAULT 0,
    places_installed  INTEGER NOT NULL DEFAULT 0,
    description       TEXT NOT NULL DEFAULT '',
    active            BOOLEAN NOT NULL DEFAULT TRUE,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    CHECK (age_min >= 0 AND age_max >= age_min)
);
CREATE INDEX offers_structure ON offers (structure_id);
CREATE INDEX offers_modality ON offers (modality, age_min, age_max);

CREATE TABLE structure_contacts (
    id           TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    function     TEXT NOT NULL,
    label        TEXT NOT NULL DEFAULT '',
    holder       TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    hours        TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX structure_contacts_structure ON structure_contacts (structure_id);

CREATE TABLE structure_documents (
    id           TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    created_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX structure_documents_structure ON structure_documents (structure_id);

-- +goose Down
DROP TABLE structure_documents;
DROP TABLE structure_contacts;
DROP TABLE offers;
DROP TABLE directory_fts;
DROP TABLE structures;
DROP INDEX organisations_finess;
ALTER TABLE organisations DROP COLUMN finess;
