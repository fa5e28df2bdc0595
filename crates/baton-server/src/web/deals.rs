//! A deal's page: its details, edited in place, and a timeline of its activities and field
//! history with a form to log a call, email, meeting, note or task.
//!
//! Saving sends only the fields the person changed, with the version the form was opened at.
//! If someone saved the deal meanwhile, nothing is overwritten: the form comes back with the
//! person's changes kept, the other changes shown, and the new version to save against.

use super::chrome::Chrome;
use super::error::PageError;
use super::format::{ago, day, local_day, money};
use super::forms::{Field, Input, Submitted, place_errors};
use super::session::WebUser;
use super::today::{field_label, field_value};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiPath;
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use baton_model::activity::{ActivityKind, Direction};
use baton_model::pipeline::ForecastCategory;
use baton_model::records::{ActivityInput, Deal, DealInput, Pipeline};
use baton_model::{DealId, FieldErrors, Money, StageId, UserId};
use baton_store::{Actor, ListQuery, Names, StoreError};
use chrono::{DateTime, NaiveDate, TimeZone as _, Utc};

/// One entry of a deal's timeline.
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub when: String,
    pub kind: &'static str,
    pub text: String,
}

#[derive(Template)]
#[template(path = "deal/details.html")]
struct DetailsView {
    id: DealId,
    fields: Vec<(&'static str, String)>,
    editable: bool,
    saved: Option<String>,
}

#[derive(Template)]
#[template(path = "deal/form.html")]
struct FormView {
    id: DealId,
    csrf_token: String,
    version: i64,
    fields: Vec<Field>,
    message: Option<String>,
    general_errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "deal/timeline.html")]
struct TimelineView {
    id: DealId,
    csrf_token: String,
    editable: bool,
    log_fields: Vec<Field>,
    general_errors: Vec<String>,
    entries: Vec<TimelineEntry>,
}

#[derive(Template, WebTemplate)]
#[template(path = "deal.html")]
pub struct DealPage {
    chrome: Chrome,
    name: String,
    details: String,
    timeline: String,
}

/// What rendering a deal's parts needs.
struct Context {
    actor: Actor,
    deal: Deal,
    pipeline: Pipeline,
    names: Names,
    account: Option<String>,
    editable: bool,
}

async fn context(s: &AppState, actor: Actor, id: DealId) -> Result<Context, ApiError> {
    let deal = s.store.get_deal(&actor, id).await?;
    let pipeline = s.store.get_pipeline(&actor, deal.pipeline_id).await?;
    let account = match deal.account_id {
        Some(a) => s.store.get_account(&actor, a).await.ok().map(|a| a.name),
        None => None,
    };
    let editable = s.store.can_edit_deal(&actor, id).await?;
    Ok(Context {
        actor,
        names: s.store.names().await?,
        deal,
        pipeline,
        account,
        editable,
    })
}

fn render(template: &impl Template) -> Result<String, ApiError> {
    template
        .render()
        .map_err(|e| ApiError::Internal(e.to_string()))
}

fn details(c: &Context, saved: Option<String>) -> DetailsView {
    let d = &c.deal;
    let stage = c.pipeline.stages.iter().find(|s| s.id == d.stage_id);
    let mut fields = vec![
        ("Account", c.account.clone().unwrap_or_else(|| "—".into())),
        (
            "Owner",
            c.names.users.get(&d.owner_id).cloned().unwrap_or_default(),
        ),
        ("Pipeline", c.pipeline.name.clone()),
        (
            "Stage",
            stage.map_or_else(String::new, |s| format!("{} ({} %)", s.name, s.probability)),
        ),
        (
            "Amount",
            d.amount_minor
                .map_or_else(|| "—".into(), |a| money(a, d.currency)),
        ),
        ("Close date", d.close_date.map_or_else(|| "—".into(), day)),
        ("Forecast", d.forecast_category.as_str().replace('_', " ")),
        (
            "Next step",
            d.next_step.clone().unwrap_or_else(|| "—".into()),
        ),
        ("Source", d.source.clone().unwrap_or_else(|| "—".into())),
    ];
    if let Some(reason) = &d.lost_reason {
        fields.push(("Lost reason", reason.clone()));
    }
    DetailsView {
        id: d.id,
        fields,
        editable: c.editable,
        saved,
    }
}

/// The edit form's fields, showing the deal's current values.
fn form_fields(c: &Context) -> Vec<Field> {
    let d = &c.deal;
    let stages = c
        .pipeline
        .stages
        .iter()
        .map(|s| (s.id.to_string(), s.name.clone()))
        .collect();
    let mut owners: Vec<(String, String)> = c
        .names
        .users
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    owners.sort_by(|a, b| a.1.cmp(&b.1));
    let forecasts = ForecastCategory::ALL
        .iter()
        .map(|f| (f.as_str().to_owned(), f.as_str().replace('_', " ")))
        .collect();
    vec![
        Field::new("name", "Name", Input::Text, d.name.clone()),
        Field::new(
            "stage_id",
            "Stage",
            Input::Select(stages),
            d.stage_id.to_string(),
        ),
        Field::new(
            "owner_id",
            "Owner",
            Input::Select(owners),
            d.owner_id.to_string(),
        ),
        Field::new(
            "amount",
            "Amount",
            Input::Text,
            d.amount_minor
                .map(|m| {
                    Money {
                        minor: m,
                        currency: d.currency,
                    }
                    .to_major_string()
                })
                .unwrap_or_default(),
        )
        .hint("In the deal's currency, such as 12500 or 12,500.00."),
        Field::new(
            "close_date",
            "Close date",
            Input::Date,
            d.close_date.map(|c| c.to_string()).unwrap_or_default(),
        ),
        Field::new(
            "forecast_category",
            "Forecast",
            Input::Select(forecasts),
            d.forecast_category.as_str(),
        ),
        Field::new(
            "next_step",
            "Next step",
            Input::Text,
            d.next_step.clone().unwrap_or_default(),
        ),
        Field::new(
            "source",
            "Source",
            Input::Text,
            d.source.clone().unwrap_or_default(),
        ),
        Field::new(
            "lost_reason",
            "Lost reason",
            Input::Text,
            d.lost_reason.clone().unwrap_or_default(),
        ),
    ]
}

/// The changes the person made, as an API input, with the problems found reading them.
fn changes(fields: &[Field], deal: &Deal) -> (DealInput, FieldErrors) {
    let mut input = DealInput::default();
    let mut errors = FieldErrors::new();
    let optional = |v: &str| Some(Some(v.to_owned()).filter(|v| !v.trim().is_empty()));
    for f in fields.iter().filter(|f| f.changed()) {
        let v = f.value.trim();
        match f.name {
            "name" => input.name = Some(v.to_owned()),
            "stage_id" => {
                input.stage_id = errors.check(
                    "stage_id",
                    v.parse::<i64>().map(StageId).map_err(|_| "choose a stage"),
                );
            }
            "owner_id" => {
                input.owner_id = errors.check(
                    "owner_id",
                    v.parse::<i64>().map(UserId).map_err(|_| "choose an owner"),
                );
            }
            "amount" if v.is_empty() => input.amount_minor = Some(None),
            "amount" => {
                input.amount_minor = errors
                    .check("amount", Money::parse_major(v, deal.currency))
                    .map(|m| Some(m.minor));
            }
            "close_date" if v.is_empty() => input.close_date = Some(None),
            "close_date" => {
                input.close_date = errors
                    .check(
                        "close_date",
                        v.parse::<NaiveDate>().map_err(|_| "is not a date"),
                    )
                    .map(Some);
            }
            "forecast_category" => {
                input.forecast_category = errors.check("forecast_category", v.parse());
            }
            "next_step" => input.next_step = optional(v),
            "source" => input.source = optional(v),
            "lost_reason" => input.lost_reason = optional(v),
            _ => {}
        }
    }
    (input, errors)
}

/// Answers an htmx request with a fragment, and a plain form post with the whole page.
async fn answer(
    s: &AppState,
    user: &WebUser,
    headers: &HeaderMap,
    status: StatusCode,
    fragment: String,
    id: DealId,
) -> Result<Response, ApiError> {
    if headers.contains_key("hx-request") {
        return Ok((status, Html(fragment)).into_response());
    }
    if status.is_success() {
        return Ok(Redirect::to(&format!("/deals/{id}")).into_response());
    }
    // Without htmx, the whole page with the form in it.
    let c = context(s, user.0.actor, id).await?;
    let page = DealPage {
        chrome: Chrome::new(user, "", c.deal.name.clone()),
        name: c.deal.name.clone(),
        details: fragment,
        timeline: render(&timeline(s, &c, &user.0, Vec::new(), Vec::new()).await?)?,
    };
    Ok((status, page).into_response())
}

/// `GET /deals/{id}`: 404 when the deal does not exist or is not the user's to see.
pub async fn page(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<DealId>,
) -> Result<DealPage, PageError> {
    let c = context(&s, user.0.actor, id).await?;
    Ok(DealPage {
        chrome: Chrome::new(&user, "", c.deal.name.clone()),
        name: c.deal.name.clone(),
        details: render(&details(&c, None))?,
        timeline: render(&timeline(&s, &c, &user.0, log_fields(&user.0), Vec::new()).await?)?,
    })
}

/// `GET /deals/{id}/details`: the details, shown (after Cancel).
pub async fn show_details(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<DealId>,
) -> Result<Html<String>, PageError> {
    let c = context(&s, user.0.actor, id).await?;
    Ok(Html(render(&details(&c, None))?))
}

/// `GET /deals/{id}/edit`: the details as a form.
pub async fn edit(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<DealId>,
) -> Result<Html<String>, PageError> {
    let c = context(&s, user.0.actor, id).await?;
    if !c.editable {
        return Err(ApiError::Forbidden("you may see this deal but not change it".into()).into());
    }
    let form = FormView {
        id,
        csrf_token: user.0.csrf_token.clone(),
        version: c.deal.version,
        fields: form_fields(&c),
        message: None,
        general_errors: Vec::new(),
    };
    Ok(Html(render(&form)?))
}

/// `POST /deals/{id}`: saves the changed fields.
pub async fn save(
    State(s): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<DealId>,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = user.0.actor;
    let submitted = Submitted::parse(&body);
    let version: i64 = submitted
        .get("version")
        .parse()
        .map_err(|_| ApiError::bad("version", "missing"))?;
    let c = context(&s, actor, id).await?;
    let mut fields = form_fields(&c);
    submitted.fill(&mut fields);
    let (input, mut errors) = changes(&fields, &c.deal);
    if !fields.iter().any(Field::changed) {
        return Ok(answer(
            &s,
            &user,
            &headers,
            StatusCode::OK,
            render(&details(&c, None))?,
            id,
        )
        .await?);
    }
    let result = match input.validate(false) {
        Ok(valid) if errors.is_empty() => s.store.update_deal(&actor, id, version, valid).await,
        Ok(_) => Err(StoreError::Invalid(errors)),
        Err(more) => {
            errors.0.extend(more.0);
            Err(StoreError::Invalid(errors))
        }
    };
    let form = |fields, version, message, general_errors| FormView {
        id,
        csrf_token: user.0.csrf_token.clone(),
        version,
        fields,
        message,
        general_errors,
    };
    match result {
        Ok(deal) => {
            let c = Context { deal, ..c };
            Ok(answer(
                &s,
                &user,
                &headers,
                StatusCode::OK,
                render(&details(&c, Some("Saved.".into())))?,
                id,
            )
            .await?)
        }
        Err(StoreError::Invalid(errors)) => {
            let general = place_errors(&mut fields, &errors, &[("amount_minor", "amount")]);
            let html = render(&form(fields, version, None, general))?;
            Ok(answer(
                &s,
                &user,
                &headers,
                StatusCode::UNPROCESSABLE_ENTITY,
                html,
                id,
            )
            .await?)
        }
        Err(StoreError::Stale { .. }) => {
            // Keep what this person changed; take everything else as it is now.
            let now = context(&s, actor, id).await?;
            let current = form_fields(&now);
            let mut theirs = Vec::new();
            for (field, latest) in fields.iter_mut().zip(current) {
                if latest.value != field.original {
                    theirs.push(field.label);
                }
                if !field.changed() {
                    field.value.clone_from(&latest.value);
                }
                field.original = latest.value;
            }
            let message = format!(
                "Someone else saved this deal while you were editing it ({}). Nothing of yours was saved yet: your changes are still below, next to the current values of everything else. Save again to apply them.",
                if theirs.is_empty() {
                    "no field you see here".to_owned()
                } else {
                    format!("changed: {}", theirs.join(", "))
                }
            );
            let html = render(&form(fields, now.deal.version, Some(message), Vec::new()))?;
            Ok(answer(&s, &user, &headers, StatusCode::CONFLICT, html, id).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// The empty "log an activity" form.
fn log_fields(session: &baton_store::Session) -> Vec<Field> {
    let kinds = [
        ("call", "Call"),
        ("email_out", "Email sent"),
        ("email_in", "Email received"),
        ("meeting", "Meeting"),
        ("note", "Note"),
        ("task", "Task"),
    ]
    .iter()
    .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
    .collect();
    let today = local_day(baton_store::now(), session.time_zone).to_string();
    vec![
        Field::new("kind", "What", Input::Select(kinds), "call"),
        Field::new("subject", "Subject", Input::Text, ""),
        Field::new("date", "When (or due, for a task)", Input::Date, today),
        Field::new("body", "Notes", Input::TextArea, ""),
    ]
}

async fn timeline(
    s: &AppState,
    c: &Context,
    session: &baton_store::Session,
    log: Vec<Field>,
    general_errors: Vec<String>,
) -> Result<TimelineView, ApiError> {
    let now = baton_store::now();
    let names = &c.names;
    let currency = c.deal.currency;
    let mut entries: Vec<TimelineEntry> = s
        .store
        .deal_history(&c.actor, c.deal.id)
        .await?
        .into_iter()
        .filter(|h| h.old_value.is_some())
        .map(|h| {
            let who = h
                .actor_id
                .and_then(|a| names.users.get(&a).cloned())
                .unwrap_or_else(|| "Baton".into());
            TimelineEntry {
                at: h.changed_at,
                when: ago(h.changed_at, now),
                kind: "change",
                text: format!(
                    "{} {} → {} by {who}",
                    field_label(&h.field),
                    field_value(&h.field, h.old_value.as_deref(), names, currency),
                    field_value(&h.field, h.new_value.as_deref(), names, currency)
                ),
            }
        })
        .collect();
    let list = ListQuery::from_pairs([
        ("deal_id".to_owned(), c.deal.id.to_string()),
        ("sort".to_owned(), "-occurred_at".to_owned()),
        ("limit".to_owned(), "200".to_owned()),
    ])?;
    for a in s.store.list_activities(&c.actor, &list).await?.items {
        let who = names.users.get(&a.owner_id).cloned().unwrap_or_default();
        let what = a
            .subject
            .clone()
            .unwrap_or_else(|| a.kind.as_str().to_owned());
        let direction = match a.direction {
            Some(Direction::Inbound) => " (received)",
            Some(Direction::Outbound) => " (sent)",
            None => "",
        };
        let due = a
            .due_date
            .filter(|_| a.kind == ActivityKind::Task && a.completed_at.is_none());
        entries.push(TimelineEntry {
            at: a.occurred_at,
            when: match due {
                Some(due) => format!("due {}", day(due)),
                None if a.occurred_at > now => format!("on {}", day(a.occurred_at.date_naive())),
                None => ago(a.occurred_at, now),
            },
            kind: a.kind.as_str(),
            text: format!("{what}{direction} — {who}"),
        });
    }
    entries.sort_by_key(|entry| std::cmp::Reverse(entry.at));
    Ok(TimelineView {
        id: c.deal.id,
        csrf_token: session.csrf_token.clone(),
        editable: c.actor.role.edits_crm_records(),
        log_fields: log,
        general_errors,
        entries,
    })
}

/// `POST /deals/{id}/activities`: logs an activity on the deal (and its account).
pub async fn log(
    State(s): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<DealId>,
    body: Bytes,
) -> Result<Response, PageError> {
    let session = &user.0;
    let c = context(&s, session.actor, id).await?;
    let submitted = Submitted::parse(&body);
    let mut fields = log_fields(session);
    submitted.fill(&mut fields);
    let value = |name: &str| {
        fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.trim().to_owned())
            .unwrap_or_default()
    };
    let mut errors = FieldErrors::new();
    let (kind, direction) = match value("kind").as_str() {
        "call" => (ActivityKind::Call, None),
        "email_out" => (ActivityKind::Email, Some(Direction::Outbound)),
        "email_in" => (ActivityKind::Email, Some(Direction::Inbound)),
        "meeting" => (ActivityKind::Meeting, None),
        "task" => (ActivityKind::Task, None),
        _ => (ActivityKind::Note, None),
    };
    let date = errors.check(
        "date",
        value("date")
            .parse::<NaiveDate>()
            .map_err(|_| "is not a date"),
    );
    if value("subject").is_empty() && value("body").is_empty() {
        errors.add("subject", "say what happened (a subject or notes)");
    }
    // A task is due on the date; anything else happened then (now, if it is today).
    let now = baton_store::now();
    let occurred_at = match date {
        Some(d) if kind != ActivityKind::Task && d != local_day(now, session.time_zone) => session
            .time_zone
            .0
            .from_local_datetime(&d.and_hms_opt(12, 0, 0).unwrap_or_default())
            .earliest()
            .map(|t| t.with_timezone(&Utc)),
        _ => None,
    };
    let input = ActivityInput {
        kind: Some(kind),
        subject: Some(Some(value("subject"))),
        body: Some(Some(value("body"))),
        deal_id: Some(Some(id)),
        account_id: Some(c.deal.account_id),
        occurred_at,
        direction: direction.map(Some),
        due_date: (kind == ActivityKind::Task).then_some(date),
        ..ActivityInput::default()
    };
    let result = if errors.is_empty() {
        match input.validate(None) {
            Ok(valid) => s
                .store
                .create_activity(&session.actor, valid)
                .await
                .map(|_| ()),
            Err(e) => Err(StoreError::Invalid(e)),
        }
    } else {
        Err(StoreError::Invalid(errors))
    };
    let (status, log, general) = match result {
        Ok(()) => (StatusCode::OK, log_fields(session), Vec::new()),
        Err(StoreError::Invalid(errors)) => {
            let general = place_errors(
                &mut fields,
                &errors,
                &[("due_date", "date"), ("occurred_at", "date")],
            );
            (StatusCode::UNPROCESSABLE_ENTITY, fields, general)
        }
        Err(e) => return Err(e.into()),
    };
    let html = render(&timeline(&s, &c, session, log, general).await?)?;
    if headers.contains_key("hx-request") || !status.is_success() {
        return Ok((status, Html(html)).into_response());
    }
    Ok(Redirect::to(&format!("/deals/{id}")).into_response())
}
