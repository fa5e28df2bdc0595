//! The PostgreSQL path of an import: a chunk's rows go by `COPY … FROM STDIN` into a temporary
//! staging table shaped like the target's columns, then one `INSERT … SELECT` moves them over.
//! COPY streams rows without binding a parameter each, and the server parses one small
//! statement instead of a 30,000-parameter one.
//!
//! The staging table is created inside the chunk's transaction and dropped after each use
//! (and on commit at the latest), so a killed import leaves nothing behind.

use super::Counts;
use super::upsert::{UpsertSql, counts, row};
use crate::copy::push_row;
use crate::crm::CrmRecord;
use crate::db::{Arg, Tx, built_query};
use crate::{Result, StoreError};
use std::collections::HashMap;

/// Rows staged per COPY: bounds the memory of a large call (an importer's chunk fits in one).
const ROWS_PER_COPY: usize = 10_000;

/// The staging table of `table`.
fn staging(table: &str) -> String {
    format!("import_{table}")
}

/// `rows` in COPY's text format, each after its `ord` (its place in the order given). Encoded
/// before any await: a future holding the rows' iterator is not always `Send`.
fn encode<I: IntoIterator<Item = Arg>>(rows: impl Iterator<Item = I>) -> String {
    let mut data = String::new();
    for (ord, fields) in rows.enumerate() {
        let ord = i64::try_from(ord).unwrap_or(i64::MAX);
        push_row(&mut data, std::iter::once(Arg::from(ord)).chain(fields));
    }
    data
}

/// Creates `table`'s staging table with `columns` (their types taken from `table`) and an
/// `ord` column keeping the rows' order, and copies `data` ([`encode`]d rows) into it.
async fn stage(tx: &mut Tx, table: &str, columns: &str, data: String) -> Result<()> {
    let staging = staging(table);
    tx.conn()
        .execute(built_query(format!(
            "CREATE TEMP TABLE {staging} ON COMMIT DROP AS \
             SELECT 0::bigint AS ord, {columns} FROM {table} WITH NO DATA"
        )))
        .await?;
    tx.conn()
        .copy_in(
            &format!("COPY {staging} (ord, {columns}) FROM STDIN"),
            data.as_bytes(),
        )
        .await?;
    Ok(())
}

/// Drops `table`'s staging table.
async fn unstage(tx: &mut Tx, table: &str) -> Result<()> {
    tx.conn()
        .execute(built_query(format!("DROP TABLE {}", staging(table))))
        .await?;
    Ok(())
}

/// Upserts `items` through a staging table; the counts, and the ids in the order given when
/// `want_ids`.
pub(super) async fn upsert<T: CrmRecord>(
    tx: &mut Tx,
    sql: &UpsertSql,
    items: &[(String, T)],
    want_ids: bool,
) -> Result<(Counts, Vec<i64>)> {
    let (table, columns) = (sql.table, sql.column_list.as_str());
    let staged = staging(table);
    let mut total = Counts::default();
    let mut ids = Vec::with_capacity(if want_ids { items.len() } else { 0 });
    for chunk in items.chunks(ROWS_PER_COPY) {
        let data = encode(chunk.iter().map(|(s, r)| row(s, r)));
        stage(tx, table, columns, data).await?;
        let existing = existing(tx, table).await?;
        // All new (a first import): a plain insert, sparing the conflict check.
        let on_conflict = if existing > 0 {
            sql.on_conflict.as_str()
        } else {
            ""
        };
        let written = tx
            .conn()
            .execute(built_query(format!(
                "INSERT INTO {table} ({columns}) SELECT {columns} FROM {staged} ORDER BY ord\
                 {on_conflict}"
            )))
            .await?;
        total += counts(chunk.len(), existing, written);
        if want_ids {
            ids.extend(staged_ids(tx, table, chunk).await?);
        }
        unstage(tx, table).await?;
    }
    Ok((total, ids))
}

/// The staged source ids, as an array for `= ANY(…)`: an index probe per id whatever the
/// planner guesses of a temporary table it has no statistics for (a join scanned the whole
/// target table instead).
fn staged_sources(table: &str) -> String {
    format!("ARRAY(SELECT source_id FROM {})", staging(table))
}

/// How many staged rows exist in `table` already. One index probe first: on a first import
/// no row has a source id between the staged least and greatest (exports list records in id
/// order), and counting is skipped.
async fn existing(tx: &mut Tx, table: &str) -> Result<u64> {
    let staged = staging(table);
    let any = tx
        .conn()
        .fetch_optional(built_query(format!(
            "SELECT 1 AS one FROM {table} \
             WHERE source_id >= (SELECT min(source_id) FROM {staged}) \
             AND source_id <= (SELECT max(source_id) FROM {staged}) LIMIT 1"
        )))
        .await?;
    if any.is_none() {
        return Ok(0);
    }
    let n: i64 = tx
        .conn()
        .fetch_one(built_query(format!(
            "SELECT count(*) AS n FROM {table} WHERE source_id = ANY({})",
            staged_sources(table)
        )))
        .await?
        .get("n")?;
    Ok(u64::try_from(n).unwrap_or_default())
}

/// The ids of `chunk`'s records, in its order, once they are all written.
async fn staged_ids<T>(tx: &mut Tx, table: &str, chunk: &[(String, T)]) -> Result<Vec<i64>> {
    let rows = tx
        .conn()
        .fetch_all(built_query(format!(
            "SELECT source_id, id FROM {table} WHERE source_id = ANY({})",
            staged_sources(table)
        )))
        .await?;
    let mut ids = HashMap::with_capacity(rows.len());
    for row in &rows {
        ids.insert(row.get::<String>("source_id")?, row.get::<i64>("id")?);
    }
    chunk
        .iter()
        .map(|(source, _)| {
            ids.get(source)
                .copied()
                .ok_or_else(|| StoreError::Corrupt(format!("{table}: no id for source {source}")))
        })
        .collect()
}

/// Adds `rows` of `columns` to `table`, skipping those whose source id exists already;
/// returns how many were added.
pub(super) async fn insert_new(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: Vec<impl IntoIterator<Item = Arg>>,
) -> Result<u64> {
    let columns = columns.join(", ");
    let mut rows = rows.into_iter().peekable();
    let mut created = 0;
    while rows.peek().is_some() {
        let data = encode(rows.by_ref().take(ROWS_PER_COPY));
        stage(tx, table, &columns, data).await?;
        created += tx
            .conn()
            .execute(built_query(format!(
                "INSERT INTO {table} ({columns}) SELECT {columns} FROM {} ORDER BY ord \
                 ON CONFLICT (source_id) DO NOTHING",
                staging(table)
            )))
            .await?;
        unstage(tx, table).await?;
    }
    Ok(created)
}
