//! `/api/v1/users`: the people who sign in. Everyone may read users (to pick owners); only
//! admins create and change them. Users are deactivated, never deleted, so their records keep an
//! owner.

use super::{ListDoc, ListResponse, created, found};
use crate::AppState;
use crate::auth::{Auth, hash_password};
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, IfMatch, ListParams};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use baton_model::UserId;
use baton_model::records::{User, UserInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update))
}

/// List users. Filters: `id`, `role`, `active`, `email`. Sorts: `id`, `name`. `q` matches the
/// start of the name or email.
#[utoipa::path(get, path = "/users", tag = "users", params(ListDoc),
    responses((status = 200, body = ListResponse<User>), (status = 400, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ListParams(list): ListParams,
) -> ApiResult<Json<ListResponse<User>>> {
    Ok(Json(s.store.list_users(&actor, &list).await?.into()))
}

/// Read one user.
#[utoipa::path(get, path = "/users/{id}", tag = "users",
    responses((status = 200, body = User), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn get(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<UserId>,
) -> ApiResult<Response> {
    let user = s.store.get_user(&actor, id).await?;
    Ok(found(user.version, &user))
}

/// Create a user (admins). `email`, `name` and `role` are required; `password` (12 characters or
/// more) lets them sign in to the web pages.
#[utoipa::path(post, path = "/users", tag = "users", request_body = UserInput,
    responses((status = 201, body = User), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn create(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<UserInput>,
) -> ApiResult<Response> {
    let mut changes = input.validate(true)?;
    let hash = match changes.password.take() {
        Some(p) => Some(hash_password(p).await?),
        None => None,
    };
    let user = s.store.create_user(Some(&actor), changes, hash).await?;
    Ok(created(
        &format!("/api/v1/users/{}", user.id),
        user.version,
        &user,
    ))
}

/// Change a user (admins). Deactivating a user ends their sessions; their tokens stop working.
#[utoipa::path(patch, path = "/users/{id}", tag = "users", request_body = UserInput,
    responses((status = 200, body = User), (status = 412, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn update(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<UserId>,
    if_match: IfMatch,
    ApiJson(input): ApiJson<UserInput>,
) -> ApiResult<Response> {
    let version = if_match.required(input.version)?;
    let mut changes = input.validate(false)?;
    let hash = match changes.password.take() {
        Some(p) => Some(hash_password(p).await?),
        None => None,
    };
    let user = s
        .store
        .update_user(&actor, id, version, changes, hash)
        .await?;
    Ok(found(user.version, &user))
}
