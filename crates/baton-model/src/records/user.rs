use super::{non_null, parsed, required_text};
use crate::{Email, FieldErrors, Role, TimeZone, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A person who signs in to Baton.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: String,
    pub role: Role,
    /// The user's own time zone, for their calendar and working hours.
    pub time_zone: TimeZone,
    /// Inactive users cannot sign in; their records stay.
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user as sent when creating or changing one.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    #[serde(default, deserialize_with = "non_null")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    pub role: Option<Role>,
    #[serde(default, deserialize_with = "non_null")]
    pub time_zone: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    pub active: Option<bool>,
    /// A new password (at least 12 characters). Write-only.
    #[serde(default, deserialize_with = "non_null")]
    pub password: Option<String>,
    /// The version being changed, when no `If-Match` header is sent.
    #[serde(default, deserialize_with = "non_null")]
    pub version: Option<i64>,
}

/// Validated user fields.
#[derive(Clone, Default)]
pub struct UserChanges {
    pub email: Option<Email>,
    pub name: Option<String>,
    pub role: Option<Role>,
    pub time_zone: Option<TimeZone>,
    pub active: Option<bool>,
    pub password: Option<String>,
}

// Never print a password, even in debug logs.
impl std::fmt::Debug for UserChanges {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserChanges")
            .field("email", &self.email)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("time_zone", &self.time_zone)
            .field("active", &self.active)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Shortest password accepted (NIST SP 800-63B recommends at least 8; we ask for more).
pub const MIN_PASSWORD_CHARS: usize = 12;

impl UserInput {
    /// Checks every field; on create, `email`, `name` and `role` are required.
    pub fn validate(self, creating: bool) -> Result<UserChanges, FieldErrors> {
        let mut e = FieldErrors::new();
        if creating {
            super::require(
                &mut e,
                &[
                    ("email", self.email.is_some()),
                    ("name", self.name.is_some()),
                    ("role", self.role.is_some()),
                ],
            );
        }
        let password = match self.password {
            Some(p) if p.chars().count() < MIN_PASSWORD_CHARS => {
                e.add(
                    "password",
                    format!("must be at least {MIN_PASSWORD_CHARS} characters"),
                );
                None
            }
            Some(p) if p.len() > 1024 => {
                e.add("password", "must be at most 1024 bytes");
                None
            }
            other => other,
        };
        let changes = UserChanges {
            email: parsed(&mut e, "email", self.email, str::parse),
            name: required_text(&mut e, "name", self.name, super::limits::NAME),
            role: self.role,
            time_zone: parsed(&mut e, "time_zone", self.time_zone, str::parse),
            active: self.active,
            password,
        };
        e.into_result(changes)
    }
}
