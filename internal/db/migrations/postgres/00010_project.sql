-- +goose Up
-- The child's common project (projet pour l'enfant and projet personnalisé
-- d'accompagnement, internal/pathway): versions drafted by the circle and
-- validated by the referent with the parents' agreement recorded. A
-- validated version never changes; one draft at most per child.

CREATE TABLE child_projects (
    id                TEXT PRIMARY KEY,
    child_id          TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    version           INTEGER NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('draft', 'validated')),
    revision          INTEGER NOT NULL DEFAULT 1,
    review_summary    TEXT NOT NULL DEFAULT '',
    child_words       TEXT NOT NULL DEFAULT '',
    parents_words     TEXT NOT NULL DEFAULT '',
    review_on         TEXT NOT NULL DEFAULT '',
    agreement         TEXT NOT NULL DEFAULT '',
    agreement_note    TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMPTZ NOT NULL,
    created_by_name   TEXT NOT NULL DEFAULT '',
    updated_at        TIMESTAMPTZ NOT NULL,
    updated_by_name   TEXT NOT NULL DEFAULT '',
    validated_at      TIMESTAMPTZ,
    validated_by_name TEXT NOT NULL DEFAULT '',
    UNIQUE (child_id, version)
);
CREATE UNIQUE INDEX child_projects_one_draft ON child_projects (child_id) WHERE status = 'draft';
-- The review reminders look for the validated versions by review date.
CREATE INDEX child_projects_review ON child_projects (status, review_on);

-- Needs, objectives and actions. An item keeps its key from version to
-- version, so that two versions can be compared item by item.
CREATE TABLE child_project_items (
    id         TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES child_projects(id) ON DELETE CASCADE,
    item_key   TEXT NOT NULL,
    position   INTEGER NOT NULL,
    part       TEXT NOT NULL,
    domain     TEXT NOT NULL,
    text       TEXT NOT NULL,
    who        TEXT NOT NULL DEFAULT '',
    due_on     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX child_project_items_project ON child_project_items (project_id, position);

-- +goose Down
DROP TABLE child_project_items;
DROP TABLE child_projects;
