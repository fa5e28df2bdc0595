//! The quarterly review page: pick a quarter and a team; every metric beside the quarter before
//! and the same quarter a year earlier, the per-rep table, charts (drawn by `charts.js` with the
//! vendored uPlot, each over a table that stays for print and for readers without script), and
//! the review as XLSX or CSV.

use super::chrome::Chrome;
use super::error::PageError;
use super::format::money;
use super::session::WebUser;
use crate::AppState;
use crate::error::ApiError;
use crate::export::list::Format;
use crate::export::report::{Sheet, quarterly_tables};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use baton_model::{Currency, Period, PeriodKind, TeamId};
use baton_reports::{Comparison, Number, QuarterlyReport};
use baton_store::ListQuery;
use serde::Deserialize;
use serde_json::json;

/// `?quarter=2026-Q3&team=4`, both optional.
#[derive(Debug, Default, Deserialize)]
pub struct ReviewQuery {
    #[serde(default)]
    quarter: Option<String>,
    /// A team id, or empty for everyone.
    #[serde(default)]
    team: Option<String>,
    /// For the CSV download: which table.
    #[serde(default)]
    table: Option<String>,
}

impl ReviewQuery {
    fn team(&self) -> Result<Option<TeamId>, ApiError> {
        match self.team.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(t) => t
                .parse()
                .map(|id| Some(TeamId(id)))
                .map_err(|_| ApiError::bad("team", "must be a team's id")),
        }
    }

    fn quarter(&self) -> Option<&str> {
        self.quarter
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
    }
}

/// A line of the metric table, in words.
#[derive(Clone)]
pub struct Line {
    pub(super) key: &'static str,
    pub(super) label: &'static str,
    pub(super) current: String,
    pub(super) previous: String,
    pub(super) change_previous: String,
    pub(super) year_ago: String,
    pub(super) change_year_ago: String,
}

/// A chart: its spec for `charts.js` and the same data as a table.
pub struct Chart {
    pub(super) title: &'static str,
    pub(super) spec: String,
    pub(super) headers: Vec<String>,
    pub(super) rows: Vec<Vec<String>>,
}

/// A table in words.
pub struct Words {
    title: &'static str,
    /// The CSV download's `table=` name.
    key: &'static str,
    headers: &'static [&'static str],
    rows: Vec<Vec<String>>,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/quarterly.html")]
pub struct ReviewPage {
    chrome: Chrome,
    quarters: Vec<String>,
    quarter: String,
    teams: Vec<(i64, String)>,
    team: Option<i64>,
    /// The page's query string, for the downloads.
    query: String,
    periods: [String; 3],
    lines: Vec<Line>,
    charts: Vec<Chart>,
    tables: Vec<Words>,
    unconverted: i64,
    /// The latest signals run's forecast for this quarter and the next, beside quota.
    forecast: Option<ForecastTable>,
}

/// The forecast as the review shows it.
pub struct ForecastTable {
    as_of: String,
    rows: Vec<Vec<String>>,
}

const FORECAST_HEADERS: [&str; 9] = [
    "Quarter",
    "Who",
    "Quota",
    "Won",
    "Commit",
    "Best case",
    "Pipeline",
    "Projection (80 % range)",
    "Weighted pipeline",
];

fn forecast_table(forecast: baton_signals::Forecast, currency: Currency) -> ForecastTable {
    let m = |minor: i64| money(minor, currency);
    ForecastTable {
        as_of: forecast.as_of.format("%Y-%m-%d %H:%M UTC").to_string(),
        rows: forecast
            .rows
            .into_iter()
            .map(|r| {
                let who = match r.scope {
                    baton_signals::ForecastScope::Rep { name, .. } => name,
                    baton_signals::ForecastScope::Team { name } => format!("Team {name}"),
                    baton_signals::ForecastScope::Organisation => "Everyone".to_owned(),
                };
                vec![
                    r.quarter,
                    who,
                    r.quota_minor.map_or_else(|| "—".to_owned(), m),
                    m(r.won_minor),
                    m(r.commit_minor),
                    m(r.best_case_minor),
                    m(r.pipeline_minor),
                    format!(
                        "{} ({} – {})",
                        m(r.projection_minor),
                        m(r.low_minor),
                        m(r.high_minor)
                    ),
                    m(r.weighted_minor),
                ]
            })
            .collect(),
    }
}

/// `GET /reports`.
pub async fn page(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<ReviewQuery>,
) -> Result<ReviewPage, PageError> {
    let actor = user.0.actor;
    let team = q.team()?;
    let report = s.store.quarterly_report(&actor, q.quarter(), team).await?;
    let org = s.store.org_settings().await?;
    let teams = s
        .store
        .list_teams(
            &actor,
            &ListQuery {
                limit: Some(500),
                ..ListQuery::default()
            },
        )
        .await?
        .items
        .into_iter()
        .map(|t| (t.id.0, t.name))
        .collect();
    let today = chrono::Utc::now()
        .with_timezone(&org.time_zone.0)
        .date_naive();
    let mut quarters = Vec::new();
    let mut p = Period::containing(today, PeriodKind::Quarter, org.fiscal_year_start_month);
    for _ in 0..8 {
        quarters.push(p.to_string());
        p = p.previous();
    }
    let query = format!(
        "quarter={}{}",
        report.quarter,
        team.map(|t| format!("&team={}", t.0)).unwrap_or_default()
    );
    let c = report.currency;
    let forecast = s
        .store
        .forecast_for(&actor)
        .await?
        .map(|f| forecast_table(f, c));
    Ok(ReviewPage {
        chrome: Chrome::new(
            &user,
            "/reports",
            format!("Quarterly review {}", report.quarter),
        ),
        quarters,
        quarter: report.quarter.clone(),
        teams,
        team: team.map(|t| t.0),
        query,
        periods: [
            report.current.period.clone(),
            report.previous.period.clone(),
            report.year_ago.period.clone(),
        ],
        lines: lines(&report),
        charts: charts(&report),
        tables: quarterly_tables(&report)
            .into_iter()
            .filter(|sheet| sheet.key != "summary")
            .map(|sheet| words(&sheet, c))
            .collect(),
        unconverted: report.current.unconverted,
        forecast,
    })
}

/// The review a download asks for.
async fn review(
    s: &AppState,
    user: &WebUser,
    q: &ReviewQuery,
) -> Result<QuarterlyReport, PageError> {
    Ok(s.store
        .quarterly_report(&user.0.actor, q.quarter(), q.team()?)
        .await?)
}

/// `GET /reports/quarterly.xlsx`: every table of the review, a sheet each.
pub async fn xlsx(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<ReviewQuery>,
) -> Result<Response, PageError> {
    let report = review(&s, &user, &q).await?;
    let bytes =
        crate::export::report::xlsx(&report).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(download(
        bytes,
        &format!("review-{}.xlsx", report.quarter),
        Format::Xlsx,
    ))
}

/// `GET /reports/quarterly.csv?table=…`: one table of the review (the metrics by default).
pub async fn csv(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<ReviewQuery>,
) -> Result<Response, PageError> {
    let report = review(&s, &user, &q).await?;
    let key = q.table.as_deref().unwrap_or("summary");
    let bytes = crate::export::report::csv(&report, key)
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .ok_or_else(|| ApiError::bad("table", "is not a table of the review"))?;
    Ok(download(
        bytes,
        &format!("review-{}-{key}.csv", report.quarter),
        Format::Csv,
    ))
}

fn download(bytes: Vec<u8>, name: &str, format: Format) -> Response {
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The metric table in words.
pub(super) fn lines(report: &QuarterlyReport) -> Vec<Line> {
    let c = report.currency;
    report
        .metrics
        .iter()
        .map(|m| Line {
            key: m.key,
            label: m.label,
            current: show(m.unit, m.current, c),
            previous: show(m.unit, m.previous, c),
            change_previous: change(m.unit, &m.change_previous, c),
            year_ago: show(m.unit, m.year_ago, c),
            change_year_ago: change(m.unit, &m.change_year_ago, c),
        })
        .collect()
}

/// A metric's value in words.
fn show(unit: &str, value: Option<Number>, currency: Currency) -> String {
    let Some(value) = value else {
        return "—".into();
    };
    match (unit, value) {
        ("money", Number::Whole(m)) => money(m, currency),
        ("money_per_day", Number::Whole(m)) => format!("{} a day", money(m, currency)),
        ("percent", v) => format!("{:.1} %", v.value()),
        ("ratio", v) => format!("{:.2}×", v.value()),
        ("days", v) => format!("{:.1} days", v.value()),
        ("minutes", v) => minutes(v.value()),
        (_, v) => format!("{}", v.value()),
    }
}

fn minutes(m: f64) -> String {
    if m < 60.0 {
        format!("{m:.0} min")
    } else if m < 48.0 * 60.0 {
        format!("{:.1} h", m / 60.0)
    } else {
        format!("{:.1} days", m / 1440.0)
    }
}

/// A change in words: `+$90,000 (+225.0 %)`, percentage points for percentages.
fn change(unit: &str, c: &Comparison, currency: Currency) -> String {
    let Some(difference) = c.difference else {
        return String::new();
    };
    let sign = if difference.value() > 0.0 { "+" } else { "" };
    let amount = match (unit, difference) {
        ("percent", v) => format!("{sign}{:.1} pts", v.value()),
        ("money" | "money_per_day", Number::Whole(m)) => {
            let text = money(m.abs(), currency);
            if m < 0 {
                format!("−{text}")
            } else {
                format!("{sign}{text}")
            }
        }
        _ => format!("{sign}{}", show(unit, Some(difference), currency)),
    };
    match c.percent {
        Some(p) if unit != "percent" => {
            format!("{amount} ({}{p:.1} %)", if p > 0.0 { "+" } else { "" })
        }
        _ => amount,
    }
}

/// Minor units as a chart's number in major units.
fn major(minor: i64, currency: Currency) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    crate::export::record::major(minor, currency)
        .to_f64()
        .unwrap_or(0.0)
}

/// The review's charts: by rep, by week, the funnel, the attainment bands (in that order).
pub(super) fn charts(r: &QuarterlyReport) -> Vec<Chart> {
    let c = r.currency;
    let code = c.code();
    let names: Vec<&str> = r.reps.iter().map(|p| p.name.as_str()).collect();
    let won: Vec<f64> = r.reps.iter().map(|p| major(p.won_minor, c)).collect();
    let quota: Vec<Option<f64>> = r
        .reps
        .iter()
        .map(|p| p.quota_minor.map(|q| major(q, c)))
        .collect();
    let weeks: Vec<String> = r.weeks.iter().map(|w| format!("W{}", w.week)).collect();
    let series = |f: fn(&baton_reports::WeekRow) -> i64| -> Vec<f64> {
        r.weeks.iter().map(|w| major(f(w), c)).collect()
    };
    let stages: Vec<String> = r.stages.iter().map(|s| s.stage.clone()).collect();
    vec![
        Chart {
            title: "Closed won and quota by rep",
            spec: json!({"kind": "bar", "x": names, "unit": code, "series": [
                {"label": "Closed won", "values": won},
                {"label": "Quota", "values": quota},
            ]})
            .to_string(),
            headers: vec!["Rep".into(), "Closed won".into(), "Quota".into()],
            rows: r
                .reps
                .iter()
                .map(|p| vec![p.name.clone(), money(p.won_minor, c), p.quota_minor.map_or("—".into(), |q| money(q, c))])
                .collect(),
        },
        Chart {
            title: "Closed won by week, cumulative",
            spec: json!({"kind": "line", "x": weeks, "unit": code, "series": [
                {"label": r.current.period, "values": series(|w| w.cumulative_minor)},
                {"label": r.previous.period, "values": series(|w| w.previous_cumulative_minor)},
                {"label": r.year_ago.period, "values": series(|w| w.year_ago_cumulative_minor)},
            ]})
            .to_string(),
            headers: vec!["Week".into(), r.current.period.clone(), r.previous.period.clone(), r.year_ago.period.clone()],
            rows: r
                .weeks
                .iter()
                .map(|w| {
                    vec![
                        format!("W{} ({})", w.week, w.starts),
                        money(w.cumulative_minor, c),
                        money(w.previous_cumulative_minor, c),
                        money(w.year_ago_cumulative_minor, c),
                    ]
                })
                .collect(),
        },
        Chart {
            title: "Funnel: deals entering each stage, and moving on",
            spec: json!({"kind": "bar", "x": stages, "unit": "", "series": [
                {"label": "Entered", "values": r.stages.iter().map(|s| s.entered).collect::<Vec<_>>()},
                {"label": "Moved on", "values": r.stages.iter().map(|s| s.converted).collect::<Vec<_>>()},
            ]})
            .to_string(),
            headers: vec!["Stage".into(), "Entered".into(), "Moved on".into()],
            rows: r
                .stages
                .iter()
                .map(|s| vec![s.stage.clone(), s.entered.to_string(), s.converted.to_string()])
                .collect(),
        },
        Chart {
            title: "Quota attainment: people per band",
            spec: json!({"kind": "bar", "x": r.attainment_bands.iter().map(|b| format!("{} %", b.band)).collect::<Vec<_>>(),
                "unit": "", "series": [
                {"label": "People", "values": r.attainment_bands.iter().map(|b| b.people).collect::<Vec<_>>()},
            ]})
            .to_string(),
            headers: vec!["Attainment".into(), "People".into()],
            rows: r
                .attainment_bands
                .iter()
                .map(|b| vec![format!("{} %", b.band), b.people.to_string()])
                .collect(),
        },
    ]
}

/// An export table as words for the page.
fn words(sheet: &Sheet, currency: Currency) -> Words {
    Words {
        title: sheet.title,
        key: sheet.key,
        headers: sheet.table.headers,
        rows: sheet
            .table
            .rows
            .iter()
            .map(|row| row.iter().map(|cell| cell.words(currency)).collect())
            .collect(),
    }
}
