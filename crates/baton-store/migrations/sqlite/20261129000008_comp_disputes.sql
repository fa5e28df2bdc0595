-- A person questions a line of their commission statement; finance answers; both see the
-- whole conversation. Messages are never edited.
CREATE TABLE comp_disputes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    period TEXT NOT NULL,
    line_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'answered', 'resolved')),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX comp_disputes_user ON comp_disputes (user_id, period);

CREATE TABLE comp_dispute_messages (
    id INTEGER PRIMARY KEY,
    dispute_id INTEGER NOT NULL REFERENCES comp_disputes (id),
    author_id INTEGER NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX comp_dispute_messages_dispute ON comp_dispute_messages (dispute_id, id);
