//! Win probability: a logistic regression learned from the organisation's own closed deals,
//! each looked at as it stood at several points of its life (so the model sees deals the way
//! it will see open ones: part-way through), with only what was known at each point. Falls
//! back to the stage's probability, labelled as such, when there are too few closed deals.

use crate::input::ActivityKind;
use crate::norms::{Norms, days_between};
use crate::timeline::{DealAt, Timeline, span};
use baton_model::DealId;
use baton_reports::stats::float;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// What the model reads of a deal, by name (the order of [`features`]).
pub const FEATURES: [&str; 13] = [
    "stage",
    "age",
    "time_in_stage",
    "pushes",
    "days_slipped",
    "amount_change",
    "amount",
    "recent_activity",
    "their_recent_emails",
    "days_quiet",
    "engaged_contacts",
    "owner_win_rate",
    "days_overdue",
];
const N: usize = FEATURES.len();

/// Fewer closed deals of either outcome and the stage probability is used instead.
const MIN_EACH: usize = 15;
/// Closed deals learned from, at most (the most recent, evenly thinned beyond).
const MAX_TRAINING: usize = 20_000;
/// Where in each closed deal's life it is looked at, as fractions of its length.
const SNAPSHOTS: [f64; 4] = [0.15, 0.4, 0.65, 0.9];
/// Closed deals older than this are not learned from.
const TRAINING_DAYS: i64 = 730;
const L2: f64 = 1.0;

/// How a probability was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Learned from this organisation's closed deals.
    Learned,
    /// The stage's probability: too few closed deals to learn from.
    StageProbability,
}

/// One open deal's chance to be won.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WinProbability {
    pub deal: DealId,
    /// 0–1.
    pub probability: f64,
    pub method: Method,
    /// The factors that moved it most from the average deal, largest first.
    pub factors: Vec<Factor>,
}

/// A feature's pull on the probability, in log-odds (positive raises it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    pub feature: &'static str,
    pub effect: f64,
}

/// A model as of an instant.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    fit: Option<Fit>,
    /// Closed deals it was learned from, won and lost.
    pub won: usize,
    pub lost: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Fit {
    mean: [f64; N],
    scale: [f64; N],
    /// Intercept first, then one weight per standardized feature.
    weights: [f64; N + 1],
}

/// What a deal looks like to the model at `at`, its owner having won and lost `record`
/// deals by then.
fn features(
    timeline: &Timeline,
    norms: &Norms,
    deal: &DealAt<'_>,
    at: DateTime<Utc>,
    (won, lost): (i32, i32),
) -> [f64; N] {
    let id = deal.deal.id;
    let age = days_between(deal.deal.created_at, at).max(0.0);
    let in_stage = days_between(deal.stage_since, at).max(0.0);
    let usual = norms
        .stage_days
        .get(&deal.stage.id)
        .map_or(30.0, |n| n.0)
        .max(1.0);
    let amount_change = match (deal.amount_minor, deal.peak_amount_minor) {
        (Some(a), Some(p)) if p > 0 => float(a) / float(p) - 1.0,
        _ => 0.0,
    };
    let amount = timeline
        .converted(deal, at)
        .map_or(0.0, |m| (float(m.max(0)) / 100.0).ln_1p());
    let month = at - span(30);
    let (mut recent, mut theirs) = (0.0, 0.0);
    let mut contacts = HashSet::new();
    let mut last = deal.deal.created_at;
    for a in timeline.deal_activities(id, deal.deal.created_at, at) {
        last = a.at;
        if a.at >= month {
            recent += 1.0;
            if a.kind == ActivityKind::EmailIn {
                theirs += 1.0;
            }
        }
        if a.at >= at - span(90)
            && a.kind.is_theirs()
            && let Some(c) = a.contact
        {
            contacts.insert(c);
        }
    }
    let overdue = deal
        .close_date
        .map_or(0, |d| (timeline.input.date(at) - d).num_days().max(0));
    [
        f64::from(u8::try_from(deal.stage.probability.clamp(0, 100)).unwrap_or(0)) / 100.0,
        age.ln_1p(),
        (in_stage / usual).min(10.0),
        f64::from(deal.pushes.min(10)),
        (float(deal.slip_days) / 30.0).min(12.0),
        amount_change,
        amount,
        f64::ln_1p(recent),
        f64::ln_1p(theirs),
        days_between(last, at).max(0.0).ln_1p(),
        float(i64::try_from(contacts.len()).unwrap_or(0)),
        (f64::from(won) + 3.0) / (f64::from(won + lost) + 10.0),
        float(overdue).ln_1p(),
    ]
}

impl Model {
    /// Learns from the deals closed as of `at`.
    pub fn learn(timeline: &Timeline, norms: &Norms, at: DateTime<Utc>) -> Self {
        let oldest = at - span(TRAINING_DAYS);
        let mut closed: Vec<(&crate::input::Deal, DateTime<Utc>, bool)> = timeline
            .input
            .deals
            .iter()
            .filter_map(|d| {
                let (when, won) = timeline.closed(d, at)?;
                (when >= oldest).then_some((d, when, won))
            })
            .collect();
        let won = closed.iter().filter(|c| c.2).count();
        let lost = closed.len() - won;
        if won < MIN_EACH || lost < MIN_EACH {
            return Model {
                fit: None,
                won,
                lost,
            };
        }
        // The most recent, evenly thinned: every k-th by closing time.
        closed.sort_by_key(|c| (c.1, c.0.id));
        let step = closed.len().div_ceil(MAX_TRAINING);
        let mut rows = Vec::new();
        for &(deal, when, won) in closed.iter().rev().step_by(step) {
            let life = when - deal.created_at;
            for f in SNAPSHOTS {
                let t = deal.created_at + span_fraction(life, f);
                if let Some(d) = timeline.deal_at(deal, t)
                    && !d.stage.outcome.is_closed()
                {
                    rows.push((
                        features(timeline, norms, &d, t, timeline.record(d.owner, t)),
                        won,
                    ));
                }
            }
        }
        Model {
            fit: fit(&rows),
            won,
            lost,
        }
    }

    /// The chance `deal` (open at `at`) is won, its owner having won and lost `record`.
    pub fn predict(
        &self,
        timeline: &Timeline,
        norms: &Norms,
        deal: &DealAt<'_>,
        at: DateTime<Utc>,
        record: (i32, i32),
    ) -> WinProbability {
        let stage = float(deal.stage.probability.clamp(0, 100)) / 100.0;
        let Some(m) = &self.fit else {
            return WinProbability {
                deal: deal.deal.id,
                probability: stage,
                method: Method::StageProbability,
                factors: Vec::new(),
            };
        };
        let x = features(timeline, norms, deal, at, record);
        let mut logit = m.weights[0];
        let mut factors = Vec::with_capacity(N);
        for j in 0..N {
            let effect = m.weights[j + 1] * (x[j] - m.mean[j]) / m.scale[j];
            logit += effect;
            factors.push(Factor {
                feature: FEATURES[j],
                effect: (effect * 100.0).round() / 100.0,
            });
        }
        factors.sort_by(|a, b| b.effect.abs().total_cmp(&a.effect.abs()));
        factors.truncate(3);
        WinProbability {
            deal: deal.deal.id,
            probability: sigmoid(logit),
            method: Method::Learned,
            factors,
        }
    }

    pub fn is_learned(&self) -> bool {
        self.fit.is_some()
    }
}

fn span_fraction(life: chrono::Duration, f: f64) -> chrono::Duration {
    let seconds = baton_reports::stats::whole(float(life.num_seconds()) * f);
    chrono::Duration::seconds(seconds)
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Fits an L2-regularized logistic regression by Newton's method on standardized features.
fn fit(rows: &[([f64; N], bool)]) -> Option<Fit> {
    if rows.is_empty() {
        return None;
    }
    let count = float(i64::try_from(rows.len()).unwrap_or(i64::MAX));
    let mut mean = [0.0; N];
    for (x, _) in rows {
        for (m, value) in mean.iter_mut().zip(x) {
            *m += value / count;
        }
    }
    let mut scale = [0.0; N];
    for (x, _) in rows {
        for ((s, value), m) in scale.iter_mut().zip(x).zip(&mean) {
            *s += (value - m).powi(2) / count;
        }
    }
    for s in &mut scale {
        *s = if *s > 1e-12 { s.sqrt() } else { 1.0 };
    }
    let data: Vec<([f64; N + 1], f64)> = rows
        .iter()
        .map(|(x, y)| {
            let mut v = [1.0; N + 1];
            for j in 0..N {
                v[j + 1] = (x[j] - mean[j]) / scale[j];
            }
            (v, if *y { 1.0 } else { 0.0 })
        })
        .collect();
    let mut w = [0.0; N + 1];
    for _ in 0..30 {
        let mut grad = [0.0; N + 1];
        let mut hess = [[0.0; N + 1]; N + 1];
        for (v, y) in &data {
            let p = sigmoid(dot(&w, v));
            let r = p * (1.0 - p);
            for a in 0..=N {
                grad[a] += (p - y) * v[a];
                for b in 0..=N {
                    hess[a][b] += r * v[a] * v[b];
                }
            }
        }
        for a in 1..=N {
            grad[a] += L2 * w[a];
            hess[a][a] += L2;
        }
        let step = solve(hess, grad)?;
        let mut moved = 0.0_f64;
        for a in 0..=N {
            w[a] -= step[a];
            moved = moved.max(step[a].abs());
        }
        if moved < 1e-7 {
            break;
        }
    }
    Some(Fit {
        mean,
        scale,
        weights: w,
    })
}

fn dot(a: &[f64; N + 1], b: &[f64; N + 1]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Solves `m x = v` by Gaussian elimination with partial pivoting; `None` when singular.
fn solve(mut m: [[f64; N + 1]; N + 1], mut v: [f64; N + 1]) -> Option<[f64; N + 1]> {
    for col in 0..=N {
        let pivot = (col..=N).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        v.swap(col, pivot);
        let pivot_row = m[col];
        for row in col + 1..=N {
            let f = m[row][col] / pivot_row[col];
            for (target, source) in m[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *target -= f * source;
            }
            v[row] -= f * v[col];
        }
    }
    let mut x = [0.0; N + 1];
    for row in (0..=N).rev() {
        let tail: f64 = (row + 1..=N).map(|k| m[row][k] * x[k]).sum();
        x[row] = (v[row] - tail) / m[row][row];
    }
    Some(x)
}
