use super::{non_null, nullable, optional_parsed, optional_text};
use crate::{AccountId, ContactId, Email, FieldErrors, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A person, usually at an account.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Contact {
    pub id: ContactId,
    pub account_id: Option<AccountId>,
    pub owner_id: UserId,
    pub first_name: Option<String>,
    pub last_name: String,
    pub email: Option<Email>,
    pub phone: Option<String>,
    pub title: Option<String>,
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
    pub archived_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Contact {
    /// "Ana Silva", or the last name alone.
    pub fn full_name(&self) -> String {
        match &self.first_name {
            Some(first) if !first.trim().is_empty() => format!("{first} {}", self.last_name),
            _ => self.last_name.clone(),
        }
    }
}

/// A contact as sent when creating or changing one.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    #[serde(default, deserialize_with = "nullable")]
    pub account_id: Option<Option<AccountId>>,
    /// Defaults to the creating user.
    #[serde(default, deserialize_with = "non_null")]
    pub owner_id: Option<UserId>,
    #[serde(default, deserialize_with = "nullable")]
    pub first_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "non_null")]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "non_null")]
    pub version: Option<i64>,
}

/// Validated contact fields.
#[derive(Debug, Clone, Default)]
pub struct ContactChanges {
    pub account_id: Option<Option<AccountId>>,
    pub owner_id: Option<UserId>,
    pub first_name: Option<Option<String>>,
    pub last_name: Option<String>,
    pub email: Option<Option<Email>>,
    pub phone: Option<Option<String>>,
    pub title: Option<Option<String>>,
    pub custom_fields: Option<Map<String, Value>>,
}

/// Accepts digits, spaces and the usual phone punctuation, with 5 to 20 digits.
fn parse_phone(text: &str) -> Result<String, String> {
    let text = text.trim();
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let allowed = text
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().x/".contains(c));
    if allowed && (5..=20).contains(&digits) && text.len() <= 40 {
        Ok(text.to_owned())
    } else {
        Err(format!("{text:?} is not a phone number"))
    }
}

impl ContactInput {
    /// Checks every field; on create, `last_name` is required.
    pub fn validate(self, creating: bool) -> Result<ContactChanges, FieldErrors> {
        let mut e = FieldErrors::new();
        if creating {
            super::require(&mut e, &[("last_name", self.last_name.is_some())]);
        }
        let changes = ContactChanges {
            account_id: self.account_id,
            owner_id: self.owner_id,
            first_name: optional_text(&mut e, "first_name", self.first_name, super::limits::NAME),
            last_name: super::required_text(
                &mut e,
                "last_name",
                self.last_name,
                super::limits::NAME,
            ),
            email: optional_parsed(&mut e, "email", self.email, str::parse),
            phone: optional_parsed(&mut e, "phone", self.phone, parse_phone),
            title: optional_text(&mut e, "title", self.title, super::limits::NAME),
            custom_fields: self.custom_fields,
        };
        e.into_result(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_email_and_phone_are_both_named() {
        let input = ContactInput {
            last_name: Some("Lopez".into()),
            email: Some(Some("ana at example".into())),
            phone: Some(Some("call me".into())),
            ..ContactInput::default()
        };
        let errors = input.validate(true).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "phone"]);
    }

    #[test]
    fn phones_in_common_formats_are_accepted() {
        for ok in ["+1 (415) 555-0100", "0034 91 123 45 67", "555-0100 x23"] {
            assert!(parse_phone(ok).is_ok(), "{ok}");
        }
    }
}
