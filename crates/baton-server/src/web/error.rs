//! Errors on pages are pages: the status code with a short explanation and a way back, rather
//! than the API's problem documents.

use super::chrome::{Assets, assets};
use crate::error::ApiError;
use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    assets: &'static Assets,
    title: String,
    message: String,
}

/// An error while building a page.
pub struct PageError(pub ApiError);

impl<E: Into<ApiError>> From<E> for PageError {
    fn from(error: E) -> Self {
        PageError(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let problem = self.0.problem();
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            // Logs the details, as the API does.
            drop(self.0.into_response());
        }
        let message = match status {
            StatusCode::NOT_FOUND => {
                "There is no such record, or it is not yours to see.".to_owned()
            }
            _ => problem.detail,
        };
        let page = ErrorPage {
            assets: assets(),
            title: problem.title,
            message,
        };
        (status, page).into_response()
    }
}
