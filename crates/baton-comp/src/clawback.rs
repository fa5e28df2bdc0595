//! Clawbacks: a won deal refunded or churned soon after a rep was paid for it takes the
//! commission back, at the rate it was paid then, not at whatever rate the rep earns now.
//!
//! As Salesforce Spiff describes it: "a rep closes a deal in June and receives a $500
//! commission payout. In August, the deal is canceled … The reclaimed amount is the same amount
//! that was paid, and the amount towards quota attainment isn't deducted from total attainment"
//! (<https://help.salesforce.com/s/articleView?id=sales.spiff_clawback.htm&language=en_US&type=5>).
//! A partial refund takes back the same fraction of what was paid.

use crate::credit::CreditKind;
use crate::statement::{LineKind, Statement};
use baton_model::{DealId, Money, UserId};
use chrono::NaiveDate;

/// Why a deal's commission is taken back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClawbackReason {
    /// The customer was refunded.
    Refund,
    /// The customer churned.
    Churn,
}

impl ClawbackReason {
    /// How the reason reads in a trace.
    pub fn label(self) -> &'static str {
        match self {
            ClawbackReason::Refund => "refunded",
            ClawbackReason::Churn => "churned",
        }
    }
}

/// A deal refunded or churned after a rep was paid for it: the input of a clawback line in the
/// statement of the period it happened in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clawback {
    /// The rep who was paid.
    pub rep: UserId,
    /// The deal.
    pub deal: DealId,
    /// The rep's kind of credit on the deal.
    pub kind: CreditKind,
    /// Refund or churn.
    pub reason: ClawbackReason,
    /// The credit date the commission was paid on.
    pub credited_on: NaiveDate,
    /// When the deal was refunded or churned.
    pub on: NaiveDate,
    /// The whole deal amount that was credited.
    pub deal_amount: Money,
    /// How much of the deal was refunded or churned (the whole deal for a churn).
    pub reversed: Money,
    /// What was paid then, as [`Statement::paid_on`] reads it from that period's statement.
    pub paid: Paid,
}

/// What a rep was credited and paid for one deal in one statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paid {
    /// The rep's credit on the deal (plan currency, minor units).
    pub credit: i64,
    /// Everything paid for the deal: commission and SPIF lines after gates and caps.
    pub commission: i64,
}

impl Statement {
    /// What this statement credited and paid the rep for `deal` and credit `kind`, for a later
    /// clawback; `None` when it has no line about that credit.
    pub fn paid_on(&self, deal: DealId, kind: CreditKind) -> Option<Paid> {
        let mut credit = None;
        let mut commission = 0;
        for line in &self.lines {
            let Some(c) = line.trace.credit else { continue };
            if c.deal != deal || c.kind != kind || line.kind == LineKind::Clawback {
                continue;
            }
            credit = Some(c.credit);
            commission += line.amount;
        }
        credit.map(|credit| Paid { credit, commission })
    }
}
