//! Settings › Teams: who manages whom. A manager sees the records of their team's members, and
//! of teams those members manage.

use super::{Notice, Tab, require_admin, saved, tabs};
use crate::AppState;
use crate::extract::ApiPath;
use crate::web::chrome::Chrome;
use crate::web::error::PageError;
use crate::web::forms::Submitted;
use crate::web::session::WebUser;
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::Response;
use baton_model::records::{Team, TeamInput};
use baton_model::{TeamId, UserId};
use baton_store::{ListQuery, StoreError};

#[derive(Template, WebTemplate)]
#[template(path = "settings/teams.html")]
pub struct TeamsPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    teams: Vec<Team>,
    /// (id, name)
    people: Vec<(UserId, String)>,
    notice: Option<String>,
    errors: Vec<String>,
}

/// `GET /settings/teams`.
pub async fn page(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<Notice>,
) -> Result<TeamsPage, PageError> {
    require_admin(&user)?;
    let list = |sort: &str| {
        ListQuery::from_pairs([
            ("limit".to_owned(), "500".to_owned()),
            ("sort".to_owned(), sort.to_owned()),
        ])
    };
    let teams = s
        .store
        .list_teams(&user.0.actor, &list("name")?)
        .await?
        .items;
    let people = s
        .store
        .list_users(&user.0.actor, &list("name")?)
        .await?
        .items
        .into_iter()
        .filter(|u| u.active)
        .map(|u| (u.id, u.name))
        .collect();
    Ok(TeamsPage {
        chrome: Chrome::new(&user, "/settings", "Settings · Teams"),
        tabs: tabs(&user, "/settings/teams"),
        teams,
        people,
        notice: q.notice,
        errors: Vec::new(),
    })
}

/// The team fields of a submitted form.
fn input(form: &Submitted, version: Option<i64>) -> TeamInput {
    let manager = form.get("manager_id");
    TeamInput {
        name: Some(form.get("name")),
        manager_id: Some(manager.parse().ok().map(UserId)),
        member_ids: Some(
            form.0
                .iter()
                .filter(|(k, _)| k == "member_ids")
                .filter_map(|(_, v)| v.parse().ok().map(UserId))
                .collect(),
        ),
        version,
    }
}

fn outcome(result: Result<Team, StoreError>) -> Result<Response, PageError> {
    saved("/settings/teams", "this team", result, |team| {
        format!("Saved the team “{}”.", team.name)
    })
}

/// `POST /settings/teams`: creates a team.
pub async fn create(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Response, PageError> {
    require_admin(&user)?;
    let form = Submitted::parse(&body);
    let result = match input(&form, None).validate(true) {
        Ok(changes) => s.store.create_team(Some(&user.0.actor), changes).await,
        Err(e) => Err(StoreError::Invalid(e)),
    };
    outcome(result)
}

/// `POST /settings/teams/{id}`: changes a team's name, manager or members.
pub async fn update(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<TeamId>,
    body: Bytes,
) -> Result<Response, PageError> {
    require_admin(&user)?;
    let form = Submitted::parse(&body);
    let version = form.version()?;
    let result = match input(&form, Some(version)).validate(false) {
        Ok(changes) => {
            s.store
                .update_team(&user.0.actor, id, version, changes)
                .await
        }
        Err(e) => Err(StoreError::Invalid(e)),
    };
    outcome(result)
}
