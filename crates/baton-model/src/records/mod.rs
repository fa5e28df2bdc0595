//! The records of the CRM core: what the API returns (`Deal`), what it accepts (`DealInput`, raw
//! JSON with every field optional) and the validated form the store writes (`DealChanges`).
//!
//! One input type serves both create and update: on create, absent fields take their defaults
//! and required ones must be present; on update, absent fields stay as they are and `null`
//! clears a field that may be empty.

mod account;
mod activity;
mod audit;
mod calendar;
mod commission;
mod contact;
mod custom_field;
mod deal;
mod org;
mod pipeline;
mod quota;
mod team;
mod user;

pub use account::*;
pub use activity::*;
pub use audit::*;
pub use calendar::*;
pub use commission::*;
pub use contact::*;
pub use custom_field::*;
pub use deal::*;
pub use org::*;
pub use pipeline::*;
pub use quota::*;
pub use team::*;
pub use user::*;

use crate::FieldErrors;
use serde::{Deserialize, Deserializer};

/// A change to a field that may be cleared: absent (`None`), cleared (`Some(None)`) or set.
pub type Nullable<T> = Option<Option<T>>;

/// Deserializes a present field into `Some(value or null)`, so that "absent" (the `None` left
/// by `#[serde(default)]`) and "null" stay distinct.
pub fn nullable<'de, D, T>(d: D) -> Result<Nullable<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Deserializes a field that may be absent but never null.
pub fn non_null<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d)?
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom("must not be null"))
}

/// Limits on free text, in characters.
pub mod limits {
    /// Names and titles.
    pub const NAME: usize = 200;
    /// One-line text such as a next step or a lost reason.
    pub const LINE: usize = 1_000;
    /// Long text: notes, email bodies.
    pub const BODY: usize = 100_000;
}

/// Whether `text` holds control characters other than tab and line breaks (a NUL byte, say),
/// which no field has a use for and PostgreSQL cannot store.
pub fn has_control_chars(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Trims `value` and checks it is non-empty and at most `max` characters.
pub(crate) fn required_text(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<String>,
    max: usize,
) -> Option<String> {
    let value = value?.trim().to_owned();
    if value.is_empty() {
        errors.add(field, "must not be empty");
        None
    } else if has_control_chars(&value) {
        errors.add(field, "must not contain control characters");
        None
    } else if value.chars().count() > max {
        errors.add(field, format!("must be at most {max} characters"));
        None
    } else {
        Some(value)
    }
}

/// Like [`required_text`] for a field that may be cleared; an empty string clears it too.
pub(crate) fn optional_text(
    errors: &mut FieldErrors,
    field: &str,
    value: Nullable<String>,
    max: usize,
) -> Nullable<String> {
    match value? {
        None => Some(None),
        Some(text) => {
            let text = text.trim().to_owned();
            if text.is_empty() {
                Some(None)
            } else if has_control_chars(&text) {
                errors.add(field, "must not contain control characters");
                None
            } else if text.chars().count() > max {
                errors.add(field, format!("must be at most {max} characters"));
                None
            } else {
                Some(Some(text))
            }
        }
    }
}

/// Parses a nullable field with `parse`, recording a failure under `field`.
pub(crate) fn optional_parsed<T, E: std::fmt::Display>(
    errors: &mut FieldErrors,
    field: &str,
    value: Nullable<String>,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Nullable<T> {
    match value? {
        None => Some(None),
        Some(text) if text.trim().is_empty() => Some(None),
        Some(text) => errors.check(field, parse(&text)).map(Some),
    }
}

/// Parses a non-null field with `parse`, recording a failure under `field`.
pub(crate) fn parsed<T, E: std::fmt::Display>(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<String>,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Option<T> {
    errors.check(field, parse(&value?))
}

/// Checks a nullable amount in minor units is within bounds.
pub(crate) fn optional_amount(
    errors: &mut FieldErrors,
    field: &str,
    value: Nullable<i64>,
) -> Nullable<i64> {
    match value? {
        Some(minor) if minor < 0 => {
            errors.add(field, "must not be negative");
            None
        }
        Some(minor) if minor > crate::money::MAX_MINOR => {
            errors.add(field, "is too large (at most 10^15 minor units)");
            None
        }
        other => Some(other),
    }
}

/// Records an error for each required field that is absent.
pub(crate) fn require(errors: &mut FieldErrors, fields: &[(&str, bool)]) {
    for (field, present) in fields {
        if !present {
            errors.add(*field, "is required");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_but_line_breaks_and_tabs_are_text() {
        let mut e = FieldErrors::new();
        assert_eq!(
            required_text(&mut e, "name", Some("  Acme \t Corp ".into()), 50),
            Some("Acme \t Corp".into())
        );
        assert_eq!(
            optional_text(
                &mut e,
                "body",
                Some(Some("line one\r\nline two".into())),
                50
            ),
            Some(Some("line one\r\nline two".into()))
        );
        assert!(e.is_empty());
        assert_eq!(
            required_text(&mut e, "name", Some("nul\0byte".into()), 50),
            None
        );
        assert_eq!(
            optional_text(&mut e, "body", Some(Some("bell\u{7}".into())), 50),
            None
        );
        assert_eq!(
            e.to_string(),
            "name: must not contain control characters; body: must not contain control characters"
        );
    }

    #[test]
    fn empty_optional_text_clears_the_field_and_too_long_text_is_named() {
        let mut e = FieldErrors::new();
        assert_eq!(
            optional_text(&mut e, "next_step", Some(Some("   ".into())), 5),
            Some(None)
        );
        assert_eq!(
            optional_text(&mut e, "next_step", Some(Some("toolong".into())), 5),
            None
        );
        assert_eq!(e.to_string(), "next_step: must be at most 5 characters");
    }
}
