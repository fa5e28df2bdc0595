//! Contacts from any CSV.

use crate::parse::OwnerRef;
use crate::table::{FieldFailure, Record, Row};
use chrono::{DateTime, Utc};

columns! {
    ID = "id|Contact ID|Record ID|External ID",
    FIRST_NAME = "first_name|First Name|Firstname|Given Name",
    LAST_NAME = "last_name|Last Name|Lastname|Surname|Family Name",
    NAME = "name|Name|Full Name|Contact Name|Contact",
    EMAIL = "email|Email|Email Address|E-mail",
    PHONE = "phone|Phone|Phone Number|Mobile",
    TITLE = "title|Title|Job Title",
    ACCOUNT = "account|Account|Account Name|Company|Company Name|Organization",
    OWNER = "owner|Owner|Contact Owner|Owner Email",
    CREATED = "created_at|Created|Created Date|Create Date",
}

/// One contact row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvContact {
    pub id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// A full name, split at its last space when first and last names are not given.
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub title: Option<String>,
    /// The account's name or domain.
    pub account: Option<String>,
    pub owner: Option<OwnerRef>,
    pub created: Option<DateTime<Utc>>,
}

impl Record for CsvContact {
    const OBJECT: &'static str = "contacts";
    const COLUMNS: &'static [&'static str] = COLUMNS;
    const FIRST_REQUIRED: bool = false;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        Ok(Self {
            id: r.text(ID),
            first_name: r.text(FIRST_NAME),
            last_name: r.text(LAST_NAME),
            name: r.text(NAME),
            email: r.text(EMAIL),
            phone: r.text(PHONE),
            title: r.text(TITLE),
            account: r.text(ACCOUNT),
            owner: r.owner(OWNER),
            created: r.datetime(CREATED)?,
        })
    }
}
