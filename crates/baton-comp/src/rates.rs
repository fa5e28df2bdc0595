//! Dated exchange rates, for deals won in another currency than the plan pays in.
//!
//! A credit is converted at the rate of its credit date: the latest rate on or before that date
//! for the pair, as a bank's daily reference rates are read (a weekend deal takes Friday's
//! rate). Rates apply in the direction given only: a table with EUR→USD does not convert USD to
//! EUR, because `1 / rate` is not exact and finance should say which rate they mean.

use baton_model::{Currency, Money};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;

/// One published rate: on `date`, one unit of `from` is worth `rate` units of `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// The currency converted from.
    pub from: Currency,
    /// The currency converted to.
    pub to: Currency,
    /// The first day the rate applies.
    pub date: NaiveDate,
    /// Units of `to` per unit of `from`.
    pub rate: Decimal,
}

impl Rate {
    /// Reads a rate from the four fields of a table row, such as
    /// `("EUR", "USD", "2026-08-14", "1.0842")`.
    pub fn parse(from: &str, to: &str, date: &str, rate: &str) -> Result<Rate, RateError> {
        let currency = |code: &str| {
            Currency::from_str(code).map_err(|_| RateError::UnknownCurrency(code.to_owned()))
        };
        let (from, to) = (currency(from)?, currency(to)?);
        let date =
            NaiveDate::from_str(date.trim()).map_err(|_| RateError::BadDate(date.to_owned()))?;
        let rate =
            Decimal::from_str(rate.trim()).map_err(|_| RateError::BadRate(rate.to_owned()))?;
        Ok(Rate {
            from,
            to,
            date,
            rate,
        })
    }
}

/// Why a rate was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    /// Not an ISO 4217 code Baton knows.
    #[error("unknown currency {0:?} in an exchange rate: expected an ISO 4217 code such as EUR")]
    UnknownCurrency(String),
    /// Not a date.
    #[error("{0:?} is not a date (YYYY-MM-DD) in an exchange rate")]
    BadDate(String),
    /// Not a decimal number.
    #[error("{0:?} is not an exchange rate: write a decimal number such as 1.0842")]
    BadRate(String),
    /// Zero, negative, or a currency to itself.
    #[error("{from}→{to} on {date}: {reason}")]
    Invalid {
        /// From.
        from: Currency,
        /// To.
        to: Currency,
        /// Date.
        date: NaiveDate,
        /// What is wrong.
        reason: String,
    },
    /// Two different rates for one pair and day.
    #[error("{from}→{to} on {date} is given twice: {first} and {second}")]
    Conflict {
        /// From.
        from: Currency,
        /// To.
        to: Currency,
        /// Date.
        date: NaiveDate,
        /// The rate given first.
        first: Decimal,
        /// The other.
        second: Decimal,
    },
}

/// A table of dated rates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExchangeRates {
    /// Per pair, (date, rate) in date order.
    pairs: BTreeMap<(Currency, Currency), Vec<(NaiveDate, Decimal)>>,
}

/// The rate a conversion used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Units of the target currency per unit of the source.
    pub rate: Decimal,
    /// The date the rate was published for.
    pub date: NaiveDate,
}

/// No rate converts `from` into `to` on `date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoRate {
    /// The earliest rate of the pair, which is after the date; `None` when the table has no
    /// rate for the pair at all.
    pub earliest: Option<NaiveDate>,
}

impl ExchangeRates {
    /// No rates: every amount must already be in the plan currency.
    pub const fn new() -> Self {
        ExchangeRates {
            pairs: BTreeMap::new(),
        }
    }

    /// A table of `rates`; refuses rates that are not above zero, a currency to itself, and two
    /// different rates for one pair and day (the same rate twice is accepted).
    pub fn from_rates(rates: impl IntoIterator<Item = Rate>) -> Result<Self, RateError> {
        let mut table = ExchangeRates::new();
        for rate in rates {
            table.insert(rate)?;
        }
        Ok(table)
    }

    /// Adds one rate, with the checks of [`ExchangeRates::from_rates`].
    pub fn insert(&mut self, rate: Rate) -> Result<(), RateError> {
        let invalid = |reason: &str| RateError::Invalid {
            from: rate.from,
            to: rate.to,
            date: rate.date,
            reason: reason.to_owned(),
        };
        if rate.rate <= Decimal::ZERO {
            return Err(invalid("a rate must be greater than zero"));
        }
        if rate.from == rate.to {
            return Err(invalid("a currency converts to itself without a rate"));
        }
        let dated = self.pairs.entry((rate.from, rate.to)).or_default();
        match dated.binary_search_by_key(&rate.date, |(date, _)| *date) {
            Ok(i) if dated[i].1 == rate.rate => Ok(()),
            Ok(i) => Err(RateError::Conflict {
                from: rate.from,
                to: rate.to,
                date: rate.date,
                first: dated[i].1,
                second: rate.rate,
            }),
            Err(i) => {
                dated.insert(i, (rate.date, rate.rate));
                Ok(())
            }
        }
    }

    /// Whether the table holds no rate.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The latest rate from `from` to `to` on or before `date`.
    pub fn rate_on(
        &self,
        from: Currency,
        to: Currency,
        date: NaiveDate,
    ) -> Result<Applied, NoRate> {
        let Some(dated) = self.pairs.get(&(from, to)) else {
            return Err(NoRate { earliest: None });
        };
        let after = dated.partition_point(|(d, _)| *d <= date);
        match after.checked_sub(1) {
            Some(i) => Ok(Applied {
                rate: dated[i].1,
                date: dated[i].0,
            }),
            None => Err(NoRate {
                earliest: dated.first().map(|(d, _)| *d),
            }),
        }
    }

    /// `money` in `to` at the rate of `date`, exactly, in major units (not rounded).
    pub fn convert(
        &self,
        money: Money,
        to: Currency,
        date: NaiveDate,
    ) -> Result<(Decimal, Applied), NoRate> {
        let applied = self.rate_on(money.currency, to, date)?;
        Ok((crate::amount::money_major(money) * applied.rate, applied))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(from: &str, to: &str, date: &str, value: &str) -> Rate {
        Rate::parse(from, to, date, value).unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::from_str(text).unwrap()
    }

    fn eur() -> Currency {
        Currency::from_str("EUR").unwrap()
    }

    #[test]
    fn the_rate_of_a_day_is_the_latest_published_on_or_before_it() {
        let rates = ExchangeRates::from_rates([
            rate("EUR", "USD", "2026-08-14", "1.0842"),
            rate("EUR", "USD", "2026-08-10", "1.0790"),
            rate("EUR", "USD", "2026-08-17", "1.0901"),
        ])
        .unwrap();
        let on = |d: &str| rates.rate_on(eur(), Currency::USD, day(d)).map(|a| a.rate);
        assert_eq!(on("2026-08-14"), Ok(Decimal::new(10842, 4)));
        assert_eq!(on("2026-08-16"), Ok(Decimal::new(10842, 4)));
        assert_eq!(on("2026-08-10"), Ok(Decimal::new(10790, 4)));
        assert_eq!(
            on("2026-08-09"),
            Err(NoRate {
                earliest: Some(day("2026-08-10"))
            })
        );
    }

    #[test]
    fn a_rate_converts_in_the_direction_given_only() {
        let rates = ExchangeRates::from_rates([rate("EUR", "USD", "2026-01-01", "1.1")]).unwrap();
        assert_eq!(
            rates.rate_on(Currency::USD, eur(), day("2026-08-14")),
            Err(NoRate { earliest: None })
        );
    }

    #[test]
    fn unknown_currencies_bad_rates_and_conflicting_rates_are_refused() {
        assert_eq!(
            Rate::parse("EUX", "USD", "2026-08-14", "1.08")
                .unwrap_err()
                .to_string(),
            "unknown currency \"EUX\" in an exchange rate: expected an ISO 4217 code such as EUR"
        );
        assert!(matches!(
            Rate::parse("EUR", "USD", "2026-08-14", "1,08"),
            Err(RateError::BadRate(_))
        ));
        assert!(matches!(
            ExchangeRates::from_rates([rate("EUR", "USD", "2026-08-14", "0")]),
            Err(RateError::Invalid { .. })
        ));
        let conflict = ExchangeRates::from_rates([
            rate("EUR", "USD", "2026-08-14", "1.08"),
            rate("EUR", "USD", "2026-08-14", "1.09"),
        ])
        .unwrap_err();
        assert_eq!(
            conflict.to_string(),
            "EUR→USD on 2026-08-14 is given twice: 1.08 and 1.09"
        );
    }

    #[test]
    fn a_conversion_is_exact_before_any_rounding() {
        let rates =
            ExchangeRates::from_rates([rate("EUR", "USD", "2026-08-14", "1.08425")]).unwrap();
        let money = Money {
            minor: 5_000_001,
            currency: eur(),
        };
        let (exact, applied) = rates
            .convert(money, Currency::USD, day("2026-08-14"))
            .unwrap();
        assert_eq!(exact, Decimal::from_str("54212.5108425").unwrap());
        assert_eq!(applied.date, day("2026-08-14"));
    }
}
