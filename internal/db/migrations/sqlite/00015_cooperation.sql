-- +goose Up
-- Cooperation (internal/cooperation): agreements between the organisations
-- of a territory with their parties, contacts and reserved places; the
-- model documents a territory publishes; the knowledge base of practices.

CREATE TABLE agreements (
    id                 TEXT PRIMARY KEY,
    departement        TEXT NOT NULL,
    kind               TEXT NOT NULL,
    title              TEXT NOT NULL,
    reference          TEXT NOT NULL DEFAULT '',
    -- The subject: which children, which support.
    children           TEXT NOT NULL DEFAULT '',
    support            TEXT NOT NULL DEFAULT '',
    -- Dates as 'YYYY-MM-DD', '' when not known yet.
    signed_on          TEXT NOT NULL DEFAULT '',
    starts_on          TEXT NOT NULL DEFAULT '',
    ends_on            TEXT NOT NULL DEFAULT '',
    duration_months    INTEGER NOT NULL DEFAULT 0,
    tacit_renewal      BOOLEAN NOT NULL DEFAULT FALSE,
    notice_months      INTEGER NOT NULL DEFAULT 0,
    notice_given_on    TEXT NOT NULL DEFAULT '',
    terminated_on      TEXT NOT NULL DEFAULT '',
    termination_reason TEXT NOT NULL DEFAULT '',
    -- Kept in step with the dates by every write and by the reminders
    -- job, so that lists filter and count in SQL.
    status             TEXT NOT NULL,
    current_end        TEXT NOT NULL DEFAULT '',
    model_id           TEXT,
    created_by         TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    created_by_name    TEXT NOT NULL DEFAULT '',
    search_text        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX agreements_dep ON agreements (departement, status, kind);
CREATE INDEX agreements_end ON agreements (status, current_end);

-- Each party organisation with its role in the agreement.
CREATE TABLE agreement_parties (
    agreement_id    TEXT NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    role            TEXT NOT NULL,
    position        INTEGER NOT NULL,
    PRIMARY KEY (agreement_id, organisation_id)
);
CREATE INDEX agreement_parties_org ON agreement_parties (organisation_id);

CREATE TABLE agreement_contacts (
    id           TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    function     TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    position     INTEGER NOT NULL
);
CREATE INDEX agreement_contacts_agreement ON agreement_contacts (agreement_id);

-- Places of a party structure's offer kept for another party; the board's
-- declarations are made from them (capacity.AgreementPlaces).
CREATE TABLE agreement_places (
    id             TEXT PRIMARY KEY,
    agreement_id   TEXT NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    offer_id       TEXT NOT NULL REFERENCES offers(id),
    structure_id   TEXT NOT NULL REFERENCES organisations(id),
    beneficiary_id TEXT NOT NULL REFERENCES organisations(id),
    places         INTEGER NOT NULL CHECK (places > 0),
    per_month      BOOLEAN NOT NULL DEFAULT FALSE,
    starts_on      TEXT NOT NULL DEFAULT '',
    ends_on        TEXT NOT NULL DEFAULT '',
    position       INTEGER NOT NULL
);
CREATE INDEX agreement_places_agreement ON agreement_places (agreement_id);

-- Each reminder of each period once (the job may run on several servers).
CREATE TABLE agreement_reminders_sent (
    agreement_id TEXT NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    reminder     TEXT NOT NULL,
    period_end   TEXT NOT NULL,
    sent_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (agreement_id, reminder, period_end)
);

-- Model documents a territory publishes, with default values.
CREATE TABLE agreement_models (
    id              TEXT PRIMARY KEY,
    departement     TEXT NOT NULL,
    title           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    children        TEXT NOT NULL DEFAULT '',
    support         TEXT NOT NULL DEFAULT '',
    duration_months INTEGER NOT NULL DEFAULT 0,
    tacit_renewal   BOOLEAN NOT NULL DEFAULT FALSE,
    notice_months   INTEGER NOT NULL DEFAULT 0,
    created_by_name TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX agreement_models_dep ON agreement_models (departement);

-- Knowledge base: articles on practices that work.
CREATE TABLE articles (
    id                TEXT PRIMARY KEY,
    departement       TEXT NOT NULL,
    organisation_id   TEXT NOT NULL REFERENCES organisations(id),
    author_account_id TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    author_name       TEXT NOT NULL,
    title             TEXT NOT NULL,
    summary           TEXT NOT NULL,
    body              TEXT NOT NULL,
    status            TEXT NOT NULL,
    reviewed_by_name  TEXT NOT NULL DEFAULT '',
    reviewed_at       TIMESTAMP,
    published_at      TIMESTAMP,
    search_text       TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX articles_dep ON articles (departement, status);

CREATE TABLE article_tags (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag        TEXT NOT NULL,
    PRIMARY KEY (article_id, tag)
);
CREATE INDEX article_tags_tag ON article_tags (tag);

CREATE TABLE article_structure_types (
    article_id     TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    structure_type TEXT NOT NULL,
    PRIMARY KEY (article_id, structure_type)
);

CREATE TABLE article_agreements (
    article_id   TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    agreement_id TEXT NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, agreement_id)
);

CREATE TABLE article_structures (
    article_id   TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    structure_id TEXT NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (article_id, structure_id)
);

-- Files: an agreement's signed document, a model's PDF, an article's
-- attachments. owner_type says which.
CREATE TABLE cooperation_files (
    id           TEXT PRIMARY KEY,
    owner_type   TEXT NOT NULL,
    owner_id     TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX cooperation_files_owner ON cooperation_files (owner_type, owner_id);

-- +goose Down
DROP TABLE cooperation_files;
DROP TABLE article_structures;
DROP TABLE article_agreements;
DROP TABLE article_structure_types;
DROP TABLE article_tags;
DROP TABLE articles;
DROP TABLE agreement_models;
DROP TABLE agreement_reminders_sent;
DROP TABLE agreement_places;
DROP TABLE agreement_contacts;
DROP TABLE agreement_parties;
DROP TABLE agreements;
