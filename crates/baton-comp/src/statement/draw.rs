//! Draws: the guarantee that tops up a short period, and the recovery of recoverable draws from
//! later earnings above it.
//!
//! Oracle Incentive Compensation, "Example of Incentive Compensation Draw and Recovery"
//! (<https://docs.oracle.com/en/cloud/saas/sales/facmi/example-of-incentive-compensation-draw-and-recovery.html>):
//! the draw pays the difference between the minimum and the earnings; the balance due from the
//! participant sums the draws and subtracts what was recovered; recovery takes a percentage of
//! the earnings above the minimum, so it never brings a period's pay below the minimum while the
//! draw is in effect.

use super::LineKind;
use super::lines::Line;
use super::trace::{Detail, DrawTrace, Trace, TraceContext};
use crate::amount::major;
use crate::plan::{Draw, Plan};
use baton_model::Period;
use rust_decimal::Decimal;
use std::sync::Arc;

/// The number of `period` within the plan: 1 for the period in force on `effective_from`.
pub(super) fn period_number(plan: &Plan, period: Period) -> u32 {
    let mut number = 1;
    let mut current = period;
    // Bounded: a plan spans years, not centuries of months.
    while number < 10_000 && current.previous().last_day() >= plan.effective_from {
        number += 1;
        current = current.previous();
    }
    number
}

/// Appends the draw or recovery line for a period that earned `earned` (minor units), and
/// returns what the rep owes at the end of it.
#[expect(
    clippy::too_many_arguments,
    reason = "the inputs of one payment rule, all needed"
)]
pub(super) fn apply(
    plan: &Plan,
    draw: &Draw,
    context: &Arc<TraceContext>,
    lines: &mut Vec<Line>,
    earned: i64,
    owed: i64,
    number: u32,
    factor: Decimal,
) -> i64 {
    let currency = plan.currency;
    let guarantee = plan.rounding.to_minor(draw.amount * factor, currency);
    let in_force = draw.periods.is_none_or(|n| number <= n);
    let component = u16::try_from(plan.components.len()).unwrap_or(u16::MAX);
    let trace = |kind, amount: i64, owed_after: i64, recovered_from: Decimal| {
        let detail = Detail::Draw(Box::new(DrawTrace {
            kind,
            guarantee: major(guarantee, currency),
            in_force,
            recoverable: draw.recoverable,
            earned: major(earned, currency),
            owed_before: major(owed, currency),
            owed_after: major(owed_after, currency),
            recovery_rate: draw.recovery_rate,
            recovered_from,
        }));
        Line {
            component,
            kind,
            date: None,
            amount,
            trace: Trace::new(context, None, detail, major(amount, currency)),
        }
    };
    if in_force && earned < guarantee {
        let paid = guarantee - earned;
        let owed_after = if draw.recoverable { owed + paid } else { owed };
        lines.push(trace(LineKind::Draw, paid, owed_after, Decimal::ZERO));
        return owed_after;
    }
    if !draw.recoverable || number < draw.recovery_starts || owed <= 0 {
        return owed;
    }
    let floor = if in_force { guarantee } else { 0 };
    let above = major((earned - floor).max(0), currency);
    let recoverable = plan.rounding.to_minor(above * draw.recovery_rate, currency);
    let recovered = recoverable.min(owed);
    if recovered > 0 {
        lines.push(trace(
            LineKind::Recovery,
            -recovered,
            owed - recovered,
            above,
        ));
        return owed - recovered;
    }
    owed
}
