//! Contacts: people at companies.

use crate::parse::OwnerRef;
use crate::table::{FieldFailure, Record, Row};
use chrono::{DateTime, Utc};

columns! {
    ID = "Record ID|hs_object_id|Contact ID|vid",
    FIRST_NAME = "First Name|firstname",
    LAST_NAME = "Last Name|lastname",
    EMAIL = "Email|email",
    PHONE = "Phone Number|phone",
    TITLE = "Job Title|jobtitle",
    OWNER = "Contact owner|hubspot_owner_id|Owner",
    COMPANIES = "Associated Company IDs|Associated Company ID|associatedcompanyid|Company IDs|Associated Company IDs (Primary)",
    CREATED = "Create Date|createdate",
    MODIFIED = "Last Modified Date|lastmodifieddate|hs_lastmodifieddate",
}

/// One contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HsContact {
    pub id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub title: Option<String>,
    pub owner: Option<OwnerRef>,
    /// Associated companies, the primary one first.
    pub companies: Vec<String>,
    pub created: Option<DateTime<Utc>>,
    pub modified: Option<DateTime<Utc>>,
    /// Columns this reader does not know, as `(header, value)`, non-empty values only.
    pub extra: Vec<(String, String)>,
}

impl Record for HsContact {
    const OBJECT: &'static str = "contacts";
    const COLUMNS: &'static [&'static str] = COLUMNS;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        Ok(Self {
            id: r.required_hs_id(ID)?,
            first_name: r.text(FIRST_NAME),
            last_name: r.text(LAST_NAME),
            email: r.text(EMAIL),
            phone: r.text(PHONE),
            title: r.text(TITLE),
            owner: r.owner(OWNER),
            companies: r.hs_ids(COMPANIES)?,
            created: r.hs_datetime(CREATED)?,
            modified: r.hs_datetime(MODIFIED)?,
            extra: r.extra(),
        })
    }
}
