//! What is usual here, learned as of an instant from the history before it: how long deals stay
//! in each stage, and how long they usually go without activity in each stage.

use crate::timeline::{Timeline, span};
use baton_model::StageId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How far back the norms look.
const LOOKBACK_DAYS: i64 = 365;
/// Fewer observations than this and a stage borrows its pipeline's norm.
const MIN_SAMPLES: usize = 8;

/// The norms as of an instant.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Norms {
    /// Days spent in a stage by deals that left it: (median, 90th percentile).
    pub stage_days: HashMap<StageId, (f64, f64)>,
    /// The 90th percentile of the days between consecutive activities on deals in a stage.
    pub quiet_days: HashMap<StageId, f64>,
}

impl Norms {
    pub fn learn(timeline: &Timeline, at: DateTime<Utc>) -> Self {
        let from = at - span(LOOKBACK_DAYS);
        let mut stints: HashMap<StageId, Vec<f64>> = HashMap::new();
        let mut gaps: HashMap<StageId, Vec<f64>> = HashMap::new();
        for deal in &timeline.input.deals {
            if deal.created_at > at {
                continue;
            }
            let mut entered: Option<(DateTime<Utc>, StageId)> = None;
            for (t, _, new) in Timeline::transitions(deal) {
                if t > at {
                    break;
                }
                if let Some((since, stage)) = entered
                    && Some(stage) != new
                    && t >= from
                {
                    stints
                        .entry(stage)
                        .or_default()
                        .push(days_between(since, t));
                }
                if entered.is_none_or(|(_, s)| Some(s) != new) {
                    entered = new.map(|s| (t, s));
                }
            }
            let mut previous: Option<DateTime<Utc>> = None;
            for a in timeline.deal_activities(deal.id, from, at) {
                if let Some(p) = previous
                    && let Some(stage) = deal.stages.at(a.at, &Some(deal.stage))
                {
                    gaps.entry(stage).or_default().push(days_between(p, a.at));
                }
                previous = Some(a.at);
            }
        }
        let mut norms = Norms::default();
        for stage in &timeline.input.stages {
            if stage.outcome.is_closed() {
                continue;
            }
            let pooled = |by: &HashMap<StageId, Vec<f64>>| -> Vec<f64> {
                match by.get(&stage.id) {
                    Some(v) if v.len() >= MIN_SAMPLES => v.clone(),
                    _ => timeline
                        .input
                        .stages
                        .iter()
                        .filter(|s| s.pipeline == stage.pipeline)
                        .filter_map(|s| by.get(&s.id))
                        .flatten()
                        .copied()
                        .collect(),
                }
            };
            let mut days = pooled(&stints);
            if days.len() >= MIN_SAMPLES {
                norms.stage_days.insert(
                    stage.id,
                    (quantile(&mut days, 0.5), quantile(&mut days, 0.9)),
                );
            }
            let mut quiet = pooled(&gaps);
            if quiet.len() >= MIN_SAMPLES {
                norms.quiet_days.insert(stage.id, quantile(&mut quiet, 0.9));
            }
        }
        norms
    }
}

/// Days from `from` to `to`, with fractions.
pub fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    baton_reports::stats::float((to - from).num_seconds()) / 86_400.0
}

/// The `q` quantile of `values` (nearest rank on the sorted values); 0 for none.
pub fn quantile(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let last = values.len() - 1;
    let rank =
        (q.clamp(0.0, 1.0) * baton_reports::stats::float(i64::try_from(last).unwrap_or(0))).round();
    values[usize::try_from(baton_reports::stats::whole(rank))
        .unwrap_or(0)
        .min(last)]
}

/// The median of `values`, or `None` for none.
pub fn median(values: &mut [f64]) -> Option<f64> {
    (!values.is_empty()).then(|| quantile(values, 0.5))
}
