//! Record pages — account, contact and deal: key facts edited in place, related records, and a
//! timeline of activities and field history with a form to log a call, email, meeting, note or
//! task. Each kind says what it shows and how it saves ([`Shown`]); the pages, forms and
//! conflict handling are the same for all.
//!
//! Saving sends only the fields the person changed, with the version the form was opened at.
//! If someone saved the record meanwhile, nothing is overwritten: the form comes back with the
//! person's changes kept, the other changes shown, and the new version to save against.

mod account;
mod contact;
mod deal;

pub use account::AccountView;
pub use contact::{ContactView, suggest_accounts};
pub use deal::DealView;

use super::chrome::Chrome;
use super::error::PageError;
use super::format::{ago, day, local_day};
use super::forms::{Field, Input, Submitted, place_errors};
use super::session::WebUser;
use super::today::{field_label, field_value};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiPath;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use baton_model::activity::{ActivityKind, Direction};
use baton_model::records::{ActivityInput, FieldChange};
use baton_model::{Currency, FieldErrors};
use baton_store::{Actor, ListQuery, Names, Session, StoreError};
use chrono::{DateTime, NaiveDate, TimeZone as _, Utc};
use serde::de::DeserializeOwned;
use std::fmt::Display;
use std::future::Future;

/// A kind of record with a page: what it shows, how its form reads and saves, and how
/// activities attach to it.
pub trait Shown: Sized + Send + Sync + 'static {
    type Id: Copy + Display + DeserializeOwned + Send + Sync + 'static;
    /// Where its pages live: `/deals`.
    const PATH: &'static str;
    /// What it is called in sentences: "deal".
    const NOUN: &'static str;
    /// The page it is reached from, for the breadcrumb: (href, label).
    const CRUMB: (&'static str, &'static str);
    /// API field names that the form shows under another name, for placing errors.
    const ALIASES: &'static [(&'static str, &'static str)] = &[];

    /// The record and what its page needs besides, if the actor may see it.
    fn load(
        s: &AppState,
        actor: &Actor,
        id: Self::Id,
    ) -> impl Future<Output = Result<Self, StoreError>> + Send;
    /// Whether the actor may change it.
    fn can_edit(
        s: &AppState,
        actor: &Actor,
        id: Self::Id,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn id(&self) -> Self::Id;
    fn title(&self) -> String;
    /// Links to what can be done for it elsewhere: (href, label).
    fn actions(&self) -> Vec<(String, &'static str)> {
        Vec::new()
    }
    fn version(&self) -> i64;
    /// Its key facts, in words.
    fn details(&self, names: &Names) -> Vec<(&'static str, String)>;
    /// Its edit form, showing the current values.
    fn form(&self, names: &Names) -> Vec<Field>;
    /// Saves the fields the person changed, if it is still at `version`.
    fn save(
        &self,
        s: &AppState,
        actor: &Actor,
        version: i64,
        fields: &[Field],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The records shown beside it.
    fn related(
        &self,
        s: &AppState,
        actor: &Actor,
        names: &Names,
    ) -> impl Future<Output = Result<Vec<Related>, StoreError>> + Send;
    /// Its field history, oldest first.
    fn history(
        &self,
        s: &AppState,
        actor: &Actor,
    ) -> impl Future<Output = Result<Vec<FieldChange>, StoreError>> + Send;
    /// The currency its money fields are in.
    fn currency(&self) -> Currency;
    /// The list filter of its activities: `("deal_id", 7)`.
    fn activities(&self) -> (&'static str, i64);
    /// Links an activity logged on its page to it (and to what it belongs to).
    fn link(&self, input: &mut ActivityInput);
}

/// The routes of a kind's pages: the page, its details, edit form, save and log.
pub fn routes<R: Shown>(router: Router<AppState>) -> Router<AppState> {
    let path = R::PATH;
    router
        .route(&format!("{path}/{{id}}"), get(page::<R>).post(save::<R>))
        .route(&format!("{path}/{{id}}/details"), get(show_details::<R>))
        .route(&format!("{path}/{{id}}/edit"), get(edit::<R>))
        .route(&format!("{path}/{{id}}/activities"), post(log::<R>))
}

/// The open signal findings about a record, as a related section of its page.
pub(crate) async fn signal_section(
    s: &AppState,
    actor: &baton_store::Actor,
    subject_type: &str,
    id: i64,
) -> Result<Related, baton_store::StoreError> {
    let filter = baton_store::signals::FindingFilter {
        include_closed: false,
        subject: Some((subject_type.to_owned(), id)),
        limit: Some(20),
    };
    let findings = s.store.signal_findings(actor, &filter).await?;
    Ok(Related {
        title: "Signals",
        items: findings
            .into_iter()
            .map(|f| {
                (
                    format!("/signals#finding-{}", f.id),
                    super::signals::label(&f.kind).to_owned(),
                    f.summary,
                )
            })
            .collect(),
        empty: "Nothing noticed.",
    })
}

/// A list of related records on a record page: (href, title, detail) each.
pub struct Related {
    pub title: &'static str,
    pub items: Vec<(String, String, String)>,
    pub empty: &'static str,
}

/// One entry of a timeline.
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub when: String,
    pub kind: &'static str,
    pub text: String,
}

#[derive(Template)]
#[template(path = "record/details.html")]
struct DetailsView {
    path: String,
    fields: Vec<(&'static str, String)>,
    editable: bool,
    saved: Option<String>,
}

#[derive(Template)]
#[template(path = "record/form.html")]
struct FormView {
    path: String,
    csrf_token: String,
    version: i64,
    fields: Vec<Field>,
    message: Option<String>,
    general_errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "record/timeline.html")]
struct TimelineView {
    path: String,
    noun: &'static str,
    csrf_token: String,
    editable: bool,
    log_fields: Vec<Field>,
    general_errors: Vec<String>,
    entries: Vec<TimelineEntry>,
}

#[derive(Template)]
#[template(path = "record/related.html")]
struct RelatedView {
    sections: Vec<Related>,
    /// Sent with a saved form, to replace the sections already on the page.
    oob: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "record/page.html")]
pub struct RecordPage {
    chrome: Chrome,
    crumb: (&'static str, &'static str),
    noun: &'static str,
    name: String,
    actions: Vec<(String, &'static str)>,
    details: String,
    related: String,
    timeline: String,
}

fn render(template: &impl Template) -> Result<String, ApiError> {
    template
        .render()
        .map_err(|e| ApiError::Internal(e.to_string()))
}

fn path_of<R: Shown>(record: &R) -> String {
    format!("{}/{}", R::PATH, record.id())
}

/// A value for the details list: the text, or a dash when there is none.
pub fn or_dash(value: Option<impl ToString>) -> String {
    value.map_or_else(|| "—".into(), |v| v.to_string())
}

/// The users as choices of a select, by name.
pub fn owner_choices(names: &Names) -> Vec<(String, String)> {
    let mut owners: Vec<(String, String)> = names
        .users
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    owners.sort_by(|a, b| a.1.cmp(&b.1));
    owners
}

/// An optional text field's value: none when left empty.
pub fn non_empty(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Up to 100 records of a list, by `filter` and `sort`.
fn first_hundred(filter: (&str, String), sort: &str) -> Result<ListQuery, StoreError> {
    ListQuery::from_pairs([
        (filter.0.to_owned(), filter.1),
        ("sort".to_owned(), sort.to_owned()),
        ("limit".to_owned(), "100".to_owned()),
    ])
}

/// Problems found reading the form, joined with those the model's validation found.
pub fn checked<C>(
    mut read: FieldErrors,
    validated: Result<C, FieldErrors>,
) -> Result<C, StoreError> {
    match validated {
        Ok(changes) if read.is_empty() => Ok(changes),
        Ok(_) => Err(StoreError::Invalid(read)),
        Err(more) => {
            read.0.extend(more.0);
            Err(StoreError::Invalid(read))
        }
    }
}

fn details<R: Shown>(
    record: &R,
    names: &Names,
    editable: bool,
    saved: Option<String>,
) -> DetailsView {
    DetailsView {
        path: path_of(record),
        fields: record.details(names),
        editable,
        saved,
    }
}

/// The whole page, with `details` (shown or as a form) and the timeline's log form.
async fn whole_page<R: Shown>(
    s: &AppState,
    user: &WebUser,
    record: &R,
    names: &Names,
    details: String,
    log: Vec<Field>,
    general_errors: Vec<String>,
) -> Result<RecordPage, ApiError> {
    let actor = &user.0.actor;
    Ok(RecordPage {
        chrome: Chrome::new(user, "", record.title()),
        crumb: R::CRUMB,
        noun: R::NOUN,
        name: record.title(),
        actions: record.actions(),
        details,
        related: render(&RelatedView {
            sections: record.related(s, actor, names).await?,
            oob: false,
        })?,
        timeline: render(&timeline(s, record, &user.0, names, log, general_errors).await?)?,
    })
}

/// Answers an htmx request with a fragment, and a plain form post with the whole page.
async fn answer<R: Shown>(
    s: &AppState,
    user: &WebUser,
    headers: &HeaderMap,
    status: StatusCode,
    fragment: String,
    record: &R,
    names: &Names,
) -> Result<Response, ApiError> {
    if headers.contains_key("hx-request") {
        return Ok((status, Html(fragment)).into_response());
    }
    if status.is_success() {
        return Ok(Redirect::to(&path_of(record)).into_response());
    }
    let page = whole_page(
        s,
        user,
        record,
        names,
        fragment,
        log_fields(&user.0),
        Vec::new(),
    )
    .await?;
    Ok((status, page).into_response())
}

/// `GET /{kind}/{id}`: 404 when the record does not exist or is not the user's to see.
pub async fn page<R: Shown>(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<R::Id>,
) -> Result<RecordPage, PageError> {
    let actor = user.0.actor;
    let record = R::load(&s, &actor, id).await?;
    let names = s.store.names().await?;
    let editable = R::can_edit(&s, &actor, id).await?;
    let shown = render(&details(&record, &names, editable, None))?;
    Ok(whole_page(
        &s,
        &user,
        &record,
        &names,
        shown,
        log_fields(&user.0),
        Vec::new(),
    )
    .await?)
}

/// `GET /{kind}/{id}/details`: the details, shown (after Cancel).
pub async fn show_details<R: Shown>(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<R::Id>,
) -> Result<Html<String>, PageError> {
    let actor = user.0.actor;
    let record = R::load(&s, &actor, id).await?;
    let editable = R::can_edit(&s, &actor, id).await?;
    Ok(Html(render(&details(
        &record,
        &s.store.names().await?,
        editable,
        None,
    ))?))
}

/// `GET /{kind}/{id}/edit`: the details as a form.
pub async fn edit<R: Shown>(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<R::Id>,
) -> Result<Html<String>, PageError> {
    let actor = user.0.actor;
    let record = R::load(&s, &actor, id).await?;
    if !R::can_edit(&s, &actor, id).await? {
        return Err(
            ApiError::Forbidden(format!("you may see this {} but not change it", R::NOUN)).into(),
        );
    }
    let form = FormView {
        path: path_of(&record),
        csrf_token: user.0.csrf_token.clone(),
        version: record.version(),
        fields: record.form(&s.store.names().await?),
        message: None,
        general_errors: Vec::new(),
    };
    Ok(Html(render(&form)?))
}

/// `POST /{kind}/{id}`: saves the changed fields.
pub async fn save<R: Shown>(
    State(s): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<R::Id>,
    body: Bytes,
) -> Result<Response, PageError> {
    let actor = user.0.actor;
    let submitted = Submitted::parse(&body);
    let version = submitted.version()?;
    let record = R::load(&s, &actor, id).await?;
    let names = s.store.names().await?;
    let mut fields = record.form(&names);
    submitted.fill(&mut fields);
    if !fields.iter().any(Field::changed) {
        let editable = R::can_edit(&s, &actor, id).await?;
        let shown = render(&details(&record, &names, editable, None))?;
        return Ok(answer(&s, &user, &headers, StatusCode::OK, shown, &record, &names).await?);
    }
    let form = |fields, version, message, general_errors| FormView {
        path: path_of(&record),
        csrf_token: user.0.csrf_token.clone(),
        version,
        fields,
        message,
        general_errors,
    };
    let (status, html) = match record.save(&s, &actor, version, &fields).await {
        Ok(()) => {
            let saved = R::load(&s, &actor, id).await?;
            let editable = R::can_edit(&s, &actor, id).await?;
            let shown = details(&saved, &names, editable, Some("Saved.".into()));
            // What a change links to (a contact's account) shows beside it at once.
            let related = RelatedView {
                sections: saved.related(&s, &actor, &names).await?,
                oob: true,
            };
            (StatusCode::OK, render(&shown)? + &render(&related)?)
        }
        Err(StoreError::Invalid(errors)) => {
            let general = place_errors(&mut fields, &errors, R::ALIASES);
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&form(fields, version, None, general))?,
            )
        }
        Err(StoreError::Stale { .. }) => {
            // Keep what this person changed; take everything else as it is now.
            let now = R::load(&s, &actor, id).await?;
            let mut theirs = Vec::new();
            for (field, latest) in fields.iter_mut().zip(now.form(&names)) {
                if latest.value != field.original {
                    theirs.push(field.label);
                }
                if !field.changed() {
                    field.value.clone_from(&latest.value);
                }
                field.original = latest.value;
            }
            let message = format!(
                "Someone else saved this {} while you were editing it ({}). Nothing of yours was saved yet: your changes are still below, next to the current values of everything else. Save again to apply them.",
                R::NOUN,
                if theirs.is_empty() {
                    "no field you see here".to_owned()
                } else {
                    format!("changed: {}", theirs.join(", "))
                }
            );
            (
                StatusCode::CONFLICT,
                render(&form(fields, now.version(), Some(message), Vec::new()))?,
            )
        }
        Err(e) => return Err(e.into()),
    };
    Ok(answer(&s, &user, &headers, status, html, &record, &names).await?)
}

/// The empty "log an activity" form.
fn log_fields(session: &Session) -> Vec<Field> {
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

/// The record's field history and activities, newest first, under the log form.
async fn timeline<R: Shown>(
    s: &AppState,
    record: &R,
    session: &Session,
    names: &Names,
    log: Vec<Field>,
    general_errors: Vec<String>,
) -> Result<TimelineView, ApiError> {
    let actor = &session.actor;
    let now = baton_store::now();
    let currency = record.currency();
    let mut entries: Vec<TimelineEntry> = record
        .history(s, actor)
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
    let (filter, id) = record.activities();
    let list = ListQuery::from_pairs([
        (filter.to_owned(), id.to_string()),
        ("sort".to_owned(), "-occurred_at".to_owned()),
        ("limit".to_owned(), "200".to_owned()),
    ])?;
    for a in s.store.list_activities(actor, &list).await?.items {
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
        path: path_of(record),
        noun: R::NOUN,
        csrf_token: session.csrf_token.clone(),
        editable: actor.role.edits_crm_records(),
        log_fields: log,
        general_errors,
        entries,
    })
}

/// `POST /{kind}/{id}/activities`: logs an activity on the record.
pub async fn log<R: Shown>(
    State(s): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<R::Id>,
    body: Bytes,
) -> Result<Response, PageError> {
    let session = &user.0;
    let record = R::load(&s, &session.actor, id).await?;
    let names = s.store.names().await?;
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
    let mut input = ActivityInput {
        kind: Some(kind),
        subject: Some(Some(value("subject"))),
        body: Some(Some(value("body"))),
        occurred_at,
        direction: direction.map(Some),
        due_date: (kind == ActivityKind::Task).then_some(date),
        ..ActivityInput::default()
    };
    record.link(&mut input);
    let result = match checked(errors, input.validate(None)) {
        Ok(valid) => s
            .store
            .create_activity(&session.actor, valid)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
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
    if headers.contains_key("hx-request") {
        let html = render(&timeline(&s, &record, session, &names, log, general).await?)?;
        return Ok((status, Html(html)).into_response());
    }
    if status.is_success() {
        return Ok(Redirect::to(&path_of(&record)).into_response());
    }
    let shown = render(&details(
        &record,
        &names,
        R::can_edit(&s, &session.actor, id).await?,
        None,
    ))?;
    Ok((
        status,
        whole_page(&s, &user, &record, &names, shown, log, general).await?,
    )
        .into_response())
}
