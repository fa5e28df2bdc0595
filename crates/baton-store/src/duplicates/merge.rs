//! Merging records into one: every reference to a merged record moves to the kept one, the kept
//! record's empty fields are filled from the merged ones (never overwritten), and the merged
//! records are archived, not deleted. One transaction; an audit row per changed record; what
//! changed is kept in `merges` so that an admin can undo it.

use super::ensure_merger;
use super::fields::{Mergeable, entity_of};
use super::find::MAX_GROUP;
use crate::audit::write_audit;
use crate::crm::{self, access};
use crate::db::{Conn, built_query, id_list, query};
use crate::error::check_version;
use crate::visibility::Scope;
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::duplicates::{FoldedRole, Merge, MergeChanges, MovedReference};
use baton_model::records::{Account, Contact};
use baton_model::{AccountId, ContactId, FieldErrors};
use chrono::{DateTime, Utc};
use serde_json::json;
use std::collections::HashMap;

/// Refuses a list of records to merge that is empty, too long, repeats itself or names the
/// kept record.
fn check_list(kept: i64, merged: &[i64]) -> Result<()> {
    let mut errors = FieldErrors::new();
    if merged.is_empty() || merged.len() > MAX_GROUP {
        errors.add(
            "merge",
            format!("name from 1 to {MAX_GROUP} records to merge into the kept one"),
        );
    }
    for (i, id) in merged.iter().enumerate() {
        if *id == kept {
            errors.add(
                format!("merge[{i}]"),
                format!("{id} is the record being kept; a record cannot be merged into itself"),
            );
        } else if merged[..i].contains(id) {
            errors.add(format!("merge[{i}]"), format!("{id} is named twice"));
        }
    }
    errors.into_result(()).map_err(StoreError::Invalid)
}

/// One merge under way: who, which records, and when.
struct Step<'a> {
    actor: &'a Actor,
    kept: i64,
    merged: &'a [i64],
    merge_id: i64,
    at: DateTime<Utc>,
}

/// Moves every reference of `table.column` to a merged record over to the kept one, bumping
/// each row's version and writing its audit row.
async fn move_references(
    conn: &mut Conn<'_>,
    step: &Step<'_>,
    (table, column): (&'static str, &'static str),
    moved: &mut Vec<MovedReference>,
) -> Result<()> {
    let Step {
        actor,
        kept,
        merged,
        merge_id,
        at,
    } = *step;
    let list = id_list(merged.iter().copied());
    let rows = conn
        .fetch_all(built_query(format!(
            "SELECT id, {column} AS from_id FROM {table} WHERE {column} IN {list} ORDER BY id"
        )))
        .await?;
    if rows.is_empty() {
        return Ok(());
    }
    conn.execute(
        built_query(format!(
            "UPDATE {table} SET {column} = $1, version = version + 1, updated_at = $2 \
             WHERE {column} IN {list}"
        ))
        .bind(kept)
        .bind(at),
    )
    .await?;
    for r in rows {
        let id: i64 = r.get("id")?;
        let from: i64 = r.get("from_id")?;
        write_audit(
            conn,
            Some(actor.user_id),
            "merge",
            entity_of(table),
            id,
            Some(&json!({ column: from })),
            Some(&json!({ column: kept, "merge_id": merge_id })),
            at,
        )
        .await?;
        moved.push(MovedReference {
            table: table.to_owned(),
            id,
            column: column.to_owned(),
            from,
        });
    }
    Ok(())
}

/// Moves the merged contacts' roles on deals to the kept contact. Where the kept contact is
/// already on the deal, the merged row is folded into the kept one: its role and primary flag
/// fill the kept row's when those are empty, and the row is kept in the merge for the undo.
async fn move_deal_roles(
    conn: &mut Conn<'_>,
    step: &Step<'_>,
    changes: &mut MergeChanges,
) -> Result<()> {
    let Step {
        actor,
        kept,
        merged,
        merge_id,
        at,
    } = *step;
    // The kept contact's role and primary flag per deal, as they become.
    let mut on_deal: HashMap<i64, (Option<String>, bool)> = HashMap::new();
    for r in conn
        .fetch_all(
            query("SELECT deal_id, role, is_primary FROM deal_contacts WHERE contact_id = $1")
                .bind(kept),
        )
        .await?
    {
        on_deal.insert(r.get("deal_id")?, (r.get("role")?, r.get("is_primary")?));
    }
    let rows = conn
        .fetch_all(built_query(format!(
            "SELECT deal_id, contact_id, role, is_primary FROM deal_contacts \
             WHERE contact_id IN {} ORDER BY deal_id, contact_id",
            id_list(merged.iter().copied())
        )))
        .await?;
    let mut deals = Vec::new();
    for r in rows {
        let deal: i64 = r.get("deal_id")?;
        let from: i64 = r.get("contact_id")?;
        let role: Option<String> = r.get("role")?;
        let is_primary: bool = r.get("is_primary")?;
        if let Some((kept_role, kept_primary)) = on_deal.get_mut(&deal) {
            let filled_role = kept_role.is_none() && role.is_some();
            let made_primary = is_primary && !*kept_primary;
            conn.execute(
                query("DELETE FROM deal_contacts WHERE deal_id = $1 AND contact_id = $2")
                    .bind(deal)
                    .bind(from),
            )
            .await?;
            if filled_role {
                kept_role.clone_from(&role);
            }
            *kept_primary |= is_primary;
            conn.execute(
                query(
                    "UPDATE deal_contacts SET role = $1, is_primary = $2 \
                     WHERE deal_id = $3 AND contact_id = $4",
                )
                .bind(kept_role.clone())
                .bind(*kept_primary)
                .bind(deal)
                .bind(kept),
            )
            .await?;
            changes.folded_roles.push(FoldedRole {
                deal_id: deal,
                contact_id: from,
                role,
                is_primary,
                filled_role,
                made_primary,
            });
        } else {
            conn.execute(
                query(
                    "UPDATE deal_contacts SET contact_id = $1 WHERE deal_id = $2 AND contact_id = $3",
                )
                .bind(kept)
                .bind(deal)
                .bind(from),
            )
            .await?;
            on_deal.insert(deal, (role, is_primary));
            changes.moved.push(MovedReference {
                table: "deal_contacts".into(),
                id: deal,
                column: "contact_id".into(),
                from,
            });
        }
        write_audit(
            conn,
            Some(actor.user_id),
            "merge",
            "deal",
            deal,
            Some(&json!({ "contact_id": from })),
            Some(&json!({ "contact_id": kept, "merge_id": merge_id })),
            at,
        )
        .await?;
        deals.push(deal);
    }
    deals.dedup();
    if !deals.is_empty() {
        // A deal's contacts are part of the deal: whoever holds an older copy must reread it.
        conn.execute(
            built_query(format!(
                "UPDATE deals SET version = version + 1, updated_at = $1 WHERE id IN {}",
                id_list(deals)
            ))
            .bind(at),
        )
        .await?;
    }
    Ok(())
}

/// Merges the `merged` records of `T` into `kept`, as described in the module doc.
async fn merge<T: Mergeable>(
    store: &Store,
    actor: &Actor,
    kept: i64,
    merged: &[i64],
    expected_version: Option<i64>,
) -> Result<Merge> {
    check_list(kept, merged)?;
    let mut tx = store.begin().await?;
    let scope = Scope::of(&mut tx.conn(), actor).await?;
    for id in std::iter::once(&kept).chain(merged) {
        if !access::<T>(&mut tx.conn(), &scope, *id).await?.0 {
            return Err(StoreError::NotFound);
        }
    }
    ensure_merger(actor)?;
    let noun = T::KIND.as_str();
    let before = crm::load::<T>(&mut tx.conn(), kept)
        .await?
        .ok_or(StoreError::NotFound)?;
    if before.archived() {
        return Err(StoreError::field(
            "id",
            format!("{noun} {kept} is archived; restore it before merging into it"),
        ));
    }
    check_version(expected_version, before.version())?;
    let mut others = Vec::with_capacity(merged.len());
    let mut errors = FieldErrors::new();
    for (i, id) in merged.iter().enumerate() {
        let other = crm::load::<T>(&mut tx.conn(), *id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if other.archived() {
            errors.add(
                format!("merge[{i}]"),
                format!("{noun} {id} is archived (already merged?); restore it first"),
            );
        }
        others.push(other);
    }
    errors.into_result(()).map_err(StoreError::Invalid)?;

    let at = now();
    let merge_id: i64 = tx
        .conn()
        .fetch_one(
            query(
                "INSERT INTO merges (entity, kept_id, merged_ids, changes, actor_id, merged_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(noun)
            .bind(kept)
            .bind(json!(merged))
            .bind(json!({}))
            .bind(actor.user_id)
            .bind(at),
        )
        .await?
        .get("id")?;

    let step = Step {
        actor,
        kept,
        merged,
        merge_id,
        at,
    };
    let mut changes = MergeChanges::default();
    for reference in T::REFERENCES {
        move_references(&mut tx.conn(), &step, *reference, &mut changes.moved).await?;
    }
    if T::KIND == baton_model::duplicates::MergeEntity::Contact {
        move_deal_roles(&mut tx.conn(), &step, &mut changes).await?;
    }

    let mut after = before.clone();
    for other in &others {
        after.fill_from(other, &mut changes.filled);
    }
    crm::update(&mut tx.conn(), &after, before.version()).await?;
    tx.conn()
        .execute(
            built_query(format!(
                "UPDATE {} SET updated_at = $1 WHERE id = $2",
                T::TABLE
            ))
            .bind(at)
            .bind(kept),
        )
        .await?;
    let after = crm::load::<T>(&mut tx.conn(), kept)
        .await?
        .ok_or(StoreError::NotFound)?;
    write_audit(
        &mut tx.conn(),
        Some(actor.user_id),
        "merge",
        noun,
        kept,
        Some(&before),
        Some(&after),
        at,
    )
    .await?;

    for other in &others {
        tx.conn()
            .execute(
                built_query(format!(
                    "UPDATE {} SET archived_at = $1, version = version + 1, updated_at = $1 \
                     WHERE id = $2",
                    T::TABLE
                ))
                .bind(at)
                .bind(other.id()),
            )
            .await?;
        let archived = crm::load::<T>(&mut tx.conn(), other.id())
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "merge",
            noun,
            other.id(),
            Some(other),
            Some(&archived),
            at,
        )
        .await?;
    }

    tx.conn()
        .execute(
            query("UPDATE merges SET changes = $1 WHERE id = $2")
                .bind(
                    serde_json::to_value(&changes)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                )
                .bind(merge_id),
        )
        .await?;
    let merge = super::undo::load_merge(&mut tx.conn(), merge_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    tx.commit().await?;
    Ok(merge)
}

impl Store {
    /// Merges the accounts `merged` into account `kept`: their contacts, deals and activities
    /// move to it, its empty fields are filled from theirs, and they are archived. Admins and
    /// coordinators; every account must be visible (else `NotFound`) and live.
    pub async fn merge_accounts(
        &self,
        actor: &Actor,
        kept: AccountId,
        merged: &[i64],
        expected_version: Option<i64>,
    ) -> Result<Merge> {
        merge::<Account>(self, actor, kept.0, merged, expected_version).await
    }

    /// Merges the contacts `merged` into contact `kept`: their activities and deal roles move to
    /// it, its empty fields are filled from theirs, and they are archived.
    pub async fn merge_contacts(
        &self,
        actor: &Actor,
        kept: ContactId,
        merged: &[i64],
        expected_version: Option<i64>,
    ) -> Result<Merge> {
        merge::<Contact>(self, actor, kept.0, merged, expected_version).await
    }
}
