-- Imports run from the web page or the API (docs/import.md): the upload, how far the import
-- is while it runs (the running server updates `progress` and `updated_at` every second), and
-- afterwards its summary and the CSV report of rejected rows.
CREATE TABLE import_jobs (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL CHECK (source IN ('salesforce', 'hubspot', 'csv')),
    object TEXT CHECK (object IN ('accounts', 'contacts', 'deals', 'activities')),
    files TEXT NOT NULL,
    options TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('preview', 'running', 'done', 'failed', 'interrupted')),
    preview TEXT,
    progress TEXT,
    summary TEXT,
    error TEXT,
    report TEXT,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT
) STRICT;
CREATE INDEX import_jobs_created ON import_jobs (created_at);
