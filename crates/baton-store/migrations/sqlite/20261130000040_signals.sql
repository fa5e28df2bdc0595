-- Signals: the findings the engine raised (kept with when they were first and last seen, and
-- what people did about them), each open deal's win probability, and the latest run's forecast.
-- Keep in step with ../postgres.

CREATE TABLE signal_findings (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    subject_type TEXT NOT NULL CHECK (subject_type IN ('deal', 'account', 'user')),
    subject_id INTEGER NOT NULL,
    subject_name TEXT NOT NULL,
    -- Whose record it is (the deal's or account's owner, or the rep): what visibility reads.
    owner_id INTEGER NOT NULL REFERENCES users (id),
    severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    score INTEGER NOT NULL,
    since TEXT,
    summary TEXT NOT NULL,
    evidence TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('open', 'acknowledged', 'snoozed', 'resolved', 'cleared')),
    snoozed_until TEXT,
    note TEXT,
    follow_up_task_id INTEGER REFERENCES activities (id),
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    -- When it was resolved, or stopped being raised; a later finding of the same kind about
    -- the same record is a new one.
    closed_at TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX signal_findings_live ON signal_findings (kind, subject_type, subject_id)
    WHERE closed_at IS NULL;
CREATE INDEX signal_findings_subject ON signal_findings (subject_type, subject_id);
CREATE INDEX signal_findings_owner ON signal_findings (owner_id);

CREATE TABLE deal_win_probabilities (
    deal_id INTEGER PRIMARY KEY REFERENCES deals (id) ON DELETE CASCADE,
    -- In hundredths of a percent (0–10000).
    basis_points INTEGER NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('learned', 'stage_probability')),
    factors TEXT NOT NULL,
    computed_at TEXT NOT NULL
) STRICT;

CREATE TABLE signal_runs (
    id INTEGER PRIMARY KEY,
    as_of TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    findings INTEGER NOT NULL,
    model TEXT NOT NULL,
    forecast TEXT NOT NULL
) STRICT;
