//! Exports: the whole organisation as a Salesforce-shaped zip of CSV files that
//! `baton import salesforce` reads back ([`org`]), and one list with its filters as a CSV or
//! XLSX file ([`list`]), and a SQL console result as CSV ([`sql`]).
//!
//! Both read through the store's visibility-checked lists, a page at a time in id order, so an
//! export holds one page in memory and never contains a record its caller may not see. Every
//! CSV cell goes through [`baton_import::formula::neutralise`]; XLSX cells are written as typed
//! values, text as strings, never as formulas.

pub mod list;
pub mod org;
pub(crate) mod record;
pub(crate) mod report;
mod snapshots;
pub mod sql;

pub use org::{OrgExport, write_org};

/// Records read per store call.
const PAGE: u32 = 500;
