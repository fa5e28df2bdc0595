//! Signing in and out. Failed attempts are counted per email and per address; past the limits,
//! sign-in is refused for a while whatever the password.

use super::chrome::Assets;
use super::session::{COOKIE, LIFETIME_DAYS, cookie, is_https, same_secret, set_cookie};
use crate::AppState;
use crate::auth::{hash_token, new_token_secret, verify_password};
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;
use std::sync::LazyLock;

/// A cookie holding a random token that the sign-in form must echo (double submit), so that
/// another site cannot sign a browser in to an account of its choosing.
const LOGIN_CSRF_COOKIE: &str = "baton_login_csrf";
/// Failures for one email within the window before it is locked.
const MAX_FAILURES_PER_EMAIL: i64 = 5;
/// Failures from one address within the window before it is locked.
const MAX_FAILURES_PER_ADDRESS: i64 = 30;
/// The throttling window.
const WINDOW_MINUTES: i64 = 15;

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    assets: &'static Assets,
    csrf_token: String,
    next: String,
    email: String,
    error: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only local paths are followed after sign-in, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/today".to_owned(),
    }
}

fn page(
    status: StatusCode,
    csrf: String,
    next: String,
    email: String,
    error: Option<String>,
    headers: &HeaderMap,
) -> Response {
    let cookie = set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, is_https(headers));
    let page = LoginPage {
        assets: super::chrome::assets(),
        csrf_token: csrf,
        next,
        email,
        error,
    };
    let mut response = (status, page).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
}

/// `GET /login`; someone already signed in goes straight on.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    if let Some(secret) = cookie(&headers, COOKIE)
        && let Ok(Some(_)) = state.store.session(&hash_token(secret)).await
    {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    page(
        StatusCode::OK,
        new_token_secret(),
        safe_next(q.next.as_deref()),
        String::new(),
        None,
        &headers,
    )
}

/// Verifies a password against this hash when the email is unknown, so that an unknown email
/// takes as long as a wrong password and does not give itself away.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    use argon2::password_hash::PasswordHasher;
    argon2::Argon2::default()
        .hash_password(b"not a password")
        .map(|h| h.to_string())
        .unwrap_or_default()
});

/// `POST /login`.
pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (email, password, next) = (
        field("email").trim().to_owned(),
        field("password"),
        safe_next(Some(&field("next"))),
    );
    let again = |status, error: &str| {
        page(
            status,
            new_token_secret(),
            next.clone(),
            email.clone(),
            Some(error.to_owned()),
            &headers,
        )
    };

    let form_token = field("csrf_token");
    let cookie_token = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if form_token.is_empty() || !same_secret(&form_token, cookie_token) {
        return again(
            StatusCode::FORBIDDEN,
            "The sign-in form expired. Please try again.",
        );
    }
    if email.is_empty() || password.is_empty() {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter your email and password.",
        );
    }
    let ip = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map_or_else(|| peer.ip().to_string(), |v| v.trim().to_owned());
    let since = baton_store::now() - chrono::Duration::minutes(WINDOW_MINUTES);
    match state.store.login_failures_since(&email, &ip, since).await {
        Ok((by_email, by_ip))
            if by_email >= MAX_FAILURES_PER_EMAIL || by_ip >= MAX_FAILURES_PER_ADDRESS =>
        {
            return again(
                StatusCode::TOO_MANY_REQUESTS,
                &format!(
                    "Too many failed sign-ins. Wait {WINDOW_MINUTES} minutes and try again, or ask an admin to reset your password."
                ),
            );
        }
        Ok(_) => {}
        Err(e) => return crate::ApiError::from(e).into_response(),
    }
    let credentials = match state.store.credentials(&email).await {
        Ok(c) => c,
        Err(e) => return crate::ApiError::from(e).into_response(),
    };
    let hash = credentials
        .as_ref()
        .and_then(|c| c.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.clone());
    let valid = verify_password(password, hash).await;
    let user = credentials.filter(|c| valid && c.active && c.password_hash.is_some());
    let Some(user) = user else {
        if let Err(e) = state.store.record_login_failure(&email, &ip).await {
            return crate::ApiError::from(e).into_response();
        }
        return again(
            StatusCode::UNAUTHORIZED,
            "That email and password do not match an active account.",
        );
    };
    let secret = new_token_secret();
    let expires = baton_store::now() + chrono::Duration::days(LIFETIME_DAYS);
    if let Err(e) = state
        .store
        .create_session(
            user.user_id,
            &hash_token(&secret),
            &new_token_secret(),
            expires,
        )
        .await
    {
        return crate::ApiError::from(e).into_response();
    }
    let mut response = Redirect::to(&next).into_response();
    let secure = is_https(&headers);
    let jar = response.headers_mut();
    jar.append(
        header::SET_COOKIE,
        set_cookie(COOKIE, &secret, LIFETIME_DAYS * 86_400, secure),
    );
    jar.append(
        header::SET_COOKIE,
        set_cookie(LOGIN_CSRF_COOKIE, "", 0, secure),
    );
    response
}

/// `POST /logout`: ends the session (the CSRF check has already run).
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(secret) = cookie(&headers, COOKIE)
        && let Err(e) = state.store.delete_session(&hash_token(secret)).await
    {
        return crate::ApiError::from(e).into_response();
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(COOKIE, "", 0, is_https(&headers)),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/deals/7")), "/deals/7");
        assert_eq!(safe_next(Some("https://evil.example")), "/today");
        assert_eq!(safe_next(Some("//evil.example/x")), "/today");
        assert_eq!(safe_next(Some("/\\evil.example")), "/today");
        assert_eq!(safe_next(None), "/today");
    }
}
