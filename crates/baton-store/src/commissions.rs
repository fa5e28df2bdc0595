//! Commissions: plans as finance writes them, who is on which plan when, runs that book each
//! person's statement into the append-only ledger, approving and paying periods, statements
//! with every line's explanation, and what-if. The commission engine (`baton-comp`) does the
//! arithmetic; this module loads its inputs and keeps what it returns.
//!
//! Who sees what: everyone sees plans (their rules are no secret); a rep sees only their own
//! statement, a manager those of the people under them, finance and admins everyone's. Only
//! finance and admins save plans, assign them, run, approve and pay.

use crate::audit::write_audit;
use crate::db::{Conn, Row, built_query, query};
use crate::visibility::Scope;
use crate::{Actor, Result, Store, StoreError, now};
use baton_comp as engine;
use baton_comp::statement::{Active, RepPeriod, Statement};
use baton_comp::{Credit, EntryKind, LedgerEntry, PeriodStatus, Plan, Target};
use baton_model::records::{
    CompAssignment, CompLine, CompPeriodStatus, CompPlan, CompRun, CompStatement, Dispute,
    DisputeInput, DisputeMessage, DisputeReply, DisputeStatus, PlanComparison, WhatIf, WhatIfInput,
};
use baton_model::{Currency, DealId, FieldErrors, Money, Percent, Period, Role, UserId};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Finance's work: plans, assignments, runs, approval.
fn ensure_finance(actor: &Actor, what: &str) -> Result<()> {
    if matches!(actor.role, Role::Admin | Role::Finance) {
        Ok(())
    } else {
        Err(StoreError::Forbidden(format!(
            "only finance and admins can {what}"
        )))
    }
}

fn entry_kind(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Booking => "booking",
        EntryKind::Reversal => "reversal",
        EntryKind::Rebook => "rebook",
        EntryKind::Adjustment => "adjustment",
    }
}

fn parse_entry_kind(text: &str) -> Result<EntryKind> {
    Ok(match text {
        "booking" => EntryKind::Booking,
        "reversal" => EntryKind::Reversal,
        "rebook" => EntryKind::Rebook,
        "adjustment" => EntryKind::Adjustment,
        other => return Err(StoreError::Corrupt(format!("ledger entry kind {other}"))),
    })
}

/// A plan file's problems as field errors: each names its line, column and field.
fn plan_errors(errors: &engine::PlanErrors) -> StoreError {
    StoreError::Invalid(FieldErrors(
        errors
            .0
            .iter()
            .map(|e| baton_model::FieldError {
                field: "source".into(),
                message: e.to_string(),
            })
            .collect(),
    ))
}

fn plan_record(plan: &Plan, source: String, created_at: chrono::DateTime<chrono::Utc>) -> CompPlan {
    CompPlan {
        plan_id: plan.id.clone(),
        version: i64::from(plan.version),
        name: plan.name.clone(),
        currency: plan.currency,
        quota_period: plan.quota_period,
        effective_from: plan.effective_from,
        effective_to: plan.effective_to,
        source,
        created_at,
    }
}

/// Everything a period's statements are computed from.
struct Inputs {
    period: Period,
    plans: Vec<Plan>,
    /// Each person's assignments overlapping the period.
    assignments: BTreeMap<UserId, Vec<CompAssignment>>,
    /// Each person's credits for deals won in the period.
    credits: HashMap<UserId, Vec<Credit>>,
    /// Quotas per (person, period kind).
    quotas: HashMap<(UserId, baton_model::PeriodKind), Money>,
    deal_names: HashMap<DealId, String>,
    user_names: HashMap<UserId, String>,
}

impl Inputs {
    /// The person's statement for the period, or `None` when they are on no plan in it.
    fn statement(&self, user: UserId, extra: &[Credit]) -> Result<Option<Statement>> {
        self.statement_under(user, extra, None)
    }

    /// The person's statement under `draft` instead of the plan they are on, when given.
    fn statement_under(
        &self,
        user: UserId,
        extra: &[Credit],
        draft: Option<&Plan>,
    ) -> Result<Option<Statement>> {
        let Some(assignment) = self.assignments.get(&user).and_then(|a| a.last()) else {
            return Ok(None);
        };
        let from = assignment.from.max(self.period.start());
        let to = assignment
            .to
            .map_or(self.period.last_day(), |t| t.min(self.period.last_day()));
        let in_force = || {
            engine::plan::version_on(&self.plans, &assignment.plan_id, from).ok_or_else(|| {
                StoreError::Conflict(format!(
                    "{} is on plan {}, which has no version in effect on {from}",
                    self.name(user),
                    assignment.plan_id
                ))
            })
        };
        let plan = match draft {
            Some(draft) => draft,
            None => in_force()?,
        };
        let active = (from > self.period.start() || to < self.period.last_day())
            .then_some(Active { from, to });
        let mut credits = self.credits.get(&user).cloned().unwrap_or_default();
        credits.extend(extra.iter().filter(|c| c.rep == user).cloned());
        let quota = self
            .quotas
            .get(&(user, plan.quota_period))
            .copied()
            .unwrap_or(Money {
                minor: 0,
                currency: plan.currency,
            });
        engine::compute(
            plan,
            &RepPeriod {
                rep: user,
                period: self.period,
                quota,
                active,
                credits: &credits,
                clawbacks: &[],
                draw_owed: 0,
            },
        )
        .map(Some)
        .map_err(|e| StoreError::Conflict(format!("{}'s commission: {e}", self.name(user))))
    }

    fn name(&self, user: UserId) -> String {
        self.user_names
            .get(&user)
            .cloned()
            .unwrap_or_else(|| format!("user {user}"))
    }

    fn lines(&self, statement: &Statement) -> Vec<CompLine> {
        statement
            .lines
            .iter()
            .map(|line| CompLine {
                key: line.key().to_string(),
                component: line.component_id().to_owned(),
                kind: line.kind.name().to_owned(),
                deal_id: line.deal(),
                deal_name: line.deal().and_then(|d| self.deal_names.get(&d).cloned()),
                date: line.date,
                amount_minor: line.amount,
                explain: line.explain(),
            })
            .collect()
    }
}

/// The period named `text` in the organisation's fiscal calendar.
async fn period_named(conn: &mut Conn<'_>, text: &str) -> Result<Period> {
    let fiscal = crate::org::load_org(conn).await?.fiscal_year_start_month;
    Period::parse(text, fiscal).map_err(|e| StoreError::field("period", e.to_string()))
}

async fn load_plans(
    conn: &mut Conn<'_>,
) -> Result<Vec<(Plan, String, chrono::DateTime<chrono::Utc>)>> {
    conn.fetch_all(query(
        "SELECT source, created_at FROM comp_plans ORDER BY plan_key, version",
    ))
    .await?
    .iter()
    .map(|r| {
        let source: String = r.get("source")?;
        let plan = Plan::from_toml(&source)
            .map_err(|e| StoreError::Corrupt(format!("a stored plan no longer loads: {e}")))?;
        Ok((plan, source, r.get("created_at")?))
    })
    .collect()
}

/// Loads what a period's statements need: every plan, the assignments, the won deals of the
/// period credited (with roll-up to managers), quotas and names.
async fn load_inputs(conn: &mut Conn<'_>, period: Period) -> Result<Inputs> {
    let plans = load_plans(conn)
        .await?
        .into_iter()
        .map(|(p, ..)| p)
        .collect();
    let mut assignments: BTreeMap<UserId, Vec<CompAssignment>> = BTreeMap::new();
    for r in conn
        .fetch_all(
            query(
                "SELECT user_id, plan_key, from_date, to_date FROM comp_assignments \
                 WHERE from_date <= $1 AND (to_date IS NULL OR to_date >= $2) \
                 ORDER BY user_id, from_date, id",
            )
            .bind(period.last_day())
            .bind(period.start()),
        )
        .await?
    {
        let user: UserId = r.get("user_id")?;
        assignments.entry(user).or_default().push(CompAssignment {
            user_id: user,
            plan_id: r.get("plan_key")?,
            from: r.get("from_date")?,
            to: r.get("to_date")?,
        });
    }
    let mut hierarchy = engine::Hierarchy::new();
    for r in conn
        .fetch_all(query(
            "SELECT m.user_id, t.manager_id FROM team_members m JOIN teams t ON t.id = m.team_id \
             WHERE t.manager_id IS NOT NULL AND t.manager_id <> m.user_id ORDER BY t.id",
        ))
        .await?
    {
        hierarchy.set_manager(r.get("user_id")?, r.get("manager_id")?);
    }
    let mut splits: HashMap<DealId, Vec<engine::Split>> = HashMap::new();
    for r in conn
        .fetch_all(
            query(
                "SELECT s.deal_id, s.user_id, s.kind, s.percent_bp FROM deal_splits s \
                 JOIN deals d ON d.id = s.deal_id JOIN stages st ON st.id = d.stage_id \
                 WHERE st.outcome = 'won' AND d.close_date >= $1 AND d.close_date < $2",
            )
            .bind(period.start())
            .bind(period.end()),
        )
        .await?
    {
        splits
            .entry(r.get("deal_id")?)
            .or_default()
            .push(split_from_row(&r)?);
    }
    let mut credits: HashMap<UserId, Vec<Credit>> = HashMap::new();
    let mut deal_names = HashMap::new();
    for r in conn
        .fetch_all(
            query(
                "SELECT d.id, d.name, d.owner_id, d.amount_minor, d.currency, d.close_date, \
                 d.source, d.custom_fields FROM deals d JOIN stages st ON st.id = d.stage_id \
                 WHERE st.outcome = 'won' AND d.archived_at IS NULL \
                 AND d.close_date >= $1 AND d.close_date < $2 ORDER BY d.id",
            )
            .bind(period.start())
            .bind(period.end()),
        )
        .await?
    {
        let id: DealId = r.get("id")?;
        deal_names.insert(id, r.get::<String>("name")?);
        let deal = deal_from_row(
            &r,
            r.get("close_date")?,
            splits.remove(&id).unwrap_or_default(),
        )?;
        for credit in engine::credit::credit_deal(&deal, &hierarchy)
            .map_err(|e| StoreError::Conflict(e.to_string()))?
        {
            credits.entry(credit.rep).or_default().push(credit);
        }
    }
    let mut quotas = HashMap::new();
    for r in conn
        .fetch_all(
            query(
                "SELECT user_id, period_kind, amount_minor, currency FROM quotas \
                 WHERE user_id IS NOT NULL AND start_date <= $1 AND end_date > $1",
            )
            .bind(period.start()),
        )
        .await?
    {
        quotas.insert(
            (r.get("user_id")?, r.parse("period_kind")?),
            Money {
                minor: r.get("amount_minor")?,
                currency: r.parse("currency")?,
            },
        );
    }
    let user_names = conn
        .fetch_all(query("SELECT id, name FROM users"))
        .await?
        .iter()
        .map(|r| Ok((r.get("id")?, r.get("name")?)))
        .collect::<Result<_>>()?;
    Ok(Inputs {
        period,
        plans,
        assignments,
        credits,
        quotas,
        deal_names,
        user_names,
    })
}

fn split_from_row(r: &Row) -> Result<engine::Split> {
    let kind: String = r.get("kind")?;
    Ok(engine::Split {
        rep: r.get("user_id")?,
        kind: if kind == "overlay" {
            engine::SplitKind::Overlay
        } else {
            engine::SplitKind::Revenue
        },
        percent: Percent::from_basis_points(r.get("percent_bp")?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
    })
}

/// A won deal as the engine reads it: its source and custom fields are attributes that plan
/// conditions (a SPIF on `product = Platform`) can test.
fn deal_from_row(
    r: &Row,
    close_date: NaiveDate,
    splits: Vec<engine::Split>,
) -> Result<engine::Deal> {
    let mut attributes = engine::Attributes::new();
    if let Some(source) = r.get::<Option<String>>("source")? {
        attributes.insert("source".into(), source);
    }
    for (name, value) in r.json_object("custom_fields")? {
        let text = match value {
            serde_json::Value::String(s) => s,
            serde_json::Value::Null => continue,
            other => other.to_string(),
        };
        attributes.insert(name, text);
    }
    Ok(engine::Deal {
        id: r.get("id")?,
        owner: r.get("owner_id")?,
        amount: Money {
            minor: r.get::<Option<i64>>("amount_minor")?.unwrap_or(0),
            currency: r.parse("currency")?,
        },
        close_date,
        payment_date: None,
        splits,
        attributes: (!attributes.is_empty()).then(|| Arc::new(attributes)),
    })
}

/// The status of every period finance has frozen.
async fn frozen_periods(conn: &mut Conn<'_>) -> Result<HashMap<String, CompPeriodStatus>> {
    conn.fetch_all(query("SELECT period, status FROM comp_periods"))
        .await?
        .iter()
        .map(|r| {
            let status: String = r.get("status")?;
            Ok((
                r.get("period")?,
                if status == "paid" {
                    CompPeriodStatus::Paid
                } else {
                    CompPeriodStatus::Approved
                },
            ))
        })
        .collect()
}

fn status_of(frozen: &HashMap<String, CompPeriodStatus>, period: Period) -> CompPeriodStatus {
    frozen
        .get(&period.to_string())
        .copied()
        .unwrap_or(CompPeriodStatus::Open)
}

impl Store {
    /// Saves a plan version from its TOML text (finance and admins). A plan that does not load
    /// is refused with every problem, each naming its line, column and field; a version that
    /// exists already is a conflict (issue a new version instead).
    pub async fn save_comp_plan(&self, actor: &Actor, source: &str) -> Result<CompPlan> {
        ensure_finance(actor, "save commission plans")?;
        let plan = Plan::from_toml(source).map_err(|e| plan_errors(&e))?;
        // Runs compute one period at a time: a draw balance and refunds are not carried from
        // one period to the next yet, so such a plan would pay wrongly rather than fail.
        if plan.draw.is_some() || plan.clawback_days.is_some() {
            return Err(StoreError::field(
                "source",
                "runs do not carry draw balances or clawbacks between periods yet; save the \
                 plan without [draw] and [clawback] (`baton comp simulate` computes them for \
                 one period)",
            ));
        }
        let mut tx = self.begin().await?;
        let taken = tx
            .conn()
            .fetch_optional(
                query("SELECT id FROM comp_plans WHERE plan_key = $1 AND version = $2")
                    .bind(plan.id.as_str())
                    .bind(i64::from(plan.version)),
            )
            .await?
            .is_some();
        if taken {
            return Err(StoreError::Conflict(format!(
                "plan {} version {} exists; save the change as version {}",
                plan.id,
                plan.version,
                plan.version + 1
            )));
        }
        let at = now();
        let id: i64 = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO comp_plans (plan_key, version, name, source, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(plan.id.as_str())
                .bind(i64::from(plan.version))
                .bind(plan.name.as_str())
                .bind(source)
                .bind(actor.user_id)
                .bind(at),
            )
            .await?
            .get("id")?;
        let record = plan_record(&plan, source.to_owned(), at);
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "comp_plan",
            id,
            None,
            Some(&record),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Every plan version, by plan and version.
    pub async fn comp_plans(&self, _actor: &Actor) -> Result<Vec<CompPlan>> {
        Ok(load_plans(&mut self.reader())
            .await?
            .into_iter()
            .map(|(plan, source, at)| plan_record(&plan, source, at))
            .collect())
    }

    /// Puts a person on a plan from a day (finance and admins); the plan must exist.
    pub async fn assign_comp_plan(
        &self,
        actor: &Actor,
        assignment: CompAssignment,
    ) -> Result<CompAssignment> {
        ensure_finance(actor, "assign commission plans")?;
        if assignment.to.is_some_and(|to| to < assignment.from) {
            return Err(StoreError::field("to", "must not be before from"));
        }
        let mut tx = self.begin().await?;
        if !crate::refs::user_exists(&mut tx.conn(), assignment.user_id).await? {
            return Err(StoreError::field("user_id", "no such user"));
        }
        let exists = tx
            .conn()
            .fetch_optional(
                query("SELECT id FROM comp_plans WHERE plan_key = $1")
                    .bind(assignment.plan_id.as_str()),
            )
            .await?
            .is_some();
        if !exists {
            return Err(StoreError::field(
                "plan_id",
                format!("no plan {:?}", assignment.plan_id),
            ));
        }
        let at = now();
        let id: i64 = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO comp_assignments (user_id, plan_key, from_date, to_date, \
                     created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(assignment.user_id)
                .bind(assignment.plan_id.as_str())
                .bind(assignment.from)
                .bind(assignment.to)
                .bind(actor.user_id)
                .bind(at),
            )
            .await?
            .get("id")?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "comp_assignment",
            id,
            None,
            Some(&assignment),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(assignment)
    }

    /// Computes every statement of a period and appends to the ledger only what changed since
    /// the last run: reversals and rebookings in an open period, adjustments in the next open
    /// period for a frozen one. All of it commits, or nothing does.
    pub async fn run_commissions(&self, actor: &Actor, period: &str) -> Result<CompRun> {
        ensure_finance(actor, "run commissions")?;
        let mut tx = self.begin().await?;
        let period = period_named(&mut tx.conn(), period).await?;
        let inputs = load_inputs(&mut tx.conn(), period).await?;
        let frozen = frozen_periods(&mut tx.conn()).await?;
        let mut next_open = period.next();
        while status_of(&frozen, next_open) != CompPeriodStatus::Open {
            next_open = next_open.next();
        }
        let existing = load_ledger(&mut tx.conn(), period).await?;
        let at = now();
        let run_id: i64 = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO comp_runs (period, run_by, statements, entries, run_at) \
                     VALUES ($1, $2, 0, 0, $3) RETURNING id",
                )
                .bind(period.to_string())
                .bind(actor.user_id)
                .bind(at),
            )
            .await?
            .get("id")?;
        let (mut statements, mut entries) = (0_i64, 0_i64);
        for &user in inputs.assignments.keys() {
            let Some(statement) = inputs.statement(user, &[])? else {
                continue;
            };
            statements += 1;
            let status = match status_of(&frozen, period) {
                CompPeriodStatus::Open => PeriodStatus::Open,
                CompPeriodStatus::Approved => PeriodStatus::Approved,
                CompPeriodStatus::Paid => PeriodStatus::Paid,
            };
            let target = Target {
                rep: user,
                period,
                status,
                next_open,
            };
            let held: Vec<LedgerEntry> =
                existing.iter().filter(|e| e.rep == user).cloned().collect();
            let appended = engine::reconcile(&target, &held, &statement.bookings())
                .map_err(|e| StoreError::Conflict(e.to_string()))?;
            let explains: HashMap<String, String> = statement
                .lines
                .iter()
                .map(|l| (l.key().to_string(), l.explain()))
                .collect();
            for entry in appended {
                let key = entry.key.to_string();
                let explain = match entry.kind {
                    EntryKind::Reversal => "reverses what this line held before".to_owned(),
                    _ => explains
                        .get(&key)
                        .cloned()
                        .unwrap_or_else(|| "the line no longer applies".to_owned()),
                };
                tx.conn()
                    .execute(
                        query(
                            "INSERT INTO comp_ledger (run_id, user_id, period, posted_in, line_key, \
                             kind, amount_minor, currency, deal_id, explain, created_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                        )
                        .bind(run_id)
                        .bind(user)
                        .bind(entry.period.to_string())
                        .bind(entry.posted_in.to_string())
                        .bind(key)
                        .bind(entry_kind(entry.kind))
                        .bind(entry.amount)
                        .bind(entry.currency.to_string())
                        .bind(entry.key.deal)
                        .bind(explain)
                        .bind(at),
                    )
                    .await?;
                entries += 1;
            }
        }
        tx.conn()
            .execute(
                query("UPDATE comp_runs SET statements = $1, entries = $2 WHERE id = $3")
                    .bind(statements)
                    .bind(entries)
                    .bind(run_id),
            )
            .await?;
        let run = CompRun {
            id: run_id,
            period: period.to_string(),
            statements,
            entries,
            run_at: at,
        };
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "comp_run",
            run_id,
            None,
            Some(&run),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(run)
    }

    /// Approves (freezes) or marks paid a period (finance and admins). Paying needs approval
    /// first, and nothing goes back to open.
    pub async fn set_comp_period_status(
        &self,
        actor: &Actor,
        period: &str,
        status: CompPeriodStatus,
    ) -> Result<CompPeriodStatus> {
        ensure_finance(actor, "approve or pay commission periods")?;
        let mut tx = self.begin().await?;
        let period = period_named(&mut tx.conn(), period).await?;
        let before = status_of(&frozen_periods(&mut tx.conn()).await?, period);
        let allowed = matches!(
            (before, status),
            (CompPeriodStatus::Open, CompPeriodStatus::Approved)
                | (CompPeriodStatus::Approved, CompPeriodStatus::Paid)
        );
        if !allowed {
            return Err(StoreError::Conflict(format!(
                "{period} is {}; it can become {} only from {}",
                before.as_str(),
                status.as_str(),
                if status == CompPeriodStatus::Paid {
                    "approved"
                } else {
                    "open"
                }
            )));
        }
        let at = now();
        tx.conn()
            .execute(
                query(
                    "INSERT INTO comp_periods (period, status, updated_by, updated_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (period) DO UPDATE SET \
                     status = excluded.status, updated_by = excluded.updated_by, \
                     updated_at = excluded.updated_at",
                )
                .bind(period.to_string())
                .bind(status.as_str())
                .bind(actor.user_id)
                .bind(at),
            )
            .await?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "update",
            "comp_period",
            0,
            Some(&before),
            Some(&status),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(status)
    }

    /// One person's statement for a period, as today's data computes it, with what the ledger
    /// holds: their own for a rep, their people's for a manager, anyone's for finance and
    /// admins. Someone the actor may not see does not exist for them.
    pub async fn comp_statement(
        &self,
        actor: &Actor,
        user: UserId,
        period: &str,
    ) -> Result<CompStatement> {
        let mut conn = self.reader();
        ensure_may_see_pay(&mut conn, actor, user).await?;
        let period = period_named(&mut conn, period).await?;
        let inputs = load_inputs(&mut conn, period).await?;
        let status = status_of(&frozen_periods(&mut conn).await?, period);
        statement_record(&mut conn, &inputs, user, status)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The people whose statements the actor sees for a period, with their totals: everyone
    /// on a plan for finance and admins, a manager's people, or a rep alone.
    pub async fn comp_statements(&self, actor: &Actor, period: &str) -> Result<Vec<CompStatement>> {
        let mut conn = self.reader();
        let period_value = period_named(&mut conn, period).await?;
        let inputs = load_inputs(&mut conn, period_value).await?;
        let status = status_of(&frozen_periods(&mut conn).await?, period_value);
        let mut out = Vec::new();
        for &user in inputs.assignments.keys() {
            if ensure_may_see_pay(&mut conn, actor, user).await.is_ok()
                && let Some(statement) = statement_record(&mut conn, &inputs, user, status).await?
            {
                out.push(statement);
            }
        }
        Ok(out)
    }

    /// What a draft plan would have cost in a past period, person by person, beside the plan in
    /// force (finance and admins): everyone on a plan with the draft's id, with the draft's
    /// dates ignored. Nothing is saved.
    pub async fn compare_comp_plan(
        &self,
        actor: &Actor,
        source: &str,
        period: &str,
    ) -> Result<Vec<PlanComparison>> {
        ensure_finance(actor, "compare commission plans")?;
        let mut draft = Plan::from_toml(source).map_err(|e| plan_errors(&e))?;
        draft.effective_from = NaiveDate::MIN;
        draft.effective_to = None;
        let mut conn = self.reader();
        let period = period_named(&mut conn, period).await?;
        let inputs = load_inputs(&mut conn, period).await?;
        let mut rows = Vec::new();
        for (&user, assignments) in &inputs.assignments {
            if assignments.last().is_none_or(|a| a.plan_id != draft.id) {
                continue;
            }
            let (Some(now), Some(then)) = (
                inputs.statement(user, &[])?,
                inputs.statement_under(user, &[], Some(&draft))?,
            ) else {
                continue;
            };
            rows.push(PlanComparison {
                user_id: user,
                user_name: inputs.name(user),
                currency: draft.currency,
                in_force_minor: now.total,
                draft_minor: then.total,
            });
        }
        if rows.is_empty() {
            return Err(StoreError::field(
                "source",
                format!("no one is on plan {} in {period}", draft.id),
            ));
        }
        Ok(rows)
    }

    /// What the actor would earn if one of their open deals closed at an amount on a day: the
    /// period's statement with and without it.
    pub async fn comp_what_if(&self, actor: &Actor, input: WhatIfInput) -> Result<WhatIf> {
        let mut conn = self.reader();
        let row = conn
            .fetch_optional(
                query(
                    "SELECT d.id, d.name, d.owner_id, d.amount_minor, d.currency, d.close_date, \
                     d.source, d.custom_fields FROM deals d WHERE d.id = $1",
                )
                .bind(input.deal_id),
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let owner: UserId = row.get("owner_id")?;
        if owner != actor.user_id {
            // Only the deal's owner asks what it would pay them.
            return Err(StoreError::NotFound);
        }
        let splits = conn
            .fetch_all(
                query("SELECT user_id, kind, percent_bp FROM deal_splits WHERE deal_id = $1")
                    .bind(input.deal_id),
            )
            .await?
            .iter()
            .map(split_from_row)
            .collect::<Result<_>>()?;
        let today = now().date_naive();
        let expected = row.get::<Option<NaiveDate>>("close_date")?;
        let close_date = input
            .close_date
            .unwrap_or_else(|| expected.unwrap_or(today).max(today));
        let mut deal = deal_from_row(&row, close_date, splits)?;
        let amount = input.amount_minor.unwrap_or(deal.amount.minor);
        if amount < 0 {
            return Err(StoreError::field("amount_minor", "must not be negative"));
        }
        deal.amount.minor = amount;
        let name: String = row.get("name")?;
        let fiscal = crate::org::load_org(&mut conn)
            .await?
            .fiscal_year_start_month;
        // The plan's period containing the close date: find the plan first.
        let assignment_kind = conn
            .fetch_optional(
                query(
                    "SELECT plan_key FROM comp_assignments WHERE user_id = $1 AND from_date <= $2 \
                     AND (to_date IS NULL OR to_date >= $2) ORDER BY from_date DESC, id DESC",
                )
                .bind(actor.user_id)
                .bind(close_date),
            )
            .await?
            .ok_or_else(|| {
                StoreError::Conflict(format!("you are on no commission plan on {close_date}"))
            })?;
        let plan_key: String = assignment_kind.get("plan_key")?;
        let plans: Vec<Plan> = load_plans(&mut conn)
            .await?
            .into_iter()
            .map(|(p, ..)| p)
            .collect();
        let plan = engine::plan::version_on(&plans, &plan_key, close_date).ok_or_else(|| {
            StoreError::Conflict(format!(
                "plan {plan_key} has no version in effect on {close_date}"
            ))
        })?;
        let period = Period::containing(close_date, plan.quota_period, fiscal);
        let inputs = load_inputs(&mut conn, period).await?;
        let before = inputs
            .statement(actor.user_id, &[])?
            .ok_or(StoreError::NotFound)?;
        let hierarchy = engine::Hierarchy::new();
        let extra = engine::credit::credit_deal(&deal, &hierarchy)
            .map_err(|e| StoreError::Conflict(e.to_string()))?;
        let after = inputs
            .statement(actor.user_id, &extra)?
            .ok_or(StoreError::NotFound)?;
        let earn = after.total - before.total;
        let pct = |s: &Statement| s.attainment.map(|a| a.round_dp(2).to_string());
        let new_lines: Vec<CompLine> = inputs
            .lines(&after)
            .into_iter()
            .filter(|l| l.deal_id == Some(input.deal_id))
            .collect();
        let tier_after = tier_reached(plan, after.attainment);
        let tier_before = tier_reached(plan, before.attainment);
        let currency = after.currency;
        let summary = format!(
            "If {name} closes at {} on {} you earn {}{}.",
            baton_model::readable_money(amount, deal.amount.currency),
            close_date.format("%-d %b %Y"),
            baton_model::readable_money(earn, currency),
            match (&tier_after, &tier_before) {
                (Some(after), before) if Some(after) != before.as_ref() =>
                    format!(" and move into {after}"),
                _ => String::new(),
            }
        );
        Ok(WhatIf {
            deal_id: input.deal_id,
            period: period.to_string(),
            amount_minor: amount,
            close_date,
            currency,
            earn_minor: earn,
            attainment_before_pct: pct(&before),
            attainment_after_pct: pct(&after),
            tier_after,
            summary,
            lines: new_lines,
        })
    }

    /// A period's ledger as CSV rows (finance and admins): every entry earned in it or posted
    /// in it, with its explanation.
    pub async fn comp_ledger_rows(&self, actor: &Actor, period: &str) -> Result<Vec<Vec<String>>> {
        ensure_finance(actor, "export commission ledgers")?;
        let mut conn = self.reader();
        let period = period_named(&mut conn, period).await?.to_string();
        let mut rows = vec![
            [
                "user_id",
                "name",
                "email",
                "period",
                "posted_in",
                "line",
                "kind",
                "amount",
                "currency",
                "deal_id",
                "explanation",
                "run_id",
                "created_at",
            ]
            .map(str::to_owned)
            .to_vec(),
        ];
        for r in conn
            .fetch_all(
                query(
                    "SELECT l.user_id, u.name, u.email, l.period, l.posted_in, l.line_key, l.kind, \
                     l.amount_minor, l.currency, l.deal_id, l.explain, l.run_id, l.created_at \
                     FROM comp_ledger l JOIN users u ON u.id = l.user_id \
                     WHERE l.period = $1 OR l.posted_in = $1 ORDER BY l.id",
                )
                .bind(period.as_str()),
            )
            .await?
        {
            let currency: Currency = r.parse("currency")?;
            rows.push(vec![
                r.get::<UserId>("user_id")?.to_string(),
                r.get("name")?,
                r.get("email")?,
                r.get("period")?,
                r.get("posted_in")?,
                r.get("line_key")?,
                r.get("kind")?,
                Money {
                    minor: r.get("amount_minor")?,
                    currency,
                }
                .to_major_string(),
                currency.to_string(),
                r.get::<Option<i64>>("deal_id")?
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                r.get("explain")?,
                r.get::<i64>("run_id")?.to_string(),
                r.get::<chrono::DateTime<chrono::Utc>>("created_at")?
                    .to_rfc3339(),
            ]);
        }
        Ok(rows)
    }
}

/// The ledger entries earned in `period`.
async fn load_ledger(conn: &mut Conn<'_>, period: Period) -> Result<Vec<LedgerEntry>> {
    let fiscal = period.fiscal_start_month();
    conn.fetch_all(
        built_query(
            "SELECT user_id, posted_in, line_key, kind, amount_minor, currency FROM comp_ledger \
             WHERE period = $1 ORDER BY id"
                .to_owned(),
        )
        .bind(period.to_string()),
    )
    .await?
    .iter()
    .map(|r| {
        let key: String = r.get("line_key")?;
        let posted: String = r.get("posted_in")?;
        Ok(LedgerEntry {
            rep: r.get("user_id")?,
            period,
            posted_in: Period::parse(&posted, fiscal)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            key: engine::statement::LineKey::parse(&key)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            kind: parse_entry_kind(&r.get::<String>("kind")?)?,
            amount: r.get("amount_minor")?,
            currency: r.parse("currency")?,
        })
    })
    .collect()
}

/// One person's statement as the API shows it, with what the ledger holds for it; `None` when
/// they are on no plan in the period.
async fn statement_record(
    conn: &mut Conn<'_>,
    inputs: &Inputs,
    user: UserId,
    status: CompPeriodStatus,
) -> Result<Option<CompStatement>> {
    let Some(statement) = inputs.statement(user, &[])? else {
        return Ok(None);
    };
    let booked: i64 = conn
        .fetch_one(
            query(
                "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS booked FROM comp_ledger \
                 WHERE user_id = $1 AND period = $2",
            )
            .bind(user)
            .bind(inputs.period.to_string()),
        )
        .await?
        .get("booked")?;
    Ok(Some(CompStatement {
        user_id: user,
        user_name: inputs.name(user),
        period: inputs.period.to_string(),
        status,
        plan_id: statement.plan_id.clone(),
        plan_version: i64::from(statement.plan_version),
        currency: statement.currency,
        quota_minor: minor(statement.quota, statement.currency),
        credited_minor: minor(statement.credited, statement.currency),
        attainment_pct: statement.attainment.map(|a| a.round_dp(2).to_string()),
        total_minor: statement.total,
        lines: inputs.lines(&statement),
        booked_minor: booked,
    }))
}

/// Whole minor units of a decimal major amount.
fn minor(amount: rust_decimal::Decimal, currency: Currency) -> i64 {
    let scaled = amount * rust_decimal::Decimal::from(10_i64.pow(u32::from(currency.exponent())));
    i64::try_from(scaled.round()).unwrap_or(i64::MAX)
}

/// The label of the highest tier reached at `attainment` in the plan's first tiered component.
fn tier_reached(plan: &Plan, attainment: Option<rust_decimal::Decimal>) -> Option<String> {
    let attainment = attainment?;
    plan.components.iter().find_map(|c| match &c.rule {
        engine::plan::Rule::Rate(table)
            if table.measure == engine::plan::Measure::Attainment && table.tiers.len() > 1 =>
        {
            table
                .tiers
                .iter()
                .rev()
                .find(|t| attainment >= t.from)
                .map(|t| match t.to {
                    Some(to) => format!("tier {}–{} %", t.from.normalize(), to.normalize()),
                    None => format!("tier {} %+", t.from.normalize()),
                })
        }
        _ => None,
    })
}

/// A rep sees their own pay; a manager their people's; finance and admins everyone's.
async fn ensure_may_see_pay(conn: &mut Conn<'_>, actor: &Actor, user: UserId) -> Result<()> {
    let allowed = match actor.role {
        Role::Admin | Role::Finance => true,
        Role::Manager => Scope::of(conn, actor).await?.contains(user),
        Role::Rep | Role::Coordinator => actor.user_id == user,
    };
    if allowed {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// A message must say something, and not a book.
fn message_text(message: &str) -> Result<String> {
    let message = message.trim();
    if message.is_empty() || message.chars().count() > 4_000 {
        return Err(StoreError::field(
            "message",
            "must be 1 to 4,000 characters",
        ));
    }
    Ok(message.to_owned())
}

async fn load_disputes(conn: &mut Conn<'_>, ids: &[i64]) -> Result<Vec<Dispute>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let mut messages: HashMap<i64, Vec<DisputeMessage>> = HashMap::new();
    for r in conn
        .fetch_all(built_query(format!(
            "SELECT m.dispute_id, m.author_id, u.name, m.body, m.created_at \
             FROM comp_dispute_messages m JOIN users u ON u.id = m.author_id \
             WHERE m.dispute_id IN ({list}) ORDER BY m.id"
        )))
        .await?
    {
        messages
            .entry(r.get("dispute_id")?)
            .or_default()
            .push(DisputeMessage {
                author_id: r.get("author_id")?,
                author_name: r.get("name")?,
                body: r.get("body")?,
                created_at: r.get("created_at")?,
            });
    }
    conn.fetch_all(built_query(format!(
        "SELECT d.id, d.user_id, u.name, d.period, d.line_key, d.status, d.created_at, \
         d.updated_at FROM comp_disputes d JOIN users u ON u.id = d.user_id \
         WHERE d.id IN ({list}) ORDER BY d.id"
    )))
    .await?
    .iter()
    .map(|r| {
        let id: i64 = r.get("id")?;
        let status: String = r.get("status")?;
        Ok(Dispute {
            id,
            user_id: r.get("user_id")?,
            user_name: r.get("name")?,
            period: r.get("period")?,
            line_key: r.get("line_key")?,
            status: match status.as_str() {
                "answered" => DisputeStatus::Answered,
                "resolved" => DisputeStatus::Resolved,
                _ => DisputeStatus::Open,
            },
            messages: messages.remove(&id).unwrap_or_default(),
            created_at: r.get("created_at")?,
            updated_at: r.get("updated_at")?,
        })
    })
    .collect()
}

impl Store {
    /// Questions a line of a statement: one's own, or (for finance and admins) anyone's.
    pub async fn open_dispute(&self, actor: &Actor, input: DisputeInput) -> Result<Dispute> {
        let user = input.user_id.unwrap_or(actor.user_id);
        let message = message_text(&input.message)?;
        let mut tx = self.begin().await?;
        ensure_may_see_pay(&mut tx.conn(), actor, user).await?;
        if user != actor.user_id && !matches!(actor.role, Role::Admin | Role::Finance) {
            return Err(StoreError::Forbidden(
                "only the person paid, finance and admins question a statement".into(),
            ));
        }
        let period = period_named(&mut tx.conn(), &input.period)
            .await?
            .to_string();
        engine::statement::LineKey::parse(&input.line_key)
            .map_err(|e| StoreError::field("line_key", e.to_string()))?;
        let at = now();
        let id: i64 = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO comp_disputes (user_id, period, line_key, status, created_by, \
                     created_at, updated_at) VALUES ($1, $2, $3, 'open', $4, $5, $5) RETURNING id",
                )
                .bind(user)
                .bind(period.as_str())
                .bind(input.line_key.as_str())
                .bind(actor.user_id)
                .bind(at),
            )
            .await?
            .get("id")?;
        tx.conn()
            .execute(
                query(
                    "INSERT INTO comp_dispute_messages (dispute_id, author_id, body, created_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(actor.user_id)
                .bind(message)
                .bind(at),
            )
            .await?;
        let dispute = load_disputes(&mut tx.conn(), &[id])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "comp_dispute",
            id,
            None,
            Some(&dispute),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(dispute)
    }

    /// Adds to a dispute: finance's answer (which may resolve it) or the person's reply (which
    /// opens it again).
    pub async fn reply_to_dispute(
        &self,
        actor: &Actor,
        id: i64,
        reply: DisputeReply,
    ) -> Result<Dispute> {
        let message = message_text(&reply.message)?;
        let mut tx = self.begin().await?;
        let before = load_disputes(&mut tx.conn(), &[id])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)?;
        ensure_may_see_pay(&mut tx.conn(), actor, before.user_id).await?;
        let finance = matches!(actor.role, Role::Admin | Role::Finance);
        if !finance && actor.user_id != before.user_id {
            return Err(StoreError::Forbidden(
                "only the person paid, finance and admins take part in a dispute".into(),
            ));
        }
        if reply.resolve && !finance {
            return Err(StoreError::Forbidden(
                "only finance and admins resolve disputes".into(),
            ));
        }
        let status = match (finance, reply.resolve) {
            (true, true) => DisputeStatus::Resolved,
            (true, false) => DisputeStatus::Answered,
            (false, _) => DisputeStatus::Open,
        };
        let at = now();
        tx.conn()
            .execute(
                query(
                    "INSERT INTO comp_dispute_messages (dispute_id, author_id, body, created_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(actor.user_id)
                .bind(message)
                .bind(at),
            )
            .await?;
        tx.conn()
            .execute(
                query("UPDATE comp_disputes SET status = $1, updated_at = $2 WHERE id = $3")
                    .bind(status.as_str())
                    .bind(at)
                    .bind(id),
            )
            .await?;
        let after = load_disputes(&mut tx.conn(), &[id])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "update",
            "comp_dispute",
            id,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The disputes of a period the actor may see: their own, their people's for a manager,
    /// everyone's for finance and admins.
    pub async fn disputes(&self, actor: &Actor, period: &str) -> Result<Vec<Dispute>> {
        let mut conn = self.reader();
        let period = period_named(&mut conn, period).await?.to_string();
        let mut ids = Vec::new();
        for r in conn
            .fetch_all(
                query("SELECT id, user_id FROM comp_disputes WHERE period = $1 ORDER BY id")
                    .bind(period.as_str()),
            )
            .await?
        {
            if ensure_may_see_pay(&mut conn, actor, r.get("user_id")?)
                .await
                .is_ok()
            {
                ids.push(r.get("id")?);
            }
        }
        load_disputes(&mut conn, &ids).await
    }
}
