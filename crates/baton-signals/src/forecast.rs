//! The forecast: per rep, team and organisation, for the current and the next quarter — what
//! is won, the commit, best-case and pipeline totals from forecast categories, and a projection
//! from each open deal's win probability and how often deals expected in a quarter really
//! close in it, with an 80 % range; beside the quota.

use crate::input::Deal;
use crate::timeline::{DealAt, Timeline};
use baton_model::{DealId, Period, PeriodKind, UserId, pipeline::ForecastCategory};
use baton_reports::stats::{float, whole};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// z for a two-sided 80 % range.
const Z80: f64 = 1.281_551_565_5;
/// Past quarters the in-quarter conversion is learned from.
const PAST_QUARTERS: usize = 4;

/// Whose numbers a row holds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Scope {
    Rep {
        id: i64,
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source_id: Option<String>,
    },
    Team {
        name: String,
    },
    Organisation,
}

/// One row of the forecast. Amounts in minor units of the organisation's currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub scope: Scope,
    /// `2026-Q3`.
    pub quarter: String,
    pub won_minor: i64,
    /// Won plus open deals in the commit category closing in the quarter.
    pub commit_minor: i64,
    /// Commit plus best case.
    pub best_case_minor: i64,
    /// Best case plus pipeline.
    pub pipeline_minor: i64,
    /// Won plus each deal's amount × stage probability: the baseline the projection is
    /// measured against.
    pub weighted_minor: i64,
    /// Won plus each deal's amount × win probability × the chance it closes in the quarter.
    pub projection_minor: i64,
    pub low_minor: i64,
    pub high_minor: i64,
    pub quota_minor: Option<i64>,
}

/// The forecast as of an instant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    pub as_of: DateTime<Utc>,
    /// Of deals expected in the quarter that were won, the share closed within it, as learned
    /// from past quarters at the same point: (current quarter, next quarter).
    pub in_quarter_rate: (f64, f64),
    pub rows: Vec<Row>,
}

#[derive(Default, Clone)]
struct Sums {
    won: f64,
    commit: f64,
    best: f64,
    pipeline: f64,
    weighted: f64,
    projection: f64,
    variance: f64,
}

impl Sums {
    fn add(&mut self, o: &Sums) {
        self.won += o.won;
        self.commit += o.commit;
        self.best += o.best;
        self.pipeline += o.pipeline;
        self.weighted += o.weighted;
        self.projection += o.projection;
        self.variance += o.variance;
    }
}

/// The forecast at `at`, from the open deals and their win probabilities.
pub fn forecast(
    timeline: &Timeline,
    at: DateTime<Utc>,
    open: &[DealAt<'_>],
    probability: &HashMap<DealId, f64>,
) -> Forecast {
    let input = &timeline.input;
    let today = input.date(at);
    let fiscal = input.fiscal_year_start_month;
    let current = Period::containing(today, PeriodKind::Quarter, fiscal);
    let quarters = [current, current.next()];
    let rate_now = in_quarter_rate(timeline, at, current, (today - current.start()).num_days());
    let rate_next = in_quarter_rate(timeline, at, current, 0);
    let mut sums: [HashMap<UserId, Sums>; 2] = Default::default();
    for deal in &input.deals {
        if let Some((when, true)) = timeline.closed(deal, at) {
            let day = input.date(when);
            if let Some(q) = quarters.iter().position(|q| q.contains(day))
                && let Some(d) = timeline.deal_at(deal, when)
                && let Some(minor) = won_amount(timeline, deal, when)
            {
                sums[q].entry(d.owner).or_default().won += float(minor);
            }
        }
    }
    for deal in open {
        let Some(close) = deal.close_date else {
            continue;
        };
        let Some(amount) = timeline.converted(deal, at).map(float) else {
            continue;
        };
        let p = probability
            .get(&deal.deal.id)
            .copied()
            .unwrap_or_else(|| float(deal.stage.probability) / 100.0);
        let stage_p = float(deal.stage.probability) / 100.0;
        // Where it is expected to land: (quarter index, share of p counted there).
        let shares: Vec<(usize, f64)> = if current.contains(close) || close < current.start() {
            vec![(0, rate_now), (1, 1.0 - rate_now)]
        } else if quarters[1].contains(close) {
            vec![(1, rate_next)]
        } else {
            Vec::new()
        };
        for (q, share) in shares {
            let s = sums[q].entry(deal.owner).or_default();
            let chance = p * share;
            s.projection += chance * amount;
            s.variance += chance * (1.0 - chance) * amount * amount;
            if !quarters[q].contains(close) {
                continue;
            }
            s.weighted += stage_p * amount;
            match deal.category {
                ForecastCategory::Commit | ForecastCategory::Closed => s.commit += amount,
                ForecastCategory::BestCase => s.best += amount,
                ForecastCategory::Pipeline => s.pipeline += amount,
                ForecastCategory::Omitted => {}
            }
        }
    }
    let mut rows = Vec::new();
    for (q, quarter) in quarters.iter().enumerate() {
        let mut teams: BTreeMap<String, (Sums, Option<i64>)> = BTreeMap::new();
        let mut org = (Sums::default(), None::<i64>);
        for rep in &input.reps {
            let s = sums[q].get(&rep.id).cloned().unwrap_or_default();
            let quota = baton_reports::quarter_quota(&input.quotas, rep.id, *quarter, |quota| {
                input.convert(quota.amount_minor, quota.currency, quarter.start())
            });
            rows.push(row(
                Scope::Rep {
                    id: rep.id.0,
                    name: rep.name.clone(),
                    source_id: rep.source_id.clone(),
                },
                *quarter,
                &s,
                quota,
            ));
            let add = |t: &mut (Sums, Option<i64>)| {
                t.0.add(&s);
                t.1 = match (t.1, quota) {
                    (Some(a), Some(b)) => Some(a + b),
                    (a, b) => a.or(b),
                };
            };
            if let Some(team) = &rep.team {
                add(teams.entry(team.clone()).or_default());
            }
            add(&mut org);
        }
        for (name, (s, quota)) in teams {
            rows.push(row(Scope::Team { name }, *quarter, &s, quota));
        }
        rows.push(row(Scope::Organisation, *quarter, &org.0, org.1));
    }
    Forecast {
        as_of: at,
        in_quarter_rate: (round3(rate_now), round3(rate_next)),
        rows,
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn row(scope: Scope, quarter: Period, s: &Sums, quota: Option<i64>) -> Row {
    let commit = s.won + s.commit;
    let best = commit + s.best;
    let projection = s.won + s.projection;
    let spread = Z80 * s.variance.sqrt();
    Row {
        scope,
        quarter: quarter.to_string(),
        won_minor: whole(s.won),
        commit_minor: whole(commit),
        best_case_minor: whole(best),
        pipeline_minor: whole(best + s.pipeline),
        weighted_minor: whole(s.won + s.weighted),
        projection_minor: whole(projection),
        low_minor: whole((projection - spread).max(s.won)),
        high_minor: whole(projection + spread),
        quota_minor: quota,
    }
}

/// A won deal's amount at closing, in the organisation's currency.
fn won_amount(timeline: &Timeline, deal: &Deal, when: DateTime<Utc>) -> Option<i64> {
    let minor = deal.amounts.at(when, &deal.amount_minor)?;
    timeline
        .input
        .convert(minor, deal.currency, timeline.input.date(when))
}

/// Of the deals that were open `offset_days` into each of the past quarters with a close date
/// in it (or before it) and were later won, the share won within that quarter. 0.5 when no
/// past quarter has such deals.
fn in_quarter_rate(
    timeline: &Timeline,
    at: DateTime<Utc>,
    current: Period,
    offset_days: i64,
) -> f64 {
    let (mut inside, mut all) = (0_i64, 0_i64);
    let mut quarter = current;
    for _ in 0..PAST_QUARTERS {
        quarter = quarter.previous();
        let look = timeline.input.instant(quarter.start()) + chrono::Duration::days(offset_days);
        let end = timeline.input.instant(quarter.end());
        if end > at {
            continue;
        }
        for deal in &timeline.input.deals {
            let Some(d) = timeline.deal_at(deal, look) else {
                continue;
            };
            if d.stage.outcome.is_closed() || d.close_date.is_none_or(|c| c >= quarter.end()) {
                continue;
            }
            if let Some((when, true)) = timeline.closed(deal, at) {
                all += 1;
                if when < end {
                    inside += 1;
                }
            }
        }
    }
    if all == 0 {
        0.5
    } else {
        float(inside) / float(all)
    }
}
