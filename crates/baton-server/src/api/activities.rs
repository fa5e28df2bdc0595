//! `/api/v1/activities`.

use super::{ListDoc, ListResponse, created, found};
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, IfMatch, ListParams};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use baton_model::ActivityId;
use baton_model::records::{Activity, ActivityInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, archive))
        .routes(routes!(restore))
}

/// List the activities you may see.
///
/// Filters: `id`, `kind`, `owner_id`, `account_id`, `contact_id`, `deal_id`, `occurred_at`,
/// `direction`, `thread_id`, `meeting_status`, `due_date`, `completed_at`. Sorts: `id`,
/// `occurred_at`, `due_date`. A record's timeline: `deal_id=7&sort=-occurred_at`.
#[utoipa::path(get, path = "/activities", tag = "activities", params(ListDoc),
    responses((status = 200, body = ListResponse<Activity>), (status = 400, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ListParams(list): ListParams,
) -> ApiResult<Json<ListResponse<Activity>>> {
    Ok(Json(s.store.list_activities(&actor, &list).await?.into()))
}

/// Read one activity.
#[utoipa::path(get, path = "/activities/{id}", tag = "activities",
    responses((status = 200, body = Activity, headers(("ETag" = String))), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn get(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<ActivityId>,
) -> ApiResult<Response> {
    let activity = s.store.get_activity(&actor, id).await?;
    Ok(found(activity.version, &activity))
}

/// Log a call, email, meeting or note, or create a task.
#[utoipa::path(post, path = "/activities", tag = "activities", request_body = ActivityInput,
    responses((status = 201, body = Activity), (status = 422, body = Problem), (status = 403, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn create(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<ActivityInput>,
) -> ApiResult<Response> {
    let activity = s
        .store
        .create_activity(&actor, input.validate(None)?)
        .await?;
    Ok(created(
        &format!("/api/v1/activities/{}", activity.id),
        activity.version,
        &activity,
    ))
}

/// Change an activity. Send `If-Match` with its `ETag`; its kind cannot change.
#[utoipa::path(patch, path = "/activities/{id}", tag = "activities", request_body = ActivityInput,
    params(("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = Activity), (status = 412, body = Problem), (status = 422, body = Problem),
        (status = 428, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn update(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<ActivityId>,
    if_match: IfMatch,
    ApiJson(input): ApiJson<ActivityInput>,
) -> ApiResult<Response> {
    let version = if_match.required(input.version)?;
    let existing = s.store.get_activity(&actor, id).await?.kind;
    let activity = s
        .store
        .update_activity(&actor, id, version, input.validate(Some(existing))?)
        .await?;
    Ok(found(activity.version, &activity))
}

/// Archive (delete) an activity. It disappears from lists unless `archived=true|any`.
#[utoipa::path(delete, path = "/activities/{id}", tag = "activities",
    responses((status = 200, body = Activity), (status = 404, body = Problem), (status = 412, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn archive(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<ActivityId>,
    IfMatch(v): IfMatch,
) -> ApiResult<Response> {
    let activity = s.store.set_activity_archived(&actor, id, v, true).await?;
    Ok(found(activity.version, &activity))
}

/// Restore an archived activity.
#[utoipa::path(post, path = "/activities/{id}/restore", tag = "activities",
    responses((status = 200, body = Activity), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn restore(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<ActivityId>,
    IfMatch(v): IfMatch,
) -> ApiResult<Response> {
    let activity = s.store.set_activity_archived(&actor, id, v, false).await?;
    Ok(found(activity.version, &activity))
}
