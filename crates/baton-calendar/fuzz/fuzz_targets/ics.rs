//! Any bytes read as a calendar: parsing never panics, and expanding what was read over a year
//! never panics and stays within the bound per series; writing it back never panics.
//!
//! Run from `crates/baton-calendar/fuzz` (stable Rust, with `cargo install cargo-fuzz`):
//!
//! ```sh
//! mkdir -p corpus/ics && cp ../tests/calendars/*.ics corpus/ics/
//! RUSTC_BOOTSTRAP=1 cargo fuzz run ics --fuzz-dir . -- -max_total_time=600 -timeout=10
//! ```
#![no_main]

use baton_calendar::events::MAX_OCCURRENCES;
use baton_calendar::{Interval, expand, ics};
use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(calendar) = ics::parse(data) else {
        return;
    };
    let from: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
    let to: DateTime<Utc> = "2027-01-01T00:00:00Z".parse().unwrap();
    let window = Interval::new(from, to).unwrap();
    let zone = calendar.zone.unwrap_or(chrono_tz::UTC);
    let (found, _) = expand(&calendar.events, zone, &window);
    // Each event yields at most the bound, plus its RDATEs and exceptions.
    let extra: usize = calendar
        .events
        .iter()
        .map(|e| e.rdates.len() + e.rdate_periods.len() + 1)
        .sum();
    assert!(found.len() <= calendar.events.len() * usize::from(MAX_OCCURRENCES) + extra);
    let _ = ics::write(&calendar.events, from);
});
