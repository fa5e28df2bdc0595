//! One rep's commission statement for one period, every line with its trace.
//!
//! [`compute`] takes a checked plan, the rep's quota and credits, and returns the lines in the
//! order they arise: for each credit in credit-date order, each component's line (and a true-up
//! when the credit reaches a retroactive tier); then once-per-period bonuses. Gates are judged
//! on attainment at the end of the period; then each line is rounded by the plan's rule; then
//! the per-deal and per-period caps hold back what exceeds them, in line order.
//!
//! [`recompute_from`] gives the same statement after a change, keeping the lines of the credits
//! dated before it: the walk only moves forward, so they cannot have changed.

mod adjust;
mod clawbacks;
mod draw;
mod key;
mod lines;
pub mod tiers;
mod trace;

pub use key::{KeyError, LineKey};
pub use lines::{Line, LineKind};
pub use trace::{
    Adjustment, BonusTrace, ClawbackTrace, CreditTrace, Detail, DrawTrace, PieceTrace, TableTrace,
    TierLabel, Trace, TraceContext, TrueUpTrace,
};

use crate::amount::money_major;
use crate::credit::Credit;
use crate::plan::{Measure, Plan, Rule};
use baton_model::{Currency, DealId, Money, Period, UserId};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::sync::Arc;

/// Everything a statement needs to know about one rep in one period.
#[derive(Debug, Clone, Copy)]
pub struct RepPeriod<'a> {
    /// The rep.
    pub rep: UserId,
    /// The period; its kind must be the plan's quota period.
    pub period: Period,
    /// The rep's full-period quota, in the plan currency.
    pub quota: Money,
    /// The days the rep was on this plan, when not the whole period (joined, left, changed plan).
    pub active: Option<Active>,
    /// Credits; those of other reps or dated outside the active days are ignored.
    pub credits: &'a [Credit],
    /// Deals refunded or churned; those of other reps or dated outside the active days are
    /// ignored, and so are those outside the plan's clawback window.
    pub clawbacks: &'a [crate::clawback::Clawback],
    /// What the rep owes back of recoverable draws at the start of the period (minor units of
    /// the plan currency): the previous period's [`Statement::draw_owed`]; 0 without draws.
    pub draw_owed: i64,
}

/// The first and last day (both inclusive) a rep was on a plan within a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Active {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

/// How much of the period a partial-period rep's quota, bonuses and period cap count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proration {
    /// Days on the plan within the period.
    pub active_days: i64,
    /// Days in the period.
    pub period_days: i64,
}

impl Proration {
    /// `active_days / period_days`.
    pub fn factor(&self) -> Decimal {
        Decimal::from(self.active_days) / Decimal::from(self.period_days)
    }
}

/// A rep's statement for a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The rep.
    pub rep: UserId,
    /// The period.
    pub period: Period,
    /// Plan id.
    pub plan_id: String,
    /// Plan version.
    pub plan_version: u32,
    /// Currency of every amount.
    pub currency: Currency,
    /// Quota after proration (major units, unrounded).
    pub quota: Decimal,
    /// Set when the rep was on the plan for part of the period only.
    pub proration: Option<Proration>,
    /// Everything credited in the period (major units).
    pub credited: Decimal,
    /// Credited as a percentage of the prorated quota; `None` with no quota.
    pub attainment: Option<Decimal>,
    /// The lines, in the order they arose.
    pub lines: Vec<Line>,
    /// Sum of the lines, in minor units.
    pub total: i64,
    /// What the rep owes back of recoverable draws at the end of the period (minor units),
    /// carried into the next period's [`RepPeriod::draw_owed`].
    pub draw_owed: i64,
    /// Walk states by credit date, for [`recompute_from`].
    checkpoints: lines::Checkpoints,
}

impl Statement {
    /// The total as money.
    pub fn total_money(&self) -> Money {
        Money {
            minor: self.total,
            currency: self.currency,
        }
    }
}

/// Why a statement could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompError {
    /// Statements are computed per quota period.
    #[error("plan {plan} sets quotas per {expected}, but the period {period} is a {found}")]
    WrongPeriodKind {
        /// Plan id.
        plan: String,
        /// The plan's quota period.
        expected: String,
        /// The period asked for.
        period: String,
        /// Its kind.
        found: String,
    },
    /// The active days do not overlap the period.
    #[error("rep {rep} is not on the plan on any day of {period}")]
    NotActive {
        /// The rep.
        rep: UserId,
        /// The period.
        period: String,
    },
    /// The plan is not in force on every active day.
    #[error("plan {plan} version {version} is not in effect on {date}")]
    PlanNotInEffect {
        /// Plan id.
        plan: String,
        /// Plan version.
        version: u32,
        /// A day it does not cover.
        date: NaiveDate,
    },
    /// Quota and credits must be in the plan currency (exchange rates are not applied here).
    #[error("{what} is in {found}, but plan {plan} pays in {expected}")]
    CurrencyMismatch {
        /// Plan id.
        plan: String,
        /// What is in the wrong currency.
        what: String,
        /// Its currency.
        found: Currency,
        /// The plan's.
        expected: Currency,
    },
    /// Attainment needs a quota above zero.
    #[error("rep {rep} has no quota for {period}, and plan {plan} pays on attainment")]
    NoQuota {
        /// The rep.
        rep: UserId,
        /// The period.
        period: String,
        /// Plan id.
        plan: String,
    },
    /// Credits are never negative; refunds are clawbacks.
    #[error("deal {deal}: credit {amount} is negative")]
    NegativeCredit {
        /// The deal.
        deal: DealId,
        /// The amount.
        amount: Money,
    },
}

/// Computes one rep's statement for one period.
pub fn compute(plan: &Plan, input: &RepPeriod<'_>) -> Result<Statement, CompError> {
    compute_reusing(plan, input, None)
}

/// Recomputes `previous` after credits dated on or after `changed_from` (under the plan's
/// credit-date rule) were added, removed or changed, keeping the lines of earlier credits: the
/// attainment walk only moves forward, so they cannot have changed. The result equals
/// [`compute`] on the same input; `previous` that was computed for another rep, period, plan,
/// quota or active days is ignored. It is taken by value: its lines are moved, not copied.
pub fn recompute_from(
    plan: &Plan,
    input: &RepPeriod<'_>,
    previous: Statement,
    changed_from: NaiveDate,
) -> Result<Statement, CompError> {
    compute_reusing(plan, input, Some((previous, changed_from)))
}

fn compute_reusing(
    plan: &Plan,
    input: &RepPeriod<'_>,
    previous: Option<(Statement, NaiveDate)>,
) -> Result<Statement, CompError> {
    let period = input.period;
    if period.kind() != plan.quota_period {
        return Err(CompError::WrongPeriodKind {
            plan: plan.id.clone(),
            expected: plan.quota_period.to_string(),
            period: period.to_string(),
            found: period.kind().to_string(),
        });
    }
    let (from, to) = active_window(input)?;
    for date in [from, to] {
        if !plan.in_effect_on(date) {
            return Err(CompError::PlanNotInEffect {
                plan: plan.id.clone(),
                version: plan.version,
                date,
            });
        }
    }
    let period_days = (period.end() - period.start()).num_days();
    let active_days = (to - from).num_days() + 1;
    let proration = (active_days < period_days).then_some(Proration {
        active_days,
        period_days,
    });
    let factor = proration.map_or(Decimal::ONE, |p| p.factor());
    if input.quota.currency != plan.currency {
        return Err(CompError::CurrencyMismatch {
            plan: plan.id.clone(),
            what: format!("the quota of rep {}", input.rep),
            found: input.quota.currency,
            expected: plan.currency,
        });
    }
    let quota = money_major(input.quota) * factor;

    let reuse = previous.filter(|(p, _)| {
        p.rep == input.rep
            && p.period == period
            && p.plan_id == plan.id
            && p.plan_version == plan.version
            && p.quota == quota
            && p.proration == proration
    });
    // A recompute walks only the credits from the change on; the others are still checked and
    // counted, which is a comparison and an integer sum each.
    let walk_from = reuse.as_ref().map_or(NaiveDate::MIN, |(_, from)| *from);
    let mut credits: Vec<lines::Dated<'_>> = Vec::with_capacity(if reuse.is_some() {
        64
    } else {
        input.credits.len()
    });
    let mut credited_minor: i64 = 0;
    for credit in input.credits.iter().filter(|c| c.rep == input.rep) {
        let Some(date) = credit.credit_date(plan.credit_date) else {
            continue;
        };
        if date < from || date > to {
            continue;
        }
        if credit.amount.currency != plan.currency {
            return Err(CompError::CurrencyMismatch {
                plan: plan.id.clone(),
                what: format!("deal {}", credit.deal),
                found: credit.amount.currency,
                expected: plan.currency,
            });
        }
        if credit.amount.minor < 0 {
            return Err(CompError::NegativeCredit {
                deal: credit.deal,
                amount: credit.amount,
            });
        }
        credited_minor += credit.amount.minor;
        if date >= walk_from {
            credits.push((date, credit.deal, credit.kind, credit));
        }
    }
    credits.sort_unstable_by_key(|&(date, deal, kind, _)| (date, deal, kind));

    let credited = crate::amount::major(credited_minor, plan.currency);
    let attainment = (quota > Decimal::ZERO).then(|| credited / quota * Decimal::ONE_HUNDRED);
    if attainment.is_none() && needs_attainment(plan) {
        return Err(CompError::NoQuota {
            rep: input.rep,
            period: period.to_string(),
            plan: plan.id.clone(),
        });
    }
    let closed = adjust::closed_gates(plan, attainment);
    // Kept lines are final unless a gate opened or closed, which touches every gated line.
    let reuse = reuse.filter(|(p, _)| adjust::closed_gates(plan, p.attainment) == closed);
    let context = reuse
        .as_ref()
        .and_then(|(p, _)| p.lines.first().map(|l| Arc::clone(&l.trace.context)))
        .unwrap_or_else(|| lines::context(plan, quota));
    let reuse = reuse.map(|(p, changed_from)| lines::Reuse {
        lines: p.lines,
        checkpoints: p.checkpoints,
        changed_from,
    });
    let credits = if reuse.is_none() && walk_from > NaiveDate::MIN {
        // The earlier statement cannot be reused after all: walk every credit.
        return compute_reusing(plan, input, None);
    } else {
        credits
    };
    let lines::Built {
        mut lines,
        checkpoints,
        kept,
    } = lines::build(plan, &context, &credits, quota, attainment, factor, reuse);
    adjust::gates(plan, &mut lines[kept..], attainment, &closed);
    for line in &mut lines[kept..] {
        line.amount = plan.rounding.to_minor(line.trace.pay(), plan.currency);
    }
    adjust::caps(plan, &mut lines, factor, kept);
    clawbacks::apply(
        plan,
        &context,
        &mut lines,
        input.rep,
        input.clawbacks,
        (from, to),
    );
    let earned: i64 = lines.iter().map(|l| l.amount).sum();
    let draw_owed = match &plan.draw {
        Some(d) => {
            let number = draw::period_number(plan, period);
            draw::apply(
                plan,
                d,
                &context,
                &mut lines,
                earned,
                input.draw_owed,
                number,
                factor,
            )
        }
        None => input.draw_owed,
    };
    let total = lines.iter().map(|l| l.amount).sum();
    Ok(Statement {
        rep: input.rep,
        period,
        plan_id: plan.id.clone(),
        plan_version: plan.version,
        currency: plan.currency,
        quota,
        proration,
        credited,
        attainment,
        lines,
        total,
        draw_owed,
        checkpoints,
    })
}

/// The first and last active day within the period.
fn active_window(input: &RepPeriod<'_>) -> Result<(NaiveDate, NaiveDate), CompError> {
    let period = input.period;
    let (mut from, mut to) = (period.start(), period.last_day());
    if let Some(active) = input.active {
        from = from.max(active.from);
        to = to.min(active.to);
    }
    if from > to {
        return Err(CompError::NotActive {
            rep: input.rep,
            period: period.to_string(),
        });
    }
    Ok((from, to))
}

fn needs_attainment(plan: &Plan) -> bool {
    plan.components.iter().any(|c| match &c.rule {
        Rule::Rate(table) => table.measure == Measure::Attainment || table.gate.is_some(),
        Rule::Bonus(_) => true,
        Rule::Spif(_) => false,
    })
}
