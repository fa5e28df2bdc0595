//! The team calendar: working hours, meetings with their people, external calendars, finding a
//! time (with proposed moves when there is none), accepting or declining a move, and feeds.
//!
//! Meetings are activities of kind `meeting` (so they count on their deal's timeline); their
//! people besides the owner are in `meeting_attendees`. Everyone may see everyone's busy time,
//! as a team calendar needs; a meeting's subject shows only to those who may see the meeting.
//! The calendar engine (`baton-calendar`) does the arithmetic; this module loads its inputs.

use crate::activities::insert_activity;
use crate::audit::write_audit;
use crate::db::{Conn, Row, built_query, id_list, query};
use crate::refs::check_visible;
use crate::visibility::{Entity, Scope};
use crate::{Actor, Result, Store, StoreError, now};
use baton_calendar as engine;
use baton_calendar::{Interval, LocalRange};
use baton_model::activity::ActivityKind;
use baton_model::records::{
    Activity, ActivityChanges, AfterHours, BusyBlock, FindTimeInput, FoundSlot, FoundTimes,
    MeetingInput, MeetingMove, PersonWeek, ProposedMove, ProposedTime, RoundRobinHost,
    WorkingHours,
};
use baton_model::{ActivityId, Currency, FieldErrors, Role, TeamId, UserId};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A meeting with no end is taken to last this long.
const DEFAULT_MEETING: TimeDelta = TimeDelta::minutes(30);
/// Meeting times start on multiples of this.
const GRANULARITY: TimeDelta = TimeDelta::minutes(15);
/// The priority of a meeting held for no deal.
const NO_DEAL_PRIORITY: u8 = 30;
/// At most this many meetings are proposed to move for one new meeting.
const MAX_MOVES: usize = 3;
/// Round-robin load counts a host's meetings over this long before the window, and within it.
const ROUND_ROBIN_PERIOD: TimeDelta = TimeDelta::days(30);
/// A meeting moved to make room may go this far past the end of the search window.
const MOVE_BEYOND: TimeDelta = TimeDelta::days(7);
/// The longest window one calendar read covers.
const LONGEST_WINDOW: TimeDelta = TimeDelta::days(92);

/// `"HH:MM-HH:MM"` as a wall-clock range.
fn parse_range(text: &str) -> std::result::Result<LocalRange, String> {
    let bad = || format!("{text:?} is not a range such as \"09:00-17:00\"");
    let (from, to) = text.trim().split_once('-').ok_or_else(bad)?;
    let minutes = |t: &str| -> Option<u16> {
        let (h, m) = t.trim().split_once(':')?;
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        (h <= 24 && m < 60).then_some(h * 60 + m)
    };
    let (from, to) = (minutes(from).ok_or_else(bad)?, minutes(to).ok_or_else(bad)?);
    LocalRange::minutes(from, to).map_err(|e| e.to_string())
}

fn day_hours(field: &str, ranges: &[String], errors: &mut FieldErrors) -> Option<engine::DayHours> {
    let mut parsed = Vec::new();
    for (i, text) in ranges.iter().enumerate() {
        match parse_range(text) {
            Ok(r) => parsed.push(r),
            Err(message) => errors.add(format!("{field}[{i}]"), message),
        }
    }
    match engine::DayHours::new(parsed) {
        Ok(day) => Some(day),
        Err(e) => {
            errors.add(field, e.to_string());
            None
        }
    }
}

/// A person as the engine takes them, from their stored hours; every fault named by field.
fn attendee(
    id: UserId,
    zone: Tz,
    hours: &WorkingHours,
) -> std::result::Result<engine::Attendee, FieldErrors> {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let mut errors = FieldErrors::new();
    let mut availability = engine::Availability::new(zone);
    if hours.weekly.len() == 7 {
        for (i, day) in hours.weekly.iter().enumerate() {
            if let Some(day_hours) = day_hours(&format!("weekly.{}", DAYS[i]), day, &mut errors)
                && let Some(weekday) = chrono::Weekday::try_from(u8::try_from(i).unwrap_or(0)).ok()
            {
                availability.set_weekday(weekday, day_hours);
            }
        }
    } else {
        errors.add("weekly", "must list seven days, Monday first");
    }
    for (date, ranges) in &hours.overrides {
        if let Some(day) = day_hours(&format!("overrides.{date}"), ranges, &mut errors) {
            availability.set_date(*date, day);
        }
    }
    let core = parse_range(&hours.core).unwrap_or_else(|message| {
        errors.add("core", message);
        LocalRange::NINE_TO_FIVE
    });
    for (field, minutes) in [
        ("buffer_before_minutes", hours.buffer_before_minutes),
        ("buffer_after_minutes", hours.buffer_after_minutes),
    ] {
        if minutes > 240 {
            errors.add(field, "must be at most 240 minutes");
        }
    }
    if hours.max_meetings_per_day == Some(0) {
        errors.add("max_meetings_per_day", "must be at least 1 (or null)");
    }
    if hours.min_notice_minutes > 60 * 24 * 30 {
        errors.add("min_notice_minutes", "must be at most 30 days");
    }
    let mut attendee = engine::Attendee::new(id.0.to_string(), availability);
    attendee.core_hours = core;
    attendee.buffer_before = TimeDelta::minutes(i64::from(hours.buffer_before_minutes));
    attendee.buffer_after = TimeDelta::minutes(i64::from(hours.buffer_after_minutes));
    attendee.max_meetings_per_day = hours.max_meetings_per_day.map(usize::from);
    errors.into_result(attendee)
}

/// A person and what their calendar holds within a window.
struct Person {
    id: UserId,
    name: String,
    zone: Tz,
    hours: WorkingHours,
    /// Busy time from their external calendars.
    external: Vec<Interval>,
}

/// A Baton meeting within the window.
struct Meeting {
    id: ActivityId,
    subject: Option<String>,
    time: Interval,
    /// Owner first, then attendees.
    people: Vec<UserId>,
    /// Whether the viewer may see it (and its subject).
    visible: bool,
    priority: engine::Priority,
    /// "'Acme weekly sync' (deal $12,000, Qualification)".
    label: String,
}

/// What a deal says about the meetings held for it, as loaded with them.
struct DealRow {
    name: String,
    amount_minor: Option<i64>,
    currency: String,
    close_date: Option<NaiveDate>,
    probability: i64,
    stage: String,
    tier: Option<i64>,
}

impl DealRow {
    /// The deal in a row's `deal_name`, `amount_minor`, `currency`, `close_date`,
    /// `probability`, `stage` and `tier` columns; `None` when `deal_name` is null (no deal).
    fn read(r: &Row) -> Result<Option<DealRow>> {
        let Some(name) = r.get::<Option<String>>("deal_name")? else {
            return Ok(None);
        };
        Ok(Some(DealRow {
            name,
            amount_minor: r.get("amount_minor")?,
            currency: r.get("currency")?,
            close_date: r.get("close_date")?,
            probability: r.get("probability")?,
            stage: r.get("stage")?,
            tier: r.get("tier")?,
        }))
    }

    fn priority(&self, today: NaiveDate) -> engine::Priority {
        let currency: Option<Currency> = self.currency.parse().ok();
        let scale = 10_i64.pow(u32::from(currency.map_or(2, |c| c.exponent())));
        engine::Priority::of_deal(&engine::DealFacts {
            amount: self.amount_minor.unwrap_or(0) / scale,
            stage_probability: u8::try_from(self.probability.clamp(0, 100)).unwrap_or(0),
            days_to_close: self.close_date.map(|d| (d - today).num_days()),
            tier: self.tier.and_then(|t| u8::try_from(t).ok()),
        })
    }

    /// "deal $480,000, Negotiation, closes in 9 days".
    fn describe(&self, today: NaiveDate) -> String {
        let amount = match (self.amount_minor, self.currency.parse::<Currency>()) {
            (Some(minor), Ok(currency)) => {
                format!(" {}", baton_model::readable_money(minor, currency))
            }
            _ => String::new(),
        };
        let close = match self.close_date.map(|d| (d - today).num_days()) {
            Some(days) if days >= 0 => format!(", closes in {days} days"),
            Some(days) => format!(", close date {} days past", -days),
            None => String::new(),
        };
        format!("{}{amount}, {}{close}", self.name, self.stage)
    }
}

impl Store {
    /// A person's working hours (09:00–17:00 Monday to Friday until set).
    pub async fn working_hours(&self, _actor: &Actor, user: UserId) -> Result<WorkingHours> {
        load_hours(&mut self.reader(), &[user])
            .await
            .map(|mut hours| hours.remove(&user).unwrap_or_default())
    }

    /// Sets a person's working hours: their own, or anyone's for an admin or coordinator.
    pub async fn set_working_hours(
        &self,
        actor: &Actor,
        user: UserId,
        hours: WorkingHours,
    ) -> Result<WorkingHours> {
        own_or_coordinator(actor, user, "set someone else's hours")?;
        attendee(user, chrono_tz::UTC, &hours).map_err(StoreError::Invalid)?;
        let mut tx = self.begin().await?;
        if !crate::refs::user_exists(&mut tx.conn(), user).await? {
            return Err(StoreError::NotFound);
        }
        let before = load_hours(&mut tx.conn(), &[user]).await?.remove(&user);
        let json = serde_json::to_value(&hours).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let at = now();
        tx.conn()
            .execute(
                query(
                    "INSERT INTO working_hours (user_id, hours, version, updated_at) \
                     VALUES ($1, $2, 1, $3) ON CONFLICT (user_id) DO UPDATE SET \
                     hours = excluded.hours, version = working_hours.version + 1, \
                     updated_at = excluded.updated_at",
                )
                .bind(user)
                .bind(json)
                .bind(at),
            )
            .await?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            if before.is_some() { "update" } else { "create" },
            "working_hours",
            user.0,
            before.as_ref(),
            Some(&hours),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(hours)
    }

    /// Puts a meeting on the calendar: an activity of kind meeting owned by the actor, with its
    /// people, in one transaction.
    pub async fn book_meeting(&self, actor: &Actor, input: MeetingInput) -> Result<Activity> {
        actor.ensure_edits_crm()?;
        let mut errors = FieldErrors::new();
        let subject = input.subject.trim();
        if subject.is_empty() || subject.chars().count() > 200 {
            errors.add("subject", "must be 1 to 200 characters");
        }
        if input.ends_at <= input.starts_at {
            errors.add("ends_at", "must be after starts_at");
        } else if input.ends_at - input.starts_at > TimeDelta::days(1) {
            errors.add("ends_at", "a meeting lasts at most a day");
        }
        let attendees: BTreeSet<UserId> = input
            .attendee_ids
            .iter()
            .copied()
            .filter(|u| *u != actor.user_id)
            .collect();
        let mut tx = self.begin().await?;
        for user in &attendees {
            if !active_user(&mut tx.conn(), *user).await? {
                errors.add("attendee_ids", format!("there is no active user {user}"));
            }
        }
        errors.into_result(()).map_err(StoreError::Invalid)?;
        let changes = ActivityChanges {
            kind: Some(ActivityKind::Meeting),
            subject: Some(Some(subject.to_owned())),
            deal_id: Some(input.deal_id),
            occurred_at: Some(input.starts_at),
            ends_at: Some(Some(input.ends_at)),
            meeting_status: Some(Some(baton_model::activity::MeetingStatus::Scheduled)),
            ..ActivityChanges::default()
        };
        let activity = insert_activity(&mut tx, actor, changes).await?;
        for user in &attendees {
            tx.conn()
                .execute(
                    query("INSERT INTO meeting_attendees (activity_id, user_id) VALUES ($1, $2)")
                        .bind(activity.id)
                        .bind(*user),
                )
                .await?;
        }
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "update",
            "meeting_attendees",
            activity.id.0,
            None,
            Some(&attendees),
            activity.created_at,
        )
        .await?;
        tx.commit().await?;
        Ok(activity)
    }

    /// The people of a meeting besides its owner.
    pub async fn meeting_attendees(&self, actor: &Actor, id: ActivityId) -> Result<Vec<UserId>> {
        self.get_activity(actor, id).await?;
        self.reader()
            .fetch_all(
                query(
                    "SELECT user_id FROM meeting_attendees WHERE activity_id = $1 ORDER BY user_id",
                )
                .bind(id),
            )
            .await?
            .iter()
            .map(|r| r.get("user_id"))
            .collect()
    }

    /// Each person's working time and busy blocks within `window` (at most 92 days).
    pub async fn calendar_week(
        &self,
        actor: &Actor,
        users: &[UserId],
        window: Interval,
    ) -> Result<Vec<PersonWeek>> {
        check_window(&window)?;
        let mut conn = self.reader();
        let scope = Scope::of(&mut conn, actor).await?;
        let people = load_people(&mut conn, users, &window).await?;
        let meetings = load_meetings(&mut conn, &scope, users, &window, now().date_naive()).await?;
        people
            .iter()
            .map(|p| {
                let working = attendee(p.id, p.zone, &p.hours)
                    .map_err(StoreError::Invalid)?
                    .availability
                    .working(&window)
                    .iter()
                    .map(|w| [w.start, w.end])
                    .collect();
                let mut busy: Vec<BusyBlock> = meetings
                    .iter()
                    .filter(|m| m.people.contains(&p.id))
                    .map(|m| BusyBlock {
                        starts_at: m.time.start,
                        ends_at: m.time.end,
                        label: match (&m.subject, m.visible) {
                            (Some(s), true) => s.clone(),
                            _ => "Busy".into(),
                        },
                        activity_id: m.visible.then_some(m.id),
                        external: false,
                    })
                    .chain(p.external.iter().map(|t| BusyBlock {
                        starts_at: t.start,
                        ends_at: t.end,
                        label: "Busy".into(),
                        activity_id: None,
                        external: true,
                    }))
                    .collect();
                busy.sort_by_key(|b| (b.starts_at, b.ends_at));
                Ok(PersonWeek {
                    user_id: p.id,
                    name: p.name.clone(),
                    time_zone: p.zone.name().to_owned(),
                    working,
                    busy,
                })
            })
            .collect()
    }

    /// Times when every required person is free within their working hours, best first; when
    /// there are none, the fewest lower-priority meetings to move, and where, to make room.
    pub async fn find_time(&self, actor: &Actor, input: FindTimeInput) -> Result<FoundTimes> {
        let mut errors = FieldErrors::new();
        if input.required_ids.is_empty() && input.pool_ids.is_empty() {
            errors.add(
                "required_ids",
                "name at least one person, here or in pool_ids",
            );
        }
        if input.duration_minutes == 0 || input.duration_minutes > 8 * 60 {
            errors.add("duration_minutes", "must be between 1 and 480");
        }
        let window = Interval::new(input.from, input.to);
        if window.is_none() {
            errors.add("to", "must be after from");
        }
        if input.priority.is_some_and(|p| p > 100) {
            errors.add("priority", "must be between 0 and 100");
        }
        let limit = usize::from(input.limit.unwrap_or(10));
        if !(1..=100).contains(&limit) {
            errors.add("limit", "must be between 1 and 100");
        }
        let mut conn = self.reader();
        let scope = Scope::of(&mut conn, actor).await?;
        if let Some(deal) = input.deal_id {
            check_visible(
                &mut conn,
                &scope,
                Entity::Deal,
                "deal_id",
                deal.0,
                &mut errors,
            )
            .await?;
        }
        let wanted: Vec<UserId> = input
            .required_ids
            .iter()
            .chain(&input.optional_ids)
            .chain(&input.pool_ids)
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        for user in &wanted {
            if !active_user(&mut conn, *user).await? {
                errors.add("required_ids", format!("there is no active user {user}"));
            }
        }
        let window = errors.into_result(window).map_err(StoreError::Invalid)?;
        let window = window.ok_or_else(|| StoreError::field("to", "must be after from"))?;
        check_window(&window)?;
        let today = now().date_naive();
        let viewer_zone = user_zone(&mut conn, actor.user_id).await?;
        // The meeting's own priority and name.
        let deal = match input.deal_id {
            Some(deal) => load_deal(&mut conn, deal.0).await?,
            None => None,
        };
        let priority = match (input.priority, &deal) {
            (Some(p), _) => engine::Priority::by_hand(p),
            (None, Some(d)) => d.priority(today),
            (None, None) => engine::Priority::by_hand(NO_DEAL_PRIORITY),
        };
        let subject = input
            .subject
            .clone()
            .unwrap_or_else(|| "the new meeting".into());
        let label = match &deal {
            Some(d) => format!("'{subject}' ({})", d.describe(today)),
            None => format!("'{subject}'"),
        };
        // Everyone's calendars, and those of the other people in their meetings (who must
        // also be free wherever one of those meetings moves), over the window and the week
        // after it, where a moved meeting may also go.
        let wide = Interval::new(window.start, window.end + MOVE_BEYOND).unwrap_or(window);
        let meetings = load_meetings(&mut conn, &scope, &wanted, &wide, today).await?;
        let everyone: Vec<UserId> = wanted
            .iter()
            .copied()
            .chain(meetings.iter().flat_map(|m| m.people.iter().copied()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let people = load_people(&mut conn, &everyone, &wide).await?;
        let mut attendees: HashMap<UserId, engine::Attendee> = HashMap::new();
        let mut notice = TimeDelta::zero();
        for p in &people {
            let mut a = attendee(p.id, p.zone, &p.hours).map_err(StoreError::Invalid)?;
            a.meetings.clone_from(&p.external);
            if input.required_ids.contains(&p.id) {
                notice = notice.max(TimeDelta::minutes(i64::from(p.hours.min_notice_minutes)));
            }
            attendees.insert(p.id, a);
        }
        let search = engine::Search {
            duration: TimeDelta::minutes(i64::from(input.duration_minutes)),
            window,
            granularity: GRANULARITY,
            not_before: now() + notice,
            limit,
        };
        let with_meetings = |user: &UserId| -> Option<engine::Attendee> {
            let mut a = attendees.get(user)?.clone();
            a.meetings.extend(
                meetings
                    .iter()
                    .filter(|m| m.people.contains(user))
                    .map(|m| m.time),
            );
            Some(a)
        };
        let request = engine::SlotRequest {
            required: input
                .required_ids
                .iter()
                .filter_map(with_meetings)
                .collect(),
            optional: input
                .optional_ids
                .iter()
                .filter_map(with_meetings)
                .collect(),
            search: search.clone(),
        };
        let user_of = |id: &str| UserId(id.parse().unwrap_or(0));
        let slots: Vec<FoundSlot> = if input.pool_ids.is_empty() {
            engine::find_slots(&request)
                .map_err(|e| slot_error(&e))?
                .into_iter()
                .map(|s| FoundSlot {
                    starts_at: s.time.start,
                    ends_at: s.time.end,
                    optional_free: s.optional_free.iter().map(|id| user_of(id)).collect(),
                    after_hours: s
                        .after_hours
                        .iter()
                        .map(|(id, minutes)| AfterHours {
                            user_id: user_of(id),
                            minutes: *minutes,
                        })
                        .collect(),
                    host: None,
                })
                .collect()
        } else {
            // Load: each host's meetings over the 30 days before the window and within it.
            let period =
                Interval::new(window.start - ROUND_ROBIN_PERIOD, window.end).unwrap_or(window);
            let booked = load_meetings(&mut conn, &scope, &input.pool_ids, &period, today).await?;
            let pool = input
                .pool_ids
                .iter()
                .filter_map(|user| {
                    let person = people.iter().find(|p| p.id == *user)?;
                    let load = booked.iter().filter(|m| m.people.contains(user)).count();
                    Some(engine::Host {
                        attendee: with_meetings(user)?,
                        name: person.name.clone(),
                        weight: person.hours.round_robin_weight.max(1),
                        load: u32::try_from(load).unwrap_or(u32::MAX),
                    })
                })
                .collect();
            let request = engine::RoundRobinRequest {
                pool,
                required: request.required,
                search: search.clone(),
            };
            engine::round_robin(&request)
                .map_err(|e| slot_error(&e))?
                .into_iter()
                .map(|a| FoundSlot {
                    starts_at: a.time.start,
                    ends_at: a.time.end,
                    optional_free: Vec::new(),
                    after_hours: Vec::new(),
                    host: Some(RoundRobinHost {
                        user_id: user_of(&a.host),
                        reason: a.reason,
                    }),
                })
                .collect()
        };
        let proposals = if slots.is_empty() && input.pool_ids.is_empty() {
            let request = engine::MoveRequest {
                label,
                priority: priority.score,
                required: input.required_ids.iter().map(|u| u.0.to_string()).collect(),
                people: attendees.into_values().collect(),
                booked: meetings
                    .iter()
                    .map(|m| engine::Booked {
                        id: m.id.0.to_string(),
                        label: if m.visible {
                            m.label.clone()
                        } else {
                            "a private meeting".into()
                        },
                        time: m.time,
                        attendees: m.people.iter().map(|u| u.0.to_string()).collect(),
                        priority: m.priority.score,
                        movable: true,
                    })
                    .collect(),
                search,
                move_within: wide,
                max_moves: MAX_MOVES,
                zone: viewer_zone,
            };
            engine::propose_moves(&request)
                .map_err(|e| StoreError::field("required_ids", e.to_string()))?
                .into_iter()
                .map(|p| ProposedTime {
                    starts_at: p.time.start,
                    ends_at: p.time.end,
                    moves: p
                        .moves
                        .into_iter()
                        .map(|m| ProposedMove {
                            activity_id: ActivityId(m.booked.parse().unwrap_or(0)),
                            from_start: m.from.start,
                            from_end: m.from.end,
                            to_start: m.to.start,
                            to_end: m.to.end,
                            explanation: m.explanation,
                        })
                        .collect(),
                    explanation: p.explanation,
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(FoundTimes {
            slots,
            priority: priority.score,
            priority_why: priority.why,
            proposals,
        })
    }

    /// Asks the owner of a meeting to move it. The meeting must still be where the proposal
    /// says it is; nothing moves until the owner accepts.
    pub async fn propose_move(&self, actor: &Actor, proposal: ProposedMove) -> Result<MeetingMove> {
        actor.ensure_edits_crm()?;
        if proposal.to_end <= proposal.to_start {
            return Err(StoreError::field("to_end", "must be after to_start"));
        }
        let mut tx = self.begin().await?;
        let meeting = current_time(&mut tx.conn(), proposal.activity_id).await?;
        if meeting != Some((proposal.from_start, proposal.from_end)) {
            return Err(StoreError::Conflict(format!(
                "meeting {} is no longer at the time proposed to move; find a time again",
                proposal.activity_id
            )));
        }
        let at = now();
        let id: i64 = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO meeting_moves (activity_id, from_start, from_end, to_start, \
                     to_end, explanation, status, proposed_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8) RETURNING id",
                )
                .bind(proposal.activity_id)
                .bind(proposal.from_start)
                .bind(proposal.from_end)
                .bind(proposal.to_start)
                .bind(proposal.to_end)
                .bind(proposal.explanation.as_str())
                .bind(actor.user_id)
                .bind(at),
            )
            .await?
            .get("id")?;
        let moved = load_move(&mut tx.conn(), id).await?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "meeting_move",
            id,
            None,
            Some(&moved),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(moved)
    }

    /// Moves waiting for the actor's answer: of meetings they own.
    pub async fn pending_moves(&self, actor: &Actor) -> Result<Vec<MeetingMove>> {
        self.reader()
            .fetch_all(
                query(
                    "SELECT mm.id, mm.activity_id, mm.from_start, mm.from_end, mm.to_start, \
                     mm.to_end, mm.explanation, mm.status, mm.proposed_by, mm.created_at, \
                     mm.responded_by, mm.responded_at FROM meeting_moves mm \
                     JOIN activities a ON a.id = mm.activity_id \
                     WHERE mm.status = 'pending' AND a.owner_id = $1 ORDER BY mm.id",
                )
                .bind(actor.user_id),
            )
            .await?
            .iter()
            .map(move_from_row)
            .collect()
    }

    /// The meeting's owner accepts (the meeting moves, audited like any change) or declines.
    pub async fn answer_move(&self, actor: &Actor, id: i64, accept: bool) -> Result<MeetingMove> {
        let mut tx = self.begin().await?;
        let before = load_move(&mut tx.conn(), id).await?;
        let owner: Option<UserId> = tx
            .conn()
            .fetch_optional(
                query("SELECT owner_id FROM activities WHERE id = $1")
                    .bind(before.proposal.activity_id),
            )
            .await?
            .map(|r| r.get("owner_id"))
            .transpose()?;
        if owner != Some(actor.user_id) {
            return Err(StoreError::Forbidden(
                "only the meeting's owner can answer a proposed move".into(),
            ));
        }
        if before.status != "pending" {
            return Err(StoreError::Conflict(format!(
                "this move was already {}",
                before.status
            )));
        }
        let at = now();
        if accept {
            let p = &before.proposal;
            if current_time(&mut tx.conn(), p.activity_id).await?
                != Some((p.from_start, p.from_end))
            {
                return Err(StoreError::Conflict(
                    "the meeting has moved since this was proposed".into(),
                ));
            }
            let meeting = crate::crm::load::<Activity>(&mut tx.conn(), p.activity_id.0)
                .await?
                .ok_or(StoreError::NotFound)?;
            let mut after = meeting.clone();
            after.occurred_at = p.to_start;
            after.ends_at = Some(p.to_end);
            after.updated_at = at;
            crate::crm::update(&mut tx.conn(), &after, meeting.version).await?;
            let after = crate::crm::load::<Activity>(&mut tx.conn(), p.activity_id.0)
                .await?
                .ok_or(StoreError::NotFound)?;
            write_audit(
                &mut tx.conn(),
                Some(actor.user_id),
                "update",
                "activity",
                p.activity_id.0,
                Some(&meeting),
                Some(&after),
                at,
            )
            .await?;
        }
        tx.conn()
            .execute(
                query(
                    "UPDATE meeting_moves SET status = $1, responded_by = $2, responded_at = $3 \
                     WHERE id = $4",
                )
                .bind(if accept { "accepted" } else { "declined" })
                .bind(actor.user_id)
                .bind(at)
                .bind(id),
            )
            .await?;
        let after = load_move(&mut tx.conn(), id).await?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "update",
            "meeting_move",
            id,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Keeps a feed of one person's (or one team's) meetings under the hash of its secret:
    /// one's own, one's team's, or anyone's for an admin or coordinator.
    pub async fn create_calendar_feed(
        &self,
        actor: &Actor,
        of: FeedOf,
        token_hash: &str,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        let allowed = match (actor.role, of) {
            (Role::Admin | Role::Coordinator, _) => true,
            (_, FeedOf::User(user)) => user == actor.user_id,
            (_, FeedOf::Team(team)) => tx
                .conn()
                .fetch_optional(
                    query(
                        "SELECT 1 AS ok FROM teams t WHERE t.id = $1 AND (t.manager_id = $2 OR \
                         EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.user_id = $2))",
                    )
                    .bind(team)
                    .bind(actor.user_id),
                )
                .await?
                .is_some(),
        };
        if !allowed {
            return Err(StoreError::Forbidden(
                "you can make feeds of your own calendar and your teams' only".into(),
            ));
        }
        let (user, team) = match of {
            FeedOf::User(u) => (Some(u), None),
            FeedOf::Team(t) => (None, Some(t)),
        };
        let at = now();
        let id: i64 = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO calendar_feeds (token_hash, user_id, team_id, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(token_hash)
                .bind(user)
                .bind(team)
                .bind(actor.user_id)
                .bind(at),
            )
            .await?
            .get("id")?;
        let after = serde_json::json!({"user_id": user, "team_id": team});
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "calendar_feed",
            id,
            None,
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The meetings a feed shows within `window`, as calendar events, and its people's busy
    /// time (meetings and external calendars) for free/busy. `None` for an unknown secret.
    pub async fn calendar_feed(&self, token_hash: &str, window: Interval) -> Result<Option<Feed>> {
        let mut conn = self.reader();
        let Some(row) = conn
            .fetch_optional(
                query(
                    "SELECT user_id, team_id, created_by FROM calendar_feeds WHERE token_hash = $1",
                )
                .bind(token_hash),
            )
            .await?
        else {
            return Ok(None);
        };
        let user: Option<UserId> = row.get("user_id")?;
        let team: Option<TeamId> = row.get("team_id")?;
        let users: Vec<UserId> = match (user, team) {
            (Some(u), _) => vec![u],
            (None, Some(t)) => conn
                .fetch_all(
                    query(
                        "SELECT user_id FROM team_members WHERE team_id = $1 UNION \
                         SELECT manager_id FROM teams WHERE id = $1 AND manager_id IS NOT NULL",
                    )
                    .bind(t),
                )
                .await?
                .iter()
                .map(|r| r.get("user_id"))
                .collect::<Result<_>>()?,
            (None, None) => Vec::new(),
        };
        // Subjects show as the feed's maker would see them.
        let maker: UserId = row.get("created_by")?;
        let role: String = conn
            .fetch_one(query("SELECT role FROM users WHERE id = $1").bind(maker))
            .await?
            .get("role")?;
        let actor = Actor {
            user_id: maker,
            role: role
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("role {role}")))?,
        };
        let scope = Scope::of(&mut conn, &actor).await?;
        let meetings =
            load_meetings(&mut conn, &scope, &users, &window, now().date_naive()).await?;
        let people = load_people(&mut conn, &users, &window).await?;
        let events = meetings
            .iter()
            .map(|m| {
                let mut event = engine::Event::new(
                    format!("meeting-{}@baton", m.id),
                    match (&m.subject, m.visible) {
                        (Some(s), true) => s.clone(),
                        _ => "Busy".into(),
                    },
                    engine::Start::Utc(m.time.start),
                    m.time.duration(),
                );
                event.show_as = engine::ShowAs::Busy;
                event
            })
            .collect();
        let busy = engine::interval::normalize(
            meetings
                .iter()
                .map(|m| m.time)
                .chain(people.iter().flat_map(|p| p.external.iter().copied()))
                .collect(),
        );
        Ok(Some(Feed { events, busy }))
    }
}

/// Whose meetings a feed shows.
#[derive(Debug, Clone, Copy)]
pub enum FeedOf {
    User(UserId),
    Team(TeamId),
}

/// What a feed holds.
pub struct Feed {
    pub events: Vec<engine::Event>,
    /// Busy time of its people, sorted and merged.
    pub busy: Vec<Interval>,
}

/// Refuses to let anyone but `user`, an admin or a coordinator `what`.
pub(crate) fn own_or_coordinator(actor: &Actor, user: UserId, what: &str) -> Result<()> {
    if actor.user_id == user || matches!(actor.role, Role::Admin | Role::Coordinator) {
        Ok(())
    } else {
        Err(StoreError::Forbidden(format!(
            "only an admin or coordinator can {what}"
        )))
    }
}

fn check_window(window: &Interval) -> Result<()> {
    if window.duration() > LONGEST_WINDOW {
        return Err(StoreError::field(
            "to",
            format!(
                "a calendar window is at most {} days",
                LONGEST_WINDOW.num_days()
            ),
        ));
    }
    Ok(())
}

fn slot_error(e: &engine::SlotError) -> StoreError {
    let field = match e {
        engine::SlotError::Duration => "duration_minutes",
        engine::SlotError::Window => "to",
        engine::SlotError::NoOneRequired
        | engine::SlotError::NoHosts
        | engine::SlotError::Buffer(_)
        | engine::SlotError::Granularity => "required_ids",
    };
    StoreError::field(field, e.to_string())
}

async fn active_user(conn: &mut Conn<'_>, user: UserId) -> Result<bool> {
    Ok(conn
        .fetch_optional(query("SELECT active FROM users WHERE id = $1").bind(user))
        .await?
        .map(|r| r.get::<bool>("active"))
        .transpose()?
        .unwrap_or(false))
}

async fn user_zone(conn: &mut Conn<'_>, user: UserId) -> Result<Tz> {
    let zone: String = conn
        .fetch_one(query("SELECT time_zone FROM users WHERE id = $1").bind(user))
        .await?
        .get("time_zone")?;
    Ok(zone.parse().unwrap_or(chrono_tz::UTC))
}

async fn load_hours(
    conn: &mut Conn<'_>,
    users: &[UserId],
) -> Result<HashMap<UserId, WorkingHours>> {
    conn.fetch_all(built_query(format!(
        "SELECT user_id, hours FROM working_hours WHERE user_id IN {}",
        id_list(users.iter().map(|u| u.0))
    )))
    .await?
    .iter()
    .map(|r| {
        let hours = serde_json::from_value(r.json("hours")?)
            .map_err(|e| StoreError::Corrupt(format!("working hours: {e}")))?;
        Ok((r.get("user_id")?, hours))
    })
    .collect()
}

/// The people, with their hours and the busy time their external calendars hold in `window`.
async fn load_people(
    conn: &mut Conn<'_>,
    users: &[UserId],
    window: &Interval,
) -> Result<Vec<Person>> {
    let ids = id_list(users.iter().map(|u| u.0));
    let mut hours = load_hours(conn, users).await?;
    let mut external: HashMap<UserId, Vec<Interval>> = HashMap::new();
    for row in conn
        .fetch_all(built_query(format!(
            "SELECT s.user_id, s.body, u.time_zone FROM calendar_sources s \
             JOIN users u ON u.id = s.user_id WHERE s.user_id IN {ids}"
        )))
        .await?
    {
        let body: String = row.get("body")?;
        let zone: String = row.get("time_zone")?;
        let Ok(calendar) = engine::ics::parse(body.as_bytes()) else {
            continue;
        };
        let zone = calendar
            .zone
            .unwrap_or_else(|| zone.parse().unwrap_or(chrono_tz::UTC));
        let (occurrences, _) = engine::expand(&calendar.events, zone, window);
        external
            .entry(row.get("user_id")?)
            .or_default()
            .extend(occurrences.iter().filter_map(engine::Occurrence::taken));
    }
    conn.fetch_all(built_query(format!(
        "SELECT id, name, time_zone FROM users WHERE id IN {ids} ORDER BY name, id"
    )))
    .await?
    .iter()
    .map(|r| {
        let id: UserId = r.get("id")?;
        let zone: String = r.get("time_zone")?;
        Ok(Person {
            id,
            name: r.get("name")?,
            zone: zone.parse().unwrap_or(chrono_tz::UTC),
            hours: hours.remove(&id).unwrap_or_default(),
            external: engine::interval::normalize(external.remove(&id).unwrap_or_default()),
        })
    })
    .collect()
}

async fn load_deal(conn: &mut Conn<'_>, deal: i64) -> Result<Option<DealRow>> {
    conn.fetch_optional(
        query(
            "SELECT d.name AS deal_name, d.amount_minor, d.currency, d.close_date, s.probability, \
             s.name AS stage, acc.tier FROM deals d JOIN stages s ON s.id = d.stage_id \
             LEFT JOIN accounts acc ON acc.id = d.account_id WHERE d.id = $1",
        )
        .bind(deal),
    )
    .await?
    .map_or(Ok(None), |r| DealRow::read(&r))
}

/// The live, scheduled or held meetings of `users` that overlap `window`, with their people,
/// whether the viewer may see each, and each one's priority from its deal.
async fn load_meetings(
    conn: &mut Conn<'_>,
    scope: &Scope,
    users: &[UserId],
    window: &Interval,
    today: NaiveDate,
) -> Result<Vec<Meeting>> {
    let ids = id_list(users.iter().map(|u| u.0));
    let rows = conn
        .fetch_all(
            built_query(format!(
                "SELECT a.id, a.subject, a.owner_id, a.occurred_at, a.ends_at, \
                 ({visible}) AS visible, \
                 d.name AS deal_name, d.amount_minor, d.currency, d.close_date, s.probability, \
                 s.name AS stage, acc.tier \
                 FROM activities a LEFT JOIN deals d ON d.id = a.deal_id \
                 LEFT JOIN stages s ON s.id = d.stage_id \
                 LEFT JOIN accounts acc ON acc.id = d.account_id \
                 WHERE a.kind = 'meeting' AND a.archived_at IS NULL \
                 AND (a.meeting_status IS NULL OR a.meeting_status IN ('scheduled', 'held')) \
                 AND a.occurred_at < $1 AND a.occurred_at >= $2 \
                 AND (a.owner_id IN {ids} OR a.id IN \
                     (SELECT ma.activity_id FROM meeting_attendees ma WHERE ma.user_id IN {ids})) \
                 ORDER BY a.occurred_at, a.id",
                visible = scope.visible(Entity::Activity, "a"),
            ))
            .bind(window.end)
            .bind(window.start - TimeDelta::days(1)),
        )
        .await?;
    let mut meetings = Vec::with_capacity(rows.len());
    for r in &rows {
        let start: DateTime<Utc> = r.get("occurred_at")?;
        let end: Option<DateTime<Utc>> = r.get("ends_at")?;
        let Some(time) = Interval::new(
            start,
            end.unwrap_or(start + DEFAULT_MEETING)
                .max(start + TimeDelta::minutes(1)),
        ) else {
            continue;
        };
        if !time.overlaps(window) {
            continue;
        }
        let deal = DealRow::read(r)?;
        let subject: Option<String> = r.get("subject")?;
        let name = subject.clone().unwrap_or_else(|| "Meeting".into());
        meetings.push(Meeting {
            id: r.get("id")?,
            subject,
            time,
            people: vec![r.get("owner_id")?],
            visible: r.get("visible")?,
            priority: deal.as_ref().map_or_else(
                || engine::Priority::by_hand(NO_DEAL_PRIORITY),
                |d| d.priority(today),
            ),
            label: match &deal {
                Some(d) => format!("'{name}' ({})", d.describe(today)),
                None => format!("'{name}'"),
            },
        });
    }
    let mut people: BTreeMap<ActivityId, Vec<UserId>> = BTreeMap::new();
    for r in conn
        .fetch_all(built_query(format!(
            "SELECT activity_id, user_id FROM meeting_attendees WHERE activity_id IN {} \
             ORDER BY activity_id, user_id",
            id_list(meetings.iter().map(|m| m.id.0))
        )))
        .await?
    {
        people
            .entry(r.get("activity_id")?)
            .or_default()
            .push(r.get("user_id")?);
    }
    for m in &mut meetings {
        m.people.extend(people.remove(&m.id).unwrap_or_default());
    }
    Ok(meetings)
}

async fn current_time(
    conn: &mut Conn<'_>,
    meeting: ActivityId,
) -> Result<Option<(DateTime<Utc>, DateTime<Utc>)>> {
    conn.fetch_optional(
        query(
            "SELECT occurred_at, ends_at FROM activities \
             WHERE id = $1 AND kind = 'meeting' AND archived_at IS NULL",
        )
        .bind(meeting),
    )
    .await?
    .map(|r| {
        let start: DateTime<Utc> = r.get("occurred_at")?;
        let end: Option<DateTime<Utc>> = r.get("ends_at")?;
        Ok((start, end.unwrap_or(start + DEFAULT_MEETING)))
    })
    .transpose()
}

async fn load_move(conn: &mut Conn<'_>, id: i64) -> Result<MeetingMove> {
    let row = conn
        .fetch_optional(
            query(
                "SELECT id, activity_id, from_start, from_end, to_start, to_end, explanation, \
                 status, proposed_by, created_at, responded_by, responded_at \
                 FROM meeting_moves WHERE id = $1",
            )
            .bind(id),
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    move_from_row(&row)
}

fn move_from_row(r: &Row) -> Result<MeetingMove> {
    Ok(MeetingMove {
        id: r.get("id")?,
        proposal: ProposedMove {
            activity_id: r.get("activity_id")?,
            from_start: r.get("from_start")?,
            from_end: r.get("from_end")?,
            to_start: r.get("to_start")?,
            to_end: r.get("to_end")?,
            explanation: r.get("explanation")?,
        },
        status: r.get("status")?,
        proposed_by: r.get("proposed_by")?,
        created_at: r.get("created_at")?,
        responded_by: r.get("responded_by")?,
        responded_at: r.get("responded_at")?,
    })
}
