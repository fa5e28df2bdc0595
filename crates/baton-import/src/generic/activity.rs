//! Activities from any CSV.

use crate::parse::OwnerRef;
use crate::table::{FieldFailure, Record, Row};
use baton_model::activity::{ActivityKind, Direction};
use chrono::{DateTime, NaiveDate, Utc};

columns! {
    ID = "id|Activity ID|Record ID|External ID",
    KIND = "kind|Type|Activity Type|Kind",
    AT = "occurred_at|Date|Activity Date|Time|Timestamp|When",
    OWNER = "owner|Owner|Assigned To|Owner Email|Rep",
    SUBJECT = "subject|Subject|Title",
    BODY = "body|Body|Notes|Description|Comments",
    DIRECTION = "direction|Direction",
    THREAD = "thread_id|Thread|Thread ID",
    ACCOUNT = "account|Account|Account Name|Company|Company Name|Organization",
    CONTACT = "contact|Contact|Contact Email",
    DEAL = "deal|Deal|Opportunity|Deal Name",
    ENDS_AT = "ends_at|End|End Time|Ends At",
    DUE_DATE = "due_date|Due|Due Date",
    COMPLETED = "completed_at|Completed|Completed At|Done At",
}

/// One activity row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvActivity {
    pub id: Option<String>,
    pub kind: Option<ActivityKind>,
    pub at: Option<DateTime<Utc>>,
    pub owner: Option<OwnerRef>,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub direction: Option<Direction>,
    pub thread: Option<String>,
    /// The account's name or domain.
    pub account: Option<String>,
    /// A contact's email.
    pub contact: Option<String>,
    /// A deal's id (as an earlier deals import had it) or name.
    pub deal: Option<String>,
    pub ends_at: Option<DateTime<Utc>>,
    pub due_date: Option<NaiveDate>,
    pub completed: Option<DateTime<Utc>>,
}

fn word<T: std::str::FromStr>(text: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    text.to_lowercase().parse::<T>().map_err(|e| e.to_string())
}

impl Record for CsvActivity {
    const OBJECT: &'static str = "activities";
    const COLUMNS: &'static [&'static str] = COLUMNS;
    const FIRST_REQUIRED: bool = false;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        Ok(Self {
            id: r.text(ID),
            kind: r.value(KIND, word)?,
            at: r.datetime(AT)?,
            owner: r.owner(OWNER),
            subject: r.text(SUBJECT),
            body: r.text(BODY),
            direction: r.value(DIRECTION, word)?,
            thread: r.text(THREAD),
            account: r.text(ACCOUNT),
            contact: r.text(CONTACT),
            deal: r.text(DEAL),
            ends_at: r.datetime(ENDS_AT)?,
            due_date: r.date(DUE_DATE)?,
            completed: r.datetime(COMPLETED)?,
        })
    }
}
