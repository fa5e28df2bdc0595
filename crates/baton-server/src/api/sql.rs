//! `POST /api/v1/sql`: the SQL console over the reporting views (`docs/reporting-schema.md`).

use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::State;
use baton_store::{SqlError, SqlLimits, SqlTable};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(run))
}

/// A query for the console.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SqlInput {
    /// One `SELECT` (a `WITH` is fine) over the `rpt_` views.
    #[schema(example = "SELECT owner_name, sum(amount_minor) FROM rpt_deals GROUP BY owner_name")]
    pub query: String,
}

/// A query's result.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SqlOutput {
    /// Column names, in order.
    pub columns: Vec<String>,
    /// Rows of values in column order: numbers, text, booleans or null. Money is integer minor
    /// units; times are RFC 3339 text.
    #[schema(value_type = Vec<Vec<Object>>)]
    pub rows: Vec<Vec<serde_json::Value>>,
    /// Whether the result was cut at the row cap (10,000 rows).
    pub truncated: bool,
    /// How long the database took, in milliseconds.
    pub elapsed_ms: u64,
}

impl From<SqlTable> for SqlOutput {
    fn from(table: SqlTable) -> Self {
        SqlOutput {
            columns: table.columns,
            rows: table.rows,
            truncated: table.truncated,
            elapsed_ms: table.elapsed_ms,
        }
    }
}

/// Run one read-only `SELECT` over the reporting views (`rpt_deals`, `rpt_deal_history`,
/// `rpt_activities`, `rpt_accounts`, `rpt_users`, `rpt_quotas`), each holding only the rows you
/// may see. Anything else — writes, DDL, PRAGMA, ATTACH, other tables, functions outside the
/// allow-list, several statements — is refused with a 400 saying why. A query runs at most 5
/// seconds and returns at most 10,000 rows (`truncated` says when there were more).
#[utoipa::path(post, path = "/sql", tag = "reports", request_body = SqlInput,
    responses((status = 200, body = SqlOutput), (status = 400, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "info"))]
async fn run(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<SqlInput>,
) -> ApiResult<Json<SqlOutput>> {
    let table = s
        .store
        .run_sql(&actor, &input.query, SqlLimits::default())
        .await
        .map_err(query_error)?;
    Ok(Json(table.into()))
}

/// A refused, stopped or failed query is the client's to fix: 400 naming the field `query`.
fn query_error(error: SqlError) -> ApiError {
    match error {
        SqlError::Store(e) => e.into(),
        e @ (SqlError::Refused(_) | SqlError::TimedOut(_) | SqlError::Failed(_)) => {
            ApiError::bad("query", e.to_string())
        }
    }
}
