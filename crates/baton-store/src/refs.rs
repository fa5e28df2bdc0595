//! Checks on references between records, run inside a write transaction.

use crate::Result;
use crate::db::{Conn, built_query, query};
use crate::visibility::{Entity, Scope};
use baton_model::{FieldErrors, Role, UserId};

/// Records an error unless `user` is an active user the actor may assign records to: anyone for
/// admins and coordinators, someone in their scope for managers, themselves for reps.
pub(crate) async fn check_assignable(
    conn: &mut Conn<'_>,
    scope: &Scope,
    field: &str,
    user: UserId,
    errors: &mut FieldErrors,
) -> Result<()> {
    let active = conn
        .fetch_optional(query("SELECT active FROM users WHERE id = $1").bind(user))
        .await?
        .map(|r| r.get::<bool>("active"))
        .transpose()?;
    match active {
        None => errors.add(field, format!("there is no user {user}")),
        Some(false) => errors.add(field, format!("user {user} is inactive")),
        Some(true) => {
            let allowed = match scope.actor.role {
                Role::Admin | Role::Coordinator => true,
                Role::Finance => false,
                Role::Manager | Role::Rep => scope.contains(user),
            };
            if !allowed {
                errors.add(field, format!("you cannot assign records to user {user}"));
            }
        }
    }
    Ok(())
}

/// Records an error unless the live record `id` of `entity` exists and the actor may see it.
/// A record the actor may not see gets the same message as one that does not exist.
pub(crate) async fn check_visible(
    conn: &mut Conn<'_>,
    scope: &Scope,
    entity: Entity,
    field: &str,
    id: i64,
    errors: &mut FieldErrors,
) -> Result<()> {
    let (table, noun) = match entity {
        Entity::Account => ("accounts", "account"),
        Entity::Contact => ("contacts", "contact"),
        Entity::Deal => ("deals", "deal"),
        Entity::Activity => ("activities", "activity"),
        Entity::Quota => {
            return Err(crate::StoreError::Corrupt(
                "quotas are not referenced by id".into(),
            ));
        }
    };
    let found = conn
        .fetch_optional(
            built_query(format!(
                "SELECT 1 AS ok FROM {table} x WHERE x.id = $1 AND x.archived_at IS NULL AND {}",
                scope.visible(entity, "x")
            ))
            .bind(id),
        )
        .await?
        .is_some();
    if !found {
        errors.add(field, format!("there is no {noun} {id}"));
    }
    Ok(())
}

/// Whether `user` exists (active or not).
pub(crate) async fn user_exists(conn: &mut Conn<'_>, user: UserId) -> Result<bool> {
    Ok(conn
        .fetch_optional(query("SELECT 1 AS ok FROM users WHERE id = $1").bind(user))
        .await?
        .is_some())
}
