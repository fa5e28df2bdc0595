//! Deals in other currencies than the plan's: converted at the latest rate on or before the
//! credit date, rounded by the plan's rule, and shown in the trace with the actual numbers.

use crate::{credit, date, dec, plan_with, usd};
use baton_comp::rates::{ExchangeRates, Rate};
use baton_comp::statement::{
    CompError, RepPeriod, Statement, compute, compute_with_rates, recompute_with_rates,
};
use baton_comp::{Credit, Plan};
use baton_model::{Currency, Money, Percent, UserId};

const FLAT_TIERS: &str = r#"
[[components]]
id = "arr"
type = "tiered"
tiers = [
  { from_pct = 0,   to_pct = 100, rate_pct = 10 },
  { from_pct = 100,               rate_pct = 12 },
]
"#;

fn eur(text: &str) -> Money {
    Money::parse_major(text, "EUR".parse().unwrap()).unwrap()
}

/// A whole-deal credit in euros.
fn euro_credit(deal: i64, euros: &str, on: &str) -> Credit {
    let mut c = credit(deal, 1, "0", on);
    c.deal_amount = eur(euros);
    c.amount = eur(euros);
    c
}

fn rates(rows: &[(&str, &str, &str, &str)]) -> ExchangeRates {
    ExchangeRates::from_rates(
        rows.iter()
            .map(|(from, to, on, rate)| Rate::parse(from, to, on, rate).unwrap()),
    )
    .unwrap()
}

fn input<'a>(quota: &str, credits: &'a [Credit]) -> RepPeriod<'a> {
    RepPeriod {
        rep: UserId(1),
        period: crate::period("2026-Q3"),
        quota: usd(quota),
        active: None,
        credits,
        clawbacks: &[],
        draw_owed: 0,
    }
}

fn run(plan: &Plan, quota: &str, credits: &[Credit], rates: &ExchangeRates) -> Statement {
    compute_with_rates(plan, &input(quota, credits), rates).unwrap()
}

fn ecb() -> ExchangeRates {
    rates(&[
        ("EUR", "USD", "2026-08-10", "1.0790"),
        ("EUR", "USD", "2026-08-14", "1.0842"),
    ])
}

#[test]
fn a_euro_deal_is_converted_at_the_rate_of_its_credit_date_and_the_trace_shows_it() {
    let plan = plan_with("quarter", FLAT_TIERS);
    let mut half = euro_credit(17, "100000", "2026-08-14");
    half.share = Percent::from_number(50.0).unwrap();
    half.amount = eur("50000");
    let statement = run(&plan, "1000000", &[half], &ecb());
    assert_eq!(
        statement.lines[0].explain(),
        "deal 17: €100,000 × 50 % revenue split = €50,000 credit; €50,000 × 1.0842 (EUR→USD on \
         2026-08-14) = $54,210.00; attainment after this deal 5.42 % of $1,000,000 → tier \
         0–100 %, 10 % marginal: $54,210 × 10 % = $5,421"
    );
    assert_eq!(statement.lines[0].amount, 542_100);
    assert_eq!(statement.credited, dec("54210"));
}

#[test]
fn a_deal_on_a_day_without_a_rate_takes_the_latest_earlier_rate_and_says_which() {
    let plan = plan_with("quarter", FLAT_TIERS);
    let statement = run(
        &plan,
        "1000000",
        &[euro_credit(3, "1000", "2026-08-12")],
        &ecb(),
    );
    let text = statement.lines[0].explain();
    assert!(
        text.contains(
            "€1,000 × 1.079 (EUR→USD of 2026-08-10, the latest on or before 2026-08-12) = \
             $1,079.00;"
        ),
        "{text}"
    );
}

#[test]
fn a_conversion_between_cents_is_rounded_by_the_plan_rule_and_the_trace_says_so() {
    let plan = plan_with("quarter", FLAT_TIERS);
    let rates = rates(&[("EUR", "USD", "2026-07-01", "1.08425")]);
    let statement = run(
        &plan,
        "1000000",
        &[euro_credit(4, "10.10", "2026-07-02")],
        &rates,
    );
    // €10.10 × 1.08425 = $10.950925, half-even to $10.95.
    assert!(
        statement.lines[0]
            .explain()
            .contains("= $10.950925 rounded half-even to $10.95; "),
        "{}",
        statement.lines[0].explain()
    );
    assert_eq!(statement.credited, dec("10.95"));
}

#[test]
fn converted_credits_count_toward_attainment_like_plan_currency_credits() {
    let plan = plan_with("quarter", FLAT_TIERS);
    let rates = rates(&[("EUR", "USD", "2026-07-01", "1.25")]);
    let credits = [
        credit(1, 1, "60000", "2026-07-05"),
        euro_credit(2, "40000", "2026-07-06"),
    ];
    let statement = run(&plan, "100000", &credits, &rates);
    // $60,000 + €40,000 × 1.25 = $110,000: the euro deal crosses quota.
    assert_eq!(statement.attainment, Some(dec("110")));
    // $40,000 × 10 % up to quota, $10,000 × 12 % past it, in cents.
    assert_eq!(statement.lines[1].amount, 400_000 + 120_000);
}

#[test]
fn a_missing_rate_is_an_error_naming_the_deal_currency_and_date() {
    let plan = plan_with("quarter", FLAT_TIERS);
    let credits = [euro_credit(9, "100", "2026-08-01")];
    let error = compute_with_rates(&plan, &input("1000", &credits), &ecb()).unwrap_err();
    assert!(matches!(error, CompError::MissingRate { .. }));
    assert_eq!(
        error.to_string(),
        "deal 9: no exchange rate from EUR to USD on or before its credit date 2026-08-01 \
         (the earliest EUR→USD rate is of 2026-08-10)"
    );
}

#[test]
fn a_currency_the_rates_do_not_know_is_an_error_naming_the_deal_currency_and_date() {
    let plan = plan_with("quarter", FLAT_TIERS);
    let mut yen = credit(11, 1, "0", "2026-08-20");
    yen.amount = Money::parse_major("5000", "JPY".parse().unwrap()).unwrap();
    yen.deal_amount = yen.amount;
    let credits = [yen];
    let error = compute_with_rates(&plan, &input("1000", &credits), &ecb()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "deal 11: no exchange rate from JPY to USD on or before its credit date 2026-08-20 \
         (the rates given have none from JPY to USD)"
    );
}

#[test]
fn without_rates_a_credit_in_another_currency_is_refused_as_before() {
    let plan = plan_with("quarter", FLAT_TIERS);
    let credits = [euro_credit(9, "100", "2026-08-14")];
    let error = compute(&plan, &input("1000", &credits)).unwrap_err();
    assert!(matches!(error, CompError::CurrencyMismatch { .. }));
}

#[test]
fn plan_currency_credits_need_no_rate_and_read_as_before() {
    let plan = plan_with("quarter", FLAT_TIERS);
    let credits = [credit(1, 1, "1000", "2026-07-05")];
    let with = run(&plan, "100000", &credits, &ecb());
    let without = compute(&plan, &input("100000", &credits)).unwrap();
    assert_eq!(with, without);
    assert!(with.lines[0].trace.conversion().is_none());
}

#[test]
fn a_spif_minimum_deal_amount_is_judged_on_the_converted_deal() {
    let plan = plan_with(
        "quarter",
        r#"
[[components]]
id = "spif"
type = "spif"
amount = 100
when = { min_deal_amount = 1050 }
"#,
    );
    // €1,000 is $1,084.20 on the 14th (qualifies), but $1,029 at the rate of the 10th, which
    // still applies on the 12th.
    let credits = [
        euro_credit(1, "1000", "2026-08-14"),
        euro_credit(2, "1000", "2026-08-12"),
    ];
    let rates = rates(&[
        ("EUR", "USD", "2026-08-10", "1.0290"),
        ("EUR", "USD", "2026-08-14", "1.0842"),
    ]);
    let statement = run(&plan, "100000", &credits, &rates);
    let deals: Vec<i64> = statement
        .lines
        .iter()
        .map(|l| l.deal().unwrap().0)
        .collect();
    assert_eq!(deals, vec![1]);
}

#[test]
fn a_recompute_with_rates_equals_a_fresh_computation() {
    let plan = plan_with("quarter", FLAT_TIERS);
    let mut credits = vec![
        credit(1, 1, "60000", "2026-07-05"),
        euro_credit(2, "40000", "2026-08-14"),
        euro_credit(3, "5000", "2026-08-20"),
    ];
    let rates = ecb();
    let first = run(&plan, "100000", &credits, &rates);
    credits[2].amount = eur("7000");
    credits[2].deal_amount = eur("7000");
    let fresh = run(&plan, "100000", &credits, &rates);
    let again = recompute_with_rates(
        &plan,
        &input("100000", &credits),
        &rates,
        first,
        date("2026-08-20"),
    )
    .unwrap();
    assert_eq!(again, fresh);
    assert_eq!(Currency::USD, fresh.currency);
}
