-- Saved SQL console queries: a person's named queries, kept for themselves or shared with
-- everyone. A shared query holds only its text; what it returns is still limited by each
-- reader's visibility. Keep in step with ../postgres.

CREATE TABLE saved_queries (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    sql TEXT NOT NULL,
    shared INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX saved_queries_owner_name ON saved_queries (owner_id, lower(name));
CREATE INDEX saved_queries_shared ON saved_queries (shared, id);
