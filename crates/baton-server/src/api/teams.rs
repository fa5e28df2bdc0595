//! `/api/v1/teams`: a manager and members. A manager sees the records of their team's members,
//! and of the members of teams managed by those members, and so on down.

use super::{ListDoc, ListResponse, created, found, no_content};
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, IfMatch, ListParams};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use baton_model::TeamId;
use baton_model::records::{Team, TeamInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
}

/// List teams with their members. Filters: `id`, `manager_id`. Sorts: `id`, `name`.
#[utoipa::path(get, path = "/teams", tag = "teams", params(ListDoc),
    responses((status = 200, body = ListResponse<Team>), (status = 400, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ListParams(list): ListParams,
) -> ApiResult<Json<ListResponse<Team>>> {
    Ok(Json(s.store.list_teams(&actor, &list).await?.into()))
}

/// Read one team.
#[utoipa::path(get, path = "/teams/{id}", tag = "teams",
    responses((status = 200, body = Team), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn get(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<TeamId>,
) -> ApiResult<Response> {
    let team = s.store.get_team(&actor, id).await?;
    Ok(found(team.version, &team))
}

/// Create a team (admins).
#[utoipa::path(post, path = "/teams", tag = "teams", request_body = TeamInput,
    responses((status = 201, body = Team), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn create(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<TeamInput>,
) -> ApiResult<Response> {
    let team = s
        .store
        .create_team(Some(&actor), input.validate(true)?)
        .await?;
    Ok(created(
        &format!("/api/v1/teams/{}", team.id),
        team.version,
        &team,
    ))
}

/// Change a team (admins); `member_ids`, when sent, replaces the member list.
#[utoipa::path(patch, path = "/teams/{id}", tag = "teams", request_body = TeamInput,
    responses((status = 200, body = Team), (status = 412, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn update(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<TeamId>,
    if_match: IfMatch,
    ApiJson(input): ApiJson<TeamInput>,
) -> ApiResult<Response> {
    let version = if_match.required(input.version)?;
    let team = s
        .store
        .update_team(&actor, id, version, input.validate(false)?)
        .await?;
    Ok(found(team.version, &team))
}

/// Delete a team (admins); refused while it has quotas.
#[utoipa::path(delete, path = "/teams/{id}", tag = "teams",
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn delete(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<TeamId>,
    IfMatch(v): IfMatch,
) -> ApiResult<Response> {
    s.store.delete_team(&actor, id, v).await?;
    Ok(no_content())
}
