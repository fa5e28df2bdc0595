//! Global search: accounts, contacts and deals whose names (or a contact's email) start with
//! what was typed, limited to what the person may see. The box in the header updates its
//! results as one types; `/` jumps to it from anywhere.

use super::chrome::Chrome;
use super::error::PageError;
use super::session::WebUser;
use crate::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use baton_store::ListQuery;

/// Results per kind of record.
const PER_KIND: &str = "8";

/// One found record.
pub struct Hit {
    pub href: String,
    pub title: String,
    pub detail: String,
}

/// The hits of one kind of record.
pub struct Group {
    pub label: &'static str,
    pub hits: Vec<Hit>,
}

#[derive(Template)]
#[template(path = "search/results.html")]
struct Results {
    q: String,
    groups: Vec<Group>,
    found: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "search/page.html")]
struct SearchPage {
    chrome: Chrome,
    results: String,
}

#[derive(serde::Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// `GET /search?q=…`: the results alone for the header box, or a page of them.
pub async fn search(
    State(s): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let actor = user.0.actor;
    let text = q.q.trim().to_owned();
    let mut groups = Vec::new();
    if !text.is_empty() {
        let list = || {
            ListQuery::from_pairs([
                ("q".to_owned(), text.clone()),
                ("limit".to_owned(), PER_KIND.to_owned()),
            ])
        };
        let names = s.store.names().await?;
        if actor.role != baton_model::Role::Finance {
            let accounts = s.store.list_accounts(&actor, &list()?).await?.items;
            groups.push(Group {
                label: "Accounts",
                hits: accounts
                    .into_iter()
                    .map(|a| Hit {
                        href: format!("/accounts/{}", a.id),
                        detail: joined([a.domain, a.industry]),
                        title: a.name,
                    })
                    .collect(),
            });
            let contacts = s.store.list_contacts(&actor, &list()?).await?.items;
            groups.push(Group {
                label: "Contacts",
                hits: contacts
                    .into_iter()
                    .map(|c| Hit {
                        href: format!("/contacts/{}", c.id),
                        title: c.full_name(),
                        detail: joined([c.title, c.email.map(|e| e.to_string())]),
                    })
                    .collect(),
            });
        }
        let deals = s.store.list_deals(&actor, &list()?).await?.items;
        groups.push(Group {
            label: "Deals",
            hits: deals
                .into_iter()
                .map(|d| Hit {
                    href: format!("/deals/{}", d.id),
                    detail: names.users.get(&d.owner_id).cloned().unwrap_or_default(),
                    title: d.name,
                })
                .collect(),
        });
    }
    let found = groups.iter().map(|g| g.hits.len()).sum();
    let results = Results {
        q: text,
        groups,
        found,
    }
    .render()
    .map_err(|e| crate::ApiError::Internal(e.to_string()))?;
    if headers.contains_key("hx-request") {
        return Ok(Html(results).into_response());
    }
    Ok(SearchPage {
        chrome: Chrome::new(&user, "", "Search"),
        results,
    }
    .into_response())
}

/// The parts that are there and not empty, joined with middle dots.
fn joined<const N: usize>(parts: [Option<String>; N]) -> String {
    parts
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}
