//! The store's one error type.

use baton_model::FieldErrors;

/// Why a store operation did not happen. Nothing is written when any of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist, or the actor may not see it (the two are indistinguishable
    /// on purpose: a record you may not see does not exist for you).
    #[error("not found")]
    NotFound,
    /// The actor sees the record but may not do this to it.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The record changed since the version the caller read.
    #[error("the record has changed since version {expected}; it is now at version {current}")]
    Stale {
        /// The version the caller sent.
        expected: i64,
        /// The version in the database.
        current: i64,
    },
    /// The input breaks a rule; each problem names its field.
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    /// The change conflicts with other records (a stage that still holds deals…).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database failed or is unreachable.
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// Stored data that cannot be read back: a bug or manual tampering.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// An invalid-input error about one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        StoreError::Invalid(FieldErrors::one(field, message))
    }
}

impl From<sqlx::Error> for StoreError {
    /// A unique index refusing a row is a conflict the client can act on (two concurrent creates
    /// of the same email, say), not a database failure.
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(format!(
                "another record already has this value ({})",
                db.constraint().unwrap_or_else(|| db.message())
            )),
            _ => StoreError::Database(error),
        }
    }
}

impl From<FieldErrors> for StoreError {
    fn from(errors: FieldErrors) -> Self {
        StoreError::Invalid(errors)
    }
}

/// Refuses a change to a record now at version `current` when the caller read another version.
/// `None` means the caller did not say (allowed only where the API makes it optional).
pub(crate) fn check_version(expected: impl Into<Option<i64>>, current: i64) -> Result<()> {
    match expected.into() {
        Some(expected) if expected != current => Err(StoreError::Stale { expected, current }),
        _ => Ok(()),
    }
}

/// Results of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
