//! What the signals are computed from, as the store gathers it: every record with its
//! timestamps and field history, so that any past instant can be looked at as it was then.

use baton_comp::{ExchangeRates, Rounding};
use baton_model::{
    AccountId, ContactId, Currency, DealId, Money, StageId, UserId, pipeline::ForecastCategory,
};
use baton_reports::{Changes, Quota};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// Everything the signals read. Later facts may be present: every computation is made as of
/// an instant and reads nothing stamped after it.
#[derive(Debug, Clone)]
pub struct Input {
    /// The organisation's currency: amounts are compared in it.
    pub currency: Currency,
    /// The organisation's time zone: instants become dates (close dates, quarters) in it.
    pub time_zone: Tz,
    /// The organisation's fiscal year start month (1–12), for quarters.
    pub fiscal_year_start_month: u32,
    pub rates: ExchangeRates,
    /// Every stage of every pipeline.
    pub stages: Vec<Stage>,
    /// The people findings are made about and forecasts are made for.
    pub reps: Vec<Rep>,
    pub accounts: Vec<Account>,
    pub deals: Vec<Deal>,
    /// Activities in any order.
    pub activities: Vec<Activity>,
    pub quotas: Vec<Quota>,
}

/// A stage, as the signals need it (the reports' own description of one).
pub use baton_reports::StageInfo as Stage;

/// A person findings and forecasts are about.
#[derive(Debug, Clone)]
pub struct Rep {
    pub id: UserId,
    pub name: String,
    pub team: Option<String>,
    /// The id it was imported under, if any.
    pub source_id: Option<String>,
}

/// An account.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    pub owner: UserId,
    /// The id it was imported under, if any.
    pub source_id: Option<String>,
}

/// A deal with the history of the fields the signals read. A field's value at an earlier
/// instant is read back from its changes ([`Changes::at`]).
#[derive(Debug, Clone)]
pub struct Deal {
    pub id: DealId,
    pub name: String,
    pub account: Option<AccountId>,
    pub owner: UserId,
    pub stage: StageId,
    pub amount_minor: Option<i64>,
    pub currency: Currency,
    pub close_date: Option<NaiveDate>,
    pub forecast_category: ForecastCategory,
    pub created_at: DateTime<Utc>,
    pub source: Option<String>,
    /// The id it was imported under, if any.
    pub source_id: Option<String>,
    pub stages: Changes<Option<StageId>>,
    pub amounts: Changes<Option<i64>>,
    pub close_dates: Changes<Option<NaiveDate>>,
    pub owners: Changes<Option<UserId>>,
    pub categories: Changes<Option<ForecastCategory>>,
}

/// One activity, reduced to what the signals read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Activity {
    /// When it happened (for a task: when it was completed).
    pub at: DateTime<Utc>,
    pub owner: UserId,
    pub kind: ActivityKind,
    pub deal: Option<DealId>,
    /// The account it is about: its own, its deal's or its contact's.
    pub account: Option<AccountId>,
    pub contact: Option<ContactId>,
    /// The email thread, as a number (the store hashes thread ids).
    pub thread: Option<u64>,
}

/// What an activity was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActivityKind {
    Call,
    /// An email we sent.
    EmailOut,
    /// An email they sent us.
    EmailIn,
    /// A meeting that took place.
    Meeting,
    /// A meeting canceled, declined or not attended.
    MeetingMissed,
    Note,
    /// A note whose words turn negative (see [`crate::tone::is_negative`]).
    NegativeNote,
    /// A task done.
    Task,
}

impl ActivityKind {
    /// Whether the activity is work the rep did (what "activity volume" counts).
    pub fn is_effort(self) -> bool {
        matches!(
            self,
            ActivityKind::Call
                | ActivityKind::EmailOut
                | ActivityKind::Meeting
                | ActivityKind::Task
        )
    }

    /// Whether it shows the customer engaging.
    pub fn is_theirs(self) -> bool {
        matches!(self, ActivityKind::EmailIn | ActivityKind::Meeting)
    }
}

impl Input {
    /// The date of `at` in the organisation's time zone.
    pub fn date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.time_zone).date_naive()
    }

    /// The first instant of `date` in the organisation's time zone.
    pub fn instant(&self, date: NaiveDate) -> DateTime<Utc> {
        baton_reports::start_of(self.time_zone, date)
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

    /// An amount in the organisation's currency, rounded to whole units for a sentence.
    pub fn money(&self, minor: i64) -> String {
        let scale = 10_i64.pow(u32::from(self.currency.exponent()));
        let whole = (minor + scale / 2).div_euclid(scale) * scale;
        baton_model::money::readable_money(whole, self.currency)
    }
}
