//! What a statement is computed from, besides the plan: one rep, one period, and what happened
//! in it.
//!
//! Credits and clawbacks are borrowed and may include other reps' and other days': a caller
//! computing every rep of a period passes the same slices each time, and the engine keeps what
//! belongs to this rep on the days it was active.

use crate::credit::Credit;
use baton_model::{Money, Period, UserId};
use chrono::NaiveDate;

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
    /// the plan currency): the previous period's [`Statement::draw_owed`](super::Statement::draw_owed); 0 without draws.
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
