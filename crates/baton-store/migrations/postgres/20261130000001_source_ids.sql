-- Where an imported record came from: the system and its id there (`sf:006…`, `hs:deal:123`),
-- so that importing the same export again updates the records instead of adding them twice.
-- NULL for records made in Baton; unique otherwise (NULLs are distinct in a unique index).

ALTER TABLE users ADD COLUMN source_id TEXT;
ALTER TABLE accounts ADD COLUMN source_id TEXT;
ALTER TABLE contacts ADD COLUMN source_id TEXT;
ALTER TABLE deals ADD COLUMN source_id TEXT;
ALTER TABLE activities ADD COLUMN source_id TEXT;
ALTER TABLE field_history ADD COLUMN source_id TEXT;

CREATE UNIQUE INDEX users_source ON users (source_id);
CREATE UNIQUE INDEX accounts_source ON accounts (source_id);
CREATE UNIQUE INDEX contacts_source ON contacts (source_id);
CREATE UNIQUE INDEX deals_source ON deals (source_id);
CREATE UNIQUE INDEX activities_source ON activities (source_id);
CREATE UNIQUE INDEX field_history_source ON field_history (source_id);
