//! Deal metrics of one period, per owner: closed won and lost, cycle length, the pipeline at
//! the period's start, slipped deals, and the quota.

use crate::facts::{Deal, Facts, Quota, StageInfo};
use baton_model::pipeline::StageOutcome;
use baton_model::{DealId, Period, PeriodKind, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

/// One owner's (or everyone's) deal figures in a period. Amounts are in the organisation's
/// currency, minor units.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DealTally {
    pub won: i64,
    pub won_minor: i64,
    pub lost: i64,
    pub lost_minor: i64,
    /// Won deals whose amount could be converted (the average deal size's divisor).
    pub won_converted: i64,
    /// Days from creation to close of each won deal.
    pub cycle_days: Vec<f64>,
    /// Deals open at the period's start.
    pub opportunities: i64,
    /// Open deals at the period's start closing in it: Σ amount, Σ amount × probability.
    pub pipeline_minor: i64,
    /// Σ amount × probability in hundredths of minor units (divided once, at the end).
    pub weighted_centi_minor: i128,
    pub slipped: i64,
    pub slipped_minor: i64,
    /// Deals left out of money sums for want of an exchange rate.
    pub unconverted: i64,
    pub quota_minor: Option<i64>,
}

impl DealTally {
    pub fn merge(&mut self, other: &DealTally) {
        self.won += other.won;
        self.won_minor += other.won_minor;
        self.lost += other.lost;
        self.lost_minor += other.lost_minor;
        self.won_converted += other.won_converted;
        self.cycle_days.extend_from_slice(&other.cycle_days);
        self.opportunities += other.opportunities;
        self.pipeline_minor += other.pipeline_minor;
        self.weighted_centi_minor += other.weighted_centi_minor;
        self.slipped += other.slipped;
        self.slipped_minor += other.slipped_minor;
        self.unconverted += other.unconverted;
        self.quota_minor = match (self.quota_minor, other.quota_minor) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
        };
    }
}

/// A deal that slipped out of the period: its close date was in the period during it, and at
/// the period's end it was later, the deal still open.
#[derive(Debug, Clone, PartialEq)]
pub struct Slip {
    pub deal: DealId,
    pub owner: UserId,
    pub name: String,
    pub amount_minor: Option<i64>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A period's instants in the organisation's zone, cut at the report's `now`.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub period: Period,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The earlier of the period's end and the report's `now`: what "at the end" reads.
    pub until: DateTime<Utc>,
}

impl Span {
    pub fn of(facts: &Facts, period: Period) -> Self {
        let start = facts.instant(period.start());
        let end = facts.instant(period.end());
        Span {
            period,
            start,
            end,
            until: end.min(facts.now),
        }
    }
}

fn outcome(facts: &Facts, stage: Option<baton_model::StageId>) -> Option<&StageInfo> {
    stage.and_then(|s| facts.stage(s))
}

/// The deal figures of each owner in `span`, and the slipped deals.
pub fn tally(facts: &Facts, span: &Span) -> (HashMap<UserId, DealTally>, Vec<Slip>) {
    let mut owners: HashMap<UserId, DealTally> = HashMap::new();
    let mut slips = Vec::new();
    let period = span.period;
    for deal in &facts.deals {
        let t = owners.entry(deal.owner).or_default();
        closed(facts, deal, period, t);
        at_start(facts, deal, span, t);
        if let Some(slip) = slipped(facts, deal, span) {
            t.slipped += 1;
            t.slipped_minor += slip.amount_minor.unwrap_or(0);
            slips.push(slip);
        }
    }
    for person in &facts.people {
        owners.entry(person.id).or_default().quota_minor = quota(facts, person.id, period);
    }
    (owners, slips)
}

/// How a deal closed in a period: won or lost, on which day, for how much in the report's
/// currency (`Some(0)` without an amount, `None` when it cannot be converted).
#[derive(Debug, Clone, Copy)]
pub struct Closed {
    pub won: bool,
    pub date: NaiveDate,
    pub amount_minor: Option<i64>,
}

/// Whether `deal` closed in `period`: its stage now is won or lost and its close date is in
/// the period.
pub fn closed_in(facts: &Facts, deal: &Deal, period: Period) -> Option<Closed> {
    let now = facts.now;
    let date = deal.close_dates.at(now, &deal.close_date)?;
    if !period.contains(date) {
        return None;
    }
    let won = match outcome(facts, deal.stages.at(now, &Some(deal.stage)))?.outcome {
        StageOutcome::Open => return None,
        StageOutcome::Won => true,
        StageOutcome::Lost => false,
    };
    let amount_minor = match deal.amounts.at(now, &deal.amount_minor) {
        Some(a) => facts.convert(a, deal.currency, date),
        None => Some(0),
    };
    Some(Closed {
        won,
        date,
        amount_minor,
    })
}

fn closed(facts: &Facts, deal: &Deal, period: Period, t: &mut DealTally) {
    let Some(c) = closed_in(facts, deal, period) else {
        return;
    };
    if c.amount_minor.is_none() {
        t.unconverted += 1;
    }
    let amount = c.amount_minor.unwrap_or(0);
    if c.won {
        t.won += 1;
        t.won_minor += amount;
        if c.amount_minor.is_some() {
            t.won_converted += 1;
        }
        let created = facts.date(deal.created_at);
        t.cycle_days
            .push(crate::stats::float((c.date - created).num_days().max(0)));
    } else {
        t.lost += 1;
        t.lost_minor += amount;
    }
}

/// The deal as it stood at the period's start: an opportunity if open, in the pipeline if it
/// was to close in the period.
fn at_start(facts: &Facts, deal: &Deal, span: &Span, t: &mut DealTally) {
    if deal.created_at >= span.start {
        return;
    }
    let Some(stage) = outcome(facts, deal.stages.at(span.start, &Some(deal.stage))) else {
        return;
    };
    if stage.outcome != StageOutcome::Open {
        return;
    }
    t.opportunities += 1;
    let Some(close) = deal.close_dates.at(span.start, &deal.close_date) else {
        return;
    };
    if !span.period.contains(close) {
        return;
    }
    let Some(amount) = deal.amounts.at(span.start, &deal.amount_minor) else {
        return;
    };
    match facts.convert(amount, deal.currency, close) {
        Some(a) => {
            t.pipeline_minor += a;
            t.weighted_centi_minor += i128::from(a) * i128::from(stage.probability);
        }
        None => t.unconverted += 1,
    }
}

fn slipped(facts: &Facts, deal: &Deal, span: &Span) -> Option<Slip> {
    if deal.created_at >= span.until {
        return None;
    }
    let from = span.start.max(deal.created_at);
    let was_in = deal
        .close_dates
        .held(from, span.until, &deal.close_date)
        .into_iter()
        .flatten()
        .filter(|d| span.period.contains(*d))
        .max()?;
    let to = deal.close_dates.at(span.until, &deal.close_date)?;
    if to < span.period.end() {
        return None;
    }
    let stage = outcome(facts, deal.stages.at(span.until, &Some(deal.stage)))?;
    if stage.outcome != StageOutcome::Open {
        return None;
    }
    let amount = deal
        .amounts
        .at(span.until, &deal.amount_minor)
        .and_then(|a| facts.convert(a, deal.currency, to));
    Some(Slip {
        deal: deal.id,
        owner: deal.owner,
        name: deal.name.clone(),
        amount_minor: amount,
        from: was_in,
        to,
    })
}

/// A person's quota for a quarter: its quarter quota, else the sum of its monthly quotas in the
/// quarter, else a quarter of the fiscal year's; converted at the rate of the quarter's first day.
fn quota(facts: &Facts, user: UserId, quarter: Period) -> Option<i64> {
    quarter_quota(&facts.quotas, user, quarter, |q| {
        facts.convert(q.amount_minor, q.currency, quarter.start())
    })
}

/// `user`'s quota for `quarter`: a quarterly quota, or the sum of the quarter's monthly ones,
/// or a quarter of the fiscal year's; each amount as `convert` gives it.
pub fn quarter_quota(
    quotas: &[Quota],
    user: UserId,
    quarter: Period,
    convert: impl Fn(&Quota) -> Option<i64>,
) -> Option<i64> {
    let theirs = || quotas.iter().filter(move |q| q.user == user);
    if let Some(q) = theirs()
        .find(|q| q.period.kind() == PeriodKind::Quarter && q.period.start() == quarter.start())
    {
        return convert(q);
    }
    let months: Vec<_> = theirs()
        .filter(|q| q.period.kind() == PeriodKind::Month && quarter.contains(q.period.start()))
        .collect();
    if !months.is_empty() {
        return months.iter().map(|q| convert(q)).sum();
    }
    theirs()
        .find(|q| q.period.kind() == PeriodKind::Year && q.period.contains(quarter.start()))
        .and_then(convert)
        .and_then(|y| crate::stats::div_round(i128::from(y), 4))
}
