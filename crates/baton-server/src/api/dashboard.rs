//! `/api/v1/dashboard/pins`: the saved queries you keep on your dashboard, in order.

use super::saved_queries::SavedQueryOut;
use super::{ListResponse, created, no_content};
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use baton_store::sql_console::Pin;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, pin))
        .routes(routes!(unpin))
}

/// A saved query on your dashboard.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PinOut {
    pub id: i64,
    /// Its place on the dashboard, from 1.
    pub position: i64,
    pub saved_query: SavedQueryOut,
}

impl From<Pin> for PinOut {
    fn from(p: Pin) -> Self {
        PinOut {
            id: p.id,
            position: p.position,
            saved_query: p.saved_query.into(),
        }
    }
}

/// The saved query to pin.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PinInput {
    /// One of your saved queries, or a shared one.
    pub saved_query_id: i64,
}

/// Your pins, in order (a pinned query no longer shared with you is left out).
#[utoipa::path(get, path = "/dashboard/pins", tag = "reports",
    responses((status = 200, body = ListResponse<PinOut>)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<ListResponse<PinOut>>> {
    let pins = s.store.dashboard_pins(&actor).await?;
    Ok(Json(ListResponse {
        items: pins.into_iter().map(Into::into).collect(),
        next_cursor: None,
    }))
}

/// Pin a saved query last on your dashboard; pinning it again keeps its place.
#[utoipa::path(post, path = "/dashboard/pins", tag = "reports", request_body = PinInput,
    responses((status = 201, body = PinOut), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn pin(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<PinInput>,
) -> ApiResult<Response> {
    let pin = s
        .store
        .pin_saved_query(&actor, input.saved_query_id)
        .await?;
    Ok(created(
        &format!("/api/v1/dashboard/pins/{}", pin.id),
        1,
        &PinOut::from(pin),
    ))
}

/// Take a pin off your dashboard (the saved query stays).
#[utoipa::path(delete, path = "/dashboard/pins/{id}", tag = "reports",
    responses((status = 204), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = id), err(level = "warn"))]
async fn unpin(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    s.store.unpin(&actor, id).await?;
    Ok(no_content())
}
