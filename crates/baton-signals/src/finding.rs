//! A finding: what was noticed, about whom, how bad, and the evidence for it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// One thing the signals noticed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub kind: Kind,
    pub subject: Subject,
    pub severity: Severity,
    /// 0–100: how strongly the evidence points this way; findings are listed by it.
    pub score: u8,
    /// When what was noticed began (the first unanswered email, the week activity fell…).
    pub since: Option<NaiveDate>,
    /// One sentence a coordinator can read out.
    pub summary: String,
    /// The numbers behind it, by name.
    pub evidence: Vec<Evidence>,
    /// The instant it was computed as of.
    pub as_of: DateTime<Utc>,
}

/// What kind of thing was noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// No activity on an open deal for far longer than its stage usually goes quiet.
    NoActivity,
    /// Our emails unanswered while they used to answer.
    Ghosted,
    /// In its stage far longer than this pipeline's deals usually are.
    Stalled,
    /// The close date pushed out repeatedly or far.
    Pushed,
    /// The amount cut well below its peak.
    AmountCut,
    /// A large deal with one engaged contact.
    SingleThreaded,
    /// The close date has passed and the deal is still open.
    Overdue,
    /// A rep's leading indicators fell against their own baseline and their peers.
    RepAtRisk,
    /// An account's engagement is decaying.
    AccountSideways,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::NoActivity => "no_activity",
            Kind::Ghosted => "ghosted",
            Kind::Stalled => "stalled",
            Kind::Pushed => "pushed",
            Kind::AmountCut => "amount_cut",
            Kind::SingleThreaded => "single_threaded",
            Kind::Overdue => "overdue",
            Kind::RepAtRisk => "rep_at_risk",
            Kind::AccountSideways => "account_sideways",
        }
    }
}

/// The record a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Subject {
    #[serde(rename = "type")]
    pub kind: SubjectKind,
    pub id: i64,
    pub name: String,
    /// The id it was imported under, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Deal,
    User,
    Account,
}

/// How urgent a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

/// A named number (or date) behind a finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub name: &'static str,
    pub value: Value,
}

/// An evidence value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Count(i64),
    Ratio(f64),
    Date(NaiveDate),
    /// An amount in minor units of the organisation's currency.
    Money(i64),
}

impl Evidence {
    pub fn count(name: &'static str, n: i64) -> Self {
        Evidence {
            name,
            value: Value::Count(n),
        }
    }

    /// A ratio, rounded to two decimal places.
    pub fn ratio(name: &'static str, x: f64) -> Self {
        Evidence {
            name,
            value: Value::Ratio((x * 100.0).round() / 100.0),
        }
    }

    pub fn date(name: &'static str, d: NaiveDate) -> Self {
        Evidence {
            name,
            value: Value::Date(d),
        }
    }

    pub fn money(name: &'static str, minor: i64) -> Self {
        Evidence {
            name,
            value: Value::Money(minor),
        }
    }
}

/// A score from 0 to 100 for `strength`, a ratio where 1 means "at the threshold" and 2 or
/// more means "twice as far past it": 50 at the threshold, rising to 100.
pub fn score(strength: f64) -> u8 {
    let clamped = (50.0 * strength.clamp(0.0, 2.0)).round();
    // In 0..=100 after the clamp.
    u8::try_from(baton_reports::stats::whole(clamped)).unwrap_or(100)
}

/// The severity of a score.
pub fn severity(score: u8) -> Severity {
    match score {
        0..=59 => Severity::Info,
        60..=79 => Severity::Warning,
        _ => Severity::Critical,
    }
}
