//! Routes for operating Baton: health, metrics, the OpenAPI document and its reference page;
//! and the responses for unknown routes and panics.

use crate::AppState;
use crate::error::ApiError;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(crate::metrics::metrics))
        .routes(routes!(openapi))
        .routes(routes!(docs))
}

#[derive(Serialize, utoipa::ToSchema)]
struct Health {
    /// `ok`, or `unavailable` when the database does not answer.
    status: &'static str,
}

/// Liveness and readiness: 200 when the database answers, 503 when it does not.
#[utoipa::path(get, path = "/healthz", tag = "operations", security(),
    responses((status = 200, body = Health), (status = 503, body = Health)))]
async fn healthz(State(s): State<AppState>) -> Response {
    match s.store.ping().await {
        Ok(()) => (StatusCode::OK, axum::Json(Health { status: "ok" })).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(Health {
                    status: "unavailable",
                }),
            )
                .into_response()
        }
    }
}

/// This OpenAPI document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations", security(),
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json")))]
async fn openapi(State(s): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        s.openapi.as_str().to_owned(),
    )
        .into_response()
}

/// The API reference, rendered in the browser from this document by the vendored Swagger UI.
#[utoipa::path(get, path = "/api/v1/docs", tag = "operations", security(),
    responses((status = 200, description = "HTML page", content_type = "text/html")))]
async fn docs() -> Html<String> {
    Html(format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Baton API reference</title>
<link rel="stylesheet" href="{css}">
</head>
<body data-spec="/api/v1/openapi.json">
<main id="api-docs"></main>
<script src="{bundle}"></script>
<script src="{init}"></script>
</body>
</html>
"#,
        css = crate::assets::url("vendor/swagger-ui/swagger-ui.css"),
        bundle = crate::assets::url("vendor/swagger-ui/swagger-ui-bundle.js"),
        init = crate::assets::url("js/api-docs.js"),
    ))
}

/// Unknown routes get a problem document too.
pub async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// A known route with the wrong method.
pub async fn method_not_allowed() -> Response {
    let mut response =
        ApiError::bad("method", "this route does not accept this method").into_response();
    *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    response
}

/// The tracing span of a request: method, path, request id (and the user, once known).
pub fn request_span(request: &Request<Body>) -> tracing::Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %request_id,
        user_id = tracing::field::Empty,
    )
}

/// A panic in a handler becomes a 500 problem document; the panic is logged.
#[expect(
    clippy::needless_pass_by_value,
    reason = "the signature CatchPanicLayer calls"
)]
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    ApiError::Internal(format!("handler panicked: {message}")).into_response()
}
