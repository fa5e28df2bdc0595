//! Calendar files as Google Calendar, Outlook and Apple Calendar write them (and broken ones),
//! read and expanded.

use baton_calendar::ics::{IcsError, parse};
use baton_calendar::{Interval, Occurrence, ShowAs, expand};
use chrono::{DateTime, Utc};
use std::fmt::Write;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn window(from: &str, to: &str) -> Interval {
    Interval::new(utc(from), utc(to)).unwrap()
}

fn read(bytes: &[u8], from: &str, to: &str) -> (Vec<Occurrence>, Vec<(String, String)>) {
    let calendar = parse(bytes).unwrap();
    let zone = calendar.zone.unwrap_or(chrono_tz::UTC);
    let (found, expand_warnings) = expand(&calendar.events, zone, &window(from, to));
    let warnings = calendar
        .warnings
        .into_iter()
        .chain(expand_warnings)
        .map(|w| (w.uid, w.message))
        .collect();
    (found, warnings)
}

fn lines(found: &[Occurrence]) -> Vec<String> {
    found
        .iter()
        .map(|o| {
            format!(
                "{} {} {}",
                o.start.format("%m-%dT%H:%MZ"),
                o.end.format("%m-%dT%H:%MZ"),
                o.summary
            )
        })
        .collect()
}

#[test]
fn a_google_calendar_export_with_its_zone_folded_text_exdate_and_all_day_event() {
    let (found, warnings) = read(
        include_bytes!("calendars/google.ics"),
        "2026-03-16T00:00:00Z",
        "2026-04-07T00:00:00Z",
    );
    assert_eq!(warnings, []);
    assert_eq!(
        lines(&found),
        [
            "03-16T08:00Z 03-16T08:30Z Weekly sync, sales",
            "03-17T14:00Z 03-17T15:00Z Globex demo",
            // 23 March is excluded; from 30 March Berlin is on summer time.
            "03-30T07:00Z 03-30T07:30Z Weekly sync, sales",
            // All day in the calendar's zone (X-WR-TIMEZONE: Berlin), two days.
            "04-01T22:00Z 04-03T22:00Z Team offsite",
            "04-06T07:00Z 04-06T07:30Z Weekly sync, sales",
        ]
    );
    let offsite = found.iter().find(|o| o.summary == "Team offsite").unwrap();
    assert!(offsite.all_day);
    assert_eq!(
        offsite.show_as,
        ShowAs::Free,
        "TRANSP:TRANSPARENT takes no time"
    );
}

#[test]
fn an_outlook_export_with_windows_zone_names_a_moved_occurrence_and_a_custom_zone() {
    let (found, warnings) = read(
        include_bytes!("calendars/outlook.ics"),
        "2026-12-01T00:00:00Z",
        "2026-12-08T00:00:00Z",
    );
    assert_eq!(
        lines(&found),
        [
            "12-01T09:00Z 12-01T10:00Z Standup",
            "12-02T03:30Z 12-02T04:30Z Call with Initech",
            "12-02T09:00Z 12-02T10:00Z Standup",
            "12-03T14:00Z 12-03T15:00Z Standup (verschoben)",
            "12-04T09:00Z 12-04T10:00Z Standup",
            "12-05T09:00Z 12-05T10:00Z Standup",
        ]
    );
    assert_eq!(found[3].show_as, ShowAs::Tentative);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings
            .iter()
            .all(|(uid, m)| uid == "custom-zone-event" && m.contains("Customized Time Zone"))
    );
}

#[test]
fn a_broken_file_loses_only_its_broken_events_each_named_in_a_warning() {
    let (found, warnings) = read(
        include_bytes!("calendars/broken.ics"),
        "2026-12-01T00:00:00Z",
        "2026-12-03T00:00:00Z",
    );
    assert_eq!(
        lines(&found),
        [
            "12-01T12:00Z 12-01T12:45Z Somewhere",
            "12-01T14:00Z 12-01T15:00Z Café with Renée — folded with a tab",
            "12-02T09:00Z 12-02T09:30Z No UID at all",
        ]
        .map(|l| l.replace("Café with Renée", "Caf\u{fffd} with Ren\u{fffd}e"))
    );
    let named: Vec<&str> = warnings.iter().map(|(uid, _)| uid.as_str()).collect();
    assert_eq!(
        named,
        [
            "no-start",
            "backwards",
            "unknown-zone",
            "garbled",
            "(event without UID on line 39)",
            "count-and-until"
        ],
        "{warnings:#?}"
    );
    assert!(warnings[0].1.contains("DTSTART"));
    assert!(warnings[3].1.contains("line 29"), "{}", warnings[3].1);
}

#[test]
fn a_file_that_is_not_a_calendar_is_refused() {
    assert_eq!(
        parse(b"<html>Not found</html>").unwrap_err(),
        IcsError::NotACalendar
    );
    assert_eq!(
        parse(&[0xff, 0xfe, 0x00]).unwrap_err(),
        IcsError::NotACalendar
    );
    assert_eq!(
        parse(b"BEGIN:VCARD\r\nFN:Ana\r\nEND:VCARD\r\n").unwrap_err(),
        IcsError::NotACalendar
    );
}

/// A calendar of the lines given, CRLF-ended.
fn ics(lines: &[&str]) -> Vec<u8> {
    lines
        .iter()
        .flat_map(|l| [l, "\r\n"])
        .collect::<String>()
        .into_bytes()
}

#[test]
fn events_without_the_vcalendar_around_them_are_read() {
    let (found, warnings) = read(
        &ics(&[
            "BEGIN:VEVENT",
            "UID:bare",
            "SUMMARY:Bare event",
            "DTSTART:20261201T100000Z",
            "DTEND:20261201T110000Z",
            "END:VEVENT",
        ]),
        "2026-12-01T00:00:00Z",
        "2026-12-02T00:00:00Z",
    );
    assert_eq!(warnings, []);
    assert_eq!(lines(&found), ["12-01T10:00Z 12-01T11:00Z Bare event"]);
}

#[test]
fn an_empty_rrule_is_read_as_a_one_off() {
    // calendarlabs.com writes "RRULE:" on its holidays.
    let (found, warnings) = read(
        &ics(&[
            "BEGIN:VCALENDAR",
            "BEGIN:VEVENT",
            "UID:new-year",
            "SUMMARY:New Year's Day",
            "DTSTART;VALUE=DATE:20270101",
            "RRULE:",
            "END:VEVENT",
            "END:VCALENDAR",
        ]),
        "2026-12-01T00:00:00Z",
        "2027-02-01T00:00:00Z",
    );
    assert_eq!(warnings, []);
    assert_eq!(lines(&found), ["01-01T00:00Z 01-02T00:00Z New Year's Day"]);
}

#[test]
fn the_revision_with_the_highest_sequence_replaces_the_others() {
    let revision = |sequence: &str, start: &str, summary: &str| {
        [
            "BEGIN:VEVENT".to_owned(),
            "UID:demo".to_owned(),
            format!("SEQUENCE:{sequence}"),
            format!("SUMMARY:{summary}"),
            format!("DTSTART:{start}"),
            "DURATION:PT1H".to_owned(),
            "END:VEVENT".to_owned(),
        ]
    };
    let mut text = vec!["BEGIN:VCALENDAR".to_owned()];
    text.extend(revision("1", "20261201T100000Z", "Demo"));
    text.extend(revision("2", "20261202T100000Z", "Demo (moved)"));
    text.extend(revision("2", "20261203T100000Z", "Demo (same sequence)"));
    text.push("END:VCALENDAR".to_owned());
    let text: Vec<&str> = text.iter().map(String::as_str).collect();
    let (found, warnings) = read(&ics(&text), "2026-12-01T00:00:00Z", "2026-12-31T00:00:00Z");
    assert_eq!(lines(&found), ["12-02T10:00Z 12-02T11:00Z Demo (moved)"]);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].1.contains("SEQUENCE"), "{warnings:?}");
}

#[test]
fn an_rdate_period_gives_its_occurrence_its_own_end() {
    let (found, warnings) = read(
        &ics(&[
            "BEGIN:VCALENDAR",
            "BEGIN:VEVENT",
            "UID:workshop",
            "SUMMARY:Workshop",
            "DTSTART;TZID=Europe/Berlin:20261201T100000",
            "DURATION:PT1H",
            "RDATE;VALUE=PERIOD;TZID=Europe/Berlin:20261202T100000/20261202T130000,",
            " 20261203T100000/PT30M",
            "END:VEVENT",
            "END:VCALENDAR",
        ]),
        "2026-12-01T00:00:00Z",
        "2026-12-31T00:00:00Z",
    );
    assert_eq!(warnings, []);
    assert_eq!(
        lines(&found),
        [
            "12-01T09:00Z 12-01T10:00Z Workshop",
            "12-02T09:00Z 12-02T12:00Z Workshop",
            "12-03T09:00Z 12-03T09:30Z Workshop"
        ]
    );
}

#[test]
fn an_iana_zone_name_is_found_in_any_case() {
    // Google has written TZID=Europe/lisbon.
    assert_eq!(
        baton_calendar::ics::zone_named("Europe/lisbon"),
        Some(chrono_tz::Europe::Lisbon)
    );
    assert_eq!(
        baton_calendar::ics::zone_named("/mozilla.org/20050126_1/europe/berlin"),
        Some(chrono_tz::Europe::Berlin)
    );
}

#[test]
fn what_baton_does_not_follow_is_named_in_a_warning() {
    let (found, warnings) = read(
        &ics(&[
            "BEGIN:VCALENDAR",
            "BEGIN:VEVENT",
            "UID:two-rules",
            "DTSTART:20261201T100000Z",
            "RRULE:FREQ=DAILY;COUNT=2",
            "RRULE:FREQ=WEEKLY;COUNT=2",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:two-rules",
            "RECURRENCE-ID;RANGE=THISANDFUTURE:20261202T100000Z",
            "DTSTART:20261202T120000Z",
            "END:VEVENT",
            "END:VCALENDAR",
        ]),
        "2026-12-01T00:00:00Z",
        "2026-12-31T00:00:00Z",
    );
    assert_eq!(found.len(), 2);
    let messages: Vec<&str> = warnings.iter().map(|(_, m)| m.as_str()).collect();
    assert!(messages[0].contains("second rule"), "{messages:?}");
    assert!(messages[1].contains("THISANDFUTURE"), "{messages:?}");
}

/// Mutations of the real files — bytes flipped, lines cut, pieces repeated — never panic and
/// expansion stays bounded: a quick, deterministic cousin of the coverage-guided fuzz target in
/// `crates/baton-calendar/fuzz` (which runs for minutes, outside `cargo test`).
#[test]
fn mangled_calendars_never_panic() {
    let seeds: [&[u8]; 3] = [
        include_bytes!("calendars/google.ics"),
        include_bytes!("calendars/outlook.ics"),
        include_bytes!("calendars/broken.ics"),
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        // xorshift64*: deterministic, so a failure reproduces.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        usize::try_from(state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33).unwrap() % n.max(1)
    };
    let pieces: [&[u8]; 8] = [
        b"RRULE:FREQ=SECONDLY",
        b"\r\n ",
        b";TZID=",
        b":",
        b"\xff\xfe",
        b"BEGIN:VEVENT\r\n",
        b"END:VEVENT\r\n",
        b"DTSTART;VALUE=DATE:99999999",
    ];
    for _ in 0..3000 {
        let mut bytes = seeds[next(seeds.len())].to_vec();
        for _ in 0..=next(6) {
            let at = next(bytes.len());
            match next(4) {
                0 => {
                    if let Some(b) = bytes.get_mut(at) {
                        *b = u8::try_from(next(256)).unwrap();
                    }
                }
                1 => bytes.truncate(at),
                2 => bytes
                    .splice(at..at, pieces[next(pieces.len())].iter().copied())
                    .for_each(drop),
                _ => {
                    let end = (at + next(40)).min(bytes.len());
                    let copy = bytes[at..end].to_vec();
                    bytes.splice(at..at, copy).for_each(drop);
                }
            }
        }
        if let Ok(calendar) = parse(&bytes) {
            let (found, _) = expand(
                &calendar.events,
                chrono_tz::UTC,
                &window("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
            );
            assert!(
                found.len()
                    <= calendar.events.len()
                        * usize::from(baton_calendar::events::MAX_OCCURRENCES)
                        * 2
            );
        }
    }
}

#[test]
fn what_baton_writes_reads_back_as_the_same_occurrences() {
    let stamp = utc("2026-11-29T12:00:00Z");
    for (file, from, to) in [
        (
            &include_bytes!("calendars/google.ics")[..],
            "2026-03-01T00:00:00Z",
            "2026-12-01T00:00:00Z",
        ),
        (
            &include_bytes!("calendars/outlook.ics")[..],
            "2026-11-01T00:00:00Z",
            "2027-01-01T00:00:00Z",
        ),
    ] {
        let original = parse(file).unwrap();
        let written = baton_calendar::ics::write(&original.events, stamp);
        assert!(
            written.split("\r\n").all(|l| l.len() <= 75),
            "lines are folded at 75 octets"
        );
        assert!(
            !written.replace("\r\n", "").contains('\n'),
            "every line ends in CRLF"
        );
        let again = parse(written.as_bytes()).unwrap();
        assert_eq!(again.warnings, [], "{written}");
        let zone = original.zone.unwrap_or(chrono_tz::UTC);
        let before = expand(&original.events, zone, &window(from, to)).0;
        let after = expand(&again.events, zone, &window(from, to)).0;
        assert_eq!(lines(&after), lines(&before));
        assert_eq!(
            after.iter().map(|o| o.show_as).collect::<Vec<_>>(),
            before.iter().map(|o| o.show_as).collect::<Vec<_>>()
        );
    }
}

#[test]
fn written_text_escapes_what_rfc_5545_reserves_and_zones_carry_their_changes() {
    let mut event = baton_calendar::Event::new(
        "a;b,c",
        "Pricing; terms, and\nnext steps \\ notes — with a long enough title to need folding twice over, surely",
        baton_calendar::Start::Zoned(
            chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
            chrono_tz::Europe::Berlin,
        ),
        chrono::TimeDelta::minutes(30),
    );
    event.rrule = Some("FREQ=WEEKLY".into());
    let written = baton_calendar::ics::write(&[event.clone()], utc("2026-11-29T12:00:00Z"));
    assert!(written.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"));
    assert!(
        written.contains("DTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200"),
        "{written}"
    );
    let again = parse(written.as_bytes()).unwrap().events;
    assert_eq!(again[0].summary, event.summary);
    assert_eq!(again[0].uid, event.uid);
}

#[test]
fn an_all_day_event_across_a_change_of_the_clocks_keeps_its_whole_days() {
    // London goes to summer time on 26 March 2017: 25 to 29 March is four days, 95 hours.
    let (found, _) = read(
        &ics(&[
            "BEGIN:VCALENDAR",
            "X-WR-TIMEZONE:Europe/London",
            "BEGIN:VEVENT",
            "UID:trip",
            "SUMMARY:Trip",
            "DTSTART;VALUE=DATE:20170325",
            "DTEND;VALUE=DATE:20170329",
            "END:VEVENT",
            "END:VCALENDAR",
        ]),
        "2017-03-01T00:00:00Z",
        "2017-04-01T00:00:00Z",
    );
    assert_eq!(lines(&found), ["03-25T00:00Z 03-28T23:00Z Trip"]);
}

#[test]
fn a_vtimezone_under_a_name_of_its_own_is_read_as_the_zone_with_its_rules() {
    // Central European rules under a made-up name: a weekly 20:00 stays 20:00 across the
    // change to winter time on 30 October 2022.
    let (found, warnings) = read(
        &ics(&[
            "BEGIN:VCALENDAR",
            "BEGIN:VTIMEZONE",
            "TZID:/Europe/CUSTOM",
            "BEGIN:DAYLIGHT",
            "TZOFFSETFROM:+0100",
            "TZOFFSETTO:+0200",
            "DTSTART:19700329T020000",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
            "END:DAYLIGHT",
            "BEGIN:STANDARD",
            "TZOFFSETFROM:+0200",
            "TZOFFSETTO:+0100",
            "DTSTART:19701025T030000",
            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
            "END:STANDARD",
            "END:VTIMEZONE",
            "BEGIN:VEVENT",
            "UID:choir",
            "SUMMARY:Choir",
            "DTSTART;TZID=/Europe/CUSTOM:20221021T200000",
            "DTEND;TZID=/Europe/CUSTOM:20221021T210000",
            "RRULE:FREQ=WEEKLY;COUNT=3",
            "END:VEVENT",
            "END:VCALENDAR",
        ]),
        "2022-10-01T00:00:00Z",
        "2022-11-10T00:00:00Z",
    );
    assert_eq!(warnings, []);
    assert_eq!(
        lines(&found),
        [
            "10-21T18:00Z 10-21T19:00Z Choir",
            "10-28T18:00Z 10-28T19:00Z Choir",
            "11-04T19:00Z 11-04T20:00Z Choir"
        ]
    );
}

/// A 20 MB calendar (years of one person's meetings, as an export of a busy Outlook mailbox
/// looks) reads whole, and a series firing every second for years is cut at the bound with a
/// warning naming it instead of filling memory.
#[test]
fn a_20_mb_file_and_a_series_of_every_second_stay_bounded() {
    let mut text =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-TIMEZONE:Europe/Berlin\r\n");
    let mut events = 0;
    while text.len() < 20_000_000 {
        let (day, hour) = (events % 28 + 1, events % 9 + 8);
        write!(
            text,
            "BEGIN:VEVENT\r\nUID:meeting-{events}@example.com\r\nSUMMARY:Meeting {events} with a\r\n  long folded description of what is to be discussed\\, and by whom\r\n\
             DTSTART;TZID=Europe/Berlin:2026{:02}{day:02}T{hour:02}0000\r\nDURATION:PT30M\r\n{}END:VEVENT\r\n",
            events % 12 + 1,
            if events % 10 == 0 { "RRULE:FREQ=WEEKLY;COUNT=20\r\n" } else { "" },
        )
        .unwrap();
        events += 1;
    }
    text.push_str(
        "BEGIN:VEVENT\r\nUID:every-second\r\nDTSTART:20260101T000000Z\r\nDURATION:PT1S\r\n\
         RRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    );
    let calendar = parse(text.as_bytes()).unwrap();
    assert_eq!(calendar.events.len(), events + 1);
    assert!(calendar.warnings.is_empty());
    let (found, warnings) = expand(
        &calendar.events,
        chrono_tz::Europe::Berlin,
        &window("2026-01-01T00:00:00Z", "2029-01-01T00:00:00Z"),
    );
    let every_second = found.iter().filter(|o| o.uid == "every-second").count();
    assert_eq!(
        every_second,
        usize::from(baton_calendar::events::MAX_OCCURRENCES)
    );
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].uid, "every-second");
    // The meetings themselves are all there: the one-offs once, the series 20 times each.
    let series = events.div_ceil(10);
    assert_eq!(found.len() - every_second, (events - series) + series * 20);
}
