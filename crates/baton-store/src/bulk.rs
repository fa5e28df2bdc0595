//! Loading many records at once, with their ids, timestamps and history as given: the demo
//! organisation, benchmark data and imports.
//!
//! Rows go in as multi-row `INSERT`s inside one transaction per [`Bulk`]; the caller chunks its
//! input and commits as it goes so memory stays bounded. Each load appends one audit-log entry
//! with its counts rather than one per row.

use crate::audit::write_audit;
use crate::crm::CrmRecord;
use crate::db::{Arg, Conn, Dialect, Tx, built_query};
use crate::{Result, Store, now};
use baton_model::UserId;
use baton_model::records::{Account, Activity, Contact, Deal, FieldChange, Quota};
use std::fmt::Write;

/// An open bulk load.
pub struct Bulk {
    tx: Tx,
    actor: Option<UserId>,
    counts: std::collections::BTreeMap<&'static str, u64>,
}

/// The most bound parameters in one statement (SQLite allows 32,766; PostgreSQL 65,535).
const MAX_PARAMS: usize = 30_000;

/// Inserts `rows` of `columns`, as many per statement as the parameter limit allows.
pub(crate) async fn insert_rows(
    conn: &mut Conn<'_>,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Arg>>,
) -> Result<()> {
    let per_statement = rows_per_statement(columns.len());
    let dialect = conn.dialect();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Arg>> = rows.by_ref().take(per_statement).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            values_list(dialect, columns.len(), chunk.len())
        );
        conn.execute(built_query(sql).bind_all(chunk.into_iter().flatten()))
            .await?;
    }
    Ok(())
}

/// How many rows of `columns` columns one multi-row statement binds.
pub(crate) fn rows_per_statement(columns: usize) -> usize {
    (MAX_PARAMS / columns.max(1)).clamp(1, 1000)
}

/// `(?, ?), (?, ?)` for `rows` rows of `columns` parameters.
pub(crate) fn values_list(dialect: Dialect, columns: usize, rows: usize) -> String {
    let mut sql = String::with_capacity(rows * columns * 4);
    let mut n = 0;
    for i in 0..rows {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..columns {
            if c > 0 {
                sql.push_str(", ");
            }
            n += 1;
            // SQLite looks named parameters up by a linear scan, which makes binding
            // thousands of `$n` quadratic; anonymous `?` bind by position.
            match dialect {
                Dialect::Sqlite => sql.push('?'),
                Dialect::Postgres => {
                    let _ = write!(sql, "${n}");
                }
            }
        }
        sql.push(')');
    }
    sql
}

impl Store {
    /// Starts a bulk load on behalf of `actor` (`None`: the system).
    pub async fn bulk(&self, actor: Option<UserId>) -> Result<Bulk> {
        Ok(Bulk {
            tx: self.begin().await?,
            actor,
            counts: std::collections::BTreeMap::new(),
        })
    }

    /// Readies the database after bulk loads: refreshes the query planner's statistics, and
    /// moves every id sequence past the ids loaded with explicit values (PostgreSQL identity
    /// columns do not advance on their own).
    pub async fn finish_bulk_load(&self) -> Result<()> {
        let mut conn = self.reader();
        if self.dialect() == crate::Dialect::Sqlite {
            let mut tx = self.begin().await?;
            tx.conn()
                .execute(crate::db::query("PRAGMA analysis_limit = 1000"))
                .await?;
            tx.conn().execute(crate::db::query("ANALYZE")).await?;
            tx.commit().await?;
        } else {
            conn.execute(crate::db::query("ANALYZE")).await?;
            for table in [
                "users",
                "teams",
                "pipelines",
                "stages",
                "accounts",
                "contacts",
                "deals",
                "activities",
                "quotas",
                "field_history",
                "audit_log",
                "custom_fields",
                "api_tokens",
            ] {
                conn.execute(built_query(format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )))
                .await?;
            }
        }
        Ok(())
    }

    /// The largest id in use in each table that bulk loads write, so a loader can number new
    /// records after them.
    pub async fn max_ids(&self) -> Result<MaxIds> {
        let row = self
            .reader()
            .fetch_one(crate::db::query(
                "SELECT (SELECT COALESCE(MAX(id), 0) FROM accounts) AS accounts, \
                 (SELECT COALESCE(MAX(id), 0) FROM contacts) AS contacts, \
                 (SELECT COALESCE(MAX(id), 0) FROM deals) AS deals, \
                 (SELECT COALESCE(MAX(id), 0) FROM activities) AS activities",
            ))
            .await?;
        Ok(MaxIds {
            accounts: row.get("accounts")?,
            contacts: row.get("contacts")?,
            deals: row.get("deals")?,
            activities: row.get("activities")?,
        })
    }
}

/// Largest ids in use.
#[derive(Debug, Clone, Copy)]
pub struct MaxIds {
    pub accounts: i64,
    pub contacts: i64,
    pub deals: i64,
    pub activities: i64,
}

impl Bulk {
    fn count(&mut self, what: &'static str, n: usize) {
        *self.counts.entry(what).or_default() += n as u64;
    }

    /// Inserts records with their given ids.
    async fn records<T: CrmRecord>(&mut self, items: &[T]) -> Result<()> {
        let Some(first) = items.first() else {
            return Ok(());
        };
        let mut columns = vec!["id"];
        columns.extend(first.values().iter().map(|(column, _)| *column));
        let rows = items
            .iter()
            .map(|r| {
                let mut row = vec![Arg::from(r.id())];
                row.extend(r.values().into_iter().map(|(_, arg)| arg));
                row
            })
            .collect();
        insert_rows(&mut self.tx.conn(), T::TABLE, &columns, rows).await?;
        self.count(T::TABLE, items.len());
        Ok(())
    }

    /// Inserts accounts with their given ids.
    pub async fn accounts(&mut self, items: &[Account]) -> Result<()> {
        self.records(items).await
    }

    /// Inserts contacts with their given ids.
    pub async fn contacts(&mut self, items: &[Contact]) -> Result<()> {
        self.records(items).await
    }

    /// Inserts deals with their given ids, splits and contacts.
    pub async fn deals(&mut self, items: &[Deal]) -> Result<()> {
        self.records(items).await?;
        let splits = items
            .iter()
            .flat_map(|d| {
                d.splits.iter().map(|s| {
                    vec![
                        d.id.into(),
                        s.user_id.into(),
                        s.kind.into(),
                        s.percent.basis_points().into(),
                    ]
                })
            })
            .collect();
        insert_rows(
            &mut self.tx.conn(),
            "deal_splits",
            &["deal_id", "user_id", "kind", "percent_bp"],
            splits,
        )
        .await?;
        let contacts = items
            .iter()
            .flat_map(|d| {
                d.contacts.iter().map(|c| {
                    vec![
                        d.id.into(),
                        c.contact_id.into(),
                        c.role.clone().into(),
                        c.is_primary.into(),
                    ]
                })
            })
            .collect();
        insert_rows(
            &mut self.tx.conn(),
            "deal_contacts",
            &["deal_id", "contact_id", "role", "is_primary"],
            contacts,
        )
        .await?;
        self.count("deals", items.len());
        Ok(())
    }

    /// Inserts field-history rows as given (their ids are assigned by the database).
    pub async fn history(&mut self, items: &[FieldChange]) -> Result<()> {
        let rows = items
            .iter()
            .map(|h| {
                vec![
                    h.entity.as_str().into(),
                    h.entity_id.into(),
                    h.field.as_str().into(),
                    h.old_value.clone().into(),
                    h.new_value.clone().into(),
                    h.actor_id.into(),
                    h.changed_at.into(),
                ]
            })
            .collect();
        insert_rows(
            &mut self.tx.conn(),
            "field_history",
            &[
                "entity",
                "entity_id",
                "field",
                "old_value",
                "new_value",
                "actor_id",
                "changed_at",
            ],
            rows,
        )
        .await?;
        self.count("field_history", items.len());
        Ok(())
    }

    /// Inserts activities with their given ids.
    pub async fn activities(&mut self, items: &[Activity]) -> Result<()> {
        self.records(items).await
    }

    /// Inserts quotas (their ids are assigned by the database).
    pub async fn quotas(&mut self, items: &[Quota]) -> Result<()> {
        let rows = items
            .iter()
            .map(|q| {
                vec![
                    q.user_id.into(),
                    q.team_id.into(),
                    q.period_kind.into(),
                    q.start_date.into(),
                    q.end_date.into(),
                    q.amount_minor.into(),
                    q.currency.into(),
                    q.version.into(),
                    q.created_at.into(),
                    q.updated_at.into(),
                ]
            })
            .collect();
        insert_rows(
            &mut self.tx.conn(),
            "quotas",
            &[
                "user_id",
                "team_id",
                "period_kind",
                "start_date",
                "end_date",
                "amount_minor",
                "currency",
                "version",
                "created_at",
                "updated_at",
            ],
            rows,
        )
        .await?;
        self.count("quotas", items.len());
        Ok(())
    }

    /// Commits everything loaded, with one audit-log entry counting it.
    pub async fn commit(mut self) -> Result<()> {
        if !self.counts.is_empty() {
            let counts = serde_json::to_value(&self.counts).unwrap_or_default();
            write_audit(
                &mut self.tx.conn(),
                self.actor,
                "bulk_insert",
                "org",
                1,
                None,
                Some(&counts),
                now(),
            )
            .await?;
        }
        self.tx.commit().await
    }
}
