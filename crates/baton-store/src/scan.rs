//! Whole-organisation reads on SQLite, straight from the database file.
//!
//! sqlx runs each SQLite connection on a worker thread and hands every row to the async side
//! through a channel: a thread wake-up on each side and a copy of each value, per row. For the
//! reads that take a whole organisation (the signals' input, the quarterly review's deals,
//! history and emails) that hand-off was about 90 % of the time (`perf`, 800,000 activities;
//! SQLite itself was 2 %). Here a blocking thread reads with rusqlite, on its own read-only
//! connection to the same file, and sends the rows on in batches. Outside these reads
//! everything goes through sqlx.

use crate::StoreError;
use crate::db::{Arg, Row};
use rusqlite::types::{Value, ValueRef};
use rusqlite::{OpenFlags, params_from_iter};
use std::path::Path;
use std::time::Duration;

/// Rows per hand-off to the async side.
const BATCH: usize = 4096;

/// A row read directly from SQLite, as its values stand in SQLite's buffers.
pub(crate) struct Scanned<'r> {
    columns: &'r [String],
    values: &'r [ValueRef<'r>],
}

impl Scanned<'_> {
    /// The value of column `name`.
    pub(crate) fn value(&self, name: &str) -> Result<ValueRef<'_>, StoreError> {
        self.columns
            .iter()
            .position(|c| c == name)
            .map(|i| self.values[i])
            .ok_or_else(|| StoreError::Corrupt(format!("column {name}: not in the result")))
    }
}

/// Runs `sql` with `args` on the SQLite database at `path`, turning each row into a `T` with
/// `map` on the reading thread, straight from SQLite's buffers (no copy of the row; what `map`
/// allocates is mostly freed on the thread that allocated it, which glibc's allocator prefers),
/// and handing them to `f` in order. Stops reading when `map` or `f` fails.
pub(crate) async fn scan<T: Send + 'static>(
    path: &Path,
    sql: String,
    args: Vec<Arg>,
    map: fn(&Row) -> Result<T, StoreError>,
    mut f: impl FnMut(T) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let (tx, mut rx) = tokio::sync::mpsc::channel(2);
    let path = path.to_owned();
    let reader = tokio::task::spawn_blocking(move || read(&path, &sql, args, map, &tx));
    let mut handed = Ok(());
    while let Some(batch) = rx.recv().await {
        handed = Vec::into_iter(batch).try_for_each(&mut f);
        if handed.is_err() {
            break;
        }
    }
    // Dropping the receiver stops a reader that is still going.
    drop(rx);
    let read = reader
        .await
        .map_err(|e| StoreError::Database(sqlx::Error::Io(std::io::Error::other(e))))?;
    handed.and(read)
}

fn read<T>(
    path: &Path,
    sql: &str,
    args: Vec<Arg>,
    map: fn(&Row) -> Result<T, StoreError>,
    tx: &tokio::sync::mpsc::Sender<Vec<T>>,
) -> Result<(), StoreError> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let mut statement = conn.prepare(sql)?;
    let columns: Vec<String> = statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    // The store writes `$1`, `$2`…, which SQLite numbers in order of first appearance; bind
    // each by its name so that the order in the text does not matter.
    let mut values = vec![Value::Null; args.len()];
    for (i, arg) in args.into_iter().enumerate() {
        let index = statement
            .parameter_index(&format!("${}", i + 1))?
            .unwrap_or(i + 1);
        if let Some(slot) = values.get_mut(index - 1) {
            *slot = value_of(arg);
        }
    }
    let mut rows = statement.query(params_from_iter(values))?;
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(row) = rows.next()? {
        let values = (0..columns.len())
            .map(|i| row.get_ref(i))
            .collect::<Result<Vec<_>, _>>()?;
        batch.push(map(&Row::Scanned(Scanned {
            columns: &columns,
            values: &values,
        }))?);
        if batch.len() == BATCH
            && tx
                .blocking_send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                .is_err()
        {
            return Ok(());
        }
    }
    if !batch.is_empty() {
        // The receiver only goes away when it has stopped wanting rows.
        let _ = tx.blocking_send(batch);
    }
    Ok(())
}

/// A parameter as SQLite stores it, the way sqlx binds it (so comparisons with stored values
/// agree): times as RFC 3339 text, dates as `YYYY-MM-DD`, booleans as 0 or 1, JSON as text.
fn value_of(arg: Arg) -> Value {
    let text = |t: Option<String>| t.map_or(Value::Null, Value::Text);
    match arg {
        Arg::Int(v) => v.map_or(Value::Null, Value::Integer),
        Arg::Text(v) => text(v),
        Arg::Bool(v) => v.map_or(Value::Null, |b| Value::Integer(i64::from(b))),
        Arg::Time(v) => text(v.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false))),
        Arg::Date(v) => text(v.map(|d| d.format("%F").to_string())),
        Arg::Json(v) => text(v.map(|j| j.to_string())),
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        StoreError::Database(sqlx::Error::Io(std::io::Error::other(error)))
    }
}

#[cfg(test)]
mod tests {
    use crate::StoreError;
    use crate::db::{Conn, Row, query};
    use chrono::{DateTime, NaiveDate, Utc};
    use serde_json::Value;
    use sqlx::types::Json;

    type Decoded = (
        i64,
        Option<String>,
        DateTime<Utc>,
        Option<NaiveDate>,
        bool,
        Json<Value>,
        Option<f64>,
    );

    fn decode(r: &Row) -> Result<Decoded, StoreError> {
        Ok((
            r.get("id")?,
            r.get("name")?,
            r.get("at")?,
            r.get("day")?,
            r.get("flag")?,
            r.get("doc")?,
            r.get("ratio")?,
        ))
    }

    fn decode_directly(r: &Row) -> Result<Decoded, StoreError> {
        assert!(matches!(r, Row::Scanned(_)), "not read directly");
        decode(r)
    }

    #[tokio::test]
    async fn a_direct_read_gives_what_sqlx_gives_with_parameters_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.path().join("t.db"))
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        let mut conn = Conn::SqlitePool(&pool);
        conn.execute(query(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, at TEXT NOT NULL, day TEXT, \
             flag INTEGER NOT NULL, doc TEXT NOT NULL, ratio REAL)",
        ))
        .await
        .unwrap();
        let at: DateTime<Utc> = "2026-11-30T06:30:14.123456Z".parse().unwrap();
        for i in 0..10_000_i64 {
            let seconds = chrono::Duration::seconds(i);
            conn.execute(
                query(
                    "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, \
                     CASE WHEN $1 % 4 <> 0 THEN $1 / 7.0 END)",
                )
                .bind(i)
                .bind((i % 3 != 0).then(|| format!("name «{i}»")))
                .bind(at + seconds)
                .bind((i % 2 == 0).then(|| at.date_naive() + seconds * 86_400))
                .bind(i % 5 == 0)
                .bind(serde_json::json!({ "i": i, "tags": ["a", "b"] })),
            )
            .await
            .unwrap();
        }
        // `$2` before `$1`, a time, a boolean.
        let select = || {
            query(
                "SELECT id, name, at, day, flag, doc, ratio FROM t \
                 WHERE at >= $2 AND id >= $1 AND flag IN (0, $3) ORDER BY id",
            )
            .bind(12_i64)
            .bind(at + chrono::Duration::seconds(10))
            .bind(true)
        };
        let (mut through_sqlx, mut direct) = (Vec::new(), Vec::new());
        conn.for_each(select(), |r| {
            through_sqlx.push(decode(&r)?);
            Ok(())
        })
        .await
        .unwrap();
        conn.scan(select(), decode_directly, |r| {
            direct.push(r);
            Ok(())
        })
        .await
        .unwrap();
        assert_eq!(through_sqlx.len(), 10_000 - 12);
        assert_eq!(direct, through_sqlx);
    }

    #[tokio::test]
    async fn a_direct_read_stops_when_the_reader_of_its_rows_fails() {
        let dir = tempfile::tempdir().unwrap();
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.path().join("t.db"))
            .create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        let mut conn = Conn::SqlitePool(&pool);
        let mut seen = 0;
        let outcome = conn
            .scan(
                query(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) \
                     SELECT i FROM n",
                ),
                |r| r.get::<i64>("i"),
                |i| {
                    seen += 1;
                    if i == 50_000 {
                        return Err(StoreError::Corrupt("enough".into()));
                    }
                    Ok(())
                },
            )
            .await;
        assert!(matches!(outcome, Err(StoreError::Corrupt(m)) if m == "enough"));
        assert_eq!(seen, 50_000);
    }
}
