//! Reps at risk: leading indicators (activity, new pipeline, stage progress, meetings, email
//! response time, stale deals) of the last weeks against the rep's own last two quarters and
//! against how their peers moved over the same weeks, so a holiday everyone takes is not a
//! decline.

use crate::finding::{Evidence, Finding, Kind, Subject, SubjectKind, score, severity};
use crate::input::{ActivityKind, Rep};
use crate::norms::{days_between, median};
use crate::timeline::{DealAt, Timeline, span};
use baton_model::UserId;
use baton_reports::stats::{float, whole};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// Weeks the recent level is measured over.
const RECENT_WEEKS: usize = 3;
/// Weeks of baseline before them: the rep's last two quarters.
const BASELINE_WEEKS: usize = 26;
const WEEKS: usize = RECENT_WEEKS + BASELINE_WEEKS;
/// A volume indicator this far below the rep's baseline (after the peers' move) has fallen.
const FALLEN: f64 = 0.6;
/// The rep's activity, volume indicators together, at or below this share of their baseline
/// (after the peers' move) is a decline; above it, a quiet spell.
const DECLINED: f64 = 0.5;
/// Added to a rep's and their peers' ratios before comparing them.
const SMOOTHING: f64 = 0.1;
/// A deal without activity for this many days is stale.
const STALE_DAYS: i64 = 21;

/// The indicators counted week by week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weekly {
    Effort,
    NewDeals,
    Progress,
    Meetings,
}

const WEEKLY: [Weekly; 4] = [
    Weekly::Effort,
    Weekly::NewDeals,
    Weekly::Progress,
    Weekly::Meetings,
];

impl Weekly {
    fn name(self) -> &'static str {
        match self {
            Weekly::Effort => "activity",
            Weekly::NewDeals => "new pipeline",
            Weekly::Progress => "stage progression",
            Weekly::Meetings => "meetings held",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Weekly::Effort => "activity_ratio",
            Weekly::NewDeals => "new_pipeline_ratio",
            Weekly::Progress => "stage_progression_ratio",
            Weekly::Meetings => "meetings_ratio",
        }
    }

    /// Baseline weekly mean below which the indicator is too thin to judge.
    fn floor(self) -> f64 {
        match self {
            Weekly::Effort => 3.0,
            Weekly::NewDeals | Weekly::Progress | Weekly::Meetings => 0.5,
        }
    }
}

/// How one indicator moved for a rep.
struct Moved {
    weekly: Weekly,
    own: f64,
    relative: f64,
}

/// One rep's weekly counts, most recent week first.
#[derive(Debug, Clone, Default)]
struct Counts {
    weeks: [[f64; WEEKS]; 4],
    /// New pipeline amount (organisation currency) in the baseline weeks.
    baseline_new_minor: i64,
    /// Hours to answer inbound email, recent and baseline.
    reply_hours: (Vec<f64>, Vec<f64>),
}

impl Counts {
    fn series(&self, w: Weekly) -> &[f64; WEEKS] {
        &self.weeks[w as usize]
    }

    fn recent(&self, w: Weekly) -> f64 {
        self.series(w)[..RECENT_WEEKS].iter().sum::<f64>() / float(to_i64(RECENT_WEEKS))
    }

    fn baseline(&self, w: Weekly) -> f64 {
        self.series(w)[RECENT_WEEKS..].iter().sum::<f64>() / float(to_i64(BASELINE_WEEKS))
    }

    fn baseline_new_minor_per_week(&self) -> f64 {
        float(self.baseline_new_minor) / float(to_i64(BASELINE_WEEKS))
    }

    /// Recent ÷ baseline, or `None` when the baseline is too thin.
    fn ratio(&self, w: Weekly) -> Option<f64> {
        let base = self.baseline(w);
        (base >= w.floor()).then(|| self.recent(w) / base)
    }
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The week (0 = the last seven days) an instant falls in, if within the window.
fn week(at: DateTime<Utc>, t: DateTime<Utc>) -> Option<usize> {
    if t > at {
        return None;
    }
    let k = usize::try_from((at - t).num_days() / 7).ok()?;
    (k < WEEKS).then_some(k)
}

/// The findings about reps at `at`; `open` are the deals open then.
pub fn findings(timeline: &Timeline, at: DateTime<Utc>, open: &[DealAt<'_>]) -> Vec<Finding> {
    let counts = count(timeline, at);
    // How everyone moved: the median ratio over reps with a baseline.
    let peers: Vec<f64> = WEEKLY
        .iter()
        .map(|&w| {
            let mut ratios: Vec<f64> = counts.values().filter_map(|c| c.ratio(w)).collect();
            median(&mut ratios).unwrap_or(1.0).max(0.05)
        })
        .collect();
    let stale = stale_shares(timeline, at, open);
    let mut peer_stale: Vec<f64> = stale.values().copied().collect();
    let peer_stale = median(&mut peer_stale).unwrap_or(0.0);
    let mut found = Vec::new();
    for rep in &timeline.input.reps {
        let Some(c) = counts.get(&rep.id) else {
            continue;
        };
        if let Some(f) = judge(
            timeline,
            at,
            rep,
            c,
            &peers,
            stale.get(&rep.id).copied(),
            peer_stale,
        ) {
            found.push(f);
        }
    }
    found
}

fn judge(
    timeline: &Timeline,
    at: DateTime<Utc>,
    rep: &Rep,
    c: &Counts,
    peers: &[f64],
    stale: Option<f64>,
    peer_stale: f64,
) -> Option<Finding> {
    // Each indicator against the rep's baseline (`own`), and that corrected by how the peers
    // moved (`relative`; smoothed so that when everyone stops, nobody stands out).
    let moved: Vec<Moved> = WEEKLY
        .iter()
        .zip(peers)
        .filter_map(|(&w, &peer)| {
            let own = c.ratio(w)?;
            Some(Moved {
                weekly: w,
                own,
                relative: (own + SMOOTHING) / (peer + SMOOTHING),
            })
        })
        .collect();
    let relative = |w: Weekly| moved.iter().find(|m| m.weekly == w).map(|m| m.relative);
    let effort = relative(Weekly::Effort)?;
    let volume: Vec<f64> = [Weekly::Effort, Weekly::NewDeals, Weekly::Meetings]
        .iter()
        .filter_map(|&w| relative(w))
        .collect();
    let composite = geometric_mean(&volume);
    let mut fallen: Vec<&Moved> = moved.iter().filter(|m| m.relative <= FALLEN).collect();
    let (recent_reply, baseline_reply) = (
        median(&mut c.reply_hours.0.clone()),
        median(&mut c.reply_hours.1.clone()),
    );
    let slower = match (recent_reply, baseline_reply) {
        (Some(r), Some(b)) if c.reply_hours.0.len() >= 3 && b > 0.0 => Some(r / b),
        _ => None,
    };
    let staler = stale.filter(|&s| s >= 0.3 && s >= 1.5 * peer_stale);
    let signs = fallen.len()
        + usize::from(slower.is_some_and(|s| s >= 2.0))
        + usize::from(staler.is_some());
    if composite > DECLINED || effort > DECLINED || signs < 2 {
        return None;
    }
    fallen.sort_by(|a, b| a.own.total_cmp(&b.own));
    let since = since(timeline, c, at);
    let (won, lost) = timeline.record(rep.id, at);
    let win_rate = (f64::from(won) + 3.0) / (f64::from(won + lost) + 10.0);
    let lost_new = (c.baseline_new_minor_per_week()
        * (1.0 - relative(Weekly::NewDeals).unwrap_or(1.0).min(1.0)))
        * 13.0;
    let at_risk = whole(lost_new * win_rate);
    let strength = (1.0 - composite) / (1.0 - DECLINED);
    let score = score(strength);
    let moved_words: Vec<String> = fallen
        .iter()
        .map(|m| format!("{} down {:.0} %", m.weekly.name(), (1.0 - m.own) * 100.0))
        .collect();
    let mut evidence: Vec<Evidence> = moved
        .iter()
        .map(|m| Evidence::ratio(m.weekly.key(), m.own))
        .collect();
    evidence.push(Evidence::ratio("composite_ratio", composite));
    if let Some(s) = slower {
        evidence.push(Evidence::ratio("reply_time_ratio", s));
    }
    if let Some(s) = stale {
        evidence.push(Evidence::ratio("stale_share", s));
        evidence.push(Evidence::ratio("peer_stale_share", peer_stale));
    }
    evidence.push(Evidence::ratio("win_rate", win_rate));
    evidence.push(Evidence::money("expected_shortfall_next_quarter", at_risk));
    if let Some(d) = since {
        evidence.push(Evidence::date("since", d));
    }
    let weeks = since.map_or(to_i64(RECENT_WEEKS), |d| {
        ((timeline.input.date(at) - d).num_days() / 7).max(1)
    });
    Some(Finding {
        kind: Kind::RepAtRisk,
        subject: Subject {
            kind: SubjectKind::User,
            id: rep.id.0,
            name: rep.name.clone(),
            source_id: rep.source_id.clone(),
        },
        severity: severity(score),
        score,
        since,
        summary: format!(
            "{}: {} over {weeks} weeks against their own last two quarters and their peers; \
             at a {:.0} % win rate that is about {} less closing next quarter",
            rep.name,
            moved_words.join(", "),
            win_rate * 100.0,
            timeline.input.money(at_risk),
        ),
        evidence,
        as_of: at,
    })
}

/// The start of the decline: the oldest week of the run of recent weeks whose activity is below
/// the threshold of the baseline (one better week in the run is forgiven).
fn since(timeline: &Timeline, c: &Counts, at: DateTime<Utc>) -> Option<chrono::NaiveDate> {
    let base = c.baseline(Weekly::Effort);
    let effort = c.series(Weekly::Effort);
    let mut start = None;
    let mut forgiven = false;
    for (k, &n) in effort.iter().enumerate().take(WEEKS / 2) {
        if n < 0.7 * base {
            start = Some(k);
        } else if !forgiven {
            forgiven = true;
        } else {
            break;
        }
    }
    start.map(|k| timeline.input.date(at - span(7 * (to_i64(k) + 1))))
}

fn geometric_mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 1.0;
    }
    let logs: f64 = values.iter().map(|v| v.max(0.01).ln()).sum();
    (logs / float(to_i64(values.len()))).exp()
}

/// Every rep's weekly counts over the window before `at`.
fn count(timeline: &Timeline, at: DateTime<Utc>) -> HashMap<UserId, Counts> {
    let from = at - span(7 * to_i64(WEEKS));
    let mut counts: HashMap<UserId, Counts> = HashMap::new();
    for rep in &timeline.input.reps {
        let c = counts.entry(rep.id).or_default();
        let mut pending: HashMap<u64, DateTime<Utc>> = HashMap::new();
        for a in timeline.owner_activities(rep.id, from, at) {
            let Some(k) = week(at, a.at) else { continue };
            if a.kind.is_effort() {
                c.weeks[Weekly::Effort as usize][k] += 1.0;
            }
            if a.kind == ActivityKind::Meeting {
                c.weeks[Weekly::Meetings as usize][k] += 1.0;
            }
            match (a.kind, a.thread) {
                (ActivityKind::EmailIn, Some(thread)) => {
                    pending.entry(thread).or_insert(a.at);
                }
                (ActivityKind::EmailOut, Some(thread)) => {
                    if let Some(received) = pending.remove(&thread) {
                        let hours = days_between(received, a.at) * 24.0;
                        if week(at, received).is_some_and(|k| k < RECENT_WEEKS) {
                            c.reply_hours.0.push(hours);
                        } else {
                            c.reply_hours.1.push(hours);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    for deal in &timeline.input.deals {
        if deal.created_at > at {
            continue;
        }
        if let Some(k) = week(at, deal.created_at) {
            let owner = deal
                .owners
                .at(deal.created_at, &Some(deal.owner))
                .unwrap_or(deal.owner);
            if let Some(c) = counts.get_mut(&owner) {
                c.weeks[Weekly::NewDeals as usize][k] += 1.0;
                if k >= RECENT_WEEKS {
                    let amount = deal.amounts.at(deal.created_at, &deal.amount_minor);
                    let date = timeline.input.date(deal.created_at);
                    c.baseline_new_minor += amount
                        .and_then(|m| timeline.input.convert(m, deal.currency, date))
                        .unwrap_or(0);
                }
            }
        }
        for (t, old, new) in Timeline::transitions(deal) {
            let Some(k) = week(at, t) else { continue };
            let position = |s: Option<baton_model::StageId>| {
                s.and_then(|s| timeline.stage(s))
                    .filter(|s| s.outcome != baton_model::pipeline::StageOutcome::Lost)
                    .map(|s| s.position)
            };
            if let (Some(o), Some(n)) = (position(old), position(new))
                && n > o
            {
                let owner = deal.owners.at(t, &Some(deal.owner)).unwrap_or(deal.owner);
                if let Some(c) = counts.get_mut(&owner) {
                    c.weeks[Weekly::Progress as usize][k] += 1.0;
                }
            }
        }
    }
    counts
}

/// Each rep's share of open deals without activity for [`STALE_DAYS`] days.
fn stale_shares(
    timeline: &Timeline,
    at: DateTime<Utc>,
    open: &[DealAt<'_>],
) -> HashMap<UserId, f64> {
    let mut tally: HashMap<UserId, (i64, i64)> = HashMap::new();
    for deal in open {
        let last = timeline.last_touched(deal.deal, at);
        let t = tally.entry(deal.owner).or_default();
        t.1 += 1;
        if days_between(last, at) >= float(STALE_DAYS) {
            t.0 += 1;
        }
    }
    tally
        .into_iter()
        .filter(|(_, (_, n))| *n >= 3)
        .map(|(owner, (stale, n))| (owner, float(stale) / float(n)))
        .collect()
}
