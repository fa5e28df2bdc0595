//! The pipeline board: a column per stage with its count and total, the deals as cards, and
//! moving a card to another stage by drag and drop or from the keyboard. A move goes through
//! the same store call as `PATCH /api/v1/deals/{id}`, so it checks the same rules, records the
//! stage in the deal's history, and is refused if someone changed the deal meanwhile.

use super::chrome::Chrome;
use super::error::PageError;
use super::format::{day, money};
use super::session::WebUser;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiPath;
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use baton_model::pipeline::StageOutcome;
use baton_model::records::{DealChanges, Pipeline};
use baton_model::{DealId, Period, PeriodKind, PipelineId, StageId, TeamId, UserId};
use baton_store::{Actor, BoardFilter, ListQuery, StoreError};

/// Cards shown per column before "Show more".
const PAGE: u32 = 25;

/// The board's filters, as they travel in its address.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct BoardQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pipeline: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    owner: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    team: Option<i64>,
    /// A fiscal quarter such as `2026-Q4`: only deals closing in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    quarter: Option<String>,
    /// A message to show above the board (after a move without JavaScript).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    notice: Option<String>,
}

impl BoardQuery {
    /// The board's address with these filters (and no notice).
    fn href(&self) -> String {
        let filters = BoardQuery {
            notice: None,
            ..self.clone()
        };
        let query = serde_urlencoded::to_string(&filters).unwrap_or_default();
        if query.is_empty() {
            "/pipeline".to_owned()
        } else {
            format!("/pipeline?{query}")
        }
    }
}

/// A deal as a card.
pub struct CardView {
    pub id: DealId,
    pub name: String,
    pub version: i64,
    pub stage_id: StageId,
    pub detail: String,
}

/// A stage as a column.
pub struct ColumnView {
    pub stage_id: StageId,
    pub name: String,
    pub probability: i64,
    pub count: i64,
    pub total: String,
    pub cards: Vec<CardView>,
    /// Where to fetch the column's next cards, if it has more.
    pub more: Option<String>,
}

/// A choice in a filter.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The board itself: the part a move re-renders.
#[derive(Template)]
#[template(path = "board/board.html")]
pub struct BoardView {
    pub csrf_token: String,
    pub href: String,
    pub notice: Option<String>,
    pub stages: Vec<(StageId, String)>,
    pub columns: Vec<ColumnView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "board/page.html")]
pub struct BoardPage {
    chrome: Chrome,
    pipelines: Vec<Choice>,
    owners: Vec<Choice>,
    teams: Vec<Choice>,
    quarter: String,
    board: BoardView,
}

/// The cards of one column, for "Show more".
#[derive(Template, WebTemplate)]
#[template(path = "board/cards.html")]
pub struct MoreCards {
    csrf_token: String,
    href: String,
    stages: Vec<(StageId, String)>,
    column: ColumnView,
}

struct Resolved {
    pipeline: Pipeline,
    filter: BoardFilter,
    /// The filter of the won and lost columns: this quarter's unless a quarter was chosen,
    /// since they would otherwise hold every deal ever closed.
    closed_filter: BoardFilter,
}

async fn resolve(s: &AppState, actor: &Actor, q: &BoardQuery) -> Result<Resolved, ApiError> {
    let everything = ListQuery::from_pairs([("limit".to_owned(), "100".to_owned())])?;
    let pipelines = s.store.list_pipelines(actor, &everything).await?.items;
    let pipeline = match q.pipeline {
        Some(id) => s.store.get_pipeline(actor, PipelineId(id)).await?,
        None => pipelines
            .iter()
            .find(|p| p.is_default)
            .or(pipelines.first())
            .cloned()
            .ok_or(ApiError::NotFound)?,
    };
    let mut owners: Option<Vec<UserId>> = q.owner.map(|o| vec![UserId(o)]);
    if let Some(team) = q.team {
        let team = s.store.get_team(actor, TeamId(team)).await?;
        let members: Vec<UserId> = team.member_ids.into_iter().chain(team.manager_id).collect();
        owners = Some(match owners {
            Some(o) => o.into_iter().filter(|u| members.contains(u)).collect(),
            None => members,
        });
    }
    let closing = match q.quarter.as_deref().filter(|t| !t.is_empty()) {
        Some(text) => {
            let fiscal = s.store.org_settings().await?.fiscal_year_start_month;
            let period =
                Period::parse(text, fiscal).map_err(|e| ApiError::bad("quarter", e.to_string()))?;
            Some((period.start(), period.end()))
        }
        None => None,
    };
    let closed_closing = if let Some(range) = closing {
        range
    } else {
        let fiscal = s.store.org_settings().await?.fiscal_year_start_month;
        let quarter =
            Period::containing(chrono::Utc::now().date_naive(), PeriodKind::Quarter, fiscal);
        (quarter.start(), quarter.end())
    };
    Ok(Resolved {
        pipeline,
        closed_filter: BoardFilter {
            owners: owners.clone(),
            closing: Some(closed_closing),
        },
        filter: BoardFilter { owners, closing },
    })
}

/// Loads one column's cards, starting at `cursor`.
async fn column(
    s: &AppState,
    actor: &Actor,
    board: &Resolved,
    stage: &baton_model::records::Stage,
    href: &str,
    cursor: Option<&str>,
    names: &baton_store::Names,
) -> Result<(Vec<CardView>, Option<String>), ApiError> {
    // Open deals largest first, or in a chosen quarter soonest closing first; won and lost ones
    // (of one quarter) most recently closed first. Within a quarter, the order is the close
    // date's, which the `(stage_id, close_date)` index walks and stops at a page, however the
    // deals spread over amounts and quarters.
    let (filter, sort) = match (stage.outcome, board.filter.closing) {
        (StageOutcome::Open, None) => (&board.filter, "-amount_minor"),
        (StageOutcome::Open, Some(_)) => (&board.filter, "close_date"),
        _ => (&board.closed_filter, "-close_date"),
    };
    let mut params = vec![
        ("pipeline_id".to_owned(), board.pipeline.id.to_string()),
        ("stage_id".to_owned(), stage.id.to_string()),
        ("sort".to_owned(), sort.to_owned()),
        ("limit".to_owned(), PAGE.to_string()),
    ];
    params.extend(filter.list_params());
    if let Some(cursor) = cursor {
        params.push(("cursor".to_owned(), cursor.to_owned()));
    }
    let page = s
        .store
        .list_deals(actor, &ListQuery::from_pairs(params)?)
        .await?;
    let cards = page
        .items
        .into_iter()
        .map(|d| CardView {
            id: d.id,
            name: d.name,
            version: d.version,
            stage_id: d.stage_id,
            detail: format!(
                "{} · {} · {}",
                d.amount_minor
                    .map_or_else(|| "no amount".to_owned(), |a| money(a, d.currency)),
                names.users.get(&d.owner_id).cloned().unwrap_or_default(),
                d.close_date.map_or_else(
                    || "no close date".to_owned(),
                    |c| format!("closes {}", day(c))
                )
            ),
        })
        .collect();
    let separator = if href.contains('?') { '&' } else { '?' };
    let more = page.next_cursor.map(|c| {
        format!(
            "{}{separator}stage={}&cursor={c}",
            href.replacen("/pipeline", "/pipeline/column", 1),
            stage.id
        )
    });
    Ok((cards, more))
}

async fn board(
    s: &AppState,
    actor: &Actor,
    csrf: &str,
    q: &BoardQuery,
    board: &Resolved,
) -> Result<BoardView, ApiError> {
    let names = s.store.names().await?;
    let totals = s
        .store
        .board_totals(actor, board.pipeline.id, &board.filter)
        .await?;
    let closed_totals = s
        .store
        .board_totals(actor, board.pipeline.id, &board.closed_filter)
        .await?;
    let href = q.href();
    let mut columns = Vec::new();
    for stage in &board.pipeline.stages {
        let totals = if stage.outcome == StageOutcome::Open {
            &totals
        } else {
            &closed_totals
        };
        let mine: Vec<_> = totals.iter().filter(|t| t.stage_id == stage.id).collect();
        let (cards, more) = column(s, actor, board, stage, &href, None, &names).await?;
        let count = mine.iter().map(|t| t.count).sum();
        columns.push(ColumnView {
            stage_id: stage.id,
            name: stage.name.clone(),
            probability: stage.probability,
            count,
            total: if mine.is_empty() {
                "—".to_owned()
            } else {
                mine.iter()
                    .map(|t| money(t.total_minor, t.currency))
                    .collect::<Vec<_>>()
                    .join(" + ")
            },
            cards,
            more,
        });
    }
    Ok(BoardView {
        csrf_token: csrf.to_owned(),
        href,
        notice: q.notice.clone(),
        stages: board
            .pipeline
            .stages
            .iter()
            .map(|s| (s.id, s.name.clone()))
            .collect(),
        columns,
    })
}

/// `GET /pipeline`.
pub async fn page(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<BoardQuery>,
) -> Result<BoardPage, PageError> {
    let actor = user.0.actor;
    let resolved = resolve(&s, &actor, &q).await?;
    let everything = || {
        ListQuery::from_pairs([
            ("limit".to_owned(), "500".to_owned()),
            ("sort".to_owned(), "name".to_owned()),
        ])
    };
    let pipelines = s.store.list_pipelines(&actor, &everything()?).await?.items;
    let users = s.store.list_users(&actor, &everything()?).await?.items;
    let teams = s.store.list_teams(&actor, &everything()?).await?.items;
    let view = board(&s, &actor, &user.0.csrf_token, &q, &resolved).await?;
    Ok(BoardPage {
        chrome: Chrome::new(
            &user,
            "/pipeline",
            format!("{} pipeline", resolved.pipeline.name),
        ),
        pipelines: pipelines
            .into_iter()
            .map(|p| Choice {
                selected: p.id == resolved.pipeline.id,
                value: p.id.to_string(),
                label: p.name,
            })
            .collect(),
        owners: users
            .into_iter()
            .filter(|u| u.active)
            .map(|u| Choice {
                selected: q.owner == Some(u.id.0),
                value: u.id.to_string(),
                label: u.name,
            })
            .collect(),
        teams: teams
            .into_iter()
            .map(|t| Choice {
                selected: q.team == Some(t.id.0),
                value: t.id.to_string(),
                label: t.name,
            })
            .collect(),
        quarter: q.quarter.clone().unwrap_or_default(),
        board: view,
    })
}

#[derive(serde::Deserialize)]
pub struct ColumnQuery {
    stage: i64,
    cursor: String,
    #[serde(flatten)]
    board: BoardQuery,
}

/// `GET /pipeline/column`: the next cards of one column.
pub async fn more(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<ColumnQuery>,
) -> Result<MoreCards, PageError> {
    let actor = user.0.actor;
    let resolved = resolve(&s, &actor, &q.board).await?;
    let stage = resolved
        .pipeline
        .stages
        .iter()
        .find(|st| st.id.0 == q.stage)
        .ok_or(ApiError::NotFound)?
        .clone();
    let names = s.store.names().await?;
    let href = q.board.href();
    let (cards, more) = column(
        &s,
        &actor,
        &resolved,
        &stage,
        &href,
        Some(&q.cursor),
        &names,
    )
    .await?;
    Ok(MoreCards {
        csrf_token: user.0.csrf_token.clone(),
        href,
        stages: resolved
            .pipeline
            .stages
            .iter()
            .map(|s| (s.id, s.name.clone()))
            .collect(),
        column: ColumnView {
            stage_id: stage.id,
            name: stage.name.clone(),
            probability: stage.probability,
            count: 0,
            total: String::new(),
            cards,
            more,
        },
    })
}

/// `POST /deals/{id}/stage`: moves a deal, then shows the board again (the htmx fragment, or a
/// redirect for a plain form). A change made meanwhile is reported, not overwritten.
pub async fn move_deal(
    State(s): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<DealId>,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = user.0.actor;
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let stage = field("stage_id")
        .and_then(|v| v.parse().ok())
        .map(StageId)
        .ok_or_else(|| ApiError::bad("stage_id", "choose a stage"))?;
    let version = field("version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| ApiError::bad("version", "missing"))?;
    let mut q: BoardQuery = field("board")
        .and_then(|b| b.split_once('?').map(|(_, query)| query.to_owned()))
        .and_then(|query| serde_urlencoded::from_str(&query).ok())
        .unwrap_or_default();
    let changes = DealChanges {
        stage_id: Some(stage),
        ..DealChanges::default()
    };
    let (status, notice) = match s.store.update_deal(&actor, id, version, changes).await {
        Ok(_) => (StatusCode::OK, None),
        Err(StoreError::Stale { .. }) => {
            let deal = s.store.get_deal(&actor, id).await?;
            (
                StatusCode::CONFLICT,
                Some(format!(
                    "“{}” was changed by someone else after you opened the board, so it was not moved. The board now shows it as it is; move it again if you still mean to.",
                    deal.name
                )),
            )
        }
        Err(StoreError::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(format!("The deal was not moved: {errors}.")),
        ),
        Err(e) => return Err(e.into()),
    };
    q.notice = notice;
    if !headers.contains_key("hx-request") {
        let target = match &q.notice {
            Some(n) => format!(
                "{}{}notice={}",
                q.href(),
                if q.href().contains('?') { '&' } else { '?' },
                urlencode(n)
            ),
            None => q.href(),
        };
        return Ok(Redirect::to(&target).into_response());
    }
    let resolved = resolve(&s, &actor, &q).await?;
    let view = board(&s, &actor, &user.0.csrf_token, &q, &resolved).await?;
    let html = view
        .render()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((status, axum::response::Html(html)).into_response())
}

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .unwrap_or_default()
        .trim_start_matches('=')
        .to_owned()
}
