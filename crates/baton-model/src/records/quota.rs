use super::{non_null, parsed};
use crate::period::PeriodKind;
use crate::{Currency, FieldErrors, QuotaId, TeamId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A sales target for one user or one team in one period. Reports, commission plans and the
/// forecast all read quotas from here.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Quota {
    pub id: QuotaId,
    /// The user the quota belongs to; exactly one of `user_id` and `team_id` is set.
    pub user_id: Option<UserId>,
    pub team_id: Option<TeamId>,
    /// The period's name: `2026-07`, `2026-Q3` or `FY2026`.
    pub period: String,
    pub period_kind: PeriodKind,
    /// First day of the period.
    pub start_date: NaiveDate,
    /// Day after the last day of the period.
    pub end_date: NaiveDate,
    pub amount_minor: i64,
    pub currency: Currency,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A quota as sent when creating or changing one.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuotaInput {
    #[serde(default, deserialize_with = "non_null")]
    pub user_id: Option<UserId>,
    #[serde(default, deserialize_with = "non_null")]
    pub team_id: Option<TeamId>,
    /// `2026-07`, `2026-Q3` or `FY2026`, in the organisation's fiscal calendar.
    #[serde(default, deserialize_with = "non_null")]
    pub period: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    pub amount_minor: Option<i64>,
    /// Defaults to the organisation's currency.
    #[serde(default, deserialize_with = "non_null")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    pub version: Option<i64>,
}

/// Validated quota fields; the period is parsed by the store, which knows the fiscal calendar.
#[derive(Debug, Clone, Default)]
pub struct QuotaChanges {
    pub user_id: Option<UserId>,
    pub team_id: Option<TeamId>,
    pub period: Option<String>,
    pub amount_minor: Option<i64>,
    pub currency: Option<Currency>,
}

impl QuotaInput {
    /// Checks every field; on create, a holder (user or team), `period` and `amount_minor` are
    /// required. The holder and period cannot change afterwards.
    pub fn validate(self, creating: bool) -> Result<QuotaChanges, FieldErrors> {
        let mut e = FieldErrors::new();
        if creating {
            super::require(
                &mut e,
                &[
                    ("period", self.period.is_some()),
                    ("amount_minor", self.amount_minor.is_some()),
                ],
            );
            match (self.user_id, self.team_id) {
                (Some(_), Some(_)) => e.add("team_id", "give either user_id or team_id, not both"),
                (None, None) => e.add("user_id", "is required (or team_id)"),
                _ => {}
            }
        } else {
            for (field, present) in [
                ("user_id", self.user_id.is_some()),
                ("team_id", self.team_id.is_some()),
                ("period", self.period.is_some()),
            ] {
                if present {
                    e.add(field, "cannot be changed; create another quota instead");
                }
            }
        }
        let amount_minor =
            super::optional_amount(&mut e, "amount_minor", self.amount_minor.map(Some)).flatten();
        let changes = QuotaChanges {
            user_id: self.user_id,
            team_id: self.team_id,
            period: self.period,
            amount_minor,
            currency: parsed(&mut e, "currency", self.currency, str::parse),
        };
        e.into_result(changes)
    }
}
