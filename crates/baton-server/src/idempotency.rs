//! `Idempotency-Key` on POST: a retried create returns the first response instead of creating
//! again (the IETF httpapi draft "The Idempotency-Key HTTP Header Field").

use crate::AppState;
use crate::error::ApiError;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use baton_store::{Actor, IdempotencyBegin};
use sha2::{Digest, Sha256};

const HEADER: &str = "idempotency-key";
/// Response headers kept with a stored response and sent again on replay.
const KEPT_HEADERS: [&str; 3] = ["content-type", "etag", "location"];

/// Runs a POST with an `Idempotency-Key` at most once per user and key.
pub async fn idempotent(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let key = match request.headers().get(HEADER) {
        Some(key) if request.method() == Method::POST => key
            .to_str()
            .ok()
            .map(str::trim)
            .filter(|k| (1..=255).contains(&k.len()))
            .ok_or_else(|| {
                ApiError::bad(
                    "Idempotency-Key",
                    "must be 1 to 255 visible ASCII characters",
                )
            })?
            .to_owned(),
        _ => return Ok(next.run(request).await),
    };
    let Some(actor) = request.extensions().get::<Actor>().copied() else {
        return Ok(next.run(request).await);
    };
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, state.config.body_limit)
        .await
        .map_err(|_| ApiError::PayloadTooLarge)?;
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str());
    hasher.update([0]);
    hasher.update(parts.uri.path());
    hasher.update([0]);
    hasher.update(&bytes);
    let hash = crate::hex(&hasher.finalize());

    match state
        .store
        .idempotency_begin(actor.user_id, &key, &hash)
        .await?
    {
        IdempotencyBegin::Proceed => {}
        IdempotencyBegin::Replay {
            status,
            headers,
            body,
        } => {
            let mut response =
                (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response();
            for (name, value) in headers {
                if let (Ok(name), Ok(value)) =
                    (HeaderName::try_from(name), HeaderValue::try_from(value))
                {
                    response.headers_mut().insert(name, value);
                }
            }
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            return Ok(response);
        }
        IdempotencyBegin::InProgress => {
            return Err(ApiError::Conflict(
                "a request with this Idempotency-Key is still being processed; retry shortly"
                    .into(),
            ));
        }
        IdempotencyBegin::Mismatch => {
            return Err(ApiError::Invalid(baton_model::FieldErrors::one(
                "Idempotency-Key",
                "was already used for a different request",
            )));
        }
    }

    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let headers: Vec<(String, String)> = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            parts
                .headers
                .get(*name)
                .and_then(|v| v.to_str().ok())
                .map(|v| ((*name).to_owned(), v.to_owned()))
        })
        .collect();
    state
        .store
        .idempotency_finish(
            actor.user_id,
            &key,
            parts.status.as_u16(),
            &headers,
            &String::from_utf8_lossy(&bytes),
        )
        .await?;
    Ok(Response::from_parts(parts, Body::from(bytes)))
}
