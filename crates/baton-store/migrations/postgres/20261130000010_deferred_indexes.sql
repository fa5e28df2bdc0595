-- Secondary indexes a bulk import dropped to load an empty table faster, with the statement
-- that builds each again. The import rebuilds them when it ends; a run killed before that
-- leaves them here, and the next import or migration rebuilds them.
CREATE TABLE deferred_indexes (
    name TEXT PRIMARY KEY,
    table_name TEXT NOT NULL,
    definition TEXT NOT NULL
);
