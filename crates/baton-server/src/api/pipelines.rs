//! `/api/v1/pipelines`: pipelines and their ordered stages, edited as one.

use super::{ListDoc, ListResponse, created, found};
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, IfMatch, ListParams};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use baton_model::PipelineId;
use baton_model::records::{Pipeline, PipelineInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, archive))
        .routes(routes!(restore))
}

/// List pipelines with their stages. Filters: `id`, `is_default`. Sorts: `id`, `name`.
#[utoipa::path(get, path = "/pipelines", tag = "pipelines", params(ListDoc),
    responses((status = 200, body = ListResponse<Pipeline>), (status = 400, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ListParams(list): ListParams,
) -> ApiResult<Json<ListResponse<Pipeline>>> {
    Ok(Json(s.store.list_pipelines(&actor, &list).await?.into()))
}

/// Read one pipeline.
#[utoipa::path(get, path = "/pipelines/{id}", tag = "pipelines",
    responses((status = 200, body = Pipeline), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn get(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<PipelineId>,
) -> ApiResult<Response> {
    let pipeline = s.store.get_pipeline(&actor, id).await?;
    Ok(found(pipeline.version, &pipeline))
}

/// Create a pipeline with its stages (admins). The first pipeline becomes the default.
#[utoipa::path(post, path = "/pipelines", tag = "pipelines", request_body = PipelineInput,
    responses((status = 201, body = Pipeline), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn create(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<PipelineInput>,
) -> ApiResult<Response> {
    let pipeline = s
        .store
        .create_pipeline(Some(&actor), input.validate(true)?)
        .await?;
    Ok(created(
        &format!("/api/v1/pipelines/{}", pipeline.id),
        pipeline.version,
        &pipeline,
    ))
}

/// Change a pipeline (admins). `stages`, when sent, is the whole list in board order: stages
/// with an `id` are updated, new ones added, missing ones removed (refused while deals are in
/// them).
#[utoipa::path(patch, path = "/pipelines/{id}", tag = "pipelines", request_body = PipelineInput,
    responses((status = 200, body = Pipeline), (status = 412, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn update(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<PipelineId>,
    if_match: IfMatch,
    ApiJson(input): ApiJson<PipelineInput>,
) -> ApiResult<Response> {
    let version = if_match.required(input.version)?;
    let pipeline = s
        .store
        .update_pipeline(&actor, id, version, input.validate(false)?)
        .await?;
    Ok(found(pipeline.version, &pipeline))
}

/// Archive a pipeline (admins); the default pipeline cannot be archived.
#[utoipa::path(delete, path = "/pipelines/{id}", tag = "pipelines",
    responses((status = 200, body = Pipeline), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn archive(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<PipelineId>,
    IfMatch(v): IfMatch,
) -> ApiResult<Response> {
    let pipeline = s.store.set_pipeline_archived(&actor, id, v, true).await?;
    Ok(found(pipeline.version, &pipeline))
}

/// Restore an archived pipeline (admins).
#[utoipa::path(post, path = "/pipelines/{id}/restore", tag = "pipelines",
    responses((status = 200, body = Pipeline), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn restore(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<PipelineId>,
    IfMatch(v): IfMatch,
) -> ApiResult<Response> {
    let pipeline = s.store.set_pipeline_archived(&actor, id, v, false).await?;
    Ok(found(pipeline.version, &pipeline))
}
