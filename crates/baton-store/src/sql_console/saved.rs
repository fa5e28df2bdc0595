//! Saved console queries: a person's named SQL, kept for themselves or shared with everyone.
//! A saved query is only text; whoever runs it sees what their own visibility allows.
//! Every change is audit-logged like any business write (entity `saved_query`).

use super::check;
use crate::audit::write_audit;
use crate::db::{Conn, Row, query};
use crate::error::check_version;
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::{FieldErrors, UserId};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The longest name of a saved query, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// A saved query.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SavedQuery {
    pub id: i64,
    /// Who saved it; only they (or an admin) may change or delete it.
    pub owner_id: UserId,
    pub name: String,
    /// The query, as written.
    pub sql: String,
    /// Whether everyone may read and run it.
    pub shared: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What to set on a saved query; `None` keeps the current value (all three are required when
/// creating, except `shared`, which defaults to private).
#[derive(Debug, Clone, Default)]
pub struct SavedQueryChanges {
    pub name: Option<String>,
    pub sql: Option<String>,
    pub shared: Option<bool>,
}

fn from_row(r: &Row) -> Result<SavedQuery> {
    Ok(SavedQuery {
        id: r.get("id")?,
        owner_id: r.get("owner_id")?,
        name: r.get("name")?,
        sql: r.get("sql")?,
        shared: r.get("shared")?,
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

/// The saved query `id` if the actor may read it (their own or shared), else not found.
pub(super) async fn load_readable(
    conn: &mut Conn<'_>,
    actor: &Actor,
    id: i64,
) -> Result<SavedQuery> {
    conn.fetch_optional(
        query(
            "SELECT id, owner_id, name, sql, shared, version, created_at, updated_at \
             FROM saved_queries WHERE id = $1 AND (owner_id = $2 OR shared = TRUE)",
        )
        .bind(id)
        .bind(actor.user_id),
    )
    .await?
    .map(|r| from_row(&r))
    .transpose()?
    .ok_or(StoreError::NotFound)
}

/// Refuses a change by anyone but the owner or an admin.
fn ensure_owner(actor: &Actor, saved: &SavedQuery) -> Result<()> {
    if saved.owner_id == actor.user_id || actor.role.is_admin() {
        Ok(())
    } else {
        Err(StoreError::Forbidden(
            "only the person who saved this query (or an admin) can change it".into(),
        ))
    }
}

impl Store {
    /// The saved queries the actor may read: their own and the shared ones, by name.
    pub async fn saved_queries(&self, actor: &Actor) -> Result<Vec<SavedQuery>> {
        self.reader()
            .fetch_all(
                query(
                    "SELECT id, owner_id, name, sql, shared, version, created_at, updated_at \
                     FROM saved_queries WHERE owner_id = $1 OR shared = TRUE \
                     ORDER BY lower(name), id",
                )
                .bind(actor.user_id),
            )
            .await?
            .iter()
            .map(from_row)
            .collect()
    }

    /// One saved query the actor may read.
    pub async fn get_saved_query(&self, actor: &Actor, id: i64) -> Result<SavedQuery> {
        load_readable(&mut self.reader(), actor, id).await
    }

    /// Saves a query for the actor. The SQL must pass the console's checks, so that a saved
    /// query is one that can run.
    pub async fn create_saved_query(
        &self,
        actor: &Actor,
        changes: SavedQueryChanges,
    ) -> Result<SavedQuery> {
        let (Some(name), Some(sql)) = (changes.name.clone(), changes.sql.clone()) else {
            let mut errors = FieldErrors::new();
            if changes.name.is_none() {
                errors.add("name", "name is required");
            }
            if changes.sql.is_none() {
                errors.add("sql", "sql is required");
            }
            return Err(StoreError::Invalid(errors));
        };
        self.validate_saved(&name, &sql)?;
        let shared = changes.shared.unwrap_or(false);
        let at = now();
        let mut tx = self.begin().await?;
        let id: i64 = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO saved_queries \
                     (owner_id, name, sql, shared, version, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id",
                )
                .bind(actor.user_id)
                .bind(name.trim())
                .bind(sql.as_str())
                .bind(shared)
                .bind(at),
            )
            .await?
            .get("id")?;
        let saved = load_readable(&mut tx.conn(), actor, id).await?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "saved_query",
            id,
            None,
            Some(&saved),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Changes the actor's saved query `id`, at `version` when given.
    pub async fn update_saved_query(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
        changes: SavedQueryChanges,
    ) -> Result<SavedQuery> {
        let mut tx = self.begin().await?;
        let before = load_readable(&mut tx.conn(), actor, id).await?;
        ensure_owner(actor, &before)?;
        check_version(version, before.version)?;
        let name = changes.name.unwrap_or_else(|| before.name.clone());
        let sql = changes.sql.unwrap_or_else(|| before.sql.clone());
        self.validate_saved(&name, &sql)?;
        let at = now();
        tx.conn()
            .execute(
                query(
                    "UPDATE saved_queries SET name = $1, sql = $2, shared = $3, \
                     version = version + 1, updated_at = $4 WHERE id = $5",
                )
                .bind(name.trim())
                .bind(sql.as_str())
                .bind(changes.shared.unwrap_or(before.shared))
                .bind(at)
                .bind(id),
            )
            .await?;
        let after = load_readable(&mut tx.conn(), actor, id).await?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "update",
            "saved_query",
            id,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes the actor's saved query `id`, at `version` when given.
    pub async fn delete_saved_query(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let before = load_readable(&mut tx.conn(), actor, id).await?;
        ensure_owner(actor, &before)?;
        check_version(version, before.version)?;
        tx.conn()
            .execute(query("DELETE FROM saved_queries WHERE id = $1").bind(id))
            .await?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "delete",
            "saved_query",
            id,
            Some(&before),
            None,
            now(),
        )
        .await?;
        tx.commit().await
    }

    /// Refuses an empty or over-long name, and SQL the console would refuse to run.
    fn validate_saved(&self, name: &str, sql: &str) -> Result<()> {
        let mut errors = FieldErrors::new();
        let name = name.trim();
        if name.is_empty() {
            errors.add("name", "name must not be empty");
        } else if name.chars().count() > MAX_NAME_CHARS {
            errors.add(
                "name",
                format!("name is longer than {MAX_NAME_CHARS} characters"),
            );
        }
        if let Err(refusal) = check::check(sql, self.dialect(), &|_| "FALSE".into(), 1) {
            errors.add("sql", refusal);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Invalid(errors))
        }
    }
}
