use super::{non_null, parsed, required_text};
use crate::{Currency, FieldErrors, TimeZone};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The organisation's settings: one row per installation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgSettings {
    /// The organisation's name.
    pub name: String,
    /// Default currency for new deals, quotas and reports.
    pub currency: Currency,
    /// Month (1–12) the fiscal year starts in; fiscal years are named after the year they start.
    pub fiscal_year_start_month: u32,
    /// Time zone that periods and reports use.
    pub time_zone: TimeZone,
    /// Incremented on every change; sent as the `ETag`.
    pub version: i64,
    /// When the settings last changed.
    pub updated_at: DateTime<Utc>,
}

/// Changes to the organisation's settings, as sent.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgSettingsInput {
    #[serde(default, deserialize_with = "non_null")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    pub fiscal_year_start_month: Option<u32>,
    #[serde(default, deserialize_with = "non_null")]
    pub time_zone: Option<String>,
    /// The version being changed, when no `If-Match` header is sent.
    #[serde(default, deserialize_with = "non_null")]
    pub version: Option<i64>,
}

/// Validated changes to the organisation's settings.
#[derive(Debug, Clone, Default)]
pub struct OrgSettingsChanges {
    pub name: Option<String>,
    pub currency: Option<Currency>,
    pub fiscal_year_start_month: Option<u32>,
    pub time_zone: Option<TimeZone>,
}

impl OrgSettingsInput {
    /// Checks every field, naming each bad one.
    pub fn validate(self) -> Result<OrgSettingsChanges, FieldErrors> {
        let mut e = FieldErrors::new();
        let changes = OrgSettingsChanges {
            name: required_text(&mut e, "name", self.name, super::limits::NAME),
            currency: parsed(&mut e, "currency", self.currency, str::parse),
            fiscal_year_start_month: match self.fiscal_year_start_month {
                Some(m) if !(1..=12).contains(&m) => {
                    e.add(
                        "fiscal_year_start_month",
                        "must be a month number from 1 to 12",
                    );
                    None
                }
                other => other,
            },
            time_zone: parsed(&mut e, "time_zone", self.time_zone, str::parse),
        };
        e.into_result(changes)
    }
}
