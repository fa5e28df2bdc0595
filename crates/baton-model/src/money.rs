//! Money: integer minor units and an ISO 4217 currency. Never a float.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The largest magnitude Baton stores, in minor units (10^15: ten trillion dollars).
///
/// Anything larger is a typo or an attack, and keeping a margin below `i64::MAX` means sums of
/// many amounts in reports cannot overflow.
pub const MAX_MINOR: i64 = 1_000_000_000_000_000;

/// Active ISO 4217 codes with their minor-unit exponent, sorted by code.
///
/// Source: ISO 4217 list one (as published by SIX Group), fund and precious-metal codes left out.
#[rustfmt::skip]
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2), ("AFN", 2), ("ALL", 2), ("AMD", 2), ("AOA", 2), ("ARS", 2), ("AUD", 2),
    ("AWG", 2), ("AZN", 2), ("BAM", 2), ("BBD", 2), ("BDT", 2), ("BGN", 2), ("BHD", 3),
    ("BIF", 0), ("BMD", 2), ("BND", 2), ("BOB", 2), ("BRL", 2), ("BSD", 2), ("BTN", 2),
    ("BWP", 2), ("BYN", 2), ("BZD", 2), ("CAD", 2), ("CDF", 2), ("CHF", 2), ("CLP", 0),
    ("CNY", 2), ("COP", 2), ("CRC", 2), ("CUP", 2), ("CVE", 2), ("CZK", 2), ("DJF", 0),
    ("DKK", 2), ("DOP", 2), ("DZD", 2), ("EGP", 2), ("ERN", 2), ("ETB", 2), ("EUR", 2),
    ("FJD", 2), ("FKP", 2), ("GBP", 2), ("GEL", 2), ("GHS", 2), ("GIP", 2), ("GMD", 2),
    ("GNF", 0), ("GTQ", 2), ("GYD", 2), ("HKD", 2), ("HNL", 2), ("HTG", 2), ("HUF", 2),
    ("IDR", 2), ("ILS", 2), ("INR", 2), ("IQD", 3), ("IRR", 2), ("ISK", 0), ("JMD", 2),
    ("JOD", 3), ("JPY", 0), ("KES", 2), ("KGS", 2), ("KHR", 2), ("KMF", 0), ("KPW", 2),
    ("KRW", 0), ("KWD", 3), ("KYD", 2), ("KZT", 2), ("LAK", 2), ("LBP", 2), ("LKR", 2),
    ("LRD", 2), ("LSL", 2), ("LYD", 3), ("MAD", 2), ("MDL", 2), ("MGA", 2), ("MKD", 2),
    ("MMK", 2), ("MNT", 2), ("MOP", 2), ("MRU", 2), ("MUR", 2), ("MVR", 2), ("MWK", 2),
    ("MXN", 2), ("MYR", 2), ("MZN", 2), ("NAD", 2), ("NGN", 2), ("NIO", 2), ("NOK", 2),
    ("NPR", 2), ("NZD", 2), ("OMR", 3), ("PAB", 2), ("PEN", 2), ("PGK", 2), ("PHP", 2),
    ("PKR", 2), ("PLN", 2), ("PYG", 0), ("QAR", 2), ("RON", 2), ("RSD", 2), ("RUB", 2),
    ("RWF", 0), ("SAR", 2), ("SBD", 2), ("SCR", 2), ("SDG", 2), ("SEK", 2), ("SGD", 2),
    ("SHP", 2), ("SLE", 2), ("SOS", 2), ("SRD", 2), ("SSP", 2), ("STN", 2), ("SVC", 2),
    ("SYP", 2), ("SZL", 2), ("THB", 2), ("TJS", 2), ("TMT", 2), ("TND", 3), ("TOP", 2),
    ("TRY", 2), ("TTD", 2), ("TWD", 2), ("TZS", 2), ("UAH", 2), ("UGX", 0), ("USD", 2),
    ("UYU", 2), ("UZS", 2), ("VED", 2), ("VES", 2), ("VND", 0), ("VUV", 0), ("WST", 2),
    ("XAF", 0), ("XCD", 2), ("XOF", 0), ("XPF", 0), ("YER", 2), ("ZAR", 2), ("ZMW", 2),
    ("ZWG", 2),
];

/// An ISO 4217 currency code that Baton knows the minor unit of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    exponent: u8,
}

/// A string that is not a known ISO 4217 currency code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown currency {0:?}: expected an ISO 4217 code such as USD or EUR")]
pub struct UnknownCurrency(pub String);

impl Currency {
    /// US dollars, the default for a new organisation.
    pub const USD: Currency = Currency {
        code: *b"USD",
        exponent: 2,
    };

    /// The three-letter code.
    pub fn code(&self) -> &str {
        // The code came from CURRENCIES, which holds only ASCII.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// Digits after the decimal point in this currency's minor unit (2 for USD, 0 for JPY).
    pub fn exponent(&self) -> u8 {
        self.exponent
    }

    /// Every known currency, for pickers.
    pub fn all() -> impl Iterator<Item = Currency> {
        CURRENCIES.iter().map(|(code, exponent)| Currency {
            code: code.as_bytes().try_into().unwrap_or(*b"???"),
            exponent: *exponent,
        })
    }
}

impl FromStr for Currency {
    type Err = UnknownCurrency;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        CURRENCIES
            .binary_search_by(|(code, _)| code.cmp(&upper.as_str()))
            .ok()
            .map(|i| {
                let (code, exponent) = CURRENCIES[i];
                Currency {
                    code: code.as_bytes().try_into().unwrap_or(*b"???"),
                    exponent,
                }
            })
            .ok_or(UnknownCurrency(s.to_owned()))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Currency {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("ISO 4217 currency code"))
            .examples([serde_json::json!("USD")])
            .into()
    }
}

impl utoipa::ToSchema for Currency {}

/// An amount of money in one currency, held as integer minor units (cents for USD).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Amount in the currency's minor unit.
    pub minor: i64,
    /// The currency.
    pub currency: Currency,
}

/// Why an amount was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Below zero where only non-negative amounts make sense.
    #[error("must not be negative")]
    Negative,
    /// Larger than [`MAX_MINOR`].
    #[error("is too large (at most 10^15 minor units)")]
    TooLarge,
    /// Not a decimal number in the currency's precision.
    #[error("{0:?} is not an amount with at most {1} decimal places")]
    Malformed(String, u8),
}

impl Money {
    /// A non-negative amount within bounds, as stored for deals and quotas.
    pub fn non_negative(minor: i64, currency: Currency) -> Result<Self, MoneyError> {
        if minor < 0 {
            return Err(MoneyError::Negative);
        }
        if minor > MAX_MINOR {
            return Err(MoneyError::TooLarge);
        }
        Ok(Self { minor, currency })
    }

    /// Parses a major-unit decimal such as `"1,250.50"` or `"$1250.5"` in `currency`.
    ///
    /// Thousands separators (`,` and spaces) and one leading currency symbol are accepted; more
    /// decimal places than the currency has is an error, never a silent rounding.
    pub fn parse_major(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        let malformed = || MoneyError::Malformed(text.to_owned(), currency.exponent());
        let mut s: String = text
            .trim()
            .chars()
            .filter(|c| *c != ',' && !c.is_whitespace())
            .collect();
        let negative = s.starts_with('-');
        if negative {
            s.remove(0);
        }
        let s = s.trim_start_matches(['$', '€', '£', '¥']);
        let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
        let exponent = usize::from(currency.exponent());
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
            || fraction.len() > exponent
        {
            return Err(malformed());
        }
        let scale = 10_i64.pow(u32::from(currency.exponent()));
        let whole: i64 = whole.parse().map_err(|_| MoneyError::TooLarge)?;
        let fraction_value: i64 = if fraction.is_empty() {
            0
        } else {
            let padded = format!("{fraction:0<exponent$}");
            padded.parse().map_err(|_| malformed())?
        };
        let minor = whole
            .checked_mul(scale)
            .and_then(|m| m.checked_add(fraction_value))
            .ok_or(MoneyError::TooLarge)?;
        if minor > MAX_MINOR {
            return Err(MoneyError::TooLarge);
        }
        Ok(Self {
            minor: if negative { -minor } else { minor },
            currency,
        })
    }

    /// The amount in major units as a plain decimal string, e.g. `"1250.50"`.
    pub fn to_major_string(&self) -> String {
        let exponent = u32::from(self.currency.exponent());
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exponent == 0 {
            return format!("{sign}{abs}");
        }
        let scale = 10_u64.pow(exponent);
        format!(
            "{sign}{}.{:0width$}",
            abs / scale,
            abs % scale,
            width = exponent as usize
        )
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_major_string(), self.currency)
    }
}

/// `$12,500` or `€1,250.50`: whole units when there are no cents, grouped by thousands.
pub fn readable_money(minor: i64, currency: Currency) -> String {
    let symbol = match currency.code() {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        _ => "",
    };
    let exponent = u32::from(currency.exponent());
    let scale = 10_i64.pow(exponent);
    let (whole, cents) = (minor.abs() / scale, minor.abs() % scale);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if minor < 0 { "-" } else { "" };
    let fraction = if cents == 0 {
        String::new()
    } else {
        format!(".{cents:0width$}", width = exponent as usize)
    };
    let code = if symbol.is_empty() {
        format!(" {}", currency.code())
    } else {
        String::new()
    };
    format!("{sign}{symbol}{grouped}{fraction}{code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_like_money() {
        let usd = Currency::USD;
        assert_eq!(readable_money(1_250_000, usd), "$12,500");
        assert_eq!(readable_money(125_050, usd), "$1,250.50");
        assert_eq!(readable_money(-5, usd), "-$0.05");
        assert_eq!(readable_money(99_900, "CHF".parse().unwrap()), "999 CHF");
        assert_eq!(readable_money(1_500, "JPY".parse().unwrap()), "¥1,500");
    }

    fn usd() -> Currency {
        "USD".parse().unwrap()
    }

    #[test]
    fn the_currency_table_is_sorted_so_binary_search_finds_every_code() {
        assert!(CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0));
        for (code, _) in CURRENCIES {
            assert_eq!(code.parse::<Currency>().unwrap().code(), *code);
        }
    }

    #[test]
    fn currency_codes_are_case_insensitive_and_unknown_ones_are_rejected() {
        assert_eq!("eur".parse::<Currency>().unwrap().code(), "EUR");
        assert_eq!("JPY".parse::<Currency>().unwrap().exponent(), 0);
        assert_eq!("KWD".parse::<Currency>().unwrap().exponent(), 3);
        assert!("XXX".parse::<Currency>().is_err());
        assert!("US".parse::<Currency>().is_err());
    }

    #[test]
    fn major_amounts_parse_to_exact_minor_units() {
        assert_eq!(
            Money::parse_major("1,250.50", usd()).unwrap().minor,
            125_050
        );
        assert_eq!(Money::parse_major("$1250.5", usd()).unwrap().minor, 125_050);
        assert_eq!(Money::parse_major("0.07", usd()).unwrap().minor, 7);
        assert_eq!(Money::parse_major("-3", usd()).unwrap().minor, -300);
        let jpy = "JPY".parse().unwrap();
        assert_eq!(Money::parse_major("1500", jpy).unwrap().minor, 1500);
        assert!(Money::parse_major("1500.5", jpy).is_err());
    }

    #[test]
    fn more_decimals_than_the_currency_has_are_an_error_not_a_rounding() {
        assert!(matches!(
            Money::parse_major("1.005", usd()),
            Err(MoneyError::Malformed(..))
        ));
        assert!(Money::parse_major("abc", usd()).is_err());
        assert!(Money::parse_major("", usd()).is_err());
        assert!(Money::parse_major("1e5", usd()).is_err());
    }

    #[test]
    fn absurd_and_negative_amounts_are_refused_where_they_must_be_non_negative() {
        assert_eq!(Money::non_negative(-1, usd()), Err(MoneyError::Negative));
        assert_eq!(
            Money::non_negative(MAX_MINOR + 1, usd()),
            Err(MoneyError::TooLarge)
        );
        assert!(Money::non_negative(MAX_MINOR, usd()).is_ok());
        assert_eq!(
            Money::parse_major("99999999999999999999", usd()),
            Err(MoneyError::TooLarge)
        );
    }

    #[test]
    fn amounts_print_in_major_units_with_the_currency_precision() {
        assert_eq!(
            Money {
                minor: 125_050,
                currency: usd()
            }
            .to_string(),
            "1250.50 USD"
        );
        assert_eq!(
            Money {
                minor: -5,
                currency: usd()
            }
            .to_major_string(),
            "-0.05"
        );
        let kwd = "KWD".parse().unwrap();
        assert_eq!(
            Money {
                minor: 1_234,
                currency: kwd
            }
            .to_major_string(),
            "1.234"
        );
    }
}
