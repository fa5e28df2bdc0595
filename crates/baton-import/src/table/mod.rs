//! Reading one CSV export file as a stream of typed records: the part of reading an export that
//! does not depend on which CRM wrote it.
//!
//! Each file is read as a stream of typed rows ([`Rows`]), one record in memory at a time. The
//! reader is forgiving about form and strict about meaning:
//! * encodings: UTF-8 with or without a byte-order mark, Windows-1252/Latin-1 decided per
//!   record (the `decode` module documents why); CRLF or LF line ends; quoted fields with
//!   newlines, commas and doubled quotes; fields of any size;
//! * headers are matched case-insensitively, each known column under any of its names (a
//!   HubSpot column may carry its label or its internal name); columns a record type does not
//!   know are kept per row in `extra`;
//! * dates, date-times, amounts, percentages and booleans as [`parse`](crate::parse) documents;
//! * text that starts with `'` followed by `=`, `+`, `-`, `@`, a tab or a carriage return loses
//!   the `'`: that is how exports (Baton's own among them) neutralise spreadsheet formulas, and
//!   dropping it gives back the text as it was before export (see [`formula`](crate::formula)).
//!
//! A value that cannot be read rejects its row with a [`RowError`] (file, line, field, reason);
//! a row never comes back half-read and no input makes the reader panic.

mod decode;
mod error;
mod row;
mod rows;

pub use error::{FieldFailure, FileError, RowError};
pub use row::Row;
pub use rows::{Rows, open, open_mapped};

/// A kind of record whose export file this reader can parse.
pub trait Record: Sized {
    /// The object's name, which is also its file's name without `.csv` (`Opportunity`).
    const OBJECT: &'static str;
    /// The columns the record reads, its id first. A column known under several names lists
    /// them separated by `|` (`Deal Name|dealname`); errors call it by the first.
    const COLUMNS: &'static [&'static str];
    /// Whether a file without the first column is refused (an export's id column); records
    /// read from any CSV, which may identify rows otherwise, say no.
    const FIRST_REQUIRED: bool = true;

    /// Builds a typed row, or names the first field that cannot be read.
    fn from_row(row: &Row<'_>) -> Result<Self, FieldFailure>;
}

/// The name errors give a column: the first of its names.
pub fn column_name(column: &'static str) -> &'static str {
    column.split('|').next().unwrap_or(column)
}
