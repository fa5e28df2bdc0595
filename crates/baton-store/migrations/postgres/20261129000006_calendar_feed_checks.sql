-- An external calendar read from a URL is fetched again every so often: when it was last
-- tried and, when that failed, why (the copy from the last success stays in use).
ALTER TABLE calendar_sources ADD COLUMN checked_at TIMESTAMPTZ;
ALTER TABLE calendar_sources ADD COLUMN last_error TEXT;
