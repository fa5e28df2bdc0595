//! `OpportunitySplitType`: the kinds of split an org uses. The revenue type is the one whose
//! splits must total 100% (`IsTotalValidated`); overlay types need not.

use crate::salesforce::{FieldFailure, Record, Row};
use crate::sfid::SfId;

columns! {
    ID = "Id",
    MASTER_LABEL = "MasterLabel",
    DEVELOPER_NAME = "DeveloperName",
    SPLIT_FIELD = "SplitField",
    IS_TOTAL_VALIDATED = "IsTotalValidated",
    IS_ACTIVE = "IsActive",
}

/// One `OpportunitySplitType` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SfSplitType {
    /// `Id`.
    pub id: SfId,
    /// `MasterLabel` ("Revenue", "Overlay").
    pub master_label: Option<String>,
    /// `DeveloperName`.
    pub developer_name: Option<String>,
    /// `SplitField`: the opportunity field split (`Amount`).
    pub split_field: Option<String>,
    /// `IsTotalValidated`: splits of this type must total 100%.
    pub is_total_validated: Option<bool>,
    /// `IsActive`.
    pub is_active: Option<bool>,
    /// Columns this reader does not know, as `(header, value)`, non-empty values only.
    pub extra: Vec<(String, String)>,
}

impl Record for SfSplitType {
    const OBJECT: &'static str = "OpportunitySplitType";
    const COLUMNS: &'static [&'static str] = COLUMNS;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        Ok(Self {
            id: r.required_id(ID)?,
            master_label: r.text(MASTER_LABEL),
            developer_name: r.text(DEVELOPER_NAME),
            split_field: r.text(SPLIT_FIELD),
            is_total_validated: r.boolean(IS_TOTAL_VALIDATED)?,
            is_active: r.boolean(IS_ACTIVE)?,
            extra: r.extra(),
        })
    }
}
