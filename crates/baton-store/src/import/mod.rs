//! Writing imported records: each keeps its source id (`sf:006…`), so importing the same export
//! again updates what changed and leaves the rest alone instead of adding everything twice.
//!
//! An importer reads its files, resolves references to ids with [`Store::source_ids`], and
//! writes chunks through an [`Import`], one transaction each: a chunk commits whole or not at
//! all, so a run killed at any moment and run again ends in the same state as one that was not
//! interrupted. Records are written with one multi-row `INSERT … ON CONFLICT (source_id) DO
//! UPDATE … WHERE` something differs (a plain `INSERT` when none of the chunk exists yet): new
//! rows are created, changed rows are updated (their version bumped), identical ones are not
//! touched. Each chunk appends one audit-log entry with
//! its counts rather than one per row (as bulk loads do). On PostgreSQL the rows travel by
//! `COPY` into a staging table first ([`staging`]).

mod staging;
mod upsert;

use crate::audit::write_audit;
use crate::bulk::{rows_per_statement, values_list};
use crate::crm::CrmRecord;
use crate::db::{Arg, Dialect, Tx, built_query, query};
use crate::{Result, Store, now};
use baton_model::records::{Account, Activity, Contact, Deal, DealContact, DealSplit, FieldChange};
use baton_model::{DealId, Role, UserId};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use upsert::UpsertSql;

/// What one kind of record's rows did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

/// Records an importer resolves references to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    User,
    Account,
    Contact,
    Deal,
    Activity,
}

impl SourceKind {
    pub(crate) fn table(self) -> &'static str {
        match self {
            SourceKind::User => "users",
            SourceKind::Account => "accounts",
            SourceKind::Contact => "contacts",
            SourceKind::Deal => "deals",
            SourceKind::Activity => "activities",
        }
    }
}

/// A person as an export names them: matched to a Baton user by email, or created inactive.
#[derive(Debug, Clone)]
pub struct ImportedUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub time_zone: String,
    pub active: bool,
}

/// One chunk of an import, in one transaction.
pub struct Import {
    tx: Tx,
    actor: Option<UserId>,
    counts: BTreeMap<&'static str, Counts>,
}

impl Store {
    /// Starts a chunk of an import on behalf of `actor` (`None`: the system).
    pub async fn import(&self, actor: Option<UserId>) -> Result<Import> {
        Ok(Import {
            tx: self.begin_bulk().await?,
            actor,
            counts: BTreeMap::new(),
        })
    }

    /// A transaction for a bulk write: on SQLite with a 256 MB page cache, since a bulk load
    /// touches far more of the B-trees than a server's 8 MB holds, and an index build sorts
    /// in that much memory before spilling to temporary files.
    async fn begin_bulk(&self) -> Result<Tx> {
        let mut tx = self.begin().await?;
        if tx.conn().dialect() == Dialect::Sqlite {
            tx.conn()
                .execute(query("PRAGMA cache_size = -262144"))
                .await?;
        }
        Ok(tx)
    }

    /// The id of every record of `kind` with a source id starting with `prefix` (`sf:`), by
    /// source id.
    pub async fn source_ids(&self, kind: SourceKind, prefix: &str) -> Result<HashMap<String, i64>> {
        let rows = self
            .reader()
            .fetch_all(
                built_query(format!(
                    "SELECT id, source_id FROM {} WHERE source_id >= $1 AND source_id < $2",
                    kind.table()
                ))
                .bind(prefix)
                .bind(format!("{prefix}\u{10FFFF}")),
            )
            .await?;
        rows.iter()
            .map(|r| Ok((r.get("source_id")?, r.get("id")?)))
            .collect()
    }
}

/// The indexes an import deferred, by name, with their definitions.
async fn deferred(tx: &mut Tx) -> Result<Vec<(String, String)>> {
    let rows = tx
        .conn()
        .fetch_all(query(
            "SELECT name, definition FROM deferred_indexes ORDER BY name",
        ))
        .await?;
    rows.iter()
        .map(|row| Ok((row.get("name")?, row.get("definition")?)))
        .collect()
}

/// Builds the deferred index `name` from its `definition` inside `tx`, and forgets it.
async fn rebuild(tx: &mut Tx, name: &str, definition: &str) -> Result<()> {
    tracing::info!(index = %name, "building an index a bulk import deferred");
    // A definition reads `CREATE INDEX name ON …` on both backends.
    let sql = definition.replacen("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1);
    tx.conn().execute(built_query(sql)).await?;
    tx.conn()
        .execute(query("DELETE FROM deferred_indexes WHERE name = $1").bind(name))
        .await?;
    Ok(())
}

impl Store {
    /// Builds again the indexes imports deferred, each in a transaction of its own; returns
    /// how many. Every import starts with this (for those a killed one left) and ends with it.
    ///
    /// One transaction each keeps SQLite's write-ahead log small: a transaction's pages stay
    /// in the log until it commits, and every page read searches the log first, so building
    /// ten indexes of 10,000,000 activities in one transaction slowed each next scan down.
    pub async fn rebuild_deferred_indexes(&self) -> Result<usize> {
        let mut tx = self.begin().await?;
        let indexes = deferred(&mut tx).await?;
        tx.commit().await?;
        for (name, definition) in &indexes {
            let mut tx = self.begin_bulk().await?;
            rebuild(&mut tx, name, definition).await?;
            tx.commit().await?;
        }
        Ok(indexes.len())
    }
}

impl Import {
    /// Before a bulk load into `table` (`activities`, `field_history`): when it is empty, drops
    /// its secondary indexes, to be built once at the end by [`Import::rebuild_indexes`]
    /// (sorting once beats updating eight B-trees row by row). The unique source-id index
    /// stays: re-imports find rows by it. Returns whether it deferred anything.
    pub async fn defer_indexes(&mut self, table: &'static str) -> Result<bool> {
        let empty = self
            .tx
            .conn()
            .fetch_optional(built_query(format!("SELECT 1 AS one FROM {table} LIMIT 1")))
            .await?
            .is_none();
        if !empty {
            return Ok(false);
        }
        let sql = match self.tx.conn().dialect() {
            Dialect::Sqlite => {
                "SELECT name, sql AS definition FROM sqlite_master WHERE type = 'index' \
                 AND tbl_name = $1 AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
            }
            Dialect::Postgres => {
                "SELECT indexname AS name, indexdef AS definition FROM pg_indexes \
                 WHERE schemaname = current_schema() AND tablename = $1 \
                 AND indexdef NOT LIKE 'CREATE UNIQUE%'"
            }
        };
        let indexes = self.tx.conn().fetch_all(query(sql).bind(table)).await?;
        for row in &indexes {
            let name: String = row.get("name")?;
            let definition: String = row.get("definition")?;
            self.tx
                .conn()
                .execute(
                    query(
                        "INSERT INTO deferred_indexes (name, table_name, definition) \
                         VALUES ($1, $2, $3)",
                    )
                    .bind(name.as_str())
                    .bind(table)
                    .bind(definition),
                )
                .await?;
            self.tx
                .conn()
                .execute(built_query(format!("DROP INDEX {name}")))
                .await?;
        }
        Ok(!indexes.is_empty())
    }

    /// Builds the indexes [`Import::defer_indexes`] dropped, inside this chunk (an import
    /// that is all or nothing; otherwise [`Store::rebuild_deferred_indexes`] after the last
    /// chunk).
    pub async fn rebuild_indexes(&mut self) -> Result<()> {
        for (name, definition) in deferred(&mut self.tx).await? {
            rebuild(&mut self.tx, &name, &definition).await?;
        }
        Ok(())
    }

    /// Creates or updates accounts by source id; returns their ids in the order given.
    pub async fn accounts(&mut self, items: &[(String, Account)]) -> Result<Vec<i64>> {
        self.upsert(items, true).await
    }

    /// Creates or updates contacts by source id; returns their ids in the order given.
    pub async fn contacts(&mut self, items: &[(String, Contact)]) -> Result<Vec<i64>> {
        self.upsert(items, true).await
    }

    /// Creates or updates deals by source id (their splits and contacts aside); returns their
    /// ids in the order given.
    pub async fn deals(&mut self, items: &[(String, Deal)]) -> Result<Vec<i64>> {
        self.upsert(items, true).await
    }

    /// Creates or updates activities by source id.
    pub async fn activities(&mut self, items: &[(String, Activity)]) -> Result<()> {
        self.upsert(items, false).await.map(drop)
    }

    /// Adds field-history rows by source id; one already imported is left as it is (history
    /// does not change).
    pub async fn history(&mut self, items: &[(String, FieldChange)]) -> Result<()> {
        let columns = [
            "entity",
            "entity_id",
            "field",
            "old_value",
            "new_value",
            "actor_id",
            "changed_at",
            "source_id",
        ];
        // Collected before any await: a future holding this iterator's closure is not `Send`.
        let rows: Vec<[Arg; 8]> = items
            .iter()
            .map(|(source, h)| {
                [
                    Arg::from(h.entity.as_str()),
                    h.entity_id.into(),
                    h.field.as_str().into(),
                    h.old_value.clone().into(),
                    h.new_value.clone().into(),
                    h.actor_id.into(),
                    h.changed_at.into(),
                    source.as_str().into(),
                ]
            })
            .collect();
        let created = match self.tx.conn().dialect() {
            Dialect::Sqlite => self.history_values(&columns, rows).await?,
            Dialect::Postgres => {
                staging::insert_new(&mut self.tx, "field_history", &columns, rows).await?
            }
        };
        *self.counts.entry("field_history").or_default() += Counts {
            created,
            updated: 0,
            unchanged: items.len() as u64 - created,
        };
        Ok(())
    }

    /// Sets the splits of each deal given to exactly those given.
    pub async fn deal_splits(&mut self, items: &[(DealId, Vec<DealSplit>)]) -> Result<()> {
        let dialect = self.tx.conn().dialect();
        for chunk in items.chunks(1000) {
            let sql = format!(
                "DELETE FROM deal_splits WHERE deal_id IN {}",
                values_list(dialect, chunk.len(), 1)
            );
            self.tx
                .conn()
                .execute(built_query(sql).bind_all(chunk.iter().map(|(d, _)| Arg::from(*d))))
                .await?;
            let rows: Vec<[Arg; 4]> = chunk
                .iter()
                .flat_map(|(deal, splits)| {
                    splits.iter().map(|s| {
                        [
                            Arg::from(*deal),
                            s.user_id.into(),
                            s.kind.into(),
                            s.percent.basis_points().into(),
                        ]
                    })
                })
                .collect();
            for part in rows.chunks(rows_per_statement(4)) {
                let sql = format!(
                    "INSERT INTO deal_splits (deal_id, user_id, kind, percent_bp) VALUES {}",
                    values_list(dialect, 4, part.len())
                );
                self.tx
                    .conn()
                    .execute(built_query(sql).bind_all(part.iter().flat_map(|r| r.iter().cloned())))
                    .await?;
            }
        }
        self.count_plain("deal_splits", items.len());
        Ok(())
    }

    /// Adds contacts to deals, or updates their role.
    pub async fn deal_contacts(&mut self, items: &[(DealId, DealContact)]) -> Result<()> {
        for chunk in items.chunks(rows_per_statement(4)) {
            let sql = format!(
                "INSERT INTO deal_contacts (deal_id, contact_id, role, is_primary) VALUES {} \
                 ON CONFLICT (deal_id, contact_id) DO UPDATE SET role = excluded.role, \
                 is_primary = excluded.is_primary",
                values_list(self.tx.conn().dialect(), 4, chunk.len())
            );
            let args = chunk.iter().flat_map(|(deal, c)| {
                [
                    Arg::from(*deal),
                    c.contact_id.into(),
                    c.role.clone().into(),
                    c.is_primary.into(),
                ]
            });
            self.tx
                .conn()
                .execute(built_query(sql).bind_all(args))
                .await?;
        }
        self.count_plain("deal_contacts", items.len());
        Ok(())
    }

    /// Matches each person to a user by source id, then by email; creates the others with the
    /// role given, inactive unless the export says otherwise, and without a password (an admin
    /// activates them). Returns their ids in the order given.
    pub async fn users(&mut self, items: &[(String, ImportedUser)]) -> Result<Vec<UserId>> {
        let mut ids = Vec::with_capacity(items.len());
        let mut counts = Counts::default();
        let at = now();
        for (source, user) in items {
            let mut conn = self.tx.conn();
            let found = conn
                .fetch_optional(
                    crate::db::query(
                        "SELECT id FROM users WHERE source_id = $1 OR lower(email) = lower($2) \
                         ORDER BY source_id = $1 DESC LIMIT 1",
                    )
                    .bind(source.as_str())
                    .bind(user.email.as_str()),
                )
                .await?;
            let id: UserId = if let Some(row) = found {
                let id: UserId = row.get("id")?;
                let linked = conn
                    .execute(
                        crate::db::query(
                            "UPDATE users SET source_id = $1 WHERE id = $2 \
                                 AND source_id IS NULL",
                        )
                        .bind(source.as_str())
                        .bind(id),
                    )
                    .await?;
                if linked > 0 {
                    counts.updated += 1;
                } else {
                    counts.unchanged += 1;
                }
                id
            } else {
                counts.created += 1;
                conn.fetch_one(
                    crate::db::query(
                        "INSERT INTO users (email, name, role, time_zone, active, version, \
                             created_at, updated_at, source_id) \
                             VALUES ($1, $2, $3, $4, $5, 1, $6, $6, $7) RETURNING id",
                    )
                    .bind(user.email.as_str())
                    .bind(user.name.as_str())
                    .bind(user.role)
                    .bind(user.time_zone.as_str())
                    .bind(user.active)
                    .bind(at)
                    .bind(source.as_str()),
                )
                .await?
                .get("id")?
            };
            ids.push(id);
        }
        *self.counts.entry("users").or_default() += counts;
        Ok(ids)
    }

    /// Commits the chunk with one audit-log entry counting it; returns the counts.
    pub async fn commit(mut self) -> Result<BTreeMap<&'static str, Counts>> {
        if !self.counts.is_empty() {
            let counts = serde_json::to_value(&self.counts).unwrap_or_default();
            write_audit(
                &mut self.tx.conn(),
                self.actor,
                "import",
                "import",
                0,
                None,
                Some(&counts),
                now(),
            )
            .await?;
        }
        self.tx.commit().await?;
        Ok(self.counts)
    }

    /// SQLite's history path: multi-row `INSERT`s skipping the rows imported before; returns
    /// how many were added.
    async fn history_values(&mut self, columns: &[&str], rows: Vec<[Arg; 8]>) -> Result<u64> {
        let dialect = self.tx.conn().dialect();
        let mut rows = rows.into_iter().peekable();
        let mut created = 0;
        while rows.peek().is_some() {
            let chunk: Vec<[Arg; 8]> = rows
                .by_ref()
                .take(rows_per_statement(columns.len()))
                .collect();
            let sql = format!(
                "INSERT INTO field_history ({}) VALUES {} ON CONFLICT (source_id) DO NOTHING",
                columns.join(", "),
                values_list(dialect, columns.len(), chunk.len())
            );
            created += self
                .tx
                .conn()
                .execute(built_query(sql).bind_all(chunk.into_iter().flatten()))
                .await?;
        }
        Ok(created)
    }

    fn count_plain(&mut self, what: &'static str, n: usize) {
        self.counts.entry(what).or_default().created += n as u64;
    }

    /// The upsert behind every record kind (see [`upsert`]), by the dialect's fastest path.
    async fn upsert<T: CrmRecord>(
        &mut self,
        items: &[(String, T)],
        want_ids: bool,
    ) -> Result<Vec<i64>> {
        let Some((_, first)) = items.first() else {
            return Ok(Vec::new());
        };
        let dialect = self.tx.conn().dialect();
        let sql = UpsertSql::of(dialect, first);
        let (counts, ids) = match dialect {
            Dialect::Sqlite => upsert::with_values(&mut self.tx, &sql, items, want_ids).await?,
            Dialect::Postgres => staging::upsert(&mut self.tx, &sql, items, want_ids).await?,
        };
        *self.counts.entry(T::TABLE).or_default() += counts;
        Ok(ids)
    }
}
