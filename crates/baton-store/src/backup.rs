//! Backup and restore of the embedded SQLite database.
//!
//! A backup is `VACUUM INTO` a new file: SQLite writes a consistent snapshot of the database as
//! one read transaction sees it, while the server goes on reading and writing (WAL mode lets
//! the writer continue), and the copy is compact and self-contained (no `-wal` beside it). See
//! <https://www.sqlite.org/lang_vacuum.html#vacuuminto>.
//!
//! A restore needs the server stopped (it takes the data directory's lock to be sure), checks
//! the file is a sound Baton database, keeps the current database beside it under a dated name
//! rather than deleting it, moves the copy into place and brings its schema up to date.
//!
//! PostgreSQL has its own tools: `pg_dump` and `pg_restore` (`docs/backup.md`).

use crate::{OpenOptions, Result, Store, StoreError, lock_beside};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::str::FromStr;

const ON_POSTGRES: &str = "backup and restore here are for the embedded SQLite database; on \
     PostgreSQL use pg_dump and pg_restore (docs/backup.md)";

impl Store {
    /// Writes a consistent snapshot of the SQLite database to `to`, a file that must not exist,
    /// while the server keeps running.
    pub async fn backup(&self, to: &Path) -> Result<()> {
        if self.dialect() != crate::Dialect::Sqlite {
            return Err(StoreError::Conflict(ON_POSTGRES.into()));
        }
        if to.exists() {
            return Err(StoreError::Conflict(format!(
                "{} exists; a backup never overwrites a file",
                to.display()
            )));
        }
        let target = to
            .to_str()
            .ok_or_else(|| StoreError::Conflict(format!("{} is not UTF-8", to.display())))?;
        self.reader()
            .execute(crate::db::query("VACUUM INTO $1").bind(target))
            .await?;
        Ok(())
    }
}

/// Replaces the SQLite database at `database` with the backup `from`, which must be a sound
/// Baton database; the current one is kept as `<database>.before-restore-<time>` and returned.
/// Refused while a server uses the database.
pub async fn restore_sqlite(from: &Path, database: &Path) -> Result<Option<PathBuf>> {
    if !from.is_file() {
        return Err(StoreError::Conflict(format!(
            "{} is not a file",
            from.display()
        )));
    }
    check_backup(from).await?;
    let lock = lock_beside(database)?;
    let staged = database.with_extension("db.restoring");
    std::fs::copy(from, &staged).map_err(|e| io(&staged, &e))?;
    std::fs::File::open(&staged)
        .and_then(|f| f.sync_all())
        .map_err(|e| io(&staged, &e))?;
    let kept = if database.exists() {
        let kept = database.with_extension(format!(
            "db.before-restore-{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
        ));
        checkpoint(database).await?;
        std::fs::rename(database, &kept).map_err(|e| io(database, &e))?;
        Some(kept)
    } else {
        None
    };
    for suffix in ["db-wal", "db-shm"] {
        let _ = std::fs::remove_file(database.with_extension(suffix));
    }
    std::fs::rename(&staged, database).map_err(|e| io(database, &e))?;
    drop(lock);
    let url = format!("sqlite://{}", database.display());
    let options = OpenOptions {
        migrate: true,
        max_connections: 1,
        exclusive: true,
    };
    Store::open(&url, &options).await?;
    Ok(kept)
}

/// Opens `file` read-only and checks it is an intact SQLite database with Baton's schema.
async fn check_backup(file: &Path) -> Result<()> {
    let refuse = |why: String| {
        StoreError::Conflict(format!("{} is not a Baton backup: {why}", file.display()))
    };
    let mut conn = SqliteConnectOptions::from_str(&format!("sqlite://{}", file.display()))?
        .read_only(true)
        .connect()
        .await
        .map_err(|e| refuse(e.to_string()))?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| refuse(e.to_string()))?;
    if integrity != "ok" {
        return Err(refuse(format!("integrity check failed: {integrity}")));
    }
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' \
         AND name IN ('_sqlx_migrations', 'deals', 'audit_log')",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(|e| refuse(e.to_string()))?;
    conn.close().await?;
    if tables == 3 {
        Ok(())
    } else {
        Err(refuse("it has no Baton tables".into()))
    }
}

/// Folds the write-ahead log into the database file so that renaming the file moves all of it.
async fn checkpoint(database: &Path) -> Result<()> {
    let mut conn = SqliteConnectOptions::from_str(&format!("sqlite://{}", database.display()))?
        .connect()
        .await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

fn io(path: &Path, e: &std::io::Error) -> StoreError {
    StoreError::Conflict(format!("{}: {e}", path.display()))
}
