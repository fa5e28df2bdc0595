//! Findings kept: each run of the engine updates the live finding of a kind about a record
//! (or raises a new one), and closes those no longer raised, so the team sees what was raised
//! when. People acknowledge, snooze, resolve with a note, or assign a follow-up task; each of
//! those is audit-logged. Who sees a finding is the visibility of its record, in the query:
//! a deal's or an account's findings go with the record; findings about a rep go to the
//! coordinators, admins and the managers above the rep, never to a rep.

use crate::audit::write_audit;
use crate::bulk::{insert_rows, rows_per_statement, values_list};
use crate::db::{Arg, Conn, Row, built_query, id_list, query};
use crate::visibility::{Entity, Scope};
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::activity::ActivityKind;
use baton_model::records::ActivityInput;
use baton_model::{AccountId, DealId, FieldErrors, Role, UserId};
use baton_signals::{
    Finding, Forecast, ForecastRow, ForecastScope, Learned, SubjectKind, Timeline, WinProbability,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// What became of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    Open,
    Acknowledged,
    Snoozed,
    Resolved,
    /// No longer raised by the engine.
    Cleared,
}

impl FindingStatus {
    fn as_str(self) -> &'static str {
        match self {
            FindingStatus::Open => "open",
            FindingStatus::Acknowledged => "acknowledged",
            FindingStatus::Snoozed => "snoozed",
            FindingStatus::Resolved => "resolved",
            FindingStatus::Cleared => "cleared",
        }
    }

    fn parse(text: &str) -> Result<Self> {
        Ok(match text {
            "open" => FindingStatus::Open,
            "acknowledged" => FindingStatus::Acknowledged,
            "snoozed" => FindingStatus::Snoozed,
            "resolved" => FindingStatus::Resolved,
            "cleared" => FindingStatus::Cleared,
            other => return Err(StoreError::Corrupt(format!("finding status {other:?}"))),
        })
    }
}

/// A finding as kept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredFinding {
    pub id: i64,
    pub kind: String,
    pub subject_type: String,
    pub subject_id: i64,
    pub subject_name: String,
    pub owner_id: UserId,
    pub severity: String,
    pub score: i64,
    pub since: Option<NaiveDate>,
    pub summary: String,
    pub evidence: Value,
    pub status: FindingStatus,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub note: Option<String>,
    pub follow_up_task_id: Option<i64>,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
}

/// Which findings to list.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    /// Also closed ones (resolved, or no longer raised).
    pub include_closed: bool,
    /// Only those about this record (`("deal", 12)`).
    pub subject: Option<(String, i64)>,
    /// At most this many, highest score first.
    pub limit: Option<i64>,
}

/// What a refresh did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RefreshSummary {
    pub raised: usize,
    pub updated: usize,
    pub cleared: usize,
    pub probabilities: usize,
}

/// A deal's chance of being won, as last computed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WinOdds {
    /// Percent, to one decimal.
    pub percent: f64,
    pub method: String,
    pub factors: Value,
    pub computed_at: DateTime<Utc>,
}

/// How long a resolved finding keeps the same kind of finding about the same record quiet.
const RESOLVED_QUIET_DAYS: i64 = 30;

const COLUMNS: &str = "f.id, f.kind, f.subject_type, f.subject_id, f.subject_name, f.owner_id, \
    f.severity, f.score, f.since, f.summary, f.evidence, f.status, f.snoozed_until, f.note, \
    f.follow_up_task_id, f.first_seen_at, f.last_seen_at, f.closed_at, f.version";

fn from_row(r: &Row) -> Result<StoredFinding> {
    Ok(StoredFinding {
        id: r.get("id")?,
        kind: r.get("kind")?,
        subject_type: r.get("subject_type")?,
        subject_id: r.get("subject_id")?,
        subject_name: r.get("subject_name")?,
        owner_id: r.get("owner_id")?,
        severity: r.get("severity")?,
        score: r.get("score")?,
        since: r.get("since")?,
        summary: r.get("summary")?,
        evidence: r.json("evidence")?,
        status: FindingStatus::parse(&r.get::<String>("status")?)?,
        snoozed_until: r.get("snoozed_until")?,
        note: r.get("note")?,
        follow_up_task_id: r.get("follow_up_task_id")?,
        first_seen_at: r.get("first_seen_at")?,
        last_seen_at: r.get("last_seen_at")?,
        closed_at: r.get("closed_at")?,
        version: r.get("version")?,
    })
}

/// The predicate on findings (alias `f`) the actor may see.
fn visible(scope: &Scope) -> String {
    let deals = scope.deal_visible_by_id("f.subject_id");
    let accounts = scope.account_visible_by_id("f.subject_id");
    let people = match scope.actor.role {
        Role::Admin | Role::Coordinator => "TRUE".to_owned(),
        Role::Manager => format!(
            "f.subject_id <> {} AND {}",
            scope.actor.user_id.0,
            scope.reaches_owner(Entity::Deal, "f.subject_id")
        ),
        Role::Rep | Role::Finance => "FALSE".to_owned(),
    };
    format!(
        "((f.subject_type = 'deal' AND {deals}) OR (f.subject_type = 'account' AND {accounts}) \
         OR (f.subject_type = 'user' AND {people}))"
    )
}

impl Store {
    /// Runs the signals engine over the whole organisation as of now and keeps what it says:
    /// findings raised, updated or cleared, every open deal's win probability, the forecast,
    /// and what the run learned (to judge a changed deal again alone until the next run).
    pub async fn refresh_signals(&self) -> Result<RefreshSummary> {
        let started = std::time::Instant::now();
        let input = self.signal_input().await?;
        let read = started.elapsed();
        let at = now();
        let (timeline, report) = tokio::task::spawn_blocking(move || {
            let timeline = Timeline::new(input);
            let report = baton_signals::evaluate(&timeline, at);
            (timeline, report)
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("signals: {e}")))?;
        let judged = started.elapsed();
        let mut tx = self.begin().await?;
        let conn = &mut tx.conn();
        let summary = keep(
            conn,
            &timeline,
            &report.findings,
            &report.probabilities,
            None,
            at,
        )
        .await?;
        conn.execute(query("DELETE FROM signal_runs")).await?;
        conn.execute(
            query(
                "INSERT INTO signal_runs (as_of, finished_at, findings, model, forecast, learned) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(at)
            .bind(now())
            .bind(i64::try_from(report.findings.len()).unwrap_or(i64::MAX))
            .bind(serde_json::to_value(report.model).unwrap_or(Value::Null))
            .bind(serde_json::to_value(&report.forecast).unwrap_or(Value::Null))
            .bind(serde_json::to_value(&report.learned).unwrap_or(Value::Null)),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            read_ms = read.as_millis(),
            judged_ms = judged.saturating_sub(read).as_millis(),
            kept_ms = started.elapsed().saturating_sub(judged).as_millis(),
            deals = timeline.input.deals.len(),
            activities = timeline.input.activities.len(),
            raised = summary.raised,
            updated = summary.updated,
            cleared = summary.cleared,
            probabilities = summary.probabilities,
            "signals refreshed"
        );
        Ok(summary)
    }

    /// Judges one deal again, alone, as of now, with what the latest run learned: its warnings
    /// raised, updated or cleared and its win probability rewritten (both gone when the deal
    /// is closed or archived). `None` before the first run.
    pub async fn refresh_deal_signals(&self, deal: DealId) -> Result<Option<RefreshSummary>> {
        match self.latest_learning().await? {
            Some(learned) => self.judge_deal(&learned, deal).await.map(Some),
            None => Ok(None),
        }
    }

    /// Judges again each deal changed (or whose activities changed) since audit-log entry
    /// `after`, as [`Store::refresh_deal_signals`] does; returns the last entry read, from
    /// which to go on. Nothing to do before the first run.
    pub async fn refresh_changed_deal_signals(&self, after: i64) -> Result<(i64, usize)> {
        let rows = self
            .reader()
            .fetch_all(
                query(
                    "SELECT a.id, CASE WHEN a.entity = 'deal' THEN a.entity_id \
                     ELSE (SELECT x.deal_id FROM activities x WHERE x.id = a.entity_id) END \
                     AS deal_id FROM audit_log a \
                     WHERE a.id > $1 AND a.entity IN ('deal', 'activity') ORDER BY a.id LIMIT 1000",
                )
                .bind(after),
            )
            .await?;
        let mut last = after;
        let mut deals = std::collections::BTreeSet::new();
        for r in &rows {
            last = r.get("id")?;
            if let Some(deal) = r.get::<Option<i64>>("deal_id")? {
                deals.insert(DealId(deal));
            }
        }
        if deals.is_empty() {
            return Ok((last, 0));
        }
        let Some(learned) = self.latest_learning().await? else {
            return Ok((last, 0));
        };
        for &deal in &deals {
            self.judge_deal(&learned, deal).await?;
        }
        Ok((last, deals.len()))
    }

    /// What the latest whole refresh learned, if one has run.
    async fn latest_learning(&self) -> Result<Option<Learned>> {
        let row = self
            .reader()
            .fetch_optional(query(
                "SELECT learned FROM signal_runs WHERE learned IS NOT NULL ORDER BY id DESC LIMIT 1",
            ))
            .await?;
        row.map(|r| {
            serde_json::from_value(r.json("learned")?)
                .map_err(|e| StoreError::Corrupt(format!("signal_runs.learned: {e}")))
        })
        .transpose()
    }

    /// Judges `deal` alone with `learned` as of now and keeps what it says, in one transaction.
    async fn judge_deal(&self, learned: &Learned, deal: DealId) -> Result<RefreshSummary> {
        let timeline = Timeline::new(self.deal_signal_input(deal).await?);
        let at = now();
        let report = baton_signals::evaluate_deal(&timeline, learned, deal, at);
        let mut tx = self.begin().await?;
        let summary = keep(
            &mut tx.conn(),
            &timeline,
            &report.findings,
            report.probability.as_slice(),
            Some(deal),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// When the latest whole refresh finished (on any server), if one has.
    pub async fn last_signal_run(&self) -> Result<Option<DateTime<Utc>>> {
        self.reader()
            .fetch_optional(query(
                "SELECT finished_at FROM signal_runs ORDER BY id DESC LIMIT 1",
            ))
            .await?
            .map(|r| r.get("finished_at"))
            .transpose()
    }

    /// The latest audit-log entry: where to start watching for changed deals.
    pub async fn last_audit_entry(&self) -> Result<i64> {
        self.reader()
            .fetch_one(query("SELECT COALESCE(MAX(id), 0) AS id FROM audit_log"))
            .await?
            .get("id")
    }

    /// The findings the actor may see, highest score first: the open ones (a snoozed one
    /// shows again when its snooze ends), or with `include_closed` every one.
    pub async fn signal_findings(
        &self,
        actor: &Actor,
        filter: &FindingFilter,
    ) -> Result<Vec<StoredFinding>> {
        let conn = &mut self.reader();
        let scope = Scope::of(conn, actor).await?;
        let (subject_type, subject_id) = filter.subject.clone().unzip();
        conn.fetch_all(
            built_query(format!(
                "SELECT {COLUMNS} FROM signal_findings f WHERE {} \
                 AND ($1 OR (f.closed_at IS NULL AND (f.status <> 'snoozed' OR f.snoozed_until <= $5))) \
                 AND ($2 IS NULL OR (f.subject_type = $2 AND f.subject_id = $3)) \
                 ORDER BY f.closed_at IS NOT NULL, f.score DESC, f.id LIMIT $4",
                visible(&scope)
            ))
            .bind(filter.include_closed)
            .bind(subject_type)
            .bind(subject_id)
            .bind(filter.limit.unwrap_or(500))
            .bind(now()),
        )
        .await?
        .iter()
        .map(from_row)
        .collect()
    }

    /// One finding the actor may see.
    pub async fn signal_finding(&self, actor: &Actor, id: i64) -> Result<StoredFinding> {
        load(&mut self.reader(), actor, id).await
    }

    /// Acknowledges, snoozes (until `until`) or resolves (with `note`) a finding; audit-logged.
    pub async fn act_on_finding(
        &self,
        actor: &Actor,
        id: i64,
        status: FindingStatus,
        until: Option<DateTime<Utc>>,
        note: Option<&str>,
    ) -> Result<StoredFinding> {
        let at = now();
        match status {
            FindingStatus::Snoozed if until.is_none_or(|u| u <= at) => {
                return Err(StoreError::Invalid(FieldErrors::one(
                    "until",
                    "a snooze needs a time in the future",
                )));
            }
            FindingStatus::Open | FindingStatus::Cleared => {
                return Err(StoreError::Invalid(FieldErrors::one(
                    "status",
                    "a finding can be acknowledged, snoozed or resolved",
                )));
            }
            _ => {}
        }
        if self.signal_finding(actor, id).await?.closed_at.is_some() {
            return Err(StoreError::Invalid(FieldErrors::one(
                "status",
                "the finding is closed already",
            )));
        }
        let closed = (status == FindingStatus::Resolved).then_some(at);
        let snoozed_until = if status == FindingStatus::Snoozed {
            until
        } else {
            None
        };
        self.update_audited(
            actor,
            id,
            status.as_str(),
            query(
                "UPDATE signal_findings SET status = $2, snoozed_until = $3, \
                 note = COALESCE($4, note), closed_at = $5, version = version + 1, \
                 updated_at = $6 WHERE id = $1",
            )
            .bind(id)
            .bind(status.as_str())
            .bind(snoozed_until)
            .bind(note)
            .bind(closed)
            .bind(at),
        )
        .await
    }

    /// Assigns a follow-up task, due on `due`, to the owner of the finding's record, on the
    /// deal or account it is about (`subject` defaults to "Follow up: " and the summary), and
    /// links it from the finding; audit-logged.
    pub async fn assign_follow_up(
        &self,
        actor: &Actor,
        id: i64,
        due: NaiveDate,
        subject: Option<String>,
    ) -> Result<StoredFinding> {
        let finding = self.signal_finding(actor, id).await?;
        let on = |kind: &str| (finding.subject_type == kind).then_some(finding.subject_id);
        let task = ActivityInput {
            kind: Some(ActivityKind::Task),
            subject: Some(Some(
                subject.unwrap_or_else(|| format!("Follow up: {}", finding.summary)),
            )),
            owner_id: Some(finding.owner_id),
            deal_id: Some(on("deal").map(DealId)),
            account_id: Some(on("account").map(AccountId)),
            due_date: Some(Some(due)),
            ..ActivityInput::default()
        };
        let changes = task.validate(None).map_err(StoreError::Invalid)?;
        let task = self.create_activity(actor, changes).await?;
        self.update_audited(
            actor,
            id,
            "follow_up",
            query(
                "UPDATE signal_findings SET follow_up_task_id = $2, version = version + 1, \
                 updated_at = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(task.id.0)
            .bind(now()),
        )
        .await
    }

    /// Runs `update` on finding `id` (one the actor may see) and audit-logs it as `action`.
    async fn update_audited(
        &self,
        actor: &Actor,
        id: i64,
        action: &str,
        update: crate::db::Query,
    ) -> Result<StoredFinding> {
        let at = now();
        let mut tx = self.begin().await?;
        let conn = &mut tx.conn();
        let before = load(conn, actor, id).await?;
        conn.execute(update).await?;
        let after = load(conn, actor, id).await?;
        write_audit(
            conn,
            Some(actor.user_id),
            action,
            "signal_finding",
            id,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// A deal's win probability as last computed, if the actor may see the deal.
    pub async fn win_odds(&self, actor: &Actor, deal: DealId) -> Result<Option<WinOdds>> {
        let conn = &mut self.reader();
        let scope = Scope::of(conn, actor).await?;
        let row = conn
            .fetch_optional(
                built_query(format!(
                    "SELECT p.basis_points, p.method, p.factors, p.computed_at \
                     FROM deal_win_probabilities p WHERE p.deal_id = $1 AND {}",
                    scope.deal_visible_by_id("p.deal_id")
                ))
                .bind(deal),
            )
            .await?;
        row.map(|r| {
            Ok(WinOdds {
                percent: baton_reports::stats::float(r.get::<i64>("basis_points")?) / 100.0,
                method: r.get("method")?,
                factors: r.json("factors")?,
                computed_at: r.get("computed_at")?,
            })
        })
        .transpose()
    }

    /// The latest run's forecast, cut to what the actor may see: everything for those who
    /// read every deal; for a manager the rows of the reps in their scope and a total of them;
    /// for a rep their own row. `None` before the first run.
    pub async fn forecast_for(&self, actor: &Actor) -> Result<Option<Forecast>> {
        let conn = &mut self.reader();
        let Some(row) = conn
            .fetch_optional(query(
                "SELECT forecast FROM signal_runs ORDER BY id DESC LIMIT 1",
            ))
            .await?
        else {
            return Ok(None);
        };
        let mut forecast: Forecast = serde_json::from_value(row.json("forecast")?)
            .map_err(|e| StoreError::Corrupt(format!("signal_runs.forecast: {e}")))?;
        let scope = Scope::of(conn, actor).await?;
        if scope.sees_all(Entity::Deal) {
            return Ok(Some(forecast));
        }
        let mut rows: Vec<ForecastRow> = forecast
            .rows
            .iter()
            .filter(
                |r| matches!(r.scope, ForecastScope::Rep { id, .. } if scope.contains(UserId(id))),
            )
            .cloned()
            .collect();
        if actor.role == Role::Manager {
            let quarters: std::collections::BTreeSet<String> =
                rows.iter().map(|r| r.quarter.clone()).collect();
            for quarter in quarters {
                let of: Vec<&ForecastRow> = rows.iter().filter(|r| r.quarter == quarter).collect();
                let sum = |f: fn(&ForecastRow) -> i64| of.iter().map(|r| f(r)).sum::<i64>();
                let total = ForecastRow {
                    scope: ForecastScope::Team {
                        name: "Your team".into(),
                    },
                    quarter: quarter.clone(),
                    won_minor: sum(|r| r.won_minor),
                    commit_minor: sum(|r| r.commit_minor),
                    best_case_minor: sum(|r| r.best_case_minor),
                    pipeline_minor: sum(|r| r.pipeline_minor),
                    weighted_minor: sum(|r| r.weighted_minor),
                    projection_minor: sum(|r| r.projection_minor),
                    // Summed ranges are wider than the team's own; enough for a glance.
                    low_minor: sum(|r| r.low_minor),
                    high_minor: sum(|r| r.high_minor),
                    quota_minor: of.iter().filter_map(|r| r.quota_minor).reduce(|a, b| a + b),
                };
                rows.push(total);
            }
        }
        forecast.rows = rows;
        Ok(Some(forecast))
    }
}

async fn load(conn: &mut Conn<'_>, actor: &Actor, id: i64) -> Result<StoredFinding> {
    let scope = Scope::of(conn, actor).await?;
    let row = conn
        .fetch_optional(
            built_query(format!(
                "SELECT {COLUMNS} FROM signal_findings f WHERE f.id = $1 AND {}",
                visible(&scope)
            ))
            .bind(id),
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

fn subject_type(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::Deal => "deal",
        SubjectKind::Account => "account",
        SubjectKind::User => "user",
    }
}

fn severity(f: &Finding) -> &'static str {
    match f.severity {
        baton_signals::Severity::Info => "info",
        baton_signals::Severity::Warning => "warning",
        baton_signals::Severity::Critical => "critical",
    }
}

fn method(m: baton_signals::Method) -> &'static str {
    match m {
        baton_signals::Method::Learned => "learned",
        baton_signals::Method::StageProbability => "stage_probability",
    }
}

fn evidence(f: &Finding) -> Value {
    Value::Object(
        f.evidence
            .iter()
            .map(|e| {
                (
                    e.name.to_owned(),
                    serde_json::to_value(&e.value).unwrap_or(Value::Null),
                )
            })
            .collect(),
    )
}

/// Keeps what a run said about everything, or (`only`) about one deal: live findings updated,
/// new ones raised, those no longer raised cleared, win probabilities rewritten.
async fn keep(
    conn: &mut Conn<'_>,
    timeline: &Timeline,
    findings: &[Finding],
    probabilities: &[WinProbability],
    only: Option<DealId>,
    at: DateTime<Utc>,
) -> Result<RefreshSummary> {
    let owners = owners(timeline, at);
    let about = only.map_or(String::new(), |d| {
        format!(" AND subject_type = 'deal' AND subject_id = {}", d.0)
    });
    let key_of = |r: &Row| -> Result<(String, String, i64)> {
        Ok((r.get("kind")?, r.get("subject_type")?, r.get("subject_id")?))
    };
    let live: HashMap<(String, String, i64), i64> = conn
        .fetch_all(built_query(format!(
            "SELECT id, kind, subject_type, subject_id FROM signal_findings \
             WHERE closed_at IS NULL{about}",
        )))
        .await?
        .iter()
        .map(|r| Ok((key_of(r)?, r.get("id")?)))
        .collect::<Result<_>>()?;
    // Someone resolved it: the same kind about the same record is not raised again for
    // [`RESOLVED_QUIET_DAYS`] days, even if the engine still sees it.
    let resolved: std::collections::HashSet<(String, String, i64)> = conn
        .fetch_all(
            built_query(format!(
                "SELECT kind, subject_type, subject_id FROM signal_findings \
                 WHERE status = 'resolved' AND closed_at > $1{about}",
            ))
            .bind(at - chrono::Duration::days(RESOLVED_QUIET_DAYS)),
        )
        .await?
        .iter()
        .map(key_of)
        .collect::<Result<_>>()?;
    let mut summary = RefreshSummary {
        raised: 0,
        updated: 0,
        cleared: 0,
        probabilities: probabilities.len(),
    };
    let mut seen = std::collections::HashSet::new();
    let (mut inserts, mut updates): (Vec<Vec<Arg>>, Vec<Vec<Arg>>) = (Vec::new(), Vec::new());
    for f in findings {
        let Some(&owner) = owners.get(&(f.subject.kind, f.subject.id)) else {
            continue;
        };
        let key = (
            f.kind.as_str().to_owned(),
            subject_type(f.subject.kind).to_owned(),
            f.subject.id,
        );
        if resolved.contains(&key) {
            continue;
        }
        let evidence = evidence(f);
        let values = [
            Arg::from(f.subject.name.as_str()),
            owner.into(),
            severity(f).into(),
            i64::from(f.score).into(),
            f.since.into(),
            f.summary.as_str().into(),
            evidence.into(),
            at.into(),
        ];
        if let Some(&id) = live.get(&key) {
            seen.insert(id);
            updates.push([id.into()].into_iter().chain(values).collect());
        } else {
            let first = [key.0.into(), key.1.into(), key.2.into()];
            let last = [at.into(), at.into(), at.into(), "open".into(), 1_i64.into()];
            inserts.push(first.into_iter().chain(values).chain(last).collect());
        }
    }
    summary.raised = inserts.len();
    summary.updated = updates.len();
    insert_rows(conn, "signal_findings", &FINDING_COLUMNS, inserts).await?;
    update_findings(conn, updates).await?;
    let cleared: Vec<i64> = live
        .values()
        .copied()
        .filter(|id| !seen.contains(id))
        .collect();
    summary.cleared = cleared.len();
    for chunk in cleared.chunks(10_000) {
        conn.execute(
            built_query(format!(
                "UPDATE signal_findings SET status = 'cleared', closed_at = $1, updated_at = $1 \
                 WHERE id IN {}",
                id_list(chunk.iter().copied())
            ))
            .bind(at),
        )
        .await?;
    }
    conn.execute(built_query(format!(
        "DELETE FROM deal_win_probabilities{}",
        only.map_or(String::new(), |d| format!(" WHERE deal_id = {}", d.0))
    )))
    .await?;
    let rows = probabilities
        .iter()
        .map(|p| {
            let factors = serde_json::to_value(&p.factors).unwrap_or(Value::Null);
            vec![
                p.deal.0.into(),
                baton_reports::stats::whole(p.probability * 10_000.0).into(),
                method(p.method).into(),
                factors.into(),
                at.into(),
            ]
        })
        .collect();
    insert_rows(
        conn,
        "deal_win_probabilities",
        &[
            "deal_id",
            "basis_points",
            "method",
            "factors",
            "computed_at",
        ],
        rows,
    )
    .await?;
    Ok(summary)
}

/// A new finding's columns: its key, then what each refresh rewrites ([`update_findings`],
/// ending with the instant it was seen), then its other timestamps, status and version.
const FINDING_COLUMNS: [&str; 16] = [
    "kind",
    "subject_type",
    "subject_id",
    "subject_name",
    "owner_id",
    "severity",
    "score",
    "since",
    "summary",
    "evidence",
    "first_seen_at",
    "last_seen_at",
    "created_at",
    "updated_at",
    "status",
    "version",
];

/// Rewrites findings seen again, many per statement: each row is the finding's id and then
/// what [`FINDING_COLUMNS`] lists after the key. A snoozed finding whose snooze has ended
/// opens again.
async fn update_findings(conn: &mut Conn<'_>, rows: Vec<Vec<Arg>>) -> Result<()> {
    const COLUMNS: usize = 9;
    let dialect = conn.dialect();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Arg>> = rows.by_ref().take(rows_per_statement(COLUMNS)).collect();
        let sql = format!(
            "UPDATE signal_findings SET subject_name = u.subject_name, owner_id = u.owner_id, \
             severity = u.severity, score = u.score, since = u.since, summary = u.summary, \
             evidence = u.evidence, last_seen_at = u.at, updated_at = u.at, \
             status = CASE WHEN status = 'snoozed' AND snoozed_until <= u.at THEN 'open' \
             ELSE status END \
             FROM (SELECT column1 AS id, column2 AS subject_name, column3 AS owner_id, \
             column4 AS severity, column5 AS score, column6 AS since, column7 AS summary, \
             column8 AS evidence, column9 AS at FROM (VALUES {}) AS v) AS u \
             WHERE signal_findings.id = u.id",
            values_list(dialect, COLUMNS, chunk.len())
        );
        conn.execute(built_query(sql).bind_all(chunk.into_iter().flatten()))
            .await?;
    }
    Ok(())
}

/// Whose each subject is as of `at`: a deal's owner then, an account's owner, the rep.
fn owners(timeline: &Timeline, at: DateTime<Utc>) -> HashMap<(SubjectKind, i64), UserId> {
    let mut owners = HashMap::new();
    for deal in &timeline.input.deals {
        let owner = timeline.deal_at(deal, at).map_or(deal.owner, |d| d.owner);
        owners.insert((SubjectKind::Deal, deal.id.0), owner);
    }
    for account in &timeline.input.accounts {
        owners.insert((SubjectKind::Account, account.id.0), account.owner);
    }
    for rep in &timeline.input.reps {
        owners.insert((SubjectKind::User, rep.id.0), rep.id);
    }
    owners
}
