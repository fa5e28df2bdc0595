-- Reporting views for the SQL console (docs/reporting-schema.md). The console reads only these
-- views, and only through the visibility filter the store wraps around each of them; nothing here
-- may expose a password hash, a session or a token. Keep in step with ../sqlite: same views, same
-- columns in the same order. Booleans are BOOLEAN here and 0/1 there.

CREATE VIEW rpt_deals AS
SELECT
    d.id,
    d.name,
    d.account_id,
    a.name AS account_name,
    d.owner_id,
    u.name AS owner_name,
    (SELECT min(tm.team_id) FROM team_members tm WHERE tm.user_id = d.owner_id) AS team_id,
    d.pipeline_id,
    p.name AS pipeline,
    d.stage_id,
    s.name AS stage,
    s.position AS stage_position,
    s.outcome AS stage_outcome,
    s.probability,
    d.amount_minor,
    d.currency,
    d.close_date,
    d.forecast_category,
    d.source,
    d.lost_reason,
    d.next_step,
    d.created_at,
    d.updated_at,
    d.closed_at,
    d.payment_date,
    (d.archived_at IS NOT NULL) AS archived
FROM deals d
JOIN users u ON u.id = d.owner_id
JOIN pipelines p ON p.id = d.pipeline_id
JOIN stages s ON s.id = d.stage_id
LEFT JOIN accounts a ON a.id = d.account_id;

CREATE VIEW rpt_deal_history AS
SELECT
    h.id,
    h.entity_id AS deal_id,
    h.field,
    h.old_value,
    h.new_value,
    CASE WHEN h.field = 'stage_id' THEN
        (SELECT os.name FROM stages os WHERE os.id = CAST(h.old_value AS BIGINT)) END AS old_stage,
    CASE WHEN h.field = 'stage_id' THEN
        (SELECT ns.name FROM stages ns WHERE ns.id = CAST(h.new_value AS BIGINT)) END AS new_stage,
    h.actor_id AS changed_by,
    h.changed_at
FROM field_history h
WHERE h.entity = 'deal';

CREATE VIEW rpt_activities AS
SELECT
    x.id,
    x.kind,
    x.direction,
    x.owner_id,
    x.account_id,
    x.contact_id,
    x.deal_id,
    x.occurred_at,
    x.ends_at,
    x.subject,
    x.meeting_status,
    x.due_date,
    x.completed_at,
    x.completed_at IS NOT NULL AS done,
    x.thread_id,
    x.created_at,
    x.archived_at IS NOT NULL AS archived
FROM activities x;

CREATE VIEW rpt_accounts AS
SELECT
    a.id,
    a.name,
    a.domain,
    a.industry,
    a.employees,
    a.annual_revenue_minor,
    a.currency,
    a.tier,
    a.owner_id,
    u.name AS owner_name,
    a.created_at,
    a.archived_at IS NOT NULL AS archived
FROM accounts a
JOIN users u ON u.id = a.owner_id;

CREATE VIEW rpt_users AS
SELECT
    u.id,
    u.name,
    u.email,
    u.role,
    u.active,
    u.time_zone,
    t.id AS team_id,
    t.name AS team,
    u.created_at
FROM users u
LEFT JOIN teams t ON t.id = (SELECT min(tm.team_id) FROM team_members tm WHERE tm.user_id = u.id);

CREATE VIEW rpt_quotas AS
SELECT
    q.id,
    q.user_id,
    q.team_id,
    q.period_kind,
    q.start_date,
    q.end_date,
    q.amount_minor,
    q.currency
FROM quotas q;
