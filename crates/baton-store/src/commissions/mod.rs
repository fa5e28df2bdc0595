//! Commissions: plans as finance writes them, who is on which plan when, runs that book each
//! person's statement into the append-only ledger, approving and paying periods, statements
//! with every line's explanation, and what-if. The commission engine (`baton-comp`) does the
//! arithmetic; this module loads its inputs and keeps what it returns.
//!
//! Who sees what: everyone sees plans (their rules are no secret); a rep sees only their own
//! statement, a manager those of the people under them, finance and admins everyone's. Only
//! finance and admins save plans, assign them, run, approve and pay.
//!
//! Here: loading a period's inputs and computing statements; [`plans`], [`ledger`] (runs and
//! periods), [`what_if`] and [`disputes`] build on them.

mod carry;
mod disputes;
mod ledger;
mod plans;
pub(crate) mod rates;
mod refunds;
mod what_if;

use crate::db::{Conn, Row, query};
use crate::visibility::Scope;
use crate::{Actor, Result, Store, StoreError};
use baton_comp as engine;
use baton_comp::statement::{Active, RepPeriod, Statement};
use baton_comp::{Clawback, Credit, ExchangeRates, Plan};
use baton_model::records::{CompAssignment, CompLine, CompPeriodStatus, CompStatement};
use baton_model::{Currency, DealId, Money, Percent, Period, Role, UserId};
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

/// Everything a period's statements are computed from.
struct Inputs {
    period: Period,
    /// What every period's inputs share.
    shared: Shared,
    /// Each person's assignments overlapping the period.
    assignments: BTreeMap<UserId, Vec<CompAssignment>>,
    /// Each person's credits for deals won in the period.
    credits: HashMap<UserId, Vec<Credit>>,
    /// Quotas per (person, period kind).
    quotas: HashMap<(UserId, baton_model::PeriodKind), Money>,
    deal_names: HashMap<DealId, String>,
    /// Commission taken back in the period for deals refunded or churned (see [`carry`]).
    clawbacks: Vec<Clawback>,
    /// What each person owes of recoverable draws at the start of the period (see [`carry`]).
    draw_owed: HashMap<UserId, i64>,
}

impl Inputs {
    /// The person's statement for the period, or `None` when they are on no plan in it.
    fn statement(&self, user: UserId, extra: &[Credit]) -> Result<Option<Statement>> {
        self.statement_under(user, extra, None)
    }

    /// The plan the person is on in the period, with the first and last day they are on it;
    /// `None` when they are on no plan in it.
    fn plan_of(&self, user: UserId) -> Result<Option<(&Plan, NaiveDate, NaiveDate)>> {
        let Some(assignment) = self.assignments.get(&user).and_then(|a| a.last()) else {
            return Ok(None);
        };
        let from = assignment.from.max(self.period.start());
        let to = assignment
            .to
            .map_or(self.period.last_day(), |t| t.min(self.period.last_day()));
        let plan = engine::plan::version_on(&self.shared.plans, &assignment.plan_id, from)
            .ok_or_else(|| {
                StoreError::Conflict(format!(
                    "{} is on plan {}, which has no version in effect on {from}",
                    self.name(user),
                    assignment.plan_id
                ))
            })?;
        Ok(Some((plan, from, to)))
    }

    /// The person's statement under `draft` instead of the plan they are on, when given.
    fn statement_under(
        &self,
        user: UserId,
        extra: &[Credit],
        draft: Option<&Plan>,
    ) -> Result<Option<Statement>> {
        let Some((in_force, from, to)) = self.plan_of(user)? else {
            return Ok(None);
        };
        let plan = draft.unwrap_or(in_force);
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
        engine::statement::compute_with_rates(
            plan,
            &RepPeriod {
                rep: user,
                period: self.period,
                quota,
                active,
                credits: &credits,
                clawbacks: &self.clawbacks,
                draw_owed: self.draw_owed.get(&user).copied().unwrap_or(0),
            },
            &self.shared.rates,
        )
        .map(Some)
        .map_err(|e| StoreError::Conflict(format!("{}'s commission: {e}", self.name(user))))
    }

    fn name(&self, user: UserId) -> String {
        self.shared
            .user_names
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

/// Loads what a period's statements need, with what carries into it from earlier periods:
/// clawbacks of deals refunded in it and draw balances (see [`carry`]).
async fn load_inputs(conn: &mut Conn<'_>, period: Period) -> Result<Inputs> {
    let shared = Shared::load(conn).await?;
    let mut inputs = load_period(conn, period, &shared).await?;
    carry::bring_forward(conn, &mut inputs).await?;
    Ok(inputs)
}

/// What every period's inputs share: plans, rates, names, who manages whom. Cheap to clone.
#[derive(Clone)]
struct Shared {
    /// The organisation's fiscal-year start month, for the periods of earlier credits.
    fiscal: u32,
    plans: Arc<Vec<Plan>>,
    rates: Arc<ExchangeRates>,
    hierarchy: Arc<engine::Hierarchy>,
    user_names: Arc<HashMap<UserId, String>>,
}

impl Shared {
    async fn load(conn: &mut Conn<'_>) -> Result<Shared> {
        let fiscal = crate::org::load_org(conn).await?.fiscal_year_start_month;
        let plans = load_plans(conn)
            .await?
            .into_iter()
            .map(|(p, ..)| p)
            .collect();
        let mut hierarchy = engine::Hierarchy::new();
        for r in conn
            .fetch_all(query(
                "SELECT m.user_id, t.manager_id FROM team_members m \
                 JOIN teams t ON t.id = m.team_id \
                 WHERE t.manager_id IS NOT NULL AND t.manager_id <> m.user_id ORDER BY t.id",
            ))
            .await?
        {
            hierarchy.set_manager(r.get("user_id")?, r.get("manager_id")?);
        }
        let user_names = conn
            .fetch_all(query("SELECT id, name FROM users"))
            .await?
            .iter()
            .map(|r| Ok((r.get("id")?, r.get("name")?)))
            .collect::<Result<_>>()?;
        Ok(Shared {
            fiscal,
            plans: Arc::new(plans),
            rates: Arc::new(rates::load(conn).await?),
            hierarchy: Arc::new(hierarchy),
            user_names: Arc::new(user_names),
        })
    }
}

/// Loads one period's own inputs: the assignments, the won deals closed or paid in the period
/// credited (with roll-up to managers), and quotas; nothing carried from earlier periods.
async fn load_period(conn: &mut Conn<'_>, period: Period, shared: &Shared) -> Result<Inputs> {
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
    let mut splits: HashMap<DealId, Vec<engine::Split>> = HashMap::new();
    for r in conn
        .fetch_all(
            query(
                "SELECT s.deal_id, s.user_id, s.kind, s.percent_bp FROM deal_splits s \
                 JOIN deals d ON d.id = s.deal_id JOIN stages st ON st.id = d.stage_id \
                 WHERE st.outcome = 'won' AND d.archived_at IS NULL AND (\
                 (d.close_date >= $1 AND d.close_date < $2) \
                 OR (d.payment_date >= $1 AND d.payment_date < $2))",
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
                 d.payment_date, d.source, d.custom_fields FROM deals d \
                 JOIN stages st ON st.id = d.stage_id \
                 WHERE st.outcome = 'won' AND d.archived_at IS NULL AND (\
                 (d.close_date >= $1 AND d.close_date < $2) \
                 OR (d.payment_date >= $1 AND d.payment_date < $2)) ORDER BY d.id",
            )
            .bind(period.start())
            .bind(period.end()),
        )
        .await?
    {
        let id: DealId = r.get("id")?;
        // A won deal without a close date is credited on no day.
        let Some(close_date) = r.get::<Option<NaiveDate>>("close_date")? else {
            continue;
        };
        deal_names.insert(id, r.get::<String>("name")?);
        let deal = deal_from_row(&r, close_date, splits.remove(&id).unwrap_or_default())?;
        for credit in engine::credit::credit_deal(&deal, &shared.hierarchy)
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
    Ok(Inputs {
        period,
        shared: shared.clone(),
        assignments,
        credits,
        quotas,
        deal_names,
        clawbacks: Vec::new(),
        draw_owed: HashMap::new(),
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
        payment_date: r.get("payment_date")?,
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
        PayScope::of(&mut conn, actor).await?.ensure(user)?;
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
        let scope = PayScope::of(&mut conn, actor).await?;
        let mut out = Vec::new();
        for &user in inputs.assignments.keys() {
            if scope.sees(user)
                && let Some(statement) = statement_record(&mut conn, &inputs, user, status).await?
            {
                out.push(statement);
            }
        }
        Ok(out)
    }
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
        draw_owed_minor: statement.draw_owed,
    }))
}

/// Whole minor units of a decimal major amount.
fn minor(amount: rust_decimal::Decimal, currency: Currency) -> i64 {
    let scaled = amount * rust_decimal::Decimal::from(10_i64.pow(u32::from(currency.exponent())));
    i64::try_from(scaled.round()).unwrap_or(i64::MAX)
}

/// Whose pay an actor sees, resolved once per call: a rep their own; a manager their people's;
/// finance and admins everyone's.
struct PayScope {
    actor: Actor,
    /// A manager's people (themselves included).
    managed: Option<Scope>,
}

impl PayScope {
    async fn of(conn: &mut Conn<'_>, actor: &Actor) -> Result<PayScope> {
        let managed = if actor.role == Role::Manager {
            Some(Scope::of(conn, actor).await?)
        } else {
            None
        };
        Ok(PayScope {
            actor: *actor,
            managed,
        })
    }

    fn sees(&self, user: UserId) -> bool {
        match self.actor.role {
            Role::Admin | Role::Finance => true,
            Role::Manager => self.managed.as_ref().is_some_and(|s| s.contains(user)),
            Role::Rep | Role::Coordinator => self.actor.user_id == user,
        }
    }

    /// Someone whose pay the actor may not see does not exist for them.
    fn ensure(&self, user: UserId) -> Result<()> {
        if self.sees(user) {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }
}
