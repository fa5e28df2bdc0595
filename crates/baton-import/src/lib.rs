//! The file side of importing into Baton: reading CRM exports and generating realistic ones.
//!
//! * [`salesforce`] reads a Salesforce Data Export (one CSV per object) into typed rows, one
//!   record at a time, rejecting bad rows with their file, line and reason.
//! * [`generate`](mod@generate) writes a deterministic, realistic Salesforce-shaped export of any size, with a
//!   ground-truth file describing the behaviours planted in it, for benchmarks, demos and signal
//!   backtests.
//! * [`parse`] holds the field parsers both rely on (dates, amounts, booleans…).
//! * [`sfid`] handles Salesforce's 15- and 18-character ids.
//! * [`formula`] neutralises spreadsheet formulas in exported text cells, and undoes it.
//!
//! No database and no HTTP here: the importer that writes rows into the store builds on this.
#![forbid(unsafe_code)]

pub mod formula;
pub mod generate;
pub mod parse;
pub mod salesforce;
pub mod sfid;

pub use generate::{GenerateConfig, GenerateSummary, generate};
pub use sfid::{SfId, to_18};
