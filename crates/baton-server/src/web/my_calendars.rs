//! "Your calendars": a person's external calendars (uploaded files and feed URLs, fetched again
//! every 15 minutes), whose events block their time, and the secret feed addresses that put
//! their own or their team's meetings into another calendar program. The same store calls as
//! `/api/v1/users/{id}/calendars` and `/api/v1/calendar-feeds`.

use super::chrome::Chrome;
use super::error::PageError;
use super::session::WebUser;
use crate::AppState;
use crate::api::calendar::{add_from_url, refresh};
use crate::auth::{hash_token, new_token_secret};
use crate::error::ApiError;
use crate::extract::ApiPath;
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use baton_model::TeamId;
use baton_model::records::{CalendarSource, Team};
use baton_store::FeedOf;

/// One external calendar as listed.
pub struct SourceView {
    pub id: i64,
    pub name: String,
    /// "uploaded file" or the host it is fetched from.
    pub origin: String,
    pub events: i64,
    pub warnings: Vec<String>,
    /// "read 2 hours ago", with "checked 5 minutes ago" for a feed.
    pub read: String,
    pub error: Option<String>,
    pub from_url: bool,
}

/// A feed just made: its addresses, shown this once.
pub struct NewFeed {
    pub of: String,
    pub events: String,
    pub freebusy: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "calendar/mine.html")]
pub struct MinePage {
    chrome: Chrome,
    notice: Option<String>,
    sources: Vec<SourceView>,
    /// `(value, label)` of whose meetings a feed may show.
    feed_choices: Vec<(String, String)>,
    new_feed: Option<NewFeed>,
    /// What the add form held and why it was refused, when it was.
    name: String,
    url: String,
    error: Option<String>,
}

#[derive(Default)]
struct Shown {
    notice: Option<String>,
    new_feed: Option<NewFeed>,
    name: String,
    url: String,
    error: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct MineQuery {
    notice: Option<String>,
}

/// `GET /calendar/mine`.
pub async fn page(
    State(s): State<AppState>,
    user: WebUser,
    axum::extract::Query(q): axum::extract::Query<MineQuery>,
) -> Result<MinePage, PageError> {
    render(
        &s,
        &user,
        Shown {
            notice: q.notice,
            ..Shown::default()
        },
    )
    .await
}

async fn render(s: &AppState, user: &WebUser, shown: Shown) -> Result<MinePage, PageError> {
    let actor = user.0.actor;
    let now = chrono::Utc::now();
    let sources = s
        .store
        .calendar_sources(&actor, actor.user_id)
        .await?
        .into_iter()
        .map(|c: CalendarSource| SourceView {
            id: c.id,
            origin: c.url.as_deref().map_or_else(
                || "uploaded file".to_owned(),
                |u| {
                    reqwest::Url::parse(u)
                        .ok()
                        .and_then(|u| u.host_str().map(str::to_owned))
                        .unwrap_or_default()
                },
            ),
            read: if c.url.is_some() {
                format!(
                    "read {}, checked {}",
                    super::format::ago(c.fetched_at, now),
                    super::format::ago(c.checked_at, now)
                )
            } else {
                format!("read {}", super::format::ago(c.fetched_at, now))
            },
            from_url: c.url.is_some(),
            name: c.name,
            events: c.events,
            warnings: c.warnings,
            error: c.last_error,
        })
        .collect();
    let mut feed_choices = vec![("me".to_owned(), "My meetings".to_owned())];
    feed_choices.extend(
        feed_teams(s, user)
            .await?
            .into_iter()
            .map(|t| (t.id.to_string(), format!("Team {}", t.name))),
    );
    Ok(MinePage {
        chrome: Chrome::new(user, "/calendar", "Your calendars"),
        notice: shown.notice,
        sources,
        feed_choices,
        new_feed: shown.new_feed,
        name: shown.name,
        url: shown.url,
        error: shown.error,
    })
}

/// The teams whose feed the person may make: their own, or every team for an admin or
/// coordinator.
async fn feed_teams(s: &AppState, user: &WebUser) -> Result<Vec<Team>, ApiError> {
    let actor = user.0.actor;
    let all = matches!(
        actor.role,
        baton_model::Role::Admin | baton_model::Role::Coordinator
    );
    Ok(super::calendar::all_teams(s, &actor)
        .await?
        .into_iter()
        .filter(|t| {
            all || t.manager_id == Some(actor.user_id) || t.member_ids.contains(&actor.user_id)
        })
        .collect())
}

fn back(notice: &str) -> Response {
    let query = serde_urlencoded::to_string([("notice", notice)]).unwrap_or_default();
    Redirect::to(&format!("/calendar/mine?{query}")).into_response()
}

/// `POST /calendar/mine/sources` (multipart): adds a calendar from an uploaded file or a URL.
/// A refusal shows the page again with the reason beside the form and what was typed kept.
pub async fn add(
    State(s): State<AppState>,
    user: WebUser,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let (mut name, mut url, mut file) = (String::new(), String::new(), Bytes::new());
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        ApiError::bad("file", format!("the upload broke off ({})", e.body_text()))
    };
    while let Some(field) = form.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or_default() {
            "name" => name = field.text().await.map_err(unreadable)?,
            "url" => url = field.text().await.map_err(unreadable)?,
            "file" => file = field.bytes().await.map_err(unreadable)?,
            _ => {}
        }
    }
    let actor = user.0.actor;
    let added = if url.trim().is_empty() {
        if file.is_empty() {
            Err(ApiError::bad(
                "file",
                "choose a calendar file or give its URL",
            ))
        } else {
            s.store
                .add_calendar_source(&actor, actor.user_id, &name, None, &file)
                .await
                .map_err(ApiError::from)
        }
    } else {
        add_from_url(&s, &actor, actor.user_id, &name, &url).await
    };
    match added {
        Ok(source) => Ok(back(&format!(
            "Added “{}” with {} event{}; they now block your time.",
            source.name,
            source.events,
            if source.events == 1 { "" } else { "s" }
        ))),
        Err(ApiError::Invalid(errors) | ApiError::BadRequest(errors)) => {
            let page = render(
                &s,
                &user,
                Shown {
                    name,
                    url,
                    error: Some(errors.to_string()),
                    ..Shown::default()
                },
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /calendar/mine/sources/{id}/{refresh|remove}`.
pub async fn change(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath((id, what)): ApiPath<(i64, String)>,
) -> Result<Response, PageError> {
    let actor = user.0.actor;
    match what.as_str() {
        "refresh" => {
            let source = refresh(&s, &actor, actor.user_id, id).await?;
            Ok(back(&match source.last_error {
                Some(reason) => format!(
                    "Could not fetch “{}” again: {reason}. The copy read before stays in use.",
                    source.name
                ),
                None => format!("Fetched “{}” again: {} events.", source.name, source.events),
            }))
        }
        "remove" => {
            let source = s.store.calendar_source(&actor, id).await?;
            if source.user_id != actor.user_id {
                return Err(ApiError::NotFound.into());
            }
            s.store.remove_calendar_source(&actor, id).await?;
            Ok(back(&format!(
                "Removed “{}”; its events no longer block your time.",
                source.name
            )))
        }
        _ => Err(ApiError::NotFound.into()),
    }
}

/// `POST /calendar/mine/feeds`: makes a secret feed address of one's own or a team's meetings
/// and shows it this once.
pub async fn create_feed(
    State(s): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<MinePage, PageError> {
    let form = super::forms::Submitted::parse(&body);
    let actor = user.0.actor;
    let choice = form.get("of");
    let (of, label) = if choice == "me" {
        (FeedOf::User(actor.user_id), "your meetings".to_owned())
    } else {
        let team = choice
            .parse()
            .map(TeamId)
            .map_err(|_| ApiError::bad("of", "choose whose meetings"))?;
        let name = s.store.get_team(&actor, team).await?.name;
        (FeedOf::Team(team), format!("team {name}'s meetings"))
    };
    let secret = new_token_secret();
    s.store
        .create_calendar_feed(&actor, of, &hash_token(&secret))
        .await?;
    let base = base_url(&headers);
    render(
        &s,
        &user,
        Shown {
            new_feed: Some(NewFeed {
                of: label,
                events: format!("{base}/calendar/feeds/{secret}/events.ics"),
                freebusy: format!("{base}/calendar/feeds/{secret}/freebusy.ics"),
            }),
            ..Shown::default()
        },
    )
    .await
}

/// The address this request reached Baton at, as a browser would write it (behind a proxy,
/// from `X-Forwarded-Proto`).
fn base_url(headers: &HeaderMap) -> String {
    let get = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let scheme = get("x-forwarded-proto").unwrap_or("http");
    let host = get(header::HOST.as_str()).unwrap_or("localhost");
    format!("{scheme}://{host}")
}
