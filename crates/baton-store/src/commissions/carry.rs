//! What carries into a period from earlier ones: the commission paid on a deal that is refunded
//! or churned in the period (clawed back at the rate paid then), and what a person owes back of
//! recoverable draws at its start.
//!
//! Both come from the earlier periods' statements as today's data computes them, not from what
//! runs booked: a statement never depends on whether, or in which order, earlier periods were
//! run. A frozen period whose data changed afterwards is settled by its own adjustment entries
//! (see [`super::ledger`]), so reading the ledger here would count the difference twice.

use super::{Inputs, Shared, deal_from_row, load_period, split_from_row};
use crate::db::{Conn, query};
use crate::{Result, StoreError};
use baton_comp as engine;
use baton_comp::plan::CreditDateRule;
use baton_comp::{Clawback, ClawbackReason, Plan};
use baton_model::records::RefundKind;
use baton_model::{Currency, DealId, Money, Period, PeriodKind, UserId};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// How far back a draw balance is followed: ten years of monthly periods.
const MAX_PERIODS_BACK: usize = 120;

/// Fills `inputs.clawbacks` and `inputs.draw_owed` from the periods before `inputs.period`.
pub(super) async fn bring_forward(conn: &mut Conn<'_>, inputs: &mut Inputs) -> Result<()> {
    let mut earlier = Earlier {
        shared: inputs.shared.clone(),
        periods: HashMap::new(),
        with_clawbacks: HashSet::new(),
    };
    let terms = Terms::of(inputs)?;
    inputs.clawbacks = clawbacks(conn, &mut earlier, inputs.period, &terms).await?;
    for &user in inputs.assignments.keys() {
        let Some((plan, ..)) = inputs.plan_of(user)? else {
            continue;
        };
        if plan.draw.as_ref().is_some_and(|d| d.recoverable) {
            let first = first_period(&inputs.shared.plans, plan, inputs.period);
            let owed = draw_owed(conn, &mut earlier, user, first, inputs.period).await?;
            inputs.draw_owed.insert(user, owed);
        }
    }
    Ok(())
}

/// Earlier periods' inputs, each loaded once per call.
struct Earlier {
    shared: Shared,
    periods: HashMap<Period, Inputs>,
    /// The periods whose clawbacks are filled in.
    with_clawbacks: HashSet<Period>,
}

impl Earlier {
    /// The period's own inputs; its clawbacks only when [`Earlier::with_clawbacks`] filled them.
    async fn inputs(&mut self, conn: &mut Conn<'_>, period: Period) -> Result<&mut Inputs> {
        if !self.periods.contains_key(&period) {
            let inputs = load_period(conn, period, &self.shared).await?;
            self.periods.insert(period, inputs);
        }
        Ok(self.periods.get_mut(&period).expect("inserted above"))
    }

    /// The period's inputs with its clawbacks.
    async fn with_clawbacks(&mut self, conn: &mut Conn<'_>, period: Period) -> Result<&mut Inputs> {
        if self.with_clawbacks.insert(period) {
            let terms = Terms::of(self.inputs(conn, period).await?)?;
            let found = clawbacks(conn, self, period, &terms).await?;
            self.inputs(conn, period).await?.clawbacks = found;
        }
        self.inputs(conn, period).await
    }
}

/// What dates a person's credits under the plan they are on in a period.
#[derive(Clone, Copy)]
struct Term {
    rule: CreditDateRule,
    kind: PeriodKind,
    currency: Currency,
}

struct Terms(HashMap<UserId, Term>);

impl Terms {
    fn of(inputs: &Inputs) -> Result<Terms> {
        let mut terms = HashMap::new();
        for &user in inputs.assignments.keys() {
            if let Some((plan, ..)) = inputs.plan_of(user)? {
                terms.insert(
                    user,
                    Term {
                        rule: plan.credit_date,
                        kind: plan.quota_period,
                        currency: plan.currency,
                    },
                );
            }
        }
        Ok(Terms(terms))
    }
}

/// The clawbacks of deals refunded or churned in `period`: for each person credited on such a
/// deal and on a plan in the period, what their statement of the credit's period paid for it.
async fn clawbacks(
    conn: &mut Conn<'_>,
    earlier: &mut Earlier,
    period: Period,
    terms: &Terms,
) -> Result<Vec<Clawback>> {
    let rows = conn
        .fetch_all(
            query(
                "SELECT r.kind, r.on_date, r.amount_minor AS refunded, r.currency AS refund_currency, \
                 d.id, d.owner_id, d.amount_minor, d.currency, d.close_date, d.payment_date, \
                 d.source, d.custom_fields FROM deal_refunds r JOIN deals d ON d.id = r.deal_id \
                 WHERE r.on_date >= $1 AND r.on_date < $2 ORDER BY r.on_date, r.id",
            )
            .bind(period.start())
            .bind(period.end()),
        )
        .await?;
    let mut splits: HashMap<DealId, Vec<engine::Split>> = HashMap::new();
    for r in conn
        .fetch_all(
            query(
                "SELECT s.deal_id, s.user_id, s.kind, s.percent_bp FROM deal_splits s \
                 WHERE s.deal_id IN (SELECT r.deal_id FROM deal_refunds r \
                 WHERE r.on_date >= $1 AND r.on_date < $2)",
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
    let mut found = Vec::new();
    for r in rows {
        let Some(close_date) = r.get::<Option<NaiveDate>>("close_date")? else {
            continue;
        };
        let id: DealId = r.get("id")?;
        let deal = deal_from_row(&r, close_date, splits.get(&id).cloned().unwrap_or_default())?;
        let kind: RefundKind = r.parse("kind")?;
        let on: NaiveDate = r.get("on_date")?;
        let reversed = Money {
            minor: r.get("refunded")?,
            currency: r.parse("refund_currency")?,
        };
        let credits = engine::credit::credit_deal(&deal, &earlier.shared.hierarchy)
            .map_err(|e| StoreError::Conflict(e.to_string()))?;
        for credit in credits {
            let Some(term) = terms.0.get(&credit.rep).copied() else {
                continue;
            };
            // Not yet credited under a payment-date plan: nothing was paid to take back.
            let Some(credited_on) = credit.credit_date(term.rule) else {
                continue;
            };
            let paid_in = Period::containing(credited_on, term.kind, earlier.shared.fiscal);
            let inputs = earlier.inputs(conn, paid_in).await?;
            let Some(paid) = inputs
                .statement(credit.rep, &[])?
                .and_then(|s| s.paid_on(deal.id, credit.kind))
            else {
                continue;
            };
            let convert = |money: Money| -> Result<Money> {
                if money.currency == term.currency {
                    return Ok(money);
                }
                let (major, _) = inputs
                    .shared
                    .rates
                    .convert(money, term.currency, credited_on)
                    .map_err(|_| {
                        StoreError::Conflict(format!(
                            "deal {}: no exchange rate from {} to {} on or before {credited_on} \
                             to claw back its refund",
                            deal.id, money.currency, term.currency
                        ))
                    })?;
                Ok(Money {
                    minor: super::minor(major, term.currency),
                    currency: term.currency,
                })
            };
            found.push(Clawback {
                rep: credit.rep,
                deal: deal.id,
                kind: credit.kind,
                reason: match kind {
                    RefundKind::Refund => ClawbackReason::Refund,
                    RefundKind::Churn => ClawbackReason::Churn,
                },
                credited_on,
                on,
                deal_amount: convert(deal.amount)?,
                reversed: convert(reversed)?,
                paid,
            });
        }
    }
    Ok(found)
}

/// The first period a draw balance of `plan` can start in: that of its earliest version's
/// first day, at most [`MAX_PERIODS_BACK`] periods before `period`.
fn first_period(plans: &[Plan], plan: &Plan, period: Period) -> Period {
    let start = plans
        .iter()
        .filter(|p| p.id == plan.id)
        .map(|p| p.effective_from)
        .min()
        .unwrap_or(plan.effective_from);
    let mut first = period;
    for _ in 0..MAX_PERIODS_BACK {
        if first.start() <= start {
            break;
        }
        first = first.previous();
    }
    first
}

/// What `user` owes back of recoverable draws at the start of `period`: the balance carried
/// through each of their statements from `first` on, clawbacks included.
async fn draw_owed(
    conn: &mut Conn<'_>,
    earlier: &mut Earlier,
    user: UserId,
    first: Period,
    period: Period,
) -> Result<i64> {
    let mut owed = 0;
    let mut current = first;
    while current.start() < period.start() {
        let inputs = earlier.with_clawbacks(conn, current).await?;
        inputs.draw_owed.insert(user, owed);
        if let Some(statement) = inputs.statement(user, &[])? {
            owed = statement.draw_owed;
        }
        current = current.next();
    }
    Ok(owed)
}
