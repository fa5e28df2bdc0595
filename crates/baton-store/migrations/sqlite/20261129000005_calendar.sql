-- The team calendar: working hours, the people in each meeting, external calendars, feeds and
-- proposed moves. Meetings themselves are activities of kind 'meeting'.

-- A person's working hours as JSON (weekly ranges in their own time zone, date overrides,
-- core hours, buffers, daily limit, minimum notice); a person without a row works 09:00–17:00
-- Monday to Friday.
CREATE TABLE working_hours (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    hours TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- The people in a meeting besides its owner.
CREATE TABLE meeting_attendees (
    activity_id INTEGER NOT NULL REFERENCES activities (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (activity_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX meeting_attendees_user ON meeting_attendees (user_id);

-- A person's external calendar, uploaded or fetched from a URL, kept as read (as UTF-8, bad
-- bytes replaced): its events count as busy time and never move.
CREATE TABLE calendar_sources (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    url TEXT,
    body TEXT NOT NULL,
    events INTEGER NOT NULL,
    warnings TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX calendar_sources_user ON calendar_sources (user_id);

-- Subscribable feeds of one person's or one team's meetings, reached by a secret URL of which
-- only the hash is kept.
CREATE TABLE calendar_feeds (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER REFERENCES users (id),
    team_id INTEGER REFERENCES teams (id),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    CHECK ((user_id IS NULL) <> (team_id IS NULL))
) STRICT;

-- A proposal to move a meeting so that a more important one fits. Nothing moves until the
-- meeting's owner accepts.
CREATE TABLE meeting_moves (
    id INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities (id),
    from_start TEXT NOT NULL,
    from_end TEXT NOT NULL,
    to_start TEXT NOT NULL,
    to_end TEXT NOT NULL,
    explanation TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined')),
    proposed_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    responded_by INTEGER REFERENCES users (id),
    responded_at TEXT
) STRICT;
CREATE INDEX meeting_moves_activity ON meeting_moves (activity_id, status);
