//! Static files embedded in the binary: vendored front-end libraries and our own scripts.
//!
//! Each is served under a URL holding a hash of its content (`/assets/3f2a…/js/app.js`), so it
//! can be cached forever: a new build with changed content gets a new URL.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::Embed;

#[derive(Embed)]
#[folder = "assets/"]
struct Assets;

/// The URL of embedded file `path` (relative to `assets/`), or a URL that 404s if it is missing.
pub fn url(path: &str) -> String {
    let hash = Assets::get(path).map_or_else(
        || "missing".to_owned(),
        |f| crate::hex(&f.metadata.sha256_hash()[..6]),
    );
    format!("/assets/{hash}/{path}")
}

/// `GET /assets/{hash}/{*path}`: an embedded file, cached for a year when the hash matches.
pub async fn serve(Path((hash, path)): Path<(String, String)>) -> Response {
    let Some(file) = Assets::get(&path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let current = crate::hex(&file.metadata.sha256_hash()[..6]);
    let cache = if hash == current {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mime = file.metadata.mimetype().to_owned();
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_str(&mime)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        file.data.into_owned(),
    )
        .into_response()
}
