//! Rows for PostgreSQL's `COPY … FROM STDIN` in its text format, which an import streams into a
//! staging table instead of binding tens of thousands of parameters per statement.
//!
//! The format (<https://www.postgresql.org/docs/current/sql-copy.html>, "Text Format"): one
//! line per row, fields separated by a tab, `\N` for NULL, and a backslash escaping the
//! backslash, tab, newline and carriage return inside a value. Every other character, quotes
//! included, stands for itself. Values are written as PostgreSQL reads them back exactly:
//! integers in decimal, booleans `t`/`f`, dates and UTC timestamps in ISO form (to the
//! microsecond, as PostgreSQL keeps them; `BC` for years before 1), JSON as its text.

use crate::db::Arg;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use std::fmt::Write;

/// Appends one row of `fields` to `buf`.
pub(crate) fn push_row(buf: &mut String, fields: impl IntoIterator<Item = Arg>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            buf.push('\t');
        }
        push_field(buf, &field);
    }
    buf.push('\n');
}

/// Appends one field, `\N` for NULL.
fn push_field(buf: &mut String, arg: &Arg) {
    // Writing to a String cannot fail.
    let _ = match arg {
        Arg::Int(None)
        | Arg::Text(None)
        | Arg::Bool(None)
        | Arg::Time(None)
        | Arg::Date(None)
        | Arg::Json(None) => {
            buf.push_str("\\N");
            Ok(())
        }
        Arg::Int(Some(v)) => write!(buf, "{v}"),
        Arg::Bool(Some(v)) => {
            buf.push(if *v { 't' } else { 'f' });
            Ok(())
        }
        Arg::Text(Some(v)) => {
            push_escaped(buf, v);
            Ok(())
        }
        Arg::Json(Some(v)) => {
            push_escaped(buf, &v.to_string());
            Ok(())
        }
        Arg::Date(Some(v)) => push_date(buf, *v),
        Arg::Time(Some(v)) => push_time(buf, v),
    };
}

/// Appends text with COPY's four special characters escaped.
fn push_escaped(buf: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(['\\', '\t', '\n', '\r']) {
        buf.push_str(&rest[..at]);
        let escape = match rest.as_bytes()[at] {
            b'\\' => "\\\\",
            b'\t' => "\\t",
            b'\n' => "\\n",
            _ => "\\r",
        };
        buf.push_str(escape);
        rest = &rest[at + 1..];
    }
    buf.push_str(rest);
}

/// A year as PostgreSQL writes it: 1 BC is chrono's year 0.
fn era(year: i32) -> (i32, &'static str) {
    if year <= 0 {
        (1 - year, " BC")
    } else {
        (year, "")
    }
}

/// `2025-03-04`.
fn push_date(buf: &mut String, date: NaiveDate) -> std::fmt::Result {
    let (year, bc) = era(date.year());
    write!(buf, "{year:04}-{:02}-{:02}{bc}", date.month(), date.day())
}

/// `2025-03-04 10:00:00.123456+00`, truncated to the microsecond as sqlx binds it.
fn push_time(buf: &mut String, time: &DateTime<Utc>) -> std::fmt::Result {
    let (year, bc) = era(time.year());
    // A leap second counts its nanoseconds past 1e9; PostgreSQL has none.
    let micros = (time.nanosecond() / 1_000).min(999_999);
    write!(
        buf,
        "{year:04}-{:02}-{:02} {:02}:{:02}:{:02}.{micros:06}+00{bc}",
        time.month(),
        time.day(),
        time.hour(),
        time.minute(),
        time.second(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(fields: Vec<Arg>) -> String {
        let mut buf = String::new();
        push_row(&mut buf, fields);
        buf
    }

    #[test]
    fn special_characters_are_escaped_and_quotes_are_not() {
        let text = "a\tb\nc\rd\\e \"q\" 'q' \\N é";
        assert_eq!(
            row(vec![Arg::from(text)]),
            "a\\tb\\nc\\rd\\\\e \"q\" 'q' \\\\N é\n"
        );
    }

    #[test]
    fn nulls_of_every_type_are_backslash_n() {
        let nulls = vec![
            Arg::Int(None),
            Arg::Text(None),
            Arg::Bool(None),
            Arg::Time(None),
            Arg::Date(None),
            Arg::Json(None),
        ];
        assert_eq!(row(nulls), "\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n");
    }

    #[test]
    fn values_are_written_as_postgresql_reads_them() {
        let at = DateTime::parse_from_rfc3339("2025-03-04T05:06:07.123456789Z")
            .map(|t| t.to_utc())
            .ok();
        let date = NaiveDate::from_ymd_opt(0, 12, 31);
        let json = serde_json::json!({"k": "tab\there \"quoted\""});
        assert_eq!(
            row(vec![
                Arg::from(-42_i64),
                Arg::from(true),
                Arg::from(false),
                Arg::from(at),
                Arg::from(date),
                Arg::from(json),
            ]),
            "-42\tt\tf\t2025-03-04 05:06:07.123456+00\t0001-12-31 BC\t\
             {\"k\":\"tab\\\\there \\\\\"quoted\\\\\"\"}\n"
        );
    }
}
