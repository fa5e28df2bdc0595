//! The questions the Today page asks, each limited to what the actor may see: deals closing this
//! month, deals gone quiet, overdue tasks, today's meetings, records breaking data rules, and the
//! latest changes.

use crate::db::{Row, built_query, query};
use crate::visibility::{Entity, Scope};
use crate::{Actor, Result, Store};
use baton_model::{AccountId, ActivityId, ContactId, Currency, DealId, UserId};
use chrono::{DateTime, NaiveDate, Utc};

/// A deal with what a list of deals shows about it.
#[derive(Debug, Clone)]
pub struct DealSummary {
    pub id: DealId,
    pub name: String,
    pub account_id: Option<AccountId>,
    pub account_name: Option<String>,
    pub owner_name: String,
    pub stage_name: String,
    pub probability: i64,
    pub amount_minor: Option<i64>,
    pub currency: Currency,
    pub close_date: Option<NaiveDate>,
    /// The latest call, email, meeting or note on the deal that has happened, if any (a task
    /// is a reminder, not a touch).
    pub last_activity_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// An activity with what a list of activities shows about it.
#[derive(Debug, Clone)]
pub struct ActivitySummary {
    pub id: ActivityId,
    pub subject: Option<String>,
    pub owner_name: String,
    pub occurred_at: DateTime<Utc>,
    pub due_date: Option<NaiveDate>,
    pub deal_id: Option<DealId>,
    pub deal_name: Option<String>,
    pub account_id: Option<AccountId>,
    pub account_name: Option<String>,
}

/// A record that breaks a data rule, and which rule.
#[derive(Debug, Clone)]
pub struct DataIssue {
    /// What is wrong, for people.
    pub rule: &'static str,
    pub record: RecordRef,
    pub label: String,
}

/// A reference to a record, for links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordRef {
    Account(AccountId),
    Contact(ContactId),
    Deal(DealId),
}

/// One change of a tracked field, with the names needed to say it in words.
#[derive(Debug, Clone)]
pub struct ChangeSummary {
    pub at: DateTime<Utc>,
    pub actor_name: Option<String>,
    pub record: RecordRef,
    pub record_name: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// The deal's currency, for amounts.
    pub currency: Option<Currency>,
}

/// The deals that `filter` picks, in `order`, at most `$limit` of them, with their names and
/// latest activity. The deals are picked and cut to the limit in a subquery first, so that
/// only those few are joined to their stage, owner and account and have their latest activity
/// looked up.
fn deal_summaries(filter: &str, order: &str, limit: &str) -> String {
    format!(
        "SELECT x.id, x.name, x.account_id, a.name AS account_name, u.name AS owner_name, \
         s.name AS stage_name, s.probability, x.amount_minor, x.currency, x.close_date, x.created_at, \
         (SELECT MAX(ac.occurred_at) FROM activities ac WHERE ac.deal_id = x.id \
          AND ac.occurred_at <= $1 AND ac.archived_at IS NULL AND ac.kind <> 'task') AS last_activity_at \
         FROM (SELECT x.* FROM deals x WHERE x.archived_at IS NULL AND {filter} \
               ORDER BY {order} LIMIT {limit}) x \
         JOIN stages s ON s.id = x.stage_id JOIN users u ON u.id = x.owner_id \
         LEFT JOIN accounts a ON a.id = x.account_id ORDER BY {order}"
    )
}

/// A scope of at most this many owners has its deals read by owner and sorted; a larger one
/// has all deals walked in the query's order, each checked for its owner, which finds enough
/// sooner than reading a whole team's deals (measured with bench/pages.sh).
const FEW_OWNERS: usize = 3;

/// The actor's open deals, written for the query planner in one of two ways. Walking: tests of
/// each row, so that the deals are walked in the order of the query's own index (close date,
/// amount) and the walk stops at the limit. Otherwise: the owners and the open stages as lists,
/// so that only those owners' open deals are read and sorted.
fn open_deals(scope: &Scope, walk: bool) -> String {
    if walk {
        format!(
            "{} AND EXISTS (SELECT 1 FROM stages os WHERE os.id = x.stage_id AND os.outcome = 'open')",
            scope.visible_per_row(Entity::Deal, "x")
        )
    } else {
        format!(
            "{} AND x.stage_id IN (SELECT os.id FROM stages os WHERE os.outcome = 'open')",
            scope.visible(Entity::Deal, "x")
        )
    }
}

fn deal_summary(r: &Row) -> Result<DealSummary> {
    Ok(DealSummary {
        id: r.get("id")?,
        name: r.get("name")?,
        account_id: r.get("account_id")?,
        account_name: r.get("account_name")?,
        owner_name: r.get("owner_name")?,
        stage_name: r.get("stage_name")?,
        probability: r.get("probability")?,
        amount_minor: r.get("amount_minor")?,
        currency: r.parse("currency")?,
        close_date: r.get("close_date")?,
        last_activity_at: r.get("last_activity_at")?,
        created_at: r.get("created_at")?,
    })
}

const ACTIVITY_SUMMARY: &str = "SELECT x.id, x.subject, u.name AS owner_name, x.occurred_at, x.due_date, \
    x.deal_id, d.name AS deal_name, x.account_id, a.name AS account_name \
    FROM activities x JOIN users u ON u.id = x.owner_id \
    LEFT JOIN deals d ON d.id = x.deal_id LEFT JOIN accounts a ON a.id = x.account_id";

fn activity_summary(r: &Row) -> Result<ActivitySummary> {
    Ok(ActivitySummary {
        id: r.get("id")?,
        subject: r.get("subject")?,
        owner_name: r.get("owner_name")?,
        occurred_at: r.get("occurred_at")?,
        due_date: r.get("due_date")?,
        deal_id: r.get("deal_id")?,
        deal_name: r.get("deal_name")?,
        account_id: r.get("account_id")?,
        account_name: r.get("account_name")?,
    })
}

impl Store {
    /// Open deals the actor may see whose close date falls in `[from, until)`, soonest first.
    pub async fn deals_closing(
        &self,
        actor: &Actor,
        from: NaiveDate,
        until: NaiveDate,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<DealSummary>> {
        let mut conn = self.reader();
        let scope = Scope::of(&mut conn, actor).await?;
        // By close date for someone who sees every deal; by owner and close date otherwise.
        let filter = format!(
            "{} AND x.close_date >= $2 AND x.close_date < $3",
            open_deals(&scope, scope.sees_all(Entity::Deal))
        );
        conn.fetch_all(
            built_query(deal_summaries(
                &filter,
                "x.close_date, x.amount_minor DESC, x.id",
                "$4",
            ))
            .bind(now)
            .bind(from)
            .bind(until)
            .bind(limit),
        )
        .await?
        .iter()
        .map(deal_summary)
        .collect()
    }

    /// Open deals the actor may see with no call, email, meeting or note since `quiet_since`
    /// (counting from their creation when they have none), largest first. For more than a few
    /// owners, walks the deals by amount and stops at `limit`, so the time does not grow with
    /// the number of deals.
    pub async fn deals_gone_quiet(
        &self,
        actor: &Actor,
        quiet_since: DateTime<Utc>,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<DealSummary>> {
        let mut conn = self.reader();
        let scope = Scope::of(&mut conn, actor).await?;
        let walk = scope.sees_all(Entity::Deal) || scope.owners() > FEW_OWNERS;
        let filter = format!(
            "{} AND NOT EXISTS (SELECT 1 FROM activities r WHERE r.deal_id = x.id \
               AND r.occurred_at >= $2 AND r.occurred_at <= $1 AND r.archived_at IS NULL \
               AND r.kind <> 'task') \
             AND (x.created_at < $2 OR EXISTS (SELECT 1 FROM activities o \
               WHERE o.deal_id = x.id AND o.occurred_at < $2 AND o.archived_at IS NULL \
               AND o.kind <> 'task'))",
            open_deals(&scope, walk)
        );
        conn.fetch_all(
            built_query(deal_summaries(
                &filter,
                "(x.amount_minor IS NULL), x.amount_minor DESC, x.id DESC",
                "$3",
            ))
            .bind(now)
            .bind(quiet_since)
            .bind(limit),
        )
        .await?
        .iter()
        .map(deal_summary)
        .collect()
    }

    /// Open tasks the actor may see that were due before `today`, most recently due first.
    pub async fn overdue_tasks(
        &self,
        actor: &Actor,
        today: NaiveDate,
        limit: i64,
    ) -> Result<Vec<ActivitySummary>> {
        let mut conn = self.reader();
        let scope = Scope::of(&mut conn, actor).await?;
        conn.fetch_all(
            built_query(format!(
                "{ACTIVITY_SUMMARY} WHERE {} AND x.kind = 'task' AND x.completed_at IS NULL \
                 AND x.archived_at IS NULL AND x.due_date < $1 ORDER BY x.due_date DESC, x.id DESC LIMIT $2",
                scope.visible_per_row(Entity::Activity, "x")
            ))
            .bind(today)
            .bind(limit),
        )
        .await?
        .iter()
        .map(activity_summary)
        .collect()
    }

    /// Meetings the actor may see starting in `[from, until)` that are not called off.
    pub async fn meetings_between(
        &self,
        actor: &Actor,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<ActivitySummary>> {
        let mut conn = self.reader();
        let scope = Scope::of(&mut conn, actor).await?;
        conn.fetch_all(
            built_query(format!(
                "{ACTIVITY_SUMMARY} WHERE {} AND x.kind = 'meeting' AND x.archived_at IS NULL \
                 AND x.occurred_at >= $1 AND x.occurred_at < $2 \
                 AND (x.meeting_status IS NULL OR x.meeting_status NOT IN ('canceled', 'declined')) \
                 ORDER BY x.occurred_at, x.id LIMIT $3",
                scope.visible_per_row(Entity::Activity, "x")
            ))
            .bind(from)
            .bind(until)
            .bind(limit),
        )
        .await?
        .iter()
        .map(activity_summary)
        .collect()
    }

    /// Records the actor may see that break a data rule: late-stage deals without a close date
    /// or amount, contacts without an account or with a malformed email, and accounts that look
    /// like duplicates (same name or same domain, ignoring case; the shared keys come from the
    /// trigger-kept `account_keys`). At most `limit` per rule.
    pub async fn data_issues(&self, actor: &Actor, limit: i64) -> Result<Vec<DataIssue>> {
        let mut conn = self.reader();
        let scope = Scope::of(&mut conn, actor).await?;
        let mut issues = Vec::new();
        let rules: [(&'static str, String); 5] = [
            (
                "late-stage deal without a close date or amount",
                format!(
                    "SELECT x.id, x.name AS label, 'deal' AS kind FROM deals x JOIN stages s ON s.id = x.stage_id \
                     WHERE {} AND x.archived_at IS NULL AND s.outcome = 'open' AND s.probability >= 50 \
                     AND (x.close_date IS NULL OR x.amount_minor IS NULL) ORDER BY x.id LIMIT $1",
                    scope.visible_per_row(Entity::Deal, "x")
                ),
            ),
            (
                "contact without an account",
                format!(
                    "SELECT x.id, COALESCE(x.first_name || ' ', '') || x.last_name AS label, 'contact' AS kind \
                     FROM contacts x WHERE {} AND x.archived_at IS NULL AND x.account_id IS NULL \
                     ORDER BY x.id LIMIT $1",
                    scope.visible_per_row(Entity::Contact, "x")
                ),
            ),
            (
                "contact with a malformed email",
                format!(
                    "SELECT x.id, x.email AS label, 'contact' AS kind FROM contacts x WHERE {} \
                     AND x.archived_at IS NULL \
                     AND x.email IS NOT NULL AND (x.email NOT LIKE '%_@_%._%' OR x.email LIKE '% %') \
                     ORDER BY x.id LIMIT $1",
                    scope.visible_per_row(Entity::Contact, "x")
                ),
            ),
            (
                "account that may be a duplicate (same name)",
                format!(
                    "SELECT x.id, x.name AS label, 'account' AS kind FROM account_keys k \
                     JOIN accounts x ON lower(x.name) = k.key WHERE k.kind = 'name' AND k.accounts > 1 \
                     AND {} AND x.archived_at IS NULL ORDER BY k.key, x.id LIMIT $1",
                    scope.visible_per_row(Entity::Account, "x")
                ),
            ),
            (
                "account that may be a duplicate (same domain)",
                format!(
                    "SELECT x.id, x.name || ' (' || x.domain || ')' AS label, 'account' AS kind \
                     FROM account_keys k JOIN accounts x ON lower(x.domain) = k.key \
                     WHERE k.kind = 'domain' AND k.accounts > 1 AND {} AND x.archived_at IS NULL \
                     ORDER BY k.key, x.id LIMIT $1",
                    scope.visible_per_row(Entity::Account, "x")
                ),
            ),
        ];
        for (rule, sql) in rules {
            for r in conn.fetch_all(built_query(sql).bind(limit)).await? {
                let id: i64 = r.get("id")?;
                let record = match r.get::<String>("kind")?.as_str() {
                    "deal" => RecordRef::Deal(DealId(id)),
                    "contact" => RecordRef::Contact(ContactId(id)),
                    _ => RecordRef::Account(AccountId(id)),
                };
                issues.push(DataIssue {
                    rule,
                    record,
                    label: r.get("label")?,
                });
            }
        }
        Ok(issues)
    }

    /// The latest changes of tracked fields on deals and accounts the actor may see, newest
    /// first. The history is walked by time, each change's record checked by an index probe,
    /// until `limit` are found; only those are joined to their names.
    pub async fn latest_changes(&self, actor: &Actor, limit: i64) -> Result<Vec<ChangeSummary>> {
        let mut conn = self.reader();
        let scope = Scope::of(&mut conn, actor).await?;
        let rows = conn
            .fetch_all(
                built_query(format!(
                    "SELECT h.changed_at, u.name AS actor_name, h.entity, h.entity_id, h.field, \
                     h.old_value, h.new_value, COALESCE(d.name, a.name) AS record_name, d.currency \
                     FROM (SELECT h.* FROM field_history h WHERE h.old_value IS NOT NULL \
                           AND CASE h.entity WHEN 'deal' THEN {deal} WHEN 'account' THEN {account} \
                           ELSE FALSE END \
                           ORDER BY h.changed_at DESC, h.id DESC LIMIT $1) h \
                     LEFT JOIN users u ON u.id = h.actor_id \
                     LEFT JOIN deals d ON h.entity = 'deal' AND d.id = h.entity_id \
                     LEFT JOIN accounts a ON h.entity = 'account' AND a.id = h.entity_id \
                     ORDER BY h.changed_at DESC, h.id DESC",
                    deal = scope.deal_visible_by_id("h.entity_id"),
                    account = scope.account_visible_by_id("h.entity_id"),
                ))
                .bind(limit),
            )
            .await?;
        rows.iter()
            .map(|r| {
                let id: i64 = r.get("entity_id")?;
                Ok(ChangeSummary {
                    at: r.get("changed_at")?,
                    actor_name: r.get("actor_name")?,
                    record: if r.get::<String>("entity")? == "deal" {
                        RecordRef::Deal(DealId(id))
                    } else {
                        RecordRef::Account(AccountId(id))
                    },
                    record_name: r.get::<Option<String>>("record_name")?.unwrap_or_default(),
                    field: r.get("field")?,
                    old_value: r.get("old_value")?,
                    new_value: r.get("new_value")?,
                    currency: r.parse_opt("currency")?,
                })
            })
            .collect()
    }

    /// Names of users and stages by id, to put change rows into words.
    pub async fn names(&self) -> Result<Names> {
        let mut conn = self.reader();
        let users = conn
            .fetch_all(query("SELECT id, name FROM users"))
            .await?
            .iter()
            .map(|r| Ok((r.get::<UserId>("id")?, r.get::<String>("name")?)))
            .collect::<Result<_>>()?;
        let stages = conn
            .fetch_all(query("SELECT id, name FROM stages"))
            .await?
            .iter()
            .map(|r| Ok((r.get::<i64>("id")?, r.get::<String>("name")?)))
            .collect::<Result<_>>()?;
        Ok(Names { users, stages })
    }
}

/// Names of users and stages by id.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub users: std::collections::HashMap<UserId, String>,
    pub stages: std::collections::HashMap<i64, String>,
}
