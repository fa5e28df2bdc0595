//! `/api/v1/export` (the organisation as a Salesforce-shaped zip) and
//! `/api/v1/{accounts,contacts,deals,activities}/export` (one list as CSV or XLSX).
//!
//! Both contain only what the caller may see: they read through the same visibility-checked
//! lists as the list endpoints. See `docs/export.md`.

use super::ListDoc;
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Problem};
use crate::export::list::{Format, ListExportError, ListKind, export_list};
use crate::export::org::{ExportError, write_org};
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use baton_store::ListQuery;
use std::io::Seek;
use tokio::io::AsyncReadExt;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(org))
        .routes(routes!(accounts))
        .routes(routes!(contacts))
        .routes(routes!(deals))
        .routes(routes!(activities))
}

impl From<ExportError> for ApiError {
    fn from(error: ExportError) -> Self {
        match error {
            ExportError::Store(e) => e.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<ListExportError> for ApiError {
    fn from(error: ListExportError) -> Self {
        match error {
            ListExportError::Store(e) => e.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// A file download.
fn attachment(content_type: &str, name: &str, body: Body) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// Export everything you may see as a Salesforce Data Export.
///
/// A zip of `User.csv`, `Account.csv`, `Contact.csv`, `Opportunity.csv`,
/// `OpportunityHistory.csv`, `OpportunityContactRole.csv`, `OpportunitySplitType.csv`,
/// `OpportunitySplit.csv`, `Task.csv`, `Event.csv` and `EmailMessage.csv`, with Salesforce's
/// column names; `baton import salesforce` reads it back. Admins and coordinators get the whole
/// organisation, managers their teams' records, reps their own (and the accounts and contacts
/// of their deals), finance the deals. Text cells that would start a spreadsheet formula
/// (`= + - @`) get a leading `'`.
#[utoipa::path(get, path = "/export", tag = "export",
    responses((status = 200, description = "The zip", content_type = "application/zip",
        headers(("Content-Disposition" = String))), (status = 401, body = Problem)))]
#[tracing::instrument(skip_all, fields(user = %actor.user_id), err(level = "warn"))]
async fn org(State(s): State<AppState>, Auth(actor): Auth) -> ApiResult<Response> {
    // Spooled to a temporary file, which the response streams: memory stays at one page
    // however large the organisation.
    let mut file = tempfile::tempfile().map_err(|e| ApiError::Internal(e.to_string()))?;
    let written = write_org(&s.store, &actor, &mut file).await?;
    tracing::info!(files = ?written.files, "exported");
    file.rewind()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let file = tokio::fs::File::from_std(file);
    let chunks = futures::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buf = vec![0; 1 << 16];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some(file)))
            }
            Err(e) => Some((Err::<Bytes, _>(e), None)),
        }
    });
    let name = format!("baton-export-{}.zip", chrono::Utc::now().format("%Y-%m-%d"));
    Ok(attachment(
        "application/zip",
        &name,
        Body::from_stream(chunks),
    ))
}

/// The query of a list export: `format` and the list's own parameters.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "describes the query string; list_query parses it")]
struct ExportDoc {
    /// `csv` (default) or `xlsx`.
    format: Option<String>,
}

/// Splits `format` off a list export's query string and reads the rest as the list's query.
fn list_query(raw: Option<&str>) -> ApiResult<(Format, ListQuery)> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|e| ApiError::bad("query", e.to_string()))?;
    let mut format = Format::Csv;
    let mut rest = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        match key.as_str() {
            "format" => {
                format = Format::parse(&value)
                    .ok_or_else(|| ApiError::bad("format", "must be csv or xlsx"))?;
            }
            // Every matching row goes in the file, not one page.
            "limit" | "cursor" => {}
            _ => rest.push((key, value)),
        }
    }
    Ok((format, ListQuery::from_pairs(rest)?))
}

async fn export(
    s: &AppState,
    actor: &baton_store::Actor,
    kind: ListKind,
    raw: Option<&str>,
) -> ApiResult<Response> {
    let (format, list) = list_query(raw)?;
    let bytes = export_list(&s.store, actor, kind, &list, format).await?;
    let name = format!(
        "{}-{}.{}",
        kind.name(),
        chrono::Utc::now().format("%Y-%m-%d"),
        format.extension()
    );
    Ok(attachment(format.content_type(), &name, Body::from(bytes)))
}

/// Export the accounts matching the list's filters, sort and search as CSV or XLSX.
#[utoipa::path(get, path = "/accounts/export", tag = "accounts", params(ExportDoc, ListDoc),
    responses((status = 200, description = "The file", content_type = "text/csv",
        headers(("Content-Disposition" = String))), (status = 400, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn accounts(
    State(s): State<AppState>,
    Auth(actor): Auth,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    export(&s, &actor, ListKind::Accounts, q.as_deref()).await
}

/// Export the contacts matching the list's filters, sort and search as CSV or XLSX.
#[utoipa::path(get, path = "/contacts/export", tag = "contacts", params(ExportDoc, ListDoc),
    responses((status = 200, description = "The file", content_type = "text/csv",
        headers(("Content-Disposition" = String))), (status = 400, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn contacts(
    State(s): State<AppState>,
    Auth(actor): Auth,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    export(&s, &actor, ListKind::Contacts, q.as_deref()).await
}

/// Export the deals matching the list's filters, sort and search as CSV or XLSX.
#[utoipa::path(get, path = "/deals/export", tag = "deals", params(ExportDoc, ListDoc),
    responses((status = 200, description = "The file", content_type = "text/csv",
        headers(("Content-Disposition" = String))), (status = 400, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn deals(
    State(s): State<AppState>,
    Auth(actor): Auth,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    export(&s, &actor, ListKind::Deals, q.as_deref()).await
}

/// Export the activities matching the list's filters, sort and search as CSV or XLSX.
#[utoipa::path(get, path = "/activities/export", tag = "activities", params(ExportDoc, ListDoc),
    responses((status = 200, description = "The file", content_type = "text/csv",
        headers(("Content-Disposition" = String))), (status = 400, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn activities(
    State(s): State<AppState>,
    Auth(actor): Auth,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    export(&s, &actor, ListKind::Activities, q.as_deref()).await
}
