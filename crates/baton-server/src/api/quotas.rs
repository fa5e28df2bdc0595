//! `/api/v1/quotas`: targets per user or team per period, the one place reports, commission
//! plans and the forecast read them from.

use super::{ListDoc, ListResponse, created, found, no_content};
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, IfMatch, ListParams};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use baton_model::QuotaId;
use baton_model::records::{Quota, QuotaInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
}

/// List the quotas you may see: your own and your teams'; a manager's team's; everyone's for
/// admins, coordinators and finance. Filters: `id`, `user_id`, `team_id`, `period_kind`,
/// `start_date`, `end_date`, `period` (`2026-Q3`). Sorts: `id`, `start_date`.
#[utoipa::path(get, path = "/quotas", tag = "quotas", params(ListDoc),
    responses((status = 200, body = ListResponse<Quota>), (status = 400, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ListParams(list): ListParams,
) -> ApiResult<Json<ListResponse<Quota>>> {
    Ok(Json(s.store.list_quotas(&actor, &list).await?.into()))
}

/// Read one quota.
#[utoipa::path(get, path = "/quotas/{id}", tag = "quotas",
    responses((status = 200, body = Quota), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn get(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<QuotaId>,
) -> ApiResult<Response> {
    let quota = s.store.get_quota(&actor, id).await?;
    Ok(found(quota.version, &quota))
}

/// Set a quota (admins, coordinators, finance): a user or a team, a period (`2026-07`,
/// `2026-Q3`, `FY2026`) and an amount. One quota per holder and period.
#[utoipa::path(post, path = "/quotas", tag = "quotas", request_body = QuotaInput,
    responses((status = 201, body = Quota), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn create(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<QuotaInput>,
) -> ApiResult<Response> {
    let quota = s
        .store
        .create_quota(Some(&actor), input.validate(true)?)
        .await?;
    Ok(created(
        &format!("/api/v1/quotas/{}", quota.id),
        quota.version,
        &quota,
    ))
}

/// Change a quota's amount or currency.
#[utoipa::path(patch, path = "/quotas/{id}", tag = "quotas", request_body = QuotaInput,
    responses((status = 200, body = Quota), (status = 412, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn update(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<QuotaId>,
    if_match: IfMatch,
    ApiJson(input): ApiJson<QuotaInput>,
) -> ApiResult<Response> {
    let version = if_match.required(input.version)?;
    let quota = s
        .store
        .update_quota(&actor, id, version, input.validate(false)?)
        .await?;
    Ok(found(quota.version, &quota))
}

/// Delete a quota.
#[utoipa::path(delete, path = "/quotas/{id}", tag = "quotas",
    responses((status = 204), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn delete(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<QuotaId>,
    IfMatch(v): IfMatch,
) -> ApiResult<Response> {
    s.store.delete_quota(&actor, id, v).await?;
    Ok(no_content())
}
