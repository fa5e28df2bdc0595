//! Import jobs: an import started from the web page or the API, kept with its progress while it
//! runs and its summary and report afterwards, so that any server behind a load balancer can
//! show it.
//!
//! The server running an import updates its row every few seconds; a job still `running` whose
//! row has not been touched for [`STALE_SECONDS`] lost its server and reads as `interrupted`.

use crate::db::{Row, built_query, query};
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::imports::{
    CsvObject, ImportJob, ImportOptions, ImportPreview, ImportProgress, ImportSource, ImportStatus,
    ImportSummary,
};
use chrono::Duration;
use serde::de::DeserializeOwned;
use serde_json::json;

/// Seconds without an update after which a running job is taken for interrupted.
pub const STALE_SECONDS: i64 = 60;

const COLUMNS: &str = "id, source, object, files, options, status, preview, progress, summary, \
    error, created_by, created_at, updated_at, finished_at";

/// A new import job's upload.
pub struct NewImportJob<'a> {
    pub source: ImportSource,
    pub object: Option<CsvObject>,
    pub files: &'a [String],
    pub options: ImportOptions,
    /// A CSV's preview, for a job that waits for its mapping (status `preview`); `None` starts
    /// it running.
    pub preview: Option<&'a ImportPreview>,
}

fn job_from_row(r: &Row) -> Result<ImportJob> {
    fn decode<T: DeserializeOwned>(r: &Row, column: &str) -> Result<Option<T>> {
        let value = r.get::<Option<sqlx::types::Json<serde_json::Value>>>(column)?;
        value
            .map(|v| serde_json::from_value(v.0))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("import_jobs.{column}: {e}")))
    }
    let required = |column: &str| StoreError::Corrupt(format!("import_jobs.{column}: missing"));
    let mut status: ImportStatus = r.parse("status")?;
    let updated_at = r.get("updated_at")?;
    if status == ImportStatus::Running && now() - updated_at > Duration::seconds(STALE_SECONDS) {
        status = ImportStatus::Interrupted;
    }
    Ok(ImportJob {
        id: r.get("id")?,
        source: r.parse("source")?,
        object: r.parse_opt("object")?,
        files: decode(r, "files")?.ok_or_else(|| required("files"))?,
        options: decode(r, "options")?.ok_or_else(|| required("options"))?,
        status,
        preview: decode(r, "preview")?,
        progress: decode(r, "progress")?,
        summary: decode(r, "summary")?,
        error: r.get("error")?,
        created_by: r.get("created_by")?,
        created_at: r.get("created_at")?,
        updated_at,
        finished_at: r.get("finished_at")?,
    })
}

impl Store {
    /// Records an upload as a job of `actor`'s (who the caller checked may import).
    pub async fn create_import_job(
        &self,
        actor: &Actor,
        job: &NewImportJob<'_>,
    ) -> Result<ImportJob> {
        let at = now();
        let status = if job.preview.is_some() {
            ImportStatus::Preview
        } else {
            ImportStatus::Running
        };
        let mut tx = self.begin().await?;
        let row = tx
            .conn()
            .fetch_one(
                built_query(format!(
                    "INSERT INTO import_jobs (source, object, files, options, status, preview, \
                     created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING {COLUMNS}"
                ))
                .bind(job.source.as_str())
                .bind(job.object.map(CsvObject::as_str))
                .bind(json!(job.files))
                .bind(json!(job.options))
                .bind(status.as_str())
                .bind(job.preview.map(|p| json!(p)))
                .bind(actor.user_id)
                .bind(at),
            )
            .await?;
        let job = job_from_row(&row)?;
        tx.commit().await?;
        Ok(job)
    }

    /// Import job `id`.
    pub async fn import_job(&self, id: i64) -> Result<ImportJob> {
        let row = self
            .reader()
            .fetch_optional(
                built_query(format!("SELECT {COLUMNS} FROM import_jobs WHERE id = $1")).bind(id),
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        job_from_row(&row)
    }

    /// The latest `limit` import jobs, newest first.
    pub async fn list_import_jobs(&self, limit: i64) -> Result<Vec<ImportJob>> {
        self.reader()
            .fetch_all(
                built_query(format!(
                    "SELECT {COLUMNS} FROM import_jobs ORDER BY id DESC LIMIT $1"
                ))
                .bind(limit),
            )
            .await?
            .iter()
            .map(job_from_row)
            .collect()
    }

    /// Starts a job that was waiting for its mapping, with the preview the mapping gives; a
    /// job not waiting any more is a conflict (two clicks on Import start it once).
    pub async fn start_import_job(&self, id: i64, preview: &ImportPreview) -> Result<ImportJob> {
        let mut tx = self.begin().await?;
        let row = tx
            .conn()
            .fetch_optional(
                built_query(format!(
                    "UPDATE import_jobs SET status = 'running', preview = $1, updated_at = $2 \
                     WHERE id = $3 AND status = 'preview' RETURNING {COLUMNS}"
                ))
                .bind(json!(preview))
                .bind(now())
                .bind(id),
            )
            .await?;
        let Some(row) = row else {
            let job = self.import_job(id).await?;
            return Err(StoreError::Conflict(format!(
                "import {id} is {}, not waiting for its mapping",
                job.status.as_str()
            )));
        };
        let job = job_from_row(&row)?;
        tx.commit().await?;
        Ok(job)
    }

    /// Records how far a running job is (and that its server is alive).
    pub async fn import_job_progress(&self, id: i64, progress: &ImportProgress) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(
                query(
                    "UPDATE import_jobs SET progress = $1, updated_at = $2 \
                     WHERE id = $3 AND status = 'running'",
                )
                .bind(json!(progress))
                .bind(now())
                .bind(id),
            )
            .await?;
        tx.commit().await
    }

    /// Records how a job ended: its summary and report of rejected rows (CSV), or the error
    /// that stopped it.
    pub async fn finish_import_job(
        &self,
        id: i64,
        outcome: std::result::Result<(&ImportSummary, &str), &str>,
    ) -> Result<()> {
        let (status, summary, report, error) = match outcome {
            Ok((summary, report)) => (ImportStatus::Done, Some(json!(summary)), Some(report), None),
            Err(error) => (ImportStatus::Failed, None, None, Some(error)),
        };
        let at = now();
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(
                query(
                    "UPDATE import_jobs SET status = $1, summary = $2, report = $3, error = $4, \
                     updated_at = $5, finished_at = $5 WHERE id = $6",
                )
                .bind(status.as_str())
                .bind(summary)
                .bind(report)
                .bind(error)
                .bind(at)
                .bind(id),
            )
            .await?;
        tx.commit().await
    }

    /// The CSV report of job `id`'s rejected rows, once it has finished.
    pub async fn import_job_report(&self, id: i64) -> Result<Option<String>> {
        self.reader()
            .fetch_optional(query("SELECT report FROM import_jobs WHERE id = $1").bind(id))
            .await?
            .ok_or(StoreError::NotFound)?
            .get("report")
    }
}
