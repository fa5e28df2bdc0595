//! Booleans, whole numbers and plain decimals (percentages).

use rust_decimal::Decimal;
use std::str::FromStr;

/// `true`/`false`/`1`/`0`, any case, as Salesforce and spreadsheets write checkboxes.
pub fn parse_bool(text: &str) -> Result<bool, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") || t == "1" {
        Ok(true)
    } else if t.eq_ignore_ascii_case("false") || t == "0" {
        Ok(false)
    } else {
        Err(format!(
            "{t:?} is not a boolean: expected true/false or 1/0"
        ))
    }
}

/// A whole number such as `1200`, `1,200` or `1200.0`.
///
/// In a whole-number field a separator before three digits can only group thousands, so
/// `1,200` is 1200 here (unlike in an amount, where it is ambiguous); `1.2` is an error.
pub fn parse_int(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let fail = || format!("{t:?} is not a whole number");
    if let Ok(n) = t.parse::<i64>() {
        return Ok(n);
    }
    let (negative, body) = t.strip_prefix('-').map_or((false, t), |rest| (true, rest));
    for sep in [',', '.', ' ', '\''] {
        let groups: Vec<&str> = body.split(sep).collect();
        let grouped = groups.len() > 1
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
        if grouped {
            let n: i64 = groups.concat().parse().map_err(|_| fail())?;
            return Ok(if negative { -n } else { n });
        }
    }
    let d = Decimal::from_str(t).map_err(|_| fail())?;
    if d.fract() == Decimal::ZERO {
        i64::try_from(d).map_err(|_| fail())
    } else {
        Err(fail())
    }
}

/// A plain decimal such as a probability `10`, `33.33` or `10%` (no thousands separators).
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let number = t.strip_suffix('%').unwrap_or(t).trim_end();
    if number.bytes().any(|b| b == b'e' || b == b'E') {
        return Err(format!("{t:?} is not a plain decimal number"));
    }
    Decimal::from_str(number).map_err(|_| format!("{t:?} is not a decimal number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_are_true_false_one_or_zero_in_any_case() {
        assert_eq!(parse_bool("TRUE"), Ok(true));
        assert_eq!(parse_bool("1"), Ok(true));
        assert_eq!(parse_bool("False"), Ok(false));
        assert_eq!(parse_bool(" 0 "), Ok(false));
        assert!(parse_bool("yes").is_err());
    }

    #[test]
    fn whole_numbers_accept_thousands_groups_but_not_fractions() {
        assert_eq!(parse_int("1200"), Ok(1200));
        assert_eq!(parse_int("1,200"), Ok(1200));
        assert_eq!(parse_int("1.200.000"), Ok(1_200_000));
        assert_eq!(parse_int("1200.0"), Ok(1200));
        assert_eq!(parse_int("-3"), Ok(-3));
        assert!(parse_int("1.2").is_err());
        assert!(parse_int("12,00").is_err());
        assert!(parse_int("").is_err());
    }

    #[test]
    fn percentages_read_with_or_without_a_percent_sign() {
        assert_eq!(parse_decimal("10").unwrap(), Decimal::from(10));
        assert_eq!(parse_decimal("33.33 %").unwrap().to_string(), "33.33");
        assert!(parse_decimal("1e3").is_err());
        assert!(parse_decimal("ten").is_err());
    }
}
