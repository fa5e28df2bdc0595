//! Running a checked console query where it cannot write and cannot run for long, and turning
//! its rows into JSON.

use super::{SqlError, SqlLimits, SqlTable};
use crate::StoreError;
use chrono::{DateTime, SecondsFormat, Utc};
use futures::TryStreamExt;
use serde_json::Value;
use sqlx::postgres::PgRow;
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{
    AssertSqlSafe, Column, ConnectOptions, Connection, Executor, Row, SqlSafeStr, Statement,
    TypeInfo, ValueRef,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// SQLite virtual-machine steps between two looks at the clock (a few microseconds of work).
const PROGRESS_STEPS: i32 = 1_000;

/// Runs `sql` on a connection of its own, opened read-only with `query_only` on, and interrupts
/// it at the deadline from SQLite's progress handler (sqlx's SQLite has no statement timeout).
/// The connection is never returned to a pool, so neither the handler nor a half-read statement
/// can reach another request.
pub(super) async fn sqlite(
    reader: &sqlx::SqlitePool,
    sql: &str,
    limits: SqlLimits,
) -> Result<SqlTable, SqlError> {
    let options = reader.connect_options();
    let mut conn: SqliteConnection = options.connect().await.map_err(StoreError::from)?;
    conn.execute("PRAGMA query_only = ON")
        .await
        .map_err(StoreError::from)?;
    let timed_out = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now() + limits.timeout;
    {
        let flag = Arc::clone(&timed_out);
        let mut handle = conn.lock_handle().await.map_err(StoreError::from)?;
        handle.set_progress_handler(PROGRESS_STEPS, move || {
            let go_on = Instant::now() < deadline;
            if !go_on {
                flag.store(true, Ordering::Relaxed);
            }
            go_on
        });
    }
    let fetched = fetch_sqlite(&mut conn, sql, limits.max_rows).await;
    let _ = conn.close().await;
    fetched.map_err(|e| classify(e, timed_out.load(Ordering::Relaxed), limits.timeout))
}

async fn fetch_sqlite(
    conn: &mut SqliteConnection,
    sql: &str,
    max_rows: usize,
) -> Result<SqlTable, sqlx::Error> {
    let rows = sqlx::query(AssertSqlSafe(sql.to_owned())).fetch(&mut *conn);
    let mut table = collect_rows(rows, max_rows, sqlite_values).await?;
    if table.rows.is_empty() {
        let statement = (&mut *conn)
            .prepare(AssertSqlSafe(sql.to_owned()).into_sql_str())
            .await?;
        table.columns = statement_columns(&statement);
    }
    Ok(table)
}

/// Runs `sql` in a `BEGIN READ ONLY` transaction with `statement_timeout`, in UTC and ISO dates,
/// then rolls it back. The simple query protocol returns every value as text, which covers every
/// type (NUMERIC, INTERVAL…) without a decoder each.
pub(super) async fn postgres(
    pool: &sqlx::PgPool,
    sql: &str,
    limits: SqlLimits,
) -> Result<SqlTable, SqlError> {
    let mut tx = pool
        .begin_with("BEGIN READ ONLY")
        .await
        .map_err(StoreError::from)?;
    let settings = format!(
        "SET LOCAL statement_timeout = {}; SET LOCAL TimeZone = 'UTC'; \
         SET LOCAL DateStyle = 'ISO, YMD'",
        limits.timeout.as_millis().max(1)
    );
    sqlx::raw_sql(AssertSqlSafe(settings))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
    let fetched = fetch_postgres(&mut tx, sql, limits.max_rows).await;
    let _ = tx.rollback().await;
    fetched.map_err(|e| {
        let timed_out =
            matches!(&e, sqlx::Error::Database(db) if db.code().as_deref() == Some("57014"));
        classify(e, timed_out, limits.timeout)
    })
}

async fn fetch_postgres(
    conn: &mut sqlx::PgConnection,
    sql: &str,
    max_rows: usize,
) -> Result<SqlTable, sqlx::Error> {
    let rows = sqlx::raw_sql(AssertSqlSafe(sql.to_owned())).fetch(&mut *conn);
    let mut table = collect_rows(rows, max_rows, postgres_values).await?;
    if table.rows.is_empty() {
        let statement = (&mut *conn)
            .prepare(AssertSqlSafe(sql.to_owned()).into_sql_str())
            .await?;
        table.columns = statement_columns(&statement);
    }
    Ok(table)
}

/// Up to `max_rows` of `rows` as JSON values (`values` converts one row), with their column
/// names; marked truncated when more followed.
async fn collect_rows<R: Row>(
    mut rows: impl futures::Stream<Item = Result<R, sqlx::Error>> + Unpin,
    max_rows: usize,
    values: fn(&R) -> Vec<Value>,
) -> Result<SqlTable, sqlx::Error> {
    let mut table = empty_table();
    while let Some(row) = rows.try_next().await? {
        if table.rows.len() == max_rows {
            table.truncated = true;
            break;
        }
        if table.columns.is_empty() {
            table.columns = column_names(&row);
        }
        table.rows.push(values(&row));
    }
    Ok(table)
}

fn empty_table() -> SqlTable {
    SqlTable {
        columns: Vec::new(),
        rows: Vec::new(),
        truncated: false,
        elapsed_ms: 0,
    }
}

/// Tells a stopped query, a query the database refused and a broken store apart.
fn classify(error: sqlx::Error, timed_out: bool, limit: Duration) -> SqlError {
    match error {
        _ if timed_out => SqlError::TimedOut(limit),
        sqlx::Error::Database(db) => SqlError::Failed(db.message().to_owned()),
        other => SqlError::Store(other.into()),
    }
}

fn column_names<R: Row>(row: &R) -> Vec<String> {
    row.columns().iter().map(|c| c.name().to_owned()).collect()
}

/// The column names of a prepared statement (for a query that returned no row).
fn statement_columns<S: Statement>(statement: &S) -> Vec<String> {
    statement
        .columns()
        .iter()
        .map(|c| c.name().to_owned())
        .collect()
}

/// A SQLite row as JSON, by each value's own storage class (SQLite is dynamically typed).
fn sqlite_values(row: &SqliteRow) -> Vec<Value> {
    (0..row.columns().len())
        .map(|i| {
            let Ok(raw) = row.try_get_raw(i) else {
                return Value::Null;
            };
            if raw.is_null() {
                return Value::Null;
            }
            let kind = raw.type_info().name().to_owned();
            match kind.as_str() {
                "INTEGER" => row.try_get_unchecked::<i64, _>(i).map(Value::from),
                "REAL" => row.try_get_unchecked::<f64, _>(i).map(float),
                "BLOB" => row
                    .try_get_unchecked::<Vec<u8>, _>(i)
                    .map(|b| Value::String(format!("<{} bytes>", b.len()))),
                _ => row.try_get_unchecked::<String, _>(i).map(Value::String),
            }
            .unwrap_or(Value::Null)
        })
        .collect()
}

/// A PostgreSQL row (text format) as JSON, by column type: integers and numerics as numbers,
/// booleans as booleans, `timestamptz` as RFC 3339 text like SQLite stores it, the rest as text.
fn postgres_values(row: &PgRow) -> Vec<Value> {
    (0..row.columns().len())
        .map(|i| {
            let Ok(raw) = row.try_get_raw(i) else {
                return Value::Null;
            };
            if raw.is_null() {
                return Value::Null;
            }
            let kind = raw.type_info().name().to_owned();
            let Ok(text) = raw.as_str() else {
                return Value::Null;
            };
            postgres_value(&kind, text)
        })
        .collect()
}

fn postgres_value(kind: &str, text: &str) -> Value {
    match kind {
        "INT2" | "INT4" | "INT8" | "OID" => text
            .parse::<i64>()
            .map_or_else(|_| Value::String(text.to_owned()), Value::from),
        "NUMERIC" | "FLOAT4" | "FLOAT8" => number(text),
        "BOOL" => Value::Bool(text == "t"),
        "TIMESTAMPTZ" => DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%#z").map_or_else(
            |_| Value::String(text.to_owned()),
            |t| {
                Value::String(
                    t.with_timezone(&Utc)
                        .to_rfc3339_opts(SecondsFormat::AutoSi, false),
                )
            },
        ),
        "JSON" | "JSONB" => {
            serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
        }
        _ => Value::String(text.to_owned()),
    }
}

/// A decimal text as a JSON number: an integer when it is one, else a float; text if neither
/// (`NaN`, `Infinity`).
fn number(text: &str) -> Value {
    if let Ok(n) = text.parse::<i64>() {
        return Value::from(n);
    }
    text.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or_else(|| Value::String(text.to_owned()), Value::Number)
}

fn float(f: f64) -> Value {
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_timestamps_read_like_sqlite_stores_them() {
        let at: DateTime<Utc> = "2026-11-30T06:30:14.123456Z".parse().unwrap();
        let sqlite = at.to_rfc3339_opts(SecondsFormat::AutoSi, false);
        assert_eq!(
            postgres_value("TIMESTAMPTZ", "2026-11-30 06:30:14.123456+00"),
            Value::String(sqlite)
        );
    }

    #[test]
    fn numerics_are_integers_when_whole_and_floats_otherwise() {
        assert_eq!(postgres_value("NUMERIC", "3000000"), Value::from(3_000_000));
        assert_eq!(postgres_value("NUMERIC", "1500.5000"), Value::from(1500.5));
        assert_eq!(
            postgres_value("NUMERIC", "NaN"),
            Value::String("NaN".into())
        );
        assert_eq!(postgres_value("BOOL", "t"), Value::Bool(true));
        assert_eq!(
            postgres_value("DATE", "2026-11-30"),
            Value::from("2026-11-30")
        );
    }
}
