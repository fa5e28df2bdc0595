//! What the lines of one statement share: the plan's rules as traces name them.
//!
//! Every line points at one [`TraceContext`] instead of copying the tables, so a line stays
//! small however many tiers the plan has.

use crate::amount::Rounding;
use crate::plan::{Measure, SpifPay};
use baton_model::Currency;
use rust_decimal::Decimal;
use std::sync::Arc;

/// What every line of one statement shares: how its amounts read and the plan's rules as
/// traces name them. Lines point at it instead of copying it, so a line stays small.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceContext {
    /// Currency of every amount.
    pub currency: Currency,
    /// How lines are rounded.
    pub rounding: Rounding,
    /// Component ids, by component index (part of every ledger key).
    pub components: Vec<Arc<str>>,
    /// Each rate component's table, by component index.
    pub tables: Vec<Option<TableTrace>>,
    /// Each SPIF component's pay and condition in words, by component index.
    pub spifs: Vec<Option<(SpifPay, Option<String>)>>,
}

impl TraceContext {
    /// The table of a rate component, by component index.
    pub(super) fn table(&self, component: u16) -> &TableTrace {
        self.tables[usize::from(component)]
            .as_ref()
            .expect("a rate line names a rate component")
    }
}

/// A tier, as the trace names it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TierLabel {
    /// What its bounds measure.
    pub measure: Measure,
    /// Lower bound.
    pub from: Decimal,
    /// Upper bound, if any.
    pub to: Option<Decimal>,
    /// Whether it is retroactive.
    pub retroactive: bool,
    /// Its own rate.
    pub rate: Decimal,
}

/// A tier table as traces show it.
#[derive(Debug, Clone, PartialEq)]
pub struct TableTrace {
    /// What the bounds measure.
    pub measure: Measure,
    /// A single open tier: a flat rate.
    pub flat: bool,
    /// The prorated quota.
    pub quota: Decimal,
    /// The tiers.
    pub tiers: Vec<TierLabel>,
}

impl TableTrace {
    /// A tier, by index.
    pub(super) fn label(&self, tier: u16) -> TierLabel {
        self.tiers[usize::from(tier)]
    }
}
