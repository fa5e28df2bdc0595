//! Meeting times for a group: every required person working and free, ranked by how many of the
//! optional people can come too, then by the least time anyone spends outside their core hours,
//! then earliest first.

use crate::availability::{Availability, LocalRange, daily};
use crate::interval::{Interval, intersect, normalize, subtract};
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::BTreeMap;

/// The longest window searched at once; slot finding's time and memory grow with it.
const LONGEST_WINDOW: TimeDelta = TimeDelta::days(370);

/// Someone invited, with what the calendar knows of them.
#[derive(Debug, Clone)]
pub struct Attendee {
    /// Names the attendee in the result.
    pub id: String,
    pub availability: Availability,
    /// Their meetings (time that is already taken), in any order.
    pub meetings: Vec<Interval>,
    /// Free time they keep before and after every meeting, the new one included.
    pub buffer_before: TimeDelta,
    pub buffer_after: TimeDelta,
    /// No more meetings than this on one of their local days.
    pub max_meetings_per_day: Option<usize>,
    /// The part of their day when a meeting costs them nothing. Working hours may reach
    /// further (early calls with another continent); a meeting there is possible but a burden,
    /// and times with less of it rank first.
    pub core_hours: LocalRange,
}

impl Attendee {
    /// Someone with `availability`, no meetings, no buffers, no daily limit and core hours of
    /// 09:00–17:00.
    pub fn new(id: impl Into<String>, availability: Availability) -> Attendee {
        Attendee {
            id: id.into(),
            availability,
            meetings: Vec::new(),
            buffer_before: TimeDelta::zero(),
            buffer_after: TimeDelta::zero(),
            max_meetings_per_day: None,
            core_hours: LocalRange::NINE_TO_FIVE,
        }
    }

    /// When a meeting could start and run within `window`: their working hours, less their
    /// meetings widened by the buffers on both sides, less the days already at their limit.
    pub(crate) fn free(&self, window: &Interval) -> Vec<Interval> {
        self.free_around(&self.meetings, window)
    }

    /// [`Attendee::free`] as if `meetings` were their meetings.
    pub(crate) fn free_around(&self, meetings: &[Interval], window: &Interval) -> Vec<Interval> {
        let gap = self.buffer_before + self.buffer_after;
        let mut taken: Vec<Interval> = meetings.iter().map(|m| m.widen(gap, gap)).collect();
        if let Some(limit) = self.max_meetings_per_day {
            let mut per_day: BTreeMap<chrono::NaiveDate, usize> = BTreeMap::new();
            for meeting in meetings {
                let day = meeting
                    .start
                    .with_timezone(&self.availability.time_zone)
                    .date_naive();
                *per_day.entry(day).or_default() += 1;
            }
            taken.extend(
                per_day
                    .into_iter()
                    .filter(|(_, count)| *count >= limit)
                    .filter_map(|(day, _)| self.availability.local_day(day)),
            );
        }
        subtract(&self.availability.working(window), &normalize(taken))
    }
}

/// The minutes of any meeting that fall outside one person's core hours.
pub(crate) struct Burden<'a> {
    id: &'a str,
    /// Their core hours on every local day of the window, sorted.
    core: Vec<Interval>,
}

impl<'a> Burden<'a> {
    pub(crate) fn new(attendee: &'a Attendee, window: &Interval) -> Burden<'a> {
        let core = daily(attendee.availability.time_zone, attendee.core_hours, window);
        Burden {
            id: &attendee.id,
            core,
        }
    }

    /// Whole minutes of `time` outside their core hours.
    fn minutes(&self, time: &Interval) -> u32 {
        let first = self.core.partition_point(|c| c.end <= time.start);
        let inside: TimeDelta = self.core[first..]
            .iter()
            .take_while(|c| c.start < time.end)
            .filter_map(|c| c.clip(time))
            .map(|c| c.duration())
            .sum();
        u32::try_from((time.duration() - inside).num_minutes()).unwrap_or(u32::MAX)
    }
}

/// Who would meet outside their core hours at `time`, and for how many minutes.
pub(crate) fn after_hours<'b, 'a: 'b>(
    burdens: impl IntoIterator<Item = &'b Burden<'a>>,
    time: &Interval,
) -> Vec<(String, u32)> {
    burdens
        .into_iter()
        .map(|b| (b.id, b.minutes(time)))
        .filter(|(_, minutes)| *minutes > 0)
        .map(|(id, minutes)| (id.to_owned(), minutes))
        .collect()
}

/// When to look: a meeting of `duration` within `window`, starting on a multiple of
/// `granularity` after the Unix epoch and not before `not_before` (now plus the minimum
/// notice); at most `limit` answers, the best first.
#[derive(Debug, Clone)]
pub struct Search {
    pub duration: TimeDelta,
    pub window: Interval,
    pub granularity: TimeDelta,
    pub not_before: DateTime<Utc>,
    pub limit: usize,
}

impl Search {
    /// Refuses a search that makes no sense, and returns the window left after the notice
    /// (`None` when none is left).
    pub(crate) fn check<'a>(
        &self,
        attendees: impl IntoIterator<Item = &'a Attendee>,
    ) -> Result<Option<Interval>, SlotError> {
        if self.duration <= TimeDelta::zero() || self.duration > LONGEST_WINDOW {
            return Err(SlotError::Duration);
        }
        if self.granularity < TimeDelta::minutes(1) || self.granularity > TimeDelta::days(1) {
            return Err(SlotError::Granularity);
        }
        if self.window.duration() > LONGEST_WINDOW {
            return Err(SlotError::Window);
        }
        let day = TimeDelta::zero()..=TimeDelta::days(1);
        if let Some(a) = attendees
            .into_iter()
            .find(|a| !day.contains(&a.buffer_before) || !day.contains(&a.buffer_after))
        {
            return Err(SlotError::Buffer(a.id.clone()));
        }
        Ok(Interval::new(
            self.window.start.max(self.not_before),
            self.window.end,
        ))
    }

    /// The meeting times on the grid that fit inside the sorted, disjoint `spans`.
    pub(crate) fn times<'a>(
        &'a self,
        spans: &'a [Interval],
    ) -> impl Iterator<Item = Interval> + 'a {
        let step = self.granularity.num_seconds();
        spans.iter().flat_map(move |span| {
            std::iter::successors(Some(on_grid(span.start, step)), move |start| {
                start.checked_add_signed(self.granularity)
            })
            .map_while(move |start| {
                start
                    .checked_add_signed(self.duration)
                    .and_then(|end| Interval::new(start, end))
                    .filter(|time| time.end <= span.end)
            })
        })
    }
}

/// A meeting for `required` and, where they can come, `optional`.
#[derive(Debug, Clone)]
pub struct SlotRequest {
    pub required: Vec<Attendee>,
    pub optional: Vec<Attendee>,
    pub search: Search,
}

/// A time that suits every required attendee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub time: Interval,
    /// The optional attendees free then, in the order they were asked.
    pub optional_free: Vec<String>,
    /// The attendees (required, then optional free) who would meet outside their core hours,
    /// with the minutes outside.
    pub after_hours: Vec<(String, u32)>,
}

impl Slot {
    /// Minutes outside core hours, summed over everyone coming.
    pub fn burden(&self) -> u32 {
        self.after_hours.iter().map(|(_, m)| m).sum()
    }
}

/// A request that cannot be answered, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlotError {
    #[error("duration must be positive and at most {} days", LONGEST_WINDOW.num_days())]
    Duration,
    #[error("{0}'s buffers must be between zero and a day")]
    Buffer(String),
    #[error("granularity must be between one minute and one day")]
    Granularity,
    #[error("window must be at most {} days", LONGEST_WINDOW.num_days())]
    Window,
    #[error("at least one attendee must be required")]
    NoOneRequired,
    #[error("the pool of hosts is empty")]
    NoHosts,
}

/// The best slots for `request`: most optional attendees free, then the least time outside
/// core hours, then earliest.
pub fn find_slots(request: &SlotRequest) -> Result<Vec<Slot>, SlotError> {
    let search = &request.search;
    let checked = search.check(request.required.iter().chain(&request.optional))?;
    if request.required.is_empty() {
        return Err(SlotError::NoOneRequired);
    }
    let Some(window) = checked else {
        return Ok(Vec::new());
    };
    let common = all_free(&request.required, &window);
    let optional: Vec<Vec<Interval>> = request.optional.iter().map(|a| a.free(&window)).collect();
    let required_burden: Vec<Burden> = request
        .required
        .iter()
        .map(|a| Burden::new(a, &window))
        .collect();
    let optional_burden: Vec<Burden> = request
        .optional
        .iter()
        .map(|a| Burden::new(a, &window))
        .collect();
    let mut slots: Vec<Slot> = search
        .times(&common)
        .map(|time| {
            let coming: Vec<usize> = (0..optional.len())
                .filter(|i| covered(&optional[*i], &time))
                .collect();
            Slot {
                time,
                optional_free: coming
                    .iter()
                    .map(|i| request.optional[*i].id.clone())
                    .collect(),
                after_hours: after_hours(
                    required_burden
                        .iter()
                        .chain(coming.iter().map(|i| &optional_burden[*i])),
                    &time,
                ),
            }
        })
        .collect();
    slots.sort_by(|a, b| {
        b.optional_free
            .len()
            .cmp(&a.optional_free.len())
            .then(a.burden().cmp(&b.burden()))
            .then(a.time.start.cmp(&b.time.start))
    });
    slots.truncate(search.limit);
    Ok(slots)
}

/// When all of `attendees` are free within `window` (all of it when there are none).
pub(crate) fn all_free(attendees: &[Attendee], window: &Interval) -> Vec<Interval> {
    attendees
        .iter()
        .map(|a| a.free(window))
        .reduce(|common, free| intersect(&common, &free))
        .unwrap_or_else(|| vec![*window])
}

/// The first instant at or after `t` on the grid of `step` seconds from the Unix epoch.
pub(crate) fn on_grid(t: DateTime<Utc>, step: i64) -> DateTime<Utc> {
    let seconds = t.timestamp() + i64::from(t.timestamp_subsec_nanos() > 0);
    let up = seconds + (step - seconds.rem_euclid(step)) % step;
    DateTime::from_timestamp(up, 0).unwrap_or(t)
}

/// Whether one of the sorted, disjoint `spans` holds all of `time`.
pub(crate) fn covered(spans: &[Interval], time: &Interval) -> bool {
    let i = spans.partition_point(|s| s.end < time.end);
    spans.get(i).is_some_and(|s| s.contains(time))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::availability::{DayHours, LocalRange};
    use crate::testing::{span, utc};
    use chrono_tz::Tz;

    pub(crate) fn nine_to_five(id: &str, tz: Tz) -> Attendee {
        let hours = DayHours::new(vec![LocalRange::hm((9, 0), (17, 0)).unwrap()]).unwrap();
        Attendee::new(id, Availability::weekdays(tz, &hours))
    }

    /// An hour's meeting on Tuesday 1 December 2026, on the half hour.
    pub(crate) fn tuesday() -> Search {
        Search {
            duration: TimeDelta::hours(1),
            window: span("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"),
            granularity: TimeDelta::minutes(30),
            not_before: utc("2026-11-29T00:00:00Z"),
            limit: 100,
        }
    }

    fn request(required: Vec<Attendee>, optional: Vec<Attendee>) -> SlotRequest {
        SlotRequest {
            required,
            optional,
            search: tuesday(),
        }
    }

    fn starts(slots: &[Slot]) -> Vec<String> {
        slots
            .iter()
            .map(|s| s.time.start.format("%H:%M").to_string())
            .collect()
    }

    #[test]
    fn berlin_and_new_york_meet_where_their_working_days_overlap() {
        // Berlin 09–17 CET is 08–16 UTC; New York 09–17 EST is 14–22 UTC.
        let slots = find_slots(&request(
            vec![
                nine_to_five("ana", chrono_tz::Europe::Berlin),
                nine_to_five("ben", chrono_tz::America::New_York),
            ],
            vec![],
        ))
        .unwrap();
        assert_eq!(starts(&slots), ["14:00", "14:30", "15:00"]);
    }

    #[test]
    fn a_meeting_and_its_buffers_take_their_time_out() {
        let mut ana = nine_to_five("ana", chrono_tz::Europe::Berlin);
        ana.meetings = vec![span("2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z")];
        ana.buffer_before = TimeDelta::minutes(10);
        ana.buffer_after = TimeDelta::minutes(15);
        let slots = find_slots(&request(vec![ana], vec![])).unwrap();
        // 08:00–16:00 UTC less 08:35–10:25: nothing fits before; on the grid from 10:30.
        assert_eq!(starts(&slots)[..3], ["10:30", "11:00", "11:30"]);
        assert_eq!(
            slots.last().unwrap().time.start,
            utc("2026-12-01T15:00:00Z")
        );
    }

    #[test]
    fn slots_where_more_optional_people_can_come_rank_first() {
        let mut cleo = nine_to_five("cleo", chrono_tz::Europe::London);
        // Cleo is busy all day but 11:00–12:00 UTC (London is UTC in December).
        cleo.meetings = vec![
            span("2026-12-01T09:00:00Z", "2026-12-01T11:00:00Z"),
            span("2026-12-01T12:00:00Z", "2026-12-01T17:00:00Z"),
        ];
        let slots = find_slots(&request(
            vec![nine_to_five("ana", chrono_tz::Europe::Berlin)],
            vec![cleo],
        ))
        .unwrap();
        assert_eq!(slots[0].time.start, utc("2026-12-01T11:00:00Z"));
        assert_eq!(slots[0].optional_free, ["cleo"]);
        assert_eq!(
            starts(&slots[1..3]),
            ["08:00", "08:30"],
            "then the rest, earliest first"
        );
        assert!(slots[1].optional_free.is_empty());
    }

    #[test]
    fn times_inside_everyones_core_hours_rank_before_early_and_late_ones() {
        // Both work long days to reach each other; core hours are 09:00–17:00 local. In
        // December Berlin works 07:00–19:00 UTC and San Francisco 15:00–01:00 UTC.
        let long_day = |id: &str, tz: Tz, from: u16, to: u16| {
            let hours = DayHours::new(vec![LocalRange::hm((from, 0), (to, 0)).unwrap()]).unwrap();
            Attendee::new(id, Availability::weekdays(tz, &hours))
        };
        let slots = find_slots(&request(
            vec![
                long_day("ana", chrono_tz::Europe::Berlin, 8, 20),
                long_day("sam", chrono_tz::America::Los_Angeles, 7, 17),
            ],
            vec![],
        ))
        .unwrap();
        // 15:00 UTC is 07:00 for Sam (an hour early); 16:00 is 17:00 for Ana and 08:00 for
        // Sam; 17:00 is 18:00 for Ana (an hour late) and 09:00 for Sam.
        let ranked: Vec<(String, u32)> = slots
            .iter()
            .map(|s| (s.time.start.format("%H:%M").to_string(), s.burden()))
            .collect();
        let expected = [
            ("15:00", 60),
            ("17:00", 60),
            ("17:30", 60),
            ("18:00", 60),
            ("15:30", 90),
            ("16:30", 90),
            ("16:00", 120),
        ];
        assert_eq!(
            ranked,
            expected.map(|(t, m)| (t.to_owned(), m)),
            "least time outside core hours first, then earliest"
        );
        assert_eq!(slots[0].after_hours, [("sam".to_owned(), 60)]);
        assert_eq!(slots[1].after_hours, [("ana".to_owned(), 60)]);
    }

    #[test]
    fn nothing_starts_before_the_minimum_notice() {
        let mut r = request(vec![nine_to_five("ana", chrono_tz::Europe::Berlin)], vec![]);
        r.search.not_before = utc("2026-12-01T13:10:00Z");
        assert_eq!(
            starts(&find_slots(&r).unwrap()),
            ["13:30", "14:00", "14:30", "15:00"]
        );
    }

    #[test]
    fn a_day_at_its_meeting_limit_offers_nothing() {
        let mut ana = nine_to_five("ana", chrono_tz::Europe::Berlin);
        ana.meetings = vec![span("2026-12-01T08:00:00Z", "2026-12-01T08:30:00Z")];
        ana.max_meetings_per_day = Some(1);
        let mut r = request(vec![ana], vec![]);
        r.search.window = span("2026-12-01T00:00:00Z", "2026-12-03T00:00:00Z");
        let slots = find_slots(&r).unwrap();
        assert_eq!(
            slots[0].time.start,
            utc("2026-12-02T08:00:00Z"),
            "Tuesday is full; Wednesday is next"
        );
    }

    #[test]
    fn a_request_that_makes_no_sense_is_refused() {
        let ana = || nine_to_five("ana", chrono_tz::Europe::Berlin);
        let mut r = request(vec![ana()], vec![]);
        r.search.duration = TimeDelta::zero();
        assert_eq!(find_slots(&r), Err(SlotError::Duration));
        let mut r = request(vec![ana()], vec![]);
        r.optional.push(Attendee {
            buffer_after: TimeDelta::days(2),
            ..nine_to_five("cleo", chrono_tz::Europe::London)
        });
        assert_eq!(
            find_slots(&r).unwrap_err().to_string(),
            "cleo's buffers must be between zero and a day"
        );
        let mut r = request(vec![ana()], vec![]);
        r.search.granularity = TimeDelta::seconds(10);
        assert_eq!(find_slots(&r), Err(SlotError::Granularity));
        let mut r = request(vec![ana()], vec![]);
        r.search.window = span("2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z");
        assert_eq!(find_slots(&r), Err(SlotError::Window));
        assert_eq!(
            find_slots(&request(vec![], vec![ana()])),
            Err(SlotError::NoOneRequired)
        );
    }
}
