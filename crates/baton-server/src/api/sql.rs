//! `POST /api/v1/sql`: the SQL console over the reporting views (`docs/reporting-schema.md`),
//! answering JSON, or CSV when asked for with `Accept: text/csv`.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Problem};
use crate::export::sql::csv_download;
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
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
///
/// With `Accept: text/csv` the answer is the same rows as a CSV file instead: a header row of
/// column names, empty cells for null, and text that a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-` or `@`) prefixed with `'`. A result cut at the row cap carries
/// `X-Baton-Truncated: true`.
#[utoipa::path(post, path = "/sql", tag = "reports", request_body = SqlInput,
    responses(
        (status = 200, description = "The result, as JSON or (with `Accept: text/csv`) CSV",
            content((SqlOutput = "application/json"), (String = "text/csv"))),
        (status = 400, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "info"))]
async fn run(
    State(s): State<AppState>,
    Auth(actor): Auth,
    headers: HeaderMap,
    ApiJson(input): ApiJson<SqlInput>,
) -> ApiResult<Response> {
    let table = s
        .store
        .run_sql(&actor, &input.query, SqlLimits::default())
        .await
        .map_err(query_error)?;
    if wants_csv(&headers) {
        return csv_download(&table, "query.csv").map_err(|e| ApiError::Internal(e.to_string()));
    }
    Ok(Json(SqlOutput::from(table)).into_response())
}

/// Whether the request's `Accept` prefers CSV to JSON: the media range with the higher `q`
/// wins, the first listed on a tie (RFC 9110, section 12.5.1), and JSON when neither is named.
fn wants_csv(headers: &HeaderMap) -> bool {
    let mut csv = None;
    let mut json = None;
    let accept = headers.get_all(header::ACCEPT).iter();
    let ranges = accept
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','));
    for (position, range) in ranges.enumerate() {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        let q = parts
            .find_map(|p| p.strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        // A higher q first, then an earlier position.
        let rank = (q, std::cmp::Reverse(position));
        let slot = match media.as_str() {
            "text/csv" => &mut csv,
            "application/json" | "application/*" | "*/*" => &mut json,
            _ => continue,
        };
        if q > 0.0 && slot.is_none_or(|r: (f32, std::cmp::Reverse<usize>)| rank > r) {
            *slot = Some(rank);
        }
    }
    match (csv, json) {
        (Some(csv), Some(json)) => csv > json,
        (Some(_), None) => true,
        _ => false,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn accepting(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn csv_is_answered_only_when_the_client_prefers_it() {
        assert!(wants_csv(&accepting("text/csv")));
        assert!(wants_csv(&accepting("text/csv, application/json")));
        assert!(wants_csv(&accepting("application/json;q=0.5, text/csv")));
        assert!(!wants_csv(&accepting("application/json, text/csv")));
        assert!(!wants_csv(&accepting("*/*, text/csv;q=0.1")));
        assert!(!wants_csv(&accepting("text/csv;q=0")));
        assert!(!wants_csv(&HeaderMap::new()));
    }
}
