//! The rule behind a line, with the numbers each kind of rule used.
//!
//! Every variant keeps only what its sentence needs; the rarer ones are boxed so that the usual
//! rate line stays small (a large run holds millions of lines).

use super::TableTrace;
use crate::pieces::Pieces;
use baton_model::DealId;
use rust_decimal::Decimal;

/// The rule behind a line.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    /// A rate from a tier table (or a flat rate).
    Rate {
        /// The component whose table applies.
        component: u16,
        /// Position after this credit: credited money so far, or the deal's own amount.
        position: Decimal,
        /// Where the credit landed.
        pieces: Pieces<PieceTrace>,
    },
    /// Earlier credits re-rated when a retroactive tier was reached.
    TrueUp {
        /// The component whose table applies.
        component: u16,
        /// Index of the tier reached.
        reached: u16,
        /// The deal that reached it.
        on_deal: DealId,
        /// What was re-rated.
        pieces: Vec<TrueUpTrace>,
    },
    /// A SPIF.
    Spif {
        /// The SPIF component.
        component: u16,
    },
    /// A once-per-period bonus.
    Bonus(Box<BonusTrace>),
    /// A draw paid, or a recovery of earlier draws.
    Draw(Box<DrawTrace>),
    /// Commission taken back for a refunded or churned deal.
    Clawback(Box<ClawbackTrace>),
}

/// Part of a credit in one tier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PieceTrace {
    /// Money in it.
    pub money: Decimal,
    /// Index of the tier.
    pub tier: u16,
    /// The retroactive tier whose rate applies, when not this tier's own.
    pub rerated_by: Option<u16>,
}

impl PieceTrace {
    /// The rate paid: the re-rating tier's, or the tier's own.
    pub fn rate(&self, table: &TableTrace) -> Decimal {
        table.label(self.rerated_by.unwrap_or(self.tier)).rate
    }
}

/// Earlier money re-rated by a true-up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrueUpTrace {
    /// Index of the band's tier.
    pub tier: u16,
    /// Money in it before.
    pub money: Decimal,
    /// Rate paid before.
    pub old_rate: Decimal,
    /// Rate now.
    pub new_rate: Decimal,
}

/// A once-per-period bonus, as the trace shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BonusTrace {
    /// Attainment at the end of the period.
    pub attainment: Decimal,
    /// Attainment needed.
    pub threshold: Decimal,
    /// Full-period amount.
    pub amount: Decimal,
    /// Proration factor (1 for a full period).
    pub factor: Decimal,
}

/// A clawback, as the trace shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClawbackTrace {
    /// Refund or churn.
    pub reason: crate::clawback::ClawbackReason,
    /// The credit date the commission was paid on.
    pub credited_on: chrono::NaiveDate,
    /// When the deal was refunded or churned.
    pub on: chrono::NaiveDate,
    /// Days between the two.
    pub days: i64,
    /// The plan's clawback window in days.
    pub within: u32,
    /// The amount of the deal refunded or churned.
    pub reversed: Decimal,
    /// The rep's share of it.
    pub reversed_credit: Decimal,
    /// Commission paid on the credit then.
    pub paid: Decimal,
    /// The rate paid then: `paid` over the credit.
    pub rate: Decimal,
}

/// A draw or a recovery, as the trace shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DrawTrace {
    /// [`LineKind::Draw`](crate::statement::LineKind::Draw) or
    /// [`LineKind::Recovery`](crate::statement::LineKind::Recovery).
    pub kind: crate::statement::LineKind,
    /// The guarantee for the period (prorated).
    pub guarantee: Decimal,
    /// Whether the draw is paid in this period.
    pub in_force: bool,
    /// Whether draws are owed back.
    pub recoverable: bool,
    /// What the period earned before the draw.
    pub earned: Decimal,
    /// Owed by the rep at the start of the period.
    pub owed_before: Decimal,
    /// Owed by the rep at the end of the period.
    pub owed_after: Decimal,
    /// Fraction of earnings above the guarantee that is recovered.
    pub recovery_rate: Decimal,
    /// Earnings above the guarantee (or all earnings once the draw has ended).
    pub recovered_from: Decimal,
}
