//! Properties that hold for any calendar: checked on generated people, meetings and series.

use baton_calendar::{
    Attendee, Availability, Booked, DayHours, Event, Interval, LocalRange, MoveRequest, Search,
    SlotRequest, Start, expand, find_slots, propose_moves,
};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

const ZONES: [Tz; 6] = [
    chrono_tz::Europe::Berlin,
    chrono_tz::America::New_York,
    chrono_tz::Australia::Sydney,
    chrono_tz::Asia::Kolkata,
    chrono_tz::America::Sao_Paulo,
    chrono_tz::Europe::London,
];

/// The week around the March 2026 clock changes of Europe and North America.
fn week() -> Interval {
    Interval::new(at(0), at(7 * 24 * 60)).unwrap()
}

/// Minutes after Monday 23 March 2026 00:00 UTC.
fn at(minutes: i64) -> DateTime<Utc> {
    "2026-03-23T00:00:00Z".parse::<DateTime<Utc>>().unwrap() + TimeDelta::minutes(minutes)
}

prop_compose! {
    fn person(id: usize)(
        zone in 0..ZONES.len(),
        from in 6u16..11,
        length in 4u16..11,
        meetings in prop::collection::vec((0i64..7 * 24 * 4, 1i64..9), 0..25),
        buffer in 0i64..4,
        limit in prop::option::of(1usize..6),
    ) -> Attendee {
        let hours = DayHours::new(vec![LocalRange::hm((from, 0), (from + length, 0)).unwrap()]).unwrap();
        let mut a = Attendee::new(format!("p{id}"), Availability::weekdays(ZONES[zone], &hours));
        a.meetings = meetings
            .into_iter()
            .map(|(start, quarters)| Interval::new(at(start * 15), at((start + quarters) * 15)).unwrap())
            .collect();
        a.buffer_before = TimeDelta::minutes(buffer * 5);
        a.buffer_after = TimeDelta::minutes(buffer * 5);
        a.max_meetings_per_day = limit;
        a
    }
}

fn people(count: std::ops::Range<usize>) -> impl Strategy<Value = Vec<Attendee>> {
    count.prop_flat_map(|n| (0..n).map(person).collect::<Vec<_>>())
}

fn search(duration_quarters: i64) -> Search {
    Search {
        duration: TimeDelta::minutes(duration_quarters * 15),
        window: week(),
        granularity: TimeDelta::minutes(15),
        not_before: at(0),
        limit: 10_000,
    }
}

/// Whether `time` lies within `person`'s working hours and clear of their meetings and buffers.
fn suits(person: &Attendee, time: &Interval) -> bool {
    let working = person.availability.working(&week());
    let clear = person.meetings.iter().all(|m| {
        !m.widen(
            person.buffer_before + person.buffer_after,
            person.buffer_before + person.buffer_after,
        )
        .overlaps(time)
    });
    clear && working.iter().any(|w| w.contains(time))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_slot_suits_every_required_person_and_every_optional_one_it_names(
        required in people(1..4),
        optional in people(0..3),
        quarters in 1i64..9,
    ) {
        let optional: Vec<Attendee> = optional
            .into_iter()
            .map(|mut a| { a.id = format!("opt-{}", a.id); a })
            .collect();
        let request = SlotRequest { required: required.clone(), optional: optional.clone(), search: search(quarters) };
        for slot in find_slots(&request).unwrap() {
            prop_assert_eq!(slot.time.duration(), TimeDelta::minutes(quarters * 15));
            for person in &required {
                prop_assert!(suits(person, &slot.time), "{} at {:?}", person.id, slot.time);
            }
            for id in &slot.optional_free {
                let person = optional.iter().find(|a| &a.id == id).unwrap();
                prop_assert!(suits(person, &slot.time), "{} at {:?}", id, slot.time);
            }
        }
    }

    #[test]
    fn an_excluded_date_is_never_yielded_and_nothing_else_goes_missing(
        zone in 0..ZONES.len(),
        hour in 0u32..24,
        rule in prop::sample::select(vec!["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,WE,SU", "FREQ=HOURLY;INTERVAL=7", "FREQ=DAILY;INTERVAL=2;COUNT=40"]),
        excluded in prop::collection::vec(0usize..60, 0..10),
    ) {
        let tz = ZONES[zone];
        let first = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap().and_hms_opt(hour, 0, 0).unwrap();
        let mut series = Event::new("s", "series", Start::Zoned(first, tz), TimeDelta::minutes(30));
        series.rrule = Some(rule.to_owned());
        let window = Interval::new(at(-30 * 24 * 60), at(30 * 24 * 60)).unwrap();
        let (all, _) = expand(std::slice::from_ref(&series), tz, &window);
        prop_assume!(!all.is_empty());
        // Exclude some of the real occurrences, named in the series' own zone.
        let gone: Vec<DateTime<Utc>> = excluded.iter().filter_map(|i| all.get(*i)).map(|o| o.start).collect();
        series.exdates = gone
            .iter()
            .map(|t| Start::Zoned(t.with_timezone(&tz).naive_local(), tz))
            .collect();
        let (left, _) = expand(std::slice::from_ref(&series), tz, &window);
        for o in &left {
            prop_assert!(!gone.contains(&o.start), "{} was excluded", o.start);
        }
        let kept: Vec<_> = all.iter().filter(|o| !gone.contains(&o.start)).map(|o| o.start).collect();
        let left: Vec<_> = left.iter().map(|o| o.start).collect();
        prop_assert_eq!(left, kept);
    }

    #[test]
    fn a_proposal_moves_only_lower_priorities_to_times_that_suit_their_people(
        mut everyone in people(2..5),
        bookings in prop::collection::vec((0i64..24 * 4, 2i64..12, 0u8..100, prop::bool::weighted(0.8), prop::collection::vec(any::<bool>(), 4)), 5..40),
        priority in 0u8..100,
    ) {
        // Everyone works 08:00–18:00 in London, so that the new meeting must usually move
        // something: bookings crowd Tuesday 24 March, on which it is sought, and become
        // meetings of the people the mask picks; the generated fixed meetings stay as they are.
        let hours = DayHours::new(vec![LocalRange::hm((8, 0), (18, 0)).unwrap()]).unwrap();
        for a in &mut everyone {
            a.availability = Availability::weekdays(chrono_tz::Europe::London, &hours);
            a.max_meetings_per_day = None;
        }
        let tuesday = |quarter: i64| at(24 * 60 + quarter * 15);
        let booked: Vec<Booked> = bookings
            .into_iter()
            .enumerate()
            .filter_map(|(i, (start, quarters, p, movable, mask))| {
                let attendees: Vec<String> = everyone
                    .iter()
                    .zip(&mask)
                    .filter(|(_, on)| **on)
                    .map(|(a, _)| a.id.clone())
                    .collect();
                (!attendees.is_empty()).then(|| Booked {
                    id: format!("b{i}"),
                    label: format!("b{i}"),
                    time: Interval::new(tuesday(start), tuesday(start + quarters)).unwrap(),
                    attendees,
                    priority: p,
                    movable,
                })
            })
            .collect();
        let request = MoveRequest {
            label: "new".into(),
            priority,
            required: vec![everyone[0].id.clone(), everyone[1].id.clone()],
            people: everyone.clone(),
            booked: booked.clone(),
            search: Search {
                limit: 5,
                window: Interval::new(tuesday(0), tuesday(96)).unwrap(),
                ..search(4)
            },
            move_within: week(),
            max_moves: 3,
            zone: chrono_tz::UTC,
        };
        for proposal in propose_moves(&request).unwrap() {
            let moved = |id: &str| proposal.moves.iter().find(|m| m.booked == id);
            // Where every booked meeting ends up, and whether it moved.
            let after: Vec<(Interval, bool, &Booked)> = booked
                .iter()
                .map(|b| moved(&b.id).map_or((b.time, false, b), |m| (m.to, true, b)))
                .collect();
            for m in &proposal.moves {
                let b = booked.iter().find(|b| b.id == m.booked).unwrap();
                prop_assert!(b.movable && b.priority < priority, "{} may not move", b.id);
                prop_assert_eq!(m.to.duration(), b.time.duration());
            }
            // Every meeting moved or made suits its people, given all their others.
            for person in &everyone {
                let mut mine: Vec<(Interval, bool)> = after
                    .iter()
                    .filter(|(_, _, b)| b.attendees.contains(&person.id))
                    .map(|(t, changed, _)| (*t, *changed))
                    .collect();
                if request.required.contains(&person.id) {
                    mine.push((proposal.time, true));
                }
                for (i, (t, _)) in mine.iter().enumerate().filter(|(_, (_, changed))| *changed) {
                    let mut others = person.clone();
                    others.meetings.extend(mine.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, (t, _))| *t));
                    prop_assert!(suits(&others, t), "{} at {:?} in {:?}", person.id, t, proposal);
                }
            }
        }
    }
}
