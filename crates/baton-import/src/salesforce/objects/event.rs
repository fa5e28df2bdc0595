//! `Event`: a meeting on someone's calendar.

use crate::salesforce::{FieldFailure, Record, Row};
use crate::sfid::SfId;
use chrono::{DateTime, NaiveDate, Utc};

columns! {
    ID = "Id",
    WHAT_ID = "WhatId",
    WHO_ID = "WhoId",
    OWNER_ID = "OwnerId",
    SUBJECT = "Subject",
    START_DATE_TIME = "StartDateTime",
    END_DATE_TIME = "EndDateTime",
    ACTIVITY_DATE_TIME = "ActivityDateTime",
    ACTIVITY_DATE = "ActivityDate",
    DURATION_IN_MINUTES = "DurationInMinutes",
    IS_ALL_DAY_EVENT = "IsAllDayEvent",
    LOCATION = "Location",
    CREATED_DATE = "CreatedDate",
    DESCRIPTION = "Description",
}

/// One `Event` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SfEvent {
    /// `Id`.
    pub id: SfId,
    /// `WhatId`: the opportunity or account the meeting is about.
    pub what_id: Option<SfId>,
    /// `WhoId`: the contact met.
    pub who_id: Option<SfId>,
    /// `OwnerId`.
    pub owner_id: Option<SfId>,
    /// `Subject`.
    pub subject: Option<String>,
    /// `StartDateTime`.
    pub start_date_time: Option<DateTime<Utc>>,
    /// `EndDateTime`.
    pub end_date_time: Option<DateTime<Utc>>,
    /// `ActivityDateTime` (equals the start for timed events).
    pub activity_date_time: Option<DateTime<Utc>>,
    /// `ActivityDate`.
    pub activity_date: Option<NaiveDate>,
    /// `DurationInMinutes`.
    pub duration_in_minutes: Option<i64>,
    /// `IsAllDayEvent`.
    pub is_all_day_event: Option<bool>,
    /// `Location`.
    pub location: Option<String>,
    /// `CreatedDate`.
    pub created_date: Option<DateTime<Utc>>,
    /// `Description`.
    pub description: Option<String>,
    /// Columns this reader does not know, as `(header, value)`, non-empty values only.
    pub extra: Vec<(String, String)>,
}

impl Record for SfEvent {
    const OBJECT: &'static str = "Event";
    const COLUMNS: &'static [&'static str] = COLUMNS;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        Ok(Self {
            id: r.required_id(ID)?,
            what_id: r.id(WHAT_ID)?,
            who_id: r.id(WHO_ID)?,
            owner_id: r.id(OWNER_ID)?,
            subject: r.text(SUBJECT),
            start_date_time: r.datetime(START_DATE_TIME)?,
            end_date_time: r.datetime(END_DATE_TIME)?,
            activity_date_time: r.datetime(ACTIVITY_DATE_TIME)?,
            activity_date: r.date(ACTIVITY_DATE)?,
            duration_in_minutes: r.int(DURATION_IN_MINUTES)?,
            is_all_day_event: r.boolean(IS_ALL_DAY_EVENT)?,
            location: r.text(LOCATION),
            created_date: r.datetime(CREATED_DATE)?,
            description: r.text(DESCRIPTION),
            extra: r.extra(),
        })
    }
}
