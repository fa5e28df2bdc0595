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
mod fixed;
mod key;
mod lines;
pub mod tiers;
mod trace;

pub use key::{KeyError, LineKey};
pub use lines::{Line, LineKind};
pub use trace::{
    Adjustment, BonusTrace, ClawbackTrace, Conversion, CreditTrace, Detail, DrawTrace, PieceTrace,
    TableTrace, TierLabel, Trace, TraceContext, TrueUpTrace,
};

use crate::amount::money_major;
use crate::credit::Credit;
use crate::plan::{Measure, Plan, Rule};
use crate::rates::ExchangeRates;
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
    /// The quota, a clawback, or (when no exchange rates are given) a credit is not in the plan
    /// currency.
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
    /// A credit is in another currency than the plan's, and no rate converts it on its date.
    #[error(
        "deal {deal}: no exchange rate from {from} to {to} on or before its credit date {date} \
         ({})",
        earliest.map_or_else(
            || format!("the rates given have none from {from} to {to}"),
            |d| format!("the earliest {from}→{to} rate is of {d}")
        )
    )]
    MissingRate {
        /// The deal.
        deal: DealId,
        /// The deal's currency.
        from: Currency,
        /// The plan's.
        to: Currency,
        /// The credit date.
        date: NaiveDate,
        /// The earliest rate of the pair, after the date; `None` when there is none at all.
        earliest: Option<NaiveDate>,
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

/// No exchange rates: what [`compute`] and [`recompute_from`] convert with.
static NO_RATES: ExchangeRates = ExchangeRates::new();

/// Computes one rep's statement for one period; every credit must be in the plan currency
/// (see [`compute_with_rates`] for deals in other currencies).
pub fn compute(plan: &Plan, input: &RepPeriod<'_>) -> Result<Statement, CompError> {
    compute_reusing(plan, input, &NO_RATES, None)
}

/// Computes one rep's statement for one period, converting each credit in another currency
/// than the plan's at the rate of its credit date: the latest rate in `rates` on or before it.
/// The converted credit is rounded to minor units by the plan's rounding rule, and its lines'
/// traces show the conversion (`€50,000 × 1.0842 (EUR→USD on 2026-08-14) = $54,210.00`).
pub fn compute_with_rates(
    plan: &Plan,
    input: &RepPeriod<'_>,
    rates: &ExchangeRates,
) -> Result<Statement, CompError> {
    compute_reusing(plan, input, rates, None)
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
    compute_reusing(plan, input, &NO_RATES, Some((previous, changed_from)))
}

/// [`recompute_from`] with exchange rates, as [`compute_with_rates`] applies them. A change of
/// a rate dated on or after `changed_from` is a change like any other; one dated earlier needs
/// [`compute_with_rates`].
pub fn recompute_with_rates(
    plan: &Plan,
    input: &RepPeriod<'_>,
    rates: &ExchangeRates,
    previous: Statement,
    changed_from: NaiveDate,
) -> Result<Statement, CompError> {
    compute_reusing(plan, input, rates, Some((previous, changed_from)))
}

fn compute_reusing(
    plan: &Plan,
    input: &RepPeriod<'_>,
    rates: &ExchangeRates,
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
    let mut conversions: Vec<Conversion> = Vec::new();
    let mut credited_minor: i64 = 0;
    let mut keys_fit = true;
    for credit in input.credits.iter().filter(|c| c.rep == input.rep) {
        let Some(date) = credit.credit_date(plan.credit_date) else {
            continue;
        };
        if date < from || date > to {
            continue;
        }
        if credit.amount.minor < 0 {
            return Err(CompError::NegativeCredit {
                deal: credit.deal,
                amount: credit.amount,
            });
        }
        let (minor, conversion) = if credit.amount.currency == plan.currency {
            (credit.amount.minor, None)
        } else {
            let conversion = convert(plan, rates, credit, date)?;
            let minor = plan.rounding.to_minor(conversion.exact, plan.currency);
            (minor, Some(conversion))
        };
        credited_minor += minor;
        if date >= walk_from {
            let key = lines::Dated::key(from, date, credit.deal, credit.kind);
            keys_fit &= key.is_some();
            let conversion = conversion.map(|c| {
                conversions.push(c);
                u32::try_from(conversions.len() - 1).unwrap_or(u32::MAX)
            });
            credits.push(lines::Dated {
                key: key.unwrap_or(0),
                date,
                credit,
                minor,
                conversion,
            });
        }
    }
    if keys_fit {
        lines::sort_by_key(&mut credits);
    } else {
        credits.sort_unstable_by_key(|d| (d.date, d.credit.deal, d.credit.kind));
    }

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
        return compute_reusing(plan, input, rates, None);
    } else {
        credits
    };
    let lines::Built {
        mut lines,
        checkpoints,
        kept,
    } = lines::build(
        plan,
        &context,
        lines::Walked {
            credits: &credits,
            conversions: &conversions,
        },
        quota,
        attainment,
        factor,
        reuse,
    );
    adjust::restate_gates(&mut lines[..kept], attainment, &closed);
    adjust::gates(plan, &mut lines[kept..], attainment, &closed);
    for line in &mut lines[kept..] {
        line.amount = plan.rounding.to_minor(line.trace.pay(), plan.currency);
    }
    adjust::caps(plan, &mut lines, factor, kept);
    // A clawback takes back a share of a plan-currency commission by the deal's amounts:
    // those must be in the plan currency too (converting them is not supported yet).
    if let Some(foreign) = input.clawbacks.iter().find(|c| {
        c.rep == input.rep
            && (c.deal_amount.currency != plan.currency || c.reversed.currency != plan.currency)
    }) {
        return Err(CompError::CurrencyMismatch {
            plan: plan.id.clone(),
            what: format!("the clawback of deal {}", foreign.deal),
            found: if foreign.deal_amount.currency == plan.currency {
                foreign.reversed.currency
            } else {
                foreign.deal_amount.currency
            },
            expected: plan.currency,
        });
    }
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
    // Room was reserved for a line per credit and component; what is left over would stay
    // allocated as long as the statement lives.
    lines.shrink_to_fit();
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

/// A credit in another currency than the plan's, at the rate of its credit date.
fn convert(
    plan: &Plan,
    rates: &ExchangeRates,
    credit: &Credit,
    date: NaiveDate,
) -> Result<Conversion, CompError> {
    if rates.is_empty() {
        // Without any rates, the credit is simply in the wrong currency.
        return Err(CompError::CurrencyMismatch {
            plan: plan.id.clone(),
            what: format!("deal {}", credit.deal),
            found: credit.amount.currency,
            expected: plan.currency,
        });
    }
    let (exact, applied) =
        rates
            .convert(credit.amount, plan.currency, date)
            .map_err(|missing| CompError::MissingRate {
                deal: credit.deal,
                from: credit.amount.currency,
                to: plan.currency,
                date,
                earliest: missing.earliest,
            })?;
    Ok(Conversion {
        original: credit.amount,
        rate: applied.rate,
        rate_date: applied.date,
        credit_date: date,
        exact,
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
