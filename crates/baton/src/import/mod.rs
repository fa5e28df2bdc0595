//! `baton import salesforce DIR`, `baton import hubspot DIR`, `baton import csv FILE` and
//! `baton generate`: CRM exports and spreadsheets into the database (the importers are
//! `baton_server::import`, which the web page's uploads use too), and realistic Salesforce
//! exports of any size to try it on.

mod terminal;

use crate::cli::Cli;
use anyhow::Context;
use baton_import::GenerateConfig;
use baton_model::imports::{CsvObject, ImportOptions, ImportSummary};
use baton_server::import::Input;
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::str::FromStr;

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
    /// What the file holds: accounts, contacts, deals or activities.
    #[arg(long, value_parser = CsvObject::from_str)]
    object: CsvObject,
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

/// The `(field, column)` pairs of a mapping file (`field = "Column"` lines of TOML) and of
/// `--map field=Column` flags, the flags winning.
fn mapping(args: &CsvArgs) -> anyhow::Result<Vec<(String, String)>> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let Some(path) = &args.mapping {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the mapping {}", path.display()))?;
        let table: toml::Table =
            toml::from_str(&text).with_context(|| format!("{}", path.display()))?;
        for (field, column) in table {
            let Some(column) = column.as_str() else {
                anyhow::bail!(
                    "{}: {field} must be a column name in quotes",
                    path.display()
                );
            };
            pairs.push((field, column.to_owned()));
        }
    }
    for flag in &args.map {
        let Some((field, column)) = flag.split_once('=') else {
            anyhow::bail!("--map {flag:?}: expected field=Column");
        };
        pairs.retain(|(f, _)| f != field.trim());
        pairs.push((field.trim().to_owned(), column.trim().to_owned()));
    }
    Ok(pairs)
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

/// Runs `baton import …`: the import as the operator (after giving a new data directory its
/// organisation: an import may be the first thing it sees), then its summary on stdout.
pub async fn run(cli: &Cli, command: &ImportCommand) -> anyhow::Result<()> {
    let (input, options, report) = match command {
        ImportCommand::Salesforce(args) | ImportCommand::Hubspot(args) => {
            let input = match command {
                ImportCommand::Salesforce(_) => Input::Salesforce(args.dir.clone()),
                _ => Input::Hubspot(args.dir.clone()),
            };
            let options = ImportOptions {
                all_or_nothing: args.all_or_nothing,
                create_stages: args.create_stages,
                custom_fields: args.custom_fields,
            };
            (input, options, args.report.clone())
        }
        ImportCommand::Csv(args) => {
            let input = Input::Csv {
                object: args.object,
                file: args.file.clone(),
                mapping: mapping(args)?,
            };
            let options = ImportOptions {
                all_or_nothing: args.all_or_nothing,
                create_stages: args.create_stages,
                custom_fields: false,
            };
            (input, options, args.report.clone())
        }
    };
    let report = report.unwrap_or_else(|| input.default_report());
    let store = cli.open().await?;
    store
        .init_org(
            "Baton",
            &baton_model::records::OrgSettingsChanges::default(),
        )
        .await?;
    let actor = crate::comp::operator(&store, None).await?;
    let summary = baton_server::import::import(
        &store,
        actor,
        &input,
        options,
        &report,
        Box::new(terminal::Terminal::new()),
    )
    .await?;
    terminal::clear();
    print_summary(&summary, &report)?;
    if !summary.committed {
        anyhow::bail!("rows were rejected; nothing was imported");
    }
    Ok(())
}

/// The summary as a table of files and one of records, then a line of totals.
fn print_summary(summary: &ImportSummary, report: &std::path::Path) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{:<32} {:>10} {:>10}", "file", "read", "rejected")?;
    for f in &summary.files {
        writeln!(out, "{:<32} {:>10} {:>10}", f.file, f.read, f.rejected)?;
    }
    writeln!(
        out,
        "{:<32} {:>10} {:>10} {:>10}",
        "records", "created", "updated", "unchanged"
    )?;
    for r in &summary.records {
        writeln!(
            out,
            "{:<32} {:>10} {:>10} {:>10}",
            r.records, r.created, r.updated, r.unchanged
        )?;
    }
    writeln!(
        out,
        "{} rows read, {} rejected, in {:.1} s{}; rejected rows: {}",
        summary.read,
        summary.rejected,
        summary.seconds,
        if summary.committed {
            ""
        } else {
            " — nothing was written (--all-or-nothing)"
        },
        report.display()
    )?;
    Ok(())
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
