use crate::period::PeriodKind;
use crate::{Currency, DealId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One version of a commission plan, as finance wrote it (`docs/comp-plan-format.md`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompPlan {
    /// The plan's id from its file (`ae-2026`); with `version`, unique.
    pub plan_id: String,
    pub version: i64,
    pub name: String,
    pub currency: Currency,
    /// The period a quota covers and a statement is computed for.
    pub quota_period: PeriodKind,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    /// The TOML text.
    pub source: String,
    pub created_at: DateTime<Utc>,
}

/// A person on a plan from one day to another (inclusive; open-ended without `to`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompAssignment {
    pub user_id: UserId,
    pub plan_id: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

/// Where a commission period is: open (runs rebook it), approved (frozen) or paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CompPeriodStatus {
    Open,
    Approved,
    Paid,
}

impl CompPeriodStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CompPeriodStatus::Open => "open",
            CompPeriodStatus::Approved => "approved",
            CompPeriodStatus::Paid => "paid",
        }
    }
}

/// What a commission run wrote.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompRun {
    pub id: i64,
    pub period: String,
    /// Statements computed.
    pub statements: i64,
    /// Ledger entries appended: only what changed since the last run.
    pub entries: i64,
    pub run_at: DateTime<Utc>,
}

/// One line of a statement, with the arithmetic behind it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompLine {
    /// The ledger key of the line.
    pub key: String,
    /// The plan component that pays it.
    pub component: String,
    /// `commission`, `true_up`, `spif`, `bonus`, `draw`, `recovery` or `clawback`.
    pub kind: String,
    pub deal_id: Option<DealId>,
    pub deal_name: Option<String>,
    pub date: Option<NaiveDate>,
    pub amount_minor: i64,
    /// "deal 12: $120,000 × 50 % revenue split = $60,000 credit; attainment after this deal …".
    pub explain: String,
}

/// One person's commission for one period: the statement as computed from today's data, and
/// what the ledger holds for it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompStatement {
    pub user_id: UserId,
    pub user_name: String,
    pub period: String,
    pub status: CompPeriodStatus,
    pub plan_id: String,
    pub plan_version: i64,
    pub currency: Currency,
    pub quota_minor: i64,
    pub credited_minor: i64,
    /// Percent of quota credited, to two decimals; none without a quota.
    pub attainment_pct: Option<String>,
    pub total_minor: i64,
    pub lines: Vec<CompLine>,
    /// What runs have booked for the period so far (adjustments of frozen periods included
    /// where they were earned); differs from `total_minor` when data changed since the last run.
    pub booked_minor: i64,
    /// What the person owes back of recoverable draws at the end of the period.
    pub draw_owed_minor: i64,
}

/// "If this deal closes at this amount on this day".
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WhatIfInput {
    pub deal_id: DealId,
    /// The amount it closes at; the deal's own when absent.
    #[serde(default)]
    pub amount_minor: Option<i64>,
    /// The day it closes; the deal's close date (or today) when absent.
    #[serde(default)]
    pub close_date: Option<NaiveDate>,
}

/// What a rep would earn if a deal closed as asked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WhatIf {
    pub deal_id: DealId,
    pub period: String,
    pub amount_minor: i64,
    pub close_date: NaiveDate,
    pub currency: Currency,
    /// What the period's statement would gain.
    pub earn_minor: i64,
    pub attainment_before_pct: Option<String>,
    pub attainment_after_pct: Option<String>,
    /// The tier the deal would move into, when it moves into one: "tier 100–150 %".
    pub tier_after: Option<String>,
    /// "If Globex closes at $120,000 on 14 Dec you earn $7,200 and move into tier 100–150 %."
    pub summary: String,
    /// The new lines' explanations.
    pub lines: Vec<CompLine>,
}

/// Where a question about a statement line is: waiting for finance, answered, or resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    Open,
    Answered,
    Resolved,
}

impl DisputeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DisputeStatus::Open => "open",
            DisputeStatus::Answered => "answered",
            DisputeStatus::Resolved => "resolved",
        }
    }
}

/// One message of a dispute.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DisputeMessage {
    pub author_id: UserId,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A question about one line of a person's statement, with the whole conversation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dispute {
    pub id: i64,
    /// Whose statement.
    pub user_id: UserId,
    pub user_name: String,
    pub period: String,
    /// The statement line's key (`new-business/commission/42/revenue`).
    pub line_key: String,
    pub status: DisputeStatus,
    pub messages: Vec<DisputeMessage>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new question about a statement line.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputeInput {
    /// Whose statement; your own when absent.
    #[serde(default)]
    pub user_id: Option<UserId>,
    pub period: String,
    pub line_key: String,
    pub message: String,
}

/// A reply to a dispute; finance may resolve it with the reply.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputeReply {
    pub message: String,
    #[serde(default)]
    pub resolve: bool,
}

/// What one person would have earned under a draft plan, beside what the plan in force pays.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanComparison {
    pub user_id: UserId,
    pub user_name: String,
    pub currency: Currency,
    pub in_force_minor: i64,
    pub draft_minor: i64,
}

/// One unit of `from` is `rate` units of `to` from `date` until the pair's next rate: deals in
/// another currency than a plan's are converted at the latest rate on or before their credit
/// date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeRate {
    pub from: Currency,
    pub to: Currency,
    pub date: NaiveDate,
    /// A decimal number above zero, as text so that it is never rounded through a float
    /// (`"1.0842"`).
    pub rate: String,
}

crate::string_enum! {
    /// Why a won deal's money went back: the commission paid on it is clawed back.
    pub enum RefundKind as "refund kind" {
        /// The customer was refunded, in part or whole.
        Refund = "refund",
        /// The customer churned: the whole deal.
        Churn = "churn",
    }
}

/// A won deal refunded or churned on a day.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DealRefund {
    pub id: i64,
    pub deal_id: DealId,
    pub kind: RefundKind,
    pub on: NaiveDate,
    /// How much went back, in the deal's currency (the whole deal for a churn).
    pub amount_minor: i64,
    pub currency: Currency,
    pub note: Option<String>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// A refund or churn as recorded.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealRefundInput {
    pub kind: RefundKind,
    pub on: NaiveDate,
    /// The amount refunded; the whole deal when absent, and always for a churn.
    #[serde(default)]
    pub amount_minor: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
}
