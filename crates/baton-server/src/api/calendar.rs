//! The team calendar: `/api/v1/calendar`, `/api/v1/meetings`, `/api/v1/meeting-moves` and each
//! person's working hours and external calendars; and the subscribable feeds (secret URL, no
//! sign-in) under `/calendar/feeds`.

use super::created;
use crate::auth::{Auth, hash_token, new_token_secret};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath};
use crate::{AppState, calendar_fetch};
use axum::Json;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use baton_calendar::{Interval, ics};
use baton_model::records::{
    Activity, CalendarSource, FindTimeInput, FoundTimes, MeetingInput, MeetingMove, PersonWeek,
    ProposedMove, WorkingHours,
};
use baton_model::{FieldErrors, TeamId, UserId};
use baton_store::{Actor, FeedOf, MAX_CALENDAR_BYTES, StoreError};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(week))
        .routes(routes!(find_time))
        .routes(routes!(book))
        .routes(routes!(pending_moves, propose_move))
        .routes(routes!(accept_move))
        .routes(routes!(decline_move))
        .routes(routes!(get_hours, set_hours))
        .merge(
            // A calendar file is larger than most bodies; in JSON its line breaks take two bytes.
            OpenApiRouter::new()
                .routes(routes!(list_sources, add_source))
                .layer(DefaultBodyLimit::max(2 * MAX_CALENDAR_BYTES)),
        )
        .routes(routes!(refresh_source))
        .routes(routes!(remove_source))
        .routes(routes!(create_feed))
}

/// The query of `GET /calendar`.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct WeekQuery {
    /// Comma-separated user ids.
    user_ids: String,
    /// Start of the window (RFC 3339).
    from: DateTime<Utc>,
    /// End of the window (RFC 3339), at most 92 days after `from`.
    to: DateTime<Utc>,
}

/// People side by side: each one's working time and busy blocks within a window. Everyone's
/// busy time shows; a meeting's subject only to those who may see the meeting.
#[utoipa::path(get, path = "/calendar", tag = "calendar", params(WeekQuery),
    responses((status = 200, body = Vec<PersonWeek>), (status = 400, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn week(
    State(s): State<AppState>,
    Auth(actor): Auth,
    query: Result<Query<WeekQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<Vec<PersonWeek>>> {
    let Query(q) =
        query.map_err(|e| ApiError::BadRequest(FieldErrors::one("query", e.body_text())))?;
    let users = q
        .user_ids
        .split(',')
        .filter(|id| !id.trim().is_empty())
        .map(|id| id.trim().parse().map(UserId))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| {
            ApiError::BadRequest(FieldErrors::one("user_ids", "must be comma-separated ids"))
        })?;
    let window = Interval::new(q.from, q.to)
        .ok_or_else(|| ApiError::Invalid(FieldErrors::one("to", "must be after from")))?;
    Ok(Json(s.store.calendar_week(&actor, &users, window).await?))
}

/// Find a time for a meeting: free times where every required person works, best first (most
/// optional people, least time outside core hours, earliest). When there is none, proposals of
/// the fewest lower-priority meetings to move and where, each with its explanation; the
/// meeting's priority comes from its deal (amount, stage, days to close, account tier) unless
/// set by hand.
#[utoipa::path(post, path = "/calendar/find-time", tag = "calendar", request_body = FindTimeInput,
    responses((status = 200, body = FoundTimes), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn find_time(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<FindTimeInput>,
) -> ApiResult<Json<FoundTimes>> {
    Ok(Json(s.store.find_time(&actor, input).await?))
}

/// Book a meeting: an activity of kind meeting owned by you, with its people.
#[utoipa::path(post, path = "/meetings", tag = "calendar", request_body = MeetingInput,
    responses((status = 201, body = Activity), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn book(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<MeetingInput>,
) -> ApiResult<Response> {
    let meeting = s.store.book_meeting(&actor, input).await?;
    Ok(created(
        &format!("/api/v1/activities/{}", meeting.id),
        meeting.version,
        &meeting,
    ))
}

/// Moves waiting for your answer (of meetings you own).
#[utoipa::path(get, path = "/meeting-moves", tag = "calendar",
    responses((status = 200, body = Vec<MeetingMove>)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn pending_moves(
    State(s): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<Vec<MeetingMove>>> {
    Ok(Json(s.store.pending_moves(&actor).await?))
}

/// Ask a meeting's owner to move it (one of the moves `find-time` proposed). Nothing moves
/// until they accept; 409 when the meeting is no longer where the proposal says.
#[utoipa::path(post, path = "/meeting-moves", tag = "calendar", request_body = ProposedMove,
    responses((status = 201, body = MeetingMove), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn propose_move(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<ProposedMove>,
) -> ApiResult<Response> {
    let proposed = s.store.propose_move(&actor, input).await?;
    Ok((StatusCode::CREATED, Json(proposed)).into_response())
}

/// Accept a proposed move of your meeting: it moves, and the change is audited.
#[utoipa::path(post, path = "/meeting-moves/{id}/accept", tag = "calendar",
    responses((status = 200, body = MeetingMove), (status = 403, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn accept_move(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MeetingMove>> {
    Ok(Json(s.store.answer_move(&actor, id, true).await?))
}

/// Decline a proposed move of your meeting.
#[utoipa::path(post, path = "/meeting-moves/{id}/decline", tag = "calendar",
    responses((status = 200, body = MeetingMove), (status = 403, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn decline_move(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MeetingMove>> {
    Ok(Json(s.store.answer_move(&actor, id, false).await?))
}

/// A person's working hours (09:00–17:00 Monday to Friday until set).
#[utoipa::path(get, path = "/users/{id}/working-hours", tag = "calendar",
    responses((status = 200, body = WorkingHours)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn get_hours(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<UserId>,
) -> ApiResult<Json<WorkingHours>> {
    Ok(Json(s.store.working_hours(&actor, id).await?))
}

/// Set a person's working hours: your own, or anyone's as an admin or coordinator.
#[utoipa::path(put, path = "/users/{id}/working-hours", tag = "calendar", request_body = WorkingHours,
    responses((status = 200, body = WorkingHours), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn set_hours(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(hours): ApiJson<WorkingHours>,
) -> ApiResult<Json<WorkingHours>> {
    Ok(Json(s.store.set_working_hours(&actor, id, hours).await?))
}

/// A person's external calendars.
#[utoipa::path(get, path = "/users/{id}/calendars", tag = "calendar",
    responses((status = 200, body = Vec<CalendarSource>)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn list_sources(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<UserId>,
) -> ApiResult<Json<Vec<CalendarSource>>> {
    Ok(Json(s.store.calendar_sources(&actor, id).await?))
}

/// An external calendar to add: its file's text, or the URL to fetch it from (and fetch it
/// again from every 15 minutes).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SourceInput {
    /// What to call it ("Google").
    name: String,
    /// The calendar file's text (an export from Google Calendar, Outlook or Apple Calendar).
    ics: Option<String>,
    /// Its feed URL (`https://`, `http://` or `webcal://`), such as Google Calendar's "secret
    /// address in iCal format".
    url: Option<String>,
}

/// Add an external calendar to a person's busy time: your own, or anyone's as an admin or
/// coordinator. Give the file's text in `ics` or its feed URL in `url`. Its events block time
/// and never move; a problem in one event is a warning naming it, and a file that is not a
/// calendar (or a URL that does not give one) is refused.
#[utoipa::path(post, path = "/users/{id}/calendars", tag = "calendar", request_body = SourceInput,
    responses((status = 201, body = CalendarSource), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn add_source(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(input): ApiJson<SourceInput>,
) -> ApiResult<Response> {
    let source = match (input.ics, input.url) {
        (Some(ics), None) => {
            s.store
                .add_calendar_source(&actor, id, &input.name, None, ics.as_bytes())
                .await?
        }
        (None, Some(url)) => add_from_url(&s, &actor, id, &input.name, &url).await?,
        _ => {
            return Err(ApiError::Invalid(FieldErrors::one(
                "ics",
                "give exactly one of ics and url",
            )));
        }
    };
    Ok((StatusCode::CREATED, Json(source)).into_response())
}

/// Fetches a calendar from a URL a person gave and adds it; a URL that gives no calendar is
/// refused, naming the field `url`.
pub(crate) async fn add_from_url(
    s: &AppState,
    actor: &Actor,
    user: UserId,
    name: &str,
    url: &str,
) -> ApiResult<CalendarSource> {
    let invalid = |message: String| ApiError::Invalid(FieldErrors::one("url", message));
    let url = calendar_fetch::feed_url(url).map_err(invalid)?;
    // Only someone who may add the calendar makes the server fetch anything.
    s.store.calendar_sources(actor, user).await?;
    let body = calendar_fetch::fetch(&url, s.config.allow_private_feed_urls)
        .await
        .map_err(invalid)?;
    s.store
        .add_calendar_source(actor, user, name, Some(url.as_str()), &body)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(errors) => invalid(format!("does not give a calendar: {errors}")),
            other => other.into(),
        })
}

/// Fetch an external calendar from its URL again now (it is also fetched every 15 minutes).
/// When that fails, `last_error` says why and the copy from `fetched_at` stays in use.
#[utoipa::path(post, path = "/users/{user_id}/calendars/{id}/refresh", tag = "calendar",
    responses((status = 200, body = CalendarSource), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn refresh_source(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath((user_id, id)): ApiPath<(UserId, i64)>,
) -> ApiResult<Json<CalendarSource>> {
    Ok(Json(refresh(&s, &actor, user_id, id).await?))
}

/// Fetches one of a person's calendars from its URL again.
pub(crate) async fn refresh(
    s: &AppState,
    actor: &Actor,
    user: UserId,
    id: i64,
) -> ApiResult<CalendarSource> {
    let source = s.store.calendar_source(actor, id).await?;
    let Some(url) = source.url.filter(|_| source.user_id == user) else {
        return Err(ApiError::NotFound);
    };
    let fetched = match calendar_fetch::feed_url(&url) {
        Ok(url) => calendar_fetch::fetch(&url, s.config.allow_private_feed_urls).await,
        Err(e) => Err(format!("the URL {e}")),
    };
    Ok(s.store
        .record_calendar_fetch(Some(actor), id, fetched)
        .await?)
}

/// Remove an external calendar: its events stop blocking time.
#[utoipa::path(delete, path = "/users/{user_id}/calendars/{id}", tag = "calendar",
    responses((status = 204), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn remove_source(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath((user_id, id)): ApiPath<(UserId, i64)>,
) -> ApiResult<StatusCode> {
    if s.store.calendar_source(&actor, id).await?.user_id != user_id {
        return Err(ApiError::NotFound);
    }
    s.store.remove_calendar_source(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whose meetings a new feed shows: one of `user_id` and `team_id`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct FeedInput {
    #[serde(default)]
    user_id: Option<UserId>,
    #[serde(default)]
    team_id: Option<TeamId>,
}

/// A created feed: its secret addresses, shown this once.
#[derive(Serialize, utoipa::ToSchema)]
struct CreatedFeed {
    /// Subscribe to this in a calendar program (`text/calendar`).
    events_path: String,
    /// Free/busy only (`VFREEBUSY`).
    freebusy_path: String,
}

/// Make a subscribable feed of a person's or a team's meetings, at a secret address.
#[utoipa::path(post, path = "/calendar/feeds", tag = "calendar", request_body = FeedInput,
    responses((status = 201, body = CreatedFeed), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn create_feed(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<FeedInput>,
) -> ApiResult<Response> {
    let of = match (input.user_id, input.team_id) {
        (Some(user), None) => FeedOf::User(user),
        (None, Some(team)) => FeedOf::Team(team),
        _ => {
            return Err(ApiError::Invalid(FieldErrors::one(
                "user_id",
                "give exactly one of user_id and team_id",
            )));
        }
    };
    let secret = new_token_secret();
    s.store
        .create_calendar_feed(&actor, of, &hash_token(&secret))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedFeed {
            events_path: format!("/calendar/feeds/{secret}/events.ics"),
            freebusy_path: format!("/calendar/feeds/{secret}/freebusy.ics"),
        }),
    )
        .into_response())
}

/// `GET /calendar/feeds/{secret}/{events.ics|freebusy.ics}`: a feed's meetings from 30 days
/// ago to 180 days ahead, as RFC 5545 events or as free/busy. An unknown secret is a 404.
pub async fn feed(
    State(s): State<AppState>,
    axum::extract::Path((secret, file)): axum::extract::Path<(String, String)>,
) -> ApiResult<Response> {
    let at = baton_store::now();
    let window = Interval::new(at - TimeDelta::days(30), at + TimeDelta::days(180))
        .ok_or(ApiError::NotFound)?;
    let feed = s
        .store
        .calendar_feed(&hash_token(&secret), window)
        .await?
        .ok_or(ApiError::NotFound)?;
    let body = match file.as_str() {
        "events.ics" => ics::write(&feed.events, at),
        "freebusy.ics" => ics::write_freebusy(&feed.busy, &window, at),
        _ => return Err(ApiError::NotFound),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        body,
    )
        .into_response())
}
