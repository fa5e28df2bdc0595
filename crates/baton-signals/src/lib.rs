//! Signals: what a good coordinator notices before the numbers show it. Deal warnings, reps
//! and accounts at risk, win probability and the forecast, from plain data (records with their
//! timestamps and field history), computed **as of any instant** using only what was known
//! then: every read goes through [`Timeline`], which looks back, never forward.
//!
//! No I/O: the store gathers the [`Input`], [`Timeline::new`] indexes it once, and
//! [`evaluate`] runs everything as of an instant (as many instants as a backtest needs).

mod accounts;
mod deals;
mod finding;
mod forecast;
mod input;
mod norms;
mod reps;
mod timeline;
pub mod tone;
mod win;

pub use accounts::Health;
pub use finding::{Evidence, Finding, Kind, Severity, Subject, SubjectKind, Value};
pub use forecast::{Forecast, Row as ForecastRow, Scope as ForecastScope};
pub use input::{Account, Activity, ActivityKind, Deal, Input, Rep, Stage};
pub use timeline::Timeline;
pub use win::{FEATURES, Factor, Method, WinProbability};

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;

/// Everything the signals say as of an instant.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub as_of: DateTime<Utc>,
    /// Most severe first.
    pub findings: Vec<Finding>,
    pub health: Vec<Health>,
    /// One per deal open at `as_of`, by deal id.
    pub probabilities: Vec<WinProbability>,
    pub forecast: Forecast,
    /// Closed deals the win model learned from: (won, lost); `learned` false when it fell back
    /// to stage probabilities.
    pub model: ModelSummary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ModelSummary {
    pub learned: bool,
    pub won: usize,
    pub lost: usize,
}

/// Everything as of `at`.
pub fn evaluate(timeline: &Timeline, at: DateTime<Utc>) -> Report {
    let norms = norms::Norms::learn(timeline, at);
    let mut open = timeline.open_at(at);
    open.sort_by_key(|d| d.deal.id);
    let cx = deals::Context::new(timeline, &norms, at, &open);
    let mut findings: Vec<Finding> = open.iter().flat_map(|d| deals::warnings(&cx, d)).collect();
    findings.extend(reps::findings(timeline, at, &open));
    let (health, sideways) = accounts::findings(timeline, at, &open);
    findings.extend(sideways);
    sort(&mut findings);
    let model = win::Model::learn(timeline, &norms, at);
    let probabilities: Vec<WinProbability> = open
        .iter()
        .map(|d| model.predict(timeline, &norms, d, at))
        .collect();
    let by_deal: HashMap<_, _> = probabilities
        .iter()
        .map(|p| (p.deal, p.probability))
        .collect();
    let forecast = forecast::forecast(timeline, at, &open, &by_deal);
    Report {
        as_of: at,
        findings,
        health,
        probabilities,
        forecast,
        model: ModelSummary {
            learned: model.is_learned(),
            won: model.won,
            lost: model.lost,
        },
    }
}

/// Most severe first, then by score, kind and subject, so the order is the same every time.
fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.kind.cmp(&b.kind))
            .then(a.subject.kind.cmp(&b.subject.kind))
            .then(a.subject.id.cmp(&b.subject.id))
    });
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
