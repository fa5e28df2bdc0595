//! The team calendar page: a team's week side by side in the viewer's time zone (each person's
//! own working hours shaded, with their local hours written beside their name), "find a time"
//! for a meeting with its priority and proposed moves, booking, and answering moves of one's
//! own meetings. Everything goes through the same store calls as `/api/v1/calendar`.

use super::chrome::Chrome;
use super::error::PageError;
use super::forms::Submitted;
use super::session::WebUser;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiPath;
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use baton_calendar::Interval;
use baton_model::records::{FindTimeInput, MeetingInput, MeetingMove, PersonWeek, ProposedMove};
use baton_model::{DealId, TeamId, TimeZone, UserId};
use baton_store::{ListQuery, Names};
use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone as _, Utc};

/// The page's address parameters.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct CalendarQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    team: Option<i64>,
    /// Any day of the week to show (its Monday starts it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    week: Option<NaiveDate>,
    /// The deal a meeting is being found for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deal: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    notice: Option<String>,
}

/// A span on a day's bar, placed by percent of the viewer's day.
pub struct Block {
    pub style: String,
    /// `work`, `busy` or `external`.
    pub class: &'static str,
    pub label: String,
}

pub struct Row {
    pub name: String,
    /// "09:00–17:00 in America/New_York (15:00–23:00 yours)".
    pub hours: String,
    pub blocks: Vec<Block>,
}

pub struct DayView {
    pub label: String,
    pub rows: Vec<Row>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct MoveView {
    pub id: i64,
    pub explanation: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "calendar/page.html")]
pub struct CalendarPage {
    chrome: Chrome,
    notice: Option<String>,
    teams: Vec<Choice>,
    people: Vec<Choice>,
    week: NaiveDate,
    previous: String,
    next: String,
    days: Vec<DayView>,
    deal: Option<i64>,
    deal_name: Option<String>,
    moves: Vec<MoveView>,
}

/// What "find a time" found, as a fragment.
#[derive(Template, WebTemplate)]
#[template(path = "calendar/found.html")]
pub struct Found {
    csrf_token: String,
    subject: String,
    deal: Option<i64>,
    week: NaiveDate,
    priority: String,
    slots: Vec<SlotView>,
    proposals: Vec<ProposalView>,
}

pub struct SlotView {
    pub label: String,
    pub starts_at: String,
    pub ends_at: String,
    pub note: String,
    /// Who to book it with, as comma-separated ids.
    pub people: String,
}

pub struct ProposalView {
    pub label: String,
    /// Each move's explanation and the move itself as JSON, for its "ask" form.
    pub moves: Vec<(String, String)>,
}

/// The Monday of `date`'s week.
fn monday(date: NaiveDate) -> NaiveDate {
    date - Days::new(u64::from(date.weekday().num_days_from_monday()))
}

/// The instant local midnight of `date` starts in `tz`.
fn midnight(date: NaiveDate, tz: TimeZone) -> DateTime<Utc> {
    tz.0.from_local_datetime(&date.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map_or_else(
            || date.and_time(chrono::NaiveTime::MIN).and_utc(),
            |t| t.with_timezone(&Utc),
        )
}

/// "Tue 8 Dec 10:30" in `tz`.
fn when(at: DateTime<Utc>, tz: TimeZone) -> String {
    at.with_timezone(&tz.0)
        .format("%a %-d %b %H:%M")
        .to_string()
}

/// `left:12.5%;width:4.1%` for `span` on the day `day`.
fn place(span: &Interval, day: &Interval) -> Option<String> {
    let clipped = span.clip(day)?;
    let total = day.duration().num_seconds().max(1);
    let permille = |d: chrono::TimeDelta| d.num_seconds() * 1000 / total;
    let (left, width) = (
        permille(clipped.start - day.start),
        permille(clipped.duration()).max(4),
    );
    Some(format!(
        "left:{}.{}%;width:{}.{}%",
        left / 10,
        left % 10,
        width / 10,
        width % 10
    ))
}

/// Every team the actor sees, by name.
pub(super) async fn all_teams(
    s: &AppState,
    actor: &baton_store::Actor,
) -> Result<Vec<baton_model::records::Team>, ApiError> {
    let everything = ListQuery::from_pairs([
        ("limit".to_owned(), "500".to_owned()),
        ("sort".to_owned(), "name".to_owned()),
    ])?;
    Ok(s.store.list_teams(actor, &everything).await?.items)
}

/// The people of the chosen team (or the viewer's first team, or the first team).
async fn team_people(
    s: &AppState,
    user: &WebUser,
    q: &CalendarQuery,
) -> Result<(Vec<Choice>, Vec<UserId>), ApiError> {
    let actor = user.0.actor;
    let teams = all_teams(s, &actor).await?;
    let mine = |t: &&baton_model::records::Team| {
        t.manager_id == Some(actor.user_id) || t.member_ids.contains(&actor.user_id)
    };
    let chosen = match q.team {
        Some(id) => Some(s.store.get_team(&actor, TeamId(id)).await?),
        None => teams.iter().find(mine).or(teams.first()).cloned(),
    };
    let people = chosen.as_ref().map_or_else(
        || vec![actor.user_id],
        |t| {
            t.manager_id
                .into_iter()
                .chain(t.member_ids.iter().copied())
                .collect()
        },
    );
    let choices = teams
        .iter()
        .map(|t| Choice {
            value: t.id.to_string(),
            label: t.name.clone(),
            selected: chosen.as_ref().is_some_and(|c| c.id == t.id),
        })
        .collect();
    Ok((choices, people))
}

fn row(person: &PersonWeek, day: &Interval, tz: TimeZone) -> Row {
    let mut blocks: Vec<Block> = person
        .working
        .iter()
        .filter_map(|[start, end]| Interval::new(*start, *end))
        .filter_map(|w| {
            Some(Block {
                style: place(&w, day)?,
                class: "work",
                label: String::new(),
            })
        })
        .collect();
    blocks.extend(person.busy.iter().filter_map(|b| {
        let span = Interval::new(b.starts_at, b.ends_at)?;
        Some(Block {
            style: place(&span, day)?,
            class: if b.external { "external" } else { "busy" },
            label: format!(
                "{}–{} {}",
                super::format::time(b.starts_at, tz),
                super::format::time(b.ends_at, tz),
                b.label
            ),
        })
    }));
    let theirs: Option<TimeZone> = person.time_zone.parse().ok();
    let mine: Vec<String> = person
        .working
        .iter()
        .filter(|[start, end]| *start < day.end && *end > day.start)
        .map(|[start, end]| {
            let local =
                |t: DateTime<Utc>| theirs.map_or_else(String::new, |z| super::format::time(t, z));
            format!(
                "{}–{} ({}–{} yours)",
                local(*start),
                local(*end),
                super::format::time(*start, tz),
                super::format::time(*end, tz)
            )
        })
        .collect();
    Row {
        name: person.name.clone(),
        hours: if mine.is_empty() {
            format!("not working · {}", person.time_zone)
        } else {
            format!("{} · {}", mine.join(", "), person.time_zone)
        },
        blocks,
    }
}

/// `GET /calendar`.
pub async fn page(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<CalendarQuery>,
) -> Result<CalendarPage, PageError> {
    let actor = user.0.actor;
    let tz = user.0.time_zone;
    let week = monday(
        q.week
            .unwrap_or_else(|| Utc::now().with_timezone(&tz.0).date_naive()),
    );
    let (teams, people) = team_people(&s, &user, &q).await?;
    let window = Interval::new(midnight(week, tz), midnight(week + Days::new(7), tz))
        .ok_or(ApiError::NotFound)?;
    let weeks = s.store.calendar_week(&actor, &people, window).await?;
    let days = (0..5)
        .filter_map(|i| {
            let date = week + Days::new(i);
            let day = Interval::new(midnight(date, tz), midnight(date + Days::new(1), tz))?;
            Some(DayView {
                label: super::format::day(date),
                rows: weeks.iter().map(|p| row(p, &day, tz)).collect(),
            })
        })
        .collect();
    let deal_name = match q.deal {
        Some(id) => Some(s.store.get_deal(&actor, DealId(id)).await?.name),
        None => None,
    };
    let moves = s
        .store
        .pending_moves(&actor)
        .await?
        .into_iter()
        .map(|m: MeetingMove| MoveView {
            id: m.id,
            explanation: m.proposal.explanation,
        })
        .collect();
    let with_week = |date: NaiveDate| {
        let query = CalendarQuery {
            week: Some(date),
            notice: None,
            ..q.clone()
        };
        format!(
            "/calendar?{}",
            serde_urlencoded::to_string(&query).unwrap_or_default()
        )
    };
    let names: Names = s.store.names().await?;
    Ok(CalendarPage {
        chrome: Chrome::new(&user, "/calendar", "Team calendar"),
        notice: q.notice.clone(),
        teams,
        people: people
            .iter()
            .map(|id| Choice {
                value: id.to_string(),
                label: names.users.get(id).cloned().unwrap_or_default(),
                selected: true,
            })
            .collect(),
        previous: with_week(week - Days::new(7)),
        next: with_week(week + Days::new(7)),
        week,
        days,
        deal: q.deal,
        deal_name,
        moves,
    })
}

/// `POST /calendar/find`: the "find a time" form, answered with a fragment.
pub async fn find(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Found, PageError> {
    let form = Submitted::parse(&body);
    let tz = user.0.time_zone;
    let people: Vec<UserId> = form
        .0
        .iter()
        .filter(|(k, _)| k == "people")
        .filter_map(|(_, v)| v.parse().ok().map(UserId))
        .collect();
    let week = monday(
        form.get("week")
            .parse::<NaiveDate>()
            .map_err(|_| ApiError::bad("week", "missing"))?,
    );
    let duration = form
        .get("duration")
        .parse()
        .map_err(|_| ApiError::bad("duration", "choose how long"))?;
    let deal = form.get("deal").parse::<i64>().ok();
    let priority = form.get("priority").parse::<u8>().ok();
    let subject = Some(form.get("subject")).filter(|t| !t.trim().is_empty());
    let from = midnight(week, tz).max(Utc::now());
    // Round-robin: one of the people, the fairest free; otherwise all of them.
    let round_robin = form.get("mode") == "round_robin";
    let (required, pool) = if round_robin {
        (Vec::new(), people.clone())
    } else {
        (people.clone(), Vec::new())
    };
    let input = FindTimeInput {
        required_ids: required,
        optional_ids: Vec::new(),
        pool_ids: pool,
        duration_minutes: duration,
        from,
        to: midnight(week + Days::new(7), tz),
        deal_id: deal.map(DealId),
        priority,
        subject: subject.clone(),
        limit: Some(8),
    };
    let found = s.store.find_time(&user.0.actor, input).await?;
    let names = s.store.names().await?;
    let name = |id: &UserId| names.users.get(id).cloned().unwrap_or_default();
    let range = |a: DateTime<Utc>, b: DateTime<Utc>| {
        format!("{}–{}", when(a, tz), super::format::time(b, tz))
    };
    Ok(Found {
        csrf_token: user.0.csrf_token.clone(),
        subject: subject.unwrap_or_else(|| "Meeting".into()),
        deal,
        week,
        priority: format!("Priority {} ({})", found.priority, found.priority_why),
        slots: found
            .slots
            .iter()
            .map(|slot| SlotView {
                label: range(slot.starts_at, slot.ends_at),
                starts_at: slot.starts_at.to_rfc3339(),
                ends_at: slot.ends_at.to_rfc3339(),
                note: match &slot.host {
                    Some(host) => format!("with {}: {}", name(&host.user_id), host.reason),
                    None => slot
                        .after_hours
                        .iter()
                        .map(|a| {
                            format!(
                                "{} min outside {}'s core hours",
                                a.minutes,
                                name(&a.user_id)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                },
                people: slot.host.as_ref().map_or_else(
                    || {
                        people
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(",")
                    },
                    |host| host.user_id.to_string(),
                ),
            })
            .collect(),
        proposals: found
            .proposals
            .into_iter()
            .map(|p| ProposalView {
                label: range(p.starts_at, p.ends_at),
                moves: p
                    .moves
                    .iter()
                    .map(|m| {
                        (
                            m.explanation.clone(),
                            serde_json::to_string(m).unwrap_or_default(),
                        )
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// Back to the calendar (at `week`, when given) with a notice.
fn back(week: &str, notice: &str) -> Response {
    let mut pairs = vec![("notice", notice)];
    if !week.is_empty() {
        pairs.insert(0, ("week", week));
    }
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    Redirect::to(&format!("/calendar?{query}")).into_response()
}

/// `POST /calendar/book`: books a found time.
pub async fn book(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = Submitted::parse(&body);
    let time = |name: &str| {
        DateTime::parse_from_rfc3339(&form.get(name))
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| ApiError::bad(name, "missing"))
    };
    let input = MeetingInput {
        subject: form.get("subject"),
        deal_id: form.get("deal").parse().ok().map(DealId),
        starts_at: time("starts_at")?,
        ends_at: time("ends_at")?,
        attendee_ids: form
            .get("people")
            .split(',')
            .filter_map(|id| id.parse().ok().map(UserId))
            .collect(),
    };
    let starts = input.starts_at;
    let meeting = s.store.book_meeting(&user.0.actor, input).await?;
    Ok(back(
        &form.get("week"),
        &format!(
            "Booked “{}” for {}.",
            meeting.subject.unwrap_or_default(),
            when(starts, user.0.time_zone)
        ),
    ))
}

/// `POST /calendar/moves`: asks a meeting's owner to move it as proposed.
pub async fn propose(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = Submitted::parse(&body);
    let proposal: ProposedMove =
        serde_json::from_str(&form.get("move")).map_err(|_| ApiError::bad("move", "missing"))?;
    s.store.propose_move(&user.0.actor, proposal).await?;
    Ok(back(
        &form.get("week"),
        "Asked the meeting's owner to move it; it moves when they accept. Book your meeting once it has.",
    ))
}

/// `POST /calendar/moves/{id}/{accept|decline}`: the owner's answer.
pub async fn answer(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath((id, answer)): ApiPath<(i64, String)>,
) -> Result<Response, PageError> {
    let accept = match answer.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(ApiError::NotFound.into()),
    };
    let answered = s.store.answer_move(&user.0.actor, id, accept).await?;
    Ok(back(
        "",
        &format!(
            "{} the move to {}.",
            if accept { "Accepted" } else { "Declined" },
            when(answered.proposal.to_start, user.0.time_zone)
        ),
    ))
}
