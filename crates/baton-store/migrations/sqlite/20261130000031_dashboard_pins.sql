-- Saved queries a person pinned to their dashboard, in order. A pin whose query is deleted goes
-- with it; one whose query stops being shared is no longer shown. Keep in step with ../postgres.

CREATE TABLE dashboard_pins (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    saved_query_id INTEGER NOT NULL REFERENCES saved_queries (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX dashboard_pins_user_query ON dashboard_pins (user_id, saved_query_id);
CREATE INDEX dashboard_pins_query ON dashboard_pins (saved_query_id);
