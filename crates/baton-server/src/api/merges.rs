//! Merging duplicates (`POST /accounts/{id}/merge`, `POST /contacts/{id}/merge`), the merges
//! made (`GET /merges`) and undoing one (`POST /merges/{id}/undo`).

use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, IfMatch};
use axum::Json;
use axum::extract::{RawQuery, State};
use baton_model::duplicates::{Merge, MergeInput};
use baton_model::{AccountId, ContactId};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(merge_accounts))
        .routes(routes!(merge_contacts))
        .routes(routes!(list))
        .routes(routes!(undo))
}

/// Merge accounts into this one (admins and coordinators). Their contacts, deals and activities
/// move to it; its empty fields are filled from theirs, never overwritten; they are archived.
/// `If-Match` (optional) is the kept account's ETag. An admin can undo it for 30 days.
#[utoipa::path(post, path = "/accounts/{id}/merge", tag = "duplicates", request_body = MergeInput,
    params(("If-Match" = Option<String>, Header, description = "The kept account's ETag")),
    responses((status = 200, body = Merge), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn merge_accounts(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<AccountId>,
    IfMatch(version): IfMatch,
    ApiJson(input): ApiJson<MergeInput>,
) -> ApiResult<Json<Merge>> {
    Ok(Json(
        s.store
            .merge_accounts(&actor, id, &input.merge, version)
            .await?,
    ))
}

/// Merge contacts into this one (admins and coordinators). Their activities and roles on deals
/// move to it; its empty fields are filled from theirs, never overwritten; they are archived.
#[utoipa::path(post, path = "/contacts/{id}/merge", tag = "duplicates", request_body = MergeInput,
    params(("If-Match" = Option<String>, Header, description = "The kept contact's ETag")),
    responses((status = 200, body = Merge), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn merge_contacts(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<ContactId>,
    IfMatch(version): IfMatch,
    ApiJson(input): ApiJson<MergeInput>,
) -> ApiResult<Json<Merge>> {
    Ok(Json(
        s.store
            .merge_contacts(&actor, id, &input.merge, version)
            .await?,
    ))
}

/// The query of `GET /merges`.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MergesQuery {
    /// At most this many, 1–500 (default 100).
    limit: Option<i64>,
}

/// The merges made, newest first, with what each changed (admins and coordinators).
#[utoipa::path(get, path = "/merges", tag = "duplicates", params(MergesQuery),
    responses((status = 200, body = Vec<Merge>), (status = 403, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Vec<Merge>>> {
    let q: MergesQuery = crate::extract::query_string(raw.as_deref())?;
    Ok(Json(
        s.store.list_merges(&actor, q.limit.unwrap_or(100)).await?,
    ))
}

/// Undo a merge (admins, within 30 days, once): the references and fields it changed go back
/// where they still hold what the merge left, and the merged records are restored. The
/// `undo_report` says what could not be put back.
#[utoipa::path(post, path = "/merges/{id}/undo", tag = "duplicates",
    responses((status = 200, body = Merge), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn undo(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Merge>> {
    Ok(Json(s.store.undo_merge(&actor, id).await?))
}
