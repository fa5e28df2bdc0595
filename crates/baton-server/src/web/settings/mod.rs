//! Settings, for admins: users, teams, pipelines and stages, custom fields; and everyone's own
//! API tokens. Each form comes back with its errors beside the fields and nothing typed lost.

mod fields;
mod pipelines;
mod teams;
mod tokens;
mod users;

use super::error::PageError;
use super::session::WebUser;
use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use baton_store::StoreError;

/// The settings routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/settings",
            get(|| async { Redirect::to("/settings/users") }),
        )
        .route("/settings/users", get(users::page).post(users::create))
        .route("/settings/users/{id}", post(users::update))
        .route("/settings/teams", get(teams::page).post(teams::create))
        .route("/settings/teams/{id}", post(teams::update))
        .route(
            "/settings/pipelines",
            get(pipelines::page).post(pipelines::create),
        )
        .route("/settings/pipelines/{id}", post(pipelines::update))
        .route("/settings/fields", get(fields::page).post(fields::create))
        .route("/settings/fields/{id}/archive", post(fields::archive))
        .route("/settings/tokens", get(tokens::page).post(tokens::create))
        .route("/settings/tokens/{id}/revoke", post(tokens::revoke))
}

/// The query of a settings page: what the last form did.
#[derive(serde::Deserialize)]
pub struct Notice {
    pub notice: Option<String>,
}

/// A settings tab.
pub struct Tab {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The tabs the user may open, `current` marked.
pub fn tabs(user: &WebUser, current: &str) -> Vec<Tab> {
    let admin = user.0.actor.role.is_admin();
    [
        ("/settings/users", "Users", true),
        ("/settings/teams", "Teams", true),
        ("/settings/pipelines", "Pipelines", true),
        ("/settings/fields", "Custom fields", true),
        ("/settings/tokens", "API tokens", false),
    ]
    .into_iter()
    .filter(|(_, _, admin_only)| admin || !admin_only)
    .map(|(href, label, _)| Tab {
        href,
        label,
        current: href == current,
    })
    .collect()
}

/// Refuses anyone but an admin.
pub fn require_admin(user: &WebUser) -> Result<(), PageError> {
    if user.0.actor.role.is_admin() {
        Ok(())
    } else {
        Err(ApiError::Forbidden("only an admin can change settings".into()).into())
    }
}

/// Back to the settings page `page` (such as `/settings/teams`) with `notice` above it.
pub fn back(page: &str, notice: &str) -> Response {
    Redirect::to(&format!(
        "{page}?{}",
        serde_urlencoded::to_string([("notice", notice)]).unwrap_or_default()
    ))
    .into_response()
}

/// Back to `page` saying how saving `what` (such as "this team") went: `done` for what was
/// saved, why not when invalid, or that someone changed it meanwhile.
pub fn saved<T>(
    page: &str,
    what: &str,
    result: Result<T, StoreError>,
    done: impl FnOnce(T) -> String,
) -> Result<Response, PageError> {
    match result {
        Ok(record) => Ok(back(page, &done(record))),
        Err(StoreError::Invalid(e)) => Ok(back(page, &format!("Not saved: {e}."))),
        Err(StoreError::Stale { .. }) => Ok(back(
            page,
            &format!("Not saved: someone changed {what} meanwhile; here it is as it is now."),
        )),
        Err(e) => Err(e.into()),
    }
}
