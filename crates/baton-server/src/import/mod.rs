//! Importing CRM exports and spreadsheets: a Salesforce Data Export, a HubSpot export, or any
//! CSV of accounts, contacts, deals or activities. `baton import` runs these from the command
//! line, and the server from an upload ([`jobs`]).
//!
//! Files stream through in chunks of [`CHUNK`] rows, one transaction each, so memory stays
//! bounded and a run killed at any point and run again ends where an uninterrupted run would
//! (records keep their source ids; see `baton_store::Import`). All or nothing puts everything
//! in one transaction, committed only if no row was rejected.

mod csv;
mod hubspot;
pub mod jobs;
mod report;
mod run;
mod salesforce;

pub use report::Watch;

use baton_model::imports::{CsvObject, ImportOptions, ImportSummary};
use baton_store::{Actor, Store};
use report::Report;
use std::path::{Path, PathBuf};

/// Rows per transaction.
const CHUNK: usize = 5_000;

/// What to import.
#[derive(Debug, Clone)]
pub enum Input {
    /// A directory of Salesforce Data Export files (User.csv, Account.csv, Opportunity.csv, …).
    Salesforce(PathBuf),
    /// A directory of HubSpot export files, named after what they hold.
    Hubspot(PathBuf),
    /// One CSV of `object`s, with `(field, column)` pairs for the fields found under other
    /// names.
    Csv {
        object: CsvObject,
        file: PathBuf,
        mapping: Vec<(String, String)>,
    },
}

impl Input {
    /// Where the report of rejected rows goes unless told otherwise: `import-report.csv` in an
    /// export's directory, `<file>.report.csv` beside a CSV.
    pub fn default_report(&self) -> PathBuf {
        match self {
            Input::Salesforce(dir) | Input::Hubspot(dir) => dir.join("import-report.csv"),
            Input::Csv { file, .. } => file.with_extension("report.csv"),
        }
    }
}

/// Imports `input` as `actor` (an admin or coordinator), writing rejected rows to `report`
/// and telling `watch` how far it is. An input that cannot be read at all (no export files, a
/// mapping naming a missing column) is an error before anything is written; rejected rows are
/// counted in the summary (with all or nothing, nothing is written if there are any).
pub async fn import(
    store: &Store,
    actor: Actor,
    input: &Input,
    options: ImportOptions,
    report: &Path,
    watch: Box<dyn Watch>,
) -> anyhow::Result<ImportSummary> {
    match input {
        Input::Salesforce(dir) => {
            salesforce::import(store, actor, dir, options, report, watch).await
        }
        Input::Hubspot(dir) => hubspot::import(store, actor, dir, options, report, watch).await,
        Input::Csv {
            object,
            file,
            mapping,
        } => {
            csv::import(
                store,
                actor,
                (*object, file, mapping),
                options,
                report,
                watch,
            )
            .await
        }
    }
}

/// Notes the files of an export directory that are not `what` Baton imports, except the
/// report an earlier run left there.
fn skipped(report: &mut Report, unrecognised: &[PathBuf], report_path: &Path, what: &str) {
    for path in unrecognised.iter().filter(|p| *p != report_path) {
        let name = path
            .file_name()
            .unwrap_or(path.as_os_str())
            .to_string_lossy();
        report.note(format!("{name}: not {what} Baton imports; skipped"));
    }
}
