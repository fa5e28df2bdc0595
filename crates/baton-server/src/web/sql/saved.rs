//! Saving from the SQL page: the editor's query with its name, whether it is shared and the
//! chart builder's choices, as a new saved query or over the one opened (plain form posts that
//! land back on the page with the saved query open). The store checks ownership and versions;
//! a refusal shows the page again with the reason beside the save fields.

use super::result::ResultView;
use super::{ChartChoice, Editor, render};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::web::error::PageError;
use crate::web::forms::Submitted;
use crate::web::session::WebUser;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use baton_store::StoreError;
use baton_store::sql_console::SavedQueryChanges;

/// What the form sets on a saved query: everything the editor shows.
fn changes(form: &Submitted) -> SavedQueryChanges {
    SavedQueryChanges {
        name: Some(form.get("name")),
        sql: Some(form.get("query")),
        shared: Some(form.get("shared") == "on"),
        chart: Some(ChartChoice::from_form(form).to_saved()),
    }
}

/// `POST /sql/saved`: saves the editor as a new query of the person's own.
pub async fn save(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = Submitted::parse(&body);
    let saved = s
        .store
        .create_saved_query(&user.0.actor, changes(&form))
        .await;
    match saved {
        Ok(saved) => Ok(Redirect::to(&format!("/sql?saved={}", saved.id)).into_response()),
        Err(e) => refused(&s, &user, &form, e).await,
    }
}

/// `POST /sql/saved/{id}`: saves the editor over the saved query `id`, at the version it was
/// opened at.
pub async fn update(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = Submitted::parse(&body);
    let version = form.version()?;
    let saved = s
        .store
        .update_saved_query(&user.0.actor, id, Some(version), changes(&form))
        .await;
    match saved {
        Ok(saved) => Ok(Redirect::to(&format!("/sql?saved={}", saved.id)).into_response()),
        Err(e) => refused(&s, &user, &form, e).await,
    }
}

/// `POST /sql/saved/{id}/delete`: deletes the saved query `id`; the editor keeps its text.
pub async fn delete(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = Submitted::parse(&body);
    let version = form.version()?;
    match s
        .store
        .delete_saved_query(&user.0.actor, id, Some(version))
        .await
    {
        Ok(()) => Ok(Redirect::to("/sql").into_response()),
        Err(e) => refused(&s, &user, &form, e).await,
    }
}

/// The page again as submitted, with why the store refused the change (a name taken, SQL the
/// console refuses, a change made meanwhile, someone else's query); other errors are errors.
async fn refused(
    s: &AppState,
    user: &WebUser,
    form: &Submitted,
    error: StoreError,
) -> Result<Response, PageError> {
    let error = ApiError::from(error);
    let problem = error.problem();
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::BAD_REQUEST);
    if !status.is_client_error() {
        return Err(error.into());
    }
    let editor = Editor {
        save_error: Some(problem.detail),
        ..Editor::from_form(form)
    };
    let page = render(s, user, editor, ResultView::default()).await?;
    Ok((status, page).into_response())
}
