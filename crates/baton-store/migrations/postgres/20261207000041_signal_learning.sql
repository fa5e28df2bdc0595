-- What a signals run learned (stage norms, the win model, owners' records), kept so that a deal
-- that changes is judged again alone until the next run. NULL for runs before this column.
-- Keep in step with ../sqlite.

ALTER TABLE signal_runs ADD COLUMN learned JSONB;
