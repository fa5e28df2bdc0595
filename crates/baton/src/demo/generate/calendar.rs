//! The calendar: the dates everything is placed between, and the weekly and daily rhythm of
//! working time.

use super::QUARTERS;
use super::random::{Rand, to_i64};
use baton_model::{Period, PeriodKind};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Timelike, Utc, Weekday};
use rand::Rng;

/// The dates everything is placed between.
#[derive(Debug, Clone, Copy)]
pub(super) struct Calendar {
    pub(super) today: NaiveDate,
    /// Midnight UTC at the start of `today`: every past timestamp is before it.
    pub(super) today_start: DateTime<Utc>,
    /// Calendar quarters: four full ones before today's, today's, and the next.
    pub(super) quarters: [Period; QUARTERS],
}

impl Calendar {
    pub(super) fn new(today: NaiveDate) -> Self {
        let current = Period::containing(today, PeriodKind::Quarter, 1);
        let mut next = current.previous().previous().previous().previous();
        let quarters = std::array::from_fn(|_| {
            let this = next;
            next = next.next();
            this
        });
        Calendar {
            today,
            today_start: midnight(today),
            quarters,
        }
    }

    /// The first day deals are created on.
    pub(super) fn window_start(&self) -> NaiveDate {
        self.quarters[0].start()
    }

    pub(super) fn yesterday(&self) -> NaiveDate {
        self.today - TimeDelta::days(1)
    }

    pub(super) fn quarter_of(&self, day: NaiveDate) -> Option<usize> {
        self.quarters.iter().position(|q| q.contains(day))
    }
}

pub(super) fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// How busy a weekday is: Tuesday to Thursday peak, Fridays taper, weekends are nearly empty.
pub(super) fn weekday_weight(day: NaiveDate) -> f64 {
    match day.weekday() {
        Weekday::Mon => 0.85,
        Weekday::Tue | Weekday::Wed => 1.0,
        Weekday::Thu => 0.95,
        Weekday::Fri => 0.7,
        Weekday::Sat => 0.06,
        Weekday::Sun => 0.04,
    }
}

/// A day in `[from, until)` drawn with the weekly rhythm.
pub(super) fn working_day(rng: &mut Rand, from: NaiveDate, until: NaiveDate) -> NaiveDate {
    let span = (until - from).num_days().max(1);
    let mut day = from;
    for _ in 0..8 {
        day = from + TimeDelta::days(rng.random_range(0..span));
        if rng.random::<f64>() < weekday_weight(day) {
            break;
        }
    }
    day
}

/// A moment in business hours, 13:00–22:00 UTC (9:00–18:00 in New York, 6:00–15:00 in
/// California), busiest in the middle: the working day of a North American sales floor. The
/// latest start leaves an hour for a meeting before midnight.
pub(super) fn business_moment(rng: &mut Rand, day: NaiveDate) -> DateTime<Utc> {
    let minutes = rng.random_range(0..270) + rng.random_range(0..=270);
    midnight(day) + TimeDelta::minutes(13 * 60 + minutes)
}

/// Most people answer email in working hours: a reply due at night mostly waits for the next
/// morning (13:00–15:00 UTC).
pub(super) fn during_work(rng: &mut Rand, at: DateTime<Utc>) -> DateTime<Utc> {
    let hour = at.hour();
    if (13..23).contains(&hour) || rng.random_bool(0.15) {
        return at;
    }
    let day = if hour >= 23 {
        at.date_naive() + TimeDelta::days(1)
    } else {
        at.date_naive()
    };
    midnight(day) + TimeDelta::minutes(13 * 60 + rng.random_range(0..120))
}

/// Moves a Saturday or Sunday to the following Monday: deals rarely move at weekends.
pub(super) fn next_workday(day: NaiveDate) -> NaiveDate {
    match day.weekday() {
        Weekday::Sat => day + TimeDelta::days(2),
        Weekday::Sun => day + TimeDelta::days(1),
        _ => day,
    }
}

/// A moment in `[from, until)`, uniformly; `from` when the range is empty.
pub(super) fn moment_between(
    rng: &mut Rand,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> DateTime<Utc> {
    let span = (until - from).num_seconds();
    if span <= 0 {
        return from;
    }
    from + TimeDelta::seconds(rng.random_range(0..span))
}

/// A business moment about `days` after `at`, on a working day, always on a later day.
pub(super) fn step(rng: &mut Rand, at: DateTime<Utc>, days: f64) -> DateTime<Utc> {
    let day = next_workday(at.date_naive() + TimeDelta::days(to_i64(days).max(1)));
    business_moment(rng, day)
}
