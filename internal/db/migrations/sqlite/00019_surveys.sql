-- +goose Up
-- Flash surveys (internal/surveys): a survey's definition (sections and
-- questions), its campaigns sent to structures with a deadline, one answer
-- per target structure, and the reminders already sent.

-- A survey belongs to a steering organisation (ASE, ARS, MDPH) and its
-- département. Once a campaign is launched its questions no longer change:
-- the service refuses to edit a survey that has a campaign.
CREATE TABLE surveys (
    id           TEXT PRIMARY KEY,
    owner_org_id TEXT NOT NULL REFERENCES organisations(id),
    departement  TEXT NOT NULL,
    title        TEXT NOT NULL,
    intro        TEXT NOT NULL DEFAULT '',
    template_key TEXT NOT NULL DEFAULT '',
    created_by   TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX surveys_owner ON surveys (departement, updated_at);

CREATE TABLE survey_sections (
    id        TEXT PRIMARY KEY,
    survey_id TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    title     TEXT NOT NULL,
    intro     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX survey_sections_survey ON survey_sections (survey_id, position);

-- options and show_if_values are JSON arrays of strings.
CREATE TABLE survey_questions (
    id               TEXT PRIMARY KEY,
    survey_id        TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    section_id       TEXT NOT NULL REFERENCES survey_sections(id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('single','multiple','number','short_text','long_text','scale','date','yes_no')),
    label            TEXT NOT NULL,
    help             TEXT NOT NULL DEFAULT '',
    required         BOOLEAN NOT NULL DEFAULT FALSE,
    options          TEXT NOT NULL DEFAULT '[]',
    min_value        DOUBLE PRECISION,
    max_value        DOUBLE PRECISION,
    unit             TEXT NOT NULL DEFAULT '',
    min_label        TEXT NOT NULL DEFAULT '',
    max_label        TEXT NOT NULL DEFAULT '',
    show_if_question TEXT NOT NULL DEFAULT '',
    show_if_values   TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX survey_questions_section ON survey_questions (survey_id, section_id, position);

-- A campaign: a survey sent to structures with a deadline. targeting keeps
-- the launch's filters (JSON) for the record.
CREATE TABLE survey_campaigns (
    id           TEXT PRIMARY KEY,
    survey_id    TEXT NOT NULL REFERENCES surveys(id),
    owner_org_id TEXT NOT NULL REFERENCES organisations(id),
    departement  TEXT NOT NULL,
    deadline_at  TIMESTAMP NOT NULL,
    targeting    TEXT NOT NULL DEFAULT '{}',
    launched_by  TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    launched_at  TIMESTAMP NOT NULL,
    closed_by    TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    closed_at    TIMESTAMP
);
CREATE INDEX survey_campaigns_survey ON survey_campaigns (survey_id);
CREATE INDEX survey_campaigns_deadline ON survey_campaigns (departement, deadline_at);

-- The target structures, as they were at launch (name, type, territory).
CREATE TABLE survey_targets (
    campaign_id    TEXT NOT NULL REFERENCES survey_campaigns(id) ON DELETE CASCADE,
    structure_id   TEXT NOT NULL REFERENCES organisations(id),
    structure_name TEXT NOT NULL,
    structure_type TEXT NOT NULL DEFAULT '',
    departement    TEXT NOT NULL DEFAULT '',
    commune_code   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, structure_id)
);
CREATE INDEX survey_targets_structure ON survey_targets (structure_id);

-- One answer per target structure; answer is a JSON object question id →
-- list of values. status is 'draft' or 'submitted'.
CREATE TABLE survey_answers (
    campaign_id  TEXT NOT NULL,
    structure_id TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft','submitted')),
    answer       TEXT NOT NULL DEFAULT '{}',
    saved_by     TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    saved_at     TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    PRIMARY KEY (campaign_id, structure_id),
    FOREIGN KEY (campaign_id, structure_id) REFERENCES survey_targets(campaign_id, structure_id) ON DELETE CASCADE
);

-- Reminders already sent, one per structure and step (days before the
-- deadline), so that the job may run often and on several servers.
CREATE TABLE survey_reminders_sent (
    campaign_id  TEXT NOT NULL REFERENCES survey_campaigns(id) ON DELETE CASCADE,
    structure_id TEXT NOT NULL REFERENCES organisations(id),
    step         INTEGER NOT NULL,
    sent_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign_id, structure_id, step)
);

-- +goose Down
DROP TABLE survey_reminders_sent;
DROP TABLE survey_answers;
DROP TABLE survey_targets;
DROP TABLE survey_campaigns;
DROP TABLE survey_questions;
DROP TABLE survey_sections;
DROP TABLE surveys;
