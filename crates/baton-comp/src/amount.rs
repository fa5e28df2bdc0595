//! Decimal arithmetic on money and rates, and how numbers read in a trace.
//!
//! Inputs and outputs carry money as integer minor units with an ISO 4217 currency
//! ([`baton_model::Money`]); everything in between is a [`Decimal`] in major units (dollars, not
//! cents), so that `$60,000 × 12 %` is computed exactly and rounded once, by the plan's rule.
//! The tier walk, which runs once per credit, computes the same numbers in integers (minor
//! units times rates at a shared scale) whenever that is exact, and hands decimals to the trace.

use baton_model::{Currency, Money};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// How a computed amount becomes a whole number of minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Banker's rounding: halves go to the even cent (`0.125 → 0.12`, `0.135 → 0.14`).
    #[default]
    HalfEven,
    /// Halves go away from zero (`0.125 → 0.13`).
    HalfUp,
    /// Toward zero: never pays a fraction of a cent more than earned.
    Down,
    /// Away from zero.
    Up,
}

impl Rounding {
    /// The name used in plan files and traces.
    pub fn name(self) -> &'static str {
        match self {
            Rounding::HalfEven => "half-even",
            Rounding::HalfUp => "half-up",
            Rounding::Down => "down",
            Rounding::Up => "up",
        }
    }

    fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::Down => RoundingStrategy::ToZero,
            Rounding::Up => RoundingStrategy::AwayFromZero,
        }
    }

    /// Rounds a major-unit amount to whole minor units of `currency`.
    pub fn to_minor(self, amount: Decimal, currency: Currency) -> i64 {
        let exponent = u32::from(currency.exponent());
        // Every statement line is rounded: integer division of the mantissa is many times
        // cheaper than the general decimal rounding below, and gives the same result.
        if let Some(minor) = self.to_minor_by_division(amount, exponent) {
            return minor;
        }
        let mut rounded = amount.round_dp_with_strategy(exponent, self.strategy());
        rounded.rescale(exponent);
        // Amounts are bounded by MAX_MINOR on input and rates by 100 %, far inside i64.
        i64::try_from(rounded.mantissa()).unwrap_or(if rounded.is_sign_negative() {
            i64::MIN
        } else {
            i64::MAX
        })
    }
}

impl Rounding {
    fn to_minor_by_division(self, amount: Decimal, exponent: u32) -> Option<i64> {
        let scale = amount.scale();
        let mantissa = amount.mantissa();
        // Most amounts fit 64 bits, whose division is a single instruction instead of a call.
        if scale > exponent
            && let (Ok(mantissa), Some(divisor)) = (
                i64::try_from(mantissa),
                10_i64.checked_pow(scale - exponent),
            )
        {
            return Some(self.round_quotient(mantissa / divisor, mantissa % divisor, divisor));
        }
        if scale <= exponent {
            let factor = 10_i128.checked_pow(exponent - scale)?;
            return i64::try_from(mantissa.checked_mul(factor)?).ok();
        }
        let divisor = 10_i128.checked_pow(scale - exponent)?;
        let (quotient, remainder) = (mantissa / divisor, mantissa % divisor);
        if remainder == 0 {
            return i64::try_from(quotient).ok();
        }
        let away = quotient + mantissa.signum();
        let twice = remainder.abs() * 2;
        let rounded = match self {
            Rounding::Up => away,
            Rounding::HalfUp if twice >= divisor => away,
            Rounding::HalfEven if twice > divisor || (twice == divisor && quotient % 2 != 0) => {
                away
            }
            Rounding::Down | Rounding::HalfUp | Rounding::HalfEven => quotient,
        };
        i64::try_from(rounded).ok()
    }

    /// The rounded quotient, given the truncated one and the remainder of a division by
    /// `divisor` (a power of ten, so twice a remainder cannot overflow).
    fn round_quotient(self, quotient: i64, remainder: i64, divisor: i64) -> i64 {
        if remainder == 0 {
            return quotient;
        }
        let away = quotient + remainder.signum();
        let twice = remainder.unsigned_abs() * 2;
        let divisor = divisor.unsigned_abs();
        match self {
            Rounding::Up => away,
            Rounding::HalfUp if twice >= divisor => away,
            Rounding::HalfEven if twice > divisor || (twice == divisor && quotient % 2 != 0) => {
                away
            }
            Rounding::Down | Rounding::HalfUp | Rounding::HalfEven => quotient,
        }
    }
}

/// Minor units as an exact major-unit decimal (`12_345` cents → `123.45`).
pub fn major(minor: i64, currency: Currency) -> Decimal {
    Decimal::new(minor, u32::from(currency.exponent()))
}

/// A [`Money`] as an exact major-unit decimal.
pub fn money_major(money: Money) -> Decimal {
    major(money.minor, money.currency)
}

/// Formats an amount as people read it: `$120,000`, `$7,200.50`, `€1,000`, `1,250.00 CHF`.
///
/// Cents are shown only when the amount has them; an unrounded amount keeps all its digits so
/// that the trace shows the exact product before rounding.
pub fn fmt_money(amount: Decimal, currency: Currency) -> String {
    let normalized = amount.normalize();
    let text = normalized.abs().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::with_capacity(text.len() + 8);
    if normalized.is_sign_negative() && !normalized.is_zero() {
        out.push('−');
    }
    let symbol = match currency.code() {
        "USD" => Some("$"),
        "EUR" => Some("€"),
        "GBP" => Some("£"),
        "JPY" => Some("¥"),
        _ => None,
    };
    if let Some(symbol) = symbol {
        out.push_str(symbol);
    }
    push_grouped(&mut out, whole);
    if !fraction.is_empty() {
        let width = usize::from(currency.exponent()).max(fraction.len());
        let _ = write!(out, ".{fraction:0<width$}");
    }
    if symbol.is_none() {
        out.push(' ');
        out.push_str(currency.code());
    }
    out
}

/// Formats an amount of money with all the minor digits of its currency: `$54,210.00`.
pub fn fmt_money_exact(amount: Decimal, currency: Currency) -> String {
    let exponent = u32::from(currency.exponent());
    let mut text = fmt_money(amount, currency);
    let shown = amount.normalize().scale();
    if exponent > 0 && shown == 0 {
        let digits = format!(".{}", "0".repeat(exponent as usize));
        // The digits go after the number, before a trailing currency code.
        match text.find(' ') {
            Some(space) => text.insert_str(space, &digits),
            None => text.push_str(&digits),
        }
    }
    text
}

fn push_grouped(out: &mut String, digits: &str) {
    let len = digits.len();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
}

/// Formats a fraction as a percentage with at most two decimals: `0.12 → "12 %"`,
/// `1.123456 → "112.35 %"`.
pub fn fmt_rate(fraction: Decimal) -> String {
    fmt_percent(fraction * Decimal::ONE_HUNDRED)
}

/// Formats a number of percent with at most two decimals: `112.345 → "112.35 %"`.
pub fn fmt_percent(percent: Decimal) -> String {
    let rounded = percent
        .round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
        .normalize();
    format!("{rounded} %")
}

/// Formats a plain number with thousands separators (for amount tiers: `1,000`).
pub fn fmt_number(value: Decimal) -> String {
    let normalized = value.normalize();
    let text = normalized.abs().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    if normalized.is_sign_negative() && !normalized.is_zero() {
        out.push('−');
    }
    push_grouped(&mut out, whole);
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn usd() -> Currency {
        Currency::USD
    }

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn half_even_rounds_halves_to_the_even_cent_and_down_never_rounds_up() {
        assert_eq!(Rounding::HalfEven.to_minor(dec("0.125"), usd()), 12);
        assert_eq!(Rounding::HalfEven.to_minor(dec("0.135"), usd()), 14);
        assert_eq!(Rounding::HalfUp.to_minor(dec("0.125"), usd()), 13);
        assert_eq!(Rounding::Down.to_minor(dec("0.129"), usd()), 12);
        assert_eq!(Rounding::Up.to_minor(dec("0.121"), usd()), 13);
        assert_eq!(Rounding::HalfEven.to_minor(dec("-0.125"), usd()), -12);
        let jpy = Currency::from_str("JPY").unwrap();
        assert_eq!(Rounding::HalfEven.to_minor(dec("2.5"), jpy), 2);
    }

    #[test]
    fn rounding_by_division_agrees_with_decimal_rounding() {
        let cases = [
            "0.125",
            "0.135",
            "-0.125",
            "-0.135",
            "7200.005",
            "1.999",
            "-1.001",
            "3",
            "0.5",
            "123456.78901234",
            "-0.0049",
            "0.0051",
            "1.1",
        ];
        for rounding in [
            Rounding::HalfEven,
            Rounding::HalfUp,
            Rounding::Down,
            Rounding::Up,
        ] {
            for text in cases {
                let amount = dec(text);
                let mut expected = amount.round_dp_with_strategy(2, rounding.strategy());
                expected.rescale(2);
                assert_eq!(
                    rounding.to_minor(amount, usd()),
                    i64::try_from(expected.mantissa()).unwrap(),
                    "{text} {rounding:?}"
                );
            }
        }
    }

    #[test]
    fn minor_units_convert_to_exact_major_decimals() {
        assert_eq!(major(12_345, usd()), dec("123.45"));
        let kwd = Currency::from_str("KWD").unwrap();
        assert_eq!(major(1_234, kwd), dec("1.234"));
    }

    #[test]
    fn money_reads_with_symbol_separators_and_cents_only_when_present() {
        assert_eq!(fmt_money(dec("120000"), usd()), "$120,000");
        assert_eq!(fmt_money(dec("7200.5"), usd()), "$7,200.50");
        assert_eq!(fmt_money(dec("0.125"), usd()), "$0.125");
        assert_eq!(fmt_money(dec("-5"), usd()), "−$5");
        let chf = Currency::from_str("CHF").unwrap();
        assert_eq!(fmt_money(dec("1250.00"), chf), "1,250 CHF");
    }

    #[test]
    fn exact_money_shows_every_minor_digit() {
        assert_eq!(fmt_money_exact(dec("54210"), usd()), "$54,210.00");
        assert_eq!(fmt_money_exact(dec("54210.5"), usd()), "$54,210.50");
        let chf = Currency::from_str("CHF").unwrap();
        assert_eq!(fmt_money_exact(dec("1250"), chf), "1,250.00 CHF");
        let jpy = Currency::from_str("JPY").unwrap();
        assert_eq!(fmt_money_exact(dec("1250"), jpy), "¥1,250");
    }

    #[test]
    fn rates_read_as_percent_with_at_most_two_decimals() {
        assert_eq!(fmt_rate(dec("0.12")), "12 %");
        assert_eq!(fmt_rate(dec("0.125")), "12.5 %");
        assert_eq!(fmt_rate(dec("1.123456")), "112.35 %");
        assert_eq!(fmt_number(dec("1000")), "1,000");
        assert_eq!(fmt_number(dec("1234567.5")), "1,234,567.5");
    }
}
