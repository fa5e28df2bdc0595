//! `Account`: a company sold to.

use crate::salesforce::{FieldFailure, Record, Row};
use crate::sfid::SfId;
use baton_model::{Currency, Money};
use chrono::{DateTime, Utc};

columns! {
    ID = "Id",
    NAME = "Name",
    WEBSITE = "Website",
    INDUSTRY = "Industry",
    NUMBER_OF_EMPLOYEES = "NumberOfEmployees",
    ANNUAL_REVENUE = "AnnualRevenue",
    CURRENCY_ISO_CODE = "CurrencyIsoCode",
    TYPE = "Type",
    OWNER_ID = "OwnerId",
    BILLING_COUNTRY = "BillingCountry",
    CREATED_DATE = "CreatedDate",
    LAST_MODIFIED_DATE = "LastModifiedDate",
    IS_DELETED = "IsDeleted",
}

/// One `Account` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SfAccount {
    /// `Id`.
    pub id: SfId,
    /// `Name`.
    pub name: Option<String>,
    /// `Website`.
    pub website: Option<String>,
    /// `Industry`.
    pub industry: Option<String>,
    /// `NumberOfEmployees`.
    pub number_of_employees: Option<i64>,
    /// `AnnualRevenue`, in the row's currency (USD when the org has no `CurrencyIsoCode`).
    pub annual_revenue: Option<Money>,
    /// `CurrencyIsoCode` (multi-currency orgs only).
    pub currency: Option<Currency>,
    /// `Type` (Customer, Prospect…).
    pub account_type: Option<String>,
    /// `OwnerId`: the user who owns the account.
    pub owner_id: Option<SfId>,
    /// `BillingCountry`.
    pub billing_country: Option<String>,
    /// `CreatedDate`.
    pub created_date: Option<DateTime<Utc>>,
    /// `LastModifiedDate`.
    pub last_modified_date: Option<DateTime<Utc>>,
    /// `IsDeleted` (exports may include rows in the recycle bin).
    pub is_deleted: Option<bool>,
    /// Columns this reader does not know, as `(header, value)`, non-empty values only.
    pub extra: Vec<(String, String)>,
}

impl Record for SfAccount {
    const OBJECT: &'static str = "Account";
    const COLUMNS: &'static [&'static str] = COLUMNS;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        let currency = r.currency(CURRENCY_ISO_CODE)?;
        Ok(Self {
            id: r.required_id(ID)?,
            name: r.text(NAME),
            website: r.text(WEBSITE),
            industry: r.text(INDUSTRY),
            number_of_employees: r.int(NUMBER_OF_EMPLOYEES)?,
            annual_revenue: r.money(ANNUAL_REVENUE, currency.unwrap_or(Currency::USD))?,
            currency,
            account_type: r.text(TYPE),
            owner_id: r.id(OWNER_ID)?,
            billing_country: r.text(BILLING_COUNTRY),
            created_date: r.datetime(CREATED_DATE)?,
            last_modified_date: r.datetime(LAST_MODIFIED_DATE)?,
            is_deleted: r.boolean(IS_DELETED)?,
            extra: r.extra(),
        })
    }
}
