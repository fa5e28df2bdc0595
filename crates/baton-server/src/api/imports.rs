//! `/api/v1/imports`: uploading an export or a CSV to import, following the import, and its
//! report of rejected rows (admins and coordinators). See `docs/import.md`.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath};
use crate::import::jobs::{
    begin, confirm, ensure_may_import, job, mapping_pairs, receive, report_download,
};
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use baton_model::imports::ImportJob;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes that take uploads, which may run longer than a request usually may.
pub fn upload_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upload, list))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get))
        .routes(routes!(start))
        .routes(routes!(report))
}

/// The fields of an upload, for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "describes the multipart form; jobs::receive reads it"
)]
struct ImportUpload {
    /// `salesforce` (a Data Export), `hubspot` or `csv`.
    source: String,
    /// For a CSV: `accounts`, `contacts`, `deals` or `activities`.
    object: Option<String>,
    /// Write nothing unless every row can be imported.
    all_or_nothing: Option<bool>,
    /// Add stages the default pipeline lacks.
    create_stages: Option<bool>,
    /// Keep unknown columns as text custom fields.
    custom_fields: Option<bool>,
    /// For a CSV: stop at a preview (header, first rows, the mapping found) until
    /// `POST /imports/{id}/start`.
    preview: Option<bool>,
    /// For a CSV: `{"field": "Column"}` for fields under other names.
    mapping: Option<String>,
    /// The export's CSV files, or a .zip of them.
    #[schema(format = Binary)]
    file: Vec<String>,
}

/// Upload files to import. Salesforce and HubSpot exports are their CSV files or the .zip the
/// CRM hands out; a CSV import takes one file. Answers 202 with the job, which runs in the
/// background (`GET /imports/{id}` follows it); a CSV with `preview` waits for
/// `POST /imports/{id}/start`. A file or mapping that cannot be read is refused before anything
/// is written.
#[utoipa::path(post, path = "/imports", tag = "imports",
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses((status = 202, body = ImportJob), (status = 400, body = Problem),
        (status = 403, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn upload(
    State(s): State<AppState>,
    Auth(actor): Auth,
    form: Multipart,
) -> ApiResult<Response> {
    ensure_may_import(&actor)?;
    let form = receive(form).await?;
    let job = begin(&s, actor, form).await?;
    Ok((StatusCode::ACCEPTED, Json(job)).into_response())
}

/// The latest 50 imports, newest first.
#[utoipa::path(get, path = "/imports", tag = "imports",
    responses((status = 200, body = Vec<ImportJob>), (status = 403, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list(State(s): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Vec<ImportJob>>> {
    ensure_may_import(&actor)?;
    Ok(Json(s.store.list_import_jobs(50).await?))
}

/// An import: its status, its progress while it runs, and its summary once done.
#[utoipa::path(get, path = "/imports/{id}", tag = "imports",
    responses((status = 200, body = ImportJob), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn get(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ImportJob>> {
    ensure_may_import(&actor)?;
    Ok(Json(job(&s, id).await?))
}

/// The body of `POST /imports/{id}/start`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartImport {
    /// `{"field": "Column"}`: the columns to read fields from where the preview's differ.
    #[serde(default)]
    mapping: serde_json::Value,
}

/// Start a CSV import waiting at its preview, with the mapping confirmed or changed. A mapping
/// naming an unknown field or a column the file lacks is refused with its name.
#[utoipa::path(post, path = "/imports/{id}/start", tag = "imports", request_body = StartImport,
    responses((status = 200, body = ImportJob), (status = 400, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn start(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StartImport>,
) -> ApiResult<Json<ImportJob>> {
    ensure_may_import(&actor)?;
    let mapping = if body.mapping.is_null() {
        Vec::new()
    } else {
        mapping_pairs(&body.mapping)?
    };
    Ok(Json(confirm(&s, id, mapping).await?))
}

/// The rejected rows of a finished import as CSV: file, line, field, reason.
#[utoipa::path(get, path = "/imports/{id}/report", tag = "imports",
    responses((status = 200, description = "The report", content_type = "text/csv"),
        (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn report(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    ensure_may_import(&actor)?;
    report_download(&s.store, id).await
}
