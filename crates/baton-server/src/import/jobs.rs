//! Imports started by an upload, from the web page or `POST /api/v1/imports`.
//!
//! The upload streams to a temporary directory on the server that receives it (a `.zip` is
//! unpacked there: Salesforce and HubSpot hand their exports out zipped), becomes an import job
//! row, and runs in the background on that server. While it runs, its progress is kept in
//! memory for polls that reach this server and written to the job row every two seconds for
//! those that reach another one; afterwards the row keeps the summary and the report of
//! rejected rows. A CSV can first stop at a preview: its header, first rows and the mapping
//! Baton found, which the user confirms or changes before the import starts (on the same
//! server, which holds the file).

use super::{Input, Watch};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use baton_import::table::FileError;
use baton_model::Role;
use baton_model::imports::{
    CsvObject, ImportJob, ImportOptions, ImportPreview, ImportProgress, ImportSource, ImportStatus,
};
use baton_store::{Actor, NewImportJob, Store};
use futures::FutureExt;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tempfile::TempDir;
use tokio::io::AsyncWriteExt;
use tokio::sync::watch;

/// Rows a CSV preview shows.
const PREVIEW_ROWS: usize = 5;

/// How often a running import writes its progress to its row.
const HEARTBEAT: Duration = Duration::from_secs(2);

/// The import jobs this server holds: uploads waiting for their mapping, and the progress of
/// those running.
#[derive(Default)]
pub struct Jobs {
    waiting: Mutex<HashMap<i64, Waiting>>,
    live: Mutex<HashMap<i64, watch::Receiver<ImportProgress>>>,
}

/// A CSV upload waiting for its mapping.
struct Waiting {
    actor: Actor,
    object: CsvObject,
    upload: Upload,
}

/// Uploaded files in their own temporary directory, removed when dropped.
struct Upload {
    dir: TempDir,
    files: Vec<PathBuf>,
}

/// An upload form: what to import and how, and the files.
pub struct UploadForm {
    source: Option<ImportSource>,
    object: Option<CsvObject>,
    options: ImportOptions,
    mapping: Vec<(String, String)>,
    preview: bool,
    upload: Upload,
}

/// Imports are for admins and coordinators, who keep the organisation's data.
pub fn ensure_may_import(actor: &Actor) -> ApiResult<()> {
    if matches!(actor.role, Role::Admin | Role::Coordinator) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only admins and coordinators import data".into(),
        ))
    }
}

fn unreadable(e: &MultipartError) -> ApiError {
    ApiError::bad("file", format!("the upload broke off ({})", e.body_text()))
}

fn failed_to_store(e: &std::io::Error) -> ApiError {
    ApiError::Internal(format!("storing the upload: {e}"))
}

/// A checkbox or flag: `on`, `true`, `1` or `yes`.
fn flag(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "on" | "true" | "1" | "yes"
    )
}

/// An uploaded file's name reduced to a plain file name, which must be a `.csv` or `.zip`.
fn file_name(given: &str) -> ApiResult<String> {
    let name: String = given
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')'))
        .collect();
    if name.starts_with('.') || !(has_extension(&name, "csv") || has_extension(&name, "zip")) {
        return Err(ApiError::bad(
            "file",
            format!("{given:?}: upload .csv files or a .zip of them"),
        ));
    }
    Ok(name)
}

/// Whether the file `name` ends in `.<extension>`, in any case.
fn has_extension(name: impl AsRef<Path>, extension: &str) -> bool {
    name.as_ref()
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(extension))
}

/// `{"field": "Column", …}`, as the `mapping` field or body gives it.
pub fn mapping_pairs(value: &serde_json::Value) -> ApiResult<Vec<(String, String)>> {
    let bad = || ApiError::bad("mapping", "an object of field names to column names");
    value
        .as_object()
        .ok_or_else(bad)?
        .iter()
        .filter(|(_, column)| column.as_str().is_some_and(|c| !c.trim().is_empty()))
        .map(|(field, column)| Ok((field.clone(), column.as_str().ok_or_else(bad)?.to_owned())))
        .collect()
}

/// Reads an upload form, streaming its files to a new temporary directory. Fields: `source`
/// (`salesforce`, `hubspot` or `csv`), `object` (for a CSV), `all_or_nothing`,
/// `create_stages`, `custom_fields`, `preview` (stop a CSV at its preview), `mapping` (JSON),
/// and one or more `file`s.
pub async fn receive(mut form: Multipart) -> ApiResult<UploadForm> {
    let dir = tempfile::Builder::new()
        .prefix("baton-import-")
        .tempdir()
        .map_err(|e| failed_to_store(&e))?;
    let mut upload = UploadForm {
        source: None,
        object: None,
        options: ImportOptions::default(),
        mapping: Vec::new(),
        preview: false,
        upload: Upload {
            dir,
            files: Vec::new(),
        },
    };
    while let Some(mut field) = form.next_field().await.map_err(|e| unreadable(&e))? {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(given) = field.file_name().map(str::to_owned) {
            if given.is_empty() {
                continue;
            }
            let path = upload.upload.dir.path().join(file_name(&given)?);
            if upload.upload.files.contains(&path) {
                return Err(ApiError::bad(
                    "file",
                    format!("{given:?} is uploaded twice"),
                ));
            }
            let mut out = tokio::fs::File::create(&path)
                .await
                .map_err(|e| failed_to_store(&e))?;
            while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(&e))? {
                out.write_all(&chunk)
                    .await
                    .map_err(|e| failed_to_store(&e))?;
            }
            out.flush().await.map_err(|e| failed_to_store(&e))?;
            upload.upload.files.push(path);
            continue;
        }
        let text = field.text().await.map_err(|e| unreadable(&e))?;
        let options = &mut upload.options;
        match name.as_str() {
            "source" => {
                upload.source = Some(
                    ImportSource::from_str(&text)
                        .map_err(|e| ApiError::bad("source", e.to_string()))?,
                );
            }
            "object" if !text.trim().is_empty() => {
                upload.object = Some(
                    CsvObject::from_str(&text)
                        .map_err(|e| ApiError::bad("object", e.to_string()))?,
                );
            }
            "all_or_nothing" => options.all_or_nothing = flag(&text),
            "create_stages" => options.create_stages = flag(&text),
            "custom_fields" => options.custom_fields = flag(&text),
            "preview" => upload.preview = flag(&text),
            "mapping" if !text.trim().is_empty() => {
                let value = serde_json::from_str(&text)
                    .map_err(|e| ApiError::bad("mapping", format!("not JSON: {e}")))?;
                upload.mapping = mapping_pairs(&value)?;
            }
            _ => {}
        }
    }
    upload.upload.files = tokio::task::spawn_blocking(move || unzip(upload.upload.files))
        .await
        .map_err(|e| ApiError::Internal(format!("unpacking the upload: {e}")))??;
    Ok(upload)
}

/// The uploaded files with every `.zip` replaced by the CSV files it holds (by their own file
/// names; folders inside the archive are ignored).
fn unzip(files: Vec<PathBuf>) -> ApiResult<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in files {
        if !has_extension(&path, "zip") {
            out.push(path);
            continue;
        }
        let zip_name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let bad = |e: &dyn std::fmt::Display| ApiError::bad("file", format!("{zip_name}: {e}"));
        let dir = path.parent().unwrap_or(Path::new("."));
        let file = std::fs::File::open(&path).map_err(|e| failed_to_store(&e))?;
        let mut archive = zip::ZipArchive::new(file).map_err(|e| bad(&e))?;
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).map_err(|e| bad(&e))?;
            let Some(name) = entry
                .enclosed_name()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            else {
                continue;
            };
            if entry.is_dir() || !has_extension(&name, "csv") {
                continue;
            }
            let target = dir.join(file_name(&name)?);
            if out.contains(&target) {
                return Err(bad(&format!("{name} is in the upload twice")));
            }
            let mut written = std::fs::File::create(&target).map_err(|e| failed_to_store(&e))?;
            std::io::copy(&mut entry, &mut written).map_err(|e| bad(&e))?;
            out.push(target);
        }
        std::fs::remove_file(&path).map_err(|e| failed_to_store(&e))?;
    }
    if out.is_empty() {
        return Err(ApiError::bad(
            "file",
            "choose the export's files or its .zip",
        ));
    }
    Ok(out)
}

/// A CSV's preview under `mapping`; a mapping naming an unknown field or a missing column is
/// refused with its name.
async fn preview(
    object: CsvObject,
    path: &Path,
    mapping: &[(String, String)],
) -> ApiResult<ImportPreview> {
    let (path, mapping) = (path.to_owned(), mapping.to_vec());
    tokio::task::spawn_blocking(move || {
        baton_import::generic::preview(object, &path, &mapping, PREVIEW_ROWS)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("reading the upload: {e}")))?
    .map_err(|e| {
        let field = match e {
            FileError::UnknownField { .. } | FileError::MappedColumnMissing { .. } => "mapping",
            _ => "file",
        };
        ApiError::bad(field, e.to_string())
    })
}

/// Records an upload as a job: a CSV asked to preview waits for its mapping, anything else
/// starts at once.
pub async fn begin(state: &AppState, actor: Actor, form: UploadForm) -> ApiResult<ImportJob> {
    let source = form
        .source
        .ok_or_else(|| ApiError::bad("source", "salesforce, hubspot or csv"))?;
    if !actor.role.is_admin() && (form.options.create_stages || form.options.custom_fields) {
        return Err(ApiError::Forbidden(
            "only an admin adds stages or custom fields; import without create_stages and \
             custom_fields, or ask an admin"
                .into(),
        ));
    }
    let names: Vec<String> = form
        .upload
        .files
        .iter()
        .filter_map(|p| Some(p.file_name()?.to_string_lossy().into_owned()))
        .collect();
    let (input, shown) = match source {
        ImportSource::Salesforce => (Input::Salesforce(form.upload.dir.path().to_owned()), None),
        ImportSource::Hubspot => (Input::Hubspot(form.upload.dir.path().to_owned()), None),
        ImportSource::Csv => {
            let object = form.object.ok_or_else(|| {
                ApiError::bad("object", "accounts, contacts, deals or activities")
            })?;
            let [file] = form.upload.files.as_slice() else {
                return Err(ApiError::bad(
                    "file",
                    "a CSV import takes exactly one .csv file",
                ));
            };
            let shown = preview(object, file, &form.mapping).await?;
            let input = Input::Csv {
                object,
                file: file.clone(),
                mapping: form.mapping.clone(),
            };
            (input, form.preview.then_some(shown))
        }
    };
    let job = state
        .store
        .create_import_job(
            &actor,
            &NewImportJob {
                source,
                object: form.object.filter(|_| source == ImportSource::Csv),
                files: &names,
                options: form.options,
                preview: shown.as_ref(),
            },
        )
        .await?;
    match (job.status, input) {
        (ImportStatus::Preview, Input::Csv { object, .. }) => {
            let waiting = Waiting {
                actor,
                object,
                upload: form.upload,
            };
            lock(&state.imports.waiting).insert(job.id, waiting);
        }
        (_, input) => run(state, actor, &job, input, form.upload),
    }
    Ok(job)
}

/// Starts a CSV job waiting for its mapping, with `mapping`.
pub async fn confirm(
    state: &AppState,
    id: i64,
    mapping: Vec<(String, String)>,
) -> ApiResult<ImportJob> {
    let job = state.store.import_job(id).await?;
    if job.status != ImportStatus::Preview {
        return Err(ApiError::Conflict(format!(
            "import {id} is {}, not waiting for its mapping",
            job.status.as_str()
        )));
    }
    let Some(waiting) = lock(&state.imports.waiting).remove(&id) else {
        return Err(ApiError::Conflict(
            "the uploaded file is not on this server any more (it restarted, or another \
                 server holds it); upload it again"
                .into(),
        ));
    };
    let file = waiting.upload.files[0].clone();
    let shown = match preview(waiting.object, &file, &mapping).await {
        Ok(shown) => shown,
        Err(e) => {
            lock(&state.imports.waiting).insert(id, waiting);
            return Err(e);
        }
    };
    let job = state.store.start_import_job(id, &shown).await?;
    let input = Input::Csv {
        object: waiting.object,
        file,
        mapping,
    };
    run(state, waiting.actor, &job, input, waiting.upload);
    Ok(job)
}

/// Job `id`, with its live progress when this server runs it.
pub async fn job(state: &AppState, id: i64) -> ApiResult<ImportJob> {
    let mut job = state.store.import_job(id).await?;
    if matches!(
        job.status,
        ImportStatus::Running | ImportStatus::Interrupted
    ) && let Some(live) = lock(&state.imports.live).get(&id)
    {
        job.status = ImportStatus::Running;
        job.progress = Some(live.borrow().clone());
    }
    Ok(job)
}

/// Runs the import in the background; its row says how it ended, a panic included.
fn run(state: &AppState, actor: Actor, job: &ImportJob, input: Input, upload: Upload) {
    let (sender, receiver) = watch::channel(ImportProgress::default());
    lock(&state.imports.live).insert(job.id, receiver.clone());
    let (jobs, store, id, options) = (
        Arc::clone(&state.imports),
        state.store.clone(),
        job.id,
        job.options,
    );
    tokio::spawn(async move {
        let report = upload.dir.path().join("import-report.csv");
        let heartbeat = tokio::spawn(heartbeat(store.clone(), id, receiver));
        let run = super::import(
            &store,
            actor,
            &input,
            options,
            &report,
            Box::new(Live(sender)),
        );
        let outcome = AssertUnwindSafe(run).catch_unwind().await;
        heartbeat.abort();
        let written = match outcome {
            Ok(Ok(summary)) => {
                let text = tokio::fs::read_to_string(&report).await.unwrap_or_default();
                store.finish_import_job(id, Ok((&summary, &text))).await
            }
            Ok(Err(e)) => store.finish_import_job(id, Err(&format!("{e:#}"))).await,
            Err(_) => {
                store
                    .finish_import_job(id, Err("the import stopped on an internal error"))
                    .await
            }
        };
        if let Err(e) = written {
            tracing::error!(job = id, error = %e, "recording how an import ended");
        }
        lock(&jobs.live).remove(&id);
        drop(upload);
    });
}

/// The report of job `id`'s rejected rows as a CSV download, once it has finished.
pub async fn report_download(store: &Store, id: i64) -> ApiResult<Response> {
    let report = store
        .import_job_report(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"import-{id}-report.csv\""),
            ),
        ],
        report,
    )
        .into_response())
}

/// Writes a running job's progress to its row until aborted.
async fn heartbeat(store: Store, id: i64, progress: watch::Receiver<ImportProgress>) {
    let mut tick = tokio::time::interval(HEARTBEAT);
    loop {
        tick.tick().await;
        let now = progress.borrow().clone();
        if let Err(e) = store.import_job_progress(id, &now).await {
            tracing::warn!(job = id, error = %e, "recording an import's progress");
        }
    }
}

/// Progress into the job's channel.
struct Live(watch::Sender<ImportProgress>);

impl Watch for Live {
    fn pause(&self) -> Duration {
        Duration::from_millis(500)
    }

    fn progress(&mut self, progress: &ImportProgress) {
        self.0.send_replace(progress.clone());
    }

    fn note(&mut self, _note: &str) {}
}

/// A lock whose holder cannot leave the map half-changed, so a poisoned one is still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
