//! An import's progress on stderr: on a terminal a bar redrawn five times a second with rows
//! per second and time left, otherwise a plain line every two seconds; notes as lines.

use baton_model::imports::ImportProgress;
use baton_server::import::Watch;
use std::io::IsTerminal;
use std::time::Duration;

/// Progress for a person watching the command.
pub struct Terminal {
    /// Redraw a bar (stderr is a terminal) or print lines.
    bar: bool,
}

impl Terminal {
    pub fn new() -> Terminal {
        Terminal {
            bar: std::io::stderr().is_terminal(),
        }
    }
}

/// Clears a bar left on the terminal.
pub fn clear() {
    if std::io::stderr().is_terminal() {
        eprint!("\r\x1b[K");
    }
}

impl Watch for Terminal {
    fn pause(&self) -> Duration {
        Duration::from_millis(if self.bar { 200 } else { 2000 })
    }

    fn progress(&mut self, p: &ImportProgress) {
        let left = p.seconds_left.map_or_else(
            || "?".to_owned(),
            |secs| format!("{}:{:02}", secs / 60, secs % 60),
        );
        let percent = p.fraction * 100.0;
        let (rows, rate, file) = (p.rows, p.rate, &p.file);
        if self.bar {
            const WIDTH: u8 = 24;
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a bar's width"
            )]
            let filled = ((p.fraction * f64::from(WIDTH)) as usize).min(usize::from(WIDTH));
            eprint!(
                "\r[{}{}] {percent:>3.0}%  {rows} rows  {rate:.0} rows/s  {left} left  {file}\x1b[K",
                "#".repeat(filled),
                ".".repeat(usize::from(WIDTH) - filled),
            );
        } else {
            eprintln!(
                "{file}: {rows} rows in all, {rate:.0} rows/s, {percent:.0} % of the input, {left} left"
            );
        }
    }

    fn note(&mut self, note: &str) {
        if self.bar {
            eprint!("\r\x1b[K");
        }
        eprintln!("{note}");
    }
}
