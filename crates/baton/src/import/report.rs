//! What an import did: rows read, created, updated, unchanged and rejected per file, every
//! rejected row written to a CSV report with its file, line, field and reason, and progress on
//! stderr while it runs: on a terminal a bar redrawn five times a second with rows per second
//! and time left (from the bytes read of all the input files), otherwise a plain line every
//! two seconds.

use baton_import::table::{Record, RowError, Rows};
use baton_store::Counts;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
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
    /// The input files' sizes by name, and the sum.
    sizes: BTreeMap<String, u64>,
    total_bytes: u64,
    /// Bytes of the files finished, and the file being read.
    done_bytes: u64,
    current: Option<String>,
    /// Redraw a bar (stderr is a terminal) or print lines.
    bar: bool,
}

impl Report {
    /// A report written to `path`, for an import of `inputs`.
    pub fn create<'p>(
        path: &Path,
        inputs: impl IntoIterator<Item = &'p Path>,
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
            path: path.to_owned(),
            writer,
            read: BTreeMap::new(),
            counts: BTreeMap::new(),
            started: Instant::now(),
            last_progress: Instant::now(),
            total_bytes: sizes.values().sum(),
            sizes,
            done_bytes: 0,
            current: None,
            bar: std::io::stderr().is_terminal(),
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
        let every = if self.bar { 512 } else { 4096 };
        let pause = Duration::from_millis(if self.bar { 200 } else { 2000 });
        if count % every == 0 && self.last_progress.elapsed() >= pause {
            self.last_progress = Instant::now();
            self.progress(file, count, rows.offset());
        }
    }

    fn progress(&self, file: &str, count: u64, offset: u64) {
        let total: u64 = self.read.values().map(|(r, _)| r).sum();
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        #[expect(clippy::cast_precision_loss, reason = "rates and fractions to print")]
        let (rate, done) = (
            total as f64 / seconds,
            (self.done_bytes + offset) as f64 / self.total_bytes.max(1) as f64,
        );
        let done = done.clamp(0.0, 1.0);
        let left = if done > 0.0 {
            let secs = seconds * (1.0 - done) / done;
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "seconds to print"
            )]
            let secs = secs.round() as u64;
            format!("{}:{:02}", secs / 60, secs % 60)
        } else {
            "?".to_owned()
        };
        let percent = done * 100.0;
        if self.bar {
            const WIDTH: u8 = 24;
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a bar's width"
            )]
            let filled = ((done * f64::from(WIDTH)) as usize).min(usize::from(WIDTH));
            eprint!(
                "\r[{}{}] {percent:>3.0}%  {total} rows  {rate:.0} rows/s  {left} left  {file}\x1b[K",
                "#".repeat(filled),
                ".".repeat(usize::from(WIDTH) - filled),
            );
        } else {
            eprintln!(
                "{file}: {count} rows; {total} rows in all, {rate:.0} rows/s, {percent:.0} % of the input, {left} left"
            );
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
        if self.bar {
            eprint!("\r\x1b[K");
        }
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
