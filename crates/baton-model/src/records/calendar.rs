//! The team calendar's records: working hours, booking a meeting, finding a time, proposed moves
//! and external calendars. The calendar engine checks working hours (overlaps, ranges); these
//! types only carry them.

use crate::{ActivityId, DealId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// When a person works, in their own time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkingHours {
    /// Seven days, Monday first: each day's ranges as `"HH:MM-HH:MM"`; `[]` is a day off.
    pub weekly: Vec<Vec<String>>,
    /// Dates whose ranges replace the week's: `{"2026-12-24": []}` for a day off.
    #[serde(default)]
    pub overrides: BTreeMap<NaiveDate, Vec<String>>,
    /// The part of the day when a meeting costs nothing; times outside it rank lower.
    #[serde(default = "nine_to_five")]
    pub core: String,
    #[serde(default)]
    pub buffer_before_minutes: u16,
    #[serde(default)]
    pub buffer_after_minutes: u16,
    #[serde(default)]
    pub max_meetings_per_day: Option<u16>,
    /// No meeting is offered sooner than this after now.
    #[serde(default)]
    pub min_notice_minutes: u32,
    /// Their share of round-robin meetings relative to the others' in a pool.
    #[serde(default = "one")]
    pub round_robin_weight: u32,
}

fn one() -> u32 {
    1
}

fn nine_to_five() -> String {
    "09:00-17:00".into()
}

impl Default for WorkingHours {
    /// 09:00–17:00, Monday to Friday.
    fn default() -> Self {
        let day = vec![nine_to_five()];
        WorkingHours {
            weekly: vec![
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
                Vec::new(),
                Vec::new(),
            ],
            overrides: BTreeMap::new(),
            core: nine_to_five(),
            buffer_before_minutes: 0,
            buffer_after_minutes: 0,
            max_meetings_per_day: None,
            min_notice_minutes: 0,
            round_robin_weight: 1,
        }
    }
}

/// A meeting to put on the calendar: an activity of kind meeting with its people.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingInput {
    pub subject: String,
    #[serde(default)]
    pub deal_id: Option<DealId>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The people in it besides its owner (the person booking it).
    #[serde(default)]
    pub attendee_ids: Vec<UserId>,
}

/// A search for a meeting time.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindTimeInput {
    #[serde(default)]
    pub required_ids: Vec<UserId>,
    #[serde(default)]
    pub optional_ids: Vec<UserId>,
    /// Round-robin: one host from these people joins the required ones, the fairest free one
    /// (fewest meetings over the 30 days before the window and within it, for their weight).
    #[serde(default)]
    pub pool_ids: Vec<UserId>,
    pub duration_minutes: u32,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The deal the meeting is for; its amount, stage, close date and account tier give the
    /// meeting's priority.
    #[serde(default)]
    pub deal_id: Option<DealId>,
    /// A priority from 0 to 100 set by hand, instead of the deal's.
    #[serde(default)]
    pub priority: Option<u8>,
    /// What the meeting is called in explanations.
    #[serde(default)]
    pub subject: Option<String>,
    /// At most this many times (default 10, at most 100).
    #[serde(default)]
    pub limit: Option<u16>,
}

/// What a search found: free times, or when there are none, moves that would make room.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FoundTimes {
    pub slots: Vec<FoundSlot>,
    pub priority: u8,
    /// How the priority was reached.
    pub priority_why: String,
    /// Only when no slot is free: times that lower-priority meetings could make room for.
    pub proposals: Vec<ProposedTime>,
}

/// A free time.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FoundSlot {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The optional people free then.
    pub optional_free: Vec<UserId>,
    /// Who would meet outside their core hours, and for how many minutes.
    pub after_hours: Vec<AfterHours>,
    /// Round-robin: the host chosen from the pool, and why them.
    pub host: Option<RoundRobinHost>,
}

/// The host a round-robin search chose for a time.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundRobinHost {
    pub user_id: UserId,
    /// "Ana Silva has 2 meetings this period, the fewest for their weight among those free
    /// then (Ben Carter 4)".
    pub reason: String,
}

/// Minutes one person would meet outside their core hours.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AfterHours {
    pub user_id: UserId,
    pub minutes: u32,
}

/// A time for the new meeting once some meetings move.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProposedTime {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub moves: Vec<ProposedMove>,
    pub explanation: String,
}

/// One meeting to move: where from, where to, and why.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProposedMove {
    pub activity_id: ActivityId,
    pub from_start: DateTime<Utc>,
    pub from_end: DateTime<Utc>,
    pub to_start: DateTime<Utc>,
    pub to_end: DateTime<Utc>,
    pub explanation: String,
}

/// A proposed move as kept: waiting for the meeting's owner, accepted or declined.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingMove {
    pub id: i64,
    #[serde(flatten)]
    pub proposal: ProposedMove,
    /// `pending`, `accepted` or `declined`.
    pub status: String,
    pub proposed_by: UserId,
    pub created_at: DateTime<Utc>,
    pub responded_by: Option<UserId>,
    pub responded_at: Option<DateTime<Utc>>,
}

/// One block of a person's week: a meeting in Baton, or busy time from their own calendar.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BusyBlock {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The meeting's subject when the viewer may see the meeting, else "Busy".
    pub label: String,
    /// The meeting, when it is one of Baton's and the viewer may see it.
    pub activity_id: Option<ActivityId>,
    /// Whether it came from the person's external calendar.
    pub external: bool,
}

/// A person's week: working time and busy blocks, in UTC.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonWeek {
    pub user_id: UserId,
    pub name: String,
    pub time_zone: String,
    /// Working time as UTC spans `[start, end]`.
    pub working: Vec<[DateTime<Utc>; 2]>,
    pub busy: Vec<BusyBlock>,
}

/// An external calendar added to a person's busy time.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CalendarSource {
    pub id: i64,
    pub user_id: UserId,
    pub name: String,
    pub url: Option<String>,
    /// Events read from it.
    pub events: i64,
    /// Problems with single events, each naming its event.
    pub warnings: Vec<String>,
    /// When the copy in use was read.
    pub fetched_at: DateTime<Utc>,
    /// When its URL was last tried (for an upload, when it was read).
    pub checked_at: DateTime<Utc>,
    /// Why the last try of its URL failed, when it did; the copy from `fetched_at` stays in use.
    pub last_error: Option<String>,
}
