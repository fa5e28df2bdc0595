//! Putting values into words for pages: money, dates and times in the reader's zone, and how
//! long ago something happened.

use baton_model::TimeZone;
use chrono::{DateTime, Datelike, NaiveDate, Utc};

pub use baton_model::readable_money as money;

/// How long before `now` a moment was, in the largest fitting unit: "3 days ago".
pub fn ago(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - at).num_seconds();
    if seconds < 0 {
        return "just now".into();
    }
    let (n, unit) = match seconds {
        0..=59 => return "just now".into(),
        60..=3_599 => (seconds / 60, "minute"),
        3_600..=86_399 => (seconds / 3_600, "hour"),
        86_400..=2_591_999 => (seconds / 86_400, "day"),
        2_592_000..=31_535_999 => (seconds / 2_592_000, "month"),
        _ => (seconds / 31_536_000, "year"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// A count with thousands separated: "10,000".
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(d);
    }
    grouped
}

/// A date as people write it: "Mon 7 Dec".
pub fn day(date: NaiveDate) -> String {
    date.format("%a %-d %b").to_string()
}

/// A time of day in the reader's zone: "14:30".
pub fn time(at: DateTime<Utc>, tz: TimeZone) -> String {
    at.with_timezone(&tz.0).format("%H:%M").to_string()
}

/// The reader's calendar day for a moment.
pub fn local_day(at: DateTime<Utc>, tz: TimeZone) -> NaiveDate {
    at.with_timezone(&tz.0).date_naive()
}

/// The first day of the month after `date`'s.
pub fn next_month(date: NaiveDate) -> NaiveDate {
    let (y, m) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_read_as_how_long_ago() {
        let now = DateTime::parse_from_rfc3339("2026-11-29T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(ago(at("2026-11-29T11:59:30Z"), now), "just now");
        assert_eq!(ago(at("2026-11-29T11:00:00Z"), now), "1 hour ago");
        assert_eq!(ago(at("2026-11-26T12:00:00Z"), now), "3 days ago");
        assert_eq!(ago(at("2026-08-30T12:00:00Z"), now), "3 months ago");
    }
}
