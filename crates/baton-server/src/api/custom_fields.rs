//! `/api/v1/custom-fields`: admin-defined fields on accounts, contacts and deals, validated like
//! built-in ones.

use super::{ListDoc, ListResponse, created, found, no_content};
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, IfMatch, ListParams};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use baton_model::CustomFieldId;
use baton_model::records::{CustomField, CustomFieldInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, archive))
}

/// List custom fields. Filters: `id`, `entity`, `kind`. Sorts: `id`, `key`.
#[utoipa::path(get, path = "/custom-fields", tag = "custom-fields", params(ListDoc),
    responses((status = 200, body = ListResponse<CustomField>), (status = 400, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ListParams(list): ListParams,
) -> ApiResult<Json<ListResponse<CustomField>>> {
    Ok(Json(
        s.store.list_custom_fields(&actor, &list).await?.into(),
    ))
}

/// Read one custom field.
#[utoipa::path(get, path = "/custom-fields/{id}", tag = "custom-fields",
    responses((status = 200, body = CustomField), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn get(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<CustomFieldId>,
) -> ApiResult<Response> {
    let field = s.store.get_custom_field(&actor, id).await?;
    Ok(found(field.version, &field))
}

/// Define a custom field (admins).
#[utoipa::path(post, path = "/custom-fields", tag = "custom-fields", request_body = CustomFieldInput,
    responses((status = 201, body = CustomField), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn create(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<CustomFieldInput>,
) -> ApiResult<Response> {
    let field = s
        .store
        .create_custom_field(&actor, input.validate(None)?)
        .await?;
    Ok(created(
        &format!("/api/v1/custom-fields/{}", field.id),
        field.version,
        &field,
    ))
}

/// Change a custom field's label, options or requiredness (admins).
#[utoipa::path(patch, path = "/custom-fields/{id}", tag = "custom-fields", request_body = CustomFieldInput,
    responses((status = 200, body = CustomField), (status = 412, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn update(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<CustomFieldId>,
    if_match: IfMatch,
    ApiJson(input): ApiJson<CustomFieldInput>,
) -> ApiResult<Response> {
    let version = if_match.required(input.version)?;
    let existing = s.store.get_custom_field(&actor, id).await?.kind;
    let field = s
        .store
        .update_custom_field(&actor, id, version, input.validate(Some(existing))?)
        .await?;
    Ok(found(field.version, &field))
}

/// Archive a custom field (admins): no longer offered or validated; stored values stay.
#[utoipa::path(delete, path = "/custom-fields/{id}", tag = "custom-fields",
    responses((status = 204), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn archive(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<CustomFieldId>,
    IfMatch(v): IfMatch,
) -> ApiResult<Response> {
    s.store.archive_custom_field(&actor, id, v).await?;
    Ok(no_content())
}
