//! What a statement gives back: the lines and their totals, and what the next recompute needs.

use super::lines::{Checkpoints, Line};
use baton_model::{Currency, Money, Period, UserId};
use rust_decimal::Decimal;

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
    /// carried into the next period's [`RepPeriod::draw_owed`](super::RepPeriod::draw_owed).
    pub draw_owed: i64,
    /// Walk states by credit date, for [`recompute_from`](super::recompute_from).
    pub(super) checkpoints: Checkpoints,
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
