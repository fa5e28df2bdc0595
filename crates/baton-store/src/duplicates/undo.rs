//! The merges made, and undoing one: an admin, within [`UNDO_DAYS`] of the merge, once. The
//! undo puts back exactly what the merge changed, and only where the data still holds what the
//! merge left (a reference moved again or a field edited since stays as it is, and is reported).

use super::fields::{Mergeable, entity_of};
use crate::audit::write_audit;
use crate::crm;
use crate::db::{Conn, Row, built_query, query};
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::duplicates::{Merge, MergeEntity, UNDO_DAYS, UndoReport};
use baton_model::records::{Account, Contact};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

const COLUMNS: &str = "id, entity, kept_id, merged_ids, changes, actor_id, merged_at, undone_at, \
    undone_by, undo_report";

fn merge_from_row(r: &Row) -> Result<Merge> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("merges: {e}"));
    let entity: String = r.get("entity")?;
    let merged_at: DateTime<Utc> = r.get("merged_at")?;
    let report: Option<sqlx::types::Json<serde_json::Value>> = r.get("undo_report")?;
    Ok(Merge {
        id: r.get("id")?,
        entity: MergeEntity::parse(&entity)
            .ok_or_else(|| StoreError::Corrupt(format!("merges: entity {entity}")))?,
        kept_id: r.get("kept_id")?,
        merged_ids: serde_json::from_value(r.json("merged_ids")?).map_err(corrupt)?,
        changes: serde_json::from_value(r.json("changes")?).map_err(corrupt)?,
        actor_id: r.get("actor_id")?,
        merged_at,
        undo_until: merged_at + Duration::days(UNDO_DAYS),
        undone_at: r.get("undone_at")?,
        undone_by: r.get("undone_by")?,
        undo_report: report
            .map(|j| serde_json::from_value(j.0))
            .transpose()
            .map_err(corrupt)?,
    })
}

/// Merge `id`, whoever may see it (the caller checks).
pub(crate) async fn load_merge(conn: &mut Conn<'_>, id: i64) -> Result<Option<Merge>> {
    conn.fetch_optional(built_query(format!("SELECT {COLUMNS} FROM merges WHERE id = $1")).bind(id))
        .await?
        .as_ref()
        .map(merge_from_row)
        .transpose()
}

/// The `(table, column)` a stored reference names, checked against the references merges
/// move, so that nothing read back from the database ends up in SQL unchecked.
fn reference(table: &str, column: &str) -> Option<(&'static str, &'static str)> {
    Account::REFERENCES
        .iter()
        .chain(Contact::REFERENCES)
        .find(|(t, c)| *t == table && *c == column)
        .copied()
}

/// Puts back the references and deal roles the merge moved.
async fn restore_references(
    conn: &mut Conn<'_>,
    actor: &Actor,
    merge: &Merge,
    at: DateTime<Utc>,
    report: &mut UndoReport,
) -> Result<()> {
    let kept = merge.kept_id;
    let noun = merge.entity.as_str();
    let mut deals = Vec::new();
    for moved in merge.changes.moved.iter().rev() {
        let restored = if moved.table == "deal_contacts" {
            let taken = conn
                .fetch_optional(
                    query(
                        "SELECT 1 AS one FROM deal_contacts WHERE deal_id = $1 AND contact_id = $2",
                    )
                    .bind(moved.id)
                    .bind(moved.from),
                )
                .await?
                .is_some();
            !taken
                && conn
                    .execute(
                        query(
                            "UPDATE deal_contacts SET contact_id = $1 \
                             WHERE deal_id = $2 AND contact_id = $3",
                        )
                        .bind(moved.from)
                        .bind(moved.id)
                        .bind(kept),
                    )
                    .await?
                    > 0
        } else {
            let Some((table, column)) = reference(&moved.table, &moved.column) else {
                return Err(StoreError::Corrupt(format!(
                    "merges: unknown reference {}.{}",
                    moved.table, moved.column
                )));
            };
            conn.execute(
                built_query(format!(
                    "UPDATE {table} SET {column} = $1, version = version + 1, updated_at = $2 \
                     WHERE id = $3 AND {column} = $4"
                ))
                .bind(moved.from)
                .bind(at)
                .bind(moved.id)
                .bind(kept),
            )
            .await?
                > 0
        };
        let entity = if moved.table == "deal_contacts" {
            "deal"
        } else {
            entity_of(&moved.table)
        };
        if restored {
            report.restored += 1;
            if moved.table == "deal_contacts" {
                deals.push(moved.id);
            }
            write_audit(
                conn,
                Some(actor.user_id),
                "unmerge",
                entity,
                moved.id,
                Some(&json!({ moved.column.as_str(): kept })),
                Some(&json!({ moved.column.as_str(): moved.from, "merge_id": merge.id })),
                at,
            )
            .await?;
        } else {
            report.not_restored.push(format!(
                "{entity} {} no longer points to {noun} {kept}; left as it is",
                moved.id
            ));
        }
    }
    for folded in merge.changes.folded_roles.iter().rev() {
        let deal_live = conn
            .fetch_optional(query("SELECT 1 AS one FROM deals WHERE id = $1").bind(folded.deal_id))
            .await?
            .is_some();
        let taken = conn
            .fetch_optional(
                query("SELECT 1 AS one FROM deal_contacts WHERE deal_id = $1 AND contact_id = $2")
                    .bind(folded.deal_id)
                    .bind(folded.contact_id),
            )
            .await?
            .is_some();
        if !deal_live || taken {
            report.not_restored.push(format!(
                "the role of contact {} on deal {} was not put back: the deal changed since",
                folded.contact_id, folded.deal_id
            ));
            continue;
        }
        conn.execute(
            query(
                "INSERT INTO deal_contacts (deal_id, contact_id, role, is_primary) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(folded.deal_id)
            .bind(folded.contact_id)
            .bind(folded.role.clone())
            .bind(folded.is_primary),
        )
        .await?;
        if folded.filled_role {
            conn.execute(
                query(
                    "UPDATE deal_contacts SET role = NULL \
                     WHERE deal_id = $1 AND contact_id = $2 AND role = $3",
                )
                .bind(folded.deal_id)
                .bind(kept)
                .bind(folded.role.clone()),
            )
            .await?;
        }
        if folded.made_primary {
            conn.execute(
                query(
                    "UPDATE deal_contacts SET is_primary = $1 WHERE deal_id = $2 AND contact_id = $3",
                )
                .bind(false)
                .bind(folded.deal_id)
                .bind(kept),
            )
            .await?;
        }
        report.restored += 1;
        deals.push(folded.deal_id);
        write_audit(
            conn,
            Some(actor.user_id),
            "unmerge",
            "deal",
            folded.deal_id,
            None,
            Some(
                &json!({ "contact_id": folded.contact_id, "role": folded.role,
                "merge_id": merge.id }),
            ),
            at,
        )
        .await?;
    }
    deals.sort_unstable();
    deals.dedup();
    if !deals.is_empty() {
        conn.execute(
            built_query(format!(
                "UPDATE deals SET version = version + 1, updated_at = $1 WHERE id IN {}",
                crate::db::id_list(deals)
            ))
            .bind(at),
        )
        .await?;
    }
    Ok(())
}

/// Empties the kept record's fields the merge filled, where they still hold the filled value,
/// and restores the merged records.
async fn restore_records<T: Mergeable>(
    conn: &mut Conn<'_>,
    actor: &Actor,
    merge: &Merge,
    at: DateTime<Utc>,
    report: &mut UndoReport,
) -> Result<()> {
    let noun = T::KIND.as_str();
    if !merge.changes.filled.is_empty()
        && let Some(before) = crm::load::<T>(conn, merge.kept_id).await?
    {
        let mut after = before.clone();
        let mut cleared = 0;
        for filled in merge.changes.filled.iter().rev() {
            if after.clear(&filled.field, &filled.value) {
                cleared += 1;
            } else {
                report.not_restored.push(format!(
                    "{noun} {}'s {} was changed since the merge; left as it is",
                    merge.kept_id, filled.field
                ));
            }
        }
        report.restored += cleared;
        if cleared > 0 {
            crm::update(conn, &after, before.version()).await?;
            conn.execute(
                built_query(format!(
                    "UPDATE {} SET updated_at = $1 WHERE id = $2",
                    T::TABLE
                ))
                .bind(at)
                .bind(merge.kept_id),
            )
            .await?;
            let after = crm::load::<T>(conn, merge.kept_id)
                .await?
                .ok_or(StoreError::NotFound)?;
            write_audit(
                conn,
                Some(actor.user_id),
                "unmerge",
                noun,
                merge.kept_id,
                Some(&before),
                Some(&after),
                at,
            )
            .await?;
        }
    }
    for &id in &merge.merged_ids {
        let Some(before) = crm::load::<T>(conn, id).await? else {
            continue;
        };
        if !before.archived() {
            report
                .not_restored
                .push(format!("{noun} {id} had already been restored"));
            continue;
        }
        conn.execute(
            built_query(format!(
                "UPDATE {} SET archived_at = NULL, version = version + 1, updated_at = $1 \
                 WHERE id = $2",
                T::TABLE
            ))
            .bind(at)
            .bind(id),
        )
        .await?;
        let after = crm::load::<T>(conn, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        report.restored += 1;
        write_audit(
            conn,
            Some(actor.user_id),
            "unmerge",
            noun,
            id,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
    }
    Ok(())
}

impl Store {
    /// The merges made, newest first, at most `limit`. Admins and coordinators.
    pub async fn list_merges(&self, actor: &Actor, limit: i64) -> Result<Vec<Merge>> {
        super::ensure_merger(actor)?;
        self.reader()
            .fetch_all(
                built_query(format!(
                    "SELECT {COLUMNS} FROM merges ORDER BY merged_at DESC, id DESC LIMIT $1"
                ))
                .bind(limit.clamp(1, 500)),
            )
            .await?
            .iter()
            .map(merge_from_row)
            .collect()
    }

    /// Undoes merge `id`: admins only, within [`UNDO_DAYS`] days, once. Returns the merge with
    /// its report of what was put back and what was left because it changed since.
    pub async fn undo_merge(&self, actor: &Actor, id: i64) -> Result<Merge> {
        if !actor.role.is_admin() {
            return Err(StoreError::Forbidden(
                "only an admin can undo a merge".into(),
            ));
        }
        let mut tx = self.begin().await?;
        let merge = load_merge(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let at = now();
        if let Some(undone) = merge.undone_at {
            return Err(StoreError::Conflict(format!(
                "merge {id} was already undone on {}",
                undone.format("%Y-%m-%d")
            )));
        }
        if at > merge.undo_until {
            return Err(StoreError::Conflict(format!(
                "a merge can be undone for {UNDO_DAYS} days; merge {id} was made on {}",
                merge.merged_at.format("%Y-%m-%d")
            )));
        }
        let mut report = UndoReport::default();
        restore_references(&mut tx.conn(), actor, &merge, at, &mut report).await?;
        match merge.entity {
            MergeEntity::Account => {
                restore_records::<Account>(&mut tx.conn(), actor, &merge, at, &mut report).await?;
            }
            MergeEntity::Contact => {
                restore_records::<Contact>(&mut tx.conn(), actor, &merge, at, &mut report).await?;
            }
        }
        tx.conn()
            .execute(
                query(
                    "UPDATE merges SET undone_at = $1, undone_by = $2, undo_report = $3 \
                     WHERE id = $4",
                )
                .bind(at)
                .bind(actor.user_id)
                .bind(
                    serde_json::to_value(&report)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                )
                .bind(id),
            )
            .await?;
        let merge = load_merge(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(merge)
    }
}
