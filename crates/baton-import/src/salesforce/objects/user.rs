//! `User`: the people who own records (reps, managers).

use crate::salesforce::{FieldFailure, Record, Row};
use crate::sfid::SfId;
use chrono::{DateTime, Utc};

columns! {
    ID = "Id",
    USERNAME = "Username",
    FIRST_NAME = "FirstName",
    LAST_NAME = "LastName",
    NAME = "Name",
    EMAIL = "Email",
    TITLE = "Title",
    IS_ACTIVE = "IsActive",
    USER_ROLE_ID = "UserRoleId",
    MANAGER_ID = "ManagerId",
    TIME_ZONE = "TimeZoneSidKey",
    CREATED_DATE = "CreatedDate",
}

/// One `User` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SfUser {
    /// `Id`.
    pub id: SfId,
    /// `Username` (unique across Salesforce, email-shaped).
    pub username: Option<String>,
    /// `FirstName`.
    pub first_name: Option<String>,
    /// `LastName`.
    pub last_name: Option<String>,
    /// `Name` (full name).
    pub name: Option<String>,
    /// `Email`.
    pub email: Option<String>,
    /// `Title`.
    pub title: Option<String>,
    /// `IsActive`.
    pub is_active: Option<bool>,
    /// `UserRoleId`.
    pub user_role_id: Option<SfId>,
    /// `ManagerId`: the user's manager.
    pub manager_id: Option<SfId>,
    /// `TimeZoneSidKey`: an IANA zone such as `America/New_York`.
    pub time_zone: Option<String>,
    /// `CreatedDate`.
    pub created_date: Option<DateTime<Utc>>,
    /// Columns this reader does not know, as `(header, value)`, non-empty values only.
    pub extra: Vec<(String, String)>,
}

impl Record for SfUser {
    const OBJECT: &'static str = "User";
    const COLUMNS: &'static [&'static str] = COLUMNS;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        Ok(Self {
            id: r.required_id(ID)?,
            username: r.text(USERNAME),
            first_name: r.text(FIRST_NAME),
            last_name: r.text(LAST_NAME),
            name: r.text(NAME),
            email: r.text(EMAIL),
            title: r.text(TITLE),
            is_active: r.boolean(IS_ACTIVE)?,
            user_role_id: r.id(USER_ROLE_ID)?,
            manager_id: r.id(MANAGER_ID)?,
            time_zone: r.text(TIME_ZONE),
            created_date: r.datetime(CREATED_DATE)?,
            extra: r.extra(),
        })
    }
}
