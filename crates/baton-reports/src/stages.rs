//! Stage conversion and time in stage, from each deal's stage history.

use crate::deals::Span;
use crate::facts::{Deal, Facts, StageInfo};
use crate::report::StageRow;
use crate::stats;
use baton_model::StageId;
use baton_model::pipeline::StageOutcome;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// A deal's time in one stage: entered at `from`, left at `to` (or not yet).
#[derive(Debug, Clone, Copy)]
struct Stint {
    stage: StageId,
    from: DateTime<Utc>,
    to: Option<DateTime<Utc>>,
}

/// The deal's stints, as known at `now`: its first stage from its creation, then one per change.
fn stints(deal: &Deal, now: DateTime<Utc>) -> Vec<Stint> {
    let changes: Vec<_> = deal.stages.list().iter().filter(|c| c.at <= now).collect();
    let first = match changes.first() {
        Some(c) if c.old.is_none() => None,
        Some(c) => c.old,
        None => Some(deal.stage),
    };
    let mut entries: Vec<(StageId, DateTime<Utc>)> =
        first.map(|s| (s, deal.created_at)).into_iter().collect();
    entries.extend(changes.iter().filter_map(|c| c.new.map(|s| (s, c.at))));
    entries
        .iter()
        .enumerate()
        .map(|(i, &(stage, from))| Stint {
            stage,
            from,
            to: entries.get(i + 1).map(|e| e.1),
        })
        .collect()
}

/// Whether moving from `from` to `to` moves a deal further along: to a won stage, or to an
/// open stage placed later in the same pipeline.
fn further(from: &StageInfo, to: &StageInfo) -> bool {
    match to.outcome {
        StageOutcome::Won => true,
        StageOutcome::Lost => false,
        StageOutcome::Open => to.pipeline == from.pipeline && to.position > from.position,
    }
}

#[derive(Default)]
struct Tally {
    entered: i64,
    converted: i64,
    days: Vec<f64>,
    open: i64,
}

/// One row per open stage (pipelines in order, stages by position) for `span`.
pub fn rows(facts: &Facts, span: &Span) -> Vec<StageRow> {
    let mut tallies: HashMap<StageId, Tally> = HashMap::new();
    for deal in &facts.deals {
        let stints = stints(deal, span.until);
        for (i, stint) in stints.iter().enumerate() {
            let Some(stage) = facts.stage(stint.stage) else {
                continue;
            };
            if stage.outcome != StageOutcome::Open {
                continue;
            }
            let t = tallies.entry(stint.stage).or_default();
            if span.start <= stint.from && stint.from < span.end {
                t.entered += 1;
                let converted = stints[i + 1..]
                    .iter()
                    .any(|later| facts.stage(later.stage).is_some_and(|s| further(stage, s)));
                if converted {
                    t.converted += 1;
                }
            }
            match stint.to {
                Some(to) if span.start <= to && to < span.until => {
                    t.days
                        .push(stats::float((to - stint.from).num_seconds()) / 86_400.0);
                }
                None if stint.from < span.until => t.open += 1,
                _ => {}
            }
        }
    }
    let mut stages: Vec<&StageInfo> = facts
        .stages
        .iter()
        .filter(|s| s.outcome == StageOutcome::Open)
        .collect();
    stages.sort_by_key(|s| (s.pipeline, s.position));
    stages
        .into_iter()
        .map(|s| {
            let t = tallies.remove(&s.id).unwrap_or_default();
            StageRow {
                stage_id: s.id,
                pipeline: s.pipeline_name.clone(),
                stage: s.name.clone(),
                entered: t.entered,
                converted: t.converted,
                conversion: stats::percent(t.converted, t.entered),
                mean_days: stats::mean(&t.days),
                median_days: stats::median(&t.days),
                stints_ended: i64::try_from(t.days.len()).unwrap_or(i64::MAX),
                open: t.open,
            }
        })
        .collect()
}
