//! Golden tests: worked examples published by commission vendors, reproduced number for number.
//!
//! Where a vendor page states the rule but no amounts, the amounts here are ours and the test
//! says so; only the Oracle pages publish the commission amounts themselves.

use crate::{credit, dec, dollars, period, plan_with, usd};
use baton_comp::statement::{LineKind, RepPeriod, Statement, compute};
use baton_comp::{Credit, Plan};
use baton_model::UserId;

fn statement(plan: &Plan, quarter: &str, quota: &str, credits: &[Credit]) -> Statement {
    compute(
        plan,
        &RepPeriod {
            rep: UserId(1),
            period: period(quarter),
            quota: usd(quota),
            active: None,
            credits,
            clawbacks: &[],
            draw_owed: 0,
        },
    )
    .unwrap()
}

fn amounts(statement: &Statement) -> Vec<rust_decimal::Decimal> {
    statement.lines.iter().map(|l| dollars(l.amount)).collect()
}

/// Oracle Incentive Compensation, "Examples of Calculating Earnings Using Step Rates",
/// scenario "Transactions Processed Individually and Split Nonproportionally Across Rate Tiers"
/// <https://docs.oracle.com/en/cloud/saas/sales/facmi/examples-of-calculating-earnings-using-step-rates.html>:
/// T1 200 → 2, T2 300 → 3, T3 1,500 → 20, T4 1,200 → 14, T5 2,000 → 30, T6 4,500 → 95;
/// "The total amount of compensation earned for the quarter is 164 USD."
#[test]
fn oracle_step_rates_on_individual_transactions_earn_164_usd_in_the_quarter() {
    let plan = plan_with(
        "quarter",
        r#"
[[components]]
id = "step"
type = "tiered"
measure = "deal_amount"
method = "marginal"
tiers = [
  { from = 0,    to = 1000,  rate_pct = 1 },
  { from = 1000, to = 3000,  rate_pct = 2 },
  { from = 3000, to = 8000,  rate_pct = 3 },
  { from = 8000, to = 20000, rate_pct = 5 },
]
"#,
    );
    let credits = [
        credit(1, 1, "200", "2015-01-01"),
        credit(2, 1, "300", "2015-01-02"),
        credit(3, 1, "1500", "2015-01-15"),
        credit(4, 1, "1200", "2015-02-01"),
        credit(5, 1, "2000", "2015-02-15"),
        credit(6, 1, "4500", "2015-03-01"),
    ];
    let statement = statement(&plan, "2015-Q1", "0", &credits);
    assert_eq!(
        amounts(&statement),
        ["2", "3", "20", "14", "30", "95"].map(dec).to_vec()
    );
    assert_eq!(dollars(statement.total), dec("164"));
    assert!(
        statement.lines[5]
            .explain()
            .ends_with("$1,000 × 1 % + $2,000 × 2 % + $1,500 × 3 % = $95"),
        "{}",
        statement.lines[5].explain()
    );
}

/// Oracle Incentive Compensation, "Options for Splitting Attainment Numbers Across Rate Tiers"
/// <https://docs.oracle.com/en/cloud/saas/sales/facmi/options-for-splitting-attainment-numbers-across-rate-tiers.html>:
/// "Rate Not Split (Flat Commission)": 5,000 → 1 %, 15,000 → 2 %, 60,000 → 3 % on the whole
/// amount; "Split Rates Are Fixed for the Tier (Step Rate)": 15,000 → 1 % on the first 10,000
/// and 2 % on the remaining 5,000; 60,000 → 1 % on the first 10,000, 2 % on the next 40,000,
/// 3 % on the remaining 10,000. The page gives the rates; the amounts are their products.
#[test]
fn oracle_flat_versus_step_rates_on_one_table() {
    let tiers = r"
tiers = [
  { from = 0,      to = 10000,   rate_pct = 1 },
  { from = 10000,  to = 50000,   rate_pct = 2 },
  { from = 50000,  to = 100000,  rate_pct = 3 },
  { from = 100000, to = 9999999, rate_pct = 4 },
]
";
    let component = |method: &str| {
        format!(
            "[[components]]\nid = \"c\"\ntype = \"tiered\"\nmeasure = \"deal_amount\"\n\
             method = \"{method}\"\n{tiers}"
        )
    };
    let credits = [
        credit(1, 1, "5000", "2026-07-01"),
        credit(2, 1, "15000", "2026-07-02"),
        credit(3, 1, "60000", "2026-07-03"),
    ];
    let flat = statement(
        &plan_with("quarter", &component("retroactive")),
        "2026-Q3",
        "0",
        &credits,
    );
    assert_eq!(amounts(&flat), ["50", "300", "1800"].map(dec).to_vec());
    let step = statement(
        &plan_with("quarter", &component("marginal")),
        "2026-Q3",
        "0",
        &credits,
    );
    assert_eq!(amounts(&step), ["50", "200", "1200"].map(dec).to_vec());
    assert!(
        step.lines[2]
            .explain()
            .ends_with("$10,000 × 1 % + $40,000 × 2 % + $10,000 × 3 % = $1,200")
    );
}

/// Oracle Sales Performance Management 24B, "Report Split Rates in Calculation"
/// <https://docs.oracle.com/en/cloud/saas/readiness/sales/24b/salm-24b/24B-spm-wn-f31649.htm>:
/// with tiers 0–1,000 at 1 %, 1,000–5,000 at 2 %, 5,000–10,000 at 3 %, "the input is 2500, the
/// rates applied to 2500 will span across the first 2 tiers and will be a blended rate of
/// 1.6%": 1,000 at 1 % and 1,500 at 2 %.
#[test]
fn oracle_non_proportional_split_of_2500_blends_to_1_6_percent() {
    let plan = plan_with(
        "quarter",
        r#"
[[components]]
id = "c"
type = "tiered"
measure = "deal_amount"
tiers = [
  { from = 0,     to = 1000,    rate_pct = 1 },
  { from = 1000,  to = 5000,    rate_pct = 2 },
  { from = 5000,  to = 10000,   rate_pct = 3 },
  { from = 10000, to = 1000000, rate_pct = 0 },
]
"#,
    );
    let statement = statement(&plan, "2026-Q3", "0", &[credit(1, 1, "2500", "2026-07-01")]);
    assert_eq!(dollars(statement.total), dec("2500") * dec("0.016"));
}

/// Oracle Incentive Compensation, "Equal Tier Values"
/// <https://docs.oracle.com/en/cloud/saas/incentive-compensation/facmi/equal-tier-values.html>:
/// "the calculation process pays a transaction that matches exactly 50,000 at the 3 percent
/// rate" (tiers 25,000–50,000 at 2 % and 50,000–75,000 at 3 %).
#[test]
fn oracle_a_transaction_on_a_shared_bound_is_paid_at_the_higher_tier() {
    let plan = plan_with(
        "quarter",
        r#"
[[components]]
id = "c"
type = "tiered"
measure = "deal_amount"
method = "retroactive"
tiers = [
  { from = 0,     to = 25000,  rate_pct = 1 },
  { from = 25000, to = 50000,  rate_pct = 2 },
  { from = 50000, to = 75000,  rate_pct = 3 },
  { from = 75000, to = 100000, rate_pct = 4 },
]
"#,
    );
    let statement = statement(
        &plan,
        "2026-Q3",
        "0",
        &[credit(1, 1, "50000", "2026-07-01")],
    );
    assert_eq!(dollars(statement.total), dec("1500"));
}

const SALES_COOKIE_TIERS: &str = r"
tiers = [
  { from_pct = 0,   to_pct = 100, rate_pct = 6 },
  { from_pct = 100, to_pct = 150, rate_pct = 8 },
  { from_pct = 150,               rate_pct = 10 },
]
";

/// Sales Cookie, "What Is The Difference Between Cumulative And Non-Cumulative Tiers?"
/// <https://support2.salescookie.com/portal/en/kb/articles/kb-what-is-the-difference-between-cumulative-and-non-cumulative-tiers>:
/// tiers A (under 100 %: 6 %), B (100–150 %: 8 %), C (above 150 %: 10 %); a rep at 110 % is paid
/// by tier B alone on everything when tiers are non-cumulative, and partly by A, partly by B
/// when cumulative. The page states which tiers pay, not amounts: the $100,000 quota and the
/// dollar figures are ours.
#[test]
fn sales_cookie_at_110_percent_non_cumulative_pays_tier_b_on_all_cumulative_pays_a_then_b() {
    let credits = [
        credit(1, 1, "70000", "2026-07-01"),
        credit(2, 1, "40000", "2026-08-01"),
    ];
    let component = |method: &str| {
        format!(
            "[[components]]\nid = \"c\"\ntype = \"tiered\"\nmethod = \"{method}\"\n{SALES_COOKIE_TIERS}"
        )
    };
    let non_cumulative = statement(
        &plan_with("quarter", &component("retroactive")),
        "2026-Q3",
        "100000",
        &credits,
    );
    assert_eq!(dollars(non_cumulative.total), dec("110000") * dec("0.08"));
    let cumulative = statement(
        &plan_with("quarter", &component("marginal")),
        "2026-Q3",
        "100000",
        &credits,
    );
    assert_eq!(
        dollars(cumulative.total),
        dec("100000") * dec("0.06") + dec("10000") * dec("0.08")
    );
}

/// QuotaPath, "Account Executive: Commission with Accelerators & Decelerators"
/// <https://comp.quotapath.com/account-executive/accelerators-decelerators>: "the rep earns
/// half of the commission base rate on all deals between 0% and 50% of their quota. Once a rep
/// reaches 50% quota, the rep begins earning their full base rate which can be retroactively
/// applied to past deals. Upon passing quota, the rep unlocks the accelerator ... on all new
/// deals", sample Account Executive: monthly quota $33,000 ARR, 0–50 % at 5 %, 50–100 % at 10 %,
/// 100 % and above at 20 %. The page has no deals; the three deals here are ours.
#[test]
fn quotapath_decelerator_is_lifted_retroactively_at_50_percent_and_the_accelerator_is_not() {
    let plan = plan_with(
        "month",
        r#"
[[components]]
id = "arr"
type = "tiered"
tiers = [
  { from_pct = 0,   to_pct = 50,  rate_pct = 5 },
  { from_pct = 50,  to_pct = 100, rate_pct = 10, method = "retroactive" },
  { from_pct = 100,               rate_pct = 20 },
]
"#,
    );
    let credits = [
        credit(1, 1, "10000", "2026-07-03"),
        credit(2, 1, "10000", "2026-07-10"),
        credit(3, 1, "20000", "2026-07-20"),
    ];
    let statement = statement(&plan, "2026-07", "33000", &credits);
    let lines: Vec<(LineKind, rust_decimal::Decimal)> = statement
        .lines
        .iter()
        .map(|l| (l.kind, dollars(l.amount)))
        .collect();
    assert_eq!(
        lines,
        vec![
            (LineKind::Commission, dec("500")),
            // Deal 2 reaches 50 %: deal 1's $10,000 is lifted from 5 % to 10 %...
            (LineKind::TrueUp { tier: 1 }, dec("500")),
            // ...and deal 2 itself is paid at the full 10 %.
            (LineKind::Commission, dec("1000")),
            // Deal 3: $13,000 up to quota at 10 %, $7,000 past it at 20 %.
            (LineKind::Commission, dec("2700")),
        ]
    );
    // The whole quota at the base rate, plus the accelerator on what is above it.
    assert_eq!(
        dollars(statement.total),
        dec("33000") * dec("0.10") + dec("7000") * dec("0.20")
    );
}

/// QuotaPath, "Commission with Accelerators"
/// <https://intercom.help/quotapath/en/articles/4360079-commission-with-accelerators>: "An IT
/// Sales Rep has a hardware quota of $100,000 of revenue a quarter and earns 6% of deals they
/// close. Once quota is hit, they earn 8% commission of everything they sell." Read as the
/// page's template reads its tiers ("on all deals closed"): retroactive. Deals are ours.
#[test]
fn quotapath_it_rep_earns_8_percent_on_everything_once_quota_is_hit() {
    let plan = plan_with(
        "quarter",
        r#"
[[components]]
id = "hardware"
type = "tiered"
method = "retroactive"
tiers = [
  { from_pct = 0,   to_pct = 100, rate_pct = 6 },
  { from_pct = 100,               rate_pct = 8 },
]
"#,
    );
    let short = statement(
        &plan,
        "2026-Q3",
        "100000",
        &[credit(1, 1, "90000", "2026-07-01")],
    );
    assert_eq!(dollars(short.total), dec("5400"));
    let hit = statement(
        &plan,
        "2026-Q3",
        "100000",
        &[
            credit(1, 1, "90000", "2026-07-01"),
            credit(2, 1, "30000", "2026-08-01"),
        ],
    );
    assert_eq!(dollars(hit.total), dec("120000") * dec("0.08"));
}
