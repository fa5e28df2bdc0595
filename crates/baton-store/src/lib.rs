//! Baton's one storage layer: SQLite (embedded, the default) and PostgreSQL behind one interface.
//!
//! The backend is chosen once, from the URL (`sqlite://…` or `postgres://…`). Every write goes
//! through one store function that, in the same transaction, applies the change, appends the
//! field-history rows and appends the audit-log row. Record-level visibility is a predicate inside
//! each SQL statement (see [`visibility`]), never a filter after the fetch, so pages and counts are
//! right.
#![forbid(unsafe_code)]

mod accounts;
mod activities;
mod actor;
mod audit;
mod backup;
mod board;
mod bulk;
mod calendar;
mod calendar_sources;
mod commissions;
mod contacts;
mod copy;
mod crm;
mod custom_fields;
mod db;
mod deals;
mod duplicates;
mod error;
mod export;
mod idempotency;
mod import;
mod import_jobs;
mod list;
mod org;
mod pipelines;
mod quotas;
mod refs;
mod reports;
mod scan;
mod sessions;
pub mod signals;
pub mod sql_console;
mod teams;
mod today;
mod tokens;
mod users;
mod views;
pub mod visibility;

pub use actor::Actor;
pub use backup::restore_sqlite;
pub use board::{BoardFilter, StageTotal};
pub use bulk::{Bulk, MaxIds};
pub use calendar::{Feed, FeedOf};
pub use calendar_sources::{DueFeed, MAX_CALENDAR_BYTES};
pub use db::Dialect;
pub use error::{Result, StoreError};
pub use idempotency::IdempotencyBegin;
pub use import::{Counts, Import, ImportedUser, SourceKind};
pub use import_jobs::{NewImportJob, STALE_SECONDS};
pub use list::{ListQuery, MAX_LIMIT, Page};
pub use sessions::Session;
pub use sql_console::{SqlError, SqlLimits, SqlTable};
pub use today::*;
pub use tokens::TokenInfo;
pub use views::SavedView;

use chrono::{DateTime, Utc};
use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// How to open the database.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Apply pending migrations first. Only `baton migrate`, and `demo`/`serve` on an embedded
    /// SQLite, do this; several servers sharing one PostgreSQL never race to migrate.
    pub migrate: bool,
    /// Connections for reading (SQLite) or in total (PostgreSQL).
    pub max_connections: u32,
    /// Take an exclusive lock file beside a SQLite database so that a second server process on
    /// the same data directory is refused instead of competing for it.
    pub exclusive: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            migrate: false,
            max_connections: 8,
            exclusive: false,
        }
    }
}

enum Backend {
    Sqlite {
        /// One connection: SQLite allows one writer at a time, and queueing in-process is
        /// cheaper than retrying on `SQLITE_BUSY`.
        writer: sqlx::SqlitePool,
        reader: sqlx::SqlitePool,
        _lock: Option<std::fs::File>,
    },
    Postgres(sqlx::PgPool),
}

/// A handle to the database; cheap to clone and share between tasks.
#[derive(Clone)]
pub struct Store {
    backend: Arc<Backend>,
    /// Turns for SQL console queries, so runaway ones cannot hold every connection.
    console: Arc<tokio::sync::Semaphore>,
}

/// The current time as stored: UTC, truncated to microseconds so both backends round-trip it
/// exactly (PostgreSQL keeps microseconds).
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

/// The SQLite database file inside a data directory.
pub fn sqlite_path(data_dir: &Path) -> PathBuf {
    data_dir.join("baton.db")
}

impl Store {
    /// Opens the database at `url`: `sqlite:///path/to/baton.db` (created if missing) or
    /// `postgres://user@host/db`.
    pub async fn open(url: &str, options: &OpenOptions) -> Result<Store> {
        let store = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::open_postgres(url, options).await?
        } else if url.starts_with("sqlite:") {
            Self::open_sqlite(url, options).await?
        } else {
            return Err(StoreError::Corrupt(format!(
                "unsupported database URL {url:?}: expected sqlite://PATH or postgres://…"
            )));
        };
        if options.migrate {
            store.migrate().await?;
        } else {
            store.check_schema().await?;
        }
        Ok(store)
    }

    async fn open_sqlite(url: &str, options: &OpenOptions) -> Result<Store> {
        let base = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            .pragma("cache_size", "-8000")
            .pragma("temp_store", "memory")
            // Bulk loads write large statements that take seconds by design; a slow read is worth
            // a warning, a slow write only a debug line (sqlx would print the whole statement).
            .log_slow_statements(log::LevelFilter::Debug, Duration::from_secs(1));
        let lock = if options.exclusive {
            Some(lock_beside(base.get_filename())?)
        } else {
            None
        };
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            // Keeps the planner's statistics fresh, as SQLite recommends for long-lived apps.
            .connect_with(base.clone().optimize_on_close(true, 1000))
            .await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .idle_timeout(Duration::from_mins(10))
            .connect_with(
                base.read_only(true)
                    .create_if_missing(false)
                    .log_slow_statements(log::LevelFilter::Warn, Duration::from_millis(500)),
            )
            .await?;
        Ok(Store {
            backend: Arc::new(Backend::Sqlite {
                writer,
                reader,
                _lock: lock,
            }),
            console: sql_console::slots(),
        })
    }

    async fn open_postgres(url: &str, options: &OpenOptions) -> Result<Store> {
        let connect = PgConnectOptions::from_str(url)?
            .log_slow_statements(log::LevelFilter::Warn, Duration::from_millis(500));
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(2))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(connect)
            .await?;
        Ok(Store {
            backend: Arc::new(Backend::Postgres(pool)),
            console: sql_console::slots(),
        })
    }

    /// The SQL dialect of this store.
    pub fn dialect(&self) -> Dialect {
        match &*self.backend {
            Backend::Sqlite { .. } => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<()> {
        match &*self.backend {
            Backend::Sqlite { writer, .. } => SQLITE_MIGRATIONS.run(writer).await?,
            Backend::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Refuses to serve a database whose schema is behind this binary's migrations.
    async fn check_schema(&self) -> Result<()> {
        let (latest, applied) = match &*self.backend {
            Backend::Sqlite { reader, .. } => (
                SQLITE_MIGRATIONS.iter().map(|m| m.version).max(),
                applied_version_sqlite(reader).await,
            ),
            Backend::Postgres(pool) => (
                POSTGRES_MIGRATIONS.iter().map(|m| m.version).max(),
                applied_version_pg(pool).await,
            ),
        };
        if applied < latest {
            return Err(StoreError::Conflict(format!(
                "the database schema is at version {} but this baton needs {}: run `baton migrate`",
                applied.unwrap_or(0),
                latest.unwrap_or(0)
            )));
        }
        Ok(())
    }

    /// The migration versions shipped for each backend, for the test that keeps them in step.
    pub fn migration_versions() -> (Vec<i64>, Vec<i64>) {
        (
            SQLITE_MIGRATIONS.iter().map(|m| m.version).collect(),
            POSTGRES_MIGRATIONS.iter().map(|m| m.version).collect(),
        )
    }

    /// A connection for reads.
    pub(crate) fn reader(&self) -> db::Conn<'_> {
        match &*self.backend {
            Backend::Sqlite { reader, .. } => db::Conn::SqlitePool(reader),
            Backend::Postgres(pool) => db::Conn::PostgresPool(pool),
        }
    }

    /// Starts a write transaction. On SQLite it is `BEGIN IMMEDIATE`, taking the write lock up
    /// front so a transaction never fails halfway for want of it.
    pub(crate) async fn begin(&self) -> Result<db::Tx> {
        Ok(match &*self.backend {
            Backend::Sqlite { writer, .. } => {
                db::Tx::Sqlite(writer.begin_with("BEGIN IMMEDIATE").await?)
            }
            Backend::Postgres(pool) => db::Tx::Postgres(pool.begin().await?),
        })
    }

    /// Closes every connection, waiting for running queries to finish.
    pub async fn close(&self) {
        match &*self.backend {
            Backend::Sqlite { writer, reader, .. } => {
                reader.close().await;
                writer.close().await;
            }
            Backend::Postgres(pool) => pool.close().await,
        }
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        self.reader()
            .fetch_one(db::query("SELECT 1 AS one"))
            .await
            .map(|_| ())
    }
}

async fn applied_version_sqlite(pool: &sqlx::SqlitePool) -> Option<i64> {
    sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await
        .ok()
        .flatten()
}

async fn applied_version_pg(pool: &sqlx::PgPool) -> Option<i64> {
    sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await
        .ok()
        .flatten()
}

/// Takes an exclusive advisory lock on `<database>.lock`, held for the life of the store.
fn lock_beside(database: &Path) -> Result<std::fs::File> {
    let path = database.with_extension("lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| {
            StoreError::Conflict(format!("cannot open lock file {}: {e}", path.display()))
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Conflict(format!(
            "another baton process is using {} (lock file {})",
            database.display(),
            path.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Conflict(format!(
            "cannot lock {}: {e}",
            path.display()
        ))),
    }
}
