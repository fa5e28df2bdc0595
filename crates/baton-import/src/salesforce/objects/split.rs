//! `OpportunitySplit`: how a deal's credit is shared between users.

use crate::salesforce::{FieldFailure, Record, Row};
use crate::sfid::SfId;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

columns! {
    ID = "Id",
    OPPORTUNITY_ID = "OpportunityId",
    SPLIT_OWNER_ID = "SplitOwnerId",
    SPLIT_PERCENTAGE = "SplitPercentage",
    SPLIT_TYPE_ID = "SplitTypeId",
    SPLIT_TYPE = "SplitType",
    CREATED_DATE = "CreatedDate",
}

/// One `OpportunitySplit` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SfSplit {
    /// `Id`.
    pub id: SfId,
    /// `OpportunityId`.
    pub opportunity_id: Option<SfId>,
    /// `SplitOwnerId`: the user credited.
    pub split_owner_id: Option<SfId>,
    /// `SplitPercentage`, in percent.
    pub split_percentage: Option<Decimal>,
    /// `SplitTypeId`: an `OpportunitySplitType` (see [`SfSplitType`](super::SfSplitType)).
    pub split_type_id: Option<SfId>,
    /// A `SplitType` column holding the type's label ("Revenue", "Overlay"), which hand-made
    /// files use instead of `SplitTypeId`; not a Salesforce field.
    pub split_type: Option<String>,
    /// `CreatedDate`.
    pub created_date: Option<DateTime<Utc>>,
    /// Columns this reader does not know, as `(header, value)`, non-empty values only.
    pub extra: Vec<(String, String)>,
}

impl Record for SfSplit {
    const OBJECT: &'static str = "OpportunitySplit";
    const COLUMNS: &'static [&'static str] = COLUMNS;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        Ok(Self {
            id: r.required_id(ID)?,
            opportunity_id: r.id(OPPORTUNITY_ID)?,
            split_owner_id: r.id(SPLIT_OWNER_ID)?,
            split_percentage: r.decimal(SPLIT_PERCENTAGE)?,
            split_type_id: r.id(SPLIT_TYPE_ID)?,
            split_type: r.text(SPLIT_TYPE),
            created_date: r.datetime(CREATED_DATE)?,
            extra: r.extra(),
        })
    }
}
