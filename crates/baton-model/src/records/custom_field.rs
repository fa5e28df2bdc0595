use super::{non_null, required_text};
use crate::{CustomFieldId, FieldErrors};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

crate::string_enum! {
    /// The records custom fields can be added to.
    pub enum CustomFieldEntity as "entity" {
        Account = "account",
        Contact = "contact",
        Deal = "deal",
    }
}

crate::string_enum! {
    /// The type of a custom field's value.
    pub enum CustomFieldKind as "custom field kind" {
        /// Free text, up to 10,000 characters.
        Text = "text",
        /// A finite number.
        Number = "number",
        /// Money: `{"amount_minor": 125000, "currency": "USD"}`.
        Money = "money",
        /// A date: `"2026-07-01"`.
        Date = "date",
        /// One of the field's options.
        SingleSelect = "single_select",
    }
}

/// An admin-defined field on accounts, contacts or deals.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CustomField {
    pub id: CustomFieldId,
    pub entity: CustomFieldEntity,
    /// The key in `custom_fields` objects: lower case letters, digits and `_`.
    pub key: String,
    pub label: String,
    pub kind: CustomFieldKind,
    /// The choices of a single-select field.
    pub options: Vec<String>,
    /// Whether every record must have a value.
    pub required: bool,
    pub archived_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A custom field definition as sent.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldInput {
    /// Required on create; cannot change.
    #[serde(default, deserialize_with = "non_null")]
    pub entity: Option<CustomFieldEntity>,
    /// Required on create; cannot change.
    #[serde(default, deserialize_with = "non_null")]
    pub key: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    pub label: Option<String>,
    /// Required on create; cannot change.
    #[serde(default, deserialize_with = "non_null")]
    pub kind: Option<CustomFieldKind>,
    #[serde(default, deserialize_with = "non_null")]
    pub options: Option<Vec<String>>,
    #[serde(default, deserialize_with = "non_null")]
    pub required: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    pub version: Option<i64>,
}

/// Validated custom field definition changes.
#[derive(Debug, Clone, Default)]
pub struct CustomFieldChanges {
    pub entity: Option<CustomFieldEntity>,
    pub key: Option<String>,
    pub label: Option<String>,
    pub kind: Option<CustomFieldKind>,
    pub options: Option<Vec<String>>,
    pub required: Option<bool>,
}

fn valid_key(key: &str) -> bool {
    (1..=40).contains(&key.len())
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl CustomFieldInput {
    /// Checks the definition; `existing_kind` is the kind of the field being changed.
    pub fn validate(
        self,
        existing_kind: Option<CustomFieldKind>,
    ) -> Result<CustomFieldChanges, FieldErrors> {
        let mut e = FieldErrors::new();
        let creating = existing_kind.is_none();
        if creating {
            super::require(
                &mut e,
                &[
                    ("entity", self.entity.is_some()),
                    ("key", self.key.is_some()),
                    ("label", self.label.is_some()),
                    ("kind", self.kind.is_some()),
                ],
            );
        } else {
            for (field, present) in [
                ("entity", self.entity.is_some()),
                ("key", self.key.is_some()),
                ("kind", self.kind.is_some()),
            ] {
                if present {
                    e.add(field, "cannot be changed; create another field instead");
                }
            }
        }
        if let Some(key) = &self.key
            && !valid_key(key)
        {
            e.add(
                "key",
                "must be 1–40 lower-case letters, digits or _, starting with a letter",
            );
        }
        let kind = self.kind.or(existing_kind);
        let options = self.options.map(|options| {
            let options: Vec<String> = options.iter().map(|o| o.trim().to_owned()).collect();
            let mut seen = std::collections::HashSet::new();
            for (i, o) in options.iter().enumerate() {
                if o.is_empty() || o.chars().count() > 100 || super::has_control_chars(o) {
                    e.add(format!("options[{i}]"), "must be 1–100 characters of text");
                } else if !seen.insert(o.to_lowercase()) {
                    e.add(format!("options[{i}]"), format!("{o:?} appears twice"));
                }
            }
            options
        });
        match (kind, &options) {
            (Some(CustomFieldKind::SingleSelect), None) if creating => {
                e.add("options", "a single-select field needs its options");
            }
            (Some(CustomFieldKind::SingleSelect), Some(o)) if o.is_empty() => {
                e.add("options", "a single-select field needs at least one option");
            }
            (Some(k), Some(_)) if k != CustomFieldKind::SingleSelect => {
                e.add("options", "only single-select fields have options");
            }
            _ => {}
        }
        let changes = CustomFieldChanges {
            entity: self.entity,
            key: self.key,
            label: required_text(&mut e, "label", self.label, super::limits::NAME),
            kind: self.kind,
            options,
            required: self.required,
        };
        e.into_result(changes)
    }
}

/// Applies `input` (custom field values by key, `null` clearing one) to a record's current
/// `values`, validating each against its definition as a built-in field would be.
///
/// Errors name the field as `custom_fields.<key>`. `creating` makes required fields mandatory;
/// afterwards a required field cannot be cleared.
pub fn apply_custom_fields(
    definitions: &[CustomField],
    values: &mut Map<String, Value>,
    input: Option<Map<String, Value>>,
    creating: bool,
    errors: &mut FieldErrors,
) {
    let input = input.unwrap_or_default();
    for (key, value) in input {
        let field = format!("custom_fields.{key}");
        let Some(def) = definitions
            .iter()
            .find(|d| d.key == key && d.archived_at.is_none())
        else {
            errors.add(field, "is not a custom field of this record type");
            continue;
        };
        if value.is_null() {
            if def.required {
                errors.add(field, "is required");
            } else {
                values.remove(&key);
            }
            continue;
        }
        match check_value(def, &value) {
            Ok(value) => {
                values.insert(key, value);
            }
            Err(message) => errors.add(field, message),
        }
    }
    if creating {
        for def in definitions
            .iter()
            .filter(|d| d.required && d.archived_at.is_none())
        {
            if !values.contains_key(&def.key) {
                errors.add(format!("custom_fields.{}", def.key), "is required");
            }
        }
    }
}

/// Checks one non-null value against its field's kind, returning the value to store.
fn check_value(def: &CustomField, value: &Value) -> Result<Value, String> {
    match def.kind {
        CustomFieldKind::Text => match value.as_str() {
            Some(s) if super::has_control_chars(s) => {
                Err("must not contain control characters".into())
            }
            Some(s) if s.chars().count() <= 10_000 => Ok(Value::String(s.trim().to_owned())),
            Some(_) => Err("must be at most 10,000 characters".into()),
            None => Err("must be text".into()),
        },
        CustomFieldKind::Number => match value.as_f64() {
            Some(n) if n.is_finite() => Ok(value.clone()),
            _ => Err("must be a number".into()),
        },
        CustomFieldKind::Date => value
            .as_str()
            .and_then(|s| s.parse::<NaiveDate>().ok())
            .map(|d| Value::String(d.to_string()))
            .ok_or_else(|| "must be a date such as \"2026-07-01\"".into()),
        CustomFieldKind::SingleSelect => match value.as_str() {
            Some(s) => def
                .options
                .iter()
                .find(|o| o.eq_ignore_ascii_case(s.trim()))
                .map(|o| Value::String(o.clone()))
                .ok_or_else(|| format!("must be one of: {}", def.options.join(", "))),
            None => Err("must be text".into()),
        },
        CustomFieldKind::Money => {
            let money = || -> Option<Value> {
                let object = value.as_object()?;
                if object.len() != 2 {
                    return None;
                }
                let minor = object.get("amount_minor")?.as_i64()?;
                let currency: crate::Currency = object.get("currency")?.as_str()?.parse().ok()?;
                let money = crate::Money::non_negative(minor, currency).ok()?;
                Some(serde_json::json!({"amount_minor": money.minor, "currency": money.currency}))
            };
            money().ok_or_else(|| {
                "must be {\"amount_minor\": <non-negative integer>, \"currency\": <ISO code>}"
                    .into()
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn def(key: &str, kind: CustomFieldKind, required: bool) -> CustomField {
        let now = Utc::now();
        CustomField {
            id: CustomFieldId(1),
            entity: CustomFieldEntity::Deal,
            key: key.into(),
            label: key.into(),
            kind,
            options: vec!["Gold".into(), "Silver".into()],
            required,
            archived_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    fn apply(
        defs: &[CustomField],
        input: &Value,
        creating: bool,
    ) -> (Map<String, Value>, FieldErrors) {
        let mut values = Map::new();
        let mut errors = FieldErrors::new();
        let input = input.as_object().cloned();
        apply_custom_fields(defs, &mut values, input, creating, &mut errors);
        (values, errors)
    }

    #[test]
    fn custom_values_are_validated_like_built_in_fields() {
        let defs = [
            def("seats", CustomFieldKind::Number, false),
            def("renewal", CustomFieldKind::Date, false),
            def("level", CustomFieldKind::SingleSelect, false),
            def("budget", CustomFieldKind::Money, false),
        ];
        let (values, errors) = apply(
            &defs,
            &json!({"seats": 40, "renewal": "2027-01-31", "level": "gold",
                   "budget": {"amount_minor": 500_000, "currency": "eur"}}),
            true,
        );
        assert!(errors.is_empty(), "{errors}");
        assert_eq!(values["level"], "Gold");
        assert_eq!(
            values["budget"],
            json!({"amount_minor": 500_000, "currency": "EUR"})
        );

        let (_, errors) = apply(
            &defs,
            &json!({"seats": "many", "renewal": "31/01/2027", "level": "Bronze",
                   "budget": {"amount_minor": 1.5, "currency": "EUR"}, "color": "red"}),
            true,
        );
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "custom_fields.budget",
                "custom_fields.color",
                "custom_fields.level",
                "custom_fields.renewal",
                "custom_fields.seats"
            ]
        );
    }

    #[test]
    fn a_required_custom_field_must_be_given_on_create_and_cannot_be_cleared() {
        let defs = [def("segment", CustomFieldKind::Text, true)];
        let (_, errors) = apply(&defs, &json!({}), true);
        assert_eq!(
            errors.0[0].to_string(),
            "custom_fields.segment: is required"
        );
        let (_, errors) = apply(&defs, &json!({"segment": null}), false);
        assert_eq!(
            errors.0[0].to_string(),
            "custom_fields.segment: is required"
        );
    }
}
