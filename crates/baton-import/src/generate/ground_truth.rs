//! `ground_truth.json`: the behaviours planted in a generated org, so that signal backtests
//! can measure whether (and how early) a signal finds them.

use super::names;
use super::out::{DAY, civil_from_days};
use super::words::{FIRST_NAMES, LAST_NAMES};
use super::world::World;
use serde::Serialize;
use std::io;
use std::path::Path;

/// The file's name.
pub(crate) const FILE: &str = "ground_truth.json";

#[derive(Serialize)]
struct GroundTruth {
    /// Bumped whenever the model changes what it plants.
    model_version: u32,
    seed: u64,
    as_of: String,
    /// Closed deals close on or after this date; deals were created from 120 days before it.
    window_start: String,
    reps: Vec<RepTruth>,
    struggling_reps: Vec<StruggleTruth>,
    /// Reps who had a bad month and recovered: a signal that calls them struggling is wrong.
    bad_months: Vec<DipTruth>,
    sideways_accounts: Vec<SidewaysTruth>,
}

#[derive(Serialize)]
struct DipTruth {
    user_id: String,
    name: String,
    /// From this date to `to` the rep logs half their usual activity.
    from: String,
    to: String,
}

#[derive(Serialize)]
struct RepTruth {
    user_id: String,
    name: String,
    /// Chance a typical-size deal is won, before any planted decline.
    base_win_rate: f64,
    /// Activities logged relative to the average rep.
    activity_level: f64,
}

#[derive(Serialize)]
struct StruggleTruth {
    user_id: String,
    name: String,
    /// From this date the rep logs about a third of the activity and opens less pipeline.
    activity_drops_from: String,
    /// Deals closing from this date are won about a third as often.
    wins_drop_from: String,
}

#[derive(Serialize)]
struct SidewaysTruth {
    account_id: String,
    name: String,
    /// From this date replies are about a third as likely and ten times slower, three in five
    /// meetings are not held, only the main contact engages, and open deals slip more.
    replies_thin_from: String,
    /// Deals closing from this date are mostly lost.
    losses_from: String,
}

fn date(t: i64) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Writes the file; returns how many reps and accounts had something planted.
pub(crate) fn write(world: &World, dir: &Path) -> io::Result<(usize, usize)> {
    let name =
        |first: usize, last: usize| format!("{} {}", FIRST_NAMES[first].0, LAST_NAMES[last].0);
    let truth = GroundTruth {
        model_version: 2,
        seed: world.seed,
        as_of: date(world.as_of),
        window_start: date(world.start),
        reps: world
            .reps
            .iter()
            .map(|r| RepTruth {
                user_id: r.user.id.to_string(),
                name: name(r.user.first, r.user.last),
                base_win_rate: round3(r.skill),
                activity_level: round3(r.activity),
            })
            .collect(),
        struggling_reps: world
            .reps
            .iter()
            .filter_map(|r| {
                let s = r.struggle?;
                Some(StruggleTruth {
                    user_id: r.user.id.to_string(),
                    name: name(r.user.first, r.user.last),
                    activity_drops_from: date(s.from),
                    wins_drop_from: date(s.wins_drop),
                })
            })
            .collect(),
        bad_months: world
            .reps
            .iter()
            .filter_map(|r| {
                let d = r.dip?;
                Some(DipTruth {
                    user_id: r.user.id.to_string(),
                    name: name(r.user.first, r.user.last),
                    from: date(d.from),
                    to: date(d.to),
                })
            })
            .collect(),
        sideways_accounts: world
            .accounts
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let s = a.sideways?;
                Some(SidewaysTruth {
                    account_id: a.id.to_string(),
                    name: names::account_name(i),
                    replies_thin_from: date(s.from),
                    losses_from: date(s.losses_from),
                })
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&truth).map_err(io::Error::other)?;
    text.push('\n');
    std::fs::write(dir.join(FILE), text)?;
    Ok((truth.struggling_reps.len(), truth.sideways_accounts.len()))
}
