//! Settings › Pipelines: each pipeline's stages in order, with probability, forecast category
//! and outcome; add, rename, reorder and remove stages (removing one that still holds deals is
//! refused).

use super::{Notice, Tab, back, require_admin, saved, tabs};
use crate::AppState;
use crate::extract::ApiPath;
use crate::web::chrome::Chrome;
use crate::web::error::PageError;
use crate::web::forms::Submitted;
use crate::web::session::WebUser;
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::Response;
use baton_model::PipelineId;
use baton_model::pipeline::{ForecastCategory, StageOutcome};
use baton_model::records::{Pipeline, PipelineInput, StageInput};
use baton_store::{ListQuery, StoreError};

/// A stage row of the form.
pub struct StageRow {
    pub id: String,
    pub name: String,
    pub probability: String,
    pub forecast: String,
    pub outcome: String,
}

/// A pipeline as a form.
pub struct PipelineForm {
    pub id: PipelineId,
    pub name: String,
    pub is_default: bool,
    pub version: i64,
    pub rows: Vec<StageRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/pipelines.html")]
pub struct PipelinesPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    pipelines: Vec<PipelineForm>,
    forecasts: Vec<&'static str>,
    outcomes: Vec<&'static str>,
    notice: Option<String>,
    errors: Vec<String>,
}

/// Blank rows under each pipeline's stages, for new stages.
const BLANK_ROWS: usize = 2;

fn form(p: Pipeline) -> PipelineForm {
    let mut rows: Vec<StageRow> = p
        .stages
        .into_iter()
        .map(|s| StageRow {
            id: s.id.to_string(),
            name: s.name,
            probability: s.probability.to_string(),
            forecast: s.forecast_category.as_str().to_owned(),
            outcome: s.outcome.as_str().to_owned(),
        })
        .collect();
    for _ in 0..BLANK_ROWS {
        rows.push(StageRow {
            id: String::new(),
            name: String::new(),
            probability: String::new(),
            forecast: String::new(),
            outcome: "open".into(),
        });
    }
    PipelineForm {
        id: p.id,
        name: p.name,
        is_default: p.is_default,
        version: p.version,
        rows,
    }
}

/// `GET /settings/pipelines`.
pub async fn page(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<Notice>,
) -> Result<PipelinesPage, PageError> {
    require_admin(&user)?;
    let list = ListQuery::from_pairs([("limit".to_owned(), "100".to_owned())])?;
    let pipelines = s
        .store
        .list_pipelines(&user.0.actor, &list)
        .await?
        .items
        .into_iter()
        .map(form)
        .collect();
    Ok(PipelinesPage {
        chrome: Chrome::new(&user, "/settings", "Settings · Pipelines"),
        tabs: tabs(&user, "/settings/pipelines"),
        pipelines,
        forecasts: ForecastCategory::ALL.iter().map(|f| f.as_str()).collect(),
        outcomes: StageOutcome::ALL.iter().map(|o| o.as_str()).collect(),
        notice: q.notice,
        errors: Vec::new(),
    })
}

/// The stage rows of a submitted form, in their new order, without removed or blank ones.
fn stages(form: &Submitted) -> Result<Vec<StageInput>, String> {
    let column = |name: &str| {
        form.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .collect::<Vec<_>>()
    };
    let (ids, names, probabilities, forecasts, outcomes, positions, removed) = (
        column("stage_id"),
        column("stage_name"),
        column("probability"),
        column("forecast"),
        column("outcome"),
        column("position"),
        column("remove"),
    );
    let mut rows = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let id = ids.get(i).cloned().unwrap_or_default();
        if name.is_empty() || removed.contains(&id) && !id.is_empty() {
            continue;
        }
        let probability = probabilities
            .get(i)
            .and_then(|p| p.parse::<i64>().ok())
            .ok_or_else(|| format!("stage “{name}” needs a probability from 0 to 100"))?;
        let outcome = outcomes
            .get(i)
            .and_then(|o| o.parse().ok())
            .ok_or_else(|| format!("stage “{name}” needs an outcome"))?;
        let position = positions
            .get(i)
            .and_then(|p| p.parse::<f64>().ok())
            .unwrap_or(f64::from(u16::try_from(i).unwrap_or(u16::MAX)));
        rows.push((
            position,
            StageInput {
                id: id.parse().ok().map(baton_model::StageId),
                name: name.clone(),
                probability,
                forecast_category: forecasts.get(i).and_then(|f| f.parse().ok()),
                outcome,
            },
        ));
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(rows.into_iter().map(|(_, s)| s).collect())
}

fn outcome(result: Result<Pipeline, StoreError>) -> Result<Response, PageError> {
    saved("/settings/pipelines", "this pipeline", result, |p| {
        format!("Saved the pipeline “{}”.", p.name)
    })
}

/// `POST /settings/pipelines/{id}`: saves a pipeline's name and stages.
pub async fn update(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<PipelineId>,
    body: Bytes,
) -> Result<Response, PageError> {
    require_admin(&user)?;
    let form = Submitted::parse(&body);
    let version = form.version()?;
    let stages = match stages(&form) {
        Ok(stages) => stages,
        Err(message) => {
            return Ok(back(
                "/settings/pipelines",
                &format!("Not saved: {message}."),
            ));
        }
    };
    let input = PipelineInput {
        name: Some(form.get("name")),
        is_default: form.get("is_default").eq("on").then_some(true),
        stages: Some(stages),
        version: Some(version),
    };
    let result = match input.validate(false) {
        Ok(changes) => {
            s.store
                .update_pipeline(&user.0.actor, id, version, changes)
                .await
        }
        Err(e) => Err(StoreError::Invalid(e)),
    };
    outcome(result)
}

/// `POST /settings/pipelines`: creates a pipeline with the usual stages, to edit from there.
pub async fn create(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Response, PageError> {
    require_admin(&user)?;
    let form = Submitted::parse(&body);
    let stage = |name: &str, probability: i64, outcome: StageOutcome| StageInput {
        id: None,
        name: name.to_owned(),
        probability,
        forecast_category: None,
        outcome,
    };
    let input = PipelineInput {
        name: Some(form.get("name")),
        is_default: None,
        stages: Some(vec![
            stage("New", 10, StageOutcome::Open),
            stage("Qualified", 30, StageOutcome::Open),
            stage("Proposal", 60, StageOutcome::Open),
            stage("Won", 100, StageOutcome::Won),
            stage("Lost", 0, StageOutcome::Lost),
        ]),
        version: None,
    };
    let result = match input.validate(true) {
        Ok(changes) => s.store.create_pipeline(Some(&user.0.actor), changes).await,
        Err(e) => Err(StoreError::Invalid(e)),
    };
    outcome(result)
}
