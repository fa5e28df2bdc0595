//! The dashboard: this quarter so far for the reader's role — the whole team's numbers for a
//! coordinator (and admins and finance), the team's for a manager, their own for a rep — and
//! the saved queries they pinned, each run as them.

use super::chrome::Chrome;
use super::error::PageError;
use super::forms::Submitted;
use super::reports::{Chart, Line, charts, lines};
use super::session::WebUser;
use super::sql::Cell;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiPath;
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use baton_model::{Period, PeriodKind, Role};
use baton_store::SqlLimits;
use baton_store::sql_console::SavedQuery;

/// A pinned query and what it returned.
pub struct PinTile {
    id: i64,
    name: String,
    columns: Vec<String>,
    rows: Vec<Vec<Cell>>,
    /// The saved chart's choice, as JSON for `sql.js`, which draws it from the table.
    chart: Option<String>,
    /// Why it could not run, or that it was cut.
    note: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard/page.html")]
pub struct DashboardPage {
    chrome: Chrome,
    quarter: String,
    /// Whose numbers: "your team's", "your own"…
    whose: &'static str,
    tiles: Vec<Line>,
    charts: Vec<Chart>,
    pins: Vec<PinTile>,
    /// Saved queries that could be pinned.
    pinnable: Vec<SavedQuery>,
}

/// Rows a pinned query shows.
const PIN_ROWS: usize = 20;

/// `GET /dashboard`.
pub async fn page(State(s): State<AppState>, user: WebUser) -> Result<DashboardPage, PageError> {
    let actor = user.0.actor;
    let org = s.store.org_settings().await?;
    let today = chrono::Utc::now()
        .with_timezone(&org.time_zone.0)
        .date_naive();
    let quarter = Period::containing(today, PeriodKind::Quarter, org.fiscal_year_start_month);
    let report = s
        .store
        .quarterly_report(&actor, Some(&quarter.to_string()), None)
        .await?;
    // Which metrics and charts each role starts with (charts: by rep, by week, funnel, bands).
    let (whose, keys, chart_picks): (_, &[&str], &[usize]) = match actor.role {
        Role::Rep => (
            "your own",
            &[
                "won_minor",
                "attainment",
                "win_rate",
                "pipeline_minor",
                "calls",
                "meetings",
                "median_response_minutes",
            ],
            &[1],
        ),
        Role::Manager => (
            "your team’s",
            &[
                "won_minor",
                "attainment",
                "win_rate",
                "coverage",
                "slipped",
                "calls",
                "median_response_minutes",
            ],
            &[0, 3],
        ),
        Role::Admin | Role::Coordinator | Role::Finance => (
            "everyone’s",
            &[
                "won_minor",
                "attainment",
                "win_rate",
                "coverage",
                "slipped",
                "velocity_minor_per_day",
            ],
            &[0, 3, 1],
        ),
    };
    let all_lines = lines(&report);
    let tiles = keys
        .iter()
        .filter_map(|k| all_lines.iter().position(|l| l.key == *k))
        .map(|i| all_lines[i].clone())
        .collect();
    let mut all_charts: Vec<Option<Chart>> = charts(&report).into_iter().map(Some).collect();
    let charts = chart_picks
        .iter()
        .filter_map(|i| all_charts.get_mut(*i).and_then(Option::take))
        .collect();
    let limits = SqlLimits {
        max_rows: PIN_ROWS,
        ..SqlLimits::default()
    };
    let mut pins = Vec::new();
    let pinned = s.store.dashboard_pins(&actor).await?;
    for pin in &pinned {
        let q = &pin.saved_query;
        let tile = match s.store.run_sql(&actor, &q.sql, limits).await {
            Ok(table) => PinTile {
                id: pin.id,
                name: q.name.clone(),
                note: table
                    .truncated
                    .then(|| format!("The first {PIN_ROWS} rows.")),
                columns: table.columns,
                rows: table
                    .rows
                    .iter()
                    .map(|row| row.iter().map(Cell::of).collect())
                    .collect(),
                chart: q.chart.as_ref().and_then(|c| serde_json::to_string(c).ok()),
            },
            Err(e) => PinTile {
                id: pin.id,
                name: q.name.clone(),
                columns: Vec::new(),
                rows: Vec::new(),
                chart: None,
                note: Some(e.to_string()),
            },
        };
        pins.push(tile);
    }
    let pinnable = s
        .store
        .saved_queries(&actor)
        .await?
        .into_iter()
        .filter(|q| !pinned.iter().any(|p| p.saved_query.id == q.id))
        .collect();
    Ok(DashboardPage {
        chrome: Chrome::new(&user, "/dashboard", "Dashboard"),
        quarter: report.quarter,
        whose,
        tiles,
        charts,
        pins,
        pinnable,
    })
}

/// `POST /dashboard/pins`: pins the saved query `saved_query_id`.
pub async fn pin(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let submitted = Submitted::parse(&body);
    let id: i64 = submitted
        .get("saved_query_id")
        .parse()
        .map_err(|_| ApiError::bad("saved_query_id", "pick a saved query"))?;
    s.store.pin_saved_query(&user.0.actor, id).await?;
    Ok(Redirect::to("/dashboard").into_response())
}

/// `POST /dashboard/pins/{id}/delete`: takes a pin off.
pub async fn unpin(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, PageError> {
    s.store.unpin(&user.0.actor, id).await?;
    Ok(Redirect::to("/dashboard").into_response())
}
