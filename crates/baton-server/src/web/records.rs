//! Account and contact pages: key facts, related records and a timeline.

use super::chrome::Chrome;
use super::deals::TimelineEntry;
use super::error::PageError;
use super::format::{ago, money};
use super::session::WebUser;
use crate::AppState;
use crate::extract::ApiPath;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use baton_model::{AccountId, ContactId};
use baton_store::{Actor, ListQuery, Names};

/// A list of related records on a record page.
pub struct Related {
    pub title: &'static str,
    pub items: Vec<(String, String, String)>,
    pub empty: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "record.html")]
pub struct RecordPage {
    chrome: Chrome,
    kind: &'static str,
    name: String,
    fields: Vec<(&'static str, String)>,
    related: Vec<Related>,
    entries: Vec<TimelineEntry>,
}

fn list(pairs: &[(&str, String)]) -> Result<ListQuery, baton_store::StoreError> {
    ListQuery::from_pairs(pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())))
}

/// The activities linked to a record by `filter` (`account_id=7`), newest first.
async fn activities(
    s: &AppState,
    actor: &Actor,
    filter: (&str, String),
    names: &Names,
) -> Result<Vec<TimelineEntry>, PageError> {
    let now = baton_store::now();
    let page = s
        .store
        .list_activities(
            actor,
            &list(&[
                filter,
                ("sort", "-occurred_at".into()),
                ("limit", "100".into()),
            ])?,
        )
        .await?;
    Ok(page
        .items
        .into_iter()
        .map(|a| TimelineEntry {
            at: a.occurred_at,
            when: ago(a.occurred_at, now),
            kind: a.kind.as_str(),
            text: format!(
                "{} — {}",
                a.subject.unwrap_or_else(|| a.kind.as_str().to_owned()),
                names.users.get(&a.owner_id).cloned().unwrap_or_default()
            ),
        })
        .collect())
}

/// `GET /accounts/{id}`.
pub async fn account(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<AccountId>,
) -> Result<RecordPage, PageError> {
    let actor = user.0.actor;
    let account = s.store.get_account(&actor, id).await?;
    let names = s.store.names().await?;
    let contacts = s
        .store
        .list_contacts(
            &actor,
            &list(&[
                ("account_id", id.to_string()),
                ("sort", "last_name".into()),
                ("limit", "100".into()),
            ])?,
        )
        .await?;
    let deals = s
        .store
        .list_deals(
            &actor,
            &list(&[
                ("account_id", id.to_string()),
                ("sort", "-close_date".into()),
                ("limit", "100".into()),
            ])?,
        )
        .await?;
    let fields = vec![
        (
            "Owner",
            names
                .users
                .get(&account.owner_id)
                .cloned()
                .unwrap_or_default(),
        ),
        (
            "Domain",
            account.domain.clone().unwrap_or_else(|| "—".into()),
        ),
        (
            "Industry",
            account.industry.clone().unwrap_or_else(|| "—".into()),
        ),
        (
            "Employees",
            account
                .employees
                .map_or_else(|| "—".into(), |e| e.to_string()),
        ),
        (
            "Annual revenue",
            account
                .annual_revenue_minor
                .map_or_else(|| "—".into(), |r| money(r, account.currency)),
        ),
        (
            "Tier",
            account.tier.map_or_else(|| "—".into(), |t| t.to_string()),
        ),
    ];
    let related = vec![
        Related {
            title: "Deals",
            items: deals
                .items
                .into_iter()
                .map(|d| {
                    let stage = names.stages.get(&d.stage_id.0).cloned().unwrap_or_default();
                    let amount = d
                        .amount_minor
                        .map_or_else(|| "no amount".into(), |a| money(a, d.currency));
                    (
                        format!("/deals/{}", d.id),
                        d.name,
                        format!("{stage} · {amount}"),
                    )
                })
                .collect(),
            empty: "No deals yet.",
        },
        Related {
            title: "Contacts",
            items: contacts
                .items
                .into_iter()
                .map(|c| {
                    let name = format!("{} {}", c.first_name.unwrap_or_default(), c.last_name)
                        .trim()
                        .to_owned();
                    (
                        format!("/contacts/{}", c.id),
                        name,
                        c.title.unwrap_or_default(),
                    )
                })
                .collect(),
            empty: "No contacts yet.",
        },
    ];
    let entries = activities(&s, &actor, ("account_id", id.to_string()), &names).await?;
    Ok(RecordPage {
        chrome: Chrome::new(&user, "", account.name.clone()),
        kind: "Account",
        name: account.name,
        fields,
        related,
        entries,
    })
}

/// `GET /contacts/{id}`.
pub async fn contact(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<ContactId>,
) -> Result<RecordPage, PageError> {
    let actor = user.0.actor;
    let contact = s.store.get_contact(&actor, id).await?;
    let names = s.store.names().await?;
    let name = format!(
        "{} {}",
        contact.first_name.clone().unwrap_or_default(),
        contact.last_name
    )
    .trim()
    .to_owned();
    let account = match contact.account_id {
        Some(a) => s.store.get_account(&actor, a).await.ok(),
        None => None,
    };
    let fields = vec![
        ("Title", contact.title.clone().unwrap_or_else(|| "—".into())),
        (
            "Email",
            contact
                .email
                .as_ref()
                .map_or_else(|| "—".into(), ToString::to_string),
        ),
        ("Phone", contact.phone.clone().unwrap_or_else(|| "—".into())),
        (
            "Account",
            account
                .as_ref()
                .map_or_else(|| "—".into(), |a| a.name.clone()),
        ),
        (
            "Owner",
            names
                .users
                .get(&contact.owner_id)
                .cloned()
                .unwrap_or_default(),
        ),
    ];
    let related = vec![Related {
        title: "Account",
        items: account
            .map(|a| {
                vec![(
                    format!("/accounts/{}", a.id),
                    a.name,
                    a.domain.unwrap_or_default(),
                )]
            })
            .unwrap_or_default(),
        empty: "Not linked to an account.",
    }];
    let entries = activities(&s, &actor, ("contact_id", id.to_string()), &names).await?;
    Ok(RecordPage {
        chrome: Chrome::new(&user, "", name.clone()),
        kind: "Contact",
        name,
        fields,
        related,
        entries,
    })
}
