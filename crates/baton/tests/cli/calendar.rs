//! `baton calendar expand`: occurrences as JSON lines on stdout, warnings naming their events on
//! stderr, exit 0 whenever the file could be read.

use std::process::Command;

fn expand(file: &str, from: &str, to: &str) -> std::process::Output {
    let path = format!(
        "{}/../baton-calendar/tests/calendars/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(["calendar", "expand", &path, "--from", from, "--to", to])
        .output()
        .expect("run baton")
}

#[test]
fn expand_prints_each_occurrence_starting_in_the_window_as_a_json_line() {
    let out = expand("google.ics", "2026-03-17", "2026-03-31");
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            serde_json::json!({"uid": "globex-demo@google.com", "summary": "Globex demo",
                "start": "2026-03-17T14:00:00Z", "end": "2026-03-17T15:00:00Z", "all_day": false, "show_as": "busy"}),
            serde_json::json!({"uid": "weekly-sync@google.com", "summary": "Weekly sync, sales",
                "start": "2026-03-30T07:00:00Z", "end": "2026-03-30T07:30:00Z", "all_day": false, "show_as": "busy"}),
        ]
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn expand_names_broken_events_on_stderr_and_still_succeeds() {
    let out = expand("broken.ics", "2026-12-01", "2026-12-03");
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("warning: no-start: no DTSTART"), "{stderr}");
    assert!(
        stderr.contains("warning: count-and-until: RRULE"),
        "{stderr}"
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 3);
}

#[test]
fn expand_fails_on_a_file_that_is_not_a_calendar() {
    let out = expand("../../Cargo.toml", "2026-12-01", "2026-12-03");
    assert!(!out.status.success());
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("not an iCalendar file")
    );
}
