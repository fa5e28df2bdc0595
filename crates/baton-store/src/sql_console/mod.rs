//! The SQL console: one read-only `SELECT` over the reporting views (`rpt_*`, defined in the
//! `reporting_views` migration and documented in `docs/reporting-schema.md`), answered as JSON.
//!
//! Safe by construction, in layers that each hold on their own:
//! 1. [`check`] parses the text with the backend's dialect and lets through exactly one query
//!    that reads only the `rpt_` views and calls only allow-listed functions, rewriting every
//!    view reference into a subquery filtered by the caller's visibility (the same predicates as
//!    every list, from [`crate::visibility`]): a rep's `rpt_deals` holds only their deals.
//! 2. [`run`] executes it where writing is impossible — a fresh read-only SQLite connection with
//!    `query_only`, or a PostgreSQL `BEGIN READ ONLY` transaction that is rolled back — with a
//!    time limit (`statement_timeout`; SQLite's progress handler) and a row cap.
//! 3. At most [`CONCURRENT_QUERIES`] console queries run at once per store, so runaway queries
//!    cannot take every database connection from the rest of the server.

pub mod allow;
mod chart;
mod check;
mod pins;
mod run;
mod saved;

use crate::visibility::{Entity, Scope};
use crate::{Actor, Backend, Store, StoreError};
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

pub use chart::{ChartKind, MAX_COLUMN_CHARS, MAX_Y_COLUMNS, SavedChart};
pub use check::MAX_QUERY_BYTES;
pub use pins::Pin;
pub use saved::{MAX_NAME_CHARS, SavedQuery, SavedQueryChanges};

/// How many console queries may run at once on one store; others wait their turn.
pub const CONCURRENT_QUERIES: usize = 2;

/// The turns a new store hands out to console queries.
pub(crate) fn slots() -> Arc<Semaphore> {
    Arc::new(Semaphore::new(CONCURRENT_QUERIES))
}

/// The bounds of one console query.
#[derive(Debug, Clone, Copy)]
pub struct SqlLimits {
    /// How long the query may run before the database stops it.
    pub timeout: Duration,
    /// How many rows are returned at most; a longer result is cut and marked truncated.
    pub max_rows: usize,
}

impl Default for SqlLimits {
    /// 5 seconds and 10,000 rows.
    fn default() -> Self {
        SqlLimits {
            timeout: Duration::from_secs(5),
            max_rows: 10_000,
        }
    }
}

/// A console query's answer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SqlTable {
    /// The result's column names, in order.
    pub columns: Vec<String>,
    /// Each row's values in column order: numbers, text, booleans (PostgreSQL) or null. Money
    /// columns are integer minor units; times are RFC 3339 text.
    pub rows: Vec<Vec<serde_json::Value>>,
    /// Whether more rows existed than [`SqlLimits::max_rows`].
    pub truncated: bool,
    /// How long the query took, in milliseconds.
    pub elapsed_ms: u64,
}

/// Why a console query gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    /// The query is not one read-only SELECT over the reporting views; says what and why.
    #[error("{0}")]
    Refused(String),
    /// The query ran past its time limit and was stopped.
    #[error("the query ran longer than {} s and was stopped; narrow it (a WHERE on dates, a LIMIT) and try again", .0.as_secs_f64())]
    TimedOut(Duration),
    /// The database could not run the query: an unknown column, a type mismatch…
    #[error("the database could not run the query: {0}")]
    Failed(String),
    /// The store failed, not the query.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Runs `query` for `actor` in the SQL console: one `SELECT` over the `rpt_` views, which
    /// show the actor only what they may see (any signed-in user may use it).
    #[tracing::instrument(skip_all, fields(user = %actor.user_id), err(level = "info"))]
    pub async fn run_sql(
        &self,
        actor: &Actor,
        query: &str,
        limits: SqlLimits,
    ) -> Result<SqlTable, SqlError> {
        let scope = Scope::of(&mut self.reader(), actor).await?;
        let sql = check::check(
            query,
            self.dialect(),
            &|view| view_filter(&scope, view),
            limits.max_rows,
        )
        .map_err(SqlError::Refused)?;
        let _turn = self
            .console
            .acquire()
            .await
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let started = Instant::now();
        let mut table = match &*self.backend {
            Backend::Sqlite { reader, .. } => run::sqlite(reader, &sql, limits).await?,
            Backend::Postgres(pool) => run::postgres(pool, &sql, limits).await?,
        };
        table.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(table)
    }
}

/// The predicate, over the view's alias, selecting the rows of `view` the scope may see. A view
/// without a rule here shows nothing, so adding a view cannot leak rows by omission.
fn view_filter(scope: &Scope, view: &str) -> String {
    let v = check::VIEW_ALIAS;
    match view {
        "rpt_deals" => scope.visible(Entity::Deal, v),
        "rpt_accounts" => scope.visible(Entity::Account, v),
        "rpt_activities" => scope.visible(Entity::Activity, v),
        "rpt_quotas" => scope.visible(Entity::Quota, v),
        "rpt_deal_history" if scope.sees_all(Entity::Deal) => "TRUE".into(),
        "rpt_deal_history" => scope.deal_visible_by_id(&format!("{v}.deal_id")),
        // Every signed-in user sees the list of users, as in /api/v1/users.
        "rpt_users" => "TRUE".into(),
        _ => "FALSE".into(),
    }
}
