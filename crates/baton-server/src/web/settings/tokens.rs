//! Settings › API tokens: everyone's own tokens, created here and shown once.

use super::{Notice, Tab, tabs};
use crate::AppState;
use crate::auth::{hash_token, new_token_secret};
use crate::extract::ApiPath;
use crate::web::chrome::Chrome;
use crate::web::error::PageError;
use crate::web::format::day;
use crate::web::forms::{Field, Input, Submitted};
use crate::web::session::WebUser;
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use baton_model::TokenId;

#[derive(Template, WebTemplate)]
#[template(path = "settings/tokens.html")]
pub struct TokensPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    /// (name, created and expiry, id)
    tokens: Vec<(String, String, TokenId)>,
    fields: Vec<Field>,
    secret: Option<String>,
    notice: Option<String>,
    errors: Vec<String>,
}

fn new_token_fields() -> Vec<Field> {
    vec![
        Field::new("name", "What it is for", Input::Text, ""),
        Field::new("days", "Expires after (days)", Input::Text, "90")
            .hint("Empty for a token that never expires."),
    ]
}

async fn render(
    s: &AppState,
    user: &WebUser,
    fields: Vec<Field>,
    secret: Option<String>,
    notice: Option<String>,
    errors: Vec<String>,
) -> Result<TokensPage, PageError> {
    let tokens = s
        .store
        .list_tokens(&user.0.actor, user.0.actor.user_id)
        .await?
        .into_iter()
        .map(|t| {
            let expires = t.expires_at.map_or_else(
                || "never expires".into(),
                |e| format!("expires {}", day(e.date_naive())),
            );
            (
                t.name,
                format!("created {} · {expires}", day(t.created_at.date_naive())),
                t.id,
            )
        })
        .collect();
    Ok(TokensPage {
        chrome: Chrome::new(user, "/settings", "Settings · API tokens"),
        tabs: tabs(user, "/settings/tokens"),
        tokens,
        fields,
        secret,
        notice,
        errors,
    })
}

/// `GET /settings/tokens`.
pub async fn page(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<Notice>,
) -> Result<TokensPage, PageError> {
    render(&s, &user, new_token_fields(), None, q.notice, Vec::new()).await
}

/// `POST /settings/tokens`: creates a token and shows its secret, this once.
pub async fn create(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let submitted = Submitted::parse(&body);
    let mut fields = new_token_fields();
    submitted.fill(&mut fields);
    let name = submitted.get("name").trim().to_owned();
    let days = submitted.get("days").trim().to_owned();
    let mut invalid = false;
    if name.is_empty()
        || name.chars().count() > 100
        || baton_model::records::has_control_chars(&name)
    {
        fields[0].error = Some("say what the token is for (up to 100 characters)".into());
        invalid = true;
    }
    let expires = match days.parse::<i64>() {
        _ if days.is_empty() => None,
        Ok(d) if (1..=3650).contains(&d) => Some(baton_store::now() + chrono::Duration::days(d)),
        _ => {
            fields[1].error = Some("a number of days from 1 to 3650, or empty".into());
            invalid = true;
            None
        }
    };
    if invalid {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&s, &user, fields, None, None, Vec::new()).await?,
        )
            .into_response());
    }
    let secret = new_token_secret();
    s.store
        .create_token(
            Some(&user.0.actor),
            user.0.actor.user_id,
            &name,
            &hash_token(&secret),
            expires,
        )
        .await?;
    Ok(render(
        &s,
        &user,
        new_token_fields(),
        Some(secret),
        None,
        Vec::new(),
    )
    .await?
    .into_response())
}

/// `POST /settings/tokens/{id}/revoke`.
pub async fn revoke(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<TokenId>,
) -> Result<Response, PageError> {
    s.store.revoke_token(&user.0.actor, id).await?;
    Ok(Redirect::to("/settings/tokens?notice=The+token+was+revoked.").into_response())
}
