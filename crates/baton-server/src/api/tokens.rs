//! `/api/v1/tokens`: API tokens. The secret is shown once, at creation; only its hash is kept.

use super::no_content;
use crate::AppState;
use crate::auth::{Auth, hash_token, new_token_secret};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use baton_model::{TokenId, UserId};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(revoke))
}

/// A token to create.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct TokenInput {
    /// What the token is for ("CI export").
    name: String,
    /// Whose token: yourself by default; someone else only for admins.
    #[serde(default)]
    user_id: Option<UserId>,
    /// Days until it expires; never by default.
    #[serde(default)]
    expires_in_days: Option<u32>,
}

/// A created token.
#[derive(Serialize, utoipa::ToSchema)]
struct CreatedToken {
    id: TokenId,
    /// The secret, shown this once: send it as `Authorization: Bearer <token>`.
    token: String,
}

/// Create an API token.
#[utoipa::path(post, path = "/tokens", tag = "tokens", request_body = TokenInput,
    responses((status = 201, body = CreatedToken), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn create(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<TokenInput>,
) -> ApiResult<Response> {
    let name = input.name.trim();
    if name.is_empty()
        || name.chars().count() > 100
        || baton_model::records::has_control_chars(name)
    {
        return Err(ApiError::Invalid(baton_model::FieldErrors::one(
            "name",
            "must be 1 to 100 characters of text",
        )));
    }
    let expires_at = match input.expires_in_days {
        Some(0 | 3651..) => {
            return Err(ApiError::Invalid(baton_model::FieldErrors::one(
                "expires_in_days",
                "must be from 1 to 3650",
            )));
        }
        Some(days) => Some(baton_store::now() + chrono::Duration::days(i64::from(days))),
        None => None,
    };
    let secret = new_token_secret();
    let user = input.user_id.unwrap_or(actor.user_id);
    let id = s
        .store
        .create_token(Some(&actor), user, name, &hash_token(&secret), expires_at)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken { id, token: secret }),
    )
        .into_response())
}

/// Revoke an API token (its owner or an admin).
#[utoipa::path(delete, path = "/tokens/{id}", tag = "tokens",
    responses((status = 204), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn revoke(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<TokenId>,
) -> ApiResult<Response> {
    s.store.revoke_token(&actor, id).await?;
    Ok(no_content())
}
