//! The commission engine: plain data in, plain data out, no I/O, exact decimal or integer
//! arithmetic only (money is never a float).
//!
//! * [`plan`]: commission plans as versioned, effective-dated TOML that finance reads, checked
//!   with errors that name the line and the field.
//! * [`credit`]: who is credited for a won deal: owner, revenue and overlay splits, manager
//!   roll-up.
//! * [`statement`]: one rep's statement for one period: the attainment walk over credits in
//!   credit-date order, marginal and retroactive tiers, gates, caps, SPIFs, bonuses,
//!   proration and draws with their recovery, each line with its trace. Traces are kept as
//!   compact data sharing one context per statement and rendered to text only when read.
//! * [`ledger`]: what a recompute adds to an append-only ledger: reversals and rebookings of
//!   what changed, adjustments in the next open period for frozen ones.
//! * [`rates`]: dated exchange rates: a credit in another currency than the plan's is converted
//!   at the latest rate on or before its credit date ([`compute_with_rates`]), and its trace
//!   shows the conversion.
//! * [`amount`]: money as decimals, rounding, and how numbers read in traces.
#![forbid(unsafe_code)]

pub mod amount;
pub mod clawback;
pub mod credit;
mod id_hash;
pub mod ledger;
pub mod pieces;
pub mod plan;
pub mod rates;
pub mod statement;

pub use amount::Rounding;
pub use clawback::{Clawback, ClawbackReason, Paid};
pub use credit::{Attributes, Credit, CreditError, CreditKind, Deal, Hierarchy, Split, SplitKind};
pub use ledger::{Booking, EntryKind, LedgerEntry, PeriodStatus, Target, reconcile};
pub use plan::{Draw, Plan, PlanError, PlanErrors};
pub use rates::{ExchangeRates, Rate, RateError};
pub use statement::{
    Active, CompError, Line, LineKey, LineKind, RepPeriod, Statement, compute, compute_with_rates,
    recompute_from, recompute_with_rates,
};
