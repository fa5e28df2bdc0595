//! What accounts, contacts, deals and activities share: visibility checks before a change, the
//! version check, and archiving.

use crate::audit::write_audit;
use crate::db::{Arg, Conn, Row, Tx, built_query};
use crate::error::check_version;
use crate::list::{ListQuery, ListSpec, Page, paginate};
use crate::visibility::{Entity, Scope};
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::records::FieldChange;
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
    /// The select list, over alias `x`.
    const COLUMNS: &'static str;
    /// What its list allows: filters, sorts, search.
    const LIST: ListSpec;

    /// The record from a row of `COLUMNS`, without children.
    fn from_row(row: &Row) -> Result<Self>;

    /// The record's id.
    fn id(&self) -> i64;

    /// The record's optimistic-concurrency version.
    fn version(&self) -> i64;

    /// The record's stored values by column, `id` aside. Creating, changing and bulk loading
    /// all write from this one list.
    fn values(&self) -> Vec<(&'static str, Arg)>;

    /// Fills in child collections (a deal's splits and contacts) for a batch, in a fixed number
    /// of queries; most kinds have none.
    fn attach(
        _conn: &mut Conn<'_>,
        _records: &mut [Self],
    ) -> impl Future<Output = Result<()>> + Send {
        async { Ok(()) }
    }
}

/// Reads record `id` of `T` with its children, without checking visibility (for use inside a
/// change whose access was already checked).
pub(crate) async fn load<T: CrmRecord>(conn: &mut Conn<'_>, id: i64) -> Result<Option<T>> {
    let Some(row) = conn
        .fetch_optional(
            built_query(format!(
                "SELECT {} FROM {} x WHERE x.id = $1",
                T::COLUMNS,
                T::TABLE
            ))
            .bind(id),
        )
        .await?
    else {
        return Ok(None);
    };
    let mut records = [T::from_row(&row)?];
    T::attach(conn, &mut records).await?;
    let [record] = records;
    Ok(Some(record))
}

/// Record `id` of `T`, if the actor may see it.
pub(crate) async fn get_visible<T: CrmRecord>(store: &Store, actor: &Actor, id: i64) -> Result<T> {
    let mut conn = store.reader();
    let scope = Scope::of(&mut conn, actor).await?;
    let row = conn
        .fetch_optional(
            built_query(format!(
                "SELECT {} FROM {} x WHERE x.id = $1 AND {}",
                T::COLUMNS,
                T::TABLE,
                scope.visible(T::ENTITY, "x")
            ))
            .bind(id),
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut records = [T::from_row(&row)?];
    T::attach(&mut conn, &mut records).await?;
    let [record] = records;
    Ok(record)
}

/// A page of the records of `T` the actor may see.
pub(crate) async fn list_visible<T: CrmRecord>(
    store: &Store,
    actor: &Actor,
    list: &ListQuery,
) -> Result<Page<T>> {
    let mut conn = store.reader();
    let scope = Scope::of(&mut conn, actor).await?;
    let (sql, args) = paginate(
        &T::LIST,
        list,
        &scope.visible(T::ENTITY, "x"),
        store.dialect(),
    )?;
    let rows = conn.fetch_all(built_query(sql).bind_all(args)).await?;
    let mut page = Page::from_rows(&T::LIST, list, rows, T::from_row)?;
    T::attach(&mut conn, &mut page.items).await?;
    Ok(page)
}

/// Whether the scope's actor may see record `id` of `T`, and whether they may change it.
pub(crate) async fn access<T: CrmRecord>(
    conn: &mut Conn<'_>,
    scope: &Scope,
    id: i64,
) -> Result<(bool, bool)> {
    let row = conn
        .fetch_optional(
            built_query(format!(
                "SELECT ({}) AS can_edit FROM {} x WHERE x.id = $1 AND {}",
                scope.editable(T::ENTITY, "x"),
                T::TABLE,
                scope.visible(T::ENTITY, "x")
            ))
            .bind(id),
        )
        .await?;
    Ok(match row {
        None => (false, false),
        Some(r) => (true, r.get::<bool>("can_edit")?),
    })
}

/// Whether the actor may change record `id` of `T` (false also when they cannot see it).
pub(crate) async fn can_edit<T: CrmRecord>(store: &Store, actor: &Actor, id: i64) -> Result<bool> {
    let mut conn = store.reader();
    let scope = Scope::of(&mut conn, actor).await?;
    Ok(access::<T>(&mut conn, &scope, id).await?.1 && actor.role.edits_crm_records())
}

/// The field history of record `id` of `T`, oldest first, if the actor may see the record.
pub(crate) async fn history<T: CrmRecord>(
    store: &Store,
    actor: &Actor,
    id: i64,
) -> Result<Vec<FieldChange>> {
    let mut conn = store.reader();
    let scope = Scope::of(&mut conn, actor).await?;
    if !access::<T>(&mut conn, &scope, id).await?.0 {
        return Err(StoreError::NotFound);
    }
    store.history_of(T::NAME, id).await
}

/// Opens the write transaction of a change to record `id`: the actor must see it (else
/// `NotFound`) and may change it (else `Forbidden`), and it must still be at `expected_version`
/// when one is given (else `Stale`). Returns the transaction, the record before the change and
/// the actor's scope.
pub(crate) async fn begin_change<T: CrmRecord>(
    store: &Store,
    actor: &Actor,
    id: i64,
    expected_version: Option<i64>,
) -> Result<(Tx, T, Scope)> {
    let mut tx = store.begin().await?;
    let scope = Scope::of(&mut tx.conn(), actor).await?;
    let (seen, can_edit) = access::<T>(&mut tx.conn(), &scope, id).await?;
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
    let before = load::<T>(&mut tx.conn(), id)
        .await?
        .ok_or(StoreError::NotFound)?;
    check_version(expected_version, before.version())?;
    Ok((tx, before, scope))
}

/// Archives (`archive = true`, the API's DELETE) or restores a record the actor may change.
pub(crate) async fn set_archived<T: CrmRecord>(
    store: &Store,
    actor: &Actor,
    id: i64,
    expected_version: Option<i64>,
    archive: bool,
) -> Result<T> {
    let (mut tx, before, _) = begin_change::<T>(store, actor, id, expected_version).await?;
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
    let after = load::<T>(&mut tx.conn(), id)
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

/// Inserts a new record, returning the id the database gave it.
pub(crate) async fn insert<T: CrmRecord>(conn: &mut Conn<'_>, record: &T) -> Result<i64> {
    let (columns, args): (Vec<&str>, Vec<Arg>) = record.values().into_iter().unzip();
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
    conn.fetch_one(
        built_query(format!(
            "INSERT INTO {} ({}) VALUES ({}) RETURNING id",
            T::TABLE,
            columns.join(", "),
            placeholders.join(", ")
        ))
        .bind_all(args),
    )
    .await?
    .get("id")
}

/// Writes a changed record over the stored one, if that is still at `expected_version`, and
/// bumps the version; a concurrent change that got there first turns into `Stale`. Creation
/// time, archiving and the version itself are never written by a change.
pub(crate) async fn update<T: CrmRecord>(
    conn: &mut Conn<'_>,
    record: &T,
    expected_version: i64,
) -> Result<()> {
    let values: Vec<(&str, Arg)> = record
        .values()
        .into_iter()
        .filter(|(column, _)| !matches!(*column, "created_at" | "archived_at" | "version"))
        .collect();
    let sets: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, (c, _))| format!("{c} = ${}", i + 1))
        .collect();
    let n = values.len();
    let update = built_query(format!(
        "UPDATE {} SET {}, version = version + 1 WHERE id = ${} AND version = ${}",
        T::TABLE,
        sets.join(", "),
        n + 1,
        n + 2
    ))
    .bind_all(values.into_iter().map(|(_, arg)| arg))
    .bind(record.id())
    .bind(expected_version);
    if conn.execute(update).await? == 0 {
        let current = load::<T>(conn, record.id())
            .await?
            .map_or(expected_version, |r| r.version());
        return Err(StoreError::Stale {
            expected: expected_version,
            current,
        });
    }
    Ok(())
}
