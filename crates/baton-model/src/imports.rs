//! Imports run from the web page or the API: an uploaded export or spreadsheet becomes an
//! import job, which shows its progress while it runs and keeps its summary and report of
//! rejected rows afterwards (see `docs/import.md`).

use crate::UserId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// Where an import's files come from.
    pub enum ImportSource as "import source" {
        /// A Salesforce Data Export (per-object CSV files).
        Salesforce = "salesforce",
        /// A HubSpot export (CSV files named after what they hold).
        Hubspot = "hubspot",
        /// Any CSV of one kind of record.
        Csv = "csv",
    }
}

crate::string_enum! {
    /// The kind of record a CSV import holds.
    pub enum CsvObject as "CSV object" {
        Accounts = "accounts",
        Contacts = "contacts",
        Deals = "deals",
        Activities = "activities",
    }
}

crate::string_enum! {
    /// Where an import job is.
    pub enum ImportStatus as "import status" {
        /// A CSV uploaded and read as far as its header and first rows, waiting for its
        /// mapping to be confirmed.
        Preview = "preview",
        /// Reading and writing.
        Running = "running",
        /// Finished (with or without rejected rows; see the summary).
        Done = "done",
        /// Stopped by an error that concerns the whole import (an unreadable file, a mapping
        /// naming a missing column); `error` says which.
        Failed = "failed",
        /// The server running it stopped before it finished. What was committed stays, and
        /// importing the same files again completes it without doubling anything.
        Interrupted = "interrupted",
    }
}

/// How to import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ImportOptions {
    /// Write nothing unless every row can be imported.
    pub all_or_nothing: bool,
    /// Add the stages the default pipeline lacks.
    pub create_stages: bool,
    /// Keep columns Baton does not read as text custom fields.
    pub custom_fields: bool,
}

/// How far a running import is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportProgress {
    /// The file being read.
    pub file: String,
    /// Rows read so far, of all files.
    pub rows: u64,
    /// Rows per second so far.
    pub rate: f64,
    /// The share of the input's bytes read, 0 to 1.
    pub fraction: f64,
    /// Seconds left at this pace, once known.
    pub seconds_left: Option<u64>,
}

/// Rows read and rejected from one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FileSummary {
    pub file: String,
    pub read: u64,
    pub rejected: u64,
}

/// What an import did to one kind of record (a table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecordSummary {
    pub records: String,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportSummary {
    /// Per input file.
    pub files: Vec<FileSummary>,
    /// Per kind of record written.
    pub records: Vec<RecordSummary>,
    /// Things to know that concern no single row: files skipped, columns left out or kept as
    /// custom fields, stages added, records given to the importer for want of an owner.
    pub notes: Vec<String>,
    pub read: u64,
    pub rejected: u64,
    pub seconds: f64,
    /// False when `all_or_nothing` found rejected rows and wrote nothing.
    pub committed: bool,
}

/// A column of an uploaded CSV matched to a Baton field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MappedField {
    pub field: String,
    /// The column it is read from, `None` when none was found.
    pub column: Option<String>,
}

/// An uploaded CSV's header, its first rows, and the mapping Baton found, to confirm.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportPreview {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub fields: Vec<MappedField>,
}

/// One import run from the web page or the API.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportJob {
    pub id: i64,
    pub source: ImportSource,
    /// What a CSV import holds.
    pub object: Option<CsvObject>,
    /// The uploaded files' names.
    pub files: Vec<String>,
    pub options: ImportOptions,
    pub status: ImportStatus,
    /// A CSV's preview, while the job waits for its mapping to be confirmed.
    pub preview: Option<ImportPreview>,
    pub progress: Option<ImportProgress>,
    pub summary: Option<ImportSummary>,
    /// Why the import failed.
    pub error: Option<String>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}
