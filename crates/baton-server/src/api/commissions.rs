//! `/api/v1/comp`: commission plans, who is on which, runs, period approval and payment,
//! statements with every line explained, what-if, and the ledger as CSV.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use baton_model::records::{
    CompAssignment, CompPeriodStatus, CompPlan, CompRun, CompStatement, Dispute, DisputeInput,
    DisputeReply, PlanComparison, WhatIf, WhatIfInput,
};
use baton_model::{FieldErrors, UserId};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_plans, save_plan))
        .routes(routes!(assign))
        .routes(routes!(compare))
        .routes(routes!(run))
        .routes(routes!(approve))
        .routes(routes!(pay))
        .routes(routes!(statements))
        .routes(routes!(statement))
        .routes(routes!(what_if))
        .routes(routes!(ledger_csv))
        .routes(routes!(list_disputes, open_dispute))
        .routes(routes!(reply_to_dispute))
}

/// Every commission plan version. Plans are rules, not pay: everyone signed in may read them.
#[utoipa::path(get, path = "/comp/plans", tag = "commissions",
    responses((status = 200, body = Vec<CompPlan>)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list_plans(
    State(s): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<Vec<CompPlan>>> {
    Ok(Json(s.store.comp_plans(&actor).await?))
}

/// A plan file's text.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PlanInput {
    /// The plan as TOML (`docs/comp-plan-format.md`).
    source: String,
}

/// Save a plan version (finance, admins). Every problem of the file is reported, each naming
/// its line, column and field; a version that exists is a conflict.
#[utoipa::path(post, path = "/comp/plans", tag = "commissions", request_body = PlanInput,
    responses((status = 201, body = CompPlan), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn save_plan(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<PlanInput>,
) -> ApiResult<Response> {
    let plan = s.store.save_comp_plan(&actor, &input.source).await?;
    Ok((StatusCode::CREATED, Json(plan)).into_response())
}

/// A draft plan and the past period to try it on.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CompareInput {
    /// The draft plan as TOML.
    source: String,
    period: String,
}

/// What a draft plan would have cost in a past period, person by person, beside the plan in
/// force (finance, admins): everyone on a plan with the draft's id. Nothing is saved.
#[utoipa::path(post, path = "/comp/plans/compare", tag = "commissions", request_body = CompareInput,
    responses((status = 200, body = Vec<PlanComparison>), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn compare(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<CompareInput>,
) -> ApiResult<Json<Vec<PlanComparison>>> {
    Ok(Json(
        s.store
            .compare_comp_plan(&actor, &input.source, &input.period)
            .await?,
    ))
}

/// Put a person on a plan from a day (finance, admins).
#[utoipa::path(post, path = "/comp/assignments", tag = "commissions", request_body = CompAssignment,
    responses((status = 201, body = CompAssignment), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn assign(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<CompAssignment>,
) -> ApiResult<Response> {
    let assignment = s.store.assign_comp_plan(&actor, input).await?;
    Ok((StatusCode::CREATED, Json(assignment)).into_response())
}

/// A period, `2026-Q3`, `2026-07` or `FY2026`.
#[derive(Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PeriodInput {
    period: String,
}

/// The `?period=` of a request; a missing or malformed one is a 400 naming `period`.
struct PeriodQuery(String);

impl<S: Send + Sync> FromRequestParts<S> for PeriodQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(q) = Query::<PeriodInput>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::BadRequest(FieldErrors::one("period", e.body_text())))?;
        Ok(PeriodQuery(q.period))
    }
}

/// Run a period's commissions (finance, admins): every statement computed, and only what
/// changed since the last run appended to the ledger (nothing when nothing changed). Either
/// all of it is written or none.
#[utoipa::path(post, path = "/comp/runs", tag = "commissions", request_body = PeriodInput,
    responses((status = 201, body = CompRun), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn run(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<PeriodInput>,
) -> ApiResult<Response> {
    let run = s.store.run_commissions(&actor, &input.period).await?;
    Ok((StatusCode::CREATED, Json(run)).into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
struct PeriodState {
    period: String,
    status: CompPeriodStatus,
}

/// Approve a period (finance, admins): it freezes, and later changes to it become adjustments
/// in the next open period.
#[utoipa::path(post, path = "/comp/periods/{period}/approve", tag = "commissions",
    responses((status = 200, body = PeriodState), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn approve(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(period): ApiPath<String>,
) -> ApiResult<Json<PeriodState>> {
    let status = s
        .store
        .set_comp_period_status(&actor, &period, CompPeriodStatus::Approved)
        .await?;
    Ok(Json(PeriodState { period, status }))
}

/// Mark an approved period paid (finance, admins).
#[utoipa::path(post, path = "/comp/periods/{period}/paid", tag = "commissions",
    responses((status = 200, body = PeriodState), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn pay(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(period): ApiPath<String>,
) -> ApiResult<Json<PeriodState>> {
    let status = s
        .store
        .set_comp_period_status(&actor, &period, CompPeriodStatus::Paid)
        .await?;
    Ok(Json(PeriodState { period, status }))
}

/// The statements you may see for a period: your own as a rep, your people's as a manager,
/// everyone's for finance and admins.
#[utoipa::path(get, path = "/comp/statements", tag = "commissions", params(PeriodInput),
    responses((status = 200, body = Vec<CompStatement>), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn statements(
    State(s): State<AppState>,
    Auth(actor): Auth,
    PeriodQuery(period): PeriodQuery,
) -> ApiResult<Json<Vec<CompStatement>>> {
    Ok(Json(s.store.comp_statements(&actor, &period).await?))
}

/// One person's statement for a period, every line with its explanation, and what the ledger
/// holds for it. Someone whose pay you may not see is not found.
#[utoipa::path(get, path = "/comp/statements/{user_id}", tag = "commissions", params(PeriodInput),
    responses((status = 200, body = CompStatement), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn statement(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(user): ApiPath<UserId>,
    PeriodQuery(period): PeriodQuery,
) -> ApiResult<Json<CompStatement>> {
    Ok(Json(s.store.comp_statement(&actor, user, &period).await?))
}

/// What one of your open deals would pay you if it closed at an amount on a day.
#[utoipa::path(post, path = "/comp/what-if", tag = "commissions", request_body = WhatIfInput,
    responses((status = 200, body = WhatIf), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn what_if(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<WhatIfInput>,
) -> ApiResult<Json<WhatIf>> {
    Ok(Json(s.store.comp_what_if(&actor, input).await?))
}

/// A period's ledger as CSV (finance, admins): every entry earned or posted in it.
#[utoipa::path(get, path = "/comp/ledger.csv", tag = "commissions", params(PeriodInput),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn ledger_csv(
    State(s): State<AppState>,
    Auth(actor): Auth,
    PeriodQuery(period): PeriodQuery,
) -> ApiResult<Response> {
    let rows = s.store.comp_ledger_rows(&actor, &period).await?;
    Ok(csv_response(&format!("commissions-{period}.csv"), &rows))
}

/// The disputes of a period you may see: your own, your people's as a manager, everyone's
/// for finance and admins.
#[utoipa::path(get, path = "/comp/disputes", tag = "commissions", params(PeriodInput),
    responses((status = 200, body = Vec<Dispute>), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list_disputes(
    State(s): State<AppState>,
    Auth(actor): Auth,
    PeriodQuery(period): PeriodQuery,
) -> ApiResult<Json<Vec<Dispute>>> {
    Ok(Json(s.store.disputes(&actor, &period).await?))
}

/// Question a line of your statement (or, for finance and admins, anyone's).
#[utoipa::path(post, path = "/comp/disputes", tag = "commissions", request_body = DisputeInput,
    responses((status = 201, body = Dispute), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn open_dispute(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<DisputeInput>,
) -> ApiResult<Response> {
    let dispute = s.store.open_dispute(&actor, input).await?;
    Ok((StatusCode::CREATED, Json(dispute)).into_response())
}

/// Reply to a dispute: finance answers (and may resolve it); the person's reply opens it again.
#[utoipa::path(post, path = "/comp/disputes/{id}/messages", tag = "commissions", request_body = DisputeReply,
    responses((status = 200, body = Dispute), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn reply_to_dispute(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(reply): ApiJson<DisputeReply>,
) -> ApiResult<Json<Dispute>> {
    Ok(Json(s.store.reply_to_dispute(&actor, id, reply).await?))
}

/// Rows as a CSV download; a cell a spreadsheet would run as a formula is written as text.
pub(crate) fn csv_response(file: &str, rows: &[Vec<String>]) -> Response {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        let _ = writer.write_record(
            row.iter()
                .map(|cell| baton_import::formula::neutralise(cell).into_owned()),
        );
    }
    let body = writer.into_inner().unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file.replace('"', "")),
            ),
        ],
        body,
    )
        .into_response()
}
