//! How a deal's story goes: its fate, its walk through the open stages, the close date it is given
//! and pushed to, and the silence before its end.

use super::calendar::{business_moment, next_workday, step, working_day};
use super::life::{Change, StageEntries};
use super::random::{Rand, log_normal, pick, to_i64};
use super::track::{Track, mean_stage_days};
use baton_model::{Period, PeriodKind};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rand::Rng;

/// How a deal's story ends, decided when it is created; today may come first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fate {
    Win,
    /// Lost while in this open stage (an index into the track's open stages).
    Lose(usize),
    /// Stops moving in this open stage and is never closed: the stale pipeline every CRM has.
    Stall(usize),
}

/// The chance a deal that closes is won: around the rep's win rate, higher for small deals; most
/// renewals renew, good reps' more often.
pub(super) fn win_probability(win_rate: f64, size: f64, renewal: bool) -> f64 {
    if renewal {
        0.55 + win_rate
    } else {
        win_rate * (25_000.0 / size).powf(0.15).clamp(0.7, 1.4)
    }
}

/// Decides how the deal ends: a few stall; of the rest, `win_probability` are won and the others
/// lost, mostly in the early and middle stages.
pub(super) fn fate(rng: &mut Rand, track: &Track, win_probability: f64, entry: usize) -> Fate {
    let n = track.open.len();
    if rng.random_bool(0.07) || (track.won.is_none() && track.lost.is_none()) {
        return Fate::Stall(rng.random_range(entry..n));
    }
    let p = win_probability.clamp(0.02, 0.92);
    if track.won.is_some() && (track.lost.is_none() || rng.random_bool(p)) {
        return Fate::Win;
    }
    let weights: Vec<(usize, u32)> = (entry..n)
        .map(|k| (k, u32::try_from((n - k).min(k + 3)).unwrap_or(1)))
        .collect();
    Fate::Lose(pick(rng, &weights))
}

/// Walks the open stages from `entry` until the fate is met, regardless of today (the caller
/// cuts at today): the moments the deal entered each stage, and the moment it closed.
pub(super) fn walk(
    rng: &mut Rand,
    n: usize,
    created_at: DateTime<Utc>,
    entry: usize,
    fate: Fate,
    slowness: f64,
) -> (StageEntries, Option<DateTime<Utc>>) {
    let mut stages = vec![(created_at, entry)];
    let mut at = created_at;
    for k in entry..n {
        let dwell = log_normal(rng, mean_stage_days(k, n) * slowness, 0.5).clamp(1.0, 60.0);
        let leaves = match fate {
            Fate::Stall(s) if s == k => return (stages, None),
            Fate::Lose(s) if s == k => {
                let part = rng.random_range(0.3..1.0);
                let ends = step(rng, at, dwell * part);
                return (stages, Some(ends));
            }
            _ => step(rng, at, dwell),
        };
        if k + 1 == n {
            return (stages, Some(leaves));
        }
        stages.push((leaves, k + 1));
        at = leaves;
    }
    (stages, None)
}

/// The close date a rep enters at creation: the typical cycle from the entry stage, a bit
/// optimistic, often snapped to the end of the month.
pub(super) fn expected_close(
    rng: &mut Rand,
    created_at: DateTime<Utc>,
    entry: usize,
    n: usize,
    slowness: f64,
) -> NaiveDate {
    let cycle: f64 = (entry..n).map(|k| mean_stage_days(k, n)).sum();
    let days = cycle * slowness * rng.random_range(0.6..1.05);
    let day = created_at.date_naive() + TimeDelta::days(to_i64(days).max(7));
    if rng.random_bool(0.35) {
        Period::containing(day, PeriodKind::Month, 1).last_day()
    } else {
        day
    }
}

/// Reps push a close date when it is about to be missed, or just was, by one to six weeks at a
/// time; deals that overran their date are pushed far more often. A push that would come after
/// the deal's end happens instead when the deal slips, somewhere along the way.
pub(super) fn close_date_pushes(
    rng: &mut Rand,
    created_at: DateTime<Utc>,
    mut close: NaiveDate,
    horizon: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, Change)> {
    let overran = horizon.date_naive() > close;
    let chance = if overran { 0.75 } else { 0.15 };
    let pushes = if rng.random_bool(chance) {
        pick(rng, &[(1, 6), (2, 3), (3, 1)])
    } else {
        0
    };
    let mut changes = Vec::new();
    let mut last = created_at;
    for _ in 0..pushes {
        let earliest = last.date_naive() + TimeDelta::days(1);
        let near = next_workday(close - TimeDelta::days(rng.random_range(0..10))).max(earliest);
        let day = if near < horizon.date_naive() {
            near
        } else {
            working_day(rng, earliest, horizon.date_naive())
        };
        let at = business_moment(rng, day);
        if at <= last || at >= horizon {
            break;
        }
        close += TimeDelta::weeks(rng.random_range(1..=6));
        changes.push((at, Change::CloseDate(close)));
        last = at;
    }
    changes
}

/// Days of silence around a deal's end: lost deals often go dark weeks before they are marked
/// lost; stalled ones fade out within two weeks of their last stage change.
pub(super) fn fate_silence(rng: &mut Rand, fate: Fate, lost_reason: &str) -> i64 {
    match fate {
        Fate::Win => 0,
        Fate::Lose(_) if lost_reason == "Went dark" => rng.random_range(14..36),
        Fate::Lose(_) => rng.random_range(0..10),
        Fate::Stall(_) => rng.random_range(2..15),
    }
}
