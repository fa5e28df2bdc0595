//! The plan file as written: TOML with the position of every value kept for error messages.
//!
//! Types and unknown keys are checked here (serde with `deny_unknown_fields`); meaning — tier
//! order, ranges, currency codes — is checked in `validate`.

use super::{PlanError, PlanErrors};
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

/// A plan file's top level.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlan {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    pub version: Spanned<i64>,
    pub effective_from: Spanned<Datetime>,
    pub effective_to: Option<Spanned<Datetime>>,
    pub currency: Spanned<String>,
    #[serde(default)]
    pub credit_date: Option<Spanned<String>>,
    #[serde(default)]
    pub rounding: Option<Spanned<String>>,
    pub quota: Spanned<RawQuota>,
    #[serde(default)]
    pub caps: Option<RawCaps>,
    #[serde(default)]
    pub components: Vec<Spanned<RawComponent>>,
    #[serde(default)]
    pub draw: Option<Spanned<RawDraw>>,
    #[serde(default)]
    pub clawback: Option<Spanned<RawClawback>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawClawback {
    pub within_days: Spanned<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDraw {
    pub amount: Spanned<Decimal>,
    pub recoverable: Spanned<bool>,
    pub periods: Option<Spanned<i64>>,
    pub recovery_starts_period: Option<Spanned<i64>>,
    pub recovery_pct: Option<Spanned<Decimal>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQuota {
    pub period: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCaps {
    pub per_deal: Option<Spanned<Decimal>>,
    pub per_period: Option<Spanned<Decimal>>,
}

/// One component. Each `type` reads its own fields; the others must be absent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawComponent {
    pub id: Spanned<String>,
    pub name: Option<Spanned<String>>,
    #[serde(rename = "type")]
    pub kind: Spanned<String>,
    pub credit_kinds: Option<Spanned<Vec<Spanned<String>>>>,
    // type = "flat"
    pub rate_pct: Option<Spanned<Decimal>>,
    // type = "tiered"
    pub measure: Option<Spanned<String>>,
    pub method: Option<Spanned<String>>,
    pub tiers: Option<Spanned<Vec<Spanned<RawTier>>>>,
    // "flat" and "tiered"
    pub gate: Option<Spanned<RawGate>>,
    // type = "spif" (with rate_pct) and type = "bonus"
    pub amount: Option<Spanned<Decimal>>,
    pub when: Option<Spanned<RawCondition>>,
    // type = "bonus"
    pub attainment_pct: Option<Spanned<Decimal>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTier {
    pub from_pct: Option<Spanned<Decimal>>,
    pub to_pct: Option<Spanned<Decimal>>,
    pub from: Option<Spanned<Decimal>>,
    pub to: Option<Spanned<Decimal>>,
    pub rate_pct: Spanned<Decimal>,
    pub method: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGate {
    pub below_pct: Spanned<Decimal>,
    #[serde(default)]
    pub pay_pct: Option<Spanned<Decimal>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCondition {
    pub attribute: Option<Spanned<String>>,
    pub equals: Option<Spanned<String>>,
    pub min_deal_amount: Option<Spanned<Decimal>>,
}

/// Parses the TOML and its types, naming the field of a type error.
pub(super) fn parse(source: &str) -> Result<RawPlan, PlanErrors> {
    let deserializer = toml::Deserializer::parse(source).map_err(|e| {
        PlanErrors(vec![PlanError::at(
            source,
            e.span(),
            "",
            format!("not valid TOML: {}", e.message().trim()),
        )])
    })?;
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let field = field_path(e.path());
        let inner = e.into_inner();
        PlanErrors(vec![PlanError::at(
            source,
            inner.span(),
            field,
            inner.message().trim().to_owned(),
        )])
    })
}

/// The path of a field as the file names it: `components[0].tiers[1].rate_pct`, without the
/// private keys `toml::Spanned` deserializes through.
fn field_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    use std::fmt::Write as _;
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => {
                let _ = write!(out, "[{index}]");
            }
            Segment::Map { key } if key.starts_with("$__") => {}
            Segment::Map { key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}
