//! `/api/v1/duplicates`: likely duplicate accounts and contacts, and dismissing them. The
//! rules are in `docs/duplicates.md`.

use super::no_content;
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use baton_model::duplicates::{DismissInput, DuplicateGroup, MergeEntity};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(dismiss))
}

/// The query of `GET /duplicates`.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DuplicatesQuery {
    /// `accounts` or `contacts`.
    entity: String,
    /// Groups per page, 1–200 (default 50).
    limit: Option<usize>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// A page of duplicate groups.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DuplicatesPage {
    pub items: Vec<DuplicateGroup>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// How many groups there are in all.
    pub total: usize,
}

/// `accounts` or `contacts`, or the message saying what is expected.
pub(crate) fn entity(text: &str) -> Result<MergeEntity, String> {
    match text {
        "accounts" => Ok(MergeEntity::Account),
        "contacts" => Ok(MergeEntity::Contact),
        _ => Err(format!("{text:?}: expected accounts or contacts")),
    }
}

/// List groups of likely duplicates among the live records you may see, each with the rules
/// that matched and the shared values. Accounts match on a normalized name (case, punctuation
/// and legal suffixes such as Inc or GmbH ignored) or the same domain; contacts on the same email
/// (case ignored) or the same full name at the same account. Pairs dismissed as not duplicates
/// are never grouped again.
#[utoipa::path(get, path = "/duplicates", tag = "duplicates", params(DuplicatesQuery),
    responses((status = 200, body = DuplicatesPage), (status = 400, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<DuplicatesPage>> {
    let q: DuplicatesQuery = crate::extract::query_string(raw.as_deref())?;
    let entity = entity(&q.entity).map_err(|m| ApiError::bad("entity", m))?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::bad("limit", "a number from 1 to 200"));
    }
    let offset = match q.cursor.as_deref() {
        None | Some("") => 0,
        Some(c) => c
            .parse::<usize>()
            .map_err(|_| ApiError::bad("cursor", "not a cursor from this list"))?,
    };
    let (total, items) = s
        .store
        .duplicate_groups(&actor, entity, offset, limit)
        .await?;
    let next = offset.saturating_add(limit);
    Ok(Json(DuplicatesPage {
        items,
        next_cursor: (next < total).then(|| next.to_string()),
        total,
    }))
}

/// Say that records are not duplicates (admins and coordinators): no pair of them is grouped
/// again.
#[utoipa::path(post, path = "/duplicates/dismiss", tag = "duplicates", request_body = DismissInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn dismiss(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<DismissInput>,
) -> ApiResult<Response> {
    let entity = entity(&input.entity)
        .map_err(|m| ApiError::Invalid(baton_model::FieldErrors::one("entity", m)))?;
    s.store
        .dismiss_duplicates(&actor, entity, &input.ids)
        .await?;
    Ok(no_content())
}
