//! Dates and date-times as they appear in CRM exports.
//!
//! Accepted forms:
//! * ISO dates `2026-03-04`, and US dates `3/4/2026` (always month first, four-digit year: a
//!   day-first `13/4/2026` is rejected rather than guessed).
//! * Salesforce date-times `2026-03-04T17:22:05.000Z`, with or without milliseconds, with `Z`,
//!   `+0000` or `+00:00` offsets, or a space instead of `T`. A date-time without an offset is UTC,
//!   which is what Salesforce's Data Export and Data Loader write.
//! * US date-times from reports, `3/4/2026 5:22 PM` or `3/4/2026 17:22:05` (read as UTC).
//! * A date where a date-time is expected means midnight UTC; a date-time where a date is
//!   expected keeps the date as written.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// A cursor over ASCII text.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            bytes: text.as_bytes(),
            at: 0,
        }
    }

    /// Between `min` and `max` digits as a number.
    fn number(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.at;
        let mut value = 0_u32;
        while self.at < self.bytes.len() && self.at - start < max {
            let b = self.bytes[self.at];
            if !b.is_ascii_digit() {
                break;
            }
            value = value * 10 + u32::from(b - b'0');
            self.at += 1;
        }
        (self.at - start >= min).then_some(value)
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.bytes.get(self.at) == Some(&byte);
        self.at += usize::from(hit);
        hit
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn rest(&self) -> &'a [u8] {
        &self.bytes[self.at..]
    }

    fn done(&self) -> bool {
        self.at == self.bytes.len()
    }
}

const DATE_HELP: &str = "expected a date like 2026-03-04 or 3/4/2026";
const DATETIME_HELP: &str =
    "expected a date-time like 2026-03-04T17:22:05.000Z or 3/4/2026 5:22 PM";

/// Parses a date field.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    let mut c = Cursor::new(text);
    let date = leading_date(&mut c).ok_or_else(|| format!("{text:?}: {DATE_HELP}"))?;
    if c.done() || parse_datetime(text).is_ok() {
        Ok(date)
    } else {
        Err(format!("{text:?}: {DATE_HELP}"))
    }
}

/// Parses a date-time field into a UTC instant.
pub fn parse_datetime(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    let err = || format!("{text:?}: {DATETIME_HELP}");
    let mut c = Cursor::new(text);
    let us = text.contains('/');
    let date = leading_date(&mut c).ok_or_else(err)?;
    if c.done() {
        return Ok(Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN)));
    }
    if !(c.eat(b'T') || c.eat(b' ')) {
        return Err(err());
    }
    let time = if us {
        us_time(&mut c)
    } else {
        iso_time(&mut c)
    }
    .ok_or_else(err)?;
    let local = NaiveDateTime::new(date, time);
    let offset = offset(&mut c).ok_or_else(err)?;
    if !c.done() {
        return Err(err());
    }
    offset
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(err)
}

/// `YYYY-MM-DD` or `M/D/YYYY` at the start of the cursor.
fn leading_date(c: &mut Cursor<'_>) -> Option<NaiveDate> {
    let start = c.at;
    let first = c.number(1, 4)?;
    let digits = c.at - start;
    if digits == 4 && c.eat(b'-') {
        let month = c.number(2, 2)?;
        if !c.eat(b'-') {
            return None;
        }
        let day = c.number(2, 2)?;
        return NaiveDate::from_ymd_opt(i32::try_from(first).ok()?, month, day);
    }
    if digits > 2 || first > 12 || !c.eat(b'/') {
        return None;
    }
    let day = c.number(1, 2)?;
    if !c.eat(b'/') {
        return None;
    }
    let year = c.number(4, 4)?;
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, first, day)
}

/// `HH:MM[:SS[.fff]]`.
fn iso_time(c: &mut Cursor<'_>) -> Option<NaiveTime> {
    let hour = c.number(2, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let minute = c.number(2, 2)?;
    let second = if c.eat(b':') { c.number(2, 2)? } else { 0 };
    let mut nanos = 0;
    if c.eat(b'.') {
        let start = c.at;
        let fraction = c.number(1, 9)?;
        let digits = u32::try_from(c.at - start).ok()?;
        nanos = fraction * 10_u32.pow(9 - digits);
    }
    NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
}

/// `H:MM[:SS][ AM|PM]`.
fn us_time(c: &mut Cursor<'_>) -> Option<NaiveTime> {
    let mut hour = c.number(1, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let minute = c.number(2, 2)?;
    let second = if c.eat(b':') { c.number(2, 2)? } else { 0 };
    let save = c.at;
    c.eat(b' ');
    match c.rest().get(..2).map(<[u8]>::to_ascii_uppercase).as_deref() {
        Some(b"AM" | b"PM") if (1..=12).contains(&hour) => {
            let pm = c.rest()[0].eq_ignore_ascii_case(&b'P');
            hour = hour % 12 + if pm { 12 } else { 0 };
            c.at += 2;
        }
        _ => c.at = save,
    }
    NaiveTime::from_hms_opt(hour, minute, second)
}

/// `Z`, `+HHMM`, `+HH:MM`, `+HH`, or nothing (UTC).
fn offset(c: &mut Cursor<'_>) -> Option<FixedOffset> {
    if c.done() || c.eat(b'Z') || c.eat(b'z') {
        return FixedOffset::east_opt(0);
    }
    let sign = match c.peek()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    c.at += 1;
    let hours = c.number(2, 2)?;
    c.eat(b':');
    let minutes = if c.done() { 0 } else { c.number(2, 2)? };
    let seconds = i32::try_from(hours * 3600 + minutes * 60).ok()?;
    FixedOffset::east_opt(sign * seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> String {
        parse_datetime(text).unwrap().to_rfc3339()
    }

    #[test]
    fn every_accepted_date_form_reads_the_same_day() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();
        for text in ["2026-03-04", "3/4/2026", "03/04/2026", " 2026-03-04 "] {
            assert_eq!(parse_date(text).unwrap(), day, "{text}");
        }
        assert_eq!(parse_date("2026-03-04T23:30:00.000-0500").unwrap(), day);
    }

    #[test]
    fn day_first_and_two_digit_years_are_rejected_not_guessed() {
        assert!(parse_date("13/4/2026").is_err());
        assert!(parse_date("3/4/26").is_err());
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("2026-03-04x").is_err());
        assert!(parse_date("").is_err());
    }

    #[test]
    fn salesforce_datetimes_with_milliseconds_and_offsets_are_utc_instants() {
        let utc = "2026-03-04T17:22:05+00:00";
        assert_eq!(at("2026-03-04T17:22:05.000Z"), utc);
        assert_eq!(at("2026-03-04T17:22:05.000+0000"), utc);
        assert_eq!(at("2026-03-04T19:22:05+02:00"), utc);
        assert_eq!(at("2026-03-04 17:22:05"), utc);
        assert_eq!(
            at("2026-03-04T17:22:05.5Z"),
            "2026-03-04T17:22:05.500+00:00"
        );
    }

    #[test]
    fn us_report_datetimes_and_bare_dates_are_accepted() {
        assert_eq!(at("3/4/2026 5:22 PM"), "2026-03-04T17:22:00+00:00");
        assert_eq!(at("3/4/2026 12:05 am"), "2026-03-04T00:05:00+00:00");
        assert_eq!(at("3/4/2026 17:22:05"), "2026-03-04T17:22:05+00:00");
        assert_eq!(at("2026-03-04"), "2026-03-04T00:00:00+00:00");
        assert!(parse_datetime("2026-03-04T25:00:00Z").is_err());
        assert!(parse_datetime("2026-03-04T17:22:05 PST").is_err());
    }
}
