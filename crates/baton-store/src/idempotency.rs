//! `Idempotency-Key` support: a retried POST replays the first response instead of creating twice.
//!
//! The first request with a key claims it (a row with no response yet); the response is stored
//! when it is ready. A retry with the same key and the same request gets the stored response; one
//! that arrives while the first is still running gets told so; the same key with a different
//! request is refused. Keys are per user and kept for 24 hours.

use crate::db::query;
use crate::{Result, Store, now};
use baton_model::UserId;

/// What to do with a request carrying an idempotency key.
#[derive(Debug, PartialEq, Eq)]
pub enum IdempotencyBegin {
    /// First time: run the request, then [`Store::idempotency_finish`] it.
    Proceed,
    /// Seen and finished: send this stored response.
    Replay {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Seen and still running.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

impl Store {
    /// Claims `key` for this request, or reports what became of an earlier use of it.
    pub async fn idempotency_begin(
        &self,
        user: UserId,
        key: &str,
        request_hash: &str,
    ) -> Result<IdempotencyBegin> {
        let mut tx = self.begin().await?;
        let at = now();
        let expired = at - chrono::Duration::hours(24);
        tx.conn()
            .execute(query("DELETE FROM idempotency_keys WHERE created_at < $1").bind(expired))
            .await?;
        let existing = tx
            .conn()
            .fetch_optional(
                query(
                    "SELECT request_hash, status, response_headers, response_body FROM idempotency_keys \
                     WHERE user_id = $1 AND key = $2",
                )
                .bind(user)
                .bind(key),
            )
            .await?;
        let outcome = if let Some(row) = existing {
            let hash: String = row.get("request_hash")?;
            let status: Option<i64> = row.get("status")?;
            match status {
                _ if hash != request_hash => IdempotencyBegin::Mismatch,
                None => IdempotencyBegin::InProgress,
                Some(status) => IdempotencyBegin::Replay {
                    status: u16::try_from(status).unwrap_or(500),
                    headers: serde_json::from_str(
                        &row.get::<Option<String>>("response_headers")?
                            .unwrap_or_default(),
                    )
                    .unwrap_or_default(),
                    body: row
                        .get::<Option<String>>("response_body")?
                        .unwrap_or_default(),
                },
            }
        } else {
            tx.conn()
                .execute(
                    query(
                        "INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(user)
                    .bind(key)
                    .bind(request_hash)
                    .bind(at),
                )
                .await?;
            IdempotencyBegin::Proceed
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// Stores the response of a request that claimed `key`. Server errors release the key
    /// instead, so the client can retry.
    pub async fn idempotency_finish(
        &self,
        user: UserId,
        key: &str,
        status: u16,
        headers: &[(String, String)],
        body: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        if status >= 500 {
            tx.conn()
                .execute(
                    query("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2")
                        .bind(user)
                        .bind(key),
                )
                .await?;
        } else {
            tx.conn()
                .execute(
                    query(
                        "UPDATE idempotency_keys SET status = $1, response_headers = $2, \
                         response_body = $3 WHERE user_id = $4 AND key = $5",
                    )
                    .bind(i64::from(status))
                    .bind(serde_json::to_string(headers).unwrap_or_default())
                    .bind(body)
                    .bind(user)
                    .bind(key),
                )
                .await?;
        }
        tx.commit().await
    }
}
