//! `/api/v1/signals`: what Baton noticed (deal warnings, reps and accounts at risk), with the
//! evidence, and what people did about it; `/api/v1/deals/{id}/win-probability`.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::{Query, State};
use baton_model::{DealId, FieldErrors, UserId};
use baton_store::signals::{FindingFilter, FindingStatus, StoredFinding, WinOdds};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(get))
        .routes(routes!(act))
        .routes(routes!(follow_up))
        .routes(routes!(win_probability))
}

/// A finding: what was noticed about a deal, an account or a rep, with its evidence, when it
/// was first and last seen, and what was done about it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FindingOut {
    pub id: i64,
    /// `no_activity`, `ghosted`, `stalled`, `pushed`, `amount_cut`, `single_threaded`,
    /// `overdue`, `rep_at_risk` or `account_sideways`.
    pub kind: String,
    /// `deal`, `account` or `user`.
    pub subject_type: String,
    pub subject_id: i64,
    pub subject_name: String,
    /// Whose record it is.
    pub owner_id: UserId,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// 0–100.
    pub score: i64,
    /// When what was noticed began.
    pub since: Option<NaiveDate>,
    pub summary: String,
    /// The numbers behind it, by name.
    #[schema(value_type = Object)]
    pub evidence: Value,
    /// `open`, `acknowledged`, `snoozed`, `resolved` or `cleared` (no longer raised).
    #[schema(value_type = String)]
    pub status: FindingStatus,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub note: Option<String>,
    pub follow_up_task_id: Option<i64>,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
}

impl From<StoredFinding> for FindingOut {
    fn from(f: StoredFinding) -> Self {
        FindingOut {
            id: f.id,
            kind: f.kind,
            subject_type: f.subject_type,
            subject_id: f.subject_id,
            subject_name: f.subject_name,
            owner_id: f.owner_id,
            severity: f.severity,
            score: f.score,
            since: f.since,
            summary: f.summary,
            evidence: f.evidence,
            status: f.status,
            snoozed_until: f.snoozed_until,
            note: f.note,
            follow_up_task_id: f.follow_up_task_id,
            first_seen_at: f.first_seen_at,
            last_seen_at: f.last_seen_at,
            closed_at: f.closed_at,
            version: f.version,
        }
    }
}

/// An open deal's chance of being won.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WinOddsOut {
    /// Percent, to two decimals.
    pub percent: f64,
    /// `learned` (from this organisation's closed deals) or `stage_probability` (too few
    /// closed deals to learn from).
    pub method: String,
    /// The three factors that moved it most from the average deal: `feature` and `effect`
    /// in log-odds (positive raises it).
    #[schema(value_type = Vec<Object>)]
    pub factors: Value,
    pub computed_at: DateTime<Utc>,
}

impl From<WinOdds> for WinOddsOut {
    fn from(w: WinOdds) -> Self {
        WinOddsOut {
            percent: w.percent,
            method: w.method,
            factors: w.factors,
            computed_at: w.computed_at,
        }
    }
}

/// Which findings to list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Also resolved findings and those no longer raised.
    #[serde(default)]
    closed: bool,
    /// Only those about one record: `deal`, `account` or `user`, with `subject_id`.
    subject_type: Option<String>,
    subject_id: Option<i64>,
    /// At most this many (default 500), highest score first.
    limit: Option<i64>,
}

/// The findings you may see, highest score first: open ones, then (with `closed=true`) the
/// resolved and cleared ones.
#[utoipa::path(get, path = "/signals", tag = "signals", params(ListQuery),
    responses((status = 200, body = Vec<FindingOut>)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Vec<FindingOut>>> {
    let filter = FindingFilter {
        include_closed: q.closed,
        subject: q.subject_type.zip(q.subject_id),
        limit: q.limit.map(|l| l.clamp(1, 500)),
    };
    let findings = s.store.signal_findings(&actor, &filter).await?;
    Ok(Json(findings.into_iter().map(Into::into).collect()))
}

/// One finding.
#[utoipa::path(get, path = "/signals/{id}", tag = "signals",
    responses((status = 200, body = FindingOut), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = id), err(level = "warn"))]
async fn get(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<FindingOut>> {
    Ok(Json(s.store.signal_finding(&actor, id).await?.into()))
}

/// What to do with a finding.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActInput {
    /// `acknowledged`, `snoozed` (with `until`) or `resolved` (with an optional `note`).
    pub status: String,
    pub until: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

/// Acknowledge, snooze or resolve a finding.
#[utoipa::path(post, path = "/signals/{id}/status", tag = "signals", request_body = ActInput,
    responses((status = 200, body = FindingOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = id), err(level = "warn"))]
async fn act(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ActInput>,
) -> ApiResult<Json<FindingOut>> {
    let status = match input.status.as_str() {
        "acknowledged" => FindingStatus::Acknowledged,
        "snoozed" => FindingStatus::Snoozed,
        "resolved" => FindingStatus::Resolved,
        other => {
            return Err(ApiError::Invalid(FieldErrors::one(
                "status",
                format!("{other:?}: expected acknowledged, snoozed or resolved"),
            )));
        }
    };
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let finding = s
        .store
        .act_on_finding(&actor, id, status, input.until, note)
        .await?;
    Ok(Json(finding.into()))
}

/// The follow-up task to assign.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpInput {
    pub due_date: NaiveDate,
    /// Defaults to "Follow up: " and the finding's summary.
    pub subject: Option<String>,
}

/// Assign a follow-up task to the owner of the finding's record, on the deal or account it is
/// about; the finding keeps a link to it.
#[utoipa::path(post, path = "/signals/{id}/follow-up", tag = "signals", request_body = FollowUpInput,
    responses((status = 200, body = FindingOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = id), err(level = "warn"))]
async fn follow_up(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<FollowUpInput>,
) -> ApiResult<Json<FindingOut>> {
    let finding = s
        .store
        .assign_follow_up(&actor, id, input.due_date, input.subject)
        .await?;
    Ok(Json(finding.into()))
}

/// The deal's chance of being won, as last computed, with the factors that moved it most.
#[utoipa::path(get, path = "/deals/{id}/win-probability", tag = "signals",
    responses((status = 200, body = FindingOut), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = id), err(level = "warn"))]
async fn win_probability(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<WinOddsOut>> {
    // A closed deal, one not visible and one not computed yet all have none.
    let odds = s.store.win_odds(&actor, DealId(id)).await?;
    odds.map(|o| Json(o.into())).ok_or(ApiError::NotFound)
}
