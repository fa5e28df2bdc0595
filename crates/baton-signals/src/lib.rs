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

use baton_model::{DealId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

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
    /// What this run learned, to judge a changed deal again alone.
    #[serde(skip)]
    pub learned: Learned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ModelSummary {
    pub learned: bool,
    pub won: usize,
    pub lost: usize,
}

/// Everything as of `at`.
pub fn evaluate(timeline: &Timeline, at: DateTime<Utc>) -> Report {
    let mut open = timeline.open_at(at);
    open.sort_by_key(|d| d.deal.id);
    let learned = Learned::new(timeline, at, &open);
    let mut findings = Vec::new();
    let mut probabilities = Vec::with_capacity(open.len());
    for deal in &open {
        let judged = learned.judge(timeline, deal, at);
        findings.extend(judged.findings);
        probabilities.extend(judged.probability);
    }
    findings.extend(reps::findings(timeline, at, &open));
    let (health, sideways) = accounts::findings(timeline, at, &open);
    findings.extend(sideways);
    sort(&mut findings);
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
            learned: learned.model.is_learned(),
            won: learned.model.won,
            lost: learned.model.lost,
        },
        learned,
    }
}

/// One deal judged again alone, as of `at`, with what a whole run learned (its warnings and
/// its win probability, exactly as [`evaluate`] would give them with the same learning). The
/// timeline needs only the deal and its activities. Nothing when the deal is not open at `at`.
pub fn evaluate_deal(
    timeline: &Timeline,
    learned: &Learned,
    deal: DealId,
    at: DateTime<Utc>,
) -> DealReport {
    timeline
        .deal(deal)
        .and_then(|d| timeline.deal_at(d, at))
        .filter(|d| !d.stage.outcome.is_closed())
        .map(|d| learned.judge(timeline, &d, at))
        .unwrap_or_default()
}

/// What the signals say about one open deal.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DealReport {
    pub findings: Vec<Finding>,
    pub probability: Option<WinProbability>,
}

/// What a run learns from the whole organisation: what is usual per stage, the win model, the
/// amount from which a deal is large and each owner's record. Kept with the run, so that a
/// deal that changes can be judged again alone (see [`evaluate_deal`]) until the next run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Learned {
    pub as_of: DateTime<Utc>,
    norms: norms::Norms,
    model: win::Model,
    large_minor: i64,
    /// Each deal owner's closed deals as of `as_of`: (won, lost).
    records: BTreeMap<UserId, (i32, i32)>,
}

impl Learned {
    fn new(timeline: &Timeline, at: DateTime<Utc>, open: &[timeline::DealAt<'_>]) -> Self {
        let norms = norms::Norms::learn(timeline, at);
        let model = win::Model::learn(timeline, &norms, at);
        let records = timeline
            .input
            .deals
            .iter()
            .map(|d| d.owner)
            .chain(open.iter().map(|d| d.owner))
            .chain(timeline.input.reps.iter().map(|r| r.id))
            .map(|owner| (owner, timeline.record(owner, at)))
            .collect();
        Learned {
            as_of: at,
            large_minor: deals::large_from(timeline, at, open),
            norms,
            model,
            records,
        }
    }

    fn judge(
        &self,
        timeline: &Timeline,
        deal: &timeline::DealAt<'_>,
        at: DateTime<Utc>,
    ) -> DealReport {
        let cx = deals::Context {
            timeline,
            norms: &self.norms,
            at,
            large_minor: self.large_minor,
        };
        let record = self.records.get(&deal.owner).copied().unwrap_or_default();
        DealReport {
            findings: deals::warnings(&cx, deal),
            probability: Some(self.model.predict(timeline, &self.norms, deal, at, record)),
        }
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
