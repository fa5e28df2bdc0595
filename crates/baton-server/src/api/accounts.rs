//! `/api/v1/accounts`.

use super::{ListDoc, ListResponse, created, found};
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, IfMatch, ListParams};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use baton_model::AccountId;
use baton_model::records::{Account, AccountInput, FieldChange};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, archive))
        .routes(routes!(restore))
        .routes(routes!(history))
}

/// List the accounts you may see.
///
/// Filters: `id`, `owner_id`, `domain`, `industry`, `tier`, `employees`, `annual_revenue_minor`,
/// `created_at`, `updated_at`. Sorts: `id`, `name`, `employees`, `annual_revenue_minor`,
/// `created_at`, `updated_at`. `q` matches the start of the name; results come
/// alphabetically unless `sort` says otherwise.
#[utoipa::path(get, path = "/accounts", tag = "accounts", params(ListDoc),
    responses((status = 200, body = ListResponse<Account>), (status = 400, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ListParams(list): ListParams,
) -> ApiResult<Json<ListResponse<Account>>> {
    Ok(Json(s.store.list_accounts(&actor, &list).await?.into()))
}

/// Read one account.
#[utoipa::path(get, path = "/accounts/{id}", tag = "accounts",
    responses((status = 200, body = Account, headers(("ETag" = String))), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn get(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<AccountId>,
) -> ApiResult<Response> {
    let account = s.store.get_account(&actor, id).await?;
    Ok(found(account.version, &account))
}

/// Create an account, owned by you unless `owner_id` says otherwise.
#[utoipa::path(post, path = "/accounts", tag = "accounts", request_body = AccountInput,
    responses((status = 201, body = Account), (status = 422, body = Problem), (status = 403, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn create(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<AccountInput>,
) -> ApiResult<Response> {
    let account = s
        .store
        .create_account(&actor, input.validate(true)?)
        .await?;
    Ok(created(
        &format!("/api/v1/accounts/{}", account.id),
        account.version,
        &account,
    ))
}

/// Change an account. Send `If-Match` with its `ETag`; an account changed meanwhile gets 412.
#[utoipa::path(patch, path = "/accounts/{id}", tag = "accounts", request_body = AccountInput,
    params(("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = Account), (status = 412, body = Problem), (status = 422, body = Problem),
        (status = 428, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn update(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<AccountId>,
    if_match: IfMatch,
    ApiJson(input): ApiJson<AccountInput>,
) -> ApiResult<Response> {
    let version = if_match.required(input.version)?;
    let account = s
        .store
        .update_account(&actor, id, version, input.validate(false)?)
        .await?;
    Ok(found(account.version, &account))
}

/// Archive (delete) an account. It disappears from lists unless `archived=true|any`.
#[utoipa::path(delete, path = "/accounts/{id}", tag = "accounts",
    responses((status = 200, body = Account), (status = 404, body = Problem), (status = 412, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn archive(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<AccountId>,
    IfMatch(v): IfMatch,
) -> ApiResult<Response> {
    let account = s.store.set_account_archived(&actor, id, v, true).await?;
    Ok(found(account.version, &account))
}

/// Restore an archived account.
#[utoipa::path(post, path = "/accounts/{id}/restore", tag = "accounts",
    responses((status = 200, body = Account), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn restore(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<AccountId>,
    IfMatch(v): IfMatch,
) -> ApiResult<Response> {
    let account = s.store.set_account_archived(&actor, id, v, false).await?;
    Ok(found(account.version, &account))
}

/// The account's field history, oldest first: its owner changes, with who and when.
#[utoipa::path(get, path = "/accounts/{id}/history", tag = "accounts",
    responses((status = 200, body = Vec<FieldChange>), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn history(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<AccountId>,
) -> ApiResult<Json<Vec<FieldChange>>> {
    Ok(Json(s.store.account_history(&actor, id).await?))
}
