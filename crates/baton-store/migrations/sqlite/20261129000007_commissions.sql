-- Commissions: plans as finance wrote them, who is on which plan when, the status of each
-- period, and the append-only ledger that runs write.

-- One row per plan version, with its TOML source as written (checked by the engine on save).
CREATE TABLE comp_plans (
    id INTEGER PRIMARY KEY,
    plan_key TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    UNIQUE (plan_key, version)
) STRICT;

-- Who is on which plan from which day to which (inclusive; open-ended when NULL).
CREATE TABLE comp_assignments (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    plan_key TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX comp_assignments_user ON comp_assignments (user_id, from_date);

-- Periods finance approved or paid; a period with no row is open.
CREATE TABLE comp_periods (
    period TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('approved', 'paid')),
    updated_by INTEGER NOT NULL REFERENCES users (id),
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE comp_runs (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL,
    run_by INTEGER NOT NULL REFERENCES users (id),
    statements INTEGER NOT NULL,
    entries INTEGER NOT NULL,
    run_at TEXT NOT NULL
) STRICT;

-- Never updated or deleted: a change is a reversal and a rebooking, or an adjustment posted in
-- a later open period when the period it was earned in is frozen.
CREATE TABLE comp_ledger (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES comp_runs (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    period TEXT NOT NULL,
    posted_in TEXT NOT NULL,
    line_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('booking', 'reversal', 'rebook', 'adjustment')),
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    deal_id INTEGER,
    explain TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX comp_ledger_user_period ON comp_ledger (user_id, period);
CREATE INDEX comp_ledger_posted ON comp_ledger (posted_in, user_id);
