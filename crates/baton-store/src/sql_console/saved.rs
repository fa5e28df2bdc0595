//! Saved console queries: a person's named SQL, kept for themselves or shared with everyone.
//! A saved query is only text; whoever runs it sees what their own visibility allows.
//! Every change is audit-logged like any business write (entity `saved_query`).

use super::SavedChart;
use super::check;
use crate::audit::write_audit;
use crate::db::{Conn, Row, built_query, query};
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
    /// The owner's name, for lists of shared queries.
    pub owner_name: String,
    pub name: String,
    /// The query, as written.
    pub sql: String,
    /// Whether everyone may read and run it.
    pub shared: bool,
    /// The chart drawn from its result, if one was kept.
    pub chart: Option<SavedChart>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What to set on a saved query; `None` keeps the current value (`name` and `sql` are required
/// when creating; `shared` defaults to private and `chart` to none).
#[derive(Debug, Clone, Default)]
pub struct SavedQueryChanges {
    pub name: Option<String>,
    pub sql: Option<String>,
    pub shared: Option<bool>,
    /// `Some(None)` removes the chart.
    pub chart: Option<Option<SavedChart>>,
}

pub(super) fn from_row(r: &Row) -> Result<SavedQuery> {
    Ok(SavedQuery {
        id: r.get("id")?,
        owner_id: r.get("owner_id")?,
        owner_name: r.get("owner_name")?,
        name: r.get("name")?,
        sql: r.get("sql")?,
        shared: r.get("shared")?,
        chart: r
            .get::<Option<sqlx::types::Json<serde_json::Value>>>("chart")?
            .map(|v| serde_json::from_value(v.0))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("saved_queries.chart: {e}")))?,
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

/// A saved query's columns and the tables they come from (`q`, and `u` for the owner's name);
/// every reader of saved queries selects these and reads them with [`from_row`].
pub(super) const COLUMNS: &str = "q.id, q.owner_id, u.name AS owner_name, q.name, q.sql, \
     q.shared, q.chart, q.version, q.created_at, q.updated_at \
     FROM saved_queries q JOIN users u ON u.id = q.owner_id";

/// The saved query `id` if the actor may read it (their own or shared), else not found.
pub(super) async fn load_readable(
    conn: &mut Conn<'_>,
    actor: &Actor,
    id: i64,
) -> Result<SavedQuery> {
    conn.fetch_optional(
        built_query(format!(
            "SELECT {COLUMNS} WHERE q.id = $1 AND (q.owner_id = $2 OR q.shared = TRUE)"
        ))
        .bind(id)
        .bind(actor.user_id),
    )
    .await?
    .map(|r| from_row(&r))
    .transpose()?
    .ok_or(StoreError::NotFound)
}

/// A chart as the JSON its column holds.
fn chart_json(chart: Option<&SavedChart>) -> Option<serde_json::Value> {
    chart.map(|c| serde_json::to_value(c).unwrap_or_default())
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
                built_query(format!(
                    "SELECT {COLUMNS} WHERE q.owner_id = $1 OR q.shared = TRUE \
                     ORDER BY lower(q.name), q.id"
                ))
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
                     (owner_id, name, sql, shared, chart, version, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id",
                )
                .bind(actor.user_id)
                .bind(name.trim())
                .bind(sql.as_str())
                .bind(shared)
                .bind(chart_json(changes.chart.flatten().as_ref()))
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
        let chart = changes.chart.unwrap_or_else(|| before.chart.clone());
        let at = now();
        tx.conn()
            .execute(
                query(
                    "UPDATE saved_queries SET name = $1, sql = $2, shared = $3, chart = $4, \
                     version = version + 1, updated_at = $5 WHERE id = $6",
                )
                .bind(name.trim())
                .bind(sql.as_str())
                .bind(changes.shared.unwrap_or(before.shared))
                .bind(chart_json(chart.as_ref()))
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
