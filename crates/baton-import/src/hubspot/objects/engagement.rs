//! Activities: calls, emails, meetings, notes and tasks, one file per kind or all of them in
//! one engagements file with a type column.

use super::datetime;
use crate::parse::OwnerRef;
use crate::table::{FieldFailure, Record, Row};
use chrono::{DateTime, Utc};

columns! {
    ID = "Record ID|Engagement ID|Activity ID|hs_object_id|id",
    TYPE = "Activity type|Engagement type|Type|hs_engagement_type|hs_activity_type",
    AT = "Activity date|Timestamp|hs_timestamp|Date",
    OWNER = "Activity assigned to|Assigned to|hubspot_owner_id|Owner",
    SUBJECT = "Subject|Title|Call title|Email subject|Meeting name|Task title|hs_call_title|hs_email_subject|hs_meeting_title|hs_task_subject",
    BODY = "Body|Notes|Call notes|Email body|Meeting description|Note body|Task notes|hs_call_body|hs_email_text|hs_meeting_body|hs_note_body|hs_task_body",
    EMAIL_DIRECTION = "Email direction|hs_email_direction",
    CALL_DIRECTION = "Call direction|hs_call_direction",
    THREAD = "Thread ID|Email thread ID|hs_email_thread_id",
    START = "Start time|Meeting start time|hs_meeting_start_time",
    END = "End time|Meeting end time|hs_meeting_end_time",
    MEETING_OUTCOME = "Meeting outcome|hs_meeting_outcome",
    TASK_STATUS = "Task status|Status|hs_task_status",
    COMPLETED = "Completed at|Completion date|hs_task_completion_date",
    COMPANIES = "Associated Company IDs|associatedcompanyids|Company IDs",
    CONTACTS = "Associated Contact IDs|associatedcontactids|Contact IDs",
    DEALS = "Associated Deal IDs|associateddealids|Deal IDs",
    CREATED = "Create Date|hs_createdate|createdate",
}

/// What kind of activity an engagement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EngagementKind {
    Call,
    /// An email we sent (`EMAIL`, `FORWARDED_EMAIL`).
    Email,
    /// An email they sent (`INCOMING_EMAIL`).
    IncomingEmail,
    Meeting,
    Note,
    Task,
}

impl EngagementKind {
    /// Reads a type cell: HubSpot's constants (`INCOMING_EMAIL`) or labels (`Incoming email`).
    pub fn parse(text: &str) -> Result<EngagementKind, String> {
        let key: String = text
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .flat_map(char::to_lowercase)
            .collect();
        Ok(match key.as_str() {
            "call" | "calls" => EngagementKind::Call,
            "email" | "emails" | "outgoingemail" | "forwardedemail" | "emailsent" => {
                EngagementKind::Email
            }
            "incomingemail" | "emailreply" | "emailreceived" => EngagementKind::IncomingEmail,
            "meeting" | "meetings" => EngagementKind::Meeting,
            "note" | "notes" => EngagementKind::Note,
            "task" | "tasks" => EngagementKind::Task,
            _ => {
                return Err(format!(
                    "{text:?} is not an activity Baton keeps (calls, emails, meetings, notes, tasks)"
                ));
            }
        })
    }
}

/// One activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HsEngagement {
    pub id: String,
    /// From the row's type column; a file named after a kind may leave it out.
    pub kind: Option<EngagementKind>,
    pub at: Option<DateTime<Utc>>,
    pub owner: Option<OwnerRef>,
    pub subject: Option<String>,
    pub body: Option<String>,
    /// `INCOMING_EMAIL` or `EMAIL` (outgoing), for emails.
    pub email_direction: Option<String>,
    /// `INBOUND` or `OUTBOUND`, for calls.
    pub call_direction: Option<String>,
    pub thread: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// `SCHEDULED`, `COMPLETED`, `RESCHEDULED`, `NO_SHOW`, `CANCELED`.
    pub meeting_outcome: Option<String>,
    /// `NOT_STARTED`, `IN_PROGRESS`, `WAITING`, `COMPLETED`, `DEFERRED`.
    pub task_status: Option<String>,
    pub completed: Option<DateTime<Utc>>,
    pub companies: Vec<String>,
    pub contacts: Vec<String>,
    pub deals: Vec<String>,
    pub created: Option<DateTime<Utc>>,
}

impl Record for HsEngagement {
    const OBJECT: &'static str = "engagements";
    const COLUMNS: &'static [&'static str] = COLUMNS;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        Ok(Self {
            id: r.required_hs_id(ID)?,
            kind: r.value(TYPE, EngagementKind::parse)?,
            at: r.value(AT, datetime)?,
            owner: r.owner(OWNER),
            subject: r.text(SUBJECT),
            body: r.text(BODY),
            email_direction: r.text(EMAIL_DIRECTION),
            call_direction: r.text(CALL_DIRECTION),
            thread: r.text(THREAD),
            start: r.hs_datetime(START)?,
            end: r.hs_datetime(END)?,
            meeting_outcome: r.text(MEETING_OUTCOME),
            task_status: r.text(TASK_STATUS),
            completed: r.hs_datetime(COMPLETED)?,
            companies: r.hs_ids(COMPANIES)?,
            contacts: r.hs_ids(CONTACTS)?,
            deals: r.hs_ids(DEALS)?,
            created: r.hs_datetime(CREATED)?,
        })
    }
}
