//! What an import did: rows read, created, updated, unchanged and rejected per file, every
//! rejected row written to a CSV report with its file, line, field and reason, and progress on
//! stderr while it runs (rows and rows per second, every two seconds).

use baton_import::salesforce::RowError;
use baton_store::Counts;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The running tally of one import.
pub struct Report {
    path: PathBuf,
    writer: csv::Writer<std::fs::File>,
    /// Per file: rows read and rejected.
    read: BTreeMap<String, (u64, u64)>,
    /// Per table: what the writes did.
    counts: BTreeMap<&'static str, Counts>,
    started: Instant,
    last_progress: Instant,
}

impl Report {
    pub fn create(path: &Path) -> anyhow::Result<Report> {
        let mut writer = csv::Writer::from_path(path)
            .map_err(|e| anyhow::anyhow!("cannot write the report {}: {e}", path.display()))?;
        writer.write_record(["file", "line", "field", "reason"])?;
        Ok(Report {
            path: path.to_owned(),
            writer,
            read: BTreeMap::new(),
            counts: BTreeMap::new(),
            started: Instant::now(),
            last_progress: Instant::now(),
        })
    }

    /// One row read from `file`; says how far the file is every two seconds.
    pub fn read(&mut self, file: &str) {
        let rows = if let Some(entry) = self.read.get_mut(file) {
            entry.0 += 1;
            entry.0
        } else {
            self.read.insert(file.to_owned(), (1, 0));
            1
        };
        // Checking the clock every row would cost more than the row.
        if rows % 4096 == 0 && self.last_progress.elapsed() >= Duration::from_secs(2) {
            self.last_progress = Instant::now();
            let total: u64 = self.read.values().map(|(r, _)| r).sum();
            let seconds = self.started.elapsed().as_secs_f64().max(0.001);
            #[expect(clippy::cast_precision_loss, reason = "a rate to print")]
            let rate = total as f64 / seconds;
            eprintln!("{file}: {rows} rows; {total} rows in all, {rate:.0} rows/s");
        }
    }

    /// A row rejected, with why.
    pub fn reject(&mut self, error: &RowError) -> anyhow::Result<()> {
        self.read.entry(error.file.clone()).or_default().1 += 1;
        self.writer.write_record([
            error.file.as_str(),
            &error.line.to_string(),
            error.field.as_deref().unwrap_or(""),
            &error.reason,
        ])?;
        Ok(())
    }

    pub fn rejected(&self) -> u64 {
        self.read.values().map(|(_, r)| r).sum()
    }

    /// Adds what a committed chunk did.
    pub fn add(&mut self, counts: BTreeMap<&'static str, Counts>) {
        for (table, c) in counts {
            *self.counts.entry(table).or_default() += c;
        }
    }

    /// Prints the summary and where the report is.
    pub fn finish(mut self, committed: bool) -> anyhow::Result<()> {
        self.writer.flush()?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{:<32} {:>10} {:>10}", "file", "read", "rejected")?;
        for (file, (read, rejected)) in &self.read {
            writeln!(out, "{file:<32} {read:>10} {rejected:>10}")?;
        }
        writeln!(
            out,
            "{:<32} {:>10} {:>10} {:>10}",
            "records", "created", "updated", "unchanged"
        )?;
        for (table, c) in &self.counts {
            writeln!(
                out,
                "{table:<32} {:>10} {:>10} {:>10}",
                c.created, c.updated, c.unchanged
            )?;
        }
        let read: u64 = self.read.values().map(|(r, _)| r).sum();
        writeln!(
            out,
            "{read} rows read, {} rejected, in {:.1} s{}; rejected rows: {}",
            self.rejected(),
            self.started.elapsed().as_secs_f64(),
            if committed {
                ""
            } else {
                " — nothing was written (--all-or-nothing)"
            },
            self.path.display()
        )?;
        Ok(())
    }
}
