//! Parse + expand of a corpus of calendar files, in process, timed: the Baton side of
//! `bench/ics_speed.sh`, which compares it with recurring-ical-events on the same files, zones
//! and windows.
//!
//! ```text
//! cargo run --release -p baton-calendar --example corpus -- PLAN RUNS
//! ```
//!
//! `PLAN` has one file a line: `path<TAB>zone<TAB>YYYY-MM-DD<TAB>YYYY-MM-DD` (the window, from
//! midnight UTC to midnight UTC), as `bench/ics_diff.py --speed` writes it. The files are read
//! into memory first; each run parses and expands all of them. Prints one JSON object: the
//! median seconds of a run, the runs, the files and the occurrences of one run.

use baton_calendar::{Interval, expand, ics};
use chrono::{NaiveDate, NaiveTime};
use std::time::Instant;

/// One file of the plan, read.
struct Case {
    bytes: Vec<u8>,
    zone: chrono_tz::Tz,
    window: Interval,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let plan = args.next().expect("usage: corpus PLAN RUNS");
    let runs: usize = args
        .next()
        .map_or(5, |n| n.parse().expect("RUNS is a number"));
    let cases: Vec<Case> = std::fs::read_to_string(&plan)
        .expect("reading the plan")
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(case)
        .collect();
    let mut seconds = Vec::with_capacity(runs);
    let mut occurrences = 0;
    for _ in 0..runs.max(1) {
        let began = Instant::now();
        occurrences = cases.iter().map(run).sum();
        seconds.push(began.elapsed().as_secs_f64());
    }
    seconds.sort_by(f64::total_cmp);
    let median = seconds[seconds.len() / 2];
    println!(
        "{{\"median_seconds\":{median},\"runs\":{},\"files\":{},\"occurrences\":{occurrences}}}",
        seconds.len(),
        cases.len()
    );
}

/// A plan line, with its file read.
fn case(line: &str) -> Case {
    let fields: Vec<&str> = line.split('\t').collect();
    let [path, zone, from, to] = fields[..] else {
        panic!("a plan line has four fields: {line:?}");
    };
    let day = |text: &str| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .expect("a day as YYYY-MM-DD")
            .and_time(NaiveTime::MIN)
            .and_utc()
    };
    Case {
        bytes: std::fs::read(path).expect("reading a corpus file"),
        zone: ics::zone_named(zone).expect("a known zone"),
        window: Interval::new(day(from), day(to)).expect("a window that ends after it starts"),
    }
}

/// Parses and expands one file; the number of occurrences found (none for a file that is not
/// a calendar).
fn run(case: &Case) -> usize {
    match ics::parse(&case.bytes) {
        Ok(calendar) => expand(&calendar.events, case.zone, &case.window).0.len(),
        Err(_) => 0,
    }
}
