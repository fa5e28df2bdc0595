//! An owners file: HubSpot's users, by owner id.

use crate::table::{FieldFailure, Record, Row};

columns! {
    ID = "Owner ID|id|ownerId|hubspot_owner_id",
    EMAIL = "Email|email",
    FIRST_NAME = "First Name|firstName|firstname",
    LAST_NAME = "Last Name|lastName|lastname",
    ARCHIVED = "Archived|archived",
}

/// One owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HsOwner {
    pub id: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// A deactivated user.
    pub archived: Option<bool>,
}

impl Record for HsOwner {
    const OBJECT: &'static str = "owners";
    const COLUMNS: &'static [&'static str] = COLUMNS;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        Ok(Self {
            id: r.required_hs_id(ID)?,
            email: r.text(EMAIL),
            first_name: r.text(FIRST_NAME),
            last_name: r.text(LAST_NAME),
            archived: r.boolean(ARCHIVED)?,
        })
    }
}
