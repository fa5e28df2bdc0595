//! What accounts, contacts, deals and activities share: visibility checks before a change, the
//! version check, and archiving.

use crate::audit::write_audit;
use crate::db::{Conn, Tx, built_query};
use crate::visibility::{Entity, editable, scope_cte, visible};
use crate::{Actor, Result, Store, StoreError, now};
use serde::Serialize;
use std::future::Future;

/// A CRM record kind with owner-based visibility and soft deletion.
pub(crate) trait CrmRecord: Serialize + Sized + Send + Sync {
    /// For visibility predicates.
    const ENTITY: Entity;
    /// The table; its alias in queries is `x`.
    const TABLE: &'static str;
    /// The name in the audit log and field history (`deal`).
    const NAME: &'static str;

    /// The record's optimistic-concurrency version.
    fn version(&self) -> i64;

    /// Reads the record with its children, without checking visibility.
    fn load(conn: &mut Conn<'_>, id: i64) -> impl Future<Output = Result<Option<Self>>> + Send;
}

/// Whether the actor may see record `id` of `T`, and whether they may change it.
pub(crate) async fn access<T: CrmRecord>(
    conn: &mut Conn<'_>,
    actor: &Actor,
    id: i64,
) -> Result<(bool, bool)> {
    let row = conn
        .fetch_optional(
            built_query(format!(
                "{}SELECT ({}) AS can_edit FROM {} x WHERE x.id = $2 AND {}",
                scope_cte(actor),
                editable(actor, T::ENTITY, "x"),
                T::TABLE,
                visible(actor, T::ENTITY, "x")
            ))
            .bind(actor.user_id)
            .bind(id),
        )
        .await?;
    Ok(match row {
        None => (false, false),
        Some(r) => (true, r.get::<bool>("can_edit")?),
    })
}

/// Opens the write transaction of a change to record `id`: the actor must see it (else
/// `NotFound`) and may change it (else `Forbidden`), and it must still be at `expected_version`
/// when one is given (else `Stale`). Returns the transaction and the record before the change.
pub(crate) async fn begin_change<T: CrmRecord>(
    store: &Store,
    actor: &Actor,
    id: i64,
    expected_version: Option<i64>,
) -> Result<(Tx, T)> {
    let mut tx = store.begin().await?;
    let (seen, can_edit) = access::<T>(&mut tx.conn(), actor, id).await?;
    if !seen {
        return Err(StoreError::NotFound);
    }
    actor.ensure_edits_crm()?;
    if !can_edit {
        return Err(StoreError::Forbidden(format!(
            "you may see this {} but not change it",
            T::NAME
        )));
    }
    let before = T::load(&mut tx.conn(), id)
        .await?
        .ok_or(StoreError::NotFound)?;
    if let Some(expected) = expected_version
        && before.version() != expected
    {
        return Err(StoreError::Stale {
            expected,
            current: before.version(),
        });
    }
    Ok((tx, before))
}

/// Archives (`archive = true`, the API's DELETE) or restores a record the actor may change.
pub(crate) async fn set_archived<T: CrmRecord>(
    store: &Store,
    actor: &Actor,
    id: i64,
    expected_version: Option<i64>,
    archive: bool,
) -> Result<T> {
    let (mut tx, before) = begin_change::<T>(store, actor, id, expected_version).await?;
    let at = now();
    tx.conn()
        .execute(
            built_query(format!(
                "UPDATE {} SET archived_at = $1, version = version + 1, updated_at = $2 WHERE id = $3",
                T::TABLE
            ))
            .bind(archive.then_some(at))
            .bind(at)
            .bind(id),
        )
        .await?;
    let after = T::load(&mut tx.conn(), id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let action = if archive { "archive" } else { "restore" };
    write_audit(
        &mut tx.conn(),
        Some(actor.user_id),
        action,
        T::NAME,
        id,
        Some(&before),
        Some(&after),
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Runs the `UPDATE` of a change guarded by the version; a concurrent change that got there
/// first turns into `Stale`.
pub(crate) async fn guarded_update<T: CrmRecord>(
    conn: &mut Conn<'_>,
    update: crate::db::Query,
    id: i64,
    expected_version: i64,
) -> Result<()> {
    if conn.execute(update).await? == 0 {
        let current = T::load(conn, id)
            .await?
            .map_or(expected_version, |r| r.version());
        return Err(StoreError::Stale {
            expected: expected_version,
            current,
        });
    }
    Ok(())
}
