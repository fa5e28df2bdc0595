//! `/api/v1/reports`: the quarterly review's numbers (definitions in `docs/metrics.md`).

use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use axum::Json;
use axum::extract::{Query, State};
use baton_model::TeamId;
use baton_reports::QuarterlyReport;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(quarterly))
}

/// Which review.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct QuarterlyQuery {
    /// A fiscal quarter, `2026-Q3`; the last complete quarter when left out.
    pub quarter: Option<String>,
    /// Only this team: its members and everyone below them.
    pub team: Option<i64>,
}

/// The quarterly review as of now: every metric for the quarter, the quarter before and the
/// same quarter a year earlier, with the changes; the per-rep table; closed-won by week,
/// team, month, source and industry; stage conversion and time in stage; the attainment
/// bands; the slipped deals. Computed over the deals and activities you may see.
#[utoipa::path(get, path = "/reports/quarterly", tag = "reports", params(QuarterlyQuery),
    responses((status = 200, body = QuarterlyReport), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn quarterly(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Query(q): Query<QuarterlyQuery>,
) -> ApiResult<Json<QuarterlyReport>> {
    Ok(Json(
        s.store
            .quarterly_report(&actor, q.quarter.as_deref(), q.team.map(TeamId))
            .await?,
    ))
}
