//! What a merge does per kind of record: which references point at it, and how the kept
//! record's empty fields are filled from a merged one (and emptied again by an undo).

use crate::crm::CrmRecord;
use baton_model::duplicates::{FilledField, MergeEntity};
use baton_model::records::{Account, Contact};
use serde::Serialize;
use serde_json::{Map, Value};

/// A record kind that can be merged.
pub(crate) trait Mergeable: CrmRecord + Clone {
    const KIND: MergeEntity;

    /// The `(table, column)` of every reference to this kind that a merge moves (deal roles
    /// aside), found by grepping the schema for `REFERENCES accounts`/`REFERENCES contacts`.
    const REFERENCES: &'static [(&'static str, &'static str)];

    fn archived(&self) -> bool;

    /// Fills each empty field of `self` from `other`, noting what it filled.
    fn fill_from(&mut self, other: &Self, filled: &mut Vec<FilledField>);

    /// Empties `field` if it still holds `value`; whether it did.
    fn clear(&mut self, field: &str, value: &Value) -> bool;
}

fn fill<T: Clone + Serialize>(
    field: &str,
    kept: &mut Option<T>,
    other: Option<&T>,
    from: i64,
    filled: &mut Vec<FilledField>,
) {
    if kept.is_none()
        && let Some(v) = other
        && let Ok(value) = serde_json::to_value(v)
    {
        *kept = Some(v.clone());
        filled.push(FilledField {
            field: field.to_owned(),
            value,
            from,
        });
    }
}

fn fill_custom(
    kept: &mut Map<String, Value>,
    other: &Map<String, Value>,
    from: i64,
    filled: &mut Vec<FilledField>,
) {
    for (key, value) in other {
        if !value.is_null() && kept.get(key).is_none_or(Value::is_null) {
            kept.insert(key.clone(), value.clone());
            filled.push(FilledField {
                field: format!("custom_fields.{key}"),
                value: value.clone(),
                from,
            });
        }
    }
}

fn clear<T: Serialize>(slot: &mut Option<T>, value: &Value) -> bool {
    let holds = slot
        .as_ref()
        .and_then(|v| serde_json::to_value(v).ok())
        .is_some_and(|v| &v == value);
    if holds {
        *slot = None;
    }
    holds
}

fn clear_custom(custom: &mut Map<String, Value>, field: &str, value: &Value) -> bool {
    let Some(key) = field.strip_prefix("custom_fields.") else {
        return false;
    };
    let holds = custom.get(key) == Some(value);
    if holds {
        custom.remove(key);
    }
    holds
}

impl Mergeable for Account {
    const KIND: MergeEntity = MergeEntity::Account;
    const REFERENCES: &'static [(&'static str, &'static str)] = &[
        ("contacts", "account_id"),
        ("deals", "account_id"),
        ("activities", "account_id"),
    ];

    fn archived(&self) -> bool {
        self.archived_at.is_some()
    }

    fn fill_from(&mut self, other: &Self, filled: &mut Vec<FilledField>) {
        let from = other.id.0;
        fill(
            "domain",
            &mut self.domain,
            other.domain.as_ref(),
            from,
            filled,
        );
        fill(
            "industry",
            &mut self.industry,
            other.industry.as_ref(),
            from,
            filled,
        );
        fill(
            "employees",
            &mut self.employees,
            other.employees.as_ref(),
            from,
            filled,
        );
        // Revenue is in the account's currency: taken only from an account in the same one.
        if self.currency == other.currency {
            fill(
                "annual_revenue_minor",
                &mut self.annual_revenue_minor,
                other.annual_revenue_minor.as_ref(),
                from,
                filled,
            );
        }
        fill("tier", &mut self.tier, other.tier.as_ref(), from, filled);
        fill_custom(&mut self.custom_fields, &other.custom_fields, from, filled);
    }

    fn clear(&mut self, field: &str, value: &Value) -> bool {
        match field {
            "domain" => clear(&mut self.domain, value),
            "industry" => clear(&mut self.industry, value),
            "employees" => clear(&mut self.employees, value),
            "annual_revenue_minor" => clear(&mut self.annual_revenue_minor, value),
            "tier" => clear(&mut self.tier, value),
            other => clear_custom(&mut self.custom_fields, other, value),
        }
    }
}

impl Mergeable for Contact {
    const KIND: MergeEntity = MergeEntity::Contact;
    const REFERENCES: &'static [(&'static str, &'static str)] = &[("activities", "contact_id")];

    fn archived(&self) -> bool {
        self.archived_at.is_some()
    }

    fn fill_from(&mut self, other: &Self, filled: &mut Vec<FilledField>) {
        let from = other.id.0;
        fill(
            "account_id",
            &mut self.account_id,
            other.account_id.as_ref(),
            from,
            filled,
        );
        fill(
            "first_name",
            &mut self.first_name,
            other.first_name.as_ref(),
            from,
            filled,
        );
        fill("email", &mut self.email, other.email.as_ref(), from, filled);
        fill("phone", &mut self.phone, other.phone.as_ref(), from, filled);
        fill("title", &mut self.title, other.title.as_ref(), from, filled);
        fill_custom(&mut self.custom_fields, &other.custom_fields, from, filled);
    }

    fn clear(&mut self, field: &str, value: &Value) -> bool {
        match field {
            "account_id" => clear(&mut self.account_id, value),
            "first_name" => clear(&mut self.first_name, value),
            "email" => clear(&mut self.email, value),
            "phone" => clear(&mut self.phone, value),
            "title" => clear(&mut self.title, value),
            other => clear_custom(&mut self.custom_fields, other, value),
        }
    }
}

/// The audit-log name of the records in `table`.
pub(crate) fn entity_of(table: &str) -> &'static str {
    match table {
        "contacts" => "contact",
        "activities" => "activity",
        _ => "deal",
    }
}
