//! `/api/v1/deals/{id}/refunds`: refunds and churn of won deals, which claw back the commission
//! paid on them in the period they happen in (within the plan's clawback window).

use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use baton_model::DealId;
use baton_model::records::{DealRefund, DealRefundInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, add))
        .routes(routes!(remove))
}

/// The refunds and churn of a deal, by date.
#[utoipa::path(get, path = "/deals/{id}/refunds", tag = "deals",
    responses((status = 200, body = Vec<DealRefund>), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<DealId>,
) -> ApiResult<Json<Vec<DealRefund>>> {
    Ok(Json(s.store.deal_refunds(&actor, id).await?))
}

/// Record that a won deal was refunded (the amount given, or what is left of it) or churned
/// (finance, admins). Never more than the deal in all, never before it closed.
#[utoipa::path(post, path = "/deals/{id}/refunds", tag = "deals", request_body = DealRefundInput,
    responses((status = 201, body = DealRefund), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn add(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<DealId>,
    ApiJson(input): ApiJson<DealRefundInput>,
) -> ApiResult<Response> {
    let refund = s.store.add_deal_refund(&actor, id, input).await?;
    Ok((StatusCode::CREATED, Json(refund)).into_response())
}

/// Remove a refund recorded by mistake (finance, admins); the next run reverses its clawback.
#[utoipa::path(delete, path = "/deals/{id}/refunds/{refund_id}", tag = "deals",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id, refund_id), err(level = "warn"))]
async fn remove(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath((id, refund_id)): ApiPath<(DealId, i64)>,
) -> ApiResult<StatusCode> {
    s.store.remove_deal_refund(&actor, id, refund_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
