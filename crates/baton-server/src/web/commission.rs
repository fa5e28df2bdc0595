//! The commission page: a person's statement for a period (every line with its explanation,
//! attainment against quota, what the ledger holds), what an open deal would pay, the people
//! whose pay the viewer may see, and for finance the run, approve, pay and export of a period.
//! Everything goes through the same store calls as `/api/v1/comp`.

use super::chrome::Chrome;
use super::error::PageError;
use super::forms::Submitted;
use super::session::WebUser;
use crate::AppState;
use crate::error::ApiError;
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use baton_model::records::{CompPeriodStatus, CompStatement, WhatIf, WhatIfInput};
use baton_model::{DealId, Period, PeriodKind, Role, UserId, readable_money};
use baton_store::{ListQuery, StoreError};
use chrono::{NaiveDate, Utc};

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CommissionQuery {
    period: Option<String>,
    user: Option<i64>,
    notice: Option<String>,
}

pub struct LineView {
    pub key: String,
    pub date: String,
    pub deal: Option<(i64, String)>,
    pub what: String,
    pub amount: String,
    pub explain: String,
}

pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub attainment: String,
    pub total: String,
    pub selected: bool,
}

pub struct OpenDeal {
    pub id: i64,
    pub currency: String,
    pub name: String,
    pub amount: String,
    pub close_date: String,
}

/// A statement as the page shows it.
pub struct StatementView {
    pub name: String,
    pub plan: String,
    pub quota: String,
    pub credited: String,
    pub attainment: Option<String>,
    /// Width of the attainment bar, 0–100 (150 % of quota fills it).
    pub bar: u32,
    pub total: String,
    pub booked: String,
    pub booked_differs: bool,
    /// What is owed back of recoverable draws at the end of the period, when anything is.
    pub draw_owed: Option<String>,
    pub lines: Vec<LineView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "commission/page.html")]
pub struct CommissionPage {
    chrome: Chrome,
    notice: Option<String>,
    period: String,
    periods: Vec<(String, bool)>,
    status: &'static str,
    finance: bool,
    people: Vec<PersonRow>,
    statement: Option<StatementView>,
    /// Why there is no statement to show.
    empty: String,
    open_deals: Vec<OpenDeal>,
    /// Whose statement is shown.
    chosen: i64,
    /// Whether the viewer may question its lines: their own, or finance.
    may_question: bool,
    disputes: Vec<DisputeView>,
}

pub struct DisputeView {
    pub id: i64,
    pub about: String,
    pub status: &'static str,
    /// (author, when, text)
    pub messages: Vec<(String, String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "commission/what_if.html")]
pub struct WhatIfView {
    answer: WhatIf,
}

/// The fiscal quarter holding today, and the three before it.
fn quarters(fiscal_start_month: u32) -> Vec<Period> {
    let mut period = Period::containing(
        Utc::now().date_naive(),
        PeriodKind::Quarter,
        fiscal_start_month,
    );
    let mut all = Vec::new();
    for _ in 0..4 {
        all.push(period);
        period = period.previous();
    }
    all
}

fn view(statement: &CompStatement) -> StatementView {
    let money = |minor| readable_money(minor, statement.currency);
    // Whole percent is enough to draw; 150 % of quota fills the bar.
    let bar = statement
        .attainment_pct
        .as_deref()
        .and_then(|a| a.split('.').next()?.parse::<u32>().ok())
        .map_or(0, |a| (a * 2 / 3).min(100));
    StatementView {
        name: statement.user_name.clone(),
        plan: format!("{} v{}", statement.plan_id, statement.plan_version),
        quota: money(statement.quota_minor),
        credited: money(statement.credited_minor),
        attainment: statement.attainment_pct.clone(),
        bar,
        total: money(statement.total_minor),
        booked: money(statement.booked_minor),
        booked_differs: statement.booked_minor != statement.total_minor,
        draw_owed: (statement.draw_owed_minor != 0).then(|| money(statement.draw_owed_minor)),
        lines: statement
            .lines
            .iter()
            .map(|l| LineView {
                key: l.key.clone(),
                date: l.date.map(super::format::day).unwrap_or_default(),
                deal: l
                    .deal_id
                    .map(|d| (d.0, l.deal_name.clone().unwrap_or_else(|| d.to_string()))),
                what: format!("{} · {}", l.component, l.kind.replace('_', "-")),
                amount: money(l.amount_minor),
                explain: l.explain.clone(),
            })
            .collect(),
    }
}

/// `GET /commission`.
pub async fn page(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<CommissionQuery>,
) -> Result<CommissionPage, PageError> {
    let actor = user.0.actor;
    let periods = quarters(s.store.org_settings().await?.fiscal_year_start_month);
    let period = q.period.clone().unwrap_or_else(|| periods[0].to_string());
    let people = s.store.comp_statements(&actor, &period).await?;
    let chosen = UserId(q.user.unwrap_or(actor.user_id.0));
    // The statements the viewer may see hold the chosen one, when they may see it.
    let statement = people.iter().find(|p| p.user_id == chosen).map(view);
    let finance = matches!(actor.role, Role::Admin | Role::Finance);
    let status = people
        .first()
        .map_or(CompPeriodStatus::Open, |p| p.status)
        .as_str();
    let now = Utc::now();
    let disputes = s
        .store
        .disputes(&actor, &period)
        .await?
        .into_iter()
        .filter(|d| d.user_id == chosen)
        .map(|d| DisputeView {
            id: d.id,
            about: d.line_key,
            status: d.status.as_str(),
            messages: d
                .messages
                .into_iter()
                .map(|m| (m.author_name, super::format::ago(m.created_at, now), m.body))
                .collect(),
        })
        .collect();
    let open_deals = if chosen == actor.user_id && statement.is_some() {
        open_deals(&s, &user).await?
    } else {
        Vec::new()
    };
    Ok(CommissionPage {
        chrome: Chrome::new(&user, "/commission", "Commission"),
        notice: q.notice.clone(),
        periods: periods
            .iter()
            .map(|p| (p.to_string(), p.to_string() == period))
            .collect(),
        status,
        finance,
        people: people
            .iter()
            .map(|p| PersonRow {
                id: p.user_id.0,
                name: p.user_name.clone(),
                attainment: p
                    .attainment_pct
                    .as_ref()
                    .map_or_else(|| "–".to_owned(), |a| format!("{a} %")),
                total: readable_money(p.total_minor, p.currency),
                selected: p.user_id == chosen,
            })
            .collect(),
        statement,
        empty: if chosen == actor.user_id {
            format!("You are on no commission plan in {period}.")
        } else {
            format!("No statement to show for {period}.")
        },
        period,
        open_deals,
        chosen: chosen.0,
        may_question: chosen == actor.user_id || finance,
        disputes,
    })
}

/// The viewer's open deals, soonest closing first.
async fn open_deals(s: &AppState, user: &WebUser) -> Result<Vec<OpenDeal>, ApiError> {
    let actor = user.0.actor;
    let query = ListQuery::from_pairs([
        ("owner_id".to_owned(), actor.user_id.to_string()),
        ("sort".to_owned(), "close_date".to_owned()),
        ("limit".to_owned(), "100".to_owned()),
    ])?;
    Ok(s.store
        .list_deals(&actor, &query)
        .await?
        .items
        .into_iter()
        .filter(|d| d.closed_at.is_none())
        .take(10)
        .map(|d| OpenDeal {
            id: d.id.0,
            currency: d.currency.to_string(),
            amount: d
                .amount_minor
                .map(|a| {
                    baton_model::Money {
                        minor: a,
                        currency: d.currency,
                    }
                    .to_major_string()
                })
                .unwrap_or_default(),
            close_date: d.close_date.map(|c| c.to_string()).unwrap_or_default(),
            name: d.name,
        })
        .collect())
}

/// `POST /commission/what-if`: the answer as a fragment.
pub async fn what_if(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<WhatIfView, PageError> {
    let form = Submitted::parse(&body);
    let deal = form
        .get("deal")
        .parse()
        .map(DealId)
        .map_err(|_| ApiError::bad("deal", "choose a deal"))?;
    let amount = match form.get("amount").trim() {
        "" => None,
        text => {
            let currency = s.store.get_deal(&user.0.actor, deal).await?.currency;
            Some(
                baton_model::Money::parse_major(text, currency)
                    .map_err(|e| ApiError::bad("amount", e.to_string()))?
                    .minor,
            )
        }
    };
    let close_date = match form.get("close_date").trim() {
        "" => None,
        text => Some(
            text.parse::<NaiveDate>()
                .map_err(|_| ApiError::bad("close_date", "must be a date"))?,
        ),
    };
    let answer = s
        .store
        .comp_what_if(
            &user.0.actor,
            WhatIfInput {
                deal_id: deal,
                amount_minor: amount,
                close_date,
            },
        )
        .await?;
    Ok(WhatIfView { answer })
}

/// `POST /commission/{run|approve|paid}`: finance's work on a period.
pub async fn act(
    State(s): State<AppState>,
    user: WebUser,
    crate::extract::ApiPath(action): crate::extract::ApiPath<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = Submitted::parse(&body);
    let period = form.get("period");
    let actor = user.0.actor;
    let notice = match action.as_str() {
        "run" => {
            let run = s.store.run_commissions(&actor, &period).await?;
            format!(
                "Ran {period}: {} statements, {} ledger entries written.",
                run.statements, run.entries
            )
        }
        "approve" => {
            s.store
                .set_comp_period_status(&actor, &period, CompPeriodStatus::Approved)
                .await?;
            format!("Approved {period}: later changes become adjustments in the next open period.")
        }
        "paid" => {
            s.store
                .set_comp_period_status(&actor, &period, CompPeriodStatus::Paid)
                .await?;
            format!("Marked {period} paid.")
        }
        _ => return Err(ApiError::NotFound.into()),
    };
    let query = serde_urlencoded::to_string([("period", period.as_str()), ("notice", &notice)])
        .unwrap_or_default();
    Ok(Redirect::to(&format!("/commission?{query}")).into_response())
}

/// `GET /commission/ledger.csv?period=`.
pub async fn ledger_csv(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<CommissionQuery>,
) -> Result<Response, PageError> {
    let period = q.period.unwrap_or_default();
    let rows = s.store.comp_ledger_rows(&user.0.actor, &period).await?;
    Ok(crate::api::commissions::csv_response(
        &format!("commissions-{period}.csv"),
        &rows,
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "commission/plans.html")]
pub struct PlansPage {
    chrome: Chrome,
    notice: Option<String>,
    plans: Vec<baton_model::records::CompPlan>,
    finance: bool,
    /// The text being saved and why it was refused, when it was.
    source: String,
    errors: Vec<String>,
    users: Vec<(i64, String)>,
    plan_ids: Vec<String>,
    periods: Vec<String>,
    /// A draft tried on a past period: (period, rows of name, in force, draft, difference).
    comparison: Option<(String, Vec<[String; 4]>)>,
}

async fn plans_page(
    s: &AppState,
    user: &WebUser,
    notice: Option<String>,
    source: String,
    errors: Vec<String>,
) -> Result<PlansPage, PageError> {
    let actor = user.0.actor;
    let plans = s.store.comp_plans(&actor).await?;
    let mut plan_ids: Vec<String> = plans.iter().map(|p| p.plan_id.clone()).collect();
    plan_ids.dedup();
    let mut users: Vec<(i64, String)> = s
        .store
        .names()
        .await?
        .users
        .into_iter()
        .map(|(id, name)| (id.0, name))
        .collect();
    users.sort_by(|a, b| a.1.cmp(&b.1));
    let fiscal = s.store.org_settings().await?.fiscal_year_start_month;
    Ok(PlansPage {
        periods: quarters(fiscal).iter().map(ToString::to_string).collect(),
        comparison: None,
        chrome: Chrome::new(user, "/commission", "Commission plans"),
        notice,
        finance: matches!(actor.role, Role::Admin | Role::Finance),
        plans,
        source,
        errors,
        users,
        plan_ids,
    })
}

/// `GET /commission/plans`: every plan version; finance saves new ones and assigns people.
pub async fn plans(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<CommissionQuery>,
) -> Result<PlansPage, PageError> {
    plans_page(&s, &user, q.notice, String::new(), Vec::new()).await
}

/// `POST /commission/plans`: saves a plan; a plan with problems comes back with each one
/// (line, column, field) above the text as typed.
pub async fn save_plan(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = Submitted::parse(&body);
    let source = form.get("source");
    if !form.get("compare").is_empty() {
        let period = form.get("period");
        return match s
            .store
            .compare_comp_plan(&user.0.actor, &source, &period)
            .await
        {
            Ok(rows) => {
                let mut page = plans_page(&s, &user, None, source, Vec::new()).await?;
                let rows = rows
                    .iter()
                    .map(|r| {
                        let money = |minor| readable_money(minor, r.currency);
                        [
                            r.user_name.clone(),
                            money(r.in_force_minor),
                            money(r.draft_minor),
                            money(r.draft_minor - r.in_force_minor),
                        ]
                    })
                    .collect();
                page.comparison = Some((period, rows));
                Ok(page.into_response())
            }
            Err(StoreError::Invalid(errors)) => {
                let errors = errors.0.into_iter().map(|e| e.message).collect();
                let page = plans_page(&s, &user, None, source, errors).await?;
                Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
            }
            Err(other) => Err(other.into()),
        };
    }
    match s.store.save_comp_plan(&user.0.actor, &source).await {
        Ok(plan) => {
            let notice = format!("Saved plan {} version {}.", plan.plan_id, plan.version);
            let query = serde_urlencoded::to_string([("notice", notice)]).unwrap_or_default();
            Ok(Redirect::to(&format!("/commission/plans?{query}")).into_response())
        }
        Err(StoreError::Invalid(errors)) => {
            let errors = errors.0.into_iter().map(|e| e.message).collect();
            let page = plans_page(&s, &user, None, source, errors).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(StoreError::Conflict(message)) => {
            let page = plans_page(&s, &user, None, source, vec![message]).await?;
            Ok((axum::http::StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /commission/assignments`: puts someone on a plan from a day.
pub async fn assign(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = Submitted::parse(&body);
    let assignment = baton_model::records::CompAssignment {
        user_id: UserId(
            form.get("user_id")
                .parse()
                .map_err(|_| ApiError::bad("user_id", "choose a person"))?,
        ),
        plan_id: form.get("plan_id"),
        from: form
            .get("from")
            .parse()
            .map_err(|_| ApiError::bad("from", "must be a date"))?,
        to: None,
    };
    let assigned = s.store.assign_comp_plan(&user.0.actor, assignment).await?;
    let notice = format!(
        "Put {} on plan {} from {}.",
        s.store
            .names()
            .await?
            .users
            .get(&assigned.user_id)
            .cloned()
            .unwrap_or_default(),
        assigned.plan_id,
        assigned.from
    );
    let query = serde_urlencoded::to_string([("notice", notice)]).unwrap_or_default();
    Ok(Redirect::to(&format!("/commission/plans?{query}")).into_response())
}

/// Back to a statement with a notice.
fn back_to(period: &str, user: &str, notice: &str) -> Response {
    let query =
        serde_urlencoded::to_string([("period", period), ("user", user), ("notice", notice)])
            .unwrap_or_default();
    Redirect::to(&format!("/commission?{query}")).into_response()
}

/// `POST /commission/disputes`: questions a statement line.
pub async fn open_dispute(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = Submitted::parse(&body);
    let input = baton_model::records::DisputeInput {
        user_id: form.get("user").parse().ok().map(UserId),
        period: form.get("period"),
        line_key: form.get("line_key"),
        message: form.get("message"),
    };
    s.store.open_dispute(&user.0.actor, input).await?;
    Ok(back_to(
        &form.get("period"),
        &form.get("user"),
        "Sent your question to finance; the answer shows under the statement.",
    ))
}

/// `POST /commission/disputes/{id}`: a reply (finance may resolve with it).
pub async fn reply_to_dispute(
    State(s): State<AppState>,
    user: WebUser,
    crate::extract::ApiPath(id): crate::extract::ApiPath<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = Submitted::parse(&body);
    let reply = baton_model::records::DisputeReply {
        message: form.get("message"),
        resolve: form.get("resolve") == "on",
    };
    let dispute = s.store.reply_to_dispute(&user.0.actor, id, reply).await?;
    Ok(back_to(
        &dispute.period,
        &dispute.user_id.to_string(),
        &format!("Replied; the question is {}.", dispute.status.as_str()),
    ))
}
