//! Accounts from any CSV.

use crate::parse::OwnerRef;
use crate::table::{FieldFailure, Record, Row};
use baton_model::Currency;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

columns! {
    ID = "id|Account ID|Record ID|External ID",
    NAME = "name|Account Name|Company|Company Name|Organization|Name",
    DOMAIN = "domain|Domain|Website|URL",
    INDUSTRY = "industry|Industry",
    EMPLOYEES = "employees|Employees|Number of Employees|Headcount",
    ANNUAL_REVENUE = "annual_revenue|Annual Revenue|Revenue",
    CURRENCY = "currency|Currency",
    TIER = "tier|Tier",
    OWNER = "owner|Owner|Account Owner|Owner Email",
    CREATED = "created_at|Created|Created Date|Create Date",
}

/// One account row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvAccount {
    pub id: Option<String>,
    pub name: Option<String>,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub employees: Option<i64>,
    pub annual_revenue: Option<Decimal>,
    pub currency: Option<Currency>,
    /// 1 (top) to 5.
    pub tier: Option<i64>,
    pub owner: Option<OwnerRef>,
    pub created: Option<DateTime<Utc>>,
}

impl Record for CsvAccount {
    const OBJECT: &'static str = "accounts";
    const COLUMNS: &'static [&'static str] = COLUMNS;
    const FIRST_REQUIRED: bool = false;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        Ok(Self {
            id: r.text(ID),
            name: r.text(NAME),
            domain: r.text(DOMAIN),
            industry: r.text(INDUSTRY),
            employees: r.int(EMPLOYEES)?,
            annual_revenue: r.amount(ANNUAL_REVENUE)?,
            currency: r.currency(CURRENCY)?,
            tier: r.int(TIER)?,
            owner: r.owner(OWNER),
            created: r.datetime(CREATED)?,
        })
    }
}
