//! `OpportunityContactRole`: a contact's part in a deal.

use crate::salesforce::{FieldFailure, Record, Row};
use crate::sfid::SfId;
use chrono::{DateTime, Utc};

columns! {
    ID = "Id",
    OPPORTUNITY_ID = "OpportunityId",
    CONTACT_ID = "ContactId",
    ROLE = "Role",
    IS_PRIMARY = "IsPrimary",
    CREATED_DATE = "CreatedDate",
}

/// One `OpportunityContactRole` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SfContactRole {
    /// `Id`.
    pub id: SfId,
    /// `OpportunityId`.
    pub opportunity_id: Option<SfId>,
    /// `ContactId`.
    pub contact_id: Option<SfId>,
    /// `Role` (Decision Maker, Economic Buyer…).
    pub role: Option<String>,
    /// `IsPrimary`.
    pub is_primary: Option<bool>,
    /// `CreatedDate`.
    pub created_date: Option<DateTime<Utc>>,
    /// Columns this reader does not know, as `(header, value)`, non-empty values only.
    pub extra: Vec<(String, String)>,
}

impl Record for SfContactRole {
    const OBJECT: &'static str = "OpportunityContactRole";
    const COLUMNS: &'static [&'static str] = COLUMNS;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        Ok(Self {
            id: r.required_id(ID)?,
            opportunity_id: r.id(OPPORTUNITY_ID)?,
            contact_id: r.id(CONTACT_ID)?,
            role: r.text(ROLE),
            is_primary: r.boolean(IS_PRIMARY)?,
            created_date: r.datetime(CREATED_DATE)?,
            extra: r.extra(),
        })
    }
}
