-- A saved query keeps the chart drawn from its result: the chart builder's settings as JSON
-- (`{"kind": "bar", "x": "owner_name", "y": ["won"], "series": null}`), or NULL for none.
-- Keep in step with ../postgres.

ALTER TABLE saved_queries ADD COLUMN chart TEXT;
