//! The thin layer between the store and sqlx that lets one function serve both backends.
//!
//! Store functions build a [`Query`] (SQL text plus [`Arg`]s) and run it on a [`Conn`], which is a
//! pool or a transaction of either backend. Rows come back as [`Row`], read with typed getters.
//! sqlx's SQLite driver accepts `$1` placeholders, so most SQL is written once; where the dialects
//! differ, the two versions sit side by side via [`Dialect`].

use crate::StoreError;
use crate::scan::Scanned;
use chrono::{DateTime, NaiveDate, Utc};
use futures::TryStreamExt;
use rusqlite::types::ValueRef as ScanValue;
use serde_json::Value;
use sqlx::postgres::{PgRow, Postgres};
use sqlx::sqlite::{Sqlite, SqliteRow};
use sqlx::types::Json;
use sqlx::{AssertSqlSafe, Decode, Row as _, Type};

/// Which SQL dialect a connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite 3 (bundled).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A bound parameter. Each variant binds with the matching SQL type on both backends.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Time(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
    Json(Option<Value>),
}

macro_rules! arg_from {
    ($variant:ident: $($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Self {
                Arg::$variant(Some(v.into()))
            }
        }
        impl From<Option<$t>> for Arg {
            fn from(v: Option<$t>) -> Self {
                Arg::$variant(v.map(Into::into))
            }
        }
    )*};
}

arg_from!(Int: i64);
arg_from!(Text: String, &str);
arg_from!(Bool: bool);
arg_from!(Time: DateTime<Utc>);
arg_from!(Date: NaiveDate);
arg_from!(Json: Value);

macro_rules! arg_from_id {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Self {
                Arg::Int(Some(v.0))
            }
        }
        impl From<Option<$t>> for Arg {
            fn from(v: Option<$t>) -> Self {
                Arg::Int(v.map(|id| id.0))
            }
        }
    )*};
}

arg_from_id!(
    baton_model::UserId,
    baton_model::TeamId,
    baton_model::AccountId,
    baton_model::ContactId,
    baton_model::PipelineId,
    baton_model::StageId,
    baton_model::DealId,
    baton_model::ActivityId,
    baton_model::QuotaId,
    baton_model::CustomFieldId,
    baton_model::TokenId
);

/// Enumerations bind as their string names.
macro_rules! arg_from_enum {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Self {
                Arg::Text(Some(v.as_str().to_owned()))
            }
        }
        impl From<Option<$t>> for Arg {
            fn from(v: Option<$t>) -> Self {
                Arg::Text(v.map(|e| e.as_str().to_owned()))
            }
        }
    )*};
}

arg_from_enum!(
    baton_model::Role,
    baton_model::PeriodKind,
    baton_model::pipeline::ForecastCategory,
    baton_model::pipeline::StageOutcome,
    baton_model::activity::ActivityKind,
    baton_model::activity::Direction,
    baton_model::activity::MeetingStatus,
    baton_model::records::SplitKind,
    baton_model::records::RefundKind,
    baton_model::records::CustomFieldEntity,
    baton_model::records::CustomFieldKind
);

impl From<baton_model::Currency> for Arg {
    fn from(v: baton_model::Currency) -> Self {
        Arg::Text(Some(v.code().to_owned()))
    }
}

impl From<&baton_model::Email> for Arg {
    fn from(v: &baton_model::Email) -> Self {
        Arg::Text(Some(v.as_str().to_owned()))
    }
}

impl From<Option<&baton_model::Email>> for Arg {
    fn from(v: Option<&baton_model::Email>) -> Self {
        Arg::Text(v.map(|e| e.as_str().to_owned()))
    }
}

/// SQL text: a literal in the source, or built at run time from vetted fragments.
#[derive(Debug, Clone)]
enum Sql {
    Static(&'static str),
    Built(String),
}

/// A statement and its parameters.
#[derive(Debug, Clone)]
pub(crate) struct Query {
    sql: Sql,
    args: Vec<Arg>,
}

/// A statement written in the source.
pub(crate) fn query(sql: &'static str) -> Query {
    Query {
        sql: Sql::Static(sql),
        args: Vec::new(),
    }
}

/// A statement assembled at run time. Only for SQL built from fixed fragments (visibility
/// predicates, column names from an allow-list); every value must still be a bound parameter.
pub(crate) fn built_query(sql: String) -> Query {
    Query {
        sql: Sql::Built(sql),
        args: Vec::new(),
    }
}

impl Query {
    /// Appends the next parameter (`$n` with n = number bound so far + 1).
    pub(crate) fn bind(mut self, arg: impl Into<Arg>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends parameters given as a list.
    pub(crate) fn bind_all(mut self, args: impl IntoIterator<Item = Arg>) -> Self {
        self.args.extend(args);
        self
    }

    /// The query for the backend; the parameters move into it (a bulk statement binds tens of
    /// thousands, not worth copying).
    fn sqlite(&mut self) -> sqlx::query::Query<'_, Sqlite, sqlx::sqlite::SqliteArguments> {
        let params = std::mem::take(&mut self.args);
        let mut q = match &self.sql {
            Sql::Static(s) => sqlx::query(*s),
            Sql::Built(s) => sqlx::query(AssertSqlSafe(s.as_str())),
        };
        for arg in params {
            q = match arg {
                Arg::Int(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
                Arg::Bool(v) => q.bind(v),
                Arg::Time(v) => q.bind(v),
                Arg::Date(v) => q.bind(v),
                Arg::Json(v) => q.bind(v.map(Json)),
            };
        }
        q
    }

    /// The query for the backend; the parameters move into it (a bulk statement binds tens of
    /// thousands, not worth copying).
    fn postgres(&mut self) -> sqlx::query::Query<'_, Postgres, sqlx::postgres::PgArguments> {
        let params = std::mem::take(&mut self.args);
        let mut q = match &self.sql {
            Sql::Static(s) => sqlx::query(*s),
            Sql::Built(s) => sqlx::query(AssertSqlSafe(s.as_str())),
        };
        for arg in params {
            q = match arg {
                Arg::Int(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
                Arg::Bool(v) => q.bind(v),
                Arg::Time(v) => q.bind(v),
                Arg::Date(v) => q.bind(v),
                Arg::Json(v) => q.bind(v.map(Json)),
            };
        }
        q
    }
}

/// A result row from either backend, or read directly from SQLite ([`crate::scan`]).
pub(crate) enum Row<'r> {
    Sqlite(SqliteRow),
    Postgres(PgRow),
    Scanned(Scanned<'r>),
}

/// A Rust type that both backends can decode a column into, and that can be read from a value
/// SQLite gave directly.
pub(crate) trait Column:
    for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres>
{
    /// The value as stored by sqlx's SQLite driver (what its `Decode` reads).
    fn scanned(value: ScanValue<'_>) -> Result<Self, String>;
}

fn mismatch<T>(value: ScanValue<'_>) -> Result<T, String> {
    Err(format!("unexpected {:?}", value.data_type()))
}

impl Column for i64 {
    fn scanned(value: ScanValue<'_>) -> Result<Self, String> {
        match value {
            ScanValue::Integer(i) => Ok(i),
            other => mismatch(other),
        }
    }
}

impl Column for i32 {
    fn scanned(value: ScanValue<'_>) -> Result<Self, String> {
        i32::try_from(i64::scanned(value)?).map_err(|e| e.to_string())
    }
}

impl Column for bool {
    fn scanned(value: ScanValue<'_>) -> Result<Self, String> {
        Ok(i64::scanned(value)? != 0)
    }
}

impl Column for f64 {
    fn scanned(value: ScanValue<'_>) -> Result<Self, String> {
        match value {
            ScanValue::Real(f) => Ok(f),
            ScanValue::Integer(i) => Ok(baton_reports::stats::float(i)),
            other => mismatch(other),
        }
    }
}

/// A text value, borrowed.
fn text(value: ScanValue<'_>) -> Result<&str, String> {
    match value {
        ScanValue::Text(t) => std::str::from_utf8(t).map_err(|e| e.to_string()),
        other => mismatch(other),
    }
}

impl Column for String {
    fn scanned(value: ScanValue<'_>) -> Result<Self, String> {
        text(value).map(str::to_owned)
    }
}

impl Column for DateTime<Utc> {
    /// RFC 3339 as sqlx writes it, or SQLite's own `YYYY-MM-DD HH:MM:SS[.fff]` in UTC.
    fn scanned(value: ScanValue<'_>) -> Result<Self, String> {
        let text = text(value)?;
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .or_else(|_| {
                chrono::NaiveDateTime::parse_from_str(text, "%F %T%.f").map(|t| t.and_utc())
            })
            .map_err(|e| format!("{text:?}: {e}"))
    }
}

impl Column for NaiveDate {
    fn scanned(value: ScanValue<'_>) -> Result<Self, String> {
        let text = text(value)?;
        NaiveDate::parse_from_str(text, "%F").map_err(|e| format!("{text:?}: {e}"))
    }
}

impl Column for Json<Value> {
    fn scanned(value: ScanValue<'_>) -> Result<Self, String> {
        serde_json::from_str(text(value)?)
            .map(Json)
            .map_err(|e| e.to_string())
    }
}

impl<T: Column> Column for Option<T> {
    fn scanned(value: ScanValue<'_>) -> Result<Self, String> {
        match value {
            ScanValue::Null => Ok(None),
            v => T::scanned(v).map(Some),
        }
    }
}

macro_rules! id_columns {
    ($($id:ident),*) => {$(
        impl Column for baton_model::$id {
            fn scanned(value: ScanValue<'_>) -> Result<Self, String> {
                i64::scanned(value).map(Self)
            }
        }
    )*};
}

id_columns!(
    UserId,
    TeamId,
    AccountId,
    ContactId,
    PipelineId,
    StageId,
    DealId,
    ActivityId,
    QuotaId,
    CustomFieldId,
    TokenId
);

impl Row<'_> {
    /// Reads column `name`.
    pub(crate) fn get<T: Column>(&self, name: &str) -> Result<T, StoreError> {
        let corrupt =
            |e: &dyn std::fmt::Display| StoreError::Corrupt(format!("column {name}: {e}"));
        match self {
            Row::Sqlite(r) => r.try_get(name).map_err(|e| corrupt(&e)),
            Row::Postgres(r) => r.try_get(name).map_err(|e| corrupt(&e)),
            Row::Scanned(r) => T::scanned(r.value(name)?).map_err(|e| corrupt(&e)),
        }
    }

    /// Reads a text column and parses it (an enum, a currency, an email…).
    pub(crate) fn parse<T>(&self, name: &str) -> Result<T, StoreError>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        let text: String = self.get(name)?;
        text.parse()
            .map_err(|e| StoreError::Corrupt(format!("column {name}: {e}")))
    }

    /// Reads a nullable text column and parses it.
    pub(crate) fn parse_opt<T>(&self, name: &str) -> Result<Option<T>, StoreError>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        let text: Option<String> = self.get(name)?;
        text.map(|t| {
            t.parse()
                .map_err(|e| StoreError::Corrupt(format!("column {name}: {e}")))
        })
        .transpose()
    }

    /// Reads a JSON column.
    pub(crate) fn json(&self, name: &str) -> Result<Value, StoreError> {
        Ok(self.get::<Json<Value>>(name)?.0)
    }

    /// Reads a JSON object column, such as `custom_fields`.
    pub(crate) fn json_object(
        &self,
        name: &str,
    ) -> Result<serde_json::Map<String, Value>, StoreError> {
        match self.json(name)? {
            Value::Object(map) => Ok(map),
            other => Err(StoreError::Corrupt(format!(
                "column {name}: not an object: {other}"
            ))),
        }
    }
}

/// Somewhere to run a query: a pool or an open transaction, of either backend.
pub(crate) enum Conn<'a> {
    SqlitePool(&'a sqlx::SqlitePool),
    PostgresPool(&'a sqlx::PgPool),
    SqliteTx(&'a mut sqlx::SqliteConnection),
    PostgresTx(&'a mut sqlx::PgConnection),
}

impl Conn<'_> {
    /// The dialect of the connection.
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Conn::SqlitePool(_) | Conn::SqliteTx(_) => Dialect::Sqlite,
            Conn::PostgresPool(_) | Conn::PostgresTx(_) => Dialect::Postgres,
        }
    }

    /// Runs a statement, returning the number of rows it changed.
    pub(crate) async fn execute(&mut self, mut q: Query) -> Result<u64, StoreError> {
        Ok(match self {
            Conn::SqlitePool(p) => q.sqlite().execute(*p).await?.rows_affected(),
            Conn::PostgresPool(p) => q.postgres().execute(*p).await?.rows_affected(),
            Conn::SqliteTx(c) => q.sqlite().execute(&mut **c).await?.rows_affected(),
            Conn::PostgresTx(c) => q.postgres().execute(&mut **c).await?.rows_affected(),
        })
    }

    /// Runs a query returning at most one row.
    pub(crate) async fn fetch_optional(
        &mut self,
        mut q: Query,
    ) -> Result<Option<Row<'static>>, StoreError> {
        Ok(match self {
            Conn::SqlitePool(p) => q.sqlite().fetch_optional(*p).await?.map(Row::Sqlite),
            Conn::PostgresPool(p) => q.postgres().fetch_optional(*p).await?.map(Row::Postgres),
            Conn::SqliteTx(c) => q.sqlite().fetch_optional(&mut **c).await?.map(Row::Sqlite),
            Conn::PostgresTx(c) => q
                .postgres()
                .fetch_optional(&mut **c)
                .await?
                .map(Row::Postgres),
        })
    }

    /// Runs a query that must return exactly one row.
    pub(crate) async fn fetch_one(&mut self, q: Query) -> Result<Row<'static>, StoreError> {
        self.fetch_optional(q)
            .await?
            .ok_or_else(|| StoreError::Corrupt("query returned no row".into()))
    }

    /// Runs a query returning all its rows.
    pub(crate) async fn fetch_all(&mut self, q: Query) -> Result<Vec<Row<'static>>, StoreError> {
        let mut rows = Vec::new();
        self.for_each(q, |r| {
            rows.push(r);
            Ok(())
        })
        .await?;
        Ok(rows)
    }

    /// Like [`Conn::for_each`], for the reads that take a whole organisation: on an SQLite
    /// pool it reads straight from the database file ([`crate::scan`]), the rest the same.
    pub(crate) async fn scan<T: Send + 'static>(
        &mut self,
        mut q: Query,
        map: fn(&Row) -> Result<T, StoreError>,
        mut f: impl FnMut(T) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        match self {
            // (An in-memory database has no file to read.)
            Conn::SqlitePool(p) if p.connect_options().get_filename().is_file() => {
                let sql = match &q.sql {
                    Sql::Static(s) => (*s).to_owned(),
                    Sql::Built(s) => s.clone(),
                };
                let path = p.connect_options().get_filename().to_owned();
                crate::scan::scan(&path, sql, std::mem::take(&mut q.args), map, f).await
            }
            _ => self.for_each(q, |r| f(map(&r)?)).await,
        }
    }

    /// Runs a query and hands each row to `f` as it arrives, so that reading millions of
    /// rows never holds them all.
    pub(crate) async fn for_each(
        &mut self,
        mut q: Query,
        mut f: impl FnMut(Row<'static>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        match self {
            Conn::SqlitePool(p) => {
                let mut rows = q.sqlite().fetch(*p);
                while let Some(r) = rows.try_next().await? {
                    f(Row::Sqlite(r))?;
                }
            }
            Conn::PostgresPool(p) => {
                let mut rows = q.postgres().fetch(*p);
                while let Some(r) = rows.try_next().await? {
                    f(Row::Postgres(r))?;
                }
            }
            Conn::SqliteTx(c) => {
                let mut rows = q.sqlite().fetch(&mut **c);
                while let Some(r) = rows.try_next().await? {
                    f(Row::Sqlite(r))?;
                }
            }
            Conn::PostgresTx(c) => {
                let mut rows = q.postgres().fetch(&mut **c);
                while let Some(r) = rows.try_next().await? {
                    f(Row::Postgres(r))?;
                }
            }
        }
        Ok(())
    }
}

impl Conn<'_> {
    /// Streams `data` to a `COPY … FROM STDIN` `statement` (PostgreSQL only, inside a
    /// transaction: an import's staging); returns the number of rows copied.
    pub(crate) async fn copy_in(
        &mut self,
        statement: &str,
        data: &[u8],
    ) -> Result<u64, StoreError> {
        let Conn::PostgresTx(conn) = self else {
            return Err(StoreError::Corrupt(
                "COPY runs only inside a PostgreSQL transaction".into(),
            ));
        };
        let mut copy = conn.copy_in_raw(statement).await?;
        let sent = copy.send(data).await.map(drop);
        match sent {
            Ok(()) => Ok(copy.finish().await?),
            Err(e) => {
                // Ends the COPY so the connection can roll the transaction back.
                let _ = copy.abort(e.to_string()).await;
                Err(e.into())
            }
        }
    }
}

/// An open write transaction on either backend; dropped without [`Tx::commit`] it rolls back.
pub(crate) enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    /// A connection to run statements inside the transaction.
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(tx) => Conn::SqliteTx(tx),
            Tx::Postgres(tx) => Conn::PostgresTx(tx),
        }
    }

    /// Makes every change of the transaction durable.
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// `(7, 12, 31)` for a list of ids from the database or from typed input (integers only).
pub(crate) fn id_list(ids: impl IntoIterator<Item = i64>) -> String {
    let mut list = String::from("(");
    for (i, id) in ids.into_iter().enumerate() {
        if i > 0 {
            list.push_str(", ");
        }
        list.push_str(&id.to_string());
    }
    if list.len() == 1 {
        list.push_str("NULL");
    }
    list.push(')');
    list
}
