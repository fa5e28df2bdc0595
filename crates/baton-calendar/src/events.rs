//! Calendar events, one-off and recurring (RFC 5545), expanded into the occurrences that fall in
//! a window.
//!
//! A start is zoned (a wall-clock time in an IANA zone: a weekly 09:00 in Berlin stays at 09:00
//! across daylight-saving changes), UTC, floating (a wall-clock time read in the calendar's own
//! zone) or a whole day (midnight to midnight in the calendar's zone). Recurrence uses `RRULE`
//! with `RDATE` (a PERIOD one with its own length) and `EXDATE`; `UNTIL` may be a date or a
//! local time, as calendar programs write it. An event with a `recurrence_id` is one occurrence
//! that replaces the occurrence of its series that started then (the same day, for a series of
//! whole days), or cancels it; one for an occurrence the series excludes is left out. Expansion
//! is bounded: at most [`MAX_OCCURRENCES`] per series, and the result says when a series was cut
//! short.

use crate::availability::{Edge, wall_clock};
use crate::interval::Interval;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use std::collections::HashMap;

/// The most occurrences one series yields within a window.
pub const MAX_OCCURRENCES: u16 = 10_000;

/// When an event (or one of its `RDATE`s, `EXDATE`s or its `RECURRENCE-ID`) starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Start {
    Zoned(NaiveDateTime, Tz),
    Utc(DateTime<Utc>),
    /// Read in the calendar's zone.
    Floating(NaiveDateTime),
    /// A whole day, read in the calendar's zone.
    AllDay(NaiveDate),
}

/// Whether an event's time counts as taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowAs {
    Busy,
    Tentative,
    Free,
}

/// One event as a calendar holds it: a one-off, a series (with `rrule`), or an exception to a
/// series (with `recurrence_id`).
#[derive(Debug, Clone)]
pub struct Event {
    pub uid: String,
    pub summary: String,
    pub start: Start,
    /// For all-day events, whole days.
    pub duration: TimeDelta,
    /// The `RRULE` value, such as `FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270101T000000Z`.
    pub rrule: Option<String>,
    pub rdates: Vec<Start>,
    /// `RDATE`s given as a PERIOD (RFC 5545 §3.8.5.2): an occurrence with its own length.
    pub rdate_periods: Vec<(Start, TimeDelta)>,
    pub exdates: Vec<Start>,
    /// For an exception: the original start of the occurrence it replaces.
    pub recurrence_id: Option<Start>,
    pub cancelled: bool,
    pub show_as: ShowAs,
}

impl Event {
    /// A one-off busy event.
    pub fn new(
        uid: impl Into<String>,
        summary: impl Into<String>,
        start: Start,
        duration: TimeDelta,
    ) -> Event {
        Event {
            uid: uid.into(),
            summary: summary.into(),
            start,
            duration,
            rrule: None,
            rdates: Vec::new(),
            rdate_periods: Vec::new(),
            exdates: Vec::new(),
            recurrence_id: None,
            cancelled: false,
            show_as: ShowAs::Busy,
        }
    }
}

/// One occurrence of an event. `end` may equal `start` (an event that takes no time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub uid: String,
    pub summary: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub all_day: bool,
    pub show_as: ShowAs,
}

impl Occurrence {
    /// The time it takes from someone's day: none when it shows as free or takes no time.
    pub fn taken(&self) -> Option<Interval> {
        match self.show_as {
            ShowAs::Busy | ShowAs::Tentative => Interval::new(self.start, self.end),
            ShowAs::Free => None,
        }
    }
}

/// What expansion noticed about one event without failing the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub uid: String,
    pub message: String,
}

/// The occurrences of `events` that overlap `window`, sorted by start, with a warning for each
/// event that could not be expanded (or was cut short) and is left out (or in part).
pub fn expand(events: &[Event], zone: Tz, window: &Interval) -> (Vec<Occurrence>, Vec<Warning>) {
    let mut occurrences = Vec::new();
    let mut warnings = Vec::new();
    // By UID: the series, and the RECURRENCE-IDs of their exceptions.
    let mut series: HashMap<&str, Vec<&Event>> = HashMap::new();
    let mut exceptions: HashMap<&str, Vec<Start>> = HashMap::new();
    for event in events {
        match event.recurrence_id {
            None => series.entry(&event.uid).or_default().push(event),
            Some(id) => exceptions.entry(&event.uid).or_default().push(id),
        }
    }
    for event in events.iter().filter(|e| !e.cancelled) {
        if event.duration < TimeDelta::zero() {
            warnings.push(Warning {
                uid: event.uid.clone(),
                message: "ends before it starts; left out".into(),
            });
            continue;
        }
        // An exception for an occurrence its series excludes was deleted after it was moved
        // (clients keep the stale exception and add the EXDATE).
        if let Some(id) = event.recurrence_id
            && series
                .get(event.uid.as_str())
                .is_some_and(|all| all.iter().any(|s| s.excludes(id, zone)))
        {
            continue;
        }
        let starts = match starts(event, zone, window) {
            Ok((starts, cut)) => {
                if cut {
                    warnings.push(Warning {
                        uid: event.uid.clone(),
                        message: format!("more than {MAX_OCCURRENCES} occurrences in the window; the first {MAX_OCCURRENCES} kept"),
                    });
                }
                starts
            }
            Err(message) => {
                warnings.push(Warning {
                    uid: event.uid.clone(),
                    message,
                });
                continue;
            }
        };
        // RFC 5545 §3.8.4.4: an event with the series' UID and a RECURRENCE-ID replaces the
        // occurrence that started then.
        let ids = match event.recurrence_id {
            None => exceptions
                .get(event.uid.as_str())
                .map_or(&[][..], Vec::as_slice),
            Some(_) => &[],
        };
        let replaced = |start: DateTime<Utc>| {
            ids.iter()
                .any(|id| event.names(Start::Utc(start), *id, zone))
        };
        let all_day = matches!(event.start, Start::AllDay(_));
        for start in starts.into_iter().filter(|s| !replaced(*s)) {
            let duration = event.duration_from(start, zone);
            let end = if all_day {
                // Whole days end at the calendar's midnight, 23 or 25 hours on the days the
                // clocks change.
                let day = start.with_timezone(&zone).date_naive();
                let days = u64::try_from(duration.num_days().max(1)).unwrap_or(1);
                instant(Start::AllDay(day + chrono::Days::new(days)), zone)
            } else {
                start.checked_add_signed(duration).unwrap_or(start)
            };
            let overlaps = if start == end {
                window.start <= start && start < window.end
            } else {
                start < window.end && window.start < end
            };
            if overlaps {
                occurrences.push(Occurrence {
                    uid: event.uid.clone(),
                    summary: event.summary.clone(),
                    start,
                    end,
                    all_day,
                    show_as: event.show_as,
                });
            }
        }
    }
    occurrences.sort_by(|a, b| a.start.cmp(&b.start).then(a.uid.cmp(&b.uid)));
    (occurrences, warnings)
}

impl Event {
    /// The zone the series runs in, so that a weekly 09:00 stays 09:00.
    fn series_zone(&self, zone: Tz) -> Tz {
        match self.start {
            Start::Zoned(_, tz) => tz,
            Start::Utc(_) => chrono_tz::UTC,
            Start::Floating(_) | Start::AllDay(_) => zone,
        }
    }

    /// Whether `named` (an `EXDATE` or `RECURRENCE-ID` value) names the occurrence starting at
    /// `start`: the same instant, or the same day when the series is of whole days or `named`
    /// is a date (Outlook names an all-day occurrence by its midnight in a zone, and a `DATE`
    /// `EXDATE` on a timed series removes that day's occurrence).
    fn names(&self, start: Start, named: Start, zone: Tz) -> bool {
        let series_zone = self.series_zone(zone);
        if matches!(self.start, Start::AllDay(_)) || matches!(named, Start::AllDay(_)) {
            day_of(start, series_zone) == day_of(named, series_zone)
        } else {
            self.read(start, zone) == self.read(named, zone)
        }
    }

    /// The instant of one of the series' dates: a date or floating time without a zone of its
    /// own is read in the series' zone (a whole-day `RDATE` of a Berlin series is Berlin's day).
    fn read(&self, at: Start, zone: Tz) -> DateTime<Utc> {
        match at {
            Start::AllDay(_) | Start::Floating(_) => instant(at, self.series_zone(zone)),
            Start::Zoned(..) | Start::Utc(_) => instant(at, zone),
        }
    }

    /// Whether the series' `EXDATE`s remove the occurrence that `start` names.
    fn excludes(&self, start: Start, zone: Tz) -> bool {
        self.exdates.iter().any(|ex| self.names(start, *ex, zone))
    }

    /// How long the occurrence starting at `start` lasts: its `RDATE` period's, else the event's.
    fn duration_from(&self, start: DateTime<Utc>, zone: Tz) -> TimeDelta {
        self.rdate_periods
            .iter()
            .find(|(at, _)| self.read(*at, zone) == start)
            .map_or(self.duration, |(_, length)| *length)
    }
}

/// The calendar day `start` falls on, reading a UTC instant in `zone`.
fn day_of(start: Start, zone: Tz) -> NaiveDate {
    match start {
        Start::Zoned(naive, _) | Start::Floating(naive) => naive.date(),
        Start::Utc(at) => at.with_timezone(&zone).date_naive(),
        Start::AllDay(day) => day,
    }
}

/// The start instants of `event` that could overlap `window`, and whether the limit cut them.
///
/// RFC 5545 §3.8.5: the set is `DTSTART`, the `RRULE`'s instances and the `RDATE`s, once each,
/// less the `EXDATE`s. An exception (with a `RECURRENCE-ID`) is one occurrence: a rule or dates
/// it carries are not its own series.
fn starts(
    event: &Event,
    zone: Tz,
    window: &Interval,
) -> Result<(Vec<DateTime<Utc>>, bool), String> {
    let first = instant(event.start, zone);
    let mut all = vec![first];
    let mut cut = false;
    if let (Some(rule), None) = (&event.rrule, event.recurrence_id) {
        let series_zone = event.series_zone(zone);
        let in_series = |at: DateTime<Utc>| at.with_timezone(&rrule::Tz::Tz(series_zone));
        let dt_start = in_series(first);
        check_rule(rule).map_err(|e| format!("RRULE {rule:?}: {e}"))?;
        let parsed: rrule::RRule<rrule::Unvalidated> = lenient_rule(rule, series_zone)
            .parse()
            .map_err(|e| format!("RRULE {rule:?}: {e}"))?;
        let validated = parsed
            .validate(dt_start)
            .map_err(|e| format!("RRULE {rule:?}: {e}"))?;
        // An occurrence overlaps the window when it starts before its end and ends after its
        // start.
        let longest = event
            .rdate_periods
            .iter()
            .map(|(_, length)| *length)
            .fold(event.duration, TimeDelta::max);
        let reach_back = if matches!(event.start, Start::AllDay(_)) {
            longest + TimeDelta::days(1)
        } else {
            longest
        };
        let from = window
            .start
            .checked_sub_signed(reach_back)
            .unwrap_or(window.start);
        let result = rrule::RRuleSet::new(dt_start)
            .rrule(validated)
            .after(in_series(from))
            .before(in_series(window.end))
            .all(MAX_OCCURRENCES);
        cut = result.limited;
        all.extend(result.dates.iter().map(|d| d.with_timezone(&Utc)));
    }
    if event.recurrence_id.is_none() {
        let rdates = event
            .rdates
            .iter()
            .chain(event.rdate_periods.iter().map(|(at, _)| at));
        all.extend(rdates.map(|d| event.read(*d, zone)));
    }
    all.sort();
    all.dedup();
    if event.recurrence_id.is_none() {
        all.retain(|at| !event.excludes(Start::Utc(*at), zone));
    }
    Ok((all, cut))
}

/// `rule` as the `rrule` crate takes it, read as calendar programs write it: `UNTIL` given as a
/// date (the last day, whole: RFC 5545 §3.3.10 has the date form for all-day series) or as a
/// local time (read in `series_zone`) becomes the UTC time the crate needs with a zoned start,
/// and a negative `COUNT` (Confluence writes `COUNT=-1` for "no count") is dropped.
fn lenient_rule(rule: &str, series_zone: Tz) -> String {
    let utc = |local: NaiveDateTime| {
        wall_clock(series_zone, local, Edge::Start)
            .format("%Y%m%dT%H%M%SZ")
            .to_string()
    };
    rule.split(';')
        .filter_map(|part| {
            let Some((key, value)) = part.split_once('=') else {
                return Some(part.to_owned());
            };
            let value = value.trim();
            match key.trim().to_ascii_uppercase().as_str() {
                "COUNT" if value.starts_with('-') => None,
                "UNTIL" if value.len() == 8 => {
                    let Ok(day) = NaiveDate::parse_from_str(value, "%Y%m%d") else {
                        return Some(part.to_owned());
                    };
                    let next = (day + chrono::Days::new(1)).and_time(chrono::NaiveTime::MIN);
                    let last = wall_clock(series_zone, next, Edge::Start) - TimeDelta::seconds(1);
                    Some(format!("UNTIL={}", last.format("%Y%m%dT%H%M%SZ")))
                }
                "UNTIL" if !value.ends_with(['Z', 'z']) => {
                    match NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S") {
                        Ok(local) => Some(format!("UNTIL={}", utc(local))),
                        Err(_) => Some(part.to_owned()),
                    }
                }
                _ => Some(part.to_owned()),
            }
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// What RFC 5545 forbids in a rule and the `rrule` crate lets through.
fn check_rule(rule: &str) -> Result<(), &'static str> {
    let parts: Vec<(String, &str)> = rule
        .split(';')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_uppercase(), v.trim()))
        .collect();
    if !rule.is_ascii() {
        // The `rrule` crate slices the text by bytes and would panic on other characters.
        return Err("holds characters other than ASCII");
    }
    let has = |key: &str| parts.iter().any(|(k, v)| k == key && !v.starts_with('-'));
    if has("COUNT") && has("UNTIL") {
        return Err("COUNT and UNTIL must not both be given");
    }
    if parts
        .iter()
        .filter(|(k, _)| k == "BYSETPOS")
        .flat_map(|(_, v)| v.split(','))
        .any(|n| n.trim().trim_start_matches(['+', '-']) == "0")
    {
        return Err("BYSETPOS must not be 0");
    }
    Ok(())
}

/// The instant `start` names, reading floating and all-day starts in `zone`. A wall-clock time
/// in a daylight-saving gap is read as the instant after the gap; one that repeats, as the first.
pub fn instant(start: Start, zone: Tz) -> DateTime<Utc> {
    match start {
        Start::Zoned(naive, tz) => wall_clock(tz, naive, Edge::Start),
        Start::Utc(at) => at,
        Start::Floating(naive) => wall_clock(zone, naive, Edge::Start),
        Start::AllDay(day) => wall_clock(zone, day.and_time(chrono::NaiveTime::MIN), Edge::Start),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{span as window, utc};
    use chrono_tz::Europe::Berlin;

    fn naive(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    fn starts_of(occurrences: &[Occurrence]) -> Vec<String> {
        occurrences
            .iter()
            .map(|o| o.start.format("%Y-%m-%dT%H:%MZ").to_string())
            .collect()
    }

    fn weekly_sync() -> Event {
        Event {
            rrule: Some("FREQ=WEEKLY;BYDAY=MO".into()),
            ..Event::new(
                "sync",
                "Weekly sync",
                Start::Zoned(naive("2026-03-16 09:00"), Berlin),
                TimeDelta::minutes(30),
            )
        }
    }

    #[test]
    fn a_weekly_meeting_keeps_its_wall_clock_time_across_the_spring_change() {
        let (found, warnings) = expand(
            &[weekly_sync()],
            chrono_tz::UTC,
            &window("2026-03-16T00:00:00Z", "2026-04-07T00:00:00Z"),
        );
        assert!(warnings.is_empty());
        // 09:00 CET is 08:00 UTC; from 30 March, 09:00 CEST is 07:00 UTC.
        assert_eq!(
            starts_of(&found),
            [
                "2026-03-16T08:00Z",
                "2026-03-23T08:00Z",
                "2026-03-30T07:00Z",
                "2026-04-06T07:00Z"
            ]
        );
    }

    #[test]
    fn exdates_remove_and_exceptions_move_or_cancel_single_occurrences() {
        let mut series = weekly_sync();
        series.exdates = vec![Start::Zoned(naive("2026-03-23 09:00"), Berlin)];
        let moved = Event {
            recurrence_id: Some(Start::Zoned(naive("2026-03-30 09:00"), Berlin)),
            ..Event::new(
                "sync",
                "Weekly sync (moved)",
                Start::Zoned(naive("2026-03-31 15:00"), Berlin),
                TimeDelta::minutes(30),
            )
        };
        let cancelled = Event {
            recurrence_id: Some(Start::Zoned(naive("2026-04-06 09:00"), Berlin)),
            cancelled: true,
            ..Event::new(
                "sync",
                "Weekly sync",
                Start::Zoned(naive("2026-04-06 09:00"), Berlin),
                TimeDelta::minutes(30),
            )
        };
        let (found, _) = expand(
            &[series, moved, cancelled],
            chrono_tz::UTC,
            &window("2026-03-16T00:00:00Z", "2026-04-14T00:00:00Z"),
        );
        assert_eq!(
            starts_of(&found),
            [
                "2026-03-16T08:00Z",
                "2026-03-31T13:00Z",
                "2026-04-13T07:00Z"
            ]
        );
        assert_eq!(found[1].summary, "Weekly sync (moved)");
    }

    #[test]
    fn count_until_interval_and_rdates_shape_the_series() {
        let event = Event {
            rrule: Some("FREQ=DAILY;INTERVAL=2;COUNT=3".into()),
            rdates: vec![Start::Utc(utc("2026-12-20T10:00:00Z"))],
            ..Event::new(
                "standup",
                "Standup",
                Start::Utc(utc("2026-12-01T10:00:00Z")),
                TimeDelta::minutes(15),
            )
        };
        let (found, _) = expand(
            &[event],
            chrono_tz::UTC,
            &window("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        );
        assert_eq!(
            starts_of(&found),
            [
                "2026-12-01T10:00Z",
                "2026-12-03T10:00Z",
                "2026-12-05T10:00Z",
                "2026-12-20T10:00Z"
            ]
        );
    }

    #[test]
    fn floating_and_all_day_events_are_read_in_the_calendars_zone() {
        let lunch = Event::new(
            "lunch",
            "Lunch",
            Start::Floating(naive("2026-12-01 12:00")),
            TimeDelta::hours(1),
        );
        let holiday = Event::new(
            "holiday",
            "Holiday",
            Start::AllDay(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()),
            TimeDelta::days(1),
        );
        let (found, _) = expand(
            &[lunch, holiday],
            chrono_tz::Asia::Tokyo,
            &window("2026-11-30T00:00:00Z", "2026-12-03T00:00:00Z"),
        );
        assert_eq!(
            found[0].taken(),
            Some(window("2026-12-01T03:00:00Z", "2026-12-01T04:00:00Z"))
        );
        assert_eq!(
            found[1].taken(),
            Some(window("2026-12-01T15:00:00Z", "2026-12-02T15:00:00Z"))
        );
        assert!(found[1].all_day);
    }

    #[test]
    fn free_and_instant_events_take_no_time_but_are_listed() {
        let reminder = Event::new(
            "reminder",
            "Reminder",
            Start::Utc(utc("2026-12-01T09:00:00Z")),
            TimeDelta::zero(),
        );
        let focus = Event {
            show_as: ShowAs::Free,
            ..Event::new(
                "focus",
                "Focus",
                Start::Utc(utc("2026-12-01T10:00:00Z")),
                TimeDelta::hours(2),
            )
        };
        let (found, _) = expand(
            &[reminder, focus],
            chrono_tz::UTC,
            &window("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"),
        );
        assert_eq!(
            starts_of(&found),
            ["2026-12-01T09:00Z", "2026-12-01T10:00Z"]
        );
        assert!(found.iter().all(|o| o.taken().is_none()));
    }

    #[test]
    fn an_occurrence_that_began_before_the_window_and_runs_into_it_is_found() {
        let night = Event {
            rrule: Some("FREQ=DAILY".into()),
            ..Event::new(
                "on-call",
                "On call",
                Start::Utc(utc("2026-12-01T20:00:00Z")),
                TimeDelta::hours(12),
            )
        };
        let (found, _) = expand(
            &[night],
            chrono_tz::UTC,
            &window("2026-12-03T06:00:00Z", "2026-12-03T07:00:00Z"),
        );
        assert_eq!(starts_of(&found), ["2026-12-02T20:00Z"]);
    }

    #[test]
    fn a_bad_rule_is_a_warning_naming_the_event_and_the_others_still_expand() {
        let broken = Event {
            rrule: Some("FREQ=SOMETIMES".into()),
            ..weekly_sync()
        };
        let broken = Event {
            uid: "broken".into(),
            ..broken
        };
        let fine = Event::new(
            "fine",
            "Fine",
            Start::Utc(utc("2026-03-17T10:00:00Z")),
            TimeDelta::hours(1),
        );
        let (found, warnings) = expand(
            &[broken, fine],
            chrono_tz::UTC,
            &window("2026-03-16T00:00:00Z", "2026-03-20T00:00:00Z"),
        );
        assert_eq!(starts_of(&found), ["2026-03-17T10:00Z"]);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].uid, "broken");
        assert!(
            warnings[0].message.contains("FREQ=SOMETIMES"),
            "{}",
            warnings[0].message
        );
    }

    #[test]
    fn rules_rfc_5545_forbids_are_warnings() {
        for (rule, why) in [
            (
                "FREQ=DAILY;COUNT=3;UNTIL=20261210T000000Z",
                "COUNT and UNTIL",
            ),
            (
                "FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=0",
                "BYSETPOS must not be 0",
            ),
        ] {
            let event = Event {
                rrule: Some(rule.into()),
                ..weekly_sync()
            };
            let (found, warnings) = expand(
                &[event],
                chrono_tz::UTC,
                &window("2026-03-16T00:00:00Z", "2026-04-07T00:00:00Z"),
            );
            assert!(found.is_empty());
            assert!(warnings[0].message.contains(why), "{}", warnings[0].message);
        }
    }

    fn all_day(text: &str) -> Start {
        Start::AllDay(NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap())
    }

    fn weekly_all_day(rule: &str) -> Event {
        Event {
            rrule: Some(rule.into()),
            ..Event::new("bins", "Bins", all_day("2024-07-01"), TimeDelta::days(1))
        }
    }

    #[test]
    fn an_all_day_series_with_a_date_until_runs_to_that_day_inclusive() {
        // Google writes UNTIL as a DATE for all-day series (RFC 5545 §3.3.10).
        let series = weekly_all_day("FREQ=WEEKLY;UNTIL=20240715;BYDAY=MO");
        let (found, warnings) = expand(
            &[series],
            Berlin,
            &window("2024-06-01T00:00:00Z", "2024-09-01T00:00:00Z"),
        );
        assert_eq!(warnings, []);
        // Midnight in Berlin (UTC+2 in summer).
        assert_eq!(
            starts_of(&found),
            [
                "2024-06-30T22:00Z",
                "2024-07-07T22:00Z",
                "2024-07-14T22:00Z"
            ]
        );
    }

    #[test]
    fn a_zoned_series_with_a_local_until_stops_at_that_wall_clock_time() {
        let series = Event {
            rrule: Some("FREQ=DAILY;UNTIL=20260318T090000".into()),
            ..weekly_sync()
        };
        let (found, warnings) = expand(
            &[series],
            chrono_tz::UTC,
            &window("2026-03-16T00:00:00Z", "2026-03-25T00:00:00Z"),
        );
        assert_eq!(warnings, []);
        assert_eq!(
            starts_of(&found),
            [
                "2026-03-16T08:00Z",
                "2026-03-17T08:00Z",
                "2026-03-18T08:00Z"
            ]
        );
    }

    #[test]
    fn a_negative_count_beside_until_is_read_as_no_count() {
        // Confluence writes COUNT=-1 for a series that ends by UNTIL.
        let series = weekly_all_day("FREQ=WEEKLY;UNTIL=20240708;COUNT=-1;BYDAY=MO");
        let (found, warnings) = expand(
            &[series],
            chrono_tz::UTC,
            &window("2024-06-01T00:00:00Z", "2024-09-01T00:00:00Z"),
        );
        assert_eq!(warnings, []);
        assert_eq!(
            starts_of(&found),
            ["2024-07-01T00:00Z", "2024-07-08T00:00Z"]
        );
    }

    #[test]
    fn an_rdate_that_repeats_an_occurrence_of_the_rule_is_one_occurrence() {
        let series = Event {
            rrule: Some("FREQ=DAILY;COUNT=2".into()),
            rdates: vec![Start::Utc(utc("2026-12-02T10:00:00Z"))],
            ..Event::new(
                "standup",
                "Standup",
                Start::Utc(utc("2026-12-01T10:00:00Z")),
                TimeDelta::minutes(15),
            )
        };
        let (found, _) = expand(
            &[series],
            chrono_tz::UTC,
            &window("2026-12-01T00:00:00Z", "2026-12-31T00:00:00Z"),
        );
        assert_eq!(
            starts_of(&found),
            ["2026-12-01T10:00Z", "2026-12-02T10:00Z"]
        );
    }

    #[test]
    fn exdates_remove_rdates_of_an_event_without_a_rule() {
        let event = Event {
            rdates: vec![Start::Utc(utc("2026-12-05T10:00:00Z"))],
            exdates: vec![Start::Utc(utc("2026-12-05T10:00:00Z"))],
            ..Event::new(
                "talk",
                "Talk",
                Start::Utc(utc("2026-12-01T10:00:00Z")),
                TimeDelta::hours(1),
            )
        };
        let (found, _) = expand(
            &[event],
            chrono_tz::UTC,
            &window("2026-12-01T00:00:00Z", "2026-12-31T00:00:00Z"),
        );
        assert_eq!(starts_of(&found), ["2026-12-01T10:00Z"]);
    }

    #[test]
    fn an_rdate_period_lasts_its_own_length() {
        let event = Event {
            rrule: Some("FREQ=DAILY;COUNT=1".into()),
            rdate_periods: vec![(Start::Utc(utc("2026-12-03T10:00:00Z")), TimeDelta::hours(3))],
            ..Event::new(
                "workshop",
                "Workshop",
                Start::Utc(utc("2026-12-01T10:00:00Z")),
                TimeDelta::hours(1),
            )
        };
        let (found, _) = expand(
            &[event],
            chrono_tz::UTC,
            &window("2026-12-01T00:00:00Z", "2026-12-31T00:00:00Z"),
        );
        let lengths: Vec<i64> = found
            .iter()
            .map(|o| (o.end - o.start).num_hours())
            .collect();
        assert_eq!(lengths, [1, 3]);
    }

    #[test]
    fn an_exception_is_one_occurrence_even_when_it_carries_a_rule() {
        let moved = Event {
            recurrence_id: Some(Start::Zoned(naive("2026-03-23 09:00"), Berlin)),
            rrule: Some("FREQ=WEEKLY;BYDAY=TU".into()),
            ..Event::new(
                "sync",
                "Weekly sync (moved)",
                Start::Zoned(naive("2026-03-24 09:00"), Berlin),
                TimeDelta::minutes(30),
            )
        };
        let (found, _) = expand(
            &[weekly_sync(), moved],
            chrono_tz::UTC,
            &window("2026-03-16T00:00:00Z", "2026-04-07T00:00:00Z"),
        );
        assert_eq!(
            starts_of(&found),
            [
                "2026-03-16T08:00Z",
                "2026-03-24T08:00Z",
                "2026-03-30T07:00Z",
                "2026-04-06T07:00Z"
            ]
        );
    }

    #[test]
    fn an_exception_names_an_all_day_occurrence_by_its_day() {
        // Outlook names the all-day occurrence of 15 July by its midnight in London.
        let moved = Event {
            recurrence_id: Some(Start::Zoned(
                naive("2024-07-15 00:00"),
                chrono_tz::Europe::London,
            )),
            ..Event::new(
                "bins",
                "Bins (moved)",
                all_day("2024-07-16"),
                TimeDelta::days(1),
            )
        };
        let (found, _) = expand(
            &[weekly_all_day("FREQ=WEEKLY;COUNT=3;BYDAY=MO"), moved],
            chrono_tz::UTC,
            &window("2024-06-01T00:00:00Z", "2024-09-01T00:00:00Z"),
        );
        assert_eq!(
            starts_of(&found),
            [
                "2024-07-01T00:00Z",
                "2024-07-08T00:00Z",
                "2024-07-16T00:00Z"
            ]
        );
    }

    #[test]
    fn an_exception_for_an_occurrence_the_series_excludes_is_left_out() {
        // The occurrence was moved, then deleted: the client kept the exception and added the
        // EXDATE.
        let mut series = weekly_sync();
        series.exdates = vec![Start::Zoned(naive("2026-03-23 09:00"), Berlin)];
        let moved = Event {
            recurrence_id: Some(Start::Zoned(naive("2026-03-23 09:00"), Berlin)),
            ..Event::new(
                "sync",
                "Weekly sync (moved)",
                Start::Zoned(naive("2026-03-24 15:00"), Berlin),
                TimeDelta::minutes(30),
            )
        };
        let (found, _) = expand(
            &[series, moved],
            chrono_tz::UTC,
            &window("2026-03-16T00:00:00Z", "2026-03-30T00:00:00Z"),
        );
        assert_eq!(starts_of(&found), ["2026-03-16T08:00Z"]);
    }

    #[test]
    fn a_date_exdate_removes_that_days_occurrence_of_a_timed_series() {
        let mut series = weekly_sync();
        series.exdates = vec![all_day("2026-03-23")];
        let (found, _) = expand(
            &[series],
            chrono_tz::UTC,
            &window("2026-03-16T00:00:00Z", "2026-03-31T00:00:00Z"),
        );
        assert_eq!(
            starts_of(&found),
            ["2026-03-16T08:00Z", "2026-03-30T07:00Z"]
        );
    }

    #[test]
    fn a_whole_day_rdate_of_a_zoned_series_is_that_day_in_the_series_zone() {
        let mut series = weekly_sync();
        series.rrule = None;
        series.rdates = vec![all_day("2026-03-18")];
        let (found, _) = expand(
            &[series],
            chrono_tz::UTC,
            &window("2026-03-16T00:00:00Z", "2026-03-31T00:00:00Z"),
        );
        assert_eq!(
            starts_of(&found),
            ["2026-03-16T08:00Z", "2026-03-17T23:00Z"]
        );
    }

    #[test]
    fn an_endless_minutely_series_is_cut_at_the_limit_with_a_warning() {
        let flood = Event {
            rrule: Some("FREQ=MINUTELY".into()),
            ..Event::new(
                "flood",
                "Flood",
                Start::Utc(utc("2026-01-01T00:00:00Z")),
                TimeDelta::minutes(1),
            )
        };
        let (found, warnings) = expand(
            &[flood],
            chrono_tz::UTC,
            &window("2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z"),
        );
        assert_eq!(found.len(), usize::from(MAX_OCCURRENCES));
        assert_eq!(warnings.len(), 1);
    }
}
