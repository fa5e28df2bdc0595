-- Merging duplicate accounts and contacts, and undoing a merge (docs/duplicates.md).

-- One merge: the record kept, the records merged into it (archived, never deleted), and what
-- the merge changed, as JSON (references moved, deal roles folded, fields filled), so that an
-- admin can undo exactly that within 30 days.
CREATE TABLE merges (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL CHECK (entity IN ('account', 'contact')),
    kept_id INTEGER NOT NULL,
    merged_ids TEXT NOT NULL,
    changes TEXT NOT NULL,
    actor_id INTEGER NOT NULL REFERENCES users (id),
    merged_at TEXT NOT NULL,
    undone_at TEXT,
    undone_by INTEGER REFERENCES users (id),
    undo_report TEXT
) STRICT;
CREATE INDEX merges_at ON merges (merged_at);

-- Pairs that someone said are not duplicates; the pair is stored with the smaller id first.
CREATE TABLE duplicate_dismissals (
    entity TEXT NOT NULL CHECK (entity IN ('account', 'contact')),
    low_id INTEGER NOT NULL,
    high_id INTEGER NOT NULL,
    actor_id INTEGER NOT NULL REFERENCES users (id),
    dismissed_at TEXT NOT NULL,
    PRIMARY KEY (entity, low_id, high_id),
    CHECK (low_id < high_id)
) STRICT, WITHOUT ROWID;
