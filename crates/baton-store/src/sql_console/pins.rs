//! Dashboard pins: the saved queries a person keeps on their dashboard, in the order pinned.
//! Only a query the person may read can be pinned, and a pin shows only while it stays
//! readable (their own, or still shared). Pins and unpins are audit-logged.

use super::saved::{COLUMNS, SavedQuery, from_row, load_readable};
use crate::audit::write_audit;
use crate::db::{Conn, built_query, query};
use crate::{Actor, Result, Store, StoreError, now};
use serde::Serialize;

/// A saved query on someone's dashboard.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Pin {
    pub id: i64,
    pub position: i64,
    pub saved_query: SavedQuery,
}

/// The actor's pins that are still readable, in order (`saved_query_id` narrows to one).
async fn load(conn: &mut Conn<'_>, actor: &Actor, saved_query_id: Option<i64>) -> Result<Vec<Pin>> {
    conn.fetch_all(
        built_query(format!(
            "SELECT p.id AS pin_id, p.position, {COLUMNS} \
             JOIN dashboard_pins p ON p.saved_query_id = q.id \
             WHERE p.user_id = $1 AND (q.owner_id = $1 OR q.shared = TRUE) \
             AND ($2 IS NULL OR q.id = $2) ORDER BY p.position, p.id"
        ))
        .bind(actor.user_id)
        .bind(saved_query_id),
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Pin {
            id: r.get("pin_id")?,
            position: r.get("position")?,
            saved_query: from_row(r)?,
        })
    })
    .collect()
}

impl Store {
    /// The actor's pins, in order.
    pub async fn dashboard_pins(&self, actor: &Actor) -> Result<Vec<Pin>> {
        load(&mut self.reader(), actor, None).await
    }

    /// Pins saved query `saved_query_id` (one the actor may read) last on their dashboard; a
    /// query pinned already keeps its place.
    pub async fn pin_saved_query(&self, actor: &Actor, saved_query_id: i64) -> Result<Pin> {
        let at = now();
        let mut tx = self.begin().await?;
        load_readable(&mut tx.conn(), actor, saved_query_id).await?;
        let inserted = tx
            .conn()
            .execute(
                query(
                    "INSERT INTO dashboard_pins (user_id, saved_query_id, position, created_at) \
                     SELECT $1, $2, COALESCE(MAX(position), 0) + 1, $3 FROM dashboard_pins \
                     WHERE user_id = $1 ON CONFLICT (user_id, saved_query_id) DO NOTHING",
                )
                .bind(actor.user_id)
                .bind(saved_query_id)
                .bind(at),
            )
            .await?;
        let pin = load(&mut tx.conn(), actor, Some(saved_query_id))
            .await?
            .pop()
            .ok_or(StoreError::NotFound)?;
        if inserted > 0 {
            write_audit(
                &mut tx.conn(),
                Some(actor.user_id),
                "create",
                "dashboard_pin",
                pin.id,
                None,
                Some(&pin),
                at,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(pin)
    }

    /// Takes pin `id` off the actor's dashboard (the saved query stays).
    pub async fn unpin(&self, actor: &Actor, id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        let before = tx
            .conn()
            .fetch_optional(
                query(
                    "SELECT id, saved_query_id FROM dashboard_pins WHERE id = $1 AND user_id = $2",
                )
                .bind(id)
                .bind(actor.user_id),
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let saved_query_id: i64 = before.get("saved_query_id")?;
        tx.conn()
            .execute(query("DELETE FROM dashboard_pins WHERE id = $1").bind(id))
            .await?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "delete",
            "dashboard_pin",
            id,
            Some(&serde_json::json!({"saved_query_id": saved_query_id})),
            None,
            now(),
        )
        .await?;
        tx.commit().await
    }
}
