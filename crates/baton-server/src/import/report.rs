//! What an import did: rows read, created, updated, unchanged and rejected per file, every
//! rejected row written to a CSV report with its file, line, field and reason, notes that
//! concern no single row, and progress handed to a [`Watch`] while it runs (the command line
//! draws a bar, the server keeps it for the page to poll).

use baton_import::table::{Record, RowError, Rows};
use baton_model::imports::{FileSummary, ImportProgress, ImportSummary, RecordSummary};
use baton_store::Counts;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// Who follows an import as it runs.
pub trait Watch: Send {
    /// How often [`Watch::progress`] is wanted.
    fn pause(&self) -> Duration;
    /// How far the import is.
    fn progress(&mut self, progress: &ImportProgress);
    /// Something to know that concerns no single row (also kept in the summary).
    fn note(&mut self, note: &str);
}

/// The running tally of one import.
pub struct Report {
    writer: csv::Writer<std::fs::File>,
    /// Per file: rows read and rejected.
    read: BTreeMap<String, (u64, u64)>,
    /// Per table: what the writes did.
    counts: BTreeMap<&'static str, Counts>,
    notes: Vec<String>,
    started: Instant,
    last_progress: Instant,
    /// The input files' sizes by name, and the sum.
    sizes: BTreeMap<String, u64>,
    total_bytes: u64,
    /// Bytes of the files finished, and the file being read.
    done_bytes: u64,
    current: Option<String>,
    watch: Box<dyn Watch>,
}

impl Report {
    /// A report written to `path`, for an import of `inputs`.
    pub fn create<'p>(
        path: &Path,
        inputs: impl IntoIterator<Item = &'p Path>,
        watch: Box<dyn Watch>,
    ) -> anyhow::Result<Report> {
        let sizes: BTreeMap<String, u64> = inputs
            .into_iter()
            .filter_map(|p| {
                let name = p.file_name()?.to_string_lossy().into_owned();
                Some((name, std::fs::metadata(p).ok()?.len()))
            })
            .collect();
        let mut writer = csv::Writer::from_path(path)
            .map_err(|e| anyhow::anyhow!("cannot write the report {}: {e}", path.display()))?;
        writer.write_record(["file", "line", "field", "reason"])?;
        Ok(Report {
            writer,
            read: BTreeMap::new(),
            counts: BTreeMap::new(),
            notes: Vec::new(),
            started: Instant::now(),
            last_progress: Instant::now(),
            total_bytes: sizes.values().sum(),
            sizes,
            done_bytes: 0,
            current: None,
            watch,
        })
    }

    /// One row read; says how far the import is now and then.
    pub fn read(&mut self, rows: &Rows<impl Record>) {
        let file = rows.file();
        let count = if let Some(entry) = self.read.get_mut(file) {
            entry.0 += 1;
            entry.0
        } else {
            self.read.insert(file.to_owned(), (1, 0));
            if let Some(previous) = self.current.replace(file.to_owned()) {
                self.done_bytes += self.sizes.get(&previous).copied().unwrap_or(0);
            }
            1
        };
        // Checking the clock every row would cost more than the row.
        if count % 512 == 0 && self.last_progress.elapsed() >= self.watch.pause() {
            self.last_progress = Instant::now();
            let progress = self.progress(file, rows.offset());
            self.watch.progress(&progress);
        }
    }

    fn progress(&self, file: &str, offset: u64) -> ImportProgress {
        let rows: u64 = self.read.values().map(|(r, _)| r).sum();
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        #[expect(clippy::cast_precision_loss, reason = "rates and fractions to show")]
        let (rate, fraction) = (
            rows as f64 / seconds,
            (self.done_bytes + offset) as f64 / self.total_bytes.max(1) as f64,
        );
        let fraction = fraction.clamp(0.0, 1.0);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "whole seconds to show"
        )]
        let seconds_left =
            (fraction > 0.0).then(|| (seconds * (1.0 - fraction) / fraction).round() as u64);
        ImportProgress {
            file: file.to_owned(),
            rows,
            rate,
            fraction,
            seconds_left,
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

    /// Something that concerns no single row.
    pub fn note(&mut self, note: String) {
        self.watch.note(&note);
        self.notes.push(note);
    }

    /// Adds what a committed chunk did.
    pub fn add(&mut self, counts: BTreeMap<&'static str, Counts>) {
        for (table, c) in counts {
            *self.counts.entry(table).or_default() += c;
        }
    }

    /// The summary, after writing out the report; `committed` is false when nothing was
    /// written (all or nothing, with rows rejected).
    pub fn finish(mut self, committed: bool) -> anyhow::Result<ImportSummary> {
        self.writer.flush()?;
        Ok(ImportSummary {
            files: self
                .read
                .iter()
                .map(|(file, &(read, rejected))| FileSummary {
                    file: file.clone(),
                    read,
                    rejected,
                })
                .collect(),
            records: self
                .counts
                .iter()
                .map(|(table, c)| RecordSummary {
                    records: (*table).to_owned(),
                    created: c.created,
                    updated: c.updated,
                    unchanged: c.unchanged,
                })
                .collect(),
            read: self.read.values().map(|(r, _)| r).sum(),
            rejected: self.rejected(),
            seconds: self.started.elapsed().as_secs_f64(),
            committed,
            notes: self.notes,
        })
    }
}
