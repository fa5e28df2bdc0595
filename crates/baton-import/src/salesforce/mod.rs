//! Reading a Salesforce Data Export: one CSV file per object, a header row of API field names.
//!
//! Each file is read as a stream of typed rows ([`Rows`]), one record in memory at a time. The
//! reader is forgiving about form and strict about meaning:
//! * encodings: UTF-8 with or without a byte-order mark, Windows-1252/Latin-1 decided per
//!   record (the `decode` module documents why); CRLF or LF line ends; quoted fields with
//!   newlines, commas and doubled quotes; fields of any size;
//! * headers are matched case-insensitively; columns an object does not know are kept per row
//!   in `extra`;
//! * ids of 15 or 18 characters, normalised to 18 ([`SfId`](crate::SfId));
//! * dates, date-times, amounts, percentages and booleans as [`parse`](crate::parse) documents;
//! * text that starts with `'` followed by `=`, `+`, `-`, `@`, a tab or a carriage return loses
//!   the `'`: that is how exports (Baton's own among them) neutralise spreadsheet formulas, and
//!   dropping it gives back the text as it was before export (see [`formula`](crate::formula)).
//!
//! A value that cannot be read rejects its row with a [`RowError`] (file, line, field, reason);
//! a row never comes back half-read and no input makes the reader panic.

mod decode;
mod error;
mod files;
pub mod objects;
mod row;
mod rows;
mod stages;

pub use error::{FieldFailure, FileError, RowError};
pub use files::{ExportFiles, KNOWN_OBJECTS, read_dir};
pub use objects::{
    SfAccount, SfContact, SfContactRole, SfEmail, SfEvent, SfOpportunity, SfOpportunityHistory,
    SfSplit, SfSplitType, SfTask, SfUser,
};
pub use row::Row;
pub use rows::{Rows, open};
pub use stages::{StagePicklist, StageSeen};

/// A Salesforce object whose export file this reader can parse.
pub trait SfObject: Sized {
    /// The object's API name, which is also its file's name without `.csv` (`Opportunity`).
    const OBJECT: &'static str;
    /// The Salesforce field names the object reads, `Id` first.
    const COLUMNS: &'static [&'static str];

    /// Builds a typed row, or names the first field that cannot be read.
    fn from_row(row: &Row<'_>) -> Result<Self, FieldFailure>;
}
