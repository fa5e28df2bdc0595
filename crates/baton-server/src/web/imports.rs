//! The import page (admins and coordinators): upload a Salesforce or HubSpot export or a CSV,
//! watch the upload and then the import progress, confirm a CSV's mapping from a preview of its
//! first rows, and read the summary with the report of rejected rows.
//!
//! The upload form posts normally (without script it lands on the job's page); `app.js` sends
//! it with a progress bar instead and swaps the job's panel in. A running job's panel polls
//! itself every second.

use super::chrome::Chrome;
use super::error::PageError;
use super::format::ago;
use super::forms::Submitted;
use super::session::WebUser;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::import::jobs::{begin, confirm, ensure_may_import, job, receive, report_download};
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use baton_model::imports::{CsvObject, ImportJob, ImportSource, ImportStatus};

#[derive(Template, WebTemplate)]
#[template(path = "imports/page.html")]
pub struct ImportPage {
    chrome: Chrome,
    sources: &'static [ImportSource],
    objects: &'static [CsvObject],
    error: Option<String>,
    jobs: Vec<JobRow>,
}

/// A past import in the list.
pub struct JobRow {
    job: ImportJob,
    when: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "imports/job.html")]
pub struct JobPage {
    chrome: Chrome,
    panel: Panel,
}

/// A job's panel: its preview to confirm, its progress, or its outcome.
#[derive(Template, WebTemplate)]
#[template(path = "imports/panel.html")]
pub struct Panel {
    job: ImportJob,
    /// Percent done while running.
    percent: u32,
    /// "2:05" left while running, once known.
    left: Option<String>,
}

impl Panel {
    fn new(job: ImportJob) -> Panel {
        let progress = job.progress.clone().unwrap_or_default();
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a percentage to show"
        )]
        let percent = (progress.fraction * 100.0).round().clamp(0.0, 100.0) as u32;
        Panel {
            percent,
            left: progress
                .seconds_left
                .map(|s| format!("{}:{:02}", s / 60, s % 60)),
            job,
        }
    }

    fn running(&self) -> bool {
        self.job.status == ImportStatus::Running
    }

    /// The column a preview's field is read from, for the mapping's selects.
    fn column_of(&self, field: &str) -> Option<&str> {
        let preview = self.job.preview.as_ref()?;
        preview
            .fields
            .iter()
            .find(|f| f.field == field)?
            .column
            .as_deref()
    }
}

async fn render_page(
    s: &AppState,
    user: &WebUser,
    error: Option<String>,
) -> Result<ImportPage, PageError> {
    let now = chrono::Utc::now();
    let jobs = s
        .store
        .list_import_jobs(20)
        .await?
        .into_iter()
        .map(|job| JobRow {
            when: ago(job.created_at, now),
            job,
        })
        .collect();
    Ok(ImportPage {
        chrome: Chrome::new(user, "/import", "Import"),
        sources: ImportSource::ALL,
        objects: CsvObject::ALL,
        error,
        jobs,
    })
}

/// `GET /import`.
pub async fn page(State(s): State<AppState>, user: WebUser) -> Result<ImportPage, PageError> {
    ensure_may_import(&user.0.actor)?;
    render_page(&s, &user, None).await
}

/// `POST /import` (multipart): the upload, which becomes a job; on to the job's page. A refusal
/// shows the form again with the reason.
pub async fn upload(
    State(s): State<AppState>,
    user: WebUser,
    form: Multipart,
) -> Result<Response, PageError> {
    let actor = user.0.actor;
    ensure_may_import(&actor)?;
    let begun = match receive(form).await {
        Ok(form) => begin(&s, actor, form).await,
        Err(e) => Err(e),
    };
    match begun {
        Ok(job) => Ok(Redirect::to(&format!("/import/{}", job.id)).into_response()),
        Err(ApiError::Invalid(errors) | ApiError::BadRequest(errors)) => {
            let page = render_page(&s, &user, Some(errors.to_string())).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// `GET /import/{id}`.
pub async fn job_page(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<JobPage, PageError> {
    ensure_may_import(&user.0.actor)?;
    let job = job(&s, id).await?;
    Ok(JobPage {
        chrome: Chrome::new(&user, "/import", format!("Import {id}")),
        panel: Panel::new(job),
    })
}

/// `GET /import/{id}/panel`: the panel alone, which a running job's page polls.
pub async fn panel(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Panel, PageError> {
    ensure_may_import(&user.0.actor)?;
    Ok(Panel::new(job(&s, id).await?))
}

/// `POST /import/{id}/start`: a CSV's mapping confirmed (`map.<field>` = column, empty for
/// none); the panel again, running, or the preview with the reason it was refused.
pub async fn start(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    ensure_may_import(&user.0.actor)?;
    let mapping: Vec<(String, String)> = Submitted::parse(&body)
        .0
        .into_iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("map.")?.to_owned(), v.trim().to_owned())))
        .filter(|(_, column)| !column.is_empty())
        .collect();
    match confirm(&s, id, mapping).await {
        Ok(_) if !headers.contains_key("hx-request") => {
            Ok(Redirect::to(&format!("/import/{id}")).into_response())
        }
        Ok(job) => Ok(Panel::new(job).into_response()),
        Err(ApiError::BadRequest(errors) | ApiError::Invalid(errors)) => {
            let mut job = job(&s, id).await?;
            job.error = Some(errors.to_string());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Panel::new(job)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// `GET /import/{id}/report.csv`: the rejected rows.
pub async fn report(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, PageError> {
    ensure_may_import(&user.0.actor)?;
    Ok(report_download(&s.store, id).await?)
}
