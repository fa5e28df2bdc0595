//! Deals, with the stage history their `Date entered …` columns hold.

use super::datetime;
use crate::parse::OwnerRef;
use crate::table::{FieldFailure, Record, Row};
use baton_model::Currency;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

columns! {
    ID = "Record ID|hs_object_id|Deal ID|dealId",
    NAME = "Deal Name|dealname",
    STAGE = "Deal Stage|dealstage",
    PIPELINE = "Pipeline|pipeline",
    AMOUNT = "Amount|amount",
    CURRENCY = "Currency|deal_currency_code|Currency code",
    CLOSE_DATE = "Close Date|closedate",
    OWNER = "Deal owner|hubspot_owner_id|Owner",
    PROBABILITY = "Deal probability|hs_deal_stage_probability",
    FORECAST = "Forecast category|hs_manual_forecast_category|hs_forecast_category",
    NEXT_STEP = "Next step|hs_next_step",
    LOST_REASON = "Closed Lost Reason|closed_lost_reason",
    SOURCE = "Original Source Type|hs_analytics_source|Source",
    DEAL_TYPE = "Deal Type|dealtype",
    COMPANIES = "Associated Company IDs|associatedcompanyids|Associated Company ID|Company IDs|Associated Company IDs (Primary)",
    CONTACTS = "Associated Contact IDs|associatedcontactids|Contact IDs",
    CREATED = "Create Date|createdate",
    MODIFIED = "Last Modified Date|hs_lastmodifieddate",
}

/// One deal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HsDeal {
    pub id: String,
    pub name: Option<String>,
    /// The stage's label (`Closed Won`) or internal id (`closedwon`).
    pub stage: Option<String>,
    pub pipeline: Option<String>,
    /// In `currency`, or the portal's currency when the export has none.
    pub amount: Option<Decimal>,
    pub currency: Option<Currency>,
    pub close_date: Option<NaiveDate>,
    pub owner: Option<OwnerRef>,
    /// In percent or as a fraction (0.2), as the export writes it.
    pub probability: Option<Decimal>,
    pub forecast_category: Option<String>,
    pub next_step: Option<String>,
    pub lost_reason: Option<String>,
    pub source: Option<String>,
    pub deal_type: Option<String>,
    /// Associated companies, the primary one first.
    pub companies: Vec<String>,
    pub contacts: Vec<String>,
    pub created: Option<DateTime<Utc>>,
    pub modified: Option<DateTime<Utc>>,
    /// When the deal entered each stage, oldest first.
    pub stages_entered: Vec<StageEntered>,
    /// Other columns, as `(header, value)`, non-empty values only.
    pub extra: Vec<(String, String)>,
}

/// When a deal entered a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageEntered {
    /// The stage's label or internal id, as the column names it.
    pub stage: String,
    pub at: DateTime<Utc>,
}

/// The stage a `Date entered "Closed Won (Sales Pipeline)"` or `hs_date_entered_closedwon`
/// column is about.
fn entered_stage(header: &str) -> Option<String> {
    let lower = header.to_ascii_lowercase();
    for prefix in ["hs_v2_date_entered_", "hs_date_entered_"] {
        if let Some(stage) = lower.strip_prefix(prefix) {
            return (!stage.is_empty()).then(|| stage.to_owned());
        }
    }
    let rest = header.get("date entered".len()..)?;
    if !lower.starts_with("date entered") {
        return None;
    }
    let quoted = rest
        .trim()
        .trim_matches(['"', '\u{201c}', '\u{201d}', '\'']);
    // The pipeline the stage belongs to follows in parentheses.
    let stage = match quoted.rfind(" (") {
        Some(at) if quoted.ends_with(')') => &quoted[..at],
        _ => quoted,
    };
    let stage = stage.trim();
    (!stage.is_empty()).then(|| stage.to_owned())
}

impl Record for HsDeal {
    const OBJECT: &'static str = "deals";
    const COLUMNS: &'static [&'static str] = COLUMNS;

    fn from_row(r: &Row<'_>) -> Result<Self, FieldFailure> {
        let mut stages_entered = Vec::new();
        let mut extra = Vec::new();
        for (header, value) in r.extra() {
            match entered_stage(&header) {
                Some(stage) => {
                    let at = datetime(value.trim()).map_err(|reason| FieldFailure {
                        field: "Date entered",
                        reason: format!("{header}: {reason}"),
                    })?;
                    stages_entered.push(StageEntered { stage, at });
                }
                None => extra.push((header, value)),
            }
        }
        stages_entered.sort_by_key(|s| s.at);
        Ok(Self {
            id: r.required_hs_id(ID)?,
            name: r.text(NAME),
            stage: r.text(STAGE),
            pipeline: r.text(PIPELINE),
            amount: r.amount(AMOUNT)?,
            currency: r.currency(CURRENCY)?,
            close_date: r.hs_date(CLOSE_DATE)?,
            owner: r.owner(OWNER),
            probability: r.decimal(PROBABILITY)?,
            forecast_category: r.text(FORECAST),
            next_step: r.text(NEXT_STEP),
            lost_reason: r.text(LOST_REASON),
            source: r.text(SOURCE),
            deal_type: r.text(DEAL_TYPE),
            companies: r.hs_ids(COMPANIES)?,
            contacts: r.hs_ids(CONTACTS)?,
            created: r.hs_datetime(CREATED)?,
            modified: r.hs_datetime(MODIFIED)?,
            stages_entered,
            extra,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::entered_stage;

    #[test]
    fn date_entered_columns_name_their_stage_without_the_pipeline() {
        assert_eq!(
            entered_stage("Date entered \"Closed Won (Sales Pipeline)\"").as_deref(),
            Some("Closed Won")
        );
        assert_eq!(
            entered_stage("Date entered Contract Sent").as_deref(),
            Some("Contract Sent")
        );
        assert_eq!(
            entered_stage("hs_date_entered_closedwon").as_deref(),
            Some("closedwon")
        );
        assert_eq!(
            entered_stage("Date exited \"Closed Won (Sales Pipeline)\""),
            None
        );
        assert_eq!(entered_stage("Date entered"), None);
        assert_eq!(entered_stage("Deal Name"), None);
    }
}
