//! Web sign-in sessions and the record of failed sign-ins that throttles guessing.
//!
//! A session is an opaque random secret in an HttpOnly cookie; only its SHA-256 is stored, like
//! API tokens. Sessions live in the database so that any server behind a load balancer can
//! serve any request.

use crate::db::query;
use crate::{Actor, Result, Store, now};
use baton_model::UserId;
use chrono::{DateTime, Utc};

/// A signed-in browser session.
#[derive(Debug, Clone)]
pub struct Session {
    pub actor: Actor,
    /// The user's name, for the page header.
    pub name: String,
    /// The user's time zone, for showing times.
    pub time_zone: baton_model::TimeZone,
    /// The token every form and htmx request of this session must send back.
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

impl Store {
    /// Starts a session for `user`, stored under the hash of its secret.
    pub async fn create_session(
        &self,
        user: UserId,
        secret_hash: &str,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let at = now();
        // Sweep expired sessions as new ones arrive, so the table stays small without a job.
        tx.conn()
            .execute(query("DELETE FROM sessions WHERE expires_at < $1").bind(at))
            .await?;
        tx.conn()
            .execute(
                query(
                    "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(secret_hash)
                .bind(user)
                .bind(csrf_token)
                .bind(at)
                .bind(expires_at),
            )
            .await?;
        tx.commit().await
    }

    /// The live session stored under `secret_hash`, if its user is still active.
    pub async fn session(&self, secret_hash: &str) -> Result<Option<Session>> {
        let row = self
            .reader()
            .fetch_optional(
                query(
                    "SELECT u.id, u.role, u.name, u.time_zone, s.csrf_token, s.expires_at FROM sessions s \
                     JOIN users u ON u.id = s.user_id \
                     WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.active = TRUE",
                )
                .bind(secret_hash)
                .bind(now()),
            )
            .await?;
        row.map(|r| {
            Ok(Session {
                actor: Actor {
                    user_id: r.get("id")?,
                    role: r.parse("role")?,
                },
                name: r.get("name")?,
                time_zone: r.parse("time_zone")?,
                csrf_token: r.get("csrf_token")?,
                expires_at: r.get("expires_at")?,
            })
        })
        .transpose()
    }

    /// Ends a session.
    pub async fn delete_session(&self, secret_hash: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(query("DELETE FROM sessions WHERE id_hash = $1").bind(secret_hash))
            .await?;
        tx.commit().await
    }

    /// Records a failed sign-in for `email` from `ip`.
    pub async fn record_login_failure(&self, email: &str, ip: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let at = now();
        tx.conn()
            .execute(
                query("DELETE FROM login_failures WHERE at < $1")
                    .bind(at - chrono::Duration::days(1)),
            )
            .await?;
        tx.conn()
            .execute(
                query("INSERT INTO login_failures (email, ip, at) VALUES ($1, $2, $3)")
                    .bind(email.trim().to_lowercase())
                    .bind(ip)
                    .bind(at),
            )
            .await?;
        tx.commit().await
    }

    /// Failed sign-ins since `since`: for this email, and from this address.
    pub async fn login_failures_since(
        &self,
        email: &str,
        ip: &str,
        since: DateTime<Utc>,
    ) -> Result<(i64, i64)> {
        let row = self
            .reader()
            .fetch_one(
                query(
                    "SELECT (SELECT COUNT(*) FROM login_failures WHERE email = $1 AND at >= $3) AS by_email, \
                     (SELECT COUNT(*) FROM login_failures WHERE ip = $2 AND at >= $3) AS by_ip",
                )
                .bind(email.trim().to_lowercase())
                .bind(ip)
                .bind(since),
            )
            .await?;
        Ok((row.get("by_email")?, row.get("by_ip")?))
    }
}
