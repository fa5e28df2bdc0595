//! Integration tests of the commission engine, one binary for all modules.

mod clawbacks;
mod currencies;
mod draws;
mod golden;
mod ledger_flow;
mod plan_file;
mod properties;
mod statements;

use baton_comp::credit::no_attributes;
use baton_comp::{Credit, CreditKind, Plan};
use baton_model::{Currency, DealId, Money, Percent, Period, UserId};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;

/// The sample plan shipped with the tests and shown in the docs.
pub const AE_PLAN: &str = include_str!("plans/ae-2026.toml");

/// A plan from TOML that must be valid.
pub fn plan(source: &str) -> Plan {
    Plan::from_toml(source).unwrap_or_else(|e| panic!("plan should be valid:\n{e}"))
}

/// A plan with the header every test plan shares and the given components.
pub fn plan_with(quota_period: &str, components: &str) -> Plan {
    plan(&format!(
        r#"
id = "test"
name = "Test plan"
version = 1
effective_from = 2015-01-01
currency = "USD"
[quota]
period = "{quota_period}"
{components}
"#
    ))
}

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::from_str(text).unwrap()
}

pub fn period(text: &str) -> Period {
    Period::parse(text, 1).unwrap()
}

pub fn usd(dollars: &str) -> Money {
    Money::parse_major(dollars, Currency::USD).unwrap()
}

pub fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// A whole-deal revenue credit to `rep`.
pub fn credit(deal: i64, rep: i64, dollars: &str, on: &str) -> Credit {
    let amount = usd(dollars);
    Credit {
        deal: DealId(deal),
        rep: UserId(rep),
        kind: CreditKind::Revenue,
        share: Percent::HUNDRED,
        deal_amount: amount,
        amount,
        close_date: date(on),
        payment_date: None,
        attributes: no_attributes(),
    }
}

/// Dollars of a minor-unit amount, for readable assertions.
pub fn dollars(minor: i64) -> Decimal {
    Decimal::new(minor, 2)
}
