//! Browser sessions: the cookie, the signed-in user, and CSRF protection.

use crate::AppState;
use crate::auth::hash_token;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use baton_store::Session;

/// The session cookie's name.
pub const COOKIE: &str = "baton_session";
/// How long a session lasts.
pub const LIFETIME_DAYS: i64 = 7;

/// The signed-in user of a page request, put there by [`require_session`].
#[derive(Clone)]
pub struct WebUser(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for WebUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<WebUser>()
            .cloned()
            .ok_or_else(|| Redirect::to("/login").into_response())
    }
}

/// The value of cookie `name`, if the request has it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Whether the request reached us over HTTPS (directly or through a proxy that says so), in
/// which case cookies are marked `Secure`.
pub fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        == Some("https")
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, for the whole site.
pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Requires a live session: puts the [`WebUser`] into the request, or sends the browser to the
/// sign-in page and back here afterwards.
pub async fn require_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let session = match cookie(request.headers(), COOKIE) {
        Some(secret) => state.store.session(&hash_token(secret)).await,
        None => Ok(None),
    };
    match session {
        Ok(Some(session)) => {
            tracing::Span::current().record("user_id", session.actor.user_id.0);
            request.extensions_mut().insert(WebUser(session));
            next.run(request).await
        }
        Ok(None) => {
            let here = request.uri().path_and_query().map_or("/", |p| p.as_str());
            let target = format!("/login?next={}", urlencode(here));
            if request.headers().contains_key("hx-request") {
                // htmx follows this header with a full page load.
                let mut response = StatusCode::UNAUTHORIZED.into_response();
                if let Ok(v) = HeaderValue::from_str(&target) {
                    response.headers_mut().insert("hx-redirect", v);
                }
                response
            } else {
                Redirect::to(&target).into_response()
            }
        }
        Err(e) => crate::ApiError::from(e).into_response(),
    }
}

/// Percent-encodes a path for a query parameter.
fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0_u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Refuses a state-changing request that does not carry the session's CSRF token, in the
/// `x-csrf-token` header (htmx) or the `csrf_token` form field.
pub async fn require_csrf(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let Some(WebUser(session)) = request.extensions().get::<WebUser>().cloned() else {
        return StatusCode::FORBIDDEN.into_response();
    };
    if let Some(token) = request
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        if same_secret(token, &session.csrf_token) {
            return next.run(request).await;
        }
        return csrf_refused();
    }
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|t| t.starts_with("multipart/form-data"))
        .map(str::to_owned);
    let limit = if multipart.is_some() {
        super::UPLOAD_LIMIT
    } else {
        state.config.body_limit
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, limit).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let token = match multipart {
        Some(content_type) => multipart_token(&content_type, bytes.clone()).await,
        None => serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|pairs| {
                pairs
                    .into_iter()
                    .find(|(k, _)| k == "csrf_token")
                    .map(|(_, v)| v)
            }),
    };
    match token {
        Some(token) if same_secret(&token, &session.csrf_token) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => csrf_refused(),
    }
}

/// The `csrf_token` field of a multipart form, which must come before any file (as it does
/// when it is the form's first input).
async fn multipart_token(content_type: &str, body: Bytes) -> Option<String> {
    let request = Request::builder()
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .ok()?;
    let mut form = Multipart::from_request(request, &()).await.ok()?;
    while let Some(field) = form.next_field().await.ok()? {
        if field.name() == Some("csrf_token") {
            return field.text().await.ok();
        }
        if field.file_name().is_some() {
            return None;
        }
    }
    None
}

fn csrf_refused() -> Response {
    (
        StatusCode::FORBIDDEN,
        "This form has expired or did not come from Baton. Reload the page and try again.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_name_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; baton_session=s3cret; b=2"),
        );
        assert_eq!(cookie(&headers, COOKIE), Some("s3cret"));
        assert_eq!(cookie(&headers, "missing"), None);
    }

    #[test]
    fn secrets_compare_equal_only_when_identical() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }

    #[test]
    fn paths_are_encoded_for_the_next_parameter() {
        assert_eq!(
            urlencode("/deals/7?tab=history&x=a b"),
            "/deals/7%3Ftab%3Dhistory%26x%3Da%20b"
        );
    }
}
