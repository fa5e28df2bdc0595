//! The file side of importing into Baton: reading CRM exports and generating realistic ones.
//!
//! * [`salesforce`] reads a Salesforce Data Export (one CSV per object) into typed rows, one
//!   record at a time, rejecting bad rows with their file, line and reason.
//! * [`generate`](mod@generate) writes a deterministic, realistic Salesforce-shaped export of any size, with a
//!   ground-truth file describing the behaviours planted in it, for benchmarks, demos and signal
//!   backtests.
//! * [`generic`] reads any CSV of accounts, contacts, deals or activities, with a mapping.
//! * [`hubspot`] reads HubSpot's CSV exports of companies, contacts, deals and activities.
//! * [`table`] streams one CSV file into typed records; both readers build on it.
//! * [`parse`] holds the field parsers they rely on (dates, amounts, booleans…).
//! * [`sfid`] handles Salesforce's 15- and 18-character ids.
//! * [`formula`] neutralises spreadsheet formulas in exported text cells, and undoes it.
//!
//! No database and no HTTP here: the importer that writes rows into the store builds on this.
#![forbid(unsafe_code)]

/// Declares a record's known columns: a `COLUMNS` list of column names and one index constant
/// per column, in order. The first column must be the record's id; a column known under
/// several names lists them separated by `|`.
macro_rules! columns {
    ($($name:ident = $api:literal),+ $(,)?) => {
        /// The columns this record reads, its id first.
        const COLUMNS: &[&str] = &[$($api),+];
        columns!(@index 0_usize; $($name),+);
    };
    (@index $n:expr; $name:ident $(, $rest:ident)*) => {
        const $name: usize = $n;
        columns!(@index $n + 1; $($rest),*);
    };
    (@index $n:expr;) => {};
}

pub mod formula;
pub mod generate;
pub mod generic;
pub mod hubspot;
pub mod parse;
pub mod salesforce;
pub mod sfid;
pub mod table;

pub use generate::{GenerateConfig, GenerateSummary, generate};
pub use sfid::{SfId, to_18};
