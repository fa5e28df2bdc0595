//! Settings › Users: add people, change their role, deactivate them, reset a password.

use super::{Notice, Tab, back, require_admin, saved, tabs};
use crate::AppState;
use crate::auth::hash_password;
use crate::extract::ApiPath;
use crate::web::chrome::Chrome;
use crate::web::error::PageError;
use crate::web::forms::{Field, Input, Submitted, place_errors};
use crate::web::session::WebUser;
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use baton_model::records::{User, UserInput};
use baton_model::{Role, UserId};
use baton_store::{ListQuery, StoreError};

#[derive(Template, WebTemplate)]
#[template(path = "settings/users.html")]
pub struct UsersPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    users: Vec<User>,
    roles: Vec<&'static str>,
    fields: Vec<Field>,
    notice: Option<String>,
    errors: Vec<String>,
}

fn new_user_fields(time_zone: &str) -> Vec<Field> {
    let roles = Role::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), r.as_str().to_owned()))
        .collect();
    vec![
        Field::new("name", "Name", Input::Text, ""),
        Field::new("email", "Email", Input::Text, ""),
        Field::new("role", "Role", Input::Select(roles), "rep"),
        Field::new("time_zone", "Time zone", Input::Text, time_zone)
            .hint("An IANA name such as Europe/Madrid."),
        Field::new("password", "First password", Input::Text, "")
            .hint("At least 12 characters; they can change it later."),
    ]
}

async fn render(
    s: &AppState,
    user: &WebUser,
    fields: Vec<Field>,
    notice: Option<String>,
    errors: Vec<String>,
) -> Result<UsersPage, PageError> {
    let list = ListQuery::from_pairs([
        ("limit".to_owned(), "500".to_owned()),
        ("sort".to_owned(), "name".to_owned()),
    ])?;
    Ok(UsersPage {
        chrome: Chrome::new(user, "/settings", "Settings · Users"),
        tabs: tabs(user, "/settings/users"),
        users: s.store.list_users(&user.0.actor, &list).await?.items,
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        fields,
        notice,
        errors,
    })
}

/// `GET /settings/users`.
pub async fn page(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<Notice>,
) -> Result<UsersPage, PageError> {
    require_admin(&user)?;
    let tz = s.store.org_settings().await?.time_zone.to_string();
    render(&s, &user, new_user_fields(&tz), q.notice, Vec::new()).await
}

/// `POST /settings/users`: adds a user.
pub async fn create(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Response, PageError> {
    require_admin(&user)?;
    let submitted = Submitted::parse(&body);
    let mut fields = new_user_fields("");
    submitted.fill(&mut fields);
    let value = |name: &str| Some(submitted.get(name).trim().to_owned()).filter(|v| !v.is_empty());
    let input = UserInput {
        name: value("name"),
        email: value("email"),
        role: value("role").and_then(|r| r.parse().ok()),
        time_zone: value("time_zone"),
        password: value("password"),
        ..UserInput::default()
    };
    let result = match input.validate(true) {
        Ok(mut changes) => {
            let hash = match changes.password.take() {
                Some(p) => Some(hash_password(p).await?),
                None => None,
            };
            s.store
                .create_user(Some(&user.0.actor), changes, hash)
                .await
        }
        Err(e) => Err(StoreError::Invalid(e)),
    };
    match result {
        Ok(created) => Ok(back(
            "/settings/users",
            &format!("Added {} ({}).", created.name, created.role),
        )),
        Err(StoreError::Invalid(errors)) => {
            for f in &mut fields {
                if f.name == "password" {
                    f.value.clear();
                }
            }
            let general = place_errors(&mut fields, &errors, &[]);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&s, &user, fields, None, general).await?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /settings/users/{id}`: changes a user's role or active flag, or sets a new password.
pub async fn update(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<UserId>,
    body: Bytes,
) -> Result<Response, PageError> {
    require_admin(&user)?;
    let form = Submitted::parse(&body);
    let version = form.version()?;
    let input = UserInput {
        role: form.get("role").parse().ok(),
        active: Some(form.get("active") == "on"),
        password: Some(form.get("password")).filter(|p| !p.is_empty()),
        ..UserInput::default()
    };
    let result = match input.validate(false) {
        Ok(mut changes) => {
            let hash = match changes.password.take() {
                Some(p) => Some(hash_password(p).await?),
                None => None,
            };
            s.store
                .update_user(&user.0.actor, id, version, changes, hash)
                .await
        }
        Err(e) => Err(StoreError::Invalid(e)),
    };
    saved("/settings/users", "this user", result, |u| {
        format!("Saved {}.", u.name)
    })
}
