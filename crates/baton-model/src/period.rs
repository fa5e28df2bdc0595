//! Periods: a calendar month, a fiscal quarter or a fiscal year.
//!
//! Quotas, reports, commission plans and the forecast all speak of periods, so they are one type.
//! A fiscal year is named after the calendar year it starts in (Salesforce's default): with a
//! fiscal year starting in February, `FY2026` runs from 2026-02-01 to 2027-01-31 and `2026-Q1` is
//! February to April 2026. With the default January start, fiscal and calendar years coincide.

use chrono::{Datelike, Months, NaiveDate};
use std::fmt;

crate::string_enum! {
    /// The length of a period.
    pub enum PeriodKind as "period kind" {
        /// A calendar month, `2026-07`.
        Month = "month",
        /// A fiscal quarter, `2026-Q3`.
        Quarter = "quarter",
        /// A fiscal year, `FY2026`.
        Year = "year",
    }
}

impl PeriodKind {
    /// Months in one period of this kind.
    pub fn months(self) -> u32 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::Year => 12,
        }
    }
}

/// A half-open date range `[start, end)` of one kind, aligned to the fiscal calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    kind: PeriodKind,
    start: NaiveDate,
    fiscal_start_month: u32,
}

/// Why a period could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a period: expected a month (2026-07), a quarter (2026-Q3) or a year (FY2026)"
)]
pub struct InvalidPeriod(pub String);

fn first_of(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)
}

impl Period {
    /// Parses `2026-07`, `2026-Q3` or `FY2026` for an organisation whose fiscal year starts in
    /// `fiscal_start_month` (1–12).
    pub fn parse(text: &str, fiscal_start_month: u32) -> Result<Self, InvalidPeriod> {
        let invalid = || InvalidPeriod(text.to_owned());
        if !(1..=12).contains(&fiscal_start_month) {
            return Err(invalid());
        }
        let s = text.trim().to_ascii_uppercase();
        let year = |y: &str| -> Result<i32, InvalidPeriod> {
            if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) {
                y.parse().map_err(|_| invalid())
            } else {
                Err(invalid())
            }
        };
        let (kind, start) = if let Some(y) = s.strip_prefix("FY") {
            (PeriodKind::Year, first_of(year(y)?, fiscal_start_month))
        } else if let Some((y, q)) = s.split_once("-Q") {
            let q: u32 = match q {
                "1" => 1,
                "2" => 2,
                "3" => 3,
                "4" => 4,
                _ => return Err(invalid()),
            };
            let fy_start = first_of(year(y)?, fiscal_start_month).ok_or_else(invalid)?;
            (
                PeriodKind::Quarter,
                fy_start.checked_add_months(Months::new((q - 1) * 3)),
            )
        } else if let Some((y, m)) = s.split_once('-') {
            if m.is_empty() || m.len() > 2 || !m.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            let m: u32 = m.parse().map_err(|_| invalid())?;
            (PeriodKind::Month, first_of(year(y)?, m))
        } else {
            return Err(invalid());
        };
        let start = start.ok_or_else(invalid)?;
        Ok(Period {
            kind,
            start,
            fiscal_start_month,
        })
    }

    /// The period of `kind` that contains `date`.
    pub fn containing(date: NaiveDate, kind: PeriodKind, fiscal_start_month: u32) -> Self {
        let fiscal_start_month = fiscal_start_month.clamp(1, 12);
        let start = match kind {
            PeriodKind::Month => date.with_day(1).unwrap_or(date),
            PeriodKind::Quarter | PeriodKind::Year => {
                // Months since the fiscal year began, 0..12.
                let offset = (date.month() + 12 - fiscal_start_month) % 12;
                let aligned = offset - offset % kind.months();
                let month_start = date.with_day(1).unwrap_or(date);
                month_start - Months::new(offset - aligned)
            }
        };
        Period {
            kind,
            start,
            fiscal_start_month,
        }
    }

    /// The month (1–12) the fiscal year starts in.
    pub fn fiscal_start_month(&self) -> u32 {
        self.fiscal_start_month
    }

    /// Month, quarter or fiscal year.
    pub fn kind(&self) -> PeriodKind {
        self.kind
    }

    /// The first day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The day after the last day (the range is half-open).
    pub fn end(&self) -> NaiveDate {
        self.start + Months::new(self.kind.months())
    }

    /// The last day in the period.
    pub fn last_day(&self) -> NaiveDate {
        self.end().pred_opt().unwrap_or(self.start)
    }

    /// Whether `date` falls in the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date < self.end()
    }

    /// The period of the same kind just before this one.
    pub fn previous(&self) -> Self {
        Period {
            start: self.start - Months::new(self.kind.months()),
            ..*self
        }
    }

    /// The period of the same kind just after this one.
    pub fn next(&self) -> Self {
        Period {
            start: self.end(),
            ..*self
        }
    }

    /// The same period one year earlier.
    pub fn year_before(&self) -> Self {
        Period {
            start: self.start - Months::new(12),
            ..*self
        }
    }

    /// The fiscal year this period starts in, by its name (`FY2026` → 2026).
    fn fiscal_year(&self) -> i32 {
        let fy_start = Period::containing(self.start, PeriodKind::Year, self.fiscal_start_month);
        fy_start.start.year()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Month => write!(f, "{}-{:02}", self.start.year(), self.start.month()),
            PeriodKind::Quarter => {
                let offset = (self.start.month() + 12 - self.fiscal_start_month) % 12;
                write!(f, "{}-Q{}", self.fiscal_year(), offset / 3 + 1)
            }
            PeriodKind::Year => write!(f, "FY{}", self.fiscal_year()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn calendar_quarters_when_the_fiscal_year_starts_in_january() {
        let q = Period::parse("2026-Q3", 1).unwrap();
        assert_eq!((q.start(), q.end()), (date(2026, 7, 1), date(2026, 10, 1)));
        assert_eq!(q.last_day(), date(2026, 9, 30));
        assert_eq!(q.to_string(), "2026-Q3");
        assert_eq!(q.previous().to_string(), "2026-Q2");
        assert_eq!(q.next().next().to_string(), "2027-Q1");
        assert_eq!(q.year_before().to_string(), "2025-Q3");
    }

    #[test]
    fn a_february_fiscal_year_is_named_after_the_year_it_starts_in() {
        let fy = Period::parse("FY2026", 2).unwrap();
        assert_eq!((fy.start(), fy.end()), (date(2026, 2, 1), date(2027, 2, 1)));
        let q4 = Period::parse("2026-Q4", 2).unwrap();
        assert_eq!(
            (q4.start(), q4.end()),
            (date(2026, 11, 1), date(2027, 2, 1))
        );
        // January 2027 still belongs to FY2026's last quarter.
        let jan = Period::containing(date(2027, 1, 15), PeriodKind::Quarter, 2);
        assert_eq!(jan, q4);
        assert_eq!(jan.to_string(), "2026-Q4");
        assert_eq!(
            Period::containing(date(2027, 1, 15), PeriodKind::Year, 2).to_string(),
            "FY2026"
        );
    }

    #[test]
    fn months_parse_and_print_with_two_digits() {
        let m = Period::parse("2026-7", 1).unwrap();
        assert_eq!(m.to_string(), "2026-07");
        assert!(m.contains(date(2026, 7, 31)));
        assert!(!m.contains(date(2026, 8, 1)));
        assert_eq!(
            Period::parse("2026-12", 4).unwrap().next().to_string(),
            "2027-01"
        );
    }

    #[test]
    fn containing_finds_the_period_for_every_day_of_a_year() {
        for fy_start in 1..=12 {
            let mut d = date(2025, 1, 1);
            while d < date(2027, 1, 1) {
                for kind in [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year] {
                    let p = Period::containing(d, kind, fy_start);
                    assert!(p.contains(d), "{d} not in {p} (fy start {fy_start})");
                    assert_eq!(Period::parse(&p.to_string(), fy_start).unwrap(), p);
                }
                d = d.succ_opt().unwrap();
            }
        }
    }

    #[test]
    fn malformed_periods_are_rejected() {
        for bad in [
            "", "2026", "2026-Q5", "2026-Q0", "2026-13", "2026-00", "FY26", "Q3-2026", "26-Q1",
        ] {
            assert!(Period::parse(bad, 1).is_err(), "{bad:?} should be rejected");
        }
        assert!(Period::parse("2026-Q1", 13).is_err());
    }
}
