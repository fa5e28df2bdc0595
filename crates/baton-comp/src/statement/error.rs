//! Why a statement could not be computed: one typed error for the engine, each variant naming
//! the plan, rep, deal or date at fault so that a caller can show it as it is.

use baton_model::{Currency, DealId, Money, UserId};
use chrono::NaiveDate;

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
