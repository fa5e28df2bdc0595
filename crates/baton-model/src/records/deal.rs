use super::{non_null, nullable, optional_amount, optional_text, parsed};
use crate::pipeline::ForecastCategory;
use crate::{
    AccountId, ContactId, Currency, DealId, FieldErrors, Percent, PipelineId, StageId, UserId,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A deal (opportunity).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Deal {
    pub id: DealId,
    pub name: String,
    pub account_id: Option<AccountId>,
    pub owner_id: UserId,
    pub pipeline_id: PipelineId,
    pub stage_id: StageId,
    /// Amount in minor units of `currency` (cents for USD): 1250000 is $12,500.00.
    pub amount_minor: Option<i64>,
    pub currency: Currency,
    pub close_date: Option<NaiveDate>,
    /// When the customer paid; plans that credit on payment count the deal then.
    pub payment_date: Option<NaiveDate>,
    /// Taken from the stage when the stage changes, unless set explicitly.
    pub forecast_category: ForecastCategory,
    pub next_step: Option<String>,
    pub lost_reason: Option<String>,
    /// Where the deal came from (inbound, outbound, partner, referral…).
    pub source: Option<String>,
    /// When the deal entered a won or lost stage; cleared if it is reopened.
    pub closed_at: Option<DateTime<Utc>>,
    /// Credit splits; none means the owner takes 100 % of the revenue credit.
    pub splits: Vec<DealSplit>,
    /// Contacts involved in the deal, with their role.
    pub contacts: Vec<DealContact>,
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
    pub archived_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

crate::string_enum! {
    /// Whether a split shares the deal's revenue or credits someone on top of it.
    pub enum SplitKind as "split kind" {
        /// A share of the revenue; revenue splits sum to 100 %.
        Revenue = "revenue",
        /// Extra credit for a specialist or manager, on top of the revenue splits.
        Overlay = "overlay",
    }
}

/// One person's share of a deal's credit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealSplit {
    pub user_id: UserId,
    pub kind: SplitKind,
    pub percent: Percent,
}

/// A contact's part in a deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealContact {
    pub contact_id: ContactId,
    /// Their role: decision maker, champion, economic buyer…
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub is_primary: bool,
}

/// A deal as sent when creating or changing one.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealInput {
    #[serde(default, deserialize_with = "non_null")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub account_id: Option<Option<AccountId>>,
    /// Defaults to the creating user.
    #[serde(default, deserialize_with = "non_null")]
    pub owner_id: Option<UserId>,
    /// Defaults to the default pipeline.
    #[serde(default, deserialize_with = "non_null")]
    pub pipeline_id: Option<PipelineId>,
    /// Defaults to the pipeline's first stage.
    #[serde(default, deserialize_with = "non_null")]
    pub stage_id: Option<StageId>,
    #[serde(default, deserialize_with = "nullable")]
    pub amount_minor: Option<Option<i64>>,
    /// Defaults to the organisation's currency.
    #[serde(default, deserialize_with = "non_null")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub close_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    pub payment_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "non_null")]
    pub forecast_category: Option<ForecastCategory>,
    #[serde(default, deserialize_with = "nullable")]
    pub next_step: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub lost_reason: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub source: Option<Option<String>>,
    /// The full split list; replaces the current one.
    #[serde(default, deserialize_with = "non_null")]
    pub splits: Option<Vec<DealSplit>>,
    /// The full contact list; replaces the current one.
    #[serde(default, deserialize_with = "non_null")]
    pub contacts: Option<Vec<DealContact>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "non_null")]
    pub version: Option<i64>,
}

/// Validated deal fields.
#[derive(Debug, Clone, Default)]
pub struct DealChanges {
    pub name: Option<String>,
    pub account_id: Option<Option<AccountId>>,
    pub owner_id: Option<UserId>,
    pub pipeline_id: Option<PipelineId>,
    pub stage_id: Option<StageId>,
    pub amount_minor: Option<Option<i64>>,
    pub currency: Option<Currency>,
    pub close_date: Option<Option<NaiveDate>>,
    pub payment_date: Option<Option<NaiveDate>>,
    pub forecast_category: Option<ForecastCategory>,
    pub next_step: Option<Option<String>>,
    pub lost_reason: Option<Option<String>>,
    pub source: Option<Option<String>>,
    pub splits: Option<Vec<DealSplit>>,
    pub contacts: Option<Vec<DealContact>>,
    pub custom_fields: Option<Map<String, Value>>,
}

/// Checks a split list: no person twice in one kind, revenue splits summing to exactly 100 %.
fn check_splits(e: &mut FieldErrors, splits: &[DealSplit]) {
    let mut seen = std::collections::HashSet::new();
    for (i, s) in splits.iter().enumerate() {
        if !seen.insert((s.user_id, s.kind)) {
            e.add(
                format!("splits[{i}].user_id"),
                format!("has a second {} split", s.kind),
            );
        }
        if s.percent.basis_points() == 0 {
            e.add(format!("splits[{i}].percent"), "must be more than 0");
        }
    }
    let revenue: i64 = splits
        .iter()
        .filter(|s| s.kind == SplitKind::Revenue)
        .map(|s| s.percent.basis_points())
        .sum();
    if splits.iter().any(|s| s.kind == SplitKind::Revenue)
        && revenue != Percent::HUNDRED.basis_points()
    {
        #[expect(clippy::cast_precision_loss, reason = "a sum of a few percentages")]
        let total = revenue as f64 / 100.0;
        e.add(
            "splits",
            format!("revenue splits must sum to 100 %, not {total} %"),
        );
    }
}

/// Checks deal contacts: each contact once, at most one primary, short roles.
fn check_contacts(e: &mut FieldErrors, contacts: &mut [DealContact]) {
    let mut seen = std::collections::HashSet::new();
    for (i, c) in contacts.iter_mut().enumerate() {
        if !seen.insert(c.contact_id) {
            e.add(format!("contacts[{i}].contact_id"), "appears twice");
        }
        c.role = c
            .role
            .take()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        if c.role.as_ref().is_some_and(|r| r.chars().count() > 100) {
            e.add(
                format!("contacts[{i}].role"),
                "must be at most 100 characters",
            );
        }
    }
    if contacts.iter().filter(|c| c.is_primary).count() > 1 {
        e.add("contacts", "at most one contact can be primary");
    }
}

impl DealInput {
    /// Checks every field; on create, `name` is required.
    pub fn validate(self, creating: bool) -> Result<DealChanges, FieldErrors> {
        let mut e = FieldErrors::new();
        if creating {
            super::require(&mut e, &[("name", self.name.is_some())]);
        }
        if let Some(splits) = &self.splits {
            check_splits(&mut e, splits);
        }
        let mut contacts = self.contacts;
        if let Some(contacts) = &mut contacts {
            check_contacts(&mut e, contacts);
        }
        let changes = DealChanges {
            name: super::required_text(&mut e, "name", self.name, super::limits::NAME),
            account_id: self.account_id,
            owner_id: self.owner_id,
            pipeline_id: self.pipeline_id,
            stage_id: self.stage_id,
            amount_minor: optional_amount(&mut e, "amount_minor", self.amount_minor),
            currency: parsed(&mut e, "currency", self.currency, str::parse),
            close_date: self.close_date,
            payment_date: self.payment_date,
            forecast_category: self.forecast_category,
            next_step: optional_text(&mut e, "next_step", self.next_step, super::limits::LINE),
            lost_reason: optional_text(
                &mut e,
                "lost_reason",
                self.lost_reason,
                super::limits::LINE,
            ),
            source: optional_text(&mut e, "source", self.source, super::limits::NAME),
            splits: self.splits,
            contacts,
            custom_fields: self.custom_fields,
        };
        e.into_result(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(user: i64, kind: SplitKind, percent: f64) -> DealSplit {
        DealSplit {
            user_id: UserId(user),
            kind,
            percent: Percent::from_number(percent).unwrap(),
        }
    }

    #[test]
    fn a_split_over_100_percent_is_rejected() {
        let input = DealInput {
            splits: Some(vec![
                split(1, SplitKind::Revenue, 60.0),
                split(2, SplitKind::Revenue, 50.0),
            ]),
            ..DealInput::default()
        };
        let errors = input.validate(false).unwrap_err();
        assert_eq!(errors.0[0].field, "splits");
        assert_eq!(
            errors.0[0].message,
            "revenue splits must sum to 100 %, not 110 %"
        );
    }

    #[test]
    fn overlay_splits_sit_on_top_of_a_full_revenue_split() {
        let input = DealInput {
            splits: Some(vec![
                split(1, SplitKind::Revenue, 66.67),
                split(2, SplitKind::Revenue, 33.33),
                split(3, SplitKind::Overlay, 100.0),
            ]),
            ..DealInput::default()
        };
        assert!(input.validate(false).is_ok());
    }

    #[test]
    fn a_negative_amount_and_an_unknown_currency_are_both_named() {
        let input = DealInput {
            name: Some("Globex renewal".into()),
            amount_minor: Some(Some(-100)),
            currency: Some("ABC".into()),
            ..DealInput::default()
        };
        let errors = input.validate(true).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["amount_minor", "currency"]);
    }

    #[test]
    fn two_primary_contacts_are_refused() {
        let c = |id| DealContact {
            contact_id: ContactId(id),
            role: None,
            is_primary: true,
        };
        let input = DealInput {
            contacts: Some(vec![c(1), c(2)]),
            ..DealInput::default()
        };
        assert_eq!(input.validate(false).unwrap_err().0[0].field, "contacts");
    }
}
