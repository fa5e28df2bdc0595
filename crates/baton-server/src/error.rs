//! The HTTP layer's one error type, sent as an RFC 9457 problem document.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use baton_model::{FieldError, FieldErrors};
use baton_store::StoreError;
use serde::Serialize;

/// Why a request failed, as the client will be told.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No valid credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Malformed request (syntax, headers, query), with the fields at fault.
    #[error("bad request: {0}")]
    BadRequest(FieldErrors),
    /// Well-formed but invalid input, with every field at fault.
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    /// The record does not exist or may not be seen.
    #[error("not found")]
    NotFound,
    /// The actor may not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The record changed since the version the client sent.
    #[error("precondition failed: {0}")]
    Stale(String),
    /// A change was sent without saying which version it applies to.
    #[error("precondition required")]
    PreconditionRequired,
    /// The change conflicts with the state of other records.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The body is not JSON.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// The body is over the size limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// Too many attempts.
    #[error("too many requests: {0}")]
    TooManyRequests(String),
    /// Something broke on our side; the details are logged, not sent.
    #[error("internal error: {0}")]
    Internal(String),
}

/// An RFC 9457 problem details document with Baton's `errors` extension.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status code says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The status code's phrase.
    pub title: String,
    pub status: u16,
    /// What went wrong, for a person.
    pub detail: String,
    /// Each field at fault, when the problem is with the input.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl ApiError {
    /// A bad-request error about one field or parameter.
    pub fn bad(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::BadRequest(FieldErrors::one(field, message))
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Stale(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem document sent for this error.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        let (detail, errors) = match self {
            ApiError::BadRequest(e) | ApiError::Invalid(e) => {
                let detail = match e.0.as_slice() {
                    [one] => format!("{}: {}", one.field, one.message),
                    many => format!("{} fields are invalid: {e}", many.len()),
                };
                (detail, e.0.clone())
            }
            ApiError::NotFound => ("no such record".into(), Vec::new()),
            ApiError::PreconditionRequired => (
                "send If-Match with the ETag you read (or a version field) so that a change made \
                 meanwhile is not overwritten"
                    .into(),
                Vec::new(),
            ),
            ApiError::UnsupportedMediaType => (
                "send the body as JSON with Content-Type: application/json".into(),
                Vec::new(),
            ),
            ApiError::PayloadTooLarge => {
                ("the request body is over the size limit".into(), Vec::new())
            }
            ApiError::Internal(_) => (
                "something went wrong on our side; it has been logged".into(),
                Vec::new(),
            ),
            ApiError::Unauthorized(m)
            | ApiError::Forbidden(m)
            | ApiError::Stale(m)
            | ApiError::Conflict(m)
            | ApiError::TooManyRequests(m) => (m.clone(), Vec::new()),
        };
        Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            errors,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(message) = &self {
            tracing::error!(error = %message, "request failed");
        }
        let status = self.status();
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"baton\""),
            );
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Forbidden(m) => ApiError::Forbidden(m),
            e @ StoreError::Stale { .. } => ApiError::Stale(e.to_string()),
            StoreError::Invalid(errors) => ApiError::Invalid(errors),
            StoreError::Conflict(m) => ApiError::Conflict(m),
            e @ (StoreError::Database(_) | StoreError::Corrupt(_) | StoreError::Migrate(_)) => {
                ApiError::Internal(e.to_string())
            }
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        ApiError::Invalid(errors)
    }
}

/// Results of handlers.
pub type ApiResult<T> = Result<T, ApiError>;
