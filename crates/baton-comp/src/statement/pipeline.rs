//! The steps of a statement, in order: check the inputs, gather the credits of the active days
//! (converting those in another currency), walk them into lines, judge the gates, round, apply
//! the caps, take back clawbacks and settle the draw.
//!
//! Kept apart from the entry points in `mod.rs`, which differ only in the exchange rates and the
//! earlier statement they pass in.

use super::{
    CompError, Conversion, Proration, RepPeriod, Statement, adjust, clawbacks, draw, lines,
};
use crate::amount::money_major;
use crate::credit::Credit;
use crate::plan::{Measure, Plan, Rule};
use crate::rates::ExchangeRates;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::sync::Arc;

/// Computes a statement; with `previous`, keeps its lines of the credits dated before the
/// change when they cannot have changed (see [`recompute_from`](super::recompute_from)).
pub(super) fn compute_reusing(
    plan: &Plan,
    input: &RepPeriod<'_>,
    rates: Option<&ExchangeRates>,
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
    rates: Option<&ExchangeRates>,
    credit: &Credit,
    date: NaiveDate,
) -> Result<Conversion, CompError> {
    let Some(rates) = rates else {
        // Computed without rates, the credit is simply in the wrong currency.
        return Err(CompError::CurrencyMismatch {
            plan: plan.id.clone(),
            what: format!("deal {}", credit.deal),
            found: credit.amount.currency,
            expected: plan.currency,
        });
    };
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
