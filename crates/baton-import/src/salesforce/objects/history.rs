//! `OpportunityHistory`: one row per change of an opportunity's stage, amount, close date,
//! probability or forecast category, each a snapshot of those fields after the change.

use crate::salesforce::{FieldFailure, Record, Row};
use crate::sfid::SfId;
use baton_model::Currency;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

columns! {
    ID = "Id",
    OPPORTUNITY_ID = "OpportunityId",
    STAGE_NAME = "StageName",
    AMOUNT = "Amount",
    CURRENCY_ISO_CODE = "CurrencyIsoCode",
    CLOSE_DATE = "CloseDate",
    PROBABILITY = "Probability",
    FORECAST_CATEGORY = "ForecastCategory",
    CREATED_BY_ID = "CreatedById",
    CREATED_DATE = "CreatedDate",
    IS_DELETED = "IsDeleted",
}

/// One `OpportunityHistory` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SfOpportunityHistory {
    /// `Id`.
    pub id: SfId,
    /// `OpportunityId`.
    pub opportunity_id: Option<SfId>,
    /// `StageName` after the change.
    pub stage_name: Option<String>,
    /// `Amount` after the change, as an exact decimal: the history file usually has no currency
    /// column, so the importer converts it with its opportunity's currency.
    pub amount: Option<Decimal>,
    /// `CurrencyIsoCode`, when the file has one.
    pub currency: Option<Currency>,
    /// `CloseDate` after the change.
    pub close_date: Option<NaiveDate>,
    /// `Probability` after the change, in percent.
    pub probability: Option<Decimal>,
    /// `ForecastCategory` after the change, as the API writes it (Pipeline, BestCase, Forecast,
    /// Closed, Omitted).
    pub forecast_category: Option<String>,
    /// `CreatedById`: who made the change.
    pub created_by_id: Option<SfId>,
    /// `CreatedDate`: when the change was made.
    pub created_date: Option<DateTime<Utc>>,
    /// `IsDeleted`.
    pub is_deleted: Option<bool>,
    /// Columns this reader does not know, as `(header, value)`, non-empty values only.
    pub extra: Vec<(String, String)>,
}

impl Record for SfOpportunityHistory {
    const OBJECT: &'static str = "OpportunityHistory";
    const COLUMNS: &'static [&'static str] = COLUMNS;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        Ok(Self {
            id: r.required_id(ID)?,
            opportunity_id: r.id(OPPORTUNITY_ID)?,
            stage_name: r.text(STAGE_NAME),
            amount: r.amount(AMOUNT)?,
            currency: r.currency(CURRENCY_ISO_CODE)?,
            close_date: r.date(CLOSE_DATE)?,
            probability: r.decimal(PROBABILITY)?,
            forecast_category: r.text(FORECAST_CATEGORY),
            created_by_id: r.id(CREATED_BY_ID)?,
            created_date: r.datetime(CREATED_DATE)?,
            is_deleted: r.boolean(IS_DELETED)?,
            extra: r.extra(),
        })
    }
}
