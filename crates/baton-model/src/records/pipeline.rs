use super::{non_null, required_text};
use crate::pipeline::{ForecastCategory, StageOutcome};
use crate::{FieldErrors, PipelineId, StageId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A sales pipeline with its ordered stages.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Pipeline {
    pub id: PipelineId,
    pub name: String,
    /// New deals go to the default pipeline unless another is given.
    pub is_default: bool,
    /// Stages in board order.
    pub stages: Vec<Stage>,
    pub archived_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A stage of a pipeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Stage {
    pub id: StageId,
    pub pipeline_id: PipelineId,
    pub name: String,
    /// 0-based position on the board.
    pub position: i64,
    /// Chance of winning a deal in this stage, 0–100 %.
    pub probability: i64,
    /// The forecast category deals take when they enter this stage.
    pub forecast_category: ForecastCategory,
    pub outcome: StageOutcome,
}

/// A pipeline as sent when creating or changing one.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PipelineInput {
    #[serde(default, deserialize_with = "non_null")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    pub is_default: Option<bool>,
    /// The full stage list in order; replaces the current one. Existing stages are matched by
    /// `id`; a stage left out is deleted, which is refused while deals are in it.
    #[serde(default, deserialize_with = "non_null")]
    pub stages: Option<Vec<StageInput>>,
    #[serde(default, deserialize_with = "non_null")]
    pub version: Option<i64>,
}

/// A stage as sent inside a pipeline.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageInput {
    /// An existing stage's id; absent for a new stage.
    #[serde(default)]
    pub id: Option<StageId>,
    pub name: String,
    pub probability: i64,
    /// Defaults from the outcome and probability.
    #[serde(default)]
    pub forecast_category: Option<ForecastCategory>,
    pub outcome: StageOutcome,
}

/// A validated stage; its position is its index in the list.
#[derive(Debug, Clone)]
pub struct StageSpec {
    pub id: Option<StageId>,
    pub name: String,
    pub probability: i64,
    pub forecast_category: ForecastCategory,
    pub outcome: StageOutcome,
}

/// Validated pipeline fields.
#[derive(Debug, Clone, Default)]
pub struct PipelineChanges {
    pub name: Option<String>,
    pub is_default: Option<bool>,
    pub stages: Option<Vec<StageSpec>>,
}

/// The forecast category a stage implies when none is given.
pub fn default_forecast_category(outcome: StageOutcome, probability: i64) -> ForecastCategory {
    match outcome {
        StageOutcome::Won => ForecastCategory::Closed,
        StageOutcome::Lost => ForecastCategory::Omitted,
        StageOutcome::Open if probability >= 70 => ForecastCategory::Commit,
        StageOutcome::Open if probability >= 40 => ForecastCategory::BestCase,
        StageOutcome::Open => ForecastCategory::Pipeline,
    }
}

impl PipelineInput {
    /// Checks every field; on create, `name` and at least one stage are required.
    pub fn validate(self, creating: bool) -> Result<PipelineChanges, FieldErrors> {
        let mut e = FieldErrors::new();
        if creating {
            super::require(
                &mut e,
                &[
                    ("name", self.name.is_some()),
                    ("stages", self.stages.is_some()),
                ],
            );
        }
        let stages = self.stages.map(|stages| {
            if stages.is_empty() {
                e.add("stages", "must list at least one stage");
            }
            if !stages.iter().any(|s| s.outcome == StageOutcome::Open) && !stages.is_empty() {
                e.add("stages", "must include at least one open stage");
            }
            let mut seen = std::collections::HashSet::new();
            stages
                .into_iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    let name = required_text(
                        &mut e,
                        &format!("stages[{i}].name"),
                        Some(s.name),
                        super::limits::NAME,
                    )?;
                    if !seen.insert(name.to_lowercase()) {
                        e.add(
                            format!("stages[{i}].name"),
                            format!("{name:?} appears twice"),
                        );
                    }
                    if !(0..=100).contains(&s.probability) {
                        e.add(format!("stages[{i}].probability"), "must be from 0 to 100");
                    }
                    Some(StageSpec {
                        id: s.id,
                        forecast_category: s
                            .forecast_category
                            .unwrap_or_else(|| default_forecast_category(s.outcome, s.probability)),
                        name,
                        probability: s.probability,
                        outcome: s.outcome,
                    })
                })
                .collect()
        });
        let changes = PipelineChanges {
            name: required_text(&mut e, "name", self.name, super::limits::NAME),
            is_default: self.is_default,
            stages,
        };
        e.into_result(changes)
    }
}
