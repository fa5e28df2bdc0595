//! Companies: Baton's accounts.

use crate::parse::OwnerRef;
use crate::table::{FieldFailure, Record, Row};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

columns! {
    ID = "Record ID|hs_object_id|Company ID|companyId",
    NAME = "Company name|name",
    DOMAIN = "Company Domain Name|domain",
    WEBSITE = "Website URL|website",
    INDUSTRY = "Industry|industry",
    EMPLOYEES = "Number of Employees|numberofemployees",
    ANNUAL_REVENUE = "Annual Revenue|annualrevenue",
    OWNER = "Company owner|hubspot_owner_id|Owner",
    COUNTRY = "Country/Region|country",
    CREATED = "Create Date|createdate",
    MODIFIED = "Last Modified Date|hs_lastmodifieddate",
}

/// One company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HsCompany {
    pub id: String,
    pub name: Option<String>,
    pub domain: Option<String>,
    pub website: Option<String>,
    pub industry: Option<String>,
    pub employees: Option<i64>,
    /// In the portal's currency.
    pub annual_revenue: Option<Decimal>,
    pub owner: Option<OwnerRef>,
    pub country: Option<String>,
    pub created: Option<DateTime<Utc>>,
    pub modified: Option<DateTime<Utc>>,
    /// Columns this reader does not know, as `(header, value)`, non-empty values only.
    pub extra: Vec<(String, String)>,
}

impl Record for HsCompany {
    const OBJECT: &'static str = "companies";
    const COLUMNS: &'static [&'static str] = COLUMNS;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        Ok(Self {
            id: r.required_hs_id(ID)?,
            name: r.text(NAME),
            domain: r.text(DOMAIN),
            website: r.text(WEBSITE),
            industry: r.text(INDUSTRY),
            employees: r.int(EMPLOYEES)?,
            annual_revenue: r.amount(ANNUAL_REVENUE)?,
            owner: r.owner(OWNER),
            country: r.text(COUNTRY),
            created: r.hs_datetime(CREATED)?,
            modified: r.hs_datetime(MODIFIED)?,
            extra: r.extra(),
        })
    }
}
