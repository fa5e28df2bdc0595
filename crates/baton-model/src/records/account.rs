use super::{non_null, nullable, optional_amount, optional_parsed, optional_text, parsed};
use crate::{AccountId, Currency, FieldErrors, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A customer or prospect company.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    /// Web domain, normalised: lower case, no scheme, no `www.`, no path (`acme.com`).
    pub domain: Option<String>,
    pub industry: Option<String>,
    /// Number of employees.
    pub employees: Option<i64>,
    /// Annual revenue in minor units of `currency`.
    pub annual_revenue_minor: Option<i64>,
    pub currency: Currency,
    /// Importance, 1 (top) to 5.
    pub tier: Option<i64>,
    pub owner_id: UserId,
    /// Values of admin-defined custom fields, by key.
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
    /// Set when the account was archived (deleted); archived records are hidden from lists.
    pub archived_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An account as sent when creating or changing one.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    #[serde(default, deserialize_with = "non_null")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub domain: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub industry: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub employees: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    pub annual_revenue_minor: Option<Option<i64>>,
    #[serde(default, deserialize_with = "non_null")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub tier: Option<Option<i64>>,
    /// Defaults to the creating user.
    #[serde(default, deserialize_with = "non_null")]
    pub owner_id: Option<UserId>,
    /// Custom field values by key; `null` clears one.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "non_null")]
    pub version: Option<i64>,
}

/// Validated account fields.
#[derive(Debug, Clone, Default)]
pub struct AccountChanges {
    pub name: Option<String>,
    pub domain: Option<Option<String>>,
    pub industry: Option<Option<String>>,
    pub employees: Option<Option<i64>>,
    pub annual_revenue_minor: Option<Option<i64>>,
    pub currency: Option<Currency>,
    pub tier: Option<Option<i64>>,
    pub owner_id: Option<UserId>,
    pub custom_fields: Option<Map<String, Value>>,
}

/// Normalises a web domain: `https://www.Acme.com/about` becomes `acme.com`.
pub fn normalize_domain(text: &str) -> Result<String, String> {
    let lower = text.trim().to_lowercase();
    let without_scheme = lower
        .split_once("://")
        .map_or(lower.as_str(), |(_, rest)| rest);
    let host = without_scheme.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.split_once(':').map_or(host, |(h, _)| h);
    let host = host
        .strip_prefix("www.")
        .unwrap_or(host)
        .trim_end_matches('.');
    let labels: Vec<&str> = host.split('.').collect();
    let valid = host.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if valid {
        Ok(host.to_owned())
    } else {
        Err(format!("{text:?} is not a web domain"))
    }
}

impl AccountInput {
    /// Checks every field; on create, `name` is required.
    pub fn validate(self, creating: bool) -> Result<AccountChanges, FieldErrors> {
        let mut e = FieldErrors::new();
        if creating {
            super::require(&mut e, &[("name", self.name.is_some())]);
        }
        let employees = match self.employees {
            Some(Some(n)) if !(0..=10_000_000).contains(&n) => {
                e.add("employees", "must be between 0 and 10,000,000");
                None
            }
            other => other,
        };
        let tier = match self.tier {
            Some(Some(t)) if !(1..=5).contains(&t) => {
                e.add("tier", "must be from 1 (top) to 5");
                None
            }
            other => other,
        };
        let changes = AccountChanges {
            name: super::required_text(&mut e, "name", self.name, super::limits::NAME),
            domain: optional_parsed(&mut e, "domain", self.domain, normalize_domain),
            industry: optional_text(&mut e, "industry", self.industry, super::limits::NAME),
            employees,
            annual_revenue_minor: optional_amount(
                &mut e,
                "annual_revenue_minor",
                self.annual_revenue_minor,
            ),
            currency: parsed(&mut e, "currency", self.currency, str::parse),
            tier,
            owner_id: self.owner_id,
            custom_fields: self.custom_fields,
        };
        e.into_result(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_normalised_from_urls() {
        assert_eq!(
            normalize_domain("https://www.Acme.com/about?x=1").unwrap(),
            "acme.com"
        );
        assert_eq!(
            normalize_domain("shop.acme.co.uk:8443").unwrap(),
            "shop.acme.co.uk"
        );
        assert!(normalize_domain("acme").is_err());
        assert!(normalize_domain("acme..com").is_err());
        assert!(normalize_domain("ac me.com").is_err());
    }

    #[test]
    fn every_bad_field_of_an_account_is_named() {
        let input = AccountInput {
            name: Some("  ".into()),
            domain: Some(Some("not a domain".into())),
            employees: Some(Some(-5)),
            annual_revenue_minor: Some(Some(-1)),
            currency: Some("DOLLARS".into()),
            tier: Some(Some(9)),
            ..AccountInput::default()
        };
        let errors = input.validate(true).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "employees",
                "tier",
                "name",
                "domain",
                "annual_revenue_minor",
                "currency"
            ]
        );
    }
}
