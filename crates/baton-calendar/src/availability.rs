//! A person's working hours, written in their own time zone's wall-clock time, and the UTC spans
//! they cover in any window.
//!
//! Daylight-saving changes are handled where they happen: a day's hours are converted to UTC
//! one local day at a time, so 09:00–17:00 in Berlin is 08:00–16:00 UTC in winter and
//! 07:00–15:00 UTC in summer. A wall-clock time that does not exist (inside the spring-forward
//! gap) becomes the first instant after the gap; one that exists twice (the fall-back hour) is
//! taken at its earlier instant when it starts a range and its later one when it ends one, so a
//! range keeps every minute its wall-clock times span.

use crate::interval::{Interval, normalize};
use chrono::{Datelike, LocalResult, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use std::collections::BTreeMap;

const MINUTES_PER_DAY: u16 = 24 * 60;

/// A span of wall-clock time within one day, in minutes after midnight: 09:00–17:30 is
/// `540..1050`. The end may be 1440, the midnight that ends the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalRange {
    from: u16,
    to: u16,
}

/// Working hours that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    #[error("{from:02}:{from_m:02}–{to:02}:{to_m:02} does not run forwards within one day", from = .0 / 60, from_m = .0 % 60, to = .1 / 60, to_m = .1 % 60)]
    NotWithinADay(u16, u16),
    #[error("{0} overlaps {1}")]
    Overlap(LocalRange, LocalRange),
}

impl LocalRange {
    /// 09:00–17:00.
    pub const NINE_TO_FIVE: LocalRange = LocalRange {
        from: 9 * 60,
        to: 17 * 60,
    };

    /// The range from `from` to `to`, as `(hour, minute)`; `(24, 0)` is the end of the day.
    pub fn hm(from: (u16, u16), to: (u16, u16)) -> Result<LocalRange, HoursError> {
        LocalRange::minutes(from.0 * 60 + from.1, to.0 * 60 + to.1)
    }

    /// The range between two times given in minutes after midnight.
    pub const fn minutes(from: u16, to: u16) -> Result<LocalRange, HoursError> {
        if from < to && to <= MINUTES_PER_DAY {
            Ok(LocalRange { from, to })
        } else {
            Err(HoursError::NotWithinADay(from, to))
        }
    }
}

impl std::fmt::Display for LocalRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02}:{:02}–{:02}:{:02}",
            self.from / 60,
            self.from % 60,
            self.to / 60,
            self.to % 60
        )
    }
}

/// One day's working hours: sorted ranges that do not overlap. Empty is a day off.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayHours(Vec<LocalRange>);

impl DayHours {
    /// The day's hours, refused when two ranges overlap.
    pub fn new(mut ranges: Vec<LocalRange>) -> Result<DayHours, HoursError> {
        ranges.sort();
        for pair in ranges.windows(2) {
            if pair[1].from < pair[0].to {
                return Err(HoursError::Overlap(pair[0], pair[1]));
            }
        }
        Ok(DayHours(ranges))
    }

    /// No working hours.
    pub fn off() -> DayHours {
        DayHours(Vec::new())
    }

    pub fn ranges(&self) -> &[LocalRange] {
        &self.0
    }
}

/// When a person works: weekly hours in their time zone, and dates that differ (time off,
/// holidays, extra hours).
#[derive(Debug, Clone)]
pub struct Availability {
    pub time_zone: Tz,
    /// Hours for each weekday, Monday first.
    weekly: [DayHours; 7],
    /// Dates whose hours replace the week's.
    overrides: BTreeMap<NaiveDate, DayHours>,
}

impl Availability {
    /// Someone in `time_zone` who works no hours yet.
    pub fn new(time_zone: Tz) -> Availability {
        Availability {
            time_zone,
            weekly: Default::default(),
            overrides: BTreeMap::new(),
        }
    }

    /// Someone in `time_zone` who works `hours` Monday to Friday.
    pub fn weekdays(time_zone: Tz, hours: &DayHours) -> Availability {
        let mut availability = Availability::new(time_zone);
        for day in [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ] {
            availability.set_weekday(day, hours.clone());
        }
        availability
    }

    /// The hours of every `day` of the week.
    pub fn set_weekday(&mut self, day: Weekday, hours: DayHours) {
        self.weekly[day.num_days_from_monday() as usize] = hours;
    }

    /// The hours of one date, replacing the week's ([`DayHours::off`] for time off).
    pub fn set_date(&mut self, date: NaiveDate, hours: DayHours) {
        self.overrides.insert(date, hours);
    }

    /// The hours worked on `date`, in wall-clock time.
    pub fn hours_on(&self, date: NaiveDate) -> &DayHours {
        self.overrides
            .get(&date)
            .unwrap_or(&self.weekly[date.weekday().num_days_from_monday() as usize])
    }

    /// The UTC span of the whole local day `date`, midnight to midnight (23 or 25 hours on the
    /// days the clocks change).
    pub fn local_day(&self, date: NaiveDate) -> Option<Interval> {
        let day = LocalRange {
            from: 0,
            to: MINUTES_PER_DAY,
        };
        local_span(self.time_zone, date, day)
    }

    /// The working time within `window`, as sorted, disjoint UTC spans.
    pub fn working(&self, window: &Interval) -> Vec<Interval> {
        let spans = local_days(self.time_zone, window)
            .flat_map(|date| {
                self.hours_on(date)
                    .ranges()
                    .iter()
                    .filter_map(move |r| local_span(self.time_zone, date, *r))
            })
            .filter_map(|span| span.clip(window))
            .collect();
        normalize(spans)
    }
}

/// Every local date of `tz` that `window` touches.
fn local_days(tz: Tz, window: &Interval) -> impl Iterator<Item = NaiveDate> {
    let last = window.end.with_timezone(&tz).date_naive();
    let first = window.start.with_timezone(&tz).date_naive();
    first.iter_days().take_while(move |d| *d <= last)
}

/// The UTC span of wall-clock `range` on `date` in `tz`.
pub(crate) fn local_span(tz: Tz, date: NaiveDate, range: LocalRange) -> Option<Interval> {
    Interval::new(
        instant(tz, date, range.from, Edge::Start),
        instant(tz, date, range.to, Edge::End),
    )
}

/// The UTC spans of wall-clock `range` on every local day of `tz` that touches `window`.
pub(crate) fn daily(tz: Tz, range: LocalRange, window: &Interval) -> Vec<Interval> {
    local_days(tz, window)
        .filter_map(|date| local_span(tz, date, range))
        .collect()
}

/// Which end of a span a wall-clock time marks, for the hour that repeats when the clocks fall
/// back: a start takes its earlier instant, an end its later one.
#[derive(Clone, Copy)]
pub(crate) enum Edge {
    Start,
    End,
}

/// The instant of wall-clock `minute` on `date` in `tz`.
fn instant(tz: Tz, date: NaiveDate, minute: u16, edge: Edge) -> chrono::DateTime<Utc> {
    wall_clock(
        tz,
        date.and_time(chrono::NaiveTime::MIN) + TimeDelta::minutes(i64::from(minute)),
        edge,
    )
}

/// The instant of wall-clock time `local` in `tz`: in a spring-forward gap, the first instant
/// after the gap; in a repeated hour, the earlier or later instant as `edge` says.
pub(crate) fn wall_clock(tz: Tz, local: NaiveDateTime, edge: Edge) -> chrono::DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, later) => match edge {
            Edge::Start => earlier.with_timezone(&Utc),
            Edge::End => later.with_timezone(&Utc),
        },
        // Gaps are at most a day long in the time zone database.
        LocalResult::None => (1..=i64::from(MINUTES_PER_DAY))
            .find_map(|m| {
                tz.from_local_datetime(&(local + TimeDelta::minutes(m)))
                    .earliest()
            })
            .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::span as window;

    fn spans(list: &[(&str, &str)]) -> Vec<Interval> {
        list.iter().map(|(a, b)| window(a, b)).collect()
    }

    fn nine_to_five() -> DayHours {
        DayHours::new(vec![LocalRange::hm((9, 0), (17, 0)).unwrap()]).unwrap()
    }

    #[test]
    fn the_same_wall_clock_hours_move_in_utc_when_the_clocks_spring_forward() {
        // Berlin goes from UTC+1 to UTC+2 on Sunday 29 March 2026.
        let berlin = Availability::weekdays(chrono_tz::Europe::Berlin, &nine_to_five());
        let working = berlin.working(&window("2026-03-27T00:00:00Z", "2026-03-31T00:00:00Z"));
        assert_eq!(
            working,
            spans(&[
                ("2026-03-27T08:00:00Z", "2026-03-27T16:00:00Z"),
                ("2026-03-30T07:00:00Z", "2026-03-30T15:00:00Z"),
            ])
        );
    }

    #[test]
    fn a_range_starting_in_the_spring_forward_gap_starts_when_the_gap_ends() {
        let mut berlin = Availability::new(chrono_tz::Europe::Berlin);
        let night = DayHours::new(vec![LocalRange::hm((2, 30), (4, 0)).unwrap()]).unwrap();
        berlin.set_date(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(), night);
        // 02:30 does not exist; 03:00 CEST is 01:00 UTC, and 04:00 CEST is 02:00 UTC.
        let working = berlin.working(&window("2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z"));
        assert_eq!(
            working,
            spans(&[("2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z")])
        );
    }

    #[test]
    fn a_range_across_the_repeated_fall_back_hour_keeps_every_minute() {
        // New York repeats 01:00–02:00 on Sunday 1 November 2026 (EDT, then EST).
        let mut new_york = Availability::new(chrono_tz::America::New_York);
        let early = DayHours::new(vec![LocalRange::hm((1, 0), (3, 0)).unwrap()]).unwrap();
        new_york.set_date(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(), early);
        let working = new_york.working(&window("2026-10-31T00:00:00Z", "2026-11-03T00:00:00Z"));
        // 01:00 EDT is 05:00 UTC; 03:00 EST is 08:00 UTC: three hours of wall-clock two.
        assert_eq!(
            working,
            spans(&[("2026-11-01T05:00:00Z", "2026-11-01T08:00:00Z")])
        );
    }

    #[test]
    fn a_local_day_lasts_23_or_25_hours_when_the_clocks_change() {
        let berlin = Availability::new(chrono_tz::Europe::Berlin);
        let spring = berlin
            .local_day(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap())
            .unwrap();
        let autumn = berlin
            .local_day(NaiveDate::from_ymd_opt(2026, 10, 25).unwrap())
            .unwrap();
        assert_eq!(spring.duration(), TimeDelta::hours(23));
        assert_eq!(autumn.duration(), TimeDelta::hours(25));
    }

    #[test]
    fn a_date_override_replaces_the_weeks_hours() {
        let mut tokyo = Availability::weekdays(chrono_tz::Asia::Tokyo, &nine_to_five());
        // Tuesday off; Saturday morning worked.
        tokyo.set_date(
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            DayHours::off(),
        );
        let saturday = DayHours::new(vec![LocalRange::hm((10, 0), (12, 0)).unwrap()]).unwrap();
        tokyo.set_date(NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(), saturday);
        let working = tokyo.working(&window("2026-11-30T00:00:00Z", "2026-12-06T00:00:00Z"));
        let starts: Vec<String> = working.iter().map(|s| s.start.to_rfc3339()).collect();
        assert_eq!(
            starts,
            [
                // 09:00 JST is 00:00 UTC; Tuesday is off, Saturday starts at 10:00 JST.
                "2026-11-30T00:00:00+00:00",
                "2026-12-02T00:00:00+00:00",
                "2026-12-03T00:00:00+00:00",
                "2026-12-04T00:00:00+00:00",
                "2026-12-05T01:00:00+00:00",
            ]
        );
    }

    #[test]
    fn hours_that_overlap_or_run_backwards_are_refused_with_the_ranges_named() {
        assert_eq!(
            LocalRange::hm((17, 0), (9, 0)),
            Err(HoursError::NotWithinADay(1020, 540))
        );
        assert!(LocalRange::hm((9, 0), (24, 1)).is_err());
        let error = DayHours::new(vec![
            LocalRange::hm((13, 0), (17, 0)).unwrap(),
            LocalRange::hm((9, 0), (13, 30)).unwrap(),
        ])
        .unwrap_err();
        assert_eq!(error.to_string(), "09:00–13:30 overlaps 13:00–17:00");
    }
}
