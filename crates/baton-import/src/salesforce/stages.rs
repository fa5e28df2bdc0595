//! The stage picklist as found in the data.
//!
//! A Salesforce export has no metadata file for the `StageName` picklist, so the importer
//! rebuilds it from what the opportunity and history rows say about each stage: whether it is
//! closed, won, its probability and forecast category. Values are taken as first seen; rows
//! that disagree with the first are counted so the importer can mention them.

use super::{SfOpportunity, SfOpportunityHistory};
use rust_decimal::Decimal;

/// One stage as the data shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageSeen {
    /// The `StageName` value.
    pub name: String,
    /// `Probability` first seen with the stage.
    pub probability: Option<Decimal>,
    /// `ForecastCategoryName` (or the history's `ForecastCategory`) first seen.
    pub forecast_category: Option<String>,
    /// `IsClosed` first seen; `None` when the stage only occurs in history rows.
    pub is_closed: Option<bool>,
    /// `IsWon` first seen; `None` when the stage only occurs in history rows.
    pub is_won: Option<bool>,
    /// Rows (opportunities and history) carrying the stage.
    pub rows: u64,
    /// Rows whose closed/won/probability disagree with the first seen values.
    pub disagreeing_rows: u64,
}

/// Collects stages from a stream of rows.
#[derive(Debug, Default)]
pub struct StagePicklist {
    stages: Vec<StageSeen>,
}

impl StagePicklist {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Notes an opportunity's stage.
    pub fn add_opportunity(&mut self, o: &SfOpportunity) {
        if let Some(name) = &o.stage_name {
            self.note(
                name,
                o.probability,
                o.forecast_category_name.as_deref(),
                o.is_closed,
                o.is_won,
            );
        }
    }

    /// Notes a history row's stage (stages no deal sits in any more appear only here).
    pub fn add_history(&mut self, h: &SfOpportunityHistory) {
        if let Some(name) = &h.stage_name {
            self.note(
                name,
                h.probability,
                h.forecast_category.as_deref(),
                None,
                None,
            );
        }
    }

    fn note(
        &mut self,
        name: &str,
        probability: Option<Decimal>,
        forecast: Option<&str>,
        closed: Option<bool>,
        won: Option<bool>,
    ) {
        let Some(seen) = self.stages.iter_mut().find(|s| s.name == name) else {
            self.stages.push(StageSeen {
                name: name.to_owned(),
                probability,
                forecast_category: forecast.map(str::to_owned),
                is_closed: closed,
                is_won: won,
                rows: 1,
                disagreeing_rows: 0,
            });
            return;
        };
        seen.rows += 1;
        seen.probability = seen.probability.or(probability);
        if seen.forecast_category.is_none() {
            seen.forecast_category = forecast.map(str::to_owned);
        }
        let differs =
            |a: Option<bool>, b: Option<bool>| matches!((a, b), (Some(x), Some(y)) if x != y);
        if differs(seen.is_closed, closed)
            || differs(seen.is_won, won)
            || matches!((seen.probability, probability), (Some(x), Some(y)) if x != y)
        {
            seen.disagreeing_rows += 1;
        }
        seen.is_closed = seen.is_closed.or(closed);
        seen.is_won = seen.is_won.or(won);
    }

    /// The stages in pipeline order: open stages by the probability first seen (ties in order
    /// of first appearance), then closed stages, won before lost. A stage only seen in history
    /// counts as closed when its probability is 0 or 100.
    pub fn finish(self) -> Vec<StageSeen> {
        let mut stages = self.stages;
        let closed = |s: &StageSeen| {
            s.is_closed.unwrap_or(
                matches!(s.probability, Some(p) if p.is_zero() || p == Decimal::ONE_HUNDRED),
            )
        };
        let won = |s: &StageSeen| {
            s.is_won
                .unwrap_or(s.probability == Some(Decimal::ONE_HUNDRED))
        };
        // A stable sort keeps first-appearance order among equals.
        stages.sort_by(|a, b| {
            let key = |s: &StageSeen| (closed(s), !won(s), s.probability.unwrap_or(Decimal::ZERO));
            key(a).cmp(&key(b))
        });
        stages
    }
}
