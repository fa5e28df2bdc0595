//! One decoded row, with typed accessors by column.

use super::decode::Decoded;
use super::error::FieldFailure;
use crate::parse;
use crate::sfid::SfId;
use baton_model::{Currency, Money};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

/// One row of an export file, as an object's parser sees it.
///
/// Columns are addressed by their index in the object's list of known columns
/// ([`Record::COLUMNS`](super::Record::COLUMNS)); a column the file does not have reads as
/// empty. Every accessor treats an empty (or all-blank) field as `None`.
pub struct Row<'a> {
    pub(crate) decoded: &'a Decoded,
    pub(crate) columns: &'a [Option<usize>],
    pub(crate) names: &'static [&'static str],
    pub(crate) header: &'a [String],
    pub(crate) extra: &'a [usize],
}

impl<'a> Row<'a> {
    /// The raw text of a known column, `None` when the file has no such column.
    pub fn raw(&self, col: usize) -> Option<&'a str> {
        let index = (*self.columns.get(col)?)?;
        self.decoded.get(index)
    }

    /// The text with surrounding whitespace removed, `None` when empty. A `'` that an export
    /// put before a formula character (`'=…`, `'+…`, `'-…`, `'@…`) is dropped again, see
    /// [`formula`](crate::formula).
    pub fn text(&self, col: usize) -> Option<String> {
        self.trimmed(col)
            .map(|text| crate::formula::restore(text).to_owned())
    }

    fn trimmed(&self, col: usize) -> Option<&'a str> {
        let raw = self.raw(col)?;
        // Most values need no trimming; `str::trim` is Unicode-aware and costs more.
        let untouched = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
        let bytes = raw.as_bytes();
        let value = if untouched(bytes.first()) && untouched(bytes.last()) {
            raw
        } else {
            raw.trim()
        };
        (!value.is_empty()).then_some(value)
    }

    pub(crate) fn value<V>(
        &self,
        col: usize,
        parse: impl FnOnce(&str) -> Result<V, String>,
    ) -> Result<Option<V>, FieldFailure> {
        self.trimmed(col)
            .map(parse)
            .transpose()
            .map_err(|reason| self.failure(col, reason))
    }

    pub(crate) fn failure(&self, col: usize, reason: String) -> FieldFailure {
        FieldFailure {
            field: self.names.get(col).map_or("?", |n| super::column_name(n)),
            reason,
        }
    }

    /// A lookup id; the all-zero id some tools write for "no record" reads as `None`.
    pub fn id(&self, col: usize) -> Result<Option<SfId>, FieldFailure> {
        let id = self.value(col, |s| SfId::parse(s).map_err(|e| e.to_string()))?;
        Ok(id.filter(|id| !id.is_null()))
    }

    /// An id that must be present (the record's own `Id`).
    pub fn required_id(&self, col: usize) -> Result<SfId, FieldFailure> {
        self.id(col)?
            .ok_or_else(|| self.failure(col, "is empty; every row needs an id".to_owned()))
    }

    /// A date (see [`parse::date`](crate::parse::date) for the accepted forms).
    pub fn date(&self, col: usize) -> Result<Option<NaiveDate>, FieldFailure> {
        self.value(col, parse::parse_date)
    }

    /// A date-time as a UTC instant.
    pub fn datetime(&self, col: usize) -> Result<Option<DateTime<Utc>>, FieldFailure> {
        self.value(col, parse::parse_datetime)
    }

    /// A checkbox.
    pub fn boolean(&self, col: usize) -> Result<Option<bool>, FieldFailure> {
        self.value(col, parse::parse_bool)
    }

    /// A whole number.
    pub fn int(&self, col: usize) -> Result<Option<i64>, FieldFailure> {
        self.value(col, parse::parse_int)
    }

    /// A plain decimal such as a percentage.
    pub fn decimal(&self, col: usize) -> Result<Option<Decimal>, FieldFailure> {
        self.value(col, parse::parse_decimal)
    }

    /// An amount whose currency is not known yet, as an exact decimal.
    pub fn amount(&self, col: usize) -> Result<Option<Decimal>, FieldFailure> {
        self.value(col, parse::parse_amount)
    }

    /// An ISO 4217 currency code.
    pub fn currency(&self, col: usize) -> Result<Option<Currency>, FieldFailure> {
        self.value(col, |s| s.parse::<Currency>().map_err(|e| e.to_string()))
    }

    /// An amount in `currency`, as integer minor units.
    pub fn money(&self, col: usize, currency: Currency) -> Result<Option<Money>, FieldFailure> {
        self.value(col, |s| {
            let amount = parse::parse_amount(s)?;
            let minor = parse::to_minor(amount, currency.exponent())?;
            Ok(Money { minor, currency })
        })
    }

    /// An owner, however the cell names them.
    pub fn owner(&self, col: usize) -> Option<parse::OwnerRef> {
        self.trimmed(col).map(parse::OwnerRef::parse)
    }

    /// The non-empty values of columns the object does not know, as `(header, value)`.
    pub fn extra(&self) -> Vec<(String, String)> {
        self.extra
            .iter()
            .filter_map(|&i| {
                let value = self.decoded.get(i)?;
                let name = self.header.get(i)?;
                (!value.trim().is_empty()).then(|| (name.clone(), value.to_owned()))
            })
            .collect()
    }
}
