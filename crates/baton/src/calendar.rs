//! `baton calendar …`: inspect calendar files, for support staff answering "why doesn't this
//! event block time?".

use anyhow::Context;
use baton_calendar::{Interval, expand, ics};
use chrono::NaiveDate;
use clap::Subcommand;
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Print every occurrence that starts in [FROM, TO) (UTC days) as one JSON object a line
    /// (uid, summary, start, end, all_day, show_as); warnings, each naming its event, on stderr.
    Expand {
        /// An .ics file.
        file: PathBuf,
        /// First day, as YYYY-MM-DD (from its midnight UTC).
        #[arg(long)]
        from: NaiveDate,
        /// Day after the last, as YYYY-MM-DD.
        #[arg(long)]
        to: NaiveDate,
        /// Zone for floating and all-day times; default: the file's X-WR-TIMEZONE, else UTC.
        #[arg(long)]
        zone: Option<String>,
    },
}

pub fn run(command: &CalendarCommand) -> anyhow::Result<()> {
    let CalendarCommand::Expand {
        file,
        from,
        to,
        zone,
    } = command;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let calendar = ics::parse(&bytes).with_context(|| file.display().to_string())?;
    let zone = match zone {
        Some(name) => {
            ics::zone_named(name).with_context(|| format!("--zone {name:?} is not a time zone"))?
        }
        None => calendar.zone.unwrap_or(chrono_tz::UTC),
    };
    let window = Interval::new(
        from.and_time(chrono::NaiveTime::MIN).and_utc(),
        to.and_time(chrono::NaiveTime::MIN).and_utc(),
    )
    .context("--to must be after --from")?;
    let (occurrences, expand_warnings) = expand(&calendar.events, zone, &window);
    let mut stderr = std::io::stderr().lock();
    for warning in calendar.warnings.iter().chain(&expand_warnings) {
        writeln!(stderr, "warning: {}: {}", warning.uid, warning.message)?;
    }
    let mut stdout = std::io::stdout().lock();
    for o in occurrences.iter().filter(|o| o.start >= window.start) {
        let line = serde_json::json!({
            "uid": o.uid,
            "summary": o.summary,
            "start": o.start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "end": o.end.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "all_day": o.all_day,
            "show_as": format!("{:?}", o.show_as).to_lowercase(),
        });
        writeln!(stdout, "{line}")?;
    }
    Ok(())
}
