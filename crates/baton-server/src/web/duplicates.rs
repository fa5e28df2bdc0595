//! Possible duplicates: the review page (groups side by side, keep one, merge or say "not
//! duplicates"), the merges made with their undo, and the Today card that leads there. Admins
//! and coordinators merge; admins undo.

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
use baton_model::duplicates::{DuplicateGroup, Merge, MergeEntity};
use baton_model::{AccountId, ContactId, Role};
use futures::future::BoxFuture;

/// Groups on one review page.
const PER_PAGE: usize = 25;

fn may_merge(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Coordinator)
}

fn ensure_may_merge(user: &WebUser) -> Result<(), PageError> {
    if may_merge(user.0.actor.role) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("only admins and coordinators review duplicates".into()).into())
    }
}

/// A link with a label, for tabs.
pub struct Tab {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

fn tabs(current: &str) -> Vec<Tab> {
    [
        ("/duplicates?entity=accounts", "Accounts"),
        ("/duplicates?entity=contacts", "Contacts"),
        ("/duplicates/merges", "Merges"),
    ]
    .into_iter()
    .map(|(href, label)| Tab {
        href: href.to_owned(),
        label,
        current: href == current,
    })
    .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "duplicates/page.html")]
pub struct DuplicatesPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    entity: MergeEntity,
    total: usize,
    groups: Vec<GroupView>,
    next_page: Option<usize>,
    notice: Option<String>,
}

/// "same name: acme · same domain: acme.com".
fn reasons(group: &DuplicateGroup) -> String {
    group
        .reasons
        .iter()
        .map(|r| format!("{}: {}", r.rule.describe(), r.value))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A group as the review page shows it.
pub struct GroupView {
    group: DuplicateGroup,
    /// Why its records look alike.
    reasons: String,
    /// Every id, comma-separated, for the "not duplicates" form.
    ids: String,
    /// Each record's creation day.
    created: Vec<String>,
}

impl From<DuplicateGroup> for GroupView {
    fn from(group: DuplicateGroup) -> Self {
        GroupView {
            reasons: reasons(&group),
            ids: group
                .records
                .iter()
                .map(|r| r.id.to_string())
                .collect::<Vec<_>>()
                .join(","),
            created: group
                .records
                .iter()
                .map(|r| day(r.created_at.date_naive()))
                .collect(),
            group,
        }
    }
}

#[derive(serde::Deserialize)]
pub struct PageQuery {
    entity: Option<String>,
    page: Option<usize>,
    notice: Option<String>,
}

/// `GET /duplicates?entity=accounts|contacts`.
pub async fn page(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<PageQuery>,
) -> Result<DuplicatesPage, PageError> {
    ensure_may_merge(&user)?;
    let entity = match q.entity.as_deref() {
        None => MergeEntity::Account,
        Some(text) => crate::api::duplicate_entity(text).map_err(|m| ApiError::bad("entity", m))?,
    };
    let page = q.page.unwrap_or(0);
    let (total, groups) = s
        .store
        .duplicate_groups(
            &user.0.actor,
            entity,
            page.saturating_mul(PER_PAGE),
            PER_PAGE,
        )
        .await?;
    let current = format!("/duplicates?entity={}", entity.plural());
    Ok(DuplicatesPage {
        chrome: Chrome::new(&user, "/today", "Possible duplicates"),
        tabs: tabs(&current),
        entity,
        total,
        groups: groups.into_iter().map(GroupView::from).collect(),
        next_page: (page.saturating_add(1).saturating_mul(PER_PAGE) < total).then_some(page + 1),
        notice: q.notice,
    })
}

fn back(entity: MergeEntity, notice: &str) -> Response {
    let notice: String = form_urlencoded(notice);
    Redirect::to(&format!(
        "/duplicates?entity={}&notice={notice}",
        entity.plural()
    ))
    .into_response()
}

fn form_urlencoded(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

fn submitted_entity(submitted: &Submitted) -> Result<MergeEntity, PageError> {
    Ok(crate::api::duplicate_entity(&submitted.get("entity"))
        .map_err(|m| ApiError::bad("entity", m))?)
}

/// `POST /duplicates/merge`: keeps `keep` and merges the other checked records into it.
pub async fn merge(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let submitted = Submitted::parse(&body);
    let entity = submitted_entity(&submitted)?;
    let keep: i64 = submitted
        .get("keep")
        .parse()
        .map_err(|_| ApiError::bad("keep", "choose the record to keep"))?;
    let merged: Vec<i64> = submitted
        .0
        .iter()
        .filter(|(k, _)| k == "merge")
        .filter_map(|(_, v)| v.parse().ok())
        .filter(|id| *id != keep)
        .collect();
    if merged.is_empty() {
        return Ok(back(
            entity,
            "Nothing was merged: tick at least one record besides the one to keep.",
        ));
    }
    let actor = &user.0.actor;
    let merge = match entity {
        MergeEntity::Account => {
            s.store
                .merge_accounts(actor, AccountId(keep), &merged, None)
                .await?
        }
        MergeEntity::Contact => {
            s.store
                .merge_contacts(actor, ContactId(keep), &merged, None)
                .await?
        }
    };
    Ok(back(
        entity,
        &format!(
            "Merged {} into {} {} (merge {}). An admin can undo it for 30 days.",
            merged.len(),
            entity.as_str(),
            keep,
            merge.id
        ),
    ))
}

/// `POST /duplicates/dismiss`: the group's records are not duplicates.
pub async fn dismiss(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let submitted = Submitted::parse(&body);
    let entity = submitted_entity(&submitted)?;
    let ids: Vec<i64> = submitted
        .get("ids")
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect();
    s.store
        .dismiss_duplicates(&user.0.actor, entity, &ids)
        .await?;
    Ok(back(
        entity,
        "Marked as not duplicates; they will not be suggested again.",
    ))
}

/// A merge as the merges page lists it.
pub struct MergeRow {
    pub merge: Merge,
    pub href: String,
    pub actor_name: String,
    pub when: String,
    pub undoable: bool,
    pub state: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "duplicates/merges.html")]
pub struct MergesPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    merges: Vec<MergeRow>,
    is_admin: bool,
    notice: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `GET /duplicates/merges`.
pub async fn merges(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<NoticeQuery>,
) -> Result<MergesPage, PageError> {
    ensure_may_merge(&user)?;
    let now = baton_store::now();
    let names = s.store.names().await?;
    let is_admin = user.0.actor.role.is_admin();
    let merges = s
        .store
        .list_merges(&user.0.actor, 100)
        .await?
        .into_iter()
        .map(|m| {
            let undoable = m.undone_at.is_none() && now <= m.undo_until;
            let state = match (m.undone_at, undoable) {
                (Some(at), _) => format!("undone {}", ago(at, now)),
                (None, true) => format!("can be undone until {}", day(m.undo_until.date_naive())),
                (None, false) => "too old to undo".to_owned(),
            };
            MergeRow {
                href: format!("/{}/{}", m.entity.plural(), m.kept_id),
                actor_name: names.users.get(&m.actor_id).cloned().unwrap_or_default(),
                when: ago(m.merged_at, now),
                undoable,
                state,
                merge: m,
            }
        })
        .collect();
    Ok(MergesPage {
        chrome: Chrome::new(&user, "/today", "Merges"),
        tabs: tabs("/duplicates/merges"),
        merges,
        is_admin,
        notice: q.notice,
    })
}

/// `POST /duplicates/merges/{id}/undo`.
pub async fn undo(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, PageError> {
    let merge = s.store.undo_merge(&user.0.actor, id).await?;
    let report = merge.undo_report.unwrap_or_default();
    let mut notice = format!("Merge {id} was undone.");
    if !report.not_restored.is_empty() {
        notice.push_str(" Left as they are: ");
        notice.push_str(&report.not_restored.join("; "));
        notice.push('.');
    }
    Ok(Redirect::to(&format!(
        "/duplicates/merges?notice={}",
        form_urlencoded(&notice)
    ))
    .into_response())
}

const CARD_NOTE: &str = "Accounts with the same name or domain, contacts with the same email or \
    the same name at one account.";

/// Today's "Possible duplicates" card, for admins and coordinators. Finding duplicates reads
/// every live account and contact, so the page shows the card's frame at once and fetches its
/// contents from [`card`] after loading.
pub struct PossibleDuplicates;

impl TodayCard for PossibleDuplicates {
    fn load<'a>(&'a self, ctx: &'a TodayContext) -> BoxFuture<'a, Result<Option<Card>, ApiError>> {
        Box::pin(async move {
            Ok(may_merge(ctx.role).then(|| Card {
                id: "duplicates",
                title: "Possible duplicates".into(),
                note: CARD_NOTE.into(),
                items: Vec::new(),
                empty: "",
                total: None,
                link: Some(("/duplicates".into(), "Review duplicates".into())),
                lazy: Some("/duplicates/card".into()),
            }))
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "duplicates/card.html")]
pub struct CardFragment {
    card: Card,
}

/// `GET /duplicates/card`: the Today card with how many groups there are and the first few.
pub async fn card(State(s): State<AppState>, user: WebUser) -> Result<CardFragment, PageError> {
    ensure_may_merge(&user)?;
    let mut items = Vec::new();
    let mut total = 0;
    for entity in [MergeEntity::Account, MergeEntity::Contact] {
        let (count, groups) = s
            .store
            .duplicate_groups(&user.0.actor, entity, 0, 3)
            .await?;
        total += count;
        items.extend(groups.into_iter().map(|g| {
            CardItem {
                href: format!("/duplicates?entity={}", entity.plural()),
                title: g
                    .records
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" · "),
                detail: format!("{} {} · {}", g.records.len(), entity.plural(), reasons(&g)),
                badge: None,
                urgent: false,
            }
        }));
    }
    Ok(CardFragment {
        card: Card {
            id: "duplicates",
            title: "Possible duplicates".into(),
            note: CARD_NOTE.into(),
            items,
            empty: "No likely duplicates.",
            total: Some(total),
            link: Some(("/duplicates".into(), "Review duplicates".into())),
            lazy: None,
        },
    })
}
