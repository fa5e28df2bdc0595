//! Request extractors and response helpers shared by the JSON API: the JSON body with errors
//! that name the field, `If-Match` versions, list parameters and `ETag`s.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use baton_store::ListQuery;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A JSON request body. Unlike axum's `Json`, every failure is a problem document naming the
/// field (`splits[1].percent: invalid type: string "x", expected f64`) or the place in the text.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<mime::Mime>().ok())
            .is_some_and(|m| {
                m.type_() == "application"
                    && (m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"))
            });
        if !json_type {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::bad("body", e.body_text())
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses a JSON document into `T`, describing a failure by field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // serde would read a struct from an array, by position; insist on an object.
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        None => {
            return Err(ApiError::bad(
                "body",
                "the request body is empty; send a JSON object",
            ));
        }
        Some(b'{') => {}
        Some(_) => {
            return Err(ApiError::bad(
                "body",
                "the request body must be a JSON object",
            ));
        }
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::bad(
                "body",
                format!(
                    "malformed JSON at line {} column {}",
                    inner.line(),
                    inner.column()
                ),
            );
        }
        let message = inner.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m)
            .to_owned();
        let path = e.path().to_string();
        let field = if path == "." { "body".to_owned() } else { path };
        ApiError::Invalid(baton_model::FieldErrors::one(field, message))
    })?;
    de.end().map_err(|e| {
        ApiError::bad(
            "body",
            format!(
                "unexpected text after the JSON value at line {} column {}",
                e.line(),
                e.column()
            ),
        )
    })?;
    Ok(value)
}

/// The version named by an `If-Match` header, if one was sent.
pub struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let text = value.to_str().unwrap_or("").trim();
        let tag = text.strip_prefix("W/").unwrap_or(text);
        tag.strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .and_then(|t| t.parse::<i64>().ok())
            .map(|v| IfMatch(Some(v)))
            .ok_or_else(|| {
                ApiError::bad(
                    "If-Match",
                    format!("{text:?} is not an ETag from this API (such as \"3\")"),
                )
            })
    }
}

impl IfMatch {
    /// The version a change applies to: from `If-Match`, else from the body's `version`. One of
    /// the two is required, and they must agree.
    pub fn required(self, body_version: Option<i64>) -> Result<i64, ApiError> {
        match (self.0, body_version) {
            (Some(h), Some(b)) if h != b => Err(ApiError::bad(
                "version",
                format!("the body says version {b} but If-Match says {h}"),
            )),
            (Some(v), _) | (None, Some(v)) => Ok(v),
            (None, None) => Err(ApiError::PreconditionRequired),
        }
    }
}

/// The query string of a list request, sorted into paging, sort, search and filters.
pub struct ListParams(pub ListQuery);

impl<S: Send + Sync> FromRequestParts<S> for ListParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(parts.uri.query().unwrap_or(""))
                .map_err(|e| ApiError::bad("query", e.to_string()))?;
        ListQuery::from_pairs(pairs)
            .map(ListParams)
            .map_err(ApiError::from)
    }
}

/// A record with its `ETag` (the version), and the status to send it with.
pub fn versioned<T: Serialize>(status: StatusCode, version: i64, body: &T) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    if let Ok(tag) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}

/// A path parameter such as a record id; a malformed one is a problem document, not plain text.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e| ApiError::bad("id", format!("{}: ids are whole numbers", e.body_text())))
    }
}

/// A query string read into `T`; a missing or malformed parameter is a problem document naming
/// it, not axum's plain-text rejection.
pub fn query_string<T: DeserializeOwned>(raw: Option<&str>) -> Result<T, ApiError> {
    serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|e| {
        let message = e.to_string();
        let field = message
            .split('`')
            .nth(1)
            .map_or_else(|| "query".to_owned(), str::to_owned);
        ApiError::bad(field, message)
    })
}
