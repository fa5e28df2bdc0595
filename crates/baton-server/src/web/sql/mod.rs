//! The SQL page (`/sql`): the console over the reporting views (`docs/reporting-schema.md`) for
//! every signed-in user, each seeing only their own rows. A query runs from the editor (htmx
//! swaps the result in; without script the form posts and the page comes back with it), its
//! result shows as a table with a chart builder (`assets/js/sql.js` draws with `charts.js`),
//! downloads as CSV, and is kept as a saved query ([`saved`]) with its chart.

mod result;
mod saved;
mod schema;

pub use result::{Cell, ChartChoice};
pub use saved::{delete, save, update};
pub use schema::ViewColumns;

use super::chrome::Chrome;
use super::error::PageError;
use super::forms::Submitted;
use super::session::WebUser;
use crate::AppState;
use crate::error::ApiError;
use crate::export::sql::csv_download;
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use baton_store::sql_console::SavedQuery;
use baton_store::{Actor, SqlError, SqlLimits};
use result::ResultView;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Template, WebTemplate)]
#[template(path = "sql/page.html")]
pub struct SqlPage {
    chrome: Chrome,
    editor: Editor,
    result: ResultView,
    /// The person's own saved queries, and those others share, by name.
    mine: Vec<SavedQuery>,
    shared: Vec<SavedQuery>,
    /// The reporting views' columns; `None` when the database could not say.
    views: Option<Arc<[ViewColumns]>>,
}

/// What the editor holds: the query, the name it is saved under, and the saved query of the
/// person's own it was opened from (which Update and Delete change).
#[derive(Default)]
pub struct Editor {
    query: String,
    name: String,
    shared: bool,
    opened: Option<Opened>,
    /// Why the last save was refused.
    save_error: Option<String>,
}

/// A saved query of the person's own, open in the editor.
pub struct Opened {
    id: i64,
    version: i64,
}

impl Editor {
    /// The editor holding `saved`; Update and Delete only for its owner (or an admin, who may
    /// change anyone's).
    fn opened(saved: &SavedQuery, actor: &Actor) -> Editor {
        let may_change = saved.owner_id == actor.user_id || actor.role.is_admin();
        Editor {
            query: saved.sql.clone(),
            name: saved.name.clone(),
            shared: saved.shared,
            opened: may_change.then_some(Opened {
                id: saved.id,
                version: saved.version,
            }),
            save_error: None,
        }
    }

    /// The editor as the form was submitted.
    fn from_form(form: &Submitted) -> Editor {
        let opened = match (form.get("saved_id").parse(), form.get("version").parse()) {
            (Ok(id), Ok(version)) => Some(Opened { id, version }),
            _ => None,
        };
        Editor {
            query: form.get("query"),
            name: form.get("name"),
            shared: form.get("shared") == "on",
            opened,
            save_error: None,
        }
    }
}

/// `?saved=ID` opens a saved query.
#[derive(Deserialize)]
pub struct PageQuery {
    saved: Option<i64>,
}

/// `GET /sql[?saved=ID]`: the editor, empty or holding the saved query `ID`, which is run and
/// its chart drawn again.
pub async fn page(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<PageQuery>,
) -> Result<SqlPage, PageError> {
    let actor = &user.0.actor;
    let Some(id) = q.saved else {
        return render(&s, &user, Editor::default(), ResultView::default()).await;
    };
    let saved = s.store.get_saved_query(actor, id).await?;
    let chart = saved
        .chart
        .as_ref()
        .map(ChartChoice::from)
        .unwrap_or_default();
    let result = run_query(&s, actor, &saved.sql, chart).await?;
    render(&s, &user, Editor::opened(&saved, actor), result).await
}

/// `POST /sql`: runs the editor's query. For htmx the result alone, else the whole page; a
/// refused or failed query is a 400 with the console's message in place of the table.
pub async fn run(
    State(s): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = Submitted::parse(&body);
    let editor = Editor::from_form(&form);
    let chart = ChartChoice::from_form(&form);
    let result = run_query(&s, &user.0.actor, &editor.query, chart).await?;
    let status = if result.refused() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    if headers.contains_key("hx-request") {
        return Ok((status, result).into_response());
    }
    Ok((status, render(&s, &user, editor, result).await?).into_response())
}

/// `POST /sql/export.csv`: the editor's query's whole result (up to the console's row cap) as
/// a CSV download, text cells neutralised against spreadsheet formulas; a refused query shows
/// the page again with the reason.
pub async fn export(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = Submitted::parse(&body);
    let editor = Editor::from_form(&form);
    match s
        .store
        .run_sql(&user.0.actor, &editor.query, SqlLimits::default())
        .await
    {
        Ok(table) => Ok(csv_download(&table, &file_name(&editor.name))
            .map_err(|e| ApiError::Internal(e.to_string()))?),
        Err(SqlError::Store(e)) => Err(e.into()),
        Err(refused) => {
            let result = ResultView::refusal(refused.to_string());
            let page = render(&s, &user, editor, result).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
    }
}

/// Runs `query` for `actor`: its table, or the console's reason for giving none.
async fn run_query(
    s: &AppState,
    actor: &Actor,
    query: &str,
    chart: ChartChoice,
) -> Result<ResultView, PageError> {
    let limits = SqlLimits::default();
    match s.store.run_sql(actor, query, limits).await {
        Ok(table) => Ok(ResultView::table(table, limits.max_rows, chart)),
        Err(SqlError::Store(e)) => Err(e.into()),
        Err(refused) => Ok(ResultView::refusal(refused.to_string())),
    }
}

/// The whole page around `editor` and `result`.
async fn render(
    s: &AppState,
    user: &WebUser,
    editor: Editor,
    result: ResultView,
) -> Result<SqlPage, PageError> {
    let actor = &user.0.actor;
    let (mine, shared) = s
        .store
        .saved_queries(actor)
        .await?
        .into_iter()
        .partition(|q| q.owner_id == actor.user_id);
    let views = schema::reporting_views(s, actor)
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "the reporting views' columns"))
        .ok();
    Ok(SqlPage {
        chrome: Chrome::new(user, "/sql", "SQL"),
        editor,
        result,
        mine,
        shared,
        views,
    })
}

/// A download's file name from a saved query's name: letters, digits, `-` and `_`.
fn file_name(name: &str) -> String {
    let stem: String = name
        .trim()
        .chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    if stem.is_empty() {
        "query.csv".to_owned()
    } else {
        format!("{stem}.csv")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_download_is_named_after_the_saved_query_in_safe_characters() {
        assert_eq!(file_name("Won by rep \"Q3\"/2026"), "Won-by-rep-Q32026.csv");
        assert_eq!(file_name("  "), "query.csv");
    }
}
