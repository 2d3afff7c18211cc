-- +goose Up
-- Organisations: structures, operators (organismes gestionnaires), the ASE
-- service of a département, ARS delegations, MDPH, PJJ and the platform itself.
CREATE TABLE organisations (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('structure','operator','ase','ars','mdph','pjj','platform')),
    name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    structure_type TEXT NOT NULL DEFAULT '',
    operator_id    TEXT REFERENCES organisations(id),
    commune_code   TEXT NOT NULL DEFAULT '',
    departement    TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    fictional      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX organisations_kind_dep ON organisations (kind, departement);
CREATE INDEX organisations_name ON organisations (name);

-- Accounts; email is stored lower-cased. An empty password_hash means the
-- invitation has not been accepted yet.
CREATE TABLE accounts (
    id             TEXT PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL DEFAULT '',
    totp_secret    TEXT NOT NULL DEFAULT '',
    totp_enabled   BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    locale         TEXT NOT NULL DEFAULT 'fr',
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    last_login_at  TIMESTAMPTZ
);

CREATE TABLE memberships (
    account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('educator','director','ase_referent','mobile_team','foster_carer','parent','steering','admin')),
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, organisation_id, role)
);
CREATE INDEX memberships_org ON memberships (organisation_id);

-- Web sessions, shared by every server (scs store).
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BYTEA NOT NULL,
    expiry TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

-- API bearer tokens, stored as SHA-256 hashes.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

-- Single-use links: password reset and invitation.
CREATE TABLE one_time_tokens (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('reset','invite')),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

-- Failed logins, by account key and by address, for throttling across servers.
CREATE TABLE login_failures (
    id  TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    ip  TEXT NOT NULL,
    at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

-- The audit log: append-only, each row's hash chains to the previous one.
CREATE TABLE audit_log (
    seq             BIGINT PRIMARY KEY,
    at              TIMESTAMPTZ NOT NULL,
    actor_id        TEXT NOT NULL DEFAULT '',
    actor_label     TEXT NOT NULL DEFAULT '',
    organisation_id TEXT NOT NULL DEFAULT '',
    action          TEXT NOT NULL,
    resource_type   TEXT NOT NULL DEFAULT '',
    resource_id     TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    request_id      TEXT NOT NULL DEFAULT '',
    ip              TEXT NOT NULL DEFAULT '',
    details         TEXT NOT NULL DEFAULT '',
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);
CREATE INDEX audit_log_resource ON audit_log (resource_type, resource_id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);

-- The head of the chain: one row, updated in the same transaction as each
-- append. Its row lock serialises appends across servers.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- Due work (mail outbox, reminders...), claimed atomically by any server.
CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    dedup_key    TEXT UNIQUE,
    run_at       TIMESTAMPTZ NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 8,
    locked_by    TEXT NOT NULL DEFAULT '',
    locked_until TIMESTAMPTZ,
    last_error   TEXT NOT NULL DEFAULT '',
    done_at      TIMESTAMPTZ,
    failed_at    TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE done_at IS NULL AND failed_at IS NULL;

-- In-app notifications: always created, whether or not an e-mail follows.
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    link       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    read_at    TIMESTAMPTZ
);
CREATE INDEX notifications_account ON notifications (account_id, created_at);

-- +goose Down
DROP TABLE notifications;
DROP TABLE jobs;
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP TABLE login_failures;
DROP TABLE one_time_tokens;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE memberships;
DROP TABLE accounts;
DROP TABLE organisations;
