//! Admin-defined custom fields on accounts, contacts and deals.

use crate::audit::write_audit;
use crate::db::{Conn, Row, built_query, query};
use crate::error::check_version;
use crate::list::{Kind, ListQuery, ListSpec, Page, paginate};
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::CustomFieldId;
use baton_model::records::{CustomField, CustomFieldChanges, CustomFieldEntity};
use serde_json::Value;

const COLUMNS: &str = "x.id, x.entity, x.key, x.label, x.kind, x.options, x.required, x.archived_at, \
                       x.version, x.created_at, x.updated_at";

const LIST: ListSpec = ListSpec {
    from: "custom_fields x",
    columns: COLUMNS,
    filters: &[
        ("id", "x.id", Kind::Int),
        ("entity", "x.entity", Kind::Text),
        ("kind", "x.kind", Kind::Text),
    ],
    sorts: &[
        ("id", "x.id", Kind::Int, false),
        ("key", "x.key", Kind::Text, false),
    ],
    search: &["x.key", "x.label"],
    search_sort: Some("key"),
    archivable: true,
};

fn field_from_row(r: &Row) -> Result<CustomField> {
    let options = match r.json("options")? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    Ok(CustomField {
        id: r.get("id")?,
        entity: r.parse("entity")?,
        key: r.get("key")?,
        label: r.get("label")?,
        kind: r.parse("kind")?,
        options,
        required: r.get("required")?,
        archived_at: r.get("archived_at")?,
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

/// The live custom field definitions of one record type.
pub(crate) async fn definitions(
    conn: &mut Conn<'_>,
    entity: CustomFieldEntity,
) -> Result<Vec<CustomField>> {
    conn.fetch_all(
        built_query(format!(
            "SELECT {COLUMNS} FROM custom_fields x WHERE x.entity = $1 AND x.archived_at IS NULL ORDER BY x.id"
        ))
        .bind(entity),
    )
    .await?
    .iter()
    .map(field_from_row)
    .collect()
}

async fn load(conn: &mut Conn<'_>, id: CustomFieldId) -> Result<Option<CustomField>> {
    conn.fetch_optional(
        built_query(format!(
            "SELECT {COLUMNS} FROM custom_fields x WHERE x.id = $1"
        ))
        .bind(id),
    )
    .await?
    .as_ref()
    .map(field_from_row)
    .transpose()
}

impl Store {
    /// One custom field definition. Every signed-in user may read them.
    pub async fn get_custom_field(&self, _actor: &Actor, id: CustomFieldId) -> Result<CustomField> {
        load(&mut self.reader(), id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// A page of custom field definitions.
    pub async fn list_custom_fields(
        &self,
        _actor: &Actor,
        list: &ListQuery,
    ) -> Result<Page<CustomField>> {
        let (sql, args) = paginate(&LIST, list, "TRUE", self.dialect())?;
        let rows = self
            .reader()
            .fetch_all(built_query(sql).bind_all(args))
            .await?;
        Page::from_rows(&LIST, list, rows, field_from_row)
    }

    /// Defines a new custom field (admins only).
    pub async fn create_custom_field(
        &self,
        actor: &Actor,
        changes: CustomFieldChanges,
    ) -> Result<CustomField> {
        actor.ensure_admin()?;
        let (Some(entity), Some(key), Some(label), Some(kind)) =
            (changes.entity, changes.key, changes.label, changes.kind)
        else {
            return Err(StoreError::field(
                "key",
                "entity, key, label and kind are required",
            ));
        };
        let mut tx = self.begin().await?;
        let taken = tx
            .conn()
            .fetch_optional(
                query("SELECT 1 AS ok FROM custom_fields WHERE entity = $1 AND key = $2")
                    .bind(entity)
                    .bind(key.as_str()),
            )
            .await?
            .is_some();
        if taken {
            return Err(StoreError::field(
                "key",
                format!("{entity} already has a field {key:?}"),
            ));
        }
        let at = now();
        let id: CustomFieldId = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO custom_fields (entity, key, label, kind, options, required, version, \
                     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id",
                )
                .bind(entity)
                .bind(key)
                .bind(label)
                .bind(kind)
                .bind(serde_json::json!(changes.options.unwrap_or_default()))
                .bind(changes.required.unwrap_or(false))
                .bind(at),
            )
            .await?
            .get("id")?;
        let after = load(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "custom_field",
            id.0,
            None,
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Changes a custom field's label, options or requiredness (admins only).
    pub async fn update_custom_field(
        &self,
        actor: &Actor,
        id: CustomFieldId,
        expected_version: i64,
        changes: CustomFieldChanges,
    ) -> Result<CustomField> {
        actor.ensure_admin()?;
        let mut tx = self.begin().await?;
        let before = load(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(expected_version, before.version)?;
        let at = now();
        tx.conn()
            .execute(
                query(
                    "UPDATE custom_fields SET label = $1, options = $2, required = $3, \
                     version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6",
                )
                .bind(changes.label.unwrap_or_else(|| before.label.clone()))
                .bind(serde_json::json!(
                    changes.options.unwrap_or_else(|| before.options.clone())
                ))
                .bind(changes.required.unwrap_or(before.required))
                .bind(at)
                .bind(id)
                .bind(expected_version),
            )
            .await?;
        let after = load(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "update",
            "custom_field",
            id.0,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Archives a custom field (admins only): it stops being offered and validated; stored
    /// values stay on the records.
    pub async fn archive_custom_field(
        &self,
        actor: &Actor,
        id: CustomFieldId,
        expected_version: Option<i64>,
    ) -> Result<()> {
        actor.ensure_admin()?;
        let mut tx = self.begin().await?;
        let before = load(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(expected_version, before.version)?;
        let at = now();
        tx.conn()
            .execute(
                query("UPDATE custom_fields SET archived_at = $1, version = version + 1, updated_at = $1 WHERE id = $2")
                    .bind(at)
                    .bind(id),
            )
            .await?;
        let after = load(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "archive",
            "custom_field",
            id.0,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await
    }
}
