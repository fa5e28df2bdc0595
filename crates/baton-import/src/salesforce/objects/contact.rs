//! `Contact`: a person at an account.

use crate::salesforce::{FieldFailure, Record, Row};
use crate::sfid::SfId;
use chrono::{DateTime, Utc};

columns! {
    ID = "Id",
    ACCOUNT_ID = "AccountId",
    FIRST_NAME = "FirstName",
    LAST_NAME = "LastName",
    EMAIL = "Email",
    PHONE = "Phone",
    TITLE = "Title",
    OWNER_ID = "OwnerId",
    CREATED_DATE = "CreatedDate",
    IS_DELETED = "IsDeleted",
}

/// One `Contact` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SfContact {
    /// `Id`.
    pub id: SfId,
    /// `AccountId`.
    pub account_id: Option<SfId>,
    /// `FirstName`.
    pub first_name: Option<String>,
    /// `LastName`.
    pub last_name: Option<String>,
    /// `Email`.
    pub email: Option<String>,
    /// `Phone`.
    pub phone: Option<String>,
    /// `Title`.
    pub title: Option<String>,
    /// `OwnerId`.
    pub owner_id: Option<SfId>,
    /// `CreatedDate`.
    pub created_date: Option<DateTime<Utc>>,
    /// `IsDeleted`.
    pub is_deleted: Option<bool>,
    /// Columns this reader does not know, as `(header, value)`, non-empty values only.
    pub extra: Vec<(String, String)>,
}

impl Record for SfContact {
    const OBJECT: &'static str = "Contact";
    const COLUMNS: &'static [&'static str] = COLUMNS;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        Ok(Self {
            id: r.required_id(ID)?,
            account_id: r.id(ACCOUNT_ID)?,
            first_name: r.text(FIRST_NAME),
            last_name: r.text(LAST_NAME),
            email: r.text(EMAIL),
            phone: r.text(PHONE),
            title: r.text(TITLE),
            owner_id: r.id(OWNER_ID)?,
            created_date: r.datetime(CREATED_DATE)?,
            is_deleted: r.boolean(IS_DELETED)?,
            extra: r.extra(),
        })
    }
}
