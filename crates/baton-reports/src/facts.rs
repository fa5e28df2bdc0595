//! What the report is computed from, as the store gathers it.

use crate::history::Changes;
use baton_comp::{ExchangeRates, Rounding};
use baton_model::{
    Currency, DealId, Money, Period, PipelineId, StageId, UserId, pipeline::StageOutcome,
};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// Everything a quarterly review reads, limited to what the viewer may see.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The organisation's currency: every amount is reported in it.
    pub currency: Currency,
    /// The organisation's time zone: instants become dates in it.
    pub time_zone: Tz,
    /// The instant the report is made as of; later history is not read.
    pub now: DateTime<Utc>,
    pub rates: ExchangeRates,
    /// Every stage of every pipeline.
    pub stages: Vec<StageInfo>,
    /// The people the report covers (its rows), in display order.
    pub people: Vec<Person>,
    /// The people's deals that may count in the window ([`Window`]).
    pub deals: Vec<Deal>,
    /// The people's quotas overlapping the window.
    pub quotas: Vec<Quota>,
}

/// A stage, as the report needs it.
#[derive(Debug, Clone)]
pub struct StageInfo {
    pub id: StageId,
    pub pipeline: PipelineId,
    pub pipeline_name: String,
    pub name: String,
    pub position: i64,
    pub outcome: StageOutcome,
    /// Percent, 0–100.
    pub probability: i64,
}

/// A person the report has a row for.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: UserId,
    pub name: String,
    pub team: Option<String>,
}

/// A deal with the history of the fields the metrics read.
#[derive(Debug, Clone)]
pub struct Deal {
    pub id: DealId,
    pub name: String,
    pub owner: UserId,
    pub stage: StageId,
    pub amount_minor: Option<i64>,
    pub currency: Currency,
    pub close_date: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub source: Option<String>,
    pub industry: Option<String>,
    /// Stage changes; the one made at creation has no old stage.
    pub stages: Changes<Option<StageId>>,
    pub amounts: Changes<Option<i64>>,
    pub close_dates: Changes<Option<NaiveDate>>,
}

/// A quota of one person for a month, quarter or fiscal year.
#[derive(Debug, Clone)]
pub struct Quota {
    pub user: UserId,
    pub period: Period,
    pub amount_minor: i64,
    pub currency: Currency,
}

/// An activity tally of one person in one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivityCount {
    pub owner: UserId,
    pub kind: ActivityKind,
    pub count: i64,
}

/// What an activity counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityKind {
    Call,
    EmailSent,
    EmailReceived,
    /// A meeting that took place (not canceled, declined or a no-show, and not in the future).
    Meeting,
    Note,
    /// A task completed in the period.
    TaskDone,
}

/// An inbound email received in the period and when its owner first answered in the thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply {
    pub owner: UserId,
    pub received_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// The three quarters a review compares and the span of time they cover.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// The quarter, the one before it and the same one a year earlier.
    pub periods: [Period; 3],
}

impl Window {
    pub fn of(quarter: Period) -> Self {
        Window {
            periods: [quarter, quarter.previous(), quarter.year_before()],
        }
    }

    /// The first day of the earliest period.
    pub fn first_day(&self) -> NaiveDate {
        self.periods[2].start()
    }

    /// The day after the reviewed quarter.
    pub fn end(&self) -> NaiveDate {
        self.periods[0].end()
    }
}

impl Facts {
    /// The first instant of `date` in the organisation's time zone.
    pub fn instant(&self, date: NaiveDate) -> DateTime<Utc> {
        start_of(self.time_zone, date)
    }

    /// The date of `at` in the organisation's time zone.
    pub fn date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.time_zone).date_naive()
    }

    pub fn stage(&self, id: StageId) -> Option<&StageInfo> {
        self.stages.iter().find(|s| s.id == id)
    }

    /// `minor` of `currency` in the organisation's currency at the rate of `date`, or `None`
    /// when no rate is known on or before that day.
    pub fn convert(&self, minor: i64, currency: Currency, date: NaiveDate) -> Option<i64> {
        if currency == self.currency {
            return Some(minor);
        }
        let money = Money { minor, currency };
        let (major, _) = self.rates.convert(money, self.currency, date).ok()?;
        Some(Rounding::HalfEven.to_minor(major, self.currency))
    }
}

/// The first instant of `date` in `zone` (the first existing one when midnight is skipped).
pub fn start_of(zone: Tz, date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    zone.from_local_datetime(&midnight)
        .earliest()
        .or_else(|| {
            (1..=3).find_map(|h| {
                zone.from_local_datetime(&(midnight + chrono::Duration::hours(h)))
                    .earliest()
            })
        })
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}
