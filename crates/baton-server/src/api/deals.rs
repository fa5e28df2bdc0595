//! `/api/v1/deals`: deals with their splits, contacts and field history.

use super::{ListDoc, ListResponse, created, found};
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, IfMatch, ListParams};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use baton_model::DealId;
use baton_model::records::{Deal, DealInput, FieldChange};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, archive))
        .routes(routes!(restore))
        .routes(routes!(history))
}

/// List the deals you may see.
///
/// Filters: `id`, `owner_id`, `account_id`, `pipeline_id`, `stage_id`, `amount_minor`, `currency`,
/// `close_date`, `forecast_category`, `source`, `closed_at`, `created_at`, `updated_at`, `outcome`
/// (`open`, `won`, `lost`). Sorts: `id`, `name`, `amount_minor`, `close_date`, `created_at`,
/// `updated_at`. `q` matches the start of the name; results come alphabetically unless
/// `sort` says otherwise.
#[utoipa::path(get, path = "/deals", tag = "deals", params(ListDoc),
    responses((status = 200, body = ListResponse<Deal>), (status = 400, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ListParams(list): ListParams,
) -> ApiResult<Json<ListResponse<Deal>>> {
    Ok(Json(s.store.list_deals(&actor, &list).await?.into()))
}

/// Read one deal.
#[utoipa::path(get, path = "/deals/{id}", tag = "deals",
    responses((status = 200, body = Deal, headers(("ETag" = String))), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn get(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<DealId>,
) -> ApiResult<Response> {
    let deal = s.store.get_deal(&actor, id).await?;
    Ok(found(deal.version, &deal))
}

/// Create a deal. It goes to the default pipeline's first stage unless told otherwise; its
/// initial stage, amount, close date, owner and forecast category start its field history.
#[utoipa::path(post, path = "/deals", tag = "deals", request_body = DealInput,
    responses((status = 201, body = Deal), (status = 422, body = Problem), (status = 403, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn create(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<DealInput>,
) -> ApiResult<Response> {
    let deal = s.store.create_deal(&actor, input.validate(true)?).await?;
    Ok(created(
        &format!("/api/v1/deals/{}", deal.id),
        deal.version,
        &deal,
    ))
}

/// Change a deal. Send `If-Match` with its `ETag`; a deal changed meanwhile gets 412.
/// `splits` and `contacts`, when sent, replace the current lists.
#[utoipa::path(patch, path = "/deals/{id}", tag = "deals", request_body = DealInput,
    params(("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = Deal), (status = 412, body = Problem), (status = 422, body = Problem),
        (status = 428, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn update(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<DealId>,
    if_match: IfMatch,
    ApiJson(input): ApiJson<DealInput>,
) -> ApiResult<Response> {
    let version = if_match.required(input.version)?;
    let deal = s
        .store
        .update_deal(&actor, id, version, input.validate(false)?)
        .await?;
    Ok(found(deal.version, &deal))
}

/// Archive (delete) a deal. It disappears from lists unless `archived=true|any`.
#[utoipa::path(delete, path = "/deals/{id}", tag = "deals",
    responses((status = 200, body = Deal), (status = 404, body = Problem), (status = 412, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn archive(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<DealId>,
    IfMatch(v): IfMatch,
) -> ApiResult<Response> {
    let deal = s.store.set_deal_archived(&actor, id, v, true).await?;
    Ok(found(deal.version, &deal))
}

/// Restore an archived deal.
#[utoipa::path(post, path = "/deals/{id}/restore", tag = "deals",
    responses((status = 200, body = Deal), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn restore(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<DealId>,
    IfMatch(v): IfMatch,
) -> ApiResult<Response> {
    let deal = s.store.set_deal_archived(&actor, id, v, false).await?;
    Ok(found(deal.version, &deal))
}

/// The deal's field history, oldest first: every change of stage, amount, currency, close
/// date, owner, pipeline and forecast category, with who and when.
#[utoipa::path(get, path = "/deals/{id}/history", tag = "deals",
    responses((status = 200, body = Vec<FieldChange>), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn history(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<DealId>,
) -> ApiResult<Json<Vec<FieldChange>>> {
    Ok(Json(s.store.deal_history(&actor, id).await?))
}
