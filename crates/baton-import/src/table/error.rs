//! What can go wrong reading an export: a whole file, or one row.

use std::fmt;

/// A file that cannot be read at all (as opposed to one bad row in it).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file could not be opened or read.
    #[error("{file}: {source}")]
    Io {
        /// The file's name.
        file: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file has no header row.
    #[error("{file}: the file is empty; expected a header row of field names")]
    Empty {
        /// The file's name.
        file: String,
    },
    /// The header lacks a column every row needs.
    #[error("{file}: the header has no {column} column")]
    MissingColumn {
        /// The file's name.
        file: String,
        /// The column that is missing.
        column: &'static str,
    },
    /// A mapping names a field the record type does not have.
    #[error("{file}: the mapping names {field:?}, which is not a field here; the fields are {}", known.join(", "))]
    UnknownField {
        /// The file's name.
        file: String,
        /// The field the mapping names.
        field: String,
        /// The fields there are.
        known: Vec<&'static str>,
    },
    /// A mapping reads a field from a column the header lacks.
    #[error(
        "{file}: the mapping reads {field} from the column {column:?}, which the header does not have"
    )]
    MappedColumnMissing {
        /// The file's name.
        file: String,
        /// The field.
        field: String,
        /// The column the mapping names.
        column: String,
    },
    /// The file is UTF-16 (Excel's "Unicode text"), which this reader does not decode.
    #[error("{file}: the file is UTF-16; save it as \"CSV UTF-8\" and import again")]
    Utf16 {
        /// The file's name.
        file: String,
    },
}

/// One field of one row that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldFailure {
    /// The column, as the record type names it (`CloseDate`).
    pub field: &'static str,
    /// Why the value was refused.
    pub reason: String,
}

/// A row that was rejected, with where it is and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The file's name.
    pub file: String,
    /// The physical line the record starts on, 1-based; the header is line 1.
    pub line: u64,
    /// The field at fault, when one field is.
    pub field: Option<String>,
    /// Why the row was rejected.
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{}:{}: {field}: {}", self.file, self.line, self.reason),
            None => write!(f, "{}:{}: {}", self.file, self.line, self.reason),
        }
    }
}

impl std::error::Error for RowError {}
