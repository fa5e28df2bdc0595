//! API tokens and sign-in sessions: only SHA-256 hashes of the secrets are stored.

use crate::audit::write_audit;
use crate::db::query;
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::{TokenId, UserId};
use chrono::{DateTime, Utc};

impl Store {
    /// Stores a new API token for `user` under the hash of its secret.
    pub async fn create_token(
        &self,
        actor: Option<&Actor>,
        user: UserId,
        name: &str,
        secret_hash: &str,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<TokenId> {
        if let Some(actor) = actor
            && actor.user_id != user
        {
            actor.ensure_admin()?;
        }
        let mut tx = self.begin().await?;
        if !crate::refs::user_exists(&mut tx.conn(), user).await? {
            return Err(StoreError::field(
                "user_id",
                format!("there is no user {user}"),
            ));
        }
        let at = now();
        let id: TokenId = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(user)
                .bind(name)
                .bind(secret_hash)
                .bind(at)
                .bind(expires_at),
            )
            .await?
            .get("id")?;
        let after =
            serde_json::json!({"id": id, "user_id": user, "name": name, "expires_at": expires_at});
        write_audit(
            &mut tx.conn(),
            actor.map(|a| a.user_id),
            "create",
            "api_token",
            id.0,
            None,
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The actor a bearer token stands for: its user must be active and the token neither
    /// revoked nor expired.
    pub async fn actor_for_token(&self, secret_hash: &str) -> Result<Option<Actor>> {
        let row = self
            .reader()
            .fetch_optional(
                query(
                    "SELECT u.id, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id \
                     WHERE t.token_hash = $1 AND t.revoked_at IS NULL \
                     AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.active = TRUE",
                )
                .bind(secret_hash)
                .bind(now()),
            )
            .await?;
        row.map(|r| {
            Ok(Actor {
                user_id: r.get("id")?,
                role: r.parse("role")?,
            })
        })
        .transpose()
    }

    /// Revokes a token; its owner or an admin may.
    pub async fn revoke_token(&self, actor: &Actor, id: TokenId) -> Result<()> {
        let mut tx = self.begin().await?;
        let owner: Option<UserId> = tx
            .conn()
            .fetch_optional(
                query("SELECT user_id FROM api_tokens WHERE id = $1 AND revoked_at IS NULL")
                    .bind(id),
            )
            .await?
            .map(|r| r.get("user_id"))
            .transpose()?;
        match owner {
            None => return Err(StoreError::NotFound),
            Some(owner) if owner != actor.user_id => actor.ensure_admin()?,
            Some(_) => {}
        }
        let at = now();
        tx.conn()
            .execute(
                query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2")
                    .bind(at)
                    .bind(id),
            )
            .await?;
        write_audit::<()>(
            &mut tx.conn(),
            Some(actor.user_id),
            "revoke",
            "api_token",
            id.0,
            None,
            None,
            at,
        )
        .await?;
        tx.commit().await
    }
}

/// An API token as listed: never its secret.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub id: TokenId,
    pub user_id: UserId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl Store {
    /// The live tokens of `user` (an admin may list anyone's; others only their own).
    pub async fn list_tokens(&self, actor: &Actor, user: UserId) -> Result<Vec<TokenInfo>> {
        if actor.user_id != user {
            actor.ensure_admin()?;
        }
        self.reader()
            .fetch_all(
                query(
                    "SELECT id, user_id, name, created_at, expires_at FROM api_tokens \
                     WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id",
                )
                .bind(user),
            )
            .await?
            .iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.get("id")?,
                    user_id: r.get("user_id")?,
                    name: r.get("name")?,
                    created_at: r.get("created_at")?,
                    expires_at: r.get("expires_at")?,
                })
            })
            .collect()
    }
}
