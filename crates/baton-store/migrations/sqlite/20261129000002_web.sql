-- Web sign-in and the Today page.

-- Failed sign-ins, for throttling: by the email typed (lower-cased) and by client address.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    at TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

-- Open tasks by due date (overdue tasks on Today).
CREATE INDEX activities_open_tasks ON activities (due_date)
    WHERE kind = 'task' AND completed_at IS NULL;
-- Meetings by time (meetings today).
CREATE INDEX activities_meetings ON activities (occurred_at) WHERE kind = 'meeting';
-- An owner's deals in id order (a rep's deal list).
CREATE INDEX deals_owner ON deals (owner_id, id);
-- The latest changes (Today).
CREATE INDEX field_history_recent ON field_history (changed_at);
