//! The review as it is shown and sent: one [`PeriodMetrics`] per compared quarter, the metric
//! table with changes, the per-rep table and the tables the charts draw.

use crate::activity::{Activity, ActivityTally};
use crate::deals::{self, DealTally, Span};
use crate::facts::{Facts, Window};
use crate::stages;
use crate::stats::{self, div_round, percent};
use baton_model::{Currency, DealId, Period, StageId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Every number of one quarter for the people covered. Amounts are minor units of the report's
/// currency; percentages are 0–100 to a tenth; `null` where a number is undefined.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PeriodMetrics {
    /// `2026-Q3`.
    pub period: String,
    pub start: NaiveDate,
    /// The last day.
    pub end: NaiveDate,
    pub won: i64,
    pub won_minor: i64,
    pub lost: i64,
    pub lost_minor: i64,
    /// Won ÷ (won + lost), by count.
    pub win_rate: Option<f64>,
    /// Won amount ÷ (won + lost amount).
    pub win_rate_by_amount: Option<f64>,
    pub average_deal_minor: Option<i64>,
    pub cycle_mean_days: Option<f64>,
    pub cycle_median_days: Option<f64>,
    /// Deals open at the quarter's start.
    pub opportunities: i64,
    /// Open deals at the quarter's start closing in it.
    pub pipeline_minor: i64,
    pub weighted_pipeline_minor: i64,
    pub quota_minor: Option<i64>,
    /// Won amount ÷ quota.
    pub attainment: Option<f64>,
    /// Pipeline at the start ÷ quota, as a ratio (3.0 = three times the quota).
    pub coverage: Option<f64>,
    /// Opportunities × average deal size × win rate ÷ mean cycle days, minor units per day.
    pub velocity_minor_per_day: Option<i64>,
    pub slipped: i64,
    pub slipped_minor: i64,
    pub calls: i64,
    pub emails_sent: i64,
    pub emails_received: i64,
    pub meetings: i64,
    pub notes: i64,
    pub tasks_completed: i64,
    pub median_response_minutes: Option<f64>,
    pub unanswered: i64,
    /// Deals left out of money sums for want of an exchange rate.
    pub unconverted: i64,
}

/// A number in the metric table: whole minor units or counts, or a ratio.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Number {
    Whole(i64),
    Ratio(f64),
}

impl Number {
    /// The number as a float, for showing and comparing.
    pub fn value(self) -> f64 {
        match self {
            Number::Whole(n) => stats::float(n),
            Number::Ratio(r) => r,
        }
    }
}

/// A metric's change against an earlier quarter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Comparison {
    /// Now minus then (in the metric's unit), when both are defined.
    pub difference: Option<Number>,
    /// The difference as a percentage of then, when both are non-zero.
    pub percent: Option<f64>,
}

/// One line of the metric table.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MetricRow {
    pub key: &'static str,
    pub label: &'static str,
    /// `money` (minor units), `count`, `percent`, `ratio`, `days`, `minutes`, `money_per_day`.
    pub unit: &'static str,
    pub current: Option<Number>,
    pub previous: Option<Number>,
    pub year_ago: Option<Number>,
    pub change_previous: Comparison,
    pub change_year_ago: Comparison,
}

/// A person's line in the review.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RepRow {
    pub user_id: UserId,
    pub name: String,
    pub team: Option<String>,
    pub quota_minor: Option<i64>,
    pub won_minor: i64,
    pub attainment: Option<f64>,
    pub won: i64,
    pub lost: i64,
    pub win_rate: Option<f64>,
    pub average_deal_minor: Option<i64>,
    pub pipeline_minor: i64,
    pub weighted_pipeline_minor: i64,
    pub slipped: i64,
    pub calls: i64,
    pub emails_sent: i64,
    pub emails_received: i64,
    pub meetings: i64,
    pub median_response_minutes: Option<f64>,
    pub unanswered: i64,
}

/// Closed-won by week of the quarter (week n = days 7(n−1)+1 … 7n), cumulative beside the two
/// compared quarters' same weeks.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WeekRow {
    pub week: u32,
    pub starts: NaiveDate,
    pub won_minor: i64,
    pub cumulative_minor: i64,
    pub previous_cumulative_minor: i64,
    pub year_ago_cumulative_minor: i64,
}

/// Conversion and time in stage for one open stage.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StageRow {
    pub stage_id: StageId,
    pub pipeline: String,
    pub stage: String,
    /// Deals that entered the stage in the quarter.
    pub entered: i64,
    /// Of those, the ones that later moved further along (or won) by the quarter's end.
    pub converted: i64,
    pub conversion: Option<f64>,
    /// Days in the stage of the stints that ended in the quarter.
    pub mean_days: Option<f64>,
    pub median_days: Option<f64>,
    pub stints_ended: i64,
    /// Stints still open at the quarter's end.
    pub open: i64,
}

/// How many people reached an attainment band.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Band {
    /// `<50`, `50–79`, `80–99`, `100–120`, `>120` (percent).
    pub band: &'static str,
    pub people: i64,
}

/// Closed-won deals of one key (a team, month, source or industry).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ByKey {
    pub key: String,
    pub won: i64,
    pub won_minor: i64,
}

/// A deal that slipped out of the quarter.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SlippedDeal {
    pub deal_id: DealId,
    pub name: String,
    pub owner: String,
    pub amount_minor: Option<i64>,
    /// Its close date in the quarter, and where it went.
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The quarterly review.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct QuarterlyReport {
    pub quarter: String,
    pub currency: Currency,
    /// The instant the numbers are as of.
    pub as_of: DateTime<Utc>,
    pub current: PeriodMetrics,
    pub previous: PeriodMetrics,
    pub year_ago: PeriodMetrics,
    pub metrics: Vec<MetricRow>,
    pub reps: Vec<RepRow>,
    pub weeks: Vec<WeekRow>,
    pub stages: Vec<StageRow>,
    pub attainment_bands: Vec<Band>,
    /// People without a quota for the quarter (not in a band).
    pub without_quota: i64,
    pub won_by_team: Vec<ByKey>,
    pub won_by_month: Vec<ByKey>,
    pub won_by_source: Vec<ByKey>,
    pub won_by_industry: Vec<ByKey>,
    pub slipped: Vec<SlippedDeal>,
}

struct Computed {
    owners: HashMap<UserId, DealTally>,
    slips: Vec<deals::Slip>,
    activity: HashMap<UserId, ActivityTally>,
    metrics: PeriodMetrics,
}

fn compute(facts: &Facts, period: Period, activity: &Activity) -> Computed {
    let span = Span::of(facts, period);
    let (owners, slips) = deals::tally(facts, &span);
    let (people, all) = activity.tally();
    let mut total = DealTally::default();
    for t in owners.values() {
        total.merge(t);
    }
    Computed {
        metrics: metrics(period, &total, &all),
        owners,
        slips,
        activity: people,
    }
}

fn metrics(period: Period, d: &DealTally, a: &ActivityTally) -> PeriodMetrics {
    let average = div_round(i128::from(d.won_minor), i128::from(d.won_converted));
    let win_rate = percent(d.won, d.won + d.lost);
    let cycle_mean = stats::mean(&d.cycle_days);
    let velocity = match (average, win_rate, cycle_mean) {
        (Some(avg), Some(_), Some(days)) if days > 0.0 => {
            let won_per_deal = stats::float(d.won) / stats::float(d.won + d.lost);
            let per_day = stats::float(d.opportunities) * stats::float(avg) * won_per_deal / days;
            Some(stats::whole(per_day))
        }
        _ => None,
    };
    let quota = d.quota_minor;
    PeriodMetrics {
        period: period.to_string(),
        start: period.start(),
        end: period.last_day(),
        won: d.won,
        won_minor: d.won_minor,
        lost: d.lost,
        lost_minor: d.lost_minor,
        win_rate,
        win_rate_by_amount: percent(d.won_minor, d.won_minor + d.lost_minor),
        average_deal_minor: average,
        cycle_mean_days: cycle_mean,
        cycle_median_days: stats::median(&d.cycle_days),
        opportunities: d.opportunities,
        pipeline_minor: d.pipeline_minor,
        weighted_pipeline_minor: div_round(d.weighted_centi_minor, 100).unwrap_or(0),
        quota_minor: quota,
        attainment: quota.and_then(|q| percent(d.won_minor, q)),
        coverage: quota
            .filter(|q| *q > 0)
            .map(|q| (stats::float(d.pipeline_minor) / stats::float(q) * 100.0).round() / 100.0),
        velocity_minor_per_day: velocity,
        slipped: d.slipped,
        slipped_minor: d.slipped_minor,
        calls: a.calls,
        emails_sent: a.emails_sent,
        emails_received: a.emails_received,
        meetings: a.meetings,
        notes: a.notes,
        tasks_completed: a.tasks_completed,
        median_response_minutes: a.median_response_minutes(),
        unanswered: a.unanswered,
        unconverted: d.unconverted,
    }
}

/// The metric table's lines: key, label, unit and how to read the value from a quarter.
type Line = (
    &'static str,
    &'static str,
    &'static str,
    fn(&PeriodMetrics) -> Option<Number>,
);

#[expect(
    clippy::unnecessary_wraps,
    reason = "a line's reader returns an Option, as most lines may be undefined"
)]
fn whole(n: i64) -> Option<Number> {
    Some(Number::Whole(n))
}

fn ratio(r: Option<f64>) -> Option<Number> {
    r.map(Number::Ratio)
}

const LINES: &[Line] = &[
    ("won_minor", "Closed won", "money", |m| whole(m.won_minor)),
    ("won", "Deals won", "count", |m| whole(m.won)),
    ("lost", "Deals lost", "count", |m| whole(m.lost)),
    ("win_rate", "Win rate", "percent", |m| ratio(m.win_rate)),
    ("win_rate_by_amount", "Win rate by amount", "percent", |m| {
        ratio(m.win_rate_by_amount)
    }),
    ("average_deal_minor", "Average deal size", "money", |m| {
        m.average_deal_minor.map(Number::Whole)
    }),
    ("cycle_mean_days", "Sales cycle (mean)", "days", |m| {
        ratio(m.cycle_mean_days)
    }),
    ("cycle_median_days", "Sales cycle (median)", "days", |m| {
        ratio(m.cycle_median_days)
    }),
    ("quota_minor", "Quota", "money", |m| {
        m.quota_minor.map(Number::Whole)
    }),
    ("attainment", "Quota attainment", "percent", |m| {
        ratio(m.attainment)
    }),
    ("opportunities", "Open deals at the start", "count", |m| {
        whole(m.opportunities)
    }),
    ("pipeline_minor", "Pipeline at the start", "money", |m| {
        whole(m.pipeline_minor)
    }),
    (
        "weighted_pipeline_minor",
        "Weighted pipeline",
        "money",
        |m| whole(m.weighted_pipeline_minor),
    ),
    ("coverage", "Pipeline coverage", "ratio", |m| {
        ratio(m.coverage)
    }),
    (
        "velocity_minor_per_day",
        "Pipeline velocity",
        "money_per_day",
        |m| m.velocity_minor_per_day.map(Number::Whole),
    ),
    ("slipped", "Slipped deals", "count", |m| whole(m.slipped)),
    ("slipped_minor", "Slipped amount", "money", |m| {
        whole(m.slipped_minor)
    }),
    ("calls", "Calls", "count", |m| whole(m.calls)),
    ("emails_sent", "Emails sent", "count", |m| {
        whole(m.emails_sent)
    }),
    ("emails_received", "Emails received", "count", |m| {
        whole(m.emails_received)
    }),
    ("meetings", "Meetings held", "count", |m| whole(m.meetings)),
    (
        "median_response_minutes",
        "Median email response",
        "minutes",
        |m| ratio(m.median_response_minutes),
    ),
];

fn compare(now: Option<Number>, then: Option<Number>) -> Comparison {
    let (Some(now), Some(then)) = (now, then) else {
        return Comparison {
            difference: None,
            percent: None,
        };
    };
    let difference = match (now, then) {
        (Number::Whole(a), Number::Whole(b)) => Number::Whole(a - b),
        _ => Number::Ratio(stats::round1(now.value() - then.value())),
    };
    let percent = (now.value() != 0.0 && then.value() != 0.0)
        .then(|| stats::round1((now.value() - then.value()) * 100.0 / then.value().abs()));
    Comparison {
        difference: Some(difference),
        percent,
    }
}

fn band(attainment: f64) -> &'static str {
    match stats::whole(attainment.floor()) {
        ..50 => "<50",
        50..80 => "50–79",
        80..100 => "80–99",
        100..=120 => "100–120",
        _ => ">120",
    }
}

const BANDS: [&str; 5] = ["<50", "50–79", "80–99", "100–120", ">120"];

pub fn build(facts: &Facts, quarter: Period, activity: &[Activity; 3]) -> QuarterlyReport {
    let window = Window::of(quarter);
    let [now, previous, year_ago] =
        [0, 1, 2].map(|i| compute(facts, window.periods[i], &activity[i]));
    let table = LINES
        .iter()
        .map(|(key, label, unit, read)| {
            let (c, p, y) = (
                read(&now.metrics),
                read(&previous.metrics),
                read(&year_ago.metrics),
            );
            MetricRow {
                key,
                label,
                unit,
                current: c,
                previous: p,
                year_ago: y,
                change_previous: compare(c, p),
                change_year_ago: compare(c, y),
            }
        })
        .collect();
    let reps: Vec<RepRow> = facts
        .people
        .iter()
        .map(|person| {
            let d = now.owners.get(&person.id).cloned().unwrap_or_default();
            let a = now.activity.get(&person.id).cloned().unwrap_or_default();
            let m = metrics(quarter, &d, &a);
            RepRow {
                user_id: person.id,
                name: person.name.clone(),
                team: person.team.clone(),
                quota_minor: m.quota_minor,
                won_minor: m.won_minor,
                attainment: m.attainment,
                won: m.won,
                lost: m.lost,
                win_rate: m.win_rate,
                average_deal_minor: m.average_deal_minor,
                pipeline_minor: m.pipeline_minor,
                weighted_pipeline_minor: m.weighted_pipeline_minor,
                slipped: m.slipped,
                calls: m.calls,
                emails_sent: m.emails_sent,
                emails_received: m.emails_received,
                meetings: m.meetings,
                median_response_minutes: m.median_response_minutes,
                unanswered: m.unanswered,
            }
        })
        .collect();
    let mut bands: BTreeMap<&str, i64> = BANDS.iter().map(|b| (*b, 0)).collect();
    let mut without_quota = 0;
    for rep in &reps {
        match rep.attainment {
            Some(a) => *bands.entry(band(a)).or_default() += 1,
            None => without_quota += 1,
        }
    }
    let names: HashMap<UserId, &str> = facts
        .people
        .iter()
        .map(|p| (p.id, p.name.as_str()))
        .collect();
    QuarterlyReport {
        quarter: quarter.to_string(),
        currency: facts.currency,
        as_of: facts.now,
        weeks: weeks(facts, &window),
        stages: stages::rows(facts, &Span::of(facts, quarter)),
        attainment_bands: BANDS
            .iter()
            .map(|b| Band {
                band: b,
                people: bands[b],
            })
            .collect(),
        without_quota,
        won_by_team: won_by(facts, quarter, |d| {
            facts
                .people
                .iter()
                .find(|p| p.id == d.owner)
                .and_then(|p| p.team.clone())
        }),
        won_by_month: won_by(facts, quarter, |d| {
            deals::closed_in(facts, d, quarter).map(|c| c.date.format("%Y-%m").to_string())
        }),
        won_by_source: won_by(facts, quarter, |d| d.source.clone()),
        won_by_industry: won_by(facts, quarter, |d| d.industry.clone()),
        slipped: now
            .slips
            .iter()
            .map(|s| SlippedDeal {
                deal_id: s.deal,
                name: s.name.clone(),
                owner: names.get(&s.owner).copied().unwrap_or_default().to_owned(),
                amount_minor: s.amount_minor,
                from: s.from,
                to: s.to,
            })
            .collect(),
        reps,
        metrics: table,
        current: now.metrics,
        previous: previous.metrics,
        year_ago: year_ago.metrics,
    }
}

/// Each deal won in `quarter`, with its close date and converted amount.
fn won_deals(
    facts: &Facts,
    quarter: Period,
) -> impl Iterator<Item = (&crate::facts::Deal, deals::Closed)> {
    facts.deals.iter().filter_map(move |d| {
        deals::closed_in(facts, d, quarter)
            .filter(|c| c.won)
            .map(|c| (d, c))
    })
}

fn won_by(
    facts: &Facts,
    quarter: Period,
    key: impl Fn(&crate::facts::Deal) -> Option<String>,
) -> Vec<ByKey> {
    let mut groups: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (deal, closed) in won_deals(facts, quarter) {
        let g = groups
            .entry(key(deal).unwrap_or_else(|| "(none)".to_owned()))
            .or_default();
        g.0 += 1;
        g.1 += closed.amount_minor.unwrap_or(0);
    }
    let mut rows: Vec<ByKey> = groups
        .into_iter()
        .map(|(key, (won, won_minor))| ByKey {
            key,
            won,
            won_minor,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.won_minor
            .cmp(&a.won_minor)
            .then_with(|| a.key.cmp(&b.key))
    });
    rows
}

/// Weeks of the quarter with closed-won amounts, beside the compared quarters' cumulative
/// amounts at the same week.
fn weeks(facts: &Facts, window: &Window) -> Vec<WeekRow> {
    let per_week = |period: Period| -> Vec<i64> {
        let days = (period.end() - period.start()).num_days();
        let mut weeks = vec![0; usize::try_from(days).unwrap_or(0).div_ceil(7)];
        for (_, closed) in won_deals(facts, period) {
            let i = usize::try_from((closed.date - period.start()).num_days() / 7);
            if let Some(w) = i.ok().and_then(|i| weeks.get_mut(i)) {
                *w += closed.amount_minor.unwrap_or(0);
            }
        }
        weeks
    };
    let cumulative = |weeks: &[i64]| -> Vec<i64> {
        weeks
            .iter()
            .scan(0, |sum, w| {
                *sum += w;
                Some(*sum)
            })
            .collect()
    };
    let [quarter, previous, year_ago] = window.periods;
    let now = per_week(quarter);
    let now_cum = cumulative(&now);
    let prev_cum = cumulative(&per_week(previous));
    let year_cum = cumulative(&per_week(year_ago));
    let at = |list: &[i64], i: usize| list.get(i).or(list.last()).copied().unwrap_or(0);
    now.iter()
        .enumerate()
        .zip(1_u32..)
        .map(|((i, won), week)| WeekRow {
            week,
            starts: quarter.start() + chrono::Days::new(7 * u64::from(week - 1)),
            won_minor: *won,
            cumulative_minor: now_cum[i],
            previous_cumulative_minor: at(&prev_cum, i),
            year_ago_cumulative_minor: at(&year_cum, i),
        })
        .collect()
}
