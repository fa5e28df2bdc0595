//! `baton import salesforce DIR`, `baton import hubspot DIR`, `baton import csv FILE` and
//! `baton generate`: CRM exports and spreadsheets into the database, and realistic Salesforce
//! exports of any size to try it on.
//!
//! Files stream through in chunks of [`CHUNK`] rows, one transaction each, so memory stays
//! bounded and a run killed at any point and run again ends where an uninterrupted run would
//! (records keep their Salesforce ids; see `baton_store::Import`). With `--all-or-nothing`
//! everything goes in one transaction, committed only if no row was rejected.

mod csv;
mod hubspot;
mod report;
mod run;
mod salesforce;

use crate::cli::Cli;
use anyhow::Context;
use baton_import::GenerateConfig;
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Rows per transaction.
const CHUNK: usize = 5_000;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// A Salesforce Data Export: a directory of per-object CSV files (User.csv, Account.csv,
    /// Contact.csv, Opportunity.csv, OpportunityHistory.csv, …).
    Salesforce(ExportArgs),
    /// A HubSpot export: a directory of CSV files named after what they hold (companies,
    /// contacts, deals, calls, emails, meetings, notes, tasks or engagements, owners).
    Hubspot(ExportArgs),
    /// Any CSV of accounts, contacts, deals or activities; fields are found by their names or
    /// common headers, or from the columns a mapping names.
    Csv(CsvArgs),
}

/// `baton import csv`.
#[derive(Args)]
pub struct CsvArgs {
    /// What the file holds.
    #[arg(long)]
    object: CsvKind,
    /// A TOML file of `field = "Column"` lines (`close_date = "Expected Close"`).
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// One field's column, `field=Column`; repeatable, and wins over the mapping file.
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    map: Vec<String>,
    /// Write nothing unless every row can be imported.
    #[arg(long, env = "BATON_ALL_OR_NOTHING")]
    all_or_nothing: bool,
    /// Add stages the default pipeline lacks (deals only).
    #[arg(long, env = "BATON_CREATE_STAGES")]
    create_stages: bool,
    /// Where to write the rejected rows; default `<file>.report.csv` beside the file.
    #[arg(long, env = "BATON_IMPORT_REPORT")]
    report: Option<PathBuf>,
    /// The CSV file.
    file: PathBuf,
}

/// The objects `baton import csv` takes.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CsvKind {
    Accounts,
    Contacts,
    Deals,
    Activities,
}

/// A directory of export files and how to import it.
#[derive(Args)]
pub struct ExportArgs {
    /// The export directory.
    dir: PathBuf,
    /// Write nothing unless every row can be imported (default: import the good rows and
    /// report the others).
    #[arg(long, env = "BATON_ALL_OR_NOTHING")]
    all_or_nothing: bool,
    /// Add stages the default pipeline lacks, as the export's picklist has them (default:
    /// reject deals in unknown stages).
    #[arg(long, env = "BATON_CREATE_STAGES")]
    create_stages: bool,
    /// Keep columns Baton does not read as text custom fields of their record type (default:
    /// name them and leave them out).
    #[arg(long, env = "BATON_CUSTOM_FIELDS")]
    custom_fields: bool,
    /// Where to write the rejected rows (CSV: file, line, field, reason); default
    /// `import-report.csv` in the export directory.
    #[arg(long, env = "BATON_IMPORT_REPORT")]
    report: Option<PathBuf>,
}

impl ExportArgs {
    /// Where the report goes, after naming the directory's other files (`what` Baton does not
    /// import) as skipped; an earlier run's report is not one of them.
    fn report_path(&self, unrecognised: &[PathBuf], what: &str) -> PathBuf {
        let report = self.dir.join("import-report.csv");
        for path in unrecognised.iter().filter(|p| **p != report) {
            eprintln!("{}: not {what} Baton imports; skipped", path.display());
        }
        self.report.clone().unwrap_or(report)
    }
}

/// `baton generate`.
#[derive(Args)]
pub struct GenerateArgs {
    /// Sales reps.
    #[arg(long, default_value_t = 50)]
    reps: u32,
    /// Accounts.
    #[arg(long, default_value_t = 2_000)]
    accounts: u32,
    /// Opportunities.
    #[arg(long, default_value_t = 20_000)]
    deals: u64,
    /// Tasks, events and emails together.
    #[arg(long, default_value_t = 200_000)]
    activities: u64,
    /// The same arguments and seed write byte-identical files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The export's "today" (YYYY-MM-DD).
    #[arg(long, default_value = "2026-11-01")]
    as_of: chrono::NaiveDate,
    /// Directory to write the CSV files and `ground_truth.json` to.
    #[arg(long)]
    out: PathBuf,
}

/// Runs `baton import …`.
pub async fn run(cli: &Cli, command: &ImportCommand) -> anyhow::Result<()> {
    match command {
        ImportCommand::Salesforce(args) => salesforce::import(&cli.open().await?, args).await,
        ImportCommand::Hubspot(args) => hubspot::import(&cli.open().await?, args).await,
        ImportCommand::Csv(args) => csv::import(&cli.open().await?, args).await,
    }
}

/// Runs `baton generate`.
pub fn generate(args: &GenerateArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let config = GenerateConfig {
        reps: args.reps,
        accounts: args.accounts,
        deals: args.deals,
        activities: args.activities,
        seed: args.seed,
        as_of: args.as_of,
    };
    let started = std::time::Instant::now();
    let summary = baton_import::generate(&config, &args.out)
        .with_context(|| format!("writing to {}", args.out.display()))?;
    for (file, rows) in &summary.files {
        println!("{file:<32} {rows:>12} rows");
    }
    println!(
        "{} rows in {:.1} s into {}",
        summary.total_rows(),
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}
