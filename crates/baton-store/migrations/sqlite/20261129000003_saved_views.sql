-- Saved list views: a name for a list's filters, sort, search and columns.
CREATE TABLE saved_views (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    entity TEXT NOT NULL CHECK (entity IN ('accounts', 'contacts', 'deals', 'activities')),
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    shared INTEGER NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX saved_views_name_key ON saved_views (user_id, entity, lower(name));
