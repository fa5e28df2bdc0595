//! Lists of accounts, contacts, deals and activities: filter, search, sort by any indexed
//! column, choose the columns, page through any number of rows (keyset cursors, so the
//! millionth row costs what the first does), save the view, and change many records at once.

use super::chrome::Chrome;
use super::error::PageError;
use super::format::{day, money};
use super::session::WebUser;
use crate::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use baton_model::records::{Account, Activity, Contact, Deal};
use baton_store::{Actor, ListQuery, Names, Page, StoreError};
use std::collections::HashMap;
use std::future::Future;

/// A column a list can show.
pub struct Column {
    pub key: &'static str,
    pub label: &'static str,
    /// The list's sort of this column, if it can be sorted by.
    pub sort: Option<&'static str>,
}

const fn col(key: &'static str, label: &'static str, sort: Option<&'static str>) -> Column {
    Column { key, label, sort }
}

/// Names a page's rows refer to by id.
pub struct Lookups {
    names: Names,
    accounts: HashMap<i64, String>,
}

/// A kind of record with a list page.
pub trait Listed: Sized + Send {
    /// The page's path, `/deals`.
    const PATH: &'static str;
    /// The list's name in saved views, `deals`.
    const ENTITY: &'static str;
    const TITLE: &'static str;
    const COLUMNS: &'static [Column];
    const DEFAULT_COLUMNS: &'static [&'static str];
    fn id(&self) -> i64;
    fn href(&self) -> String;
    fn account(&self) -> Option<i64> {
        None
    }
    fn cell(&self, key: &str, l: &Lookups) -> String;
    fn load(
        s: &AppState,
        actor: &Actor,
        list: &ListQuery,
    ) -> impl Future<Output = Result<Page<Self>, StoreError>> + Send;
}

fn dash(value: Option<String>) -> String {
    value
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "—".into())
}

impl Listed for Deal {
    const PATH: &'static str = "/deals";
    const ENTITY: &'static str = "deals";
    const TITLE: &'static str = "Deals";
    const COLUMNS: &'static [Column] = &[
        col("name", "Name", Some("name")),
        col("account", "Account", None),
        col("owner", "Owner", None),
        col("stage", "Stage", None),
        col("amount", "Amount", Some("amount_minor")),
        col("close_date", "Close date", Some("close_date")),
        col("forecast", "Forecast", None),
        col("next_step", "Next step", None),
        col("source", "Source", None),
        col("created_at", "Created", Some("created_at")),
        col("updated_at", "Updated", Some("updated_at")),
    ];
    const DEFAULT_COLUMNS: &'static [&'static str] =
        &["name", "account", "owner", "stage", "amount", "close_date"];
    fn id(&self) -> i64 {
        self.id.0
    }
    fn href(&self) -> String {
        format!("/deals/{}", self.id)
    }
    fn account(&self) -> Option<i64> {
        self.account_id.map(|a| a.0)
    }
    fn cell(&self, key: &str, l: &Lookups) -> String {
        match key {
            "name" => self.name.clone(),
            "account" => dash(self.account_id.and_then(|a| l.accounts.get(&a.0).cloned())),
            "owner" => dash(l.names.users.get(&self.owner_id).cloned()),
            "stage" => dash(l.names.stages.get(&self.stage_id.0).cloned()),
            "amount" => self
                .amount_minor
                .map_or_else(|| "—".into(), |a| money(a, self.currency)),
            "close_date" => self.close_date.map_or_else(|| "—".into(), day),
            "forecast" => self.forecast_category.as_str().replace('_', " "),
            "next_step" => dash(self.next_step.clone()),
            "source" => dash(self.source.clone()),
            "created_at" => day(self.created_at.date_naive()),
            "updated_at" => day(self.updated_at.date_naive()),
            _ => String::new(),
        }
    }
    async fn load(s: &AppState, actor: &Actor, list: &ListQuery) -> Result<Page<Self>, StoreError> {
        s.store.list_deals(actor, list).await
    }
}

impl Listed for Account {
    const PATH: &'static str = "/accounts";
    const ENTITY: &'static str = "accounts";
    const TITLE: &'static str = "Accounts";
    const COLUMNS: &'static [Column] = &[
        col("name", "Name", Some("name")),
        col("domain", "Domain", None),
        col("industry", "Industry", None),
        col("employees", "Employees", Some("employees")),
        col("revenue", "Annual revenue", Some("annual_revenue_minor")),
        col("tier", "Tier", None),
        col("owner", "Owner", None),
        col("created_at", "Created", Some("created_at")),
    ];
    const DEFAULT_COLUMNS: &'static [&'static str] =
        &["name", "domain", "industry", "employees", "owner"];
    fn id(&self) -> i64 {
        self.id.0
    }
    fn href(&self) -> String {
        format!("/accounts/{}", self.id)
    }
    fn cell(&self, key: &str, l: &Lookups) -> String {
        match key {
            "name" => self.name.clone(),
            "domain" => dash(self.domain.clone()),
            "industry" => dash(self.industry.clone()),
            "employees" => self.employees.map_or_else(|| "—".into(), |e| e.to_string()),
            "revenue" => self
                .annual_revenue_minor
                .map_or_else(|| "—".into(), |r| money(r, self.currency)),
            "tier" => self.tier.map_or_else(|| "—".into(), |t| t.to_string()),
            "owner" => dash(l.names.users.get(&self.owner_id).cloned()),
            "created_at" => day(self.created_at.date_naive()),
            _ => String::new(),
        }
    }
    async fn load(s: &AppState, actor: &Actor, list: &ListQuery) -> Result<Page<Self>, StoreError> {
        s.store.list_accounts(actor, list).await
    }
}

impl Listed for Contact {
    const PATH: &'static str = "/contacts";
    const ENTITY: &'static str = "contacts";
    const TITLE: &'static str = "Contacts";
    const COLUMNS: &'static [Column] = &[
        col("name", "Name", Some("last_name")),
        col("title", "Title", None),
        col("email", "Email", None),
        col("phone", "Phone", None),
        col("account", "Account", None),
        col("owner", "Owner", None),
        col("created_at", "Created", Some("created_at")),
    ];
    const DEFAULT_COLUMNS: &'static [&'static str] =
        &["name", "title", "email", "account", "owner"];
    fn id(&self) -> i64 {
        self.id.0
    }
    fn href(&self) -> String {
        format!("/contacts/{}", self.id)
    }
    fn account(&self) -> Option<i64> {
        self.account_id.map(|a| a.0)
    }
    fn cell(&self, key: &str, l: &Lookups) -> String {
        match key {
            "name" => format!(
                "{}, {}",
                self.last_name,
                self.first_name.clone().unwrap_or_default()
            )
            .trim_end_matches(", ")
            .to_owned(),
            "title" => dash(self.title.clone()),
            "email" => self
                .email
                .as_ref()
                .map_or_else(|| "—".into(), ToString::to_string),
            "phone" => dash(self.phone.clone()),
            "account" => dash(self.account_id.and_then(|a| l.accounts.get(&a.0).cloned())),
            "owner" => dash(l.names.users.get(&self.owner_id).cloned()),
            "created_at" => day(self.created_at.date_naive()),
            _ => String::new(),
        }
    }
    async fn load(s: &AppState, actor: &Actor, list: &ListQuery) -> Result<Page<Self>, StoreError> {
        s.store.list_contacts(actor, list).await
    }
}

impl Listed for Activity {
    const PATH: &'static str = "/activities";
    const ENTITY: &'static str = "activities";
    const TITLE: &'static str = "Activities";
    const COLUMNS: &'static [Column] = &[
        col("occurred_at", "When", Some("occurred_at")),
        col("kind", "Kind", None),
        col("subject", "Subject", None),
        col("owner", "Owner", None),
        col("account", "Account", None),
        col("due_date", "Due", Some("due_date")),
        col("status", "Status", None),
    ];
    const DEFAULT_COLUMNS: &'static [&'static str] =
        &["occurred_at", "kind", "subject", "owner", "account"];
    fn id(&self) -> i64 {
        self.id.0
    }
    fn href(&self) -> String {
        match self.deal_id {
            Some(d) => format!("/deals/{d}"),
            None => self
                .account_id
                .map_or_else(|| "/activities".into(), |a| format!("/accounts/{a}")),
        }
    }
    fn account(&self) -> Option<i64> {
        self.account_id.map(|a| a.0)
    }
    fn cell(&self, key: &str, l: &Lookups) -> String {
        match key {
            "occurred_at" => day(self.occurred_at.date_naive()),
            "kind" => match self.direction {
                Some(d) => format!("{} ({d})", self.kind),
                None => self.kind.to_string(),
            },
            "subject" => dash(self.subject.clone()),
            "owner" => dash(l.names.users.get(&self.owner_id).cloned()),
            "account" => dash(self.account_id.and_then(|a| l.accounts.get(&a.0).cloned())),
            "due_date" => self.due_date.map_or_else(|| "—".into(), day),
            "status" => match (self.meeting_status, self.completed_at, self.due_date) {
                (Some(s), _, _) => s.as_str().replace('_', " "),
                (_, Some(_), _) => "done".into(),
                (_, None, Some(_)) => "open".into(),
                _ => "—".into(),
            },
            _ => String::new(),
        }
    }
    async fn load(s: &AppState, actor: &Actor, list: &ListQuery) -> Result<Page<Self>, StoreError> {
        s.store.list_activities(actor, list).await
    }
}

/// A header cell: its label, and the address that sorts by it (if it sorts).
pub struct Header {
    pub label: &'static str,
    pub sort_href: Option<String>,
    /// `ascending` or `descending` when the list is sorted by this column.
    pub sorted: Option<&'static str>,
}

/// One row: the record's id and page, and its cells.
pub struct RowView {
    pub id: i64,
    pub href: String,
    pub cells: Vec<String>,
}

/// A `(value, label, selected)` choice.
pub type Choice = (String, String, bool);

#[derive(Template, WebTemplate)]
#[template(path = "lists/page.html")]
pub struct ListPage {
    chrome: Chrome,
    path: &'static str,
    q: String,
    /// The query without cursor, for the view's saved form and the first page.
    query: String,
    headers: Vec<Header>,
    rows: Vec<RowView>,
    next: Option<String>,
    first: Option<String>,
    columns: Vec<Choice>,
    owners: Vec<Choice>,
    extra: Vec<(&'static str, &'static str, Vec<Choice>)>,
    views: Vec<(String, String)>,
    notice: Option<String>,
    error: Option<String>,
    bulk: Vec<(&'static str, &'static str, Vec<Choice>)>,
}

/// The query string's pairs, and the ones a list page handles itself.
fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default()
}

fn encode(pairs: &[(String, String)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// The page of list `T` for this query string.
pub async fn page<T: Listed>(
    s: &AppState,
    user: &WebUser,
    raw: Option<&str>,
    notice: Option<String>,
) -> Result<ListPage, PageError> {
    let actor = user.0.actor;
    let all = pairs(raw);
    let get = |k: &str| all.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    // Columns come as repeated `col` parameters (the column picker's checkboxes).
    let picked: Vec<&str> = all
        .iter()
        .filter(|(k, _)| k == "col")
        .map(|(_, v)| v.as_str())
        .collect();
    let columns: Vec<&'static str> = T::COLUMNS
        .iter()
        .map(|c| c.key)
        .filter(|k| picked.contains(k))
        .collect();
    let columns = if columns.is_empty() {
        T::DEFAULT_COLUMNS.to_vec()
    } else {
        columns
    };
    // Everything but the page's own parameters goes to the store, which checks it.
    let store_pairs: Vec<(String, String)> = all
        .iter()
        .filter(|(k, v)| !matches!(k.as_str(), "col" | "notice") && !v.is_empty())
        .cloned()
        .collect();
    let mut error = None;
    let (items, next_cursor) = match ListQuery::from_pairs(store_pairs.clone()) {
        Ok(list) => match T::load(s, &actor, &list).await {
            Ok(page) => (page.items, page.next_cursor),
            Err(StoreError::Invalid(e)) => {
                error = Some(format!("These filters do not work: {e}."));
                (Vec::new(), None)
            }
            Err(e) => return Err(e.into()),
        },
        Err(e) => {
            error = Some(format!("These filters do not work: {e}."));
            (Vec::new(), None)
        }
    };
    let names = s.store.names().await?;
    let account_ids: Vec<String> = items
        .iter()
        .filter_map(Listed::account)
        .map(|a| a.to_string())
        .collect();
    let accounts = if account_ids.is_empty() || actor.role == baton_model::Role::Finance {
        HashMap::new()
    } else {
        let mut unique = account_ids.clone();
        unique.sort();
        unique.dedup();
        let list = ListQuery::from_pairs([
            ("id_in".to_owned(), unique.join(",")),
            ("limit".to_owned(), "500".to_owned()),
            ("archived".to_owned(), "any".to_owned()),
        ])?;
        s.store
            .list_accounts(&actor, &list)
            .await?
            .items
            .into_iter()
            .map(|a| (a.id.0, a.name))
            .collect()
    };
    let lookups = Lookups { names, accounts };
    let rows = items
        .iter()
        .map(|r| RowView {
            id: r.id(),
            href: r.href(),
            cells: columns.iter().map(|c| r.cell(c, &lookups)).collect(),
        })
        .collect();

    let without = |drop: &[&str]| -> Vec<(String, String)> {
        all.iter()
            .filter(|(k, _)| !drop.contains(&k.as_str()))
            .cloned()
            .collect()
    };
    let base = without(&["cursor", "notice"]);
    let current_sort = get("sort").unwrap_or_default();
    let headers = columns
        .iter()
        .filter_map(|key| T::COLUMNS.iter().find(|c| c.key == *key))
        .map(|c| Header {
            label: c.label,
            sorted: c.sort.and_then(|sort| {
                if current_sort == sort {
                    Some("ascending")
                } else if current_sort == format!("-{sort}") {
                    Some("descending")
                } else {
                    None
                }
            }),
            sort_href: c.sort.map(|sort| {
                let next = if current_sort == sort {
                    format!("-{sort}")
                } else {
                    sort.to_owned()
                };
                let mut p = without(&["cursor", "notice", "sort"]);
                p.push(("sort".into(), next));
                format!("{}?{}", T::PATH, encode(&p))
            }),
        })
        .collect();
    let next = next_cursor.map(|c| {
        let mut p = base.clone();
        p.push(("cursor".into(), c));
        format!("{}?{}", T::PATH, encode(&p))
    });
    let first = get("cursor").map(|_| format!("{}?{}", T::PATH, encode(&base)));
    let choose = |value: Option<String>, options: Vec<(String, String)>| -> Vec<Choice> {
        options
            .into_iter()
            .map(|(v, l)| (v.clone(), l, value.as_deref() == Some(v.as_str())))
            .collect()
    };
    let mut users: Vec<(String, String)> = lookups
        .names
        .users
        .iter()
        .map(|(id, n)| (id.to_string(), n.clone()))
        .collect();
    users.sort_by(|a, b| a.1.cmp(&b.1));
    let mut extra = Vec::new();
    let mut bulk = vec![("owner_id", "Reassign to", choose(None, users.clone()))];
    if T::ENTITY == "deals" {
        let mut stages: Vec<(String, String)> = lookups
            .names
            .stages
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone()))
            .collect();
        stages.sort_by_key(|(id, _)| id.parse::<i64>().unwrap_or(0));
        extra.push(("stage_id", "Stage", choose(get("stage_id"), stages.clone())));
        extra.push((
            "outcome",
            "State",
            choose(
                get("outcome"),
                [("open", "Open"), ("won", "Won"), ("lost", "Lost")]
                    .map(|(v, l)| (v.to_owned(), l.to_owned()))
                    .to_vec(),
            ),
        ));
        bulk.push(("stage_id", "Move to stage", choose(None, stages)));
    }
    if T::ENTITY == "activities" {
        let kinds = ["call", "email", "meeting", "note", "task"]
            .map(|k| (k.to_owned(), k.to_owned()))
            .to_vec();
        extra.push(("kind", "Kind", choose(get("kind"), kinds)));
        bulk.clear();
    }
    if !actor.role.edits_crm_records() {
        bulk.clear();
    }
    let views = s
        .store
        .saved_views(&actor, T::ENTITY)
        .await?
        .into_iter()
        .map(|v| {
            (
                format!("{}?{}", T::PATH, v.query),
                if v.user_id == actor.user_id {
                    v.name
                } else {
                    format!("{} (shared)", v.name)
                },
            )
        })
        .collect();
    Ok(ListPage {
        chrome: Chrome::new(user, T::PATH, T::TITLE),
        path: T::PATH,
        q: get("q").unwrap_or_default(),
        query: encode(&base),
        headers,
        rows,
        next,
        first,
        columns: T::COLUMNS
            .iter()
            .map(|c| {
                (
                    c.key.to_owned(),
                    c.label.to_owned(),
                    columns.contains(&c.key),
                )
            })
            .collect(),
        owners: choose(get("owner_id"), users),
        extra,
        views,
        notice: notice.or_else(|| get("notice")),
        error,
        bulk,
    })
}

/// `GET /deals`, `/accounts`, `/contacts`, `/activities`.
pub async fn list<T: Listed>(
    State(s): State<AppState>,
    user: WebUser,
    RawQuery(raw): RawQuery,
) -> Result<ListPage, PageError> {
    page::<T>(&s, &user, raw.as_deref(), None).await
}

/// `GET /{list}/export?format=csv|xlsx&…`: every row matching the page's filters, sort and
/// search, as a file (the "Export CSV / Export XLSX" links).
pub async fn export<T: Listed>(
    State(s): State<AppState>,
    user: WebUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    use crate::export::list::{Format, ListKind, export_list};
    let mut format = Format::Csv;
    let mut store_pairs = Vec::new();
    for (k, v) in pairs(raw.as_deref()) {
        match k.as_str() {
            "format" => format = Format::parse(&v).unwrap_or(Format::Csv),
            // The page's own parameters, and paging: the file has every row.
            "col" | "notice" | "cursor" | "limit" => {}
            _ if v.is_empty() => {}
            _ => store_pairs.push((k, v)),
        }
    }
    let kind = match T::ENTITY {
        "accounts" => ListKind::Accounts,
        "contacts" => ListKind::Contacts,
        "deals" => ListKind::Deals,
        _ => ListKind::Activities,
    };
    let list = ListQuery::from_pairs(store_pairs)?;
    let bytes = export_list(&s.store, &user.0.actor, kind, &list, format)
        .await
        .map_err(crate::error::ApiError::from)?;
    let name = format!(
        "{}-{}.{}",
        kind.name(),
        chrono::Utc::now().format("%Y-%m-%d"),
        format.extension()
    );
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                format.content_type().to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `POST /{list}/views`: saves the list's current query under a name.
pub async fn save_view<T: Listed>(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = super::forms::Submitted::parse(&body);
    let query = form.get("query");
    let notice = match s
        .store
        .save_view(
            &user.0.actor,
            T::ENTITY,
            &form.get("name"),
            &query,
            form.get("shared") == "on",
        )
        .await
    {
        Ok(_) => format!("Saved the view “{}”.", form.get("name").trim()),
        Err(StoreError::Invalid(e)) => format!("The view was not saved: {e}."),
        Err(e) => return Err(e.into()),
    };
    let separator = if query.is_empty() { "" } else { "&" };
    let target = format!(
        "{}?{query}{separator}{}",
        T::PATH,
        encode(&[("notice".into(), notice)])
    );
    Ok(Redirect::to(&target).into_response())
}

/// `POST /{list}/bulk`: reassigns or moves the chosen records one by one, each through the same
/// rules as a single change, and says what happened to the ones that could not change.
pub async fn bulk<T: Listed + Bulk>(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = super::forms::Submitted::parse(&body);
    let ids: Vec<i64> = form
        .0
        .iter()
        .filter(|(k, _)| k == "ids")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let action = form.get("action");
    let value: i64 = form.get(&action).parse().unwrap_or(0);
    let mut changed = 0;
    let mut refused = Vec::new();
    for id in &ids {
        match T::apply(&s, &user.0.actor, *id, &action, value).await {
            Ok(()) => changed += 1,
            Err(StoreError::NotFound) => refused.push(format!("#{id}: not found")),
            Err(StoreError::Forbidden(m)) => refused.push(format!("#{id}: {m}")),
            Err(StoreError::Invalid(e)) => refused.push(format!("#{id}: {e}")),
            Err(StoreError::Stale { .. }) => {
                refused.push(format!("#{id}: changed meanwhile, try again"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let notice = if refused.is_empty() {
        format!("Changed {changed} of {}.", ids.len())
    } else {
        format!(
            "Changed {changed} of {}. Not changed: {}.",
            ids.len(),
            refused.join("; ")
        )
    };
    let query = form.get("query");
    let separator = if query.is_empty() { "" } else { "&" };
    Ok(Redirect::to(&format!(
        "{}?{query}{separator}{}",
        T::PATH,
        encode(&[("notice".into(), notice)])
    ))
    .into_response())
}

/// Changing many records of a kind at once.
pub trait Bulk {
    fn apply(
        s: &AppState,
        actor: &Actor,
        id: i64,
        action: &str,
        value: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

impl Bulk for Deal {
    async fn apply(
        s: &AppState,
        actor: &Actor,
        id: i64,
        action: &str,
        value: i64,
    ) -> Result<(), StoreError> {
        let deal = s.store.get_deal(actor, baton_model::DealId(id)).await?;
        let mut changes = baton_model::records::DealChanges::default();
        match action {
            "owner_id" => changes.owner_id = Some(baton_model::UserId(value)),
            "stage_id" => changes.stage_id = Some(baton_model::StageId(value)),
            _ => return Err(StoreError::field("action", "choose what to change")),
        }
        s.store
            .update_deal(actor, deal.id, deal.version, changes)
            .await
            .map(|_| ())
    }
}

/// The new owner, for the kinds whose only bulk change is their owner.
fn new_owner(action: &str, value: i64) -> Result<baton_model::UserId, StoreError> {
    if action == "owner_id" {
        Ok(baton_model::UserId(value))
    } else {
        Err(StoreError::field("action", "choose what to change"))
    }
}

impl Bulk for Account {
    async fn apply(
        s: &AppState,
        actor: &Actor,
        id: i64,
        action: &str,
        value: i64,
    ) -> Result<(), StoreError> {
        let owner_id = Some(new_owner(action, value)?);
        let account = s
            .store
            .get_account(actor, baton_model::AccountId(id))
            .await?;
        let changes = baton_model::records::AccountChanges {
            owner_id,
            ..Default::default()
        };
        s.store
            .update_account(actor, account.id, account.version, changes)
            .await
            .map(|_| ())
    }
}

impl Bulk for Contact {
    async fn apply(
        s: &AppState,
        actor: &Actor,
        id: i64,
        action: &str,
        value: i64,
    ) -> Result<(), StoreError> {
        let owner_id = Some(new_owner(action, value)?);
        let contact = s
            .store
            .get_contact(actor, baton_model::ContactId(id))
            .await?;
        let changes = baton_model::records::ContactChanges {
            owner_id,
            ..Default::default()
        };
        s.store
            .update_contact(actor, contact.id, contact.version, changes)
            .await
            .map(|_| ())
    }
}
