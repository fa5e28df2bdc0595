//! Traces: the numbers behind each statement line, and how they read.
//!
//! A trace is kept as data and turned into text only when someone reads it, so a full recompute
//! of a thousand reps does not format a million sentences nobody asked for. The text reads like
//! the arithmetic finance would write by hand:
//!
//! `deal 17: $120,000 × 50 % revenue split = $60,000 credit; attainment after this deal 112 % of
//! $500,000 → tier 100–150 %, 12 % marginal: $60,000 × 12 % = $7,200`
//!
//! The data is split by what it describes: `context` holds what every line of a statement
//! shares (the tier tables as traces name them), `detail` the rule behind one line, and this
//! module the trace itself with what changed its amount afterwards. `render` writes a trace as
//! one sentence, from the wording of each part in `phrases`.

mod context;
mod detail;
mod phrases;
mod render;

pub use context::{TableTrace, TierLabel, TraceContext};
pub use detail::{BonusTrace, ClawbackTrace, Detail, DrawTrace, PieceTrace, TrueUpTrace};

use crate::credit::CreditKind;
use baton_model::{DealId, Money, Percent};
use rust_decimal::Decimal;
use std::sync::Arc;

/// The numbers behind one line.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// What the statement's lines share.
    pub context: Arc<TraceContext>,
    /// The credit the line is about, if any.
    pub credit: Option<CreditTrace>,
    /// The rule applied.
    pub detail: Detail,
    /// What the rule computed, exactly.
    pub computed: Decimal,
    /// What few lines have (gates, caps, a currency conversion), boxed so that the usual line
    /// carries one word for it: a large run holds millions of lines.
    extra: Option<Box<Extra>>,
}

/// The rarely present parts of a trace.
#[derive(Debug, Clone, PartialEq, Default)]
struct Extra {
    adjustments: Vec<Adjustment>,
    conversion: Option<Conversion>,
}

/// A credit in another currency than the plan's, converted at the rate of its credit date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conversion {
    /// The credit in the deal's currency.
    pub original: Money,
    /// Plan-currency units per unit of the deal's currency.
    pub rate: Decimal,
    /// The date of the rate applied: the latest on or before the credit date.
    pub rate_date: chrono::NaiveDate,
    /// The credit date.
    pub credit_date: chrono::NaiveDate,
    /// `original × rate` in major units of the plan currency, before rounding.
    pub exact: Decimal,
}

/// A credit, as the trace shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CreditTrace {
    /// The deal.
    pub deal: DealId,
    /// Revenue, overlay or roll-up.
    pub kind: CreditKind,
    /// The rep's share.
    pub share: Percent,
    /// The whole deal amount.
    pub deal_amount: Money,
    /// The credited amount, in minor units of the statement currency.
    pub credit: i64,
}

/// Something that changed a line's amount after its rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Adjustment {
    /// Attainment ended below a gate.
    Gate {
        /// Attainment at the end of the period.
        attainment: Decimal,
        /// The gate.
        below: Decimal,
        /// Fraction still paid.
        pay: Decimal,
    },
    /// The per-deal cap was reached.
    DealCap {
        /// The cap.
        cap: Decimal,
        /// Already paid on this deal by earlier lines.
        already: Decimal,
        /// The line before the cap.
        before: Decimal,
    },
    /// The per-period cap was reached.
    PeriodCap {
        /// The (prorated) cap.
        cap: Decimal,
        /// Already paid in the period by earlier lines.
        already: Decimal,
        /// The line before the cap.
        before: Decimal,
    },
}

impl Trace {
    pub(super) fn new(
        context: &Arc<TraceContext>,
        credit: Option<CreditTrace>,
        detail: Detail,
        computed: Decimal,
    ) -> Self {
        Trace {
            context: Arc::clone(context),
            credit,
            detail,
            computed,
            extra: None,
        }
    }

    /// The same trace for a credit that was converted from another currency.
    pub(super) fn converted(mut self, conversion: Option<Conversion>) -> Self {
        if conversion.is_some() {
            self.extra.get_or_insert_default().conversion = conversion;
        }
        self
    }

    /// Gates and caps that changed the amount, in the order applied.
    pub fn adjustments(&self) -> &[Adjustment] {
        self.extra.as_ref().map_or(&[], |e| &e.adjustments)
    }

    /// How the credit was converted into the plan currency, when it was in another.
    pub fn conversion(&self) -> Option<&Conversion> {
        self.extra.as_ref().and_then(|e| e.conversion.as_ref())
    }

    /// The gates and caps, to restate a kept line's gate at a new attainment.
    pub(super) fn adjustments_mut(&mut self) -> &mut [Adjustment] {
        self.extra
            .as_mut()
            .map_or(&mut [], |e| e.adjustments.as_mut_slice())
    }

    /// Records a gate or cap that changed the amount.
    pub(super) fn adjust(&mut self, adjustment: Adjustment) {
        self.extra
            .get_or_insert_default()
            .adjustments
            .push(adjustment);
    }

    /// What is paid before rounding: `computed`, scaled by a gate that closed.
    pub fn pay(&self) -> Decimal {
        self.adjustments()
            .iter()
            .find_map(|a| match a {
                Adjustment::Gate { pay, .. } => Some(self.computed * *pay),
                _ => None,
            })
            .unwrap_or(self.computed)
    }
}
