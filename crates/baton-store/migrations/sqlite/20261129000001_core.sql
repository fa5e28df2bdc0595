-- Baton core schema (SQLite). Times are UTC RFC 3339 text, dates ISO text, money integer minor
-- units with an ISO 4217 code, JSON as text. Keep in step with ../postgres (same versions).

CREATE TABLE org_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    fiscal_year_start_month INTEGER NOT NULL CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
    time_zone TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'manager', 'rep', 'finance')),
    time_zone TEXT NOT NULL,
    active INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Kept apart from users so that nothing that reads users (reports, the SQL console) can reach a hash.
CREATE TABLE user_credentials (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    password_hash TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    manager_id INTEGER REFERENCES users (id),
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX teams_name_key ON teams (lower(name));
CREATE INDEX teams_manager ON teams (manager_id);

CREATE TABLE team_members (
    team_id INTEGER NOT NULL REFERENCES teams (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (team_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE pipelines (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    is_default INTEGER NOT NULL,
    archived_at TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX pipelines_name_key ON pipelines (lower(name));
CREATE UNIQUE INDEX pipelines_one_default ON pipelines (is_default) WHERE is_default = 1;

CREATE TABLE stages (
    id INTEGER PRIMARY KEY,
    pipeline_id INTEGER NOT NULL REFERENCES pipelines (id),
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
    forecast_category TEXT NOT NULL
        CHECK (forecast_category IN ('omitted', 'pipeline', 'best_case', 'commit', 'closed')),
    outcome TEXT NOT NULL CHECK (outcome IN ('open', 'won', 'lost')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX stages_pipeline ON stages (pipeline_id, position);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    domain TEXT,
    industry TEXT,
    employees INTEGER,
    annual_revenue_minor INTEGER,
    currency TEXT NOT NULL,
    tier INTEGER CHECK (tier BETWEEN 1 AND 5),
    owner_id INTEGER NOT NULL REFERENCES users (id),
    custom_fields TEXT NOT NULL DEFAULT '{}',
    archived_at TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX accounts_owner ON accounts (owner_id, id);
CREATE INDEX accounts_name ON accounts (lower(name), id);
CREATE INDEX accounts_domain ON accounts (lower(domain));

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts (id),
    owner_id INTEGER NOT NULL REFERENCES users (id),
    first_name TEXT,
    last_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    title TEXT,
    custom_fields TEXT NOT NULL DEFAULT '{}',
    archived_at TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX contacts_account ON contacts (account_id);
CREATE INDEX contacts_owner ON contacts (owner_id, id);
CREATE INDEX contacts_email ON contacts (lower(email));
CREATE INDEX contacts_first_name ON contacts (lower(first_name));
CREATE INDEX contacts_last_name ON contacts (lower(last_name), id);

CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    account_id INTEGER REFERENCES accounts (id),
    owner_id INTEGER NOT NULL REFERENCES users (id),
    pipeline_id INTEGER NOT NULL REFERENCES pipelines (id),
    stage_id INTEGER NOT NULL REFERENCES stages (id),
    amount_minor INTEGER CHECK (amount_minor >= 0),
    currency TEXT NOT NULL,
    close_date TEXT,
    forecast_category TEXT NOT NULL
        CHECK (forecast_category IN ('omitted', 'pipeline', 'best_case', 'commit', 'closed')),
    next_step TEXT,
    lost_reason TEXT,
    source TEXT,
    closed_at TEXT,
    custom_fields TEXT NOT NULL DEFAULT '{}',
    archived_at TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX deals_owner_stage ON deals (owner_id, stage_id, id);
CREATE INDEX deals_stage ON deals (stage_id, id);
CREATE INDEX deals_account ON deals (account_id);
CREATE INDEX deals_close_date ON deals (close_date);
CREATE INDEX deals_name ON deals (lower(name), id);

CREATE TABLE deal_contacts (
    deal_id INTEGER NOT NULL REFERENCES deals (id),
    contact_id INTEGER NOT NULL REFERENCES contacts (id),
    role TEXT,
    is_primary INTEGER NOT NULL,
    PRIMARY KEY (deal_id, contact_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX deal_contacts_contact ON deal_contacts (contact_id);

CREATE TABLE deal_splits (
    deal_id INTEGER NOT NULL REFERENCES deals (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('revenue', 'overlay')),
    percent_bp INTEGER NOT NULL CHECK (percent_bp BETWEEN 1 AND 10000),
    PRIMARY KEY (deal_id, user_id, kind)
) STRICT, WITHOUT ROWID;
CREATE INDEX deal_splits_user ON deal_splits (user_id);

CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('call', 'email', 'meeting', 'note', 'task')),
    subject TEXT,
    body TEXT,
    owner_id INTEGER NOT NULL REFERENCES users (id),
    account_id INTEGER REFERENCES accounts (id),
    contact_id INTEGER REFERENCES contacts (id),
    deal_id INTEGER REFERENCES deals (id),
    occurred_at TEXT NOT NULL,
    ends_at TEXT,
    direction TEXT CHECK (direction IN ('inbound', 'outbound')),
    thread_id TEXT,
    meeting_status TEXT
        CHECK (meeting_status IN ('scheduled', 'held', 'canceled', 'declined', 'no_show')),
    due_date TEXT,
    completed_at TEXT,
    archived_at TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX activities_deal ON activities (deal_id, occurred_at);
CREATE INDEX activities_account ON activities (account_id, occurred_at);
CREATE INDEX activities_contact ON activities (contact_id, occurred_at);
CREATE INDEX activities_owner ON activities (owner_id, occurred_at);
CREATE INDEX activities_thread ON activities (thread_id) WHERE thread_id IS NOT NULL;

CREATE TABLE quotas (
    id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users (id),
    team_id INTEGER REFERENCES teams (id),
    period_kind TEXT NOT NULL CHECK (period_kind IN ('month', 'quarter', 'year')),
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    currency TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((user_id IS NULL) <> (team_id IS NULL))
) STRICT;
CREATE UNIQUE INDEX quotas_user_period_key ON quotas (user_id, period_kind, start_date)
    WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX quotas_team_period_key ON quotas (team_id, period_kind, start_date)
    WHERE team_id IS NOT NULL;

CREATE TABLE custom_fields (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL CHECK (entity IN ('account', 'contact', 'deal')),
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('text', 'number', 'money', 'date', 'single_select')),
    options TEXT NOT NULL DEFAULT '[]',
    required INTEGER NOT NULL,
    archived_at TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX custom_fields_key ON custom_fields (entity, key);

CREATE TABLE field_history (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    actor_id INTEGER REFERENCES users (id),
    changed_at TEXT NOT NULL
) STRICT;
CREATE INDEX field_history_entity ON field_history (entity, entity_id, changed_at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES users (id),
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    before TEXT,
    after TEXT
) STRICT;
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- The audit log and the field history are append-only.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER field_history_no_update BEFORE UPDATE ON field_history
BEGIN SELECT RAISE(ABORT, 'field_history is append-only'); END;
CREATE TRIGGER field_history_no_delete BEFORE DELETE ON field_history
BEGIN SELECT RAISE(ABORT, 'field_history is append-only'); END;

CREATE TABLE idempotency_keys (
    user_id INTEGER NOT NULL REFERENCES users (id),
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER,
    response_headers TEXT,
    response_body TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
