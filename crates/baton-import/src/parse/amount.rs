//! Money amounts as people and spreadsheets write them. Never a float.
//!
//! The rule for separators, applied to each value on its own:
//! * Spaces (also non-breaking) and apostrophes are always thousands separators: `1 234,50`,
//!   `1'234.50`.
//! * When both `,` and `.` appear, the one that appears last is the decimal separator and must
//!   appear once: `$1,234.50` and `1.234,50 €` are both 1234.50.
//! * When only one of them appears, more than once, it is a thousands separator: `1,234,567`.
//! * When only one of them appears, once, it is the decimal separator unless exactly three
//!   digits follow it. With exactly three digits (`1,234`, `1.234`) the value is **ambiguous** —
//!   1234 in one locale, 1.234 in another — and is rejected, except after a lone `0` (`0.125`),
//!   which cannot be a thousands group, or when spaces or apostrophes already group the digits.
//! * Thousands groups must be well formed: 1–3 leading digits, then groups of exactly three.
//! * One currency symbol (`$ € £ ¥`) or ISO code (`USD`) before or after the number, a leading or
//!   trailing minus, or parentheses `(1,234.50)` for negatives are accepted. Scientific notation
//!   (`1.5E+06`, what Excel writes for wide cells) is rejected: its digits may be gone.

use rust_decimal::Decimal;
use std::str::FromStr;

/// Parses an amount into an exact decimal.
pub fn parse_amount(text: &str) -> Result<Decimal, String> {
    let fail = |why: &str| format!("{text:?} {why}");
    let trimmed = text.trim_matches(is_space);
    let (negative, body) = strip_sign(trimmed);
    let body = strip_currency(body).trim_matches(is_space);
    let (negative2, body) = strip_sign(body);
    let negative = negative != negative2;
    if body.is_empty() {
        return Err(fail("is not an amount"));
    }
    if body.bytes().any(|b| b == b'e' || b == b'E') {
        return Err(fail(
            "is in scientific notation, which may have lost digits; write the full amount",
        ));
    }
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '\'') || is_space(c))
    {
        return Err(fail(
            "is not an amount: only digits, separators, one currency symbol and a sign are allowed",
        ));
    }
    let grouped_by_space = body.chars().any(|c| c == '\'' || is_space(c));
    let decimal_at = decimal_separator(body, grouped_by_space).map_err(&fail)?;
    let (whole, fraction) = match decimal_at {
        Some(i) => (&body[..i], &body[i + 1..]),
        None => (body, ""),
    };
    if decimal_at.is_some()
        && (fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(fail("has a misplaced decimal separator"));
    }
    if fraction.len() > 12 {
        return Err(fail("has too many decimal places"));
    }
    let digits = whole_digits(whole).ok_or_else(|| fail("has malformed thousands groups"))?;
    let mut number = String::with_capacity(digits.len() + fraction.len() + 2);
    if negative {
        number.push('-');
    }
    number.push_str(&digits);
    if !fraction.is_empty() {
        number.push('.');
        number.push_str(fraction);
    }
    Decimal::from_str(&number).map_err(|_| fail("is too large"))
}

/// Converts an exact amount to integer minor units of a currency with `exponent` decimals;
/// more non-zero decimals than the currency has is an error, never a rounding.
pub fn to_minor(amount: Decimal, exponent: u8) -> Result<i64, String> {
    let scaled = amount
        .checked_mul(Decimal::from(10_i64.pow(u32::from(exponent))))
        .ok_or_else(|| format!("{amount} is too large"))?;
    if scaled.fract() != Decimal::ZERO {
        return Err(format!(
            "{amount} has more than {exponent} decimal places for its currency"
        ));
    }
    let minor = i64::try_from(scaled).map_err(|_| format!("{amount} is too large"))?;
    if minor.unsigned_abs() > baton_model::money::MAX_MINOR.unsigned_abs() {
        return Err(format!("{amount} is too large"));
    }
    Ok(minor)
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{a0}' || c == '\u{202f}'
}

fn strip_sign(text: &str) -> (bool, &str) {
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        return (true, inner.trim_matches(is_space));
    }
    if let Some(rest) = text.strip_prefix('-') {
        return (true, rest.trim_start_matches(is_space));
    }
    if let Some(rest) = text.strip_suffix('-') {
        return (true, rest.trim_end_matches(is_space));
    }
    (false, text)
}

fn strip_currency(text: &str) -> &str {
    const SYMBOLS: [char; 4] = ['$', '€', '£', '¥'];
    let text = text.trim_start_matches(SYMBOLS).trim_end_matches(SYMBOLS);
    let is_code = |s: &str| s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase());
    if text.len() > 3 && text.is_char_boundary(3) && is_code(&text[..3]) {
        return &text[3..];
    }
    if text.len() > 3 && text.is_char_boundary(text.len() - 3) && is_code(&text[text.len() - 3..]) {
        return &text[..text.len() - 3];
    }
    text
}

/// The byte index of the decimal separator, if there is one.
fn decimal_separator(body: &str, grouped_by_space: bool) -> Result<Option<usize>, &'static str> {
    let last_comma = body.rfind(',');
    let last_dot = body.rfind('.');
    let (sep, at) = match (last_comma, last_dot) {
        (None, None) => return Ok(None),
        (Some(c), Some(d)) => {
            let (sep, at) = if c > d { (',', c) } else { ('.', d) };
            if body.matches(sep).count() > 1 {
                return Err("has more than one decimal separator");
            }
            return Ok(Some(at));
        }
        (Some(c), None) => (',', c),
        (None, Some(d)) => ('.', d),
    };
    if body.matches(sep).count() > 1 {
        return Ok(None);
    }
    let after = body.len() - at - 1;
    let before = body[..at].trim_matches(is_space);
    if after != 3 || before.is_empty() || before == "0" || grouped_by_space {
        return Ok(Some(at));
    }
    Err(
        "is ambiguous: with one separator followed by three digits it could be thousands or decimals; write 1234 or 1,234.00",
    )
}

/// The digits of the whole part with well-formed thousands groups removed.
fn whole_digits(whole: &str) -> Option<String> {
    let groups: Vec<&str> = whole
        .split(|c: char| matches!(c, ',' | '.' | '\'') || is_space(c))
        .collect();
    let ok = match groups.as_slice() {
        [] => false,
        [only] => !only.is_empty(),
        [first, rest @ ..] => (1..=3).contains(&first.len()) && rest.iter().all(|g| g.len() == 3),
    };
    let ok = ok && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
    ok.then(|| groups.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minor(text: &str) -> i64 {
        to_minor(parse_amount(text).unwrap(), 2).unwrap()
    }

    #[test]
    fn plain_and_grouped_amounts_with_symbols_parse_to_exact_cents() {
        assert_eq!(minor("1234.5"), 123_450);
        assert_eq!(minor("$1,234.50"), 123_450);
        assert_eq!(minor("1.234,50"), 123_450);
        assert_eq!(minor("1.234,50 €"), 123_450);
        assert_eq!(minor("USD 1,234,567"), 123_456_700);
        assert_eq!(minor("1 234,50"), 123_450);
        assert_eq!(minor("1'234.50"), 123_450);
        assert_eq!(minor("1234,5"), 123_450);
        assert_eq!(minor("(1,234.50)"), -123_450);
        assert_eq!(minor("-$20"), -2_000);
        assert_eq!(minor("48200.00"), 4_820_000);
    }

    #[test]
    fn a_single_separator_before_three_digits_is_ambiguous_and_rejected() {
        for text in ["1,234", "1.234", "$12,500", "-7.000"] {
            let err = parse_amount(text).unwrap_err();
            assert!(err.contains("ambiguous"), "{text}: {err}");
        }
    }

    #[test]
    fn malformed_amounts_are_rejected_with_a_reason() {
        for text in [
            "",
            "abc",
            "1.5E+06",
            "12,34,567",
            "1,234.567.8",
            "1.",
            "$",
            "1,2345.00",
            "1 23",
        ] {
            assert!(parse_amount(text).is_err(), "{text}");
        }
    }

    #[test]
    fn extra_decimals_are_an_error_unless_they_are_zeros() {
        assert!(to_minor(parse_amount("0.125").unwrap(), 2).is_err());
        assert_eq!(to_minor(parse_amount("0.120").unwrap(), 2).unwrap(), 12);
        assert_eq!(to_minor(parse_amount("1500").unwrap(), 0).unwrap(), 1500);
        assert!(to_minor(parse_amount("99999999999999999").unwrap(), 2).is_err());
    }
}
