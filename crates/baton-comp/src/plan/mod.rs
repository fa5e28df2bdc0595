//! Commission plans as data: versioned, effective-dated, written in TOML by finance.
//!
//! [`Plan::from_toml`] reads and checks a plan file; every error names the line, the column and
//! the field (`components[1].tiers[2].from_pct`). A [`Plan`] that exists is valid: tiers start at
//! zero and follow each other without gap or overlap, rates lie between 0 and 100 %, the currency
//! is a known ISO 4217 code. The format is described in `docs/comp-plan-format.md`.

mod check;
mod components;
mod draw;
mod error;
mod file;
mod validate;

pub use error::{PlanError, PlanErrors};
pub(crate) use validate::{CLAWBACK_ID, DRAW_ID};

use crate::amount::Rounding;
use crate::credit::CreditKind;
use baton_model::{Currency, PeriodKind};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::sync::Arc;

/// A checked commission plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Stable identifier, e.g. `ae-2026`.
    pub id: String,
    /// Name shown to reps and finance.
    pub name: String,
    /// Version number; a change to a plan in force is a new version, never an edit.
    pub version: u32,
    /// First day the plan applies.
    pub effective_from: NaiveDate,
    /// Last day the plan applies (inclusive); open-ended when absent.
    pub effective_to: Option<NaiveDate>,
    /// Currency of quotas, credits and payouts.
    pub currency: Currency,
    /// The period a quota covers and a statement is computed for.
    pub quota_period: PeriodKind,
    /// Which date of a deal places its credit in a period.
    pub credit_date: CreditDateRule,
    /// How each statement line is rounded to minor units.
    pub rounding: Rounding,
    /// Most one deal may pay a rep in total, across components (major units).
    pub cap_per_deal: Option<Decimal>,
    /// Most a rep may earn in one period, before proration (major units).
    pub cap_per_period: Option<Decimal>,
    /// What pays, in the order lines are produced.
    pub components: Vec<Component>,
    /// A guaranteed minimum per period, if any.
    pub draw: Option<Draw>,
    /// A deal refunded or churned within this many days of its credit date has its commission
    /// taken back; no clawbacks when `None`.
    pub clawback_days: Option<u32>,
}

impl Plan {
    /// Reads and checks a plan written in TOML.
    pub fn from_toml(source: &str) -> Result<Plan, PlanErrors> {
        let raw = file::parse(source)?;
        validate::validate(&raw, source)
    }

    /// Whether the plan is in force on `date`.
    pub fn in_effect_on(&self, date: NaiveDate) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|to| date <= to)
    }
}

/// The version of plan `id` in force on `date`: among the versions whose dates cover it, the
/// highest, so a correction issued as a new version wins over the one it corrects.
pub fn version_on<'a>(plans: &'a [Plan], id: &str, date: NaiveDate) -> Option<&'a Plan> {
    plans
        .iter()
        .filter(|p| p.id == id && p.in_effect_on(date))
        .max_by_key(|p| p.version)
}

/// A draw: a guaranteed minimum pay per period, topped up when earnings fall short.
///
/// A recoverable draw is an advance: what it paid is owed back and recovered from later
/// earnings above the guarantee, so recovery never takes a period's pay below it while the draw
/// is in force. A non-recoverable draw is a plain guarantee. This is Oracle Incentive
/// Compensation's payment plan "minimum amount" with recovery
/// (<https://docs.oracle.com/en/cloud/saas/sales/facmi/example-of-incentive-compensation-draw-and-recovery.html>).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Draw {
    /// The guaranteed minimum per period (major units), prorated for part-periods.
    pub amount: Decimal,
    /// Whether what the draw pays is owed back.
    pub recoverable: bool,
    /// The draw is paid in the first this many periods of the plan; always when `None`.
    pub periods: Option<u32>,
    /// Recovery starts in this period of the plan (1 is the plan's first period).
    pub recovery_starts: u32,
    /// Fraction of earnings above the guarantee recovered each period (1 for all of it).
    pub recovery_rate: Decimal,
}

/// Which date of a deal places its credit in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CreditDateRule {
    /// The day the deal was won.
    #[default]
    CloseDate,
    /// The day the customer paid; unpaid deals earn nothing yet.
    PaymentDate,
}

/// One part of a plan that pays.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    /// Stable identifier, part of every ledger key this component writes.
    pub id: Arc<str>,
    /// Name shown in statements.
    pub name: Arc<str>,
    /// The kinds of credit this component pays on (attainment always counts every kind).
    pub credit_kinds: Vec<CreditKind>,
    /// How it pays.
    pub rule: Rule,
}

/// How a component pays.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// A rate on credited amounts, from a tier table (a flat rate is a table of one tier).
    Rate(TierTable),
    /// A fixed amount or a rate per qualifying deal.
    Spif(Spif),
    /// A fixed amount once per period when attainment reaches a threshold.
    Bonus(Bonus),
}

/// A rate table: which rate applies depends on where the credit falls in the measure.
///
/// Tiers follow Oracle Incentive Compensation's convention for shared bounds: a value equal to
/// one tier's upper bound and the next tier's lower bound belongs to the higher tier
/// (<https://docs.oracle.com/en/cloud/saas/incentive-compensation/facmi/equal-tier-values.html>).
#[derive(Debug, Clone, PartialEq)]
pub struct TierTable {
    /// What the tier bounds measure.
    pub measure: Measure,
    /// Contiguous tiers starting at zero, the last one possibly open-ended.
    pub tiers: Vec<Tier>,
    /// Reduced or no pay when the period ends below an attainment.
    pub gate: Option<Gate>,
}

/// What the bounds of a tier table measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Percent of the (prorated) quota credited so far in the period.
    Attainment,
    /// Amount credited so far in the period, in the plan currency.
    Amount,
    /// Each credit's own amount, on its own (Oracle's "transactions processed individually").
    DealAmount,
}

/// One band of a tier table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tier {
    /// Lower bound, inclusive (percent for attainment, major units for amounts).
    pub from: Decimal,
    /// Upper bound, exclusive; `None` for the open top tier.
    pub to: Option<Decimal>,
    /// Rate as a fraction (`0.12` for 12 %).
    pub rate: Decimal,
    /// Whether reaching this tier re-rates everything credited below it at this tier's rate
    /// (Xactly's "Highest Rate", Sales Cookie's "non-cumulative"), instead of paying only its
    /// own band (Xactly's "Rate Table", Sales Cookie's "cumulative").
    pub retroactive: bool,
}

/// A condition on attainment at the end of the period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gate {
    /// Attainment in percent below which the gate applies.
    pub below: Decimal,
    /// Fraction of the computed pay still paid below it (0 pays nothing).
    pub pay: Decimal,
}

/// Pay for each qualifying deal.
#[derive(Debug, Clone, PartialEq)]
pub struct Spif {
    /// What a qualifying credit pays.
    pub pays: SpifPay,
    /// Which deals qualify.
    pub condition: Condition,
}

/// What a qualifying credit earns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SpifPay {
    /// A fixed amount per deal (major units), times the rep's share of the deal.
    Fixed(Decimal),
    /// A rate on the credited amount.
    Rate(Decimal),
}

/// A simple condition on a deal. Every part that is present must hold.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Condition {
    /// A deal attribute that must have this value, e.g. `product = "Platform"`.
    pub attribute: Option<(String, String)>,
    /// The smallest deal amount that qualifies (major units, inclusive).
    pub min_deal_amount: Option<Decimal>,
}

/// A once-per-period bonus on attainment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bonus {
    /// Attainment in percent that must be reached by the end of the period.
    pub attainment: Decimal,
    /// The amount (major units), prorated for a partial period.
    pub amount: Decimal,
}
