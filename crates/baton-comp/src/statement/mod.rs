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
mod error;
mod fixed;
mod input;
mod key;
mod lines;
mod output;
mod pipeline;
pub mod tiers;
mod trace;

pub use error::CompError;
pub use input::{Active, RepPeriod};
pub use key::{KeyError, LineKey};
pub use lines::{Line, LineKind};
pub use output::{Proration, Statement};
pub use trace::{
    Adjustment, BonusTrace, ClawbackTrace, Conversion, CreditTrace, Detail, DrawTrace, PieceTrace,
    TableTrace, TierLabel, Trace, TraceContext, TrueUpTrace,
};

use crate::plan::Plan;
use crate::rates::ExchangeRates;
use chrono::NaiveDate;
use pipeline::compute_reusing;

/// Computes one rep's statement for one period; every credit must be in the plan currency
/// (see [`compute_with_rates`] for deals in other currencies).
pub fn compute(plan: &Plan, input: &RepPeriod<'_>) -> Result<Statement, CompError> {
    compute_reusing(plan, input, None, None)
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
    compute_reusing(plan, input, Some(rates), None)
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
    compute_reusing(plan, input, None, Some((previous, changed_from)))
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
    compute_reusing(plan, input, Some(rates), Some((previous, changed_from)))
}
