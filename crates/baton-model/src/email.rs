//! Email addresses, checked for the shape real mail systems accept.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A syntactically valid email address; the domain is lower-cased, the local part kept as given.
///
/// The check is deliberately practical rather than the full RFC 5322 grammar: one `@`, a local
/// part of allowed characters, a domain of dot-separated labels with a top-level label, no spaces,
/// at most 254 characters (RFC 5321 §4.5.3.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

/// Why a string is not an email address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a valid email address")]
pub struct InvalidEmail(pub String);

impl Email {
    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

fn valid_local(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+-/=?^_`{|}~.";
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || SPECIALS.contains(c))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()))
}

impl FromStr for Email {
    type Err = InvalidEmail;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        let invalid = || InvalidEmail(s.to_owned());
        if trimmed.len() > 254 {
            return Err(invalid());
        }
        let (local, domain) = trimmed.rsplit_once('@').ok_or_else(invalid)?;
        let domain = domain.to_lowercase();
        if valid_local(local) && valid_domain(&domain) {
            Ok(Email(format!("{local}@{domain}")))
        } else {
            Err(invalid())
        }
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Email {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Email {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Email,
            )))
            .into()
    }
}

impl utoipa::ToSchema for Email {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_are_accepted_and_the_domain_lower_cased() {
        let e: Email = " Ana.Lopez+crm@Example.COM ".parse().unwrap();
        assert_eq!(e.as_str(), "Ana.Lopez+crm@example.com");
        assert_eq!(e.domain(), "example.com");
        assert!("o'brien@mail.co.uk".parse::<Email>().is_ok());
        assert!("jörg@müller.de".parse::<Email>().is_ok());
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        for bad in [
            "",
            "plain",
            "@example.com",
            "ana@",
            "ana@example",
            "ana@@example.com",
            "ana lopez@example.com",
            "ana@exa mple.com",
            ".ana@example.com",
            "ana.@example.com",
            "an..a@example.com",
            "ana@-example.com",
            "ana@example.c",
            "ana@1.2.3.4",
            "ana@example..com",
            "<ana@example.com>",
        ] {
            assert!(bad.parse::<Email>().is_err(), "{bad:?} should be rejected");
        }
        let long = format!("{}@example.com", "a".repeat(65));
        assert!(long.parse::<Email>().is_err());
    }
}
