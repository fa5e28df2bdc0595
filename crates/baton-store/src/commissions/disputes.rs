//! Disputes: a person questions a line of their statement, finance answers and may resolve
//! it, and both see the whole conversation. Messages are never edited.

use super::{PayScope, period_named};
use crate::audit::write_audit;
use crate::db::{Conn, built_query, id_list, query};
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::Role;
use baton_model::records::{Dispute, DisputeInput, DisputeMessage, DisputeReply, DisputeStatus};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// A message must say something, and not a book.
fn message_text(message: &str) -> Result<String> {
    let message = message.trim();
    if message.is_empty() || message.chars().count() > 4_000 {
        return Err(StoreError::field(
            "message",
            "must be 1 to 4,000 characters",
        ));
    }
    Ok(message.to_owned())
}

async fn add_message(
    conn: &mut Conn<'_>,
    dispute: i64,
    author: &Actor,
    body: String,
    at: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        query(
            "INSERT INTO comp_dispute_messages (dispute_id, author_id, body, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(dispute)
        .bind(author.user_id)
        .bind(body)
        .bind(at),
    )
    .await?;
    Ok(())
}

async fn load_disputes(conn: &mut Conn<'_>, ids: &[i64]) -> Result<Vec<Dispute>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = id_list(ids.iter().copied());
    let mut messages: HashMap<i64, Vec<DisputeMessage>> = HashMap::new();
    for r in conn
        .fetch_all(built_query(format!(
            "SELECT m.dispute_id, m.author_id, u.name, m.body, m.created_at \
             FROM comp_dispute_messages m JOIN users u ON u.id = m.author_id \
             WHERE m.dispute_id IN {list} ORDER BY m.id"
        )))
        .await?
    {
        messages
            .entry(r.get("dispute_id")?)
            .or_default()
            .push(DisputeMessage {
                author_id: r.get("author_id")?,
                author_name: r.get("name")?,
                body: r.get("body")?,
                created_at: r.get("created_at")?,
            });
    }
    conn.fetch_all(built_query(format!(
        "SELECT d.id, d.user_id, u.name, d.period, d.line_key, d.status, d.created_at, \
         d.updated_at FROM comp_disputes d JOIN users u ON u.id = d.user_id \
         WHERE d.id IN {list} ORDER BY d.id"
    )))
    .await?
    .iter()
    .map(|r| {
        let id: i64 = r.get("id")?;
        let status: String = r.get("status")?;
        Ok(Dispute {
            id,
            user_id: r.get("user_id")?,
            user_name: r.get("name")?,
            period: r.get("period")?,
            line_key: r.get("line_key")?,
            status: match status.as_str() {
                "answered" => DisputeStatus::Answered,
                "resolved" => DisputeStatus::Resolved,
                _ => DisputeStatus::Open,
            },
            messages: messages.remove(&id).unwrap_or_default(),
            created_at: r.get("created_at")?,
            updated_at: r.get("updated_at")?,
        })
    })
    .collect()
}

impl Store {
    /// Questions a line of a statement: one's own, or (for finance and admins) anyone's.
    pub async fn open_dispute(&self, actor: &Actor, input: DisputeInput) -> Result<Dispute> {
        let user = input.user_id.unwrap_or(actor.user_id);
        let message = message_text(&input.message)?;
        let mut tx = self.begin().await?;
        PayScope::of(&mut tx.conn(), actor).await?.ensure(user)?;
        if user != actor.user_id && !matches!(actor.role, Role::Admin | Role::Finance) {
            return Err(StoreError::Forbidden(
                "only the person paid, finance and admins question a statement".into(),
            ));
        }
        let period = period_named(&mut tx.conn(), &input.period)
            .await?
            .to_string();
        baton_comp::statement::LineKey::parse(&input.line_key)
            .map_err(|e| StoreError::field("line_key", e.to_string()))?;
        let at = now();
        let id: i64 = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO comp_disputes (user_id, period, line_key, status, created_by, \
                     created_at, updated_at) VALUES ($1, $2, $3, 'open', $4, $5, $5) RETURNING id",
                )
                .bind(user)
                .bind(period.as_str())
                .bind(input.line_key.as_str())
                .bind(actor.user_id)
                .bind(at),
            )
            .await?
            .get("id")?;
        add_message(&mut tx.conn(), id, actor, message, at).await?;
        let dispute = load_disputes(&mut tx.conn(), &[id])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "comp_dispute",
            id,
            None,
            Some(&dispute),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(dispute)
    }

    /// Adds to a dispute: finance's answer (which may resolve it) or the person's reply (which
    /// opens it again).
    pub async fn reply_to_dispute(
        &self,
        actor: &Actor,
        id: i64,
        reply: DisputeReply,
    ) -> Result<Dispute> {
        let message = message_text(&reply.message)?;
        let mut tx = self.begin().await?;
        let before = load_disputes(&mut tx.conn(), &[id])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)?;
        PayScope::of(&mut tx.conn(), actor)
            .await?
            .ensure(before.user_id)?;
        let finance = matches!(actor.role, Role::Admin | Role::Finance);
        if !finance && actor.user_id != before.user_id {
            return Err(StoreError::Forbidden(
                "only the person paid, finance and admins take part in a dispute".into(),
            ));
        }
        if reply.resolve && !finance {
            return Err(StoreError::Forbidden(
                "only finance and admins resolve disputes".into(),
            ));
        }
        let status = match (finance, reply.resolve) {
            (true, true) => DisputeStatus::Resolved,
            (true, false) => DisputeStatus::Answered,
            (false, _) => DisputeStatus::Open,
        };
        let at = now();
        add_message(&mut tx.conn(), id, actor, message, at).await?;
        tx.conn()
            .execute(
                query("UPDATE comp_disputes SET status = $1, updated_at = $2 WHERE id = $3")
                    .bind(status.as_str())
                    .bind(at)
                    .bind(id),
            )
            .await?;
        let after = load_disputes(&mut tx.conn(), &[id])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "update",
            "comp_dispute",
            id,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The disputes of a period the actor may see: their own, their people's for a manager,
    /// everyone's for finance and admins.
    pub async fn disputes(&self, actor: &Actor, period: &str) -> Result<Vec<Dispute>> {
        let mut conn = self.reader();
        let period = period_named(&mut conn, period).await?.to_string();
        let scope = PayScope::of(&mut conn, actor).await?;
        let mut ids = Vec::new();
        for r in conn
            .fetch_all(
                query("SELECT id, user_id FROM comp_disputes WHERE period = $1 ORDER BY id")
                    .bind(period.as_str()),
            )
            .await?
        {
            if scope.sees(r.get("user_id")?) {
                ids.push(r.get("id")?);
            }
        }
        load_disputes(&mut conn, &ids).await
    }
}
