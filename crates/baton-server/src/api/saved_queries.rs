//! `/api/v1/saved-queries`: SQL console queries kept by name, private or shared with everyone.
//! Running one is `POST /api/v1/sql` with its `sql`; each reader sees what their visibility
//! allows.

use super::{ListResponse, created, found, no_content};
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, IfMatch};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use baton_model::records::{Nullable, nullable};
use baton_store::sql_console::{ChartKind, SavedChart, SavedQuery, SavedQueryChanges};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
}

/// A saved query.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SavedQueryOut {
    pub id: i64,
    /// Who saved it; only they (or an admin) may change it.
    pub owner_id: i64,
    /// Their name.
    pub owner_name: String,
    pub name: String,
    /// The query, to send to `POST /api/v1/sql`.
    pub sql: String,
    /// Whether everyone may read and run it.
    pub shared: bool,
    /// The chart drawn from its result, or null.
    pub chart: Option<Chart>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<SavedQuery> for SavedQueryOut {
    fn from(q: SavedQuery) -> Self {
        SavedQueryOut {
            id: q.id,
            owner_id: q.owner_id.0,
            owner_name: q.owner_name,
            name: q.name,
            sql: q.sql,
            shared: q.shared,
            chart: q.chart.as_ref().map(Chart::from),
            version: q.version,
            created_at: q.created_at,
            updated_at: q.updated_at,
        }
    }
}

/// A chart of a query's result, as the console's chart builder draws it: the `y` columns'
/// values against the `x` column's labels, one series per distinct value of `series` when set.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Chart {
    /// `bar` or `line`.
    #[schema(example = "bar")]
    pub kind: String,
    /// The column of labels.
    #[schema(example = "owner_name")]
    pub x: String,
    /// The columns of values (1 to 8).
    #[schema(example = json!(["won"]))]
    pub y: Vec<String>,
    /// The column whose values each make a series, or null.
    #[serde(default)]
    pub series: Option<String>,
}

impl From<&SavedChart> for Chart {
    fn from(chart: &SavedChart) -> Self {
        Chart {
            kind: chart.kind().as_str().to_owned(),
            x: chart.x().to_owned(),
            y: chart.y().to_vec(),
            series: chart.series().map(str::to_owned),
        }
    }
}

impl Chart {
    /// The chart to keep, or field errors under `chart.`.
    fn parse(self) -> Result<SavedChart, ApiError> {
        let Some(kind) = ChartKind::parse(&self.kind) else {
            return Err(ApiError::Invalid(baton_model::FieldErrors::one(
                "chart.kind",
                "must be bar or line",
            )));
        };
        SavedChart::parse(kind, &self.x, &self.y, self.series.as_deref()).map_err(ApiError::Invalid)
    }
}

/// A saved query to create or change; on change, omitted fields keep their value.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedQueryInput {
    /// Up to 200 characters; unique among your saved queries.
    pub name: Option<String>,
    /// One SELECT the console accepts.
    pub sql: Option<String>,
    /// Share with everyone (default: private).
    pub shared: Option<bool>,
    /// The chart to keep with it; null removes it (default: none).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Chart>)]
    pub chart: Nullable<Chart>,
    /// The version you read, instead of `If-Match`.
    pub version: Option<i64>,
}

impl SavedQueryInput {
    fn changes(self) -> ApiResult<SavedQueryChanges> {
        Ok(SavedQueryChanges {
            name: self.name,
            sql: self.sql,
            shared: self.shared,
            chart: self
                .chart
                .map(|chart| chart.map(Chart::parse).transpose())
                .transpose()?,
        })
    }
}

/// List your saved queries and the shared ones, by name (one page holds them all).
#[utoipa::path(get, path = "/saved-queries", tag = "reports",
    responses((status = 200, body = ListResponse<SavedQueryOut>)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<ListResponse<SavedQueryOut>>> {
    let items = s.store.saved_queries(&actor).await?;
    Ok(Json(ListResponse {
        items: items.into_iter().map(Into::into).collect(),
        next_cursor: None,
    }))
}

/// Read one saved query (yours or a shared one).
#[utoipa::path(get, path = "/saved-queries/{id}", tag = "reports",
    responses((status = 200, body = SavedQueryOut), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = id), err(level = "warn"))]
async fn get(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let saved = s.store.get_saved_query(&actor, id).await?;
    Ok(found(saved.version, &SavedQueryOut::from(saved)))
}

/// Save a query: a name, the SQL (checked like `POST /api/v1/sql` checks it) and whether to
/// share it.
#[utoipa::path(post, path = "/saved-queries", tag = "reports", request_body = SavedQueryInput,
    responses((status = 201, body = SavedQueryOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn create(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<SavedQueryInput>,
) -> ApiResult<Response> {
    let saved = s.store.create_saved_query(&actor, input.changes()?).await?;
    Ok(created(
        &format!("/api/v1/saved-queries/{}", saved.id),
        saved.version,
        &SavedQueryOut::from(saved),
    ))
}

/// Change a saved query of yours (admins may change anyone's).
#[utoipa::path(patch, path = "/saved-queries/{id}", tag = "reports", request_body = SavedQueryInput,
    responses((status = 200, body = SavedQueryOut), (status = 403, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = id), err(level = "warn"))]
async fn update(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    if_match: IfMatch,
    ApiJson(input): ApiJson<SavedQueryInput>,
) -> ApiResult<Response> {
    let version = if_match.required(input.version)?;
    let saved = s
        .store
        .update_saved_query(&actor, id, Some(version), input.changes()?)
        .await?;
    Ok(found(saved.version, &SavedQueryOut::from(saved)))
}

/// Delete a saved query of yours (admins may delete anyone's).
#[utoipa::path(delete, path = "/saved-queries/{id}", tag = "reports",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = id), err(level = "warn"))]
async fn delete(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    IfMatch(version): IfMatch,
) -> ApiResult<Response> {
    s.store.delete_saved_query(&actor, id, version).await?;
    Ok(no_content())
}
