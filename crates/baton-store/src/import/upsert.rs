//! The upsert behind every imported record kind: new rows created, changed rows updated with
//! their version bumped, identical rows left untouched, and the counts of each.
//!
//! SQLite gets multi-row `INSERT … VALUES` statements; PostgreSQL gets the chunk by `COPY`
//! (see [`super::staging`]). Both share the `ON CONFLICT` clause built here.

use super::Counts;
use crate::bulk::{rows_per_statement, values_list};
use crate::crm::CrmRecord;
use crate::db::{Arg, Dialect, Tx, built_query};
use crate::{Result, StoreError};
use std::collections::HashMap;

/// One record kind's upsert SQL on one dialect.
pub(super) struct UpsertSql {
    pub(super) table: &'static str,
    /// Every column written, `source_id` last.
    pub(super) columns: Vec<&'static str>,
    /// The columns, comma separated.
    pub(super) column_list: String,
    /// ` ON CONFLICT (source_id) DO UPDATE SET … WHERE` something differs.
    pub(super) on_conflict: String,
}

impl UpsertSql {
    /// The SQL for records of `T`, whose columns `first` lists.
    pub(super) fn of<T: CrmRecord>(dialect: Dialect, first: &T) -> UpsertSql {
        let mut columns: Vec<&'static str> = first.values().iter().map(|(c, _)| *c).collect();
        columns.push("source_id");
        let table = T::TABLE;
        // What an import changes: everything but the id, the creation time and the version.
        let compared: Vec<&str> = columns
            .iter()
            .copied()
            .filter(|c| !matches!(*c, "created_at" | "updated_at" | "version" | "source_id"))
            .collect();
        let set: Vec<String> = compared
            .iter()
            .chain(&["updated_at"])
            .map(|c| format!("{c} = excluded.{c}"))
            .chain([format!("version = {table}.version + 1")])
            .collect();
        let differs: Vec<String> = compared
            .iter()
            .map(|c| match dialect {
                Dialect::Sqlite => format!("{table}.{c} IS NOT excluded.{c}"),
                Dialect::Postgres => format!("{table}.{c} IS DISTINCT FROM excluded.{c}"),
            })
            .collect();
        UpsertSql {
            table,
            column_list: columns.join(", "),
            columns,
            on_conflict: format!(
                " ON CONFLICT (source_id) DO UPDATE SET {} WHERE {}",
                set.join(", "),
                differs.join(" OR ")
            ),
        }
    }
}

/// A record's values in [`UpsertSql::columns`] order, its source id last.
pub(super) fn row<T: CrmRecord>(source: &str, record: &T) -> impl Iterator<Item = Arg> {
    record
        .values()
        .into_iter()
        .map(|(_, arg)| arg)
        .chain([Arg::from(source)])
}

/// The counts of a statement that wrote `written` rows of `rows`, `existing` of which existed.
pub(super) fn counts(rows: usize, existing: u64, written: u64) -> Counts {
    let created = rows as u64 - existing;
    let updated = written - created;
    Counts {
        created,
        updated,
        unchanged: existing - updated,
    }
}

/// The SQLite path: multi-row `INSERT`s, a plain one when none of the statement's rows exists
/// yet (a first import), which SQLite does a good deal faster.
pub(super) async fn with_values<T: CrmRecord>(
    tx: &mut Tx,
    sql: &UpsertSql,
    items: &[(String, T)],
    want_ids: bool,
) -> Result<(Counts, Vec<i64>)> {
    let dialect = tx.conn().dialect();
    let table = sql.table;
    let mut ids = Vec::with_capacity(if want_ids { items.len() } else { 0 });
    let mut total = Counts::default();
    for chunk in items.chunks(rows_per_statement(sql.columns.len())) {
        // A first import skips the lookup of each id.
        let before = if none_exist(tx, table, chunk).await? {
            HashMap::new()
        } else {
            existing(tx, table, chunk).await?
        };
        let existing_rows = before.len() as u64;
        let mut statement = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            sql.column_list,
            values_list(dialect, sql.columns.len(), chunk.len()),
        );
        if existing_rows > 0 {
            statement.push_str(&sql.on_conflict);
        }
        let args = chunk
            .iter()
            .flat_map(|(source, record)| row(source, record));
        // Rows inserted or updated; the identical ones are skipped by the WHERE.
        let written = tx
            .conn()
            .execute(built_query(statement).bind_all(args))
            .await?;
        let chunk_counts = counts(chunk.len(), existing_rows, written);
        total += chunk_counts;
        if want_ids {
            // Only new rows have ids the first lookup could not give.
            let known = if chunk_counts.created == 0 {
                before
            } else {
                existing(tx, table, chunk).await?
            };
            for (source, _) in chunk {
                ids.push(known.get(source).copied().ok_or_else(|| {
                    StoreError::Corrupt(format!("{table}: no id for source {source}"))
                })?);
            }
        }
    }
    Ok((total, ids))
}

/// The ids of the chunk's records that exist already, by source id, in one row: SQLite hands
/// rows over one at a time between threads, which costs more than the query.
async fn existing<T>(
    tx: &mut Tx,
    table: &str,
    chunk: &[(String, T)],
) -> Result<HashMap<String, i64>> {
    let dialect = tx.conn().dialect();
    let aggregate = match dialect {
        Dialect::Sqlite => "json_group_object(source_id, id)",
        Dialect::Postgres => "COALESCE(json_object_agg(source_id, id), '{}')::text",
    };
    let sql = format!(
        "SELECT {aggregate} AS ids FROM {table} WHERE source_id IN {}",
        values_list(dialect, chunk.len(), 1)
    );
    let row = tx
        .conn()
        .fetch_one(built_query(sql).bind_all(chunk.iter().map(|(s, _)| Arg::from(s.as_str()))))
        .await?;
    let text: String = row.get("ids")?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("{table} ids: {e}")))
}

/// Whether no record of the chunk exists yet, by one index probe: none has a source id between
/// the chunk's least and greatest. Exports list records in id order, so on a first import the
/// range holds only the chunk itself, and the lookup of each id can be skipped.
async fn none_exist<T>(tx: &mut Tx, table: &str, chunk: &[(String, T)]) -> Result<bool> {
    let sources = chunk.iter().map(|(s, _)| s.as_str());
    let (Some(least), Some(greatest)) = (sources.clone().min(), sources.max()) else {
        return Ok(true);
    };
    let found = tx
        .conn()
        .fetch_optional(
            built_query(format!(
                "SELECT 1 AS one FROM {table} WHERE source_id >= $1 AND source_id <= $2 LIMIT 1"
            ))
            .bind(least)
            .bind(greatest),
        )
        .await?;
    Ok(found.is_none())
}
