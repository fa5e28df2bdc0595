//! Pipelines as deals see them: each pipeline's stages in the order deals walk them.

use super::random::count_f64;
use baton_model::pipeline::{ForecastCategory, StageOutcome};
use baton_model::records::Pipeline;
use baton_model::{PipelineId, StageId};

/// A stage as a deal sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct StageRef {
    pub(super) id: StageId,
    pub(super) forecast: ForecastCategory,
}

/// A pipeline's stages in the order deals walk them.
pub(super) struct Track {
    pub(super) pipeline_id: PipelineId,
    /// Open stages by board position.
    pub(super) open: Vec<StageRef>,
    pub(super) won: Option<StageRef>,
    pub(super) lost: Option<StageRef>,
}

impl Track {
    pub(super) fn of(pipeline: &Pipeline) -> Track {
        let mut stages: Vec<_> = pipeline.stages.iter().collect();
        stages.sort_by_key(|s| s.position);
        let refer = |s: &&baton_model::records::Stage| StageRef {
            id: s.id,
            forecast: s.forecast_category,
        };
        let first = |outcome| stages.iter().find(|s| s.outcome == outcome).map(refer);
        Track {
            pipeline_id: pipeline.id,
            open: stages
                .iter()
                .filter(|s| s.outcome == StageOutcome::Open)
                .map(refer)
                .collect(),
            won: first(StageOutcome::Won),
            lost: first(StageOutcome::Lost),
        }
    }
}

/// Typical days in open stage `k` of `n`: a few days early on, about three weeks at the end,
/// where legal and procurement take their time.
pub(super) fn mean_stage_days(k: usize, n: usize) -> f64 {
    if n <= 1 {
        14.0
    } else {
        5.0 + 15.0 * count_f64(k) / count_f64(n - 1)
    }
}
