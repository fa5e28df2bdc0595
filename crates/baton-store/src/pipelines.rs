//! Pipelines and their ordered stages.

use crate::audit::write_audit;
use crate::db::{Conn, Row, built_query, query};
use crate::error::check_version;
use crate::list::{Kind, ListQuery, ListSpec, Page, paginate};
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::records::{Pipeline, PipelineChanges, Stage};
use baton_model::{FieldErrors, PipelineId, StageId};

const COLUMNS: &str =
    "x.id, x.name, x.is_default, x.archived_at, x.version, x.created_at, x.updated_at";

const LIST: ListSpec = ListSpec {
    from: "pipelines x",
    columns: COLUMNS,
    filters: &[
        ("id", "x.id", Kind::Int),
        ("is_default", "x.is_default", Kind::Bool),
    ],
    sorts: &[
        ("id", "x.id", Kind::Int, false),
        ("name", "lower(x.name)", Kind::Text, false),
    ],
    search: &["x.name"],
    search_sort: Some("name"),
    archivable: true,
};

fn pipeline_from_row(r: &Row) -> Result<Pipeline> {
    Ok(Pipeline {
        id: r.get("id")?,
        name: r.get("name")?,
        is_default: r.get("is_default")?,
        stages: Vec::new(),
        archived_at: r.get("archived_at")?,
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

const STAGE_COLUMNS: &str =
    "s.id, s.pipeline_id, s.name, s.position, s.probability, s.forecast_category, s.outcome";

fn stage_from_row(r: &Row) -> Result<Stage> {
    Ok(Stage {
        id: r.get("id")?,
        pipeline_id: r.get("pipeline_id")?,
        name: r.get("name")?,
        position: r.get("position")?,
        probability: r.get("probability")?,
        forecast_category: r.parse("forecast_category")?,
        outcome: r.parse("outcome")?,
    })
}

async fn attach_stages(conn: &mut Conn<'_>, pipelines: &mut [Pipeline]) -> Result<()> {
    if pipelines.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (1..=pipelines.len()).map(|i| format!("${i}")).collect();
    let rows = conn
        .fetch_all(
            built_query(format!(
                "SELECT {STAGE_COLUMNS} FROM stages s WHERE s.pipeline_id IN ({}) ORDER BY s.position, s.id",
                placeholders.join(", ")
            ))
            .bind_all(pipelines.iter().map(|p| p.id.into())),
        )
        .await?;
    for r in &rows {
        let stage = stage_from_row(r)?;
        if let Some(p) = pipelines.iter_mut().find(|p| p.id == stage.pipeline_id) {
            p.stages.push(stage);
        }
    }
    Ok(())
}

pub(crate) async fn load_pipeline(conn: &mut Conn<'_>, id: PipelineId) -> Result<Option<Pipeline>> {
    let Some(row) = conn
        .fetch_optional(
            built_query(format!("SELECT {COLUMNS} FROM pipelines x WHERE x.id = $1")).bind(id),
        )
        .await?
    else {
        return Ok(None);
    };
    let mut p = [pipeline_from_row(&row)?];
    attach_stages(conn, &mut p).await?;
    let [p] = p;
    Ok(Some(p))
}

/// The default pipeline's id.
pub(crate) async fn default_pipeline(conn: &mut Conn<'_>) -> Result<Option<PipelineId>> {
    conn.fetch_optional(query(
        "SELECT id FROM pipelines WHERE is_default = TRUE AND archived_at IS NULL ORDER BY id LIMIT 1",
    ))
    .await?
    .map(|r| r.get("id"))
    .transpose()
}

async fn name_taken(conn: &mut Conn<'_>, name: &str, except: Option<PipelineId>) -> Result<bool> {
    Ok(conn
        .fetch_optional(
            query("SELECT 1 AS ok FROM pipelines WHERE lower(name) = lower($1) AND id <> $2")
                .bind(name)
                .bind(except.map_or(0, |p| p.0)),
        )
        .await?
        .is_some())
}

/// Writes the stage list of `pipeline`: updates the stages named by id, inserts new ones, and
/// deletes the ones left out, which is refused while any deal is in them.
async fn write_stages(
    conn: &mut Conn<'_>,
    pipeline: PipelineId,
    before: Option<&Pipeline>,
    changes: &PipelineChanges,
) -> Result<()> {
    let Some(stages) = &changes.stages else {
        return Ok(());
    };
    let existing: Vec<StageId> = before
        .map(|p| p.stages.iter().map(|s| s.id).collect())
        .unwrap_or_default();
    let mut errors = FieldErrors::new();
    for (i, s) in stages.iter().enumerate() {
        if let Some(id) = s.id
            && !existing.contains(&id)
        {
            errors.add(
                format!("stages[{i}].id"),
                format!("stage {id} is not in this pipeline"),
            );
        }
    }
    for id in existing
        .iter()
        .filter(|id| !stages.iter().any(|s| s.id == Some(**id)))
    {
        let used = conn
            .fetch_optional(
                query("SELECT 1 AS ok FROM deals WHERE stage_id = $1 LIMIT 1").bind(*id),
            )
            .await?
            .is_some();
        if used {
            errors.add(
                "stages",
                format!("stage {id} still has deals; move them before removing it"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let at = now();
    for id in existing
        .iter()
        .filter(|id| !stages.iter().any(|s| s.id == Some(**id)))
    {
        conn.execute(query("DELETE FROM stages WHERE id = $1").bind(*id))
            .await?;
    }
    for (position, s) in (0_i64..).zip(stages) {
        match s.id {
            Some(id) => {
                conn.execute(
                    query(
                        "UPDATE stages SET name = $1, position = $2, probability = $3, \
                         forecast_category = $4, outcome = $5, updated_at = $6 WHERE id = $7",
                    )
                    .bind(s.name.as_str())
                    .bind(position)
                    .bind(s.probability)
                    .bind(s.forecast_category)
                    .bind(s.outcome)
                    .bind(at)
                    .bind(id),
                )
                .await?;
            }
            None => {
                conn.execute(
                    query(
                        "INSERT INTO stages (pipeline_id, name, position, probability, \
                         forecast_category, outcome, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                    )
                    .bind(pipeline)
                    .bind(s.name.as_str())
                    .bind(position)
                    .bind(s.probability)
                    .bind(s.forecast_category)
                    .bind(s.outcome)
                    .bind(at),
                )
                .await?;
            }
        }
    }
    Ok(())
}

impl Store {
    /// One pipeline with its stages. Every signed-in user may read pipelines.
    pub async fn get_pipeline(&self, _actor: &Actor, id: PipelineId) -> Result<Pipeline> {
        load_pipeline(&mut self.reader(), id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// A page of pipelines with their stages.
    pub async fn list_pipelines(&self, _actor: &Actor, list: &ListQuery) -> Result<Page<Pipeline>> {
        let (sql, args) = paginate(&LIST, list, "TRUE", self.dialect())?;
        let rows = self
            .reader()
            .fetch_all(built_query(sql).bind_all(args))
            .await?;
        let mut page = Page::from_rows(&LIST, list, rows, pipeline_from_row)?;
        attach_stages(&mut self.reader(), &mut page.items).await?;
        Ok(page)
    }

    /// Creates a pipeline with its stages (admins only; `None` for the system).
    pub async fn create_pipeline(
        &self,
        actor: Option<&Actor>,
        changes: PipelineChanges,
    ) -> Result<Pipeline> {
        if let Some(actor) = actor {
            actor.ensure_admin()?;
        }
        let mut tx = self.begin().await?;
        let name = changes.name.clone().unwrap_or_default();
        if name_taken(&mut tx.conn(), &name, None).await? {
            return Err(StoreError::field("name", "another pipeline has this name"));
        }
        let first = default_pipeline(&mut tx.conn()).await?.is_none();
        let is_default = changes.is_default.unwrap_or(false) || first;
        if is_default {
            tx.conn()
                .execute(query(
                    "UPDATE pipelines SET is_default = FALSE WHERE is_default = TRUE",
                ))
                .await?;
        }
        let at = now();
        let id: PipelineId = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO pipelines (name, is_default, version, created_at, updated_at) \
                     VALUES ($1, $2, 1, $3, $3) RETURNING id",
                )
                .bind(name)
                .bind(is_default)
                .bind(at),
            )
            .await?
            .get("id")?;
        write_stages(&mut tx.conn(), id, None, &changes).await?;
        let after = load_pipeline(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            actor.map(|a| a.user_id),
            "create",
            "pipeline",
            id.0,
            None,
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Changes a pipeline and its stages (admins only), checking the version the caller read.
    pub async fn update_pipeline(
        &self,
        actor: &Actor,
        id: PipelineId,
        expected_version: i64,
        changes: PipelineChanges,
    ) -> Result<Pipeline> {
        actor.ensure_admin()?;
        let mut tx = self.begin().await?;
        let before = load_pipeline(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(expected_version, before.version)?;
        if let Some(name) = &changes.name
            && name_taken(&mut tx.conn(), name, Some(id)).await?
        {
            return Err(StoreError::field("name", "another pipeline has this name"));
        }
        match changes.is_default {
            Some(true) => {
                tx.conn()
                    .execute(query(
                        "UPDATE pipelines SET is_default = FALSE WHERE is_default = TRUE",
                    ))
                    .await?;
            }
            Some(false) if before.is_default => {
                return Err(StoreError::field(
                    "is_default",
                    "make another pipeline the default instead; there must be one",
                ));
            }
            _ => {}
        }
        write_stages(&mut tx.conn(), id, Some(&before), &changes).await?;
        let at = now();
        tx.conn()
            .execute(
                query(
                    "UPDATE pipelines SET name = $1, is_default = $2, version = version + 1, \
                     updated_at = $3 WHERE id = $4 AND version = $5",
                )
                .bind(changes.name.clone().unwrap_or_else(|| before.name.clone()))
                .bind(changes.is_default.unwrap_or(before.is_default))
                .bind(at)
                .bind(id)
                .bind(expected_version),
            )
            .await?;
        let after = load_pipeline(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "update",
            "pipeline",
            id.0,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Archives (`archive = true`) or restores a pipeline (admins only). The default pipeline
    /// cannot be archived.
    pub async fn set_pipeline_archived(
        &self,
        actor: &Actor,
        id: PipelineId,
        expected_version: Option<i64>,
        archive: bool,
    ) -> Result<Pipeline> {
        actor.ensure_admin()?;
        let mut tx = self.begin().await?;
        let before = load_pipeline(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(expected_version, before.version)?;
        if archive && before.is_default {
            return Err(StoreError::Conflict(
                "the default pipeline cannot be archived".into(),
            ));
        }
        let at = now();
        tx.conn()
            .execute(
                query(
                    "UPDATE pipelines SET archived_at = $1, version = version + 1, updated_at = $2 WHERE id = $3",
                )
                .bind(archive.then_some(at))
                .bind(at)
                .bind(id),
            )
            .await?;
        let after = load_pipeline(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let action = if archive { "archive" } else { "restore" };
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            action,
            "pipeline",
            id.0,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
