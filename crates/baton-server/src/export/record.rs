//! One CSV row addressed by column name, and the value formats exports share.

use baton_model::Currency;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rust_decimal::Decimal;

/// A row of a file whose columns are fixed: the object's known columns, then any extra ones
/// (custom fields). Setting a column the file does not have is a programming error.
pub(crate) struct Record {
    columns: &'static [&'static str],
    extra: Vec<String>,
    cells: Vec<String>,
}

impl Record {
    /// An empty row.
    pub(crate) fn new(columns: &'static [&'static str], extra: &[String]) -> Self {
        Self {
            columns,
            extra: extra.to_vec(),
            cells: vec![String::new(); columns.len() + extra.len()],
        }
    }

    fn index(&self, column: &str) -> usize {
        self.columns
            .iter()
            .position(|c| *c == column)
            .or_else(|| {
                self.extra
                    .iter()
                    .position(|c| c == column)
                    .map(|i| i + self.columns.len())
            })
            .unwrap_or_else(|| panic!("{column} is not a column of this file"))
    }

    /// Sets a column to a value's text.
    #[expect(
        clippy::needless_pass_by_value,
        reason = "callers pass temporaries and references alike"
    )]
    pub(crate) fn set(&mut self, column: &str, value: impl ToString) -> &mut Self {
        let i = self.index(column);
        self.cells[i] = value.to_string();
        self
    }

    /// Sets a column when there is a value; leaves it empty otherwise.
    pub(crate) fn opt(&mut self, column: &str, value: Option<impl ToString>) -> &mut Self {
        if let Some(v) = value {
            self.set(column, v);
        }
        self
    }

    /// The cells, in header order.
    pub(crate) fn cells(&self) -> &[String] {
        &self.cells
    }
}

/// Integer minor units as a decimal amount in major units (`123450` USD → `1234.50`).
pub(crate) fn major(minor: i64, currency: Currency) -> Decimal {
    Decimal::new(minor, u32::from(currency.exponent()))
}

/// An instant as ISO 8601 in UTC, with as many fraction digits as it has (`…T10:00:00Z`).
pub(crate) fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A date as ISO 8601.
pub(crate) fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A checkbox as Salesforce writes it.
pub(crate) fn flag(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_major_units_with_the_currency_s_decimals() {
        assert_eq!(major(123_450, Currency::USD).to_string(), "1234.50");
        let yen: Currency = "JPY".parse().unwrap();
        assert_eq!(major(5_000, yen).to_string(), "5000");
        assert_eq!(major(-5, Currency::USD).to_string(), "-0.05");
    }

    #[test]
    fn times_are_utc_with_their_fraction() {
        let at = DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap();
        assert_eq!(time(at), "2023-11-14T22:13:20.123456Z");
        let whole = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        assert_eq!(time(whole), "2023-11-14T22:13:20Z");
    }
}
