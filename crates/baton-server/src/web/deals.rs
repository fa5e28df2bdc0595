//! A deal's page: its key fields, and a timeline of its activities and field history.

use super::chrome::Chrome;
use super::error::PageError;
use super::format::{ago, day, money};
use super::session::WebUser;
use super::today::{field_label, field_value};
use crate::AppState;
use crate::extract::ApiPath;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use baton_model::DealId;
use baton_store::ListQuery;
use chrono::{DateTime, Utc};

/// One entry of a deal's timeline.
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub when: String,
    pub kind: &'static str,
    pub text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "deal.html")]
pub struct DealPage {
    chrome: Chrome,
    name: String,
    fields: Vec<(&'static str, String)>,
    timeline: Vec<TimelineEntry>,
}

/// `GET /deals/{id}`: 404 when the deal does not exist or is not the user's to see.
pub async fn page(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<DealId>,
) -> Result<DealPage, PageError> {
    let actor = user.0.actor;
    let deal = s.store.get_deal(&actor, id).await?;
    let names = s.store.names().await?;
    let pipeline = s.store.get_pipeline(&actor, deal.pipeline_id).await?;
    let stage = pipeline.stages.iter().find(|st| st.id == deal.stage_id);
    let account = match deal.account_id {
        Some(a) => s.store.get_account(&actor, a).await.ok().map(|a| a.name),
        None => None,
    };
    let now = baton_store::now();
    let mut fields = vec![
        ("Account", account.unwrap_or_else(|| "—".into())),
        (
            "Owner",
            names.users.get(&deal.owner_id).cloned().unwrap_or_default(),
        ),
        ("Pipeline", pipeline.name.clone()),
        (
            "Stage",
            stage.map_or_else(String::new, |st| {
                format!("{} ({} %)", st.name, st.probability)
            }),
        ),
        (
            "Amount",
            deal.amount_minor
                .map_or_else(|| "—".into(), |a| money(a, deal.currency)),
        ),
        (
            "Close date",
            deal.close_date.map_or_else(|| "—".into(), day),
        ),
        (
            "Forecast",
            deal.forecast_category.as_str().replace('_', " "),
        ),
        (
            "Next step",
            deal.next_step.clone().unwrap_or_else(|| "—".into()),
        ),
    ];
    if let Some(reason) = &deal.lost_reason {
        fields.push(("Lost reason", reason.clone()));
    }

    let mut timeline: Vec<TimelineEntry> = s
        .store
        .deal_history(&actor, id)
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
                    field_value(&h.field, h.old_value.as_deref(), &names, deal.currency),
                    field_value(&h.field, h.new_value.as_deref(), &names, deal.currency)
                ),
            }
        })
        .collect();
    let list = ListQuery::from_pairs([
        ("deal_id".to_owned(), id.to_string()),
        ("sort".to_owned(), "-occurred_at".to_owned()),
        ("limit".to_owned(), "100".to_owned()),
    ])?;
    for a in s.store.list_activities(&actor, &list).await?.items {
        let who = names.users.get(&a.owner_id).cloned().unwrap_or_default();
        let what = a
            .subject
            .clone()
            .unwrap_or_else(|| a.kind.as_str().to_owned());
        let direction = a.direction.map_or("", |d| {
            if d.as_str() == "inbound" {
                " (received)"
            } else {
                " (sent)"
            }
        });
        timeline.push(TimelineEntry {
            at: a.occurred_at,
            when: if a.occurred_at > now {
                format!("on {}", day(a.occurred_at.date_naive()))
            } else {
                ago(a.occurred_at, now)
            },
            kind: a.kind.as_str(),
            text: format!("{what}{direction} — {who}"),
        });
    }
    timeline.sort_by_key(|entry| std::cmp::Reverse(entry.at));
    Ok(DealPage {
        chrome: Chrome::new(&user, "", deal.name.clone()),
        name: deal.name,
        fields,
        timeline,
    })
}
