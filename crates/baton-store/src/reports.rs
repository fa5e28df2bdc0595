//! The quarterly review: the facts of three quarters gathered for what the viewer may see, and
//! handed to the report engine (`baton-reports`, definitions in `docs/metrics.md`).

use crate::db::{Conn, Row, built_query, query};
use crate::visibility::{Entity, Reach, Scope, in_list, reach};
use crate::{Actor, Result, Store, StoreError};
use baton_model::{FieldErrors, Period, PeriodKind, Role, TeamId, UserId};
use baton_reports::{
    Activity, ActivityCount, ActivityKind, Change, Changes, Deal, Email, Facts, Person,
    QuarterlyReport, Quota, Reply, StageInfo, Window,
};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{HashMap, HashSet};

/// The owners a report covers, as SQL: everyone, or a list of user ids (read from the
/// database, never from the request).
struct Owners(Option<Vec<UserId>>);

impl Owners {
    fn filter(&self, column: &str) -> String {
        match &self.0 {
            None => "TRUE".into(),
            Some(ids) if ids.is_empty() => "FALSE".into(),
            Some(ids) => format!("{column} {}", in_list(ids)),
        }
    }
}

impl Store {
    /// The review of `quarter` (`2026-Q3`; the last complete quarter when `None`) for
    /// everyone the actor sees, or for `team` (its members and, through the teams its members
    /// manage, everyone below), as of now.
    pub async fn quarterly_report(
        &self,
        actor: &Actor,
        quarter: Option<&str>,
        team: Option<TeamId>,
    ) -> Result<QuarterlyReport> {
        let conn = &mut self.reader();
        let org = crate::org::load_org(conn).await?;
        let fiscal = org.fiscal_year_start_month;
        let quarter = match quarter {
            None => {
                let today = crate::now().with_timezone(&org.time_zone.0).date_naive();
                Period::containing(today, PeriodKind::Quarter, fiscal).previous()
            }
            Some(text) => Period::parse(text, fiscal)
                .ok()
                .filter(|p| p.kind() == PeriodKind::Quarter)
                .ok_or_else(|| {
                    StoreError::Invalid(FieldErrors::one(
                        "quarter",
                        format!(
                            "{text:?} is not a quarter: expected a fiscal quarter like 2026-Q3"
                        ),
                    ))
                })?,
        };
        let scope = Scope::of(conn, actor).await?;
        let owners = match team {
            Some(team) => Owners(Some(team_members(conn, team).await?)),
            None => Owners(None),
        };
        let window = Window::of(quarter);
        let mut facts = Facts {
            currency: org.currency,
            time_zone: org.time_zone.0,
            now: crate::now(),
            rates: crate::commissions::rates::load(conn).await?,
            stages: stages(conn).await?,
            people: Vec::new(),
            deals: Vec::new(),
            quotas: Vec::new(),
        };
        let deal_owners = format!(
            "{} AND {}",
            scope.reaches_owner(Entity::Deal, "d.owner_id"),
            owners.filter("d.owner_id")
        );
        let activity_owners = match reach(actor, Entity::Activity) {
            Reach::Nothing => "FALSE".to_owned(),
            _ => format!(
                "{} AND {}",
                scope.reaches_owner(Entity::Activity, "x.owner_id"),
                owners.filter("x.owner_id")
            ),
        };
        // The three big reads run side by side, each on a connection of its own.
        let (mut for_deals, mut for_emails, mut for_counts) =
            (self.reader(), self.reader(), self.reader());
        let (deals, replies, mut activity) = futures::try_join!(
            deals(&mut for_deals, &facts, &window, &deal_owners),
            replies(
                &mut for_emails,
                &facts,
                window.first_day(),
                &activity_owners
            ),
            activities(&mut for_counts, &facts, &window, &activity_owners),
        )?;
        for (a, period) in activity.iter_mut().zip(window.periods) {
            let (from, to) = bounds(&facts, period);
            a.replies = replies
                .iter()
                .filter(|r| from <= r.received_at && r.received_at < to)
                .copied()
                .collect();
        }
        facts.deals = deals;
        facts.quotas = quotas(conn, &scope, &owners, &window, org.fiscal_year_start_month).await?;
        facts.people = people(conn, &scope, &owners, &facts).await?;
        Ok(baton_reports::quarterly(&facts, quarter, &activity))
    }
}

/// The members of `team` and of the teams its members manage, recursively, and its manager.
async fn team_members(conn: &mut Conn<'_>, team: TeamId) -> Result<Vec<UserId>> {
    let exists = conn
        .fetch_optional(query("SELECT id FROM teams WHERE id = $1").bind(team))
        .await?;
    if exists.is_none() {
        return Err(StoreError::Invalid(FieldErrors::one(
            "team",
            format!("there is no team {}", team.0),
        )));
    }
    conn.fetch_all(
        query(
            "WITH RECURSIVE sub(team_id) AS (SELECT CAST($1 AS BIGINT) \
             UNION SELECT t.id FROM teams t JOIN team_members m ON m.user_id = t.manager_id \
             JOIN sub ON sub.team_id = m.team_id) \
             SELECT m.user_id FROM team_members m WHERE m.team_id IN (SELECT team_id FROM sub) \
             UNION SELECT t.manager_id FROM teams t WHERE t.id = $1 AND t.manager_id IS NOT NULL \
             ORDER BY 1",
        )
        .bind(team),
    )
    .await?
    .iter()
    .map(|r| r.get("user_id"))
    .collect()
}

/// Every stage of every pipeline, in pipeline and stage order.
pub(crate) async fn stages(conn: &mut Conn<'_>) -> Result<Vec<StageInfo>> {
    conn.fetch_all(query(
        "SELECT s.id, s.pipeline_id, p.name AS pipeline_name, s.name, s.position, s.outcome, \
         s.probability FROM stages s JOIN pipelines p ON p.id = s.pipeline_id \
         ORDER BY p.id, s.position",
    ))
    .await?
    .iter()
    .map(|r| {
        Ok(StageInfo {
            id: r.get("id")?,
            pipeline: r.get("pipeline_id")?,
            pipeline_name: r.get("pipeline_name")?,
            name: r.get("name")?,
            position: r.get("position")?,
            outcome: r.parse("outcome")?,
            probability: r.get("probability")?,
        })
    })
    .collect()
}

/// The deals that may count in the window: created before its end, and open, closing in it or
/// after, or changed since its start.
async fn deals(
    conn: &mut Conn<'_>,
    facts: &Facts,
    window: &Window,
    owners: &str,
) -> Result<Vec<Deal>> {
    let first = window.first_day();
    let from = format!(
        "FROM deals d JOIN stages s ON s.id = d.stage_id \
         WHERE d.archived_at IS NULL AND {owners} AND d.created_at < $1 \
         AND (s.outcome = 'open' OR d.close_date >= $2 OR d.updated_at >= $3)"
    );
    let bind = |q: crate::db::Query| {
        q.bind(facts.instant(window.end()))
            .bind(first)
            .bind(facts.instant(first))
    };
    let history = history_by_deal(
        conn,
        bind(built_query(format!(
            "SELECT h.entity_id, h.field, h.old_value, h.new_value, h.changed_at \
             FROM field_history h WHERE h.entity = 'deal' \
             AND h.field IN ('stage_id', 'amount_minor', 'close_date') \
             AND h.entity_id IN (SELECT d.id {from}) ORDER BY h.entity_id, h.changed_at, h.id"
        ))),
    )
    .await?;
    let mut deals = Vec::new();
    conn.scan(
        bind(built_query(format!(
            "SELECT d.id, d.name, d.owner_id, d.stage_id, d.amount_minor, d.currency, \
             d.close_date, d.created_at, d.source, \
             (SELECT a.industry FROM accounts a WHERE a.id = d.account_id) AS industry \
             {from} ORDER BY d.id"
        ))),
        deal,
        |mut deal| {
            if let Some(rows) = history.get(&deal.id.0) {
                read_history(rows, &mut deal);
            }
            deals.push(deal);
            Ok(())
        },
    )
    .await?;
    Ok(deals)
}

/// A deal as it stands, without its history.
fn deal(r: &Row) -> Result<Deal> {
    Ok(Deal {
        id: r.get("id")?,
        name: r.get("name")?,
        owner: r.get("owner_id")?,
        stage: r.get("stage_id")?,
        amount_minor: r.get("amount_minor")?,
        currency: r.parse("currency")?,
        close_date: r.get("close_date")?,
        created_at: r.get("created_at")?,
        source: r.get("source")?,
        industry: r.get("industry")?,
        stages: Changes::default(),
        amounts: Changes::default(),
        close_dates: Changes::default(),
    })
}

/// The deal's history rows as typed changes.
fn read_history(rows: &[HistoryRow], deal: &mut Deal) {
    deal.stages = changes(rows, "stage_id", |t| {
        t.parse().ok().map(baton_model::StageId)
    });
    deal.amounts = changes(rows, "amount_minor", |t| t.parse().ok());
    deal.close_dates = changes(rows, "close_date", |t| t.parse().ok());
}

/// One change of a deal's field, as `field_history` keeps it.
pub(crate) struct HistoryRow {
    field: String,
    old: Option<String>,
    new: Option<String>,
    at: DateTime<Utc>,
}

/// The history rows `q` selects (`entity_id, field, old_value, new_value, changed_at`, in time
/// order per deal), grouped by deal as they stream in.
pub(crate) async fn history_by_deal(
    conn: &mut Conn<'_>,
    q: crate::db::Query,
) -> Result<HashMap<i64, Vec<HistoryRow>>> {
    let mut history: HashMap<i64, Vec<HistoryRow>> = HashMap::new();
    conn.scan(
        q,
        |r| {
            let row = HistoryRow {
                field: r.get("field")?,
                old: r.get("old_value")?,
                new: r.get("new_value")?,
                at: r.get("changed_at")?,
            };
            Ok((r.get::<i64>("entity_id")?, row))
        },
        |(deal, row)| {
            history.entry(deal).or_default().push(row);
            Ok(())
        },
    )
    .await?;
    Ok(history)
}

/// One field's changes among a deal's history rows; a value that does not parse reads as empty.
pub(crate) fn changes<T: Clone>(
    rows: &[HistoryRow],
    field: &str,
    value: impl Fn(&str) -> Option<T>,
) -> Changes<Option<T>> {
    Changes::new(
        rows.iter()
            .filter(|r| r.field == field)
            .map(|r| Change {
                at: r.at,
                old: r.old.as_deref().and_then(&value),
                new: r.new.as_deref().and_then(&value),
            })
            .collect(),
    )
}

async fn quotas(
    conn: &mut Conn<'_>,
    scope: &Scope,
    owners: &Owners,
    window: &Window,
    fiscal_start_month: u32,
) -> Result<Vec<Quota>> {
    conn.fetch_all(
        built_query(format!(
            "SELECT q.user_id, q.period_kind, q.start_date, q.amount_minor, q.currency \
             FROM quotas q WHERE q.user_id IS NOT NULL AND {} AND {} \
             AND q.end_date > $1 AND q.start_date < $2",
            scope.reaches_owner(Entity::Quota, "q.user_id"),
            owners.filter("q.user_id")
        ))
        .bind(window.first_day())
        .bind(window.end()),
    )
    .await?
    .iter()
    .map(|r| quota(r, fiscal_start_month))
    .collect()
}

/// A quota row (`user_id, period_kind, start_date, amount_minor, currency`) as the engines read it.
pub(crate) fn quota(r: &Row, fiscal_start_month: u32) -> Result<Quota> {
    let start: NaiveDate = r.get("start_date")?;
    Ok(Quota {
        user: r.get("user_id")?,
        period: Period::containing(start, r.parse("period_kind")?, fiscal_start_month),
        amount_minor: r.get("amount_minor")?,
        currency: r.parse("currency")?,
    })
}

/// The report's rows: the active reps the actor reaches (in the team, if one is picked) and
/// anyone else owning one of the deals or quotas, by name.
async fn people(
    conn: &mut Conn<'_>,
    scope: &Scope,
    owners: &Owners,
    facts: &Facts,
) -> Result<Vec<Person>> {
    let involved: HashSet<UserId> = facts
        .deals
        .iter()
        .map(|d| d.owner)
        .chain(facts.quotas.iter().map(|q| q.user))
        .collect();
    let rows = conn
        .fetch_all(built_query(format!(
            "SELECT u.id, u.name, u.role, u.active, (SELECT t.name FROM team_members tm \
             JOIN teams t ON t.id = tm.team_id WHERE tm.user_id = u.id ORDER BY t.id LIMIT 1) \
             AS team FROM users u WHERE {} AND {} ORDER BY lower(u.name), u.id",
            scope.reaches_owner(Entity::Deal, "u.id"),
            owners.filter("u.id")
        )))
        .await?;
    let mut people = Vec::new();
    for r in &rows {
        let id: UserId = r.get("id")?;
        let rep = r.parse::<Role>("role")? == Role::Rep && r.get::<bool>("active")?;
        if rep || involved.contains(&id) {
            people.push(Person {
                id,
                name: r.get("name")?,
                team: r.get("team")?,
            });
        }
    }
    Ok(people)
}

/// Every inbound email received since `first` with its answer, if any: the emails from then
/// until now, paired by [`baton_reports::replies`].
async fn replies(
    conn: &mut Conn<'_>,
    facts: &Facts,
    first: NaiveDate,
    owners: &str,
) -> Result<Vec<Reply>> {
    let mut emails = Vec::new();
    conn.scan(
        built_query(format!(
            "SELECT x.owner_id, x.thread_id, x.direction, x.occurred_at FROM activities x \
             WHERE x.archived_at IS NULL AND {owners} AND x.kind = 'email' \
             AND x.occurred_at >= $1 AND x.occurred_at < $2 \
             AND (x.direction = 'inbound' OR x.thread_id IS NOT NULL)"
        ))
        .bind(facts.instant(first))
        .bind(facts.now),
        |r| {
            Ok(Email {
                owner: r.get("owner_id")?,
                thread: r.get("thread_id")?,
                inbound: r.get::<Option<String>>("direction")?.as_deref() == Some("inbound"),
                at: r.get("occurred_at")?,
            })
        },
        |email| {
            emails.push(email);
            Ok(())
        },
    )
    .await?;
    Ok(baton_reports::replies(emails))
}

/// The instants a period's activity is counted between: its start, and the earlier of its end
/// and now.
fn bounds(facts: &Facts, period: Period) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        facts.instant(period.start()),
        facts.instant(period.end()).min(facts.now),
    )
}

/// Each period's activity counts (the caller adds its replies), in one pass over the window's
/// activities.
async fn activities(
    conn: &mut Conn<'_>,
    facts: &Facts,
    window: &Window,
    owners: &str,
) -> Result<[Activity; 3]> {
    let bounds = window.periods.map(|p| bounds(facts, p));
    let which = |column: &str| {
        format!(
            "CAST(CASE WHEN {column} >= $1 AND {column} < $2 THEN 0 \
             WHEN {column} >= $3 AND {column} < $4 THEN 1 \
             WHEN {column} >= $5 AND {column} < $6 THEN 2 END AS BIGINT)"
        )
    };
    let mut query = built_query(format!(
        "SELECT p, owner_id, kind, direction, COUNT(*) AS n FROM (\
         SELECT {occurred} AS p, x.owner_id, x.kind, x.direction FROM activities x \
         WHERE x.archived_at IS NULL AND {owners} AND x.kind <> 'task' \
         AND x.occurred_at >= $5 AND x.occurred_at < $2 \
         AND (x.meeting_status IS NULL \
              OR x.meeting_status NOT IN ('canceled', 'declined', 'no_show')) \
         UNION ALL SELECT {completed} AS p, x.owner_id, 'task', NULL FROM activities x \
         WHERE x.archived_at IS NULL AND {owners} AND x.kind = 'task' \
         AND x.completed_at >= $5 AND x.completed_at < $2) AS counted \
         WHERE p IS NOT NULL GROUP BY p, owner_id, kind, direction",
        occurred = which("x.occurred_at"),
        completed = which("x.completed_at"),
    ));
    for (from, to) in bounds {
        query = query.bind(from).bind(to);
    }
    let mut activity: [Activity; 3] = Default::default();
    for r in conn.fetch_all(query).await? {
        let direction: Option<String> = r.get("direction")?;
        let kind = match (r.get::<String>("kind")?.as_str(), direction.as_deref()) {
            ("call", _) => ActivityKind::Call,
            ("email", Some("inbound")) => ActivityKind::EmailReceived,
            ("email", _) => ActivityKind::EmailSent,
            ("meeting", _) => ActivityKind::Meeting,
            ("note", _) => ActivityKind::Note,
            _ => ActivityKind::TaskDone,
        };
        let p: i64 = r.get("p")?;
        if let Some(a) = usize::try_from(p).ok().and_then(|p| activity.get_mut(p)) {
            a.counts.push(ActivityCount {
                owner: r.get("owner_id")?,
                kind,
                count: r.get("n")?,
            });
        }
    }
    Ok(activity)
}
