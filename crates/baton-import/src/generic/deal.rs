//! Deals from any CSV.

use crate::parse::OwnerRef;
use crate::table::{FieldFailure, Record, Row};
use baton_model::Currency;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

columns! {
    ID = "id|Deal ID|Opportunity ID|Record ID|External ID",
    NAME = "name|Deal Name|Opportunity Name|Opportunity|Deal|Title|Name",
    ACCOUNT = "account|Account|Account Name|Company|Company Name|Organization",
    OWNER = "owner|Owner|Deal Owner|Opportunity Owner|Owner Email|Rep",
    STAGE = "stage|Stage|Deal Stage|Status",
    AMOUNT = "amount|Amount|Value|Deal Value",
    CURRENCY = "currency|Currency",
    CLOSE_DATE = "close_date|Close Date|Expected Close|Expected Close Date|Closing Date",
    FORECAST = "forecast_category|Forecast Category|Forecast",
    NEXT_STEP = "next_step|Next Step",
    LOST_REASON = "lost_reason|Lost Reason|Loss Reason",
    SOURCE = "source|Source|Lead Source",
    CONTACT = "contact|Contact|Contact Email|Primary Contact",
    CREATED = "created_at|Created|Created Date|Create Date",
}

/// One deal row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvDeal {
    pub id: Option<String>,
    pub name: Option<String>,
    /// The account's name or domain.
    pub account: Option<String>,
    pub owner: Option<OwnerRef>,
    pub stage: Option<String>,
    /// In `currency`, or the organisation's.
    pub amount: Option<Decimal>,
    pub currency: Option<Currency>,
    pub close_date: Option<NaiveDate>,
    pub forecast_category: Option<String>,
    pub next_step: Option<String>,
    pub lost_reason: Option<String>,
    pub source: Option<String>,
    /// A contact's email, made the deal's primary contact.
    pub contact: Option<String>,
    pub created: Option<DateTime<Utc>>,
}

impl Record for CsvDeal {
    const OBJECT: &'static str = "deals";
    const COLUMNS: &'static [&'static str] = COLUMNS;
    const FIRST_REQUIRED: bool = false;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        Ok(Self {
            id: r.text(ID),
            name: r.text(NAME),
            account: r.text(ACCOUNT),
            owner: r.owner(OWNER),
            stage: r.text(STAGE),
            amount: r.amount(AMOUNT)?,
            currency: r.currency(CURRENCY)?,
            close_date: r.date(CLOSE_DATE)?,
            forecast_category: r.text(FORECAST),
            next_step: r.text(NEXT_STEP),
            lost_reason: r.text(LOST_REASON),
            source: r.text(SOURCE),
            contact: r.text(CONTACT),
            created: r.datetime(CREATED)?,
        })
    }
}
