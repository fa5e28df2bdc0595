//! The checks every part of a plan file shares, collecting errors with their positions.

use super::PlanError;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::ops::Range;
use toml::Spanned;
use toml::value::Datetime;

/// Collects the errors of one plan file.
pub(super) struct Checker<'s> {
    pub(super) source: &'s str,
    pub(super) errors: Vec<PlanError>,
}

impl Checker<'_> {
    pub(super) fn error(&mut self, span: Range<usize>, field: &str, message: impl Into<String>) {
        self.errors
            .push(PlanError::at(self.source, Some(span), field, message));
    }

    pub(super) fn one_of<T: Copy>(
        &mut self,
        value: &Spanned<String>,
        field: &str,
        choices: &[(&str, T)],
    ) -> Option<T> {
        let found = choices.iter().find(|(name, _)| *name == value.get_ref());
        if found.is_none() {
            let names: Vec<String> = choices.iter().map(|(n, _)| format!("{n:?}")).collect();
            self.error(
                value.span(),
                field,
                format!("{:?} is not one of {}", value.get_ref(), names.join(", ")),
            );
        }
        found.map(|(_, v)| *v)
    }

    pub(super) fn identifier(&mut self, value: &Spanned<String>, field: &str) {
        let ok = !value.get_ref().is_empty()
            && value
                .get_ref()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !ok {
            self.error(
                value.span(),
                field,
                "must be letters, digits, '-', '_' or '.', and not empty",
            );
        }
    }

    pub(super) fn date(&mut self, value: &Spanned<Datetime>, field: &str) -> Option<NaiveDate> {
        let datetime = value.get_ref();
        let date = match (datetime.date, datetime.time) {
            (Some(d), None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            }
            _ => None,
        };
        if date.is_none() {
            self.error(
                value.span(),
                field,
                "must be a date without a time, e.g. 2026-01-01",
            );
        }
        date
    }

    /// A rate in percent that must lie within 0–100, returned as a fraction.
    pub(super) fn rate(&mut self, value: &Spanned<Decimal>, field: &str) -> Decimal {
        let pct = *value.get_ref();
        if pct < Decimal::ZERO || pct > Decimal::ONE_HUNDRED {
            self.error(
                value.span(),
                field,
                format!("rate {pct} % is out of range: a rate must be from 0 to 100 %"),
            );
        }
        pct / Decimal::ONE_HUNDRED
    }

    pub(super) fn positive(&mut self, value: &Spanned<Decimal>, field: &str) -> Decimal {
        if *value.get_ref() <= Decimal::ZERO {
            self.error(value.span(), field, "must be greater than zero");
        }
        *value.get_ref()
    }

    pub(super) fn absent<T>(&mut self, value: Option<&Spanned<T>>, field: &str, kind: &str) {
        if let Some(value) = value {
            self.error(
                value.span(),
                field,
                format!("is not used by a component of type {kind:?}; remove it"),
            );
        }
    }
}
