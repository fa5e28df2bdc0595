//! The append-only audit log and the field history, written inside the transaction of every
//! change.

use crate::db::{Conn, Row, built_query, query};
use crate::list::{ListQuery, Page, paginate};
use crate::{Actor, Result, Store, StoreError};
use baton_model::UserId;
use baton_model::records::{AuditEntry, FieldChange};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// One tracked field's value before and after a change, as text.
pub(crate) struct Tracked {
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl Tracked {
    /// The change of `field` from `old` to `new`, if there was one.
    pub(crate) fn of<T: ToString + PartialEq>(
        field: &'static str,
        old: Option<&T>,
        new: Option<&T>,
    ) -> Option<Tracked> {
        (old != new).then(|| Tracked {
            field,
            old: old.map(ToString::to_string),
            new: new.map(ToString::to_string),
        })
    }
}

/// Appends a field-history row for each change.
pub(crate) async fn write_history(
    conn: &mut Conn<'_>,
    entity: &str,
    entity_id: i64,
    actor: Option<UserId>,
    at: DateTime<Utc>,
    changes: impl IntoIterator<Item = Tracked>,
) -> Result<()> {
    for change in changes {
        conn.execute(
            query(
                "INSERT INTO field_history \
                 (entity, entity_id, field, old_value, new_value, actor_id, changed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(entity)
            .bind(entity_id)
            .bind(change.field)
            .bind(change.old)
            .bind(change.new)
            .bind(actor)
            .bind(at),
        )
        .await?;
    }
    Ok(())
}

/// Appends one audit-log row: `before` is `None` on create, `after` is `None` on delete.
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per column of the audit row"
)]
pub(crate) async fn write_audit<T: Serialize>(
    conn: &mut Conn<'_>,
    actor: Option<UserId>,
    action: &str,
    entity: &str,
    entity_id: i64,
    before: Option<&T>,
    after: Option<&T>,
    at: DateTime<Utc>,
) -> Result<()> {
    let json = |v: Option<&T>| {
        v.map(|v| serde_json::to_value(v).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    };
    conn.execute(
        query(
            "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, before, after) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(at)
        .bind(actor)
        .bind(action)
        .bind(entity)
        .bind(entity_id)
        .bind(json(before)?)
        .bind(json(after)?),
    )
    .await?;
    Ok(())
}

pub(crate) fn field_change(r: &Row) -> Result<FieldChange> {
    Ok(FieldChange {
        id: r.get("id")?,
        entity: r.get("entity")?,
        entity_id: r.get("entity_id")?,
        field: r.get("field")?,
        old_value: r.get("old_value")?,
        new_value: r.get("new_value")?,
        actor_id: r.get("actor_id")?,
        changed_at: r.get("changed_at")?,
    })
}

fn audit_entry(r: &Row) -> Result<AuditEntry> {
    let optional_json = |name: &str| -> Result<Option<serde_json::Value>> {
        let text: Option<sqlx::types::Json<serde_json::Value>> = r.get(name)?;
        Ok(text.map(|j| j.0))
    };
    Ok(AuditEntry {
        id: r.get("id")?,
        at: r.get("at")?,
        actor_id: r.get("actor_id")?,
        action: r.get("action")?,
        entity: r.get("entity")?,
        entity_id: r.get("entity_id")?,
        before: optional_json("before")?,
        after: optional_json("after")?,
    })
}

/// The columns the audit log can be filtered and sorted by.
const AUDIT_LIST: crate::list::ListSpec = crate::list::ListSpec {
    from: "audit_log x",
    columns: "x.id, x.at, x.actor_id, x.action, x.entity, x.entity_id, x.before, x.after",
    filters: &[
        ("actor_id", "x.actor_id", crate::list::Kind::Int),
        ("action", "x.action", crate::list::Kind::Text),
        ("entity", "x.entity", crate::list::Kind::Text),
        ("entity_id", "x.entity_id", crate::list::Kind::Int),
        ("at", "x.at", crate::list::Kind::Time),
    ],
    sorts: &[("id", "x.id", crate::list::Kind::Int, false)],
    search: &[],
    search_sort: None,
    archivable: false,
};

impl Store {
    /// The field history of one record, oldest first. The caller checks the record is visible.
    pub(crate) async fn history_of(
        &self,
        entity: &str,
        entity_id: i64,
    ) -> Result<Vec<FieldChange>> {
        self.reader()
            .fetch_all(
                query(
                    "SELECT id, entity, entity_id, field, old_value, new_value, actor_id, \
                     changed_at FROM field_history WHERE entity = $1 AND entity_id = $2 \
                     ORDER BY changed_at, id",
                )
                .bind(entity)
                .bind(entity_id),
            )
            .await?
            .iter()
            .map(field_change)
            .collect()
    }

    /// A page of the audit log. Admins and coordinators only.
    pub async fn list_audit(&self, actor: &Actor, list: &ListQuery) -> Result<Page<AuditEntry>> {
        if !matches!(
            actor.role,
            baton_model::Role::Admin | baton_model::Role::Coordinator
        ) {
            return Err(StoreError::Forbidden(
                "only admins and coordinators can read the audit log".into(),
            ));
        }
        let (sql, args) = paginate(&AUDIT_LIST, list, "TRUE", self.dialect())?;
        let rows = self
            .reader()
            .fetch_all(built_query(sql).bind_all(args))
            .await?;
        Page::from_rows(&AUDIT_LIST, list, rows, audit_entry)
    }
}
