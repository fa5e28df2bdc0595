use super::{non_null, required_text};
use crate::{FieldErrors, TeamId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A team: a manager and members. A manager of a team whose members manage other teams sees the
/// whole subtree.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    pub manager_id: Option<UserId>,
    /// Members, by id, in ascending order.
    pub member_ids: Vec<UserId>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A team as sent when creating or changing one.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    #[serde(default, deserialize_with = "non_null")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "super::nullable")]
    pub manager_id: Option<Option<UserId>>,
    /// The full member list; replaces the current one.
    #[serde(default, deserialize_with = "non_null")]
    pub member_ids: Option<Vec<UserId>>,
    #[serde(default, deserialize_with = "non_null")]
    pub version: Option<i64>,
}

/// Validated team fields.
#[derive(Debug, Clone, Default)]
pub struct TeamChanges {
    pub name: Option<String>,
    pub manager_id: Option<Option<UserId>>,
    pub member_ids: Option<Vec<UserId>>,
}

impl TeamInput {
    /// Checks every field; on create, `name` is required.
    pub fn validate(self, creating: bool) -> Result<TeamChanges, FieldErrors> {
        let mut e = FieldErrors::new();
        if creating {
            super::require(&mut e, &[("name", self.name.is_some())]);
        }
        let member_ids = self.member_ids.map(|mut ids| {
            ids.sort_unstable();
            ids.dedup();
            ids
        });
        let changes = TeamChanges {
            name: required_text(&mut e, "name", self.name, super::limits::NAME),
            manager_id: self.manager_id,
            member_ids,
        };
        e.into_result(changes)
    }
}
