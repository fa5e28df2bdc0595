//! Today: the morning briefing, built from cards. A coordinator sees the whole team; managers
//! their team; reps their own day. Later capabilities (calendar conflicts, commission disputes,
//! signals, approvals) contribute cards by adding a [`TodayCard`] to [`cards`].

use super::chrome::Chrome;
use super::error::PageError;
use super::format::{ago, day, local_day, money, next_month, time};
use super::session::WebUser;
use crate::AppState;
use crate::error::ApiError;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use baton_model::{Currency, Role, TimeZone};
use baton_store::{Actor, ChangeSummary, Names, RecordRef, Store};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone as _, Utc};
use futures::future::BoxFuture;

/// One card of the Today page.
pub struct Card {
    /// An anchor id (`closing`), also used by tests.
    pub id: &'static str,
    pub title: String,
    /// A line under the title saying what the card selects.
    pub note: String,
    pub items: Vec<CardItem>,
    /// What the card says when it has nothing.
    pub empty: &'static str,
    /// How many there are in all, when the card shows only the first few.
    pub total: Option<usize>,
    /// Where to see them all: the address and the link's text.
    pub link: Option<(String, String)>,
    /// Where to fetch the card from after the page has loaded, for a card whose question takes
    /// longer than the page should wait (it grows with the number of records).
    pub lazy: Option<String>,
}

/// One line of a card: where to go to act on it, and what it is.
pub struct CardItem {
    pub href: String,
    pub title: String,
    pub detail: String,
    /// A short status to the right ("in 3 days", "overdue 2 days").
    pub badge: Option<String>,
    /// Whether the badge is a warning.
    pub urgent: bool,
}

/// What every card knows about the request.
pub struct TodayContext {
    pub store: Store,
    pub actor: Actor,
    pub role: Role,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub tz: TimeZone,
    pub quiet_days: i64,
    pub names: Names,
}

/// A card a capability contributes to Today. `None` means the card has nothing to say to
/// this role at all (finance sees no tasks), as opposed to an empty card.
pub trait TodayCard: Send + Sync {
    fn load<'a>(&'a self, ctx: &'a TodayContext) -> BoxFuture<'a, Result<Option<Card>, ApiError>>;
}

/// Every card, in page order.
fn cards() -> Vec<Box<dyn TodayCard>> {
    vec![
        Box::new(super::signals::SignalsCard),
        Box::new(ClosingThisMonth),
        Box::new(GoneQuiet),
        Box::new(OverdueTasks),
        Box::new(MeetingsToday),
        Box::new(CalendarConflicts),
        Box::new(DataToFix),
        Box::new(super::duplicates::PossibleDuplicates),
        Box::new(LatestChanges),
    ]
}

const ITEMS: i64 = 12;

#[derive(Template, WebTemplate)]
#[template(path = "today/page.html")]
pub struct TodayPage {
    chrome: Chrome,
    heading: String,
    cards: Vec<Card>,
}

#[derive(serde::Deserialize)]
pub struct TodayQuery {
    /// Days without activity after which a deal counts as gone quiet.
    quiet_days: Option<i64>,
}

/// `GET /today`.
pub async fn page(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<TodayQuery>,
) -> Result<TodayPage, PageError> {
    let session = &user.0;
    let now = baton_store::now();
    let ctx = TodayContext {
        store: s.store.clone(),
        actor: session.actor,
        role: session.actor.role,
        now,
        today: local_day(now, session.time_zone),
        tz: session.time_zone,
        quiet_days: q.quiet_days.unwrap_or(14).clamp(1, 365),
        names: s.store.names().await?,
    };
    let mut cards_out = Vec::new();
    for card in cards() {
        if let Some(card) = card.load(&ctx).await? {
            cards_out.push(card);
        }
    }
    let heading = match session.actor.role {
        Role::Rep => "My day".to_owned(),
        Role::Manager => "My team's day".to_owned(),
        _ => "Today".to_owned(),
    };
    Ok(TodayPage {
        chrome: Chrome::new(&user, "/today", heading.clone()),
        heading,
        cards: cards_out,
    })
}

/// The link to a record's page.
pub fn record_href(record: RecordRef) -> String {
    match record {
        RecordRef::Deal(id) => format!("/deals/{id}"),
        RecordRef::Account(id) => format!("/accounts/{id}"),
        RecordRef::Contact(id) => format!("/contacts/{id}"),
    }
}

fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

struct ClosingThisMonth;

impl TodayCard for ClosingThisMonth {
    fn load<'a>(&'a self, ctx: &'a TodayContext) -> BoxFuture<'a, Result<Option<Card>, ApiError>> {
        Box::pin(async move {
            let first = ctx.today.with_day(1).unwrap_or(ctx.today);
            let deals = ctx
                .store
                .deals_closing(&ctx.actor, first, next_month(first), ctx.now, ITEMS)
                .await?;
            let items = deals
                .into_iter()
                .map(|d| {
                    let close = d.close_date.unwrap_or(ctx.today);
                    let left = days_between(ctx.today, close);
                    let amount = d
                        .amount_minor
                        .map_or_else(|| "no amount".to_owned(), |a| money(a, d.currency));
                    let last = d.last_activity_at.map_or_else(
                        || "no activity yet".to_owned(),
                        |t| format!("last touched {}", ago(t, ctx.now)),
                    );
                    CardItem {
                        href: format!("/deals/{}", d.id),
                        title: d.name,
                        detail: format!(
                            "{amount} · {} ({} %) · {} · {last}",
                            d.stage_name, d.probability, d.owner_name
                        ),
                        badge: Some(match left {
                            0 => "today".to_owned(),
                            -1 => "1 day late".to_owned(),
                            n if n < 0 => format!("{} days late", -n),
                            1 => format!("{} · tomorrow", day(close)),
                            n => format!("{} · in {n} days", day(close)),
                        }),
                        urgent: left < 0,
                    }
                })
                .collect();
            Ok(Some(Card {
                id: "closing",
                title: "Closing this month".into(),
                note: "Open deals with a close date this month, soonest first.".into(),
                items,
                empty: "No open deal is due to close this month.",
                total: None,
                link: None,
                lazy: None,
            }))
        })
    }
}

struct GoneQuiet;

impl TodayCard for GoneQuiet {
    fn load<'a>(&'a self, ctx: &'a TodayContext) -> BoxFuture<'a, Result<Option<Card>, ApiError>> {
        Box::pin(async move {
            let since = ctx.now - chrono::Duration::days(ctx.quiet_days);
            let deals = ctx
                .store
                .deals_gone_quiet(&ctx.actor, since, ctx.now, ITEMS)
                .await?;
            let items = deals
                .into_iter()
                .map(|d| {
                    let last = d.last_activity_at.unwrap_or(d.created_at);
                    let amount = d
                        .amount_minor
                        .map_or_else(|| "no amount".to_owned(), |a| money(a, d.currency));
                    CardItem {
                        href: format!("/deals/{}", d.id),
                        title: d.name,
                        detail: format!("{amount} · {} · {}", d.stage_name, d.owner_name),
                        badge: Some(format!(
                            "quiet {}",
                            ago(last, ctx.now).trim_end_matches(" ago")
                        )),
                        urgent: true,
                    }
                })
                .collect();
            Ok(Some(Card {
                id: "quiet",
                title: "Gone quiet".into(),
                note: format!(
                    "Open deals with no call, email, meeting or note for {} days, largest first.",
                    ctx.quiet_days
                ),
                items,
                empty: "Every open deal has been touched recently.",
                total: None,
                link: None,
                lazy: None,
            }))
        })
    }
}

struct OverdueTasks;

impl TodayCard for OverdueTasks {
    fn load<'a>(&'a self, ctx: &'a TodayContext) -> BoxFuture<'a, Result<Option<Card>, ApiError>> {
        Box::pin(async move {
            if ctx.role == Role::Finance {
                return Ok(None);
            }
            let tasks = ctx
                .store
                .overdue_tasks(&ctx.actor, ctx.today, ITEMS)
                .await?;
            let items = tasks
                .into_iter()
                .map(|t| {
                    let late = t.due_date.map_or(0, |d| days_between(d, ctx.today));
                    CardItem {
                        href: t.deal_id.map_or_else(
                            || format!("/activities/{}", t.id),
                            |d| format!("/deals/{d}"),
                        ),
                        title: t.subject.unwrap_or_else(|| "Task".into()),
                        detail: format!(
                            "{} · {}",
                            t.owner_name,
                            t.deal_name
                                .or(t.account_name)
                                .unwrap_or_else(|| "no deal".into())
                        ),
                        badge: Some(format!(
                            "{late} day{} late",
                            if late == 1 { "" } else { "s" }
                        )),
                        urgent: true,
                    }
                })
                .collect();
            Ok(Some(Card {
                id: "overdue",
                title: "Overdue tasks".into(),
                note: "Tasks past their due date and not done, most recently due first.".into(),
                items,
                empty: "No task is overdue.",
                total: None,
                link: None,
                lazy: None,
            }))
        })
    }
}

/// Moves of the viewer's meetings waiting for their answer, and the viewer's own meetings that
/// overlap in the coming week.
struct CalendarConflicts;

impl TodayCard for CalendarConflicts {
    fn load<'a>(&'a self, ctx: &'a TodayContext) -> BoxFuture<'a, Result<Option<Card>, ApiError>> {
        Box::pin(async move {
            if ctx.role == Role::Finance {
                return Ok(None);
            }
            let mut items: Vec<CardItem> = ctx
                .store
                .pending_moves(&ctx.actor)
                .await?
                .into_iter()
                .map(|m| CardItem {
                    href: "/calendar#moves".into(),
                    title: "A move of your meeting is waiting for your answer".into(),
                    detail: m.proposal.explanation,
                    badge: Some("answer".into()),
                    urgent: true,
                })
                .collect();
            let week = baton_calendar::Interval::new(ctx.now, ctx.now + chrono::Duration::days(7))
                .ok_or(ApiError::NotFound)?;
            let mine = ctx
                .store
                .calendar_week(&ctx.actor, &[ctx.actor.user_id], week)
                .await?;
            let busy = mine.first().map(|p| p.busy.as_slice()).unwrap_or_default();
            for (i, a) in busy.iter().enumerate() {
                for b in busy[i + 1..].iter().take_while(|b| b.starts_at < a.ends_at) {
                    items.push(CardItem {
                        href: format!("/calendar?week={}", local_day(b.starts_at, ctx.tz)),
                        title: format!("{} overlaps {}", b.label, a.label),
                        detail: format!(
                            "{} {}–{} and {}–{}",
                            day(local_day(b.starts_at, ctx.tz)),
                            time(a.starts_at, ctx.tz),
                            time(a.ends_at, ctx.tz),
                            time(b.starts_at, ctx.tz),
                            time(b.ends_at, ctx.tz)
                        ),
                        badge: Some("double-booked".into()),
                        urgent: true,
                    });
                }
            }
            items.truncate(usize::try_from(ITEMS).unwrap_or(12));
            Ok(Some(Card {
                id: "conflicts",
                title: "Calendar conflicts".into(),
                note: "Moves of your meetings to answer, and your meetings that overlap in the next 7 days.".into(),
                items,
                empty: "No conflicts in your calendar.",
                total: None,
                link: None,
                lazy: None,
            }))
        })
    }
}

struct MeetingsToday;

impl TodayCard for MeetingsToday {
    fn load<'a>(&'a self, ctx: &'a TodayContext) -> BoxFuture<'a, Result<Option<Card>, ApiError>> {
        Box::pin(async move {
            if ctx.role == Role::Finance {
                return Ok(None);
            }
            let start = ctx
                .tz
                .0
                .from_local_datetime(&ctx.today.and_time(chrono::NaiveTime::MIN))
                .earliest()
                .map_or(ctx.now, |t| t.with_timezone(&Utc));
            let meetings = ctx
                .store
                .meetings_between(&ctx.actor, start, start + chrono::Duration::days(1), 30)
                .await?;
            let items = meetings
                .into_iter()
                .map(|m| CardItem {
                    href: m.deal_id.map_or_else(
                        || format!("/activities/{}", m.id),
                        |d| format!("/deals/{d}"),
                    ),
                    title: m.subject.unwrap_or_else(|| "Meeting".into()),
                    detail: format!(
                        "{} · {}",
                        m.owner_name,
                        m.deal_name
                            .or(m.account_name)
                            .unwrap_or_else(|| "no deal".into())
                    ),
                    badge: Some(time(m.occurred_at, ctx.tz)),
                    urgent: false,
                })
                .collect();
            Ok(Some(Card {
                id: "meetings",
                title: "Meetings today".into(),
                note: format!(
                    "Across {}, in your time zone ({}).",
                    if ctx.role == Role::Rep {
                        "your calendar"
                    } else {
                        "the team"
                    },
                    ctx.tz
                ),
                items,
                empty: "No meetings today.",
                total: None,
                link: None,
                lazy: None,
            }))
        })
    }
}

struct DataToFix;

impl TodayCard for DataToFix {
    fn load<'a>(&'a self, ctx: &'a TodayContext) -> BoxFuture<'a, Result<Option<Card>, ApiError>> {
        Box::pin(async move {
            let issues = ctx.store.data_issues(&ctx.actor, 5).await?;
            let items = issues
                .into_iter()
                .map(|i| CardItem {
                    href: record_href(i.record),
                    title: i.label,
                    detail: i.rule.to_owned(),
                    badge: None,
                    urgent: false,
                })
                .collect();
            Ok(Some(Card {
                id: "data",
                title: "Data to fix".into(),
                note: "Records breaking the data rules: late-stage deals missing a close date or amount, contacts without an account or with a malformed email, likely duplicate accounts.".into(),
                items,
                empty: "Nothing breaks the data rules.",
                total: None,
                link: None,
                lazy: None,
            }))
        })
    }
}

struct LatestChanges;

impl TodayCard for LatestChanges {
    fn load<'a>(&'a self, ctx: &'a TodayContext) -> BoxFuture<'a, Result<Option<Card>, ApiError>> {
        Box::pin(async move {
            let changes = ctx.store.latest_changes(&ctx.actor, ITEMS).await?;
            let items = changes
                .into_iter()
                .map(|c| CardItem {
                    href: record_href(c.record),
                    title: c.record_name.clone(),
                    detail: describe_change(&c, &ctx.names, ctx.now),
                    badge: None,
                    urgent: false,
                })
                .collect();
            Ok(Some(Card {
                id: "changes",
                title: "Latest changes".into(),
                note: "Stage, amount, close date, owner and forecast changes by the team, newest first.".into(),
                items,
                empty: "No changes yet.",
                total: None,
                link: None,
                lazy: None,
            }))
        })
    }
}

/// A tracked field's value in words: stage and user names for ids, money for amounts.
pub fn field_value(field: &str, value: Option<&str>, names: &Names, currency: Currency) -> String {
    let Some(value) = value else {
        return "none".into();
    };
    let id = || value.parse::<i64>().ok();
    match field {
        "stage_id" => id()
            .and_then(|i| names.stages.get(&i).cloned())
            .unwrap_or_else(|| value.to_owned()),
        "owner_id" => id()
            .and_then(|i| names.users.get(&baton_model::UserId(i)).cloned())
            .unwrap_or_else(|| value.to_owned()),
        "amount_minor" => id().map_or_else(|| value.to_owned(), |a| money(a, currency)),
        "forecast_category" => value.replace('_', " "),
        _ => value.to_owned(),
    }
}

/// The name of a tracked field in words.
pub fn field_label(field: &str) -> &str {
    match field {
        "stage_id" => "stage",
        "owner_id" => "owner",
        "amount_minor" => "amount",
        "close_date" => "close date",
        "forecast_category" => "forecast",
        "pipeline_id" => "pipeline",
        other => other,
    }
}

/// "stage Proposal → Negotiation by Ana Silva, 3 days ago".
pub fn describe_change(c: &ChangeSummary, names: &Names, now: DateTime<Utc>) -> String {
    let currency = c.currency.unwrap_or(Currency::USD);
    format!(
        "{} {} → {} by {}, {}",
        field_label(&c.field),
        field_value(&c.field, c.old_value.as_deref(), names, currency),
        field_value(&c.field, c.new_value.as_deref(), names, currency),
        c.actor_name.as_deref().unwrap_or("Baton"),
        ago(c.at, now)
    )
}
