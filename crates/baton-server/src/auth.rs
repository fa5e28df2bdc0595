//! Who is calling: bearer API tokens (and, for the web pages, session cookies), passwords.
//!
//! Tokens are `bat_` followed by 32 random bytes in base64url; only their SHA-256 is stored, so a
//! database leak does not leak usable tokens. Passwords are hashed with Argon2id (default
//! parameters) on a blocking thread so hashing never stalls the request loop.

use crate::AppState;
use crate::error::ApiError;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use baton_store::Actor;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The prefix of every API token, so leaked tokens are easy to recognise and scan for.
pub const TOKEN_PREFIX: &str = "bat_";

/// A new random API token secret.
pub fn new_token_secret() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a token: hex SHA-256.
pub fn hash_token(secret: &str) -> String {
    crate::hex(&Sha256::digest(secret.as_bytes()))
}

/// Hashes a password with Argon2id on a blocking thread.
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| ApiError::Internal(format!("hashing a password: {e}")))
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
}

/// Checks a password against a stored hash on a blocking thread.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// Requires a valid bearer token and puts its [`Actor`] into the request for handlers.
pub async fn require_actor(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let header = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let Some(secret) = header
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
    else {
        return Err(ApiError::Unauthorized(
            "sign in first: send Authorization: Bearer <token> (create one with `baton token create`)".into(),
        ));
    };
    let actor = state
        .store
        .actor_for_token(&hash_token(secret))
        .await?
        .ok_or_else(|| ApiError::Unauthorized("the token is unknown, revoked or expired".into()))?;
    tracing::Span::current().record("user_id", actor.user_id.0);
    request.extensions_mut().insert(actor);
    Ok(next.run(request).await)
}

/// The signed-in actor, put there by [`require_actor`].
pub struct Auth(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Actor>()
            .copied()
            .map(Auth)
            .ok_or_else(|| ApiError::Unauthorized("sign in first".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_stored_only_as_a_hash() {
        let a = new_token_secret();
        let b = new_token_secret();
        assert!(a.starts_with("bat_") && a.len() == 4 + 43);
        assert_ne!(a, b);
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), hash_token(&b));
        // The published SHA-256 test vector for "abc" (FIPS 180-2, appendix B.1).
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[tokio::test]
    async fn a_password_verifies_against_its_hash_and_nothing_else() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery".into(), hash.clone()).await);
        assert!(!verify_password("correct horse battery!".into(), hash.clone()).await);
        assert!(!verify_password("x".into(), "not a hash".into()).await);
    }
}
