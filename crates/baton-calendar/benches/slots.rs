//! Slot finding at the size that makes peers slow: 50 hosts over 30 days in five time zones,
//! each with four meetings a working day. Compared in the same run with a baseline that checks
//! every candidate time against every host one by one (working hours for that time, then each
//! meeting), as a scheduler without interval arithmetic does.
//!
//! Also the scale: 500 people over 90 days, 30 weekly series and 200 one-offs each.
//!
//!   cargo bench -p baton-calendar --bench slots

use baton_calendar::{
    Attendee, Availability, DayHours, Host, Interval, LocalRange, RoundRobinRequest, Search,
    SlotRequest, find_slots, round_robin,
};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const HOSTS: usize = 50;
const DAYS: i64 = 30;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()
}

fn hosts() -> Vec<Attendee> {
    let zones = [
        chrono_tz::Europe::London,
        chrono_tz::Europe::Berlin,
        chrono_tz::America::New_York,
        chrono_tz::America::Chicago,
        chrono_tz::America::Sao_Paulo,
    ];
    let hours = DayHours::new(vec![
        LocalRange::hm((8, 0), (12, 0)).unwrap(),
        LocalRange::hm((13, 0), (18, 0)).unwrap(),
    ])
    .unwrap();
    (0..HOSTS)
        .map(|i| {
            let mut host = Attendee::new(
                format!("host{i}"),
                Availability::weekdays(zones[i % zones.len()], &hours),
            );
            // Four meetings a day, at hours that differ from host to host.
            host.meetings = (0..DAYS)
                .flat_map(|d| {
                    (0..4).map(move |m| {
                        let at = start()
                            + TimeDelta::days(d)
                            + TimeDelta::hours(8 + ((i64::try_from(i).unwrap() + 3 * m) % 12))
                            + TimeDelta::minutes(30 * (m % 2));
                        Interval::new(at, at + TimeDelta::minutes(45)).unwrap()
                    })
                })
                .collect();
            host.buffer_before = TimeDelta::minutes(5);
            host.buffer_after = TimeDelta::minutes(10);
            host.max_meetings_per_day = Some(6);
            host
        })
        .collect()
}

fn search() -> Search {
    Search {
        duration: TimeDelta::minutes(30),
        window: Interval::new(start(), start() + TimeDelta::days(DAYS)).unwrap(),
        granularity: TimeDelta::minutes(15),
        not_before: start(),
        limit: usize::MAX,
    }
}

/// The baseline: every candidate time, every host, checked from scratch.
fn naive_round_robin(hosts: &[Attendee], search: &Search) -> usize {
    let mut found = 0;
    let mut at = search.window.start;
    while at + search.duration <= search.window.end {
        let time = Interval::new(at, at + search.duration).unwrap();
        let gap = TimeDelta::minutes(15);
        let anyone = hosts.iter().any(|h| {
            h.availability.working(&time) == [time]
                && h.meetings
                    .iter()
                    .all(|m| !m.widen(gap, gap).overlaps(&time))
        });
        found += usize::from(anyone);
        at += search.granularity;
    }
    found
}

fn bench(c: &mut Criterion) {
    let hosts = hosts();
    let pool: Vec<Host> = hosts
        .iter()
        .enumerate()
        .map(|(i, a)| Host {
            attendee: a.clone(),
            name: a.id.clone(),
            weight: 1 + u32::try_from(i % 2).unwrap(),
            load: u32::try_from(i % 7).unwrap(),
        })
        .collect();
    let rr = RoundRobinRequest {
        pool,
        required: vec![],
        search: search(),
    };
    let collective = SlotRequest {
        required: hosts[..3].to_vec(),
        optional: hosts[3..].to_vec(),
        search: search(),
    };

    let mut group = c.benchmark_group("50 hosts, 30 days");
    group.sample_size(20);
    group.bench_function("round robin (baton)", |b| {
        b.iter(|| round_robin(black_box(&rr)).unwrap().len());
    });
    group.bench_function("round robin (baseline: each time, each host)", |b| {
        b.iter(|| naive_round_robin(black_box(&hosts), &rr.search));
    });
    group.bench_function("3 required + 47 optional (baton)", |b| {
        b.iter(|| find_slots(black_box(&collective)).unwrap().len());
    });
    group.finish();
}

/// The scale: 500 people over 90 days, each with 30 weekly series and 200 one-off
/// meetings, expanded from events first.
fn people_500(c: &mut Criterion) {
    use baton_calendar::{Event, Start, expand};
    let zones = [
        chrono_tz::Europe::London,
        chrono_tz::Europe::Berlin,
        chrono_tz::America::New_York,
        chrono_tz::America::Chicago,
        chrono_tz::Asia::Singapore,
    ];
    let hours = DayHours::new(vec![LocalRange::hm((8, 0), (18, 0)).unwrap()]).unwrap();
    let window = Interval::new(start(), start() + TimeDelta::days(90)).unwrap();
    let calendars: Vec<Vec<Event>> = (0..500_i64)
        .map(|p| {
            let zone = zones[usize::try_from(p).unwrap() % zones.len()];
            let series = (0..30_i64).map(move |s| {
                let day = start().date_naive() + chrono::Days::new(u64::try_from(s % 5).unwrap());
                let at = day
                    .and_hms_opt(u32::try_from(8 + (s + p) % 9).unwrap(), 0, 0)
                    .unwrap();
                Event {
                    rrule: Some(format!("FREQ=WEEKLY;INTERVAL={}", 1 + s % 3)),
                    ..Event::new(
                        format!("s{p}-{s}"),
                        "Series",
                        Start::Zoned(at, zone),
                        TimeDelta::minutes(30),
                    )
                }
            });
            let one_offs = (0..200_i64).map(move |o| {
                let at = start() + TimeDelta::hours((o * 11 + p * 7) % (90 * 24));
                Event::new(
                    format!("o{p}-{o}"),
                    "Meeting",
                    Start::Utc(at),
                    TimeDelta::minutes(45),
                )
            });
            series.chain(one_offs).collect()
        })
        .collect();
    let people: Vec<Attendee> = calendars
        .iter()
        .enumerate()
        .map(|(i, events)| {
            let zone = zones[i % zones.len()];
            let (occurrences, _) = expand(events, zone, &window);
            let mut person = Attendee::new(format!("p{i}"), Availability::weekdays(zone, &hours));
            person.meetings = occurrences
                .iter()
                .filter_map(baton_calendar::Occurrence::taken)
                .collect();
            person
        })
        .collect();
    let search = Search {
        window,
        limit: 50,
        ..search()
    };
    let eight = SlotRequest {
        required: people[..8].to_vec(),
        optional: vec![],
        search: search.clone(),
    };
    let pool = RoundRobinRequest {
        pool: people
            .iter()
            .map(|a| Host {
                attendee: a.clone(),
                name: a.id.clone(),
                weight: 1,
                load: 0,
            })
            .collect(),
        required: vec![],
        search,
    };
    let mut group = c.benchmark_group("500 people, 90 days");
    group.sample_size(10);
    group.bench_function("expand one person's 230 events", |b| {
        b.iter(|| expand(black_box(&calendars[0]), zones[0], &window).0.len());
    });
    group.bench_function("slots for 8 required people", |b| {
        b.iter(|| find_slots(black_box(&eight)).unwrap().len());
    });
    group.bench_function("round robin over all 500", |b| {
        b.iter(|| round_robin(black_box(&pool)).unwrap().len());
    });
    group.finish();
}

criterion_group!(benches, bench, people_500);
criterion_main!(benches);
