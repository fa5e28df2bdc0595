//! `Opportunity`: a deal, in its state at export time.

use crate::salesforce::{FieldFailure, Record, Row};
use crate::sfid::SfId;
use baton_model::{Currency, Money};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

columns! {
    ID = "Id",
    ACCOUNT_ID = "AccountId",
    OWNER_ID = "OwnerId",
    NAME = "Name",
    STAGE_NAME = "StageName",
    AMOUNT = "Amount",
    CURRENCY_ISO_CODE = "CurrencyIsoCode",
    CLOSE_DATE = "CloseDate",
    PROBABILITY = "Probability",
    FORECAST_CATEGORY_NAME = "ForecastCategoryName",
    NEXT_STEP = "NextStep",
    LEAD_SOURCE = "LeadSource",
    TYPE = "Type",
    IS_CLOSED = "IsClosed",
    IS_WON = "IsWon",
    CREATED_DATE = "CreatedDate",
    LAST_MODIFIED_DATE = "LastModifiedDate",
    LAST_ACTIVITY_DATE = "LastActivityDate",
    DESCRIPTION = "Description",
    IS_DELETED = "IsDeleted",
}

/// One `Opportunity` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SfOpportunity {
    /// `Id`.
    pub id: SfId,
    /// `AccountId`.
    pub account_id: Option<SfId>,
    /// `OwnerId`.
    pub owner_id: Option<SfId>,
    /// `Name`.
    pub name: Option<String>,
    /// `StageName`: a value of the org's stage picklist.
    pub stage_name: Option<String>,
    /// `Amount`, in `currency` (USD when the org has no `CurrencyIsoCode` column).
    pub amount: Option<Money>,
    /// `CurrencyIsoCode` (multi-currency orgs only).
    pub currency: Option<Currency>,
    /// `CloseDate`: expected close for open deals, actual for closed ones.
    pub close_date: Option<NaiveDate>,
    /// `Probability`, in percent.
    pub probability: Option<Decimal>,
    /// `ForecastCategoryName` (Pipeline, Best Case, Commit, Closed, Omitted).
    pub forecast_category_name: Option<String>,
    /// `NextStep`.
    pub next_step: Option<String>,
    /// `LeadSource`.
    pub lead_source: Option<String>,
    /// `Type` (New Customer, Existing Customer - Upgrade…).
    pub opportunity_type: Option<String>,
    /// `IsClosed`.
    pub is_closed: Option<bool>,
    /// `IsWon`.
    pub is_won: Option<bool>,
    /// `CreatedDate`.
    pub created_date: Option<DateTime<Utc>>,
    /// `LastModifiedDate`.
    pub last_modified_date: Option<DateTime<Utc>>,
    /// `LastActivityDate`: the latest task or event date.
    pub last_activity_date: Option<NaiveDate>,
    /// `Description`.
    pub description: Option<String>,
    /// `IsDeleted`.
    pub is_deleted: Option<bool>,
    /// Columns this reader does not know, as `(header, value)`, non-empty values only.
    pub extra: Vec<(String, String)>,
}

impl Record for SfOpportunity {
    const OBJECT: &'static str = "Opportunity";
    const COLUMNS: &'static [&'static str] = COLUMNS;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        let currency = r.currency(CURRENCY_ISO_CODE)?;
        Ok(Self {
            id: r.required_id(ID)?,
            account_id: r.id(ACCOUNT_ID)?,
            owner_id: r.id(OWNER_ID)?,
            name: r.text(NAME),
            stage_name: r.text(STAGE_NAME),
            amount: r.money(AMOUNT, currency.unwrap_or(Currency::USD))?,
            currency,
            close_date: r.date(CLOSE_DATE)?,
            probability: r.decimal(PROBABILITY)?,
            forecast_category_name: r.text(FORECAST_CATEGORY_NAME),
            next_step: r.text(NEXT_STEP),
            lead_source: r.text(LEAD_SOURCE),
            opportunity_type: r.text(TYPE),
            is_closed: r.boolean(IS_CLOSED)?,
            is_won: r.boolean(IS_WON)?,
            created_date: r.datetime(CREATED_DATE)?,
            last_modified_date: r.datetime(LAST_MODIFIED_DATE)?,
            last_activity_date: r.date(LAST_ACTIVITY_DATE)?,
            description: r.text(DESCRIPTION),
            is_deleted: r.boolean(IS_DELETED)?,
            extra: r.extra(),
        })
    }
}
