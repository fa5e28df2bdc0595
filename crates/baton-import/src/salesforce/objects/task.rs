//! `Task`: a call, an email logged as a task, or a to-do.

use crate::salesforce::{FieldFailure, Record, Row};
use crate::sfid::SfId;
use chrono::{DateTime, NaiveDate, Utc};

columns! {
    ID = "Id",
    WHAT_ID = "WhatId",
    WHO_ID = "WhoId",
    OWNER_ID = "OwnerId",
    SUBJECT = "Subject",
    TASK_SUBTYPE = "TaskSubtype",
    STATUS = "Status",
    PRIORITY = "Priority",
    ACTIVITY_DATE = "ActivityDate",
    COMPLETED_DATE_TIME = "CompletedDateTime",
    IS_CLOSED = "IsClosed",
    CALL_DURATION = "CallDurationInSeconds",
    CALL_TYPE = "CallType",
    CREATED_DATE = "CreatedDate",
    DESCRIPTION = "Description",
}

/// One `Task` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SfTask {
    /// `Id`.
    pub id: SfId,
    /// `WhatId`: the opportunity or account the task is about.
    pub what_id: Option<SfId>,
    /// `WhoId`: the contact (or lead) the task is with.
    pub who_id: Option<SfId>,
    /// `OwnerId`.
    pub owner_id: Option<SfId>,
    /// `Subject`.
    pub subject: Option<String>,
    /// `TaskSubtype`: Call, Email, Task…
    pub task_subtype: Option<String>,
    /// `Status` (Not Started, In Progress, Completed…).
    pub status: Option<String>,
    /// `Priority`.
    pub priority: Option<String>,
    /// `ActivityDate`: the due date.
    pub activity_date: Option<NaiveDate>,
    /// `CompletedDateTime`.
    pub completed_date_time: Option<DateTime<Utc>>,
    /// `IsClosed`.
    pub is_closed: Option<bool>,
    /// `CallDurationInSeconds`.
    pub call_duration_seconds: Option<i64>,
    /// `CallType` (Inbound, Outbound, Internal).
    pub call_type: Option<String>,
    /// `CreatedDate`.
    pub created_date: Option<DateTime<Utc>>,
    /// `Description`: the notes, possibly several lines.
    pub description: Option<String>,
    /// Columns this reader does not know, as `(header, value)`, non-empty values only.
    pub extra: Vec<(String, String)>,
}

impl Record for SfTask {
    const OBJECT: &'static str = "Task";
    const COLUMNS: &'static [&'static str] = COLUMNS;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        Ok(Self {
            id: r.required_id(ID)?,
            what_id: r.id(WHAT_ID)?,
            who_id: r.id(WHO_ID)?,
            owner_id: r.id(OWNER_ID)?,
            subject: r.text(SUBJECT),
            task_subtype: r.text(TASK_SUBTYPE),
            status: r.text(STATUS),
            priority: r.text(PRIORITY),
            activity_date: r.date(ACTIVITY_DATE)?,
            completed_date_time: r.datetime(COMPLETED_DATE_TIME)?,
            is_closed: r.boolean(IS_CLOSED)?,
            call_duration_seconds: r.int(CALL_DURATION)?,
            call_type: r.text(CALL_TYPE),
            created_date: r.datetime(CREATED_DATE)?,
            description: r.text(DESCRIPTION),
            extra: r.extra(),
        })
    }
}
