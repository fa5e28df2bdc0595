use super::{non_null, nullable, optional_text};
use crate::activity::{ActivityKind, Direction, MeetingStatus};
use crate::{AccountId, ActivityId, ContactId, DealId, FieldErrors, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A call, email, meeting, note or task, linked to any of an account, a contact and a deal.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Activity {
    pub id: ActivityId,
    pub kind: ActivityKind,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub owner_id: UserId,
    pub account_id: Option<AccountId>,
    pub contact_id: Option<ContactId>,
    pub deal_id: Option<DealId>,
    /// When it happened: a call's or meeting's start, an email's send time, a task's creation.
    pub occurred_at: DateTime<Utc>,
    /// When a meeting or call ended.
    pub ends_at: Option<DateTime<Utc>>,
    /// Emails: which way it went.
    pub direction: Option<Direction>,
    /// Emails: the conversation it belongs to, so response times can be computed.
    pub thread_id: Option<String>,
    /// Meetings: held, declined, canceled…
    pub meeting_status: Option<MeetingStatus>,
    /// Tasks: when it is due.
    pub due_date: Option<NaiveDate>,
    /// Tasks: when it was done; `null` while open.
    pub completed_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An activity as sent when creating or changing one.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    /// Required on create; cannot be changed afterwards.
    #[serde(default, deserialize_with = "non_null")]
    pub kind: Option<ActivityKind>,
    #[serde(default, deserialize_with = "nullable")]
    pub subject: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub body: Option<Option<String>>,
    /// Defaults to the creating user.
    #[serde(default, deserialize_with = "non_null")]
    pub owner_id: Option<UserId>,
    #[serde(default, deserialize_with = "nullable")]
    pub account_id: Option<Option<AccountId>>,
    #[serde(default, deserialize_with = "nullable")]
    pub contact_id: Option<Option<ContactId>>,
    #[serde(default, deserialize_with = "nullable")]
    pub deal_id: Option<Option<DealId>>,
    /// Defaults to now.
    #[serde(default, deserialize_with = "non_null")]
    pub occurred_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "nullable")]
    pub ends_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "nullable")]
    pub direction: Option<Option<Direction>>,
    #[serde(default, deserialize_with = "nullable")]
    pub thread_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub meeting_status: Option<Option<MeetingStatus>>,
    #[serde(default, deserialize_with = "nullable")]
    pub due_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    pub completed_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "non_null")]
    pub version: Option<i64>,
}

/// Validated activity fields.
#[derive(Debug, Clone, Default)]
pub struct ActivityChanges {
    pub kind: Option<ActivityKind>,
    pub subject: Option<Option<String>>,
    pub body: Option<Option<String>>,
    pub owner_id: Option<UserId>,
    pub account_id: Option<Option<AccountId>>,
    pub contact_id: Option<Option<ContactId>>,
    pub deal_id: Option<Option<DealId>>,
    pub occurred_at: Option<DateTime<Utc>>,
    pub ends_at: Option<Option<DateTime<Utc>>>,
    pub direction: Option<Option<Direction>>,
    pub thread_id: Option<Option<String>>,
    pub meeting_status: Option<Option<MeetingStatus>>,
    pub due_date: Option<Option<NaiveDate>>,
    pub completed_at: Option<Option<DateTime<Utc>>>,
}

impl ActivityInput {
    /// Checks every field. `existing` is the kind of the activity being changed (`None` on
    /// create); fields that belong to another kind are refused by name.
    pub fn validate(self, existing: Option<ActivityKind>) -> Result<ActivityChanges, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = match (existing, self.kind) {
            (None, None) => {
                e.add("kind", "is required");
                None
            }
            (Some(old), Some(new)) if old != new => {
                e.add("kind", "cannot be changed; create a new activity instead");
                None
            }
            (old, new) => new.or(old),
        };
        if let Some(kind) = kind {
            let only = |e: &mut FieldErrors, field: &str, present: bool, for_kind: ActivityKind| {
                if present && kind != for_kind {
                    e.add(field, format!("applies only to {for_kind} activities"));
                }
            };
            only(
                &mut e,
                "direction",
                matches!(self.direction, Some(Some(_))),
                ActivityKind::Email,
            );
            only(
                &mut e,
                "thread_id",
                matches!(self.thread_id, Some(Some(_))),
                ActivityKind::Email,
            );
            only(
                &mut e,
                "meeting_status",
                matches!(self.meeting_status, Some(Some(_))),
                ActivityKind::Meeting,
            );
            only(
                &mut e,
                "due_date",
                matches!(self.due_date, Some(Some(_))),
                ActivityKind::Task,
            );
            only(
                &mut e,
                "completed_at",
                matches!(self.completed_at, Some(Some(_))),
                ActivityKind::Task,
            );
            if kind == ActivityKind::Email
                && existing.is_none()
                && !matches!(self.direction, Some(Some(_)))
            {
                e.add("direction", "is required for emails (inbound or outbound)");
            }
        }
        if let (Some(start), Some(Some(end))) = (self.occurred_at, self.ends_at)
            && end < start
        {
            e.add("ends_at", "must not be before occurred_at");
        }
        let changes = ActivityChanges {
            kind: self.kind,
            subject: optional_text(&mut e, "subject", self.subject, super::limits::LINE),
            body: optional_text(&mut e, "body", self.body, super::limits::BODY),
            owner_id: self.owner_id,
            account_id: self.account_id,
            contact_id: self.contact_id,
            deal_id: self.deal_id,
            occurred_at: self.occurred_at,
            ends_at: self.ends_at,
            direction: self.direction,
            thread_id: optional_text(&mut e, "thread_id", self.thread_id, super::limits::NAME),
            meeting_status: self.meeting_status,
            due_date: self.due_date,
            completed_at: self.completed_at,
        };
        e.into_result(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_needs_a_direction_and_a_due_date_belongs_to_tasks() {
        let input = ActivityInput {
            kind: Some(ActivityKind::Email),
            due_date: Some(Some(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())),
            ..ActivityInput::default()
        };
        let errors = input.validate(None).unwrap_err();
        let messages: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "due_date: applies only to task activities",
                "direction: is required for emails (inbound or outbound)"
            ]
        );
    }

    #[test]
    fn the_kind_of_an_activity_cannot_change() {
        let input = ActivityInput {
            kind: Some(ActivityKind::Call),
            ..ActivityInput::default()
        };
        assert_eq!(
            input.validate(Some(ActivityKind::Note)).unwrap_err().0[0].field,
            "kind"
        );
    }
}
