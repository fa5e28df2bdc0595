//! A fast CSV writer for generated files, and the calendar arithmetic it formats with.
//!
//! Salesforce's Data Export quotes every value (`"006…","Prospecting",""`), so this writer does
//! too: each field is written between quotes with inner quotes doubled, and rows end in `\n`.
//! Rows are built straight into a byte buffer that is flushed in 1 MiB blocks, with numbers and
//! timestamps formatted by hand; that is what keeps the generator above a million rows a second.

use crate::sfid::SfId;
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// Seconds in a day.
pub(crate) const DAY: i64 = 86_400;

const FLUSH_AT: usize = 1 << 20;

/// One output file.
pub(crate) struct CsvOut {
    name: &'static str,
    file: File,
    buf: Vec<u8>,
    rows: u64,
    scratch: String,
    /// The last date formatted, as a day number and its text.
    last_date: (i64, [u8; 10]),
}

impl CsvOut {
    /// Creates `dir/name` and writes the header.
    pub(crate) fn create(dir: &Path, name: &'static str, header: &[&str]) -> io::Result<Self> {
        let mut out = Self {
            name,
            file: File::create(dir.join(name))?,
            buf: Vec::with_capacity(FLUSH_AT + (64 << 10)),
            rows: 0,
            scratch: String::new(),
            last_date: (i64::MIN, [0; 10]),
        };
        for column in header {
            out.str(column);
        }
        out.end()?;
        out.rows = 0;
        Ok(out)
    }

    /// A text field, quotes doubled.
    pub(crate) fn str(&mut self, s: &str) -> &mut Self {
        self.buf.push(b'"');
        if s.contains('"') {
            for part in s.split_inclusive('"') {
                self.buf.extend_from_slice(part.as_bytes());
                if part.ends_with('"') {
                    self.buf.push(b'"');
                }
            }
        } else {
            self.buf.extend_from_slice(s.as_bytes());
        }
        self.buf.extend_from_slice(b"\",");
        self
    }

    /// A formatted text field.
    pub(crate) fn fmt(&mut self, args: std::fmt::Arguments<'_>) -> &mut Self {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        std::fmt::Write::write_fmt(&mut scratch, args).ok();
        self.str(&scratch);
        self.scratch = scratch;
        self
    }

    /// A field whose bytes need no escaping.
    fn plain(&mut self, bytes: &[u8]) -> &mut Self {
        self.buf.push(b'"');
        self.buf.extend_from_slice(bytes);
        self.buf.extend_from_slice(b"\",");
        self
    }

    /// An empty field.
    pub(crate) fn empty(&mut self) -> &mut Self {
        self.buf.extend_from_slice(b"\"\",");
        self
    }

    /// An id.
    pub(crate) fn id(&mut self, id: &SfId) -> &mut Self {
        self.plain(id.as_ref())
    }

    /// An id or an empty field.
    pub(crate) fn opt_id(&mut self, id: Option<&SfId>) -> &mut Self {
        match id {
            Some(id) => self.id(id),
            None => self.empty(),
        }
    }

    /// `true` or `false`.
    pub(crate) fn boolean(&mut self, value: bool) -> &mut Self {
        self.plain(if value { b"true" } else { b"false" })
    }

    /// A whole number.
    pub(crate) fn int(&mut self, value: i64) -> &mut Self {
        let mut digits = [0_u8; 20];
        let text = itoa(value.unsigned_abs(), &mut digits);
        self.buf.push(b'"');
        if value < 0 {
            self.buf.push(b'-');
        }
        self.buf.extend_from_slice(text);
        self.buf.extend_from_slice(b"\",");
        self
    }

    /// An amount in minor units, written in major units with `exponent` decimals (`48200.00`).
    pub(crate) fn money(&mut self, minor: i64, exponent: u8) -> &mut Self {
        if exponent == 0 {
            return self.int(minor);
        }
        let scale = 10_u64.pow(u32::from(exponent));
        let abs = minor.unsigned_abs();
        let mut digits = [0_u8; 20];
        self.buf.push(b'"');
        if minor < 0 {
            self.buf.push(b'-');
        }
        self.buf.extend_from_slice(itoa(abs / scale, &mut digits));
        self.buf.push(b'.');
        let fraction = itoa(abs % scale + scale, &mut digits);
        self.buf.extend_from_slice(&fraction[1..]);
        self.buf.extend_from_slice(b"\",");
        self
    }

    /// A date-time as Salesforce writes it: `2026-03-04T17:22:05.000Z`.
    pub(crate) fn ts(&mut self, unix_seconds: i64) -> &mut Self {
        let day = unix_seconds.div_euclid(DAY);
        let secs = unix_seconds.rem_euclid(DAY);
        self.buf.push(b'"');
        self.push_date(day);
        self.buf.push(b'T');
        push2(&mut self.buf, secs / 3600);
        self.buf.push(b':');
        push2(&mut self.buf, secs / 60 % 60);
        self.buf.push(b':');
        push2(&mut self.buf, secs % 60);
        self.buf.extend_from_slice(b".000Z\",");
        self
    }

    /// A date, `2026-03-04`, from days since 1970-01-01.
    pub(crate) fn date(&mut self, day: i64) -> &mut Self {
        self.buf.push(b'"');
        self.push_date(day);
        self.buf.extend_from_slice(b"\",");
        self
    }

    fn push_date(&mut self, day: i64) {
        if self.last_date.0 != day {
            let (y, m, d) = civil_from_days(day);
            let digit = |v: i64| b'0' + u8::try_from(v.rem_euclid(10)).unwrap_or(0);
            let text = [
                digit(y / 1000),
                digit(y / 100),
                digit(y / 10),
                digit(y),
                b'-',
                digit(m / 10),
                digit(m),
                b'-',
                digit(d / 10),
                digit(d),
            ];
            self.last_date = (day, text);
        }
        self.buf.extend_from_slice(&self.last_date.1);
    }

    /// Ends the row.
    pub(crate) fn end(&mut self) -> io::Result<()> {
        if let Some(last) = self.buf.last_mut() {
            *last = b'\n';
        }
        self.rows += 1;
        if self.buf.len() >= FLUSH_AT {
            self.file.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Rows written so far (the header not counted).
    pub(crate) fn rows(&self) -> u64 {
        self.rows
    }

    /// Flushes and closes the file, returning its name and row count.
    pub(crate) fn finish(mut self) -> io::Result<(&'static str, u64)> {
        self.file.write_all(&self.buf)?;
        self.file.flush()?;
        Ok((self.name, self.rows))
    }
}

fn push2(buf: &mut Vec<u8>, value: i64) {
    let v = u8::try_from(value.rem_euclid(100)).unwrap_or(0);
    buf.push(b'0' + v / 10);
    buf.push(b'0' + v % 10);
}

fn itoa(mut value: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + u8::try_from(value % 10).unwrap_or(0);
        value /= 10;
        if value == 0 {
            return &digits[at..];
        }
    }
}

/// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`,
/// <https://howardhinnant.github.io/date_algorithms.html>).
pub(crate) fn civil_from_days(day: i64) -> (i64, i64, i64) {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Days since 1970-01-01 of a date.
pub(crate) fn days_from_date(date: chrono::NaiveDate) -> i64 {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    (date - epoch).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn the_calendar_arithmetic_agrees_with_chrono() {
        let mut date = NaiveDate::from_ymd_opt(1999, 12, 25).unwrap();
        for _ in 0..12_000 {
            let (y, m, d) = civil_from_days(days_from_date(date));
            assert_eq!(
                (y, m, d),
                (
                    i64::from(chrono::Datelike::year(&date)),
                    i64::from(chrono::Datelike::month(&date)),
                    i64::from(chrono::Datelike::day(&date))
                )
            );
            date = date.succ_opt().unwrap();
        }
    }

    #[test]
    fn fields_are_quoted_like_a_salesforce_export() {
        let dir = tempfile::tempdir().unwrap();
        let mut out = CsvOut::create(dir.path(), "T.csv", &["A", "B"]).unwrap();
        out.str("say \"hi\", ok")
            .money(-123_456, 2)
            .ts(1_772_644_925)
            .date(20_516);
        out.int(-7).money(1500, 0).boolean(true).empty();
        out.end().unwrap();
        out.finish().unwrap();
        let text = std::fs::read_to_string(dir.path().join("T.csv")).unwrap();
        assert_eq!(
            text,
            "\"A\",\"B\"\n\"say \"\"hi\"\", ok\",\"-1234.56\",\"2026-03-04T17:22:05.000Z\",\
             \"2026-03-04\",\"-7\",\"1500\",\"true\",\"\"\n"
        );
    }
}
