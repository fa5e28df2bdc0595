//! The Signals page and its Today card: what Baton noticed about deals, accounts and reps,
//! with the evidence, for the records the viewer may see; and the actions on a finding
//! (acknowledge, snooze a week, resolve with a note, assign a follow-up task).

use super::chrome::Chrome;
use super::error::PageError;
use super::format::{ago, day};
use super::forms::Submitted;
use super::session::WebUser;
use super::today::{Card, CardItem, TodayCard, TodayContext};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiPath;
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use baton_model::FieldErrors;
use baton_store::signals::{FindingFilter, FindingStatus, StoredFinding};
use chrono::{Duration, NaiveDate, Utc};
use futures::future::BoxFuture;
use serde::Deserialize;

/// A finding as the page shows it.
pub struct Row {
    pub finding: StoredFinding,
    pub href: String,
    pub label: &'static str,
    pub evidence: Vec<(String, String)>,
    pub first_seen: String,
    /// When what was noticed began, as a day; empty when unknown.
    pub since: String,
    pub status: &'static str,
}

/// The findings about one record, most pressing first.
pub struct Group {
    pub href: String,
    pub name: String,
    /// "Deal", "Account" or "Rep".
    pub noun: &'static str,
    pub critical: bool,
    pub rows: Vec<Row>,
}

/// Rows grouped by the record they are about, in the order of each record's first row.
fn group(rows: Vec<Row>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for row in rows {
        let key = (row.finding.subject_type.as_str(), row.finding.subject_id);
        match groups.iter_mut().find(|g| {
            let first = &g.rows[0].finding;
            (first.subject_type.as_str(), first.subject_id) == key
        }) {
            Some(g) => {
                g.critical |= row.finding.severity == "critical";
                g.rows.push(row);
            }
            None => groups.push(Group {
                href: row.href.clone(),
                name: row.finding.subject_name.clone(),
                noun: match key.0 {
                    "deal" => "Deal",
                    "account" => "Account",
                    _ => "Rep",
                },
                critical: row.finding.severity == "critical",
                rows: vec![row],
            }),
        }
    }
    groups
}

#[derive(Template, WebTemplate)]
#[template(path = "signals/page.html")]
pub struct Page {
    chrome: Chrome,
    open: Vec<Group>,
    closed: Vec<Row>,
    show_closed: bool,
    notice: Option<String>,
    default_due: NaiveDate,
}

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    closed: bool,
    notice: Option<String>,
}

/// What a kind of finding is called on the page.
pub fn label(kind: &str) -> &'static str {
    match kind {
        "no_activity" => "Gone quiet",
        "ghosted" => "Ghosted",
        "stalled" => "Stalled in stage",
        "pushed" => "Close date pushed",
        "amount_cut" => "Amount cut",
        "single_threaded" => "Single-threaded",
        "overdue" => "Past its close date",
        "rep_at_risk" => "Rep at risk",
        "account_sideways" => "Account going sideways",
        _ => "Signal",
    }
}

fn row(finding: StoredFinding, now: chrono::DateTime<Utc>) -> Row {
    let href = match finding.subject_type.as_str() {
        "deal" => format!("/deals/{}", finding.subject_id),
        "account" => format!("/accounts/{}", finding.subject_id),
        _ => format!("/deals?owner_id={}", finding.subject_id),
    };
    let evidence = finding
        .evidence
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.replace('_', " "),
                        v.to_string().trim_matches('"').to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let status = match finding.status {
        FindingStatus::Open => "open",
        FindingStatus::Acknowledged => "acknowledged",
        FindingStatus::Snoozed => "snoozed",
        FindingStatus::Resolved => "resolved",
        FindingStatus::Cleared => "no longer raised",
    };
    Row {
        label: label(&finding.kind),
        href,
        evidence,
        first_seen: ago(finding.first_seen_at, now),
        since: finding.since.map(day).unwrap_or_default(),
        status,
        finding,
    }
}

/// `GET /signals`.
pub async fn page(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<PageQuery>,
) -> Result<Page, PageError> {
    let now = baton_store::now();
    let filter = FindingFilter {
        include_closed: q.closed,
        subject: None,
        limit: Some(500),
    };
    let findings = s.store.signal_findings(&user.0.actor, &filter).await?;
    let (closed, open): (Vec<_>, Vec<_>) = findings
        .into_iter()
        .map(|f| row(f, now))
        .partition(|r| r.finding.closed_at.is_some());
    Ok(Page {
        chrome: Chrome::new(&user, "/signals", "Signals"),
        open: group(open),
        closed,
        show_closed: q.closed,
        notice: q.notice,
        default_due: (now + Duration::days(2)).date_naive(),
    })
}

/// `POST /signals/{id}`: `action` is `acknowledge`, `snooze` (a week), `resolve` (with
/// `note`) or `follow_up` (a task due `due_date`).
pub async fn act(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = Submitted::parse(&body);
    let actor = &user.0.actor;
    let note = form.get("note");
    let note = Some(note.trim()).filter(|n| !n.is_empty());
    let notice = match form.get("action").as_str() {
        "acknowledge" => {
            s.store
                .act_on_finding(actor, id, FindingStatus::Acknowledged, None, note)
                .await?;
            "Acknowledged."
        }
        "snooze" => {
            let until = baton_store::now() + Duration::days(7);
            s.store
                .act_on_finding(actor, id, FindingStatus::Snoozed, Some(until), note)
                .await?;
            "Snoozed for a week."
        }
        "resolve" => {
            s.store
                .act_on_finding(actor, id, FindingStatus::Resolved, None, note)
                .await?;
            "Resolved."
        }
        "follow_up" => {
            let due: NaiveDate = form.get("due_date").parse().map_err(|_| {
                ApiError::Invalid(FieldErrors::one(
                    "due_date",
                    "expected a date like 2026-12-09",
                ))
            })?;
            s.store.assign_follow_up(actor, id, due, None).await?;
            "Follow-up task assigned."
        }
        other => {
            return Err(ApiError::Invalid(FieldErrors::one(
                "action",
                format!("{other:?}: expected acknowledge, snooze, resolve or follow_up"),
            ))
            .into());
        }
    };
    Ok(Redirect::to(&format!(
        "/signals?notice={}#finding-{id}",
        notice.replace(' ', "+")
    ))
    .into_response())
}

/// Today's "Signals" card: the most pressing open findings the viewer may see.
pub struct SignalsCard;

impl TodayCard for SignalsCard {
    fn load<'a>(&'a self, ctx: &'a TodayContext) -> BoxFuture<'a, Result<Option<Card>, ApiError>> {
        Box::pin(async move {
            let filter = FindingFilter {
                include_closed: false,
                subject: None,
                limit: Some(50),
            };
            let findings = ctx.store.signal_findings(&ctx.actor, &filter).await?;
            let rows = findings
                .into_iter()
                .filter(|f| f.status == FindingStatus::Open)
                .map(|f| row(f, ctx.now))
                .collect();
            let items = group(rows)
                .into_iter()
                .take(5)
                .map(|g| CardItem {
                    href: g.href,
                    detail: g.rows[0].finding.summary.clone(),
                    badge: Some(
                        g.rows
                            .iter()
                            .map(|r| r.label)
                            .collect::<Vec<_>>()
                            .join(" · "),
                    ),
                    urgent: g.critical,
                    title: g.name,
                })
                .collect();
            Ok(Some(Card {
                id: "signals",
                title: "Signals".into(),
                note: "What Baton noticed before the numbers show it, most pressing first.".into(),
                items,
                empty: "Nothing noticed: no deal, account or rep needs a look.",
                total: None,
                link: Some(("/signals".into(), "All signals".into())),
                lazy: None,
            }))
        })
    }
}
