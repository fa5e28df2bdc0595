//! One typed row struct per HubSpot export, with the columns it knows under their labels and
//! internal names, and the value forms HubSpot writes.

use crate::parse;
use crate::table::{FieldFailure, Row};
use chrono::{DateTime, NaiveDate, Utc};

mod company;
mod contact;
mod deal;
mod engagement;
mod owner;

pub use company::HsCompany;
pub use contact::HsContact;
pub use deal::{HsDeal, StageEntered};
pub use engagement::{EngagementKind, HsEngagement};
pub use owner::HsOwner;

/// A HubSpot record id: digits, as the export writes them.
fn record_id(text: &str) -> Result<String, String> {
    let id = text.strip_suffix(".0").unwrap_or(text);
    if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{text:?} is not a HubSpot record id (digits)"));
    }
    Ok(id.to_owned())
}

/// A list of record ids (`123;456`, as association columns hold them).
fn record_ids(text: &str) -> Result<Vec<String>, String> {
    text.split([';', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(record_id)
        .collect()
}

/// A date-time, or milliseconds since the epoch as the API writes them.
fn datetime(text: &str) -> Result<DateTime<Utc>, String> {
    if text.len() >= 12 && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<i64>()
            .ok()
            .and_then(DateTime::from_timestamp_millis)
            .ok_or_else(|| format!("{text:?} is not a time in milliseconds since 1970"));
    }
    parse::parse_datetime(text)
}

fn date(text: &str) -> Result<NaiveDate, String> {
    datetime(text)
        .map(|t| t.date_naive())
        .or_else(|e| parse::parse_date(text).map_err(|_| e))
}

impl Row<'_> {
    pub(super) fn hs_id(&self, col: usize) -> Result<Option<String>, FieldFailure> {
        self.value(col, record_id)
    }

    pub(super) fn required_hs_id(&self, col: usize) -> Result<String, FieldFailure> {
        self.hs_id(col)?
            .ok_or_else(|| self.failure(col, "is empty; every row needs a record id".into()))
    }

    pub(super) fn hs_ids(&self, col: usize) -> Result<Vec<String>, FieldFailure> {
        Ok(self.value(col, record_ids)?.unwrap_or_default())
    }

    pub(super) fn hs_datetime(&self, col: usize) -> Result<Option<DateTime<Utc>>, FieldFailure> {
        self.value(col, datetime)
    }

    pub(super) fn hs_date(&self, col: usize) -> Result<Option<NaiveDate>, FieldFailure> {
        self.value(col, date)
    }
}
