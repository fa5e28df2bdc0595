//! Saved list views: a person's named filters, sort, search and columns for a list, kept for
//! themselves or shared with everyone. A view holds only the list's query; what it shows is
//! still limited by each viewer's visibility.

use crate::audit::write_audit;
use crate::db::query;
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::UserId;

/// A saved view.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SavedView {
    pub id: i64,
    pub user_id: UserId,
    /// The list it belongs to: `deals`, `accounts`, `contacts` or `activities`.
    pub entity: String,
    pub name: String,
    /// The list's query string (`stage_id=3&sort=-amount_minor&cols=name,amount`).
    pub query: String,
    pub shared: bool,
}

const ENTITIES: [&str; 4] = ["accounts", "contacts", "deals", "activities"];

impl Store {
    /// The views of list `entity` the actor may use: their own and the shared ones.
    pub async fn saved_views(&self, actor: &Actor, entity: &str) -> Result<Vec<SavedView>> {
        self.reader()
            .fetch_all(
                query(
                    "SELECT id, user_id, entity, name, query, shared FROM saved_views \
                     WHERE entity = $1 AND (user_id = $2 OR shared = TRUE) ORDER BY lower(name), id",
                )
                .bind(entity)
                .bind(actor.user_id),
            )
            .await?
            .iter()
            .map(|r| {
                Ok(SavedView {
                    id: r.get("id")?,
                    user_id: r.get("user_id")?,
                    entity: r.get("entity")?,
                    name: r.get("name")?,
                    query: r.get("query")?,
                    shared: r.get("shared")?,
                })
            })
            .collect()
    }

    /// Saves a view of list `entity`; a view of the same name by the same person is replaced.
    pub async fn save_view(
        &self,
        actor: &Actor,
        entity: &str,
        name: &str,
        view_query: &str,
        shared: bool,
    ) -> Result<i64> {
        let name = name.trim();
        if !ENTITIES.contains(&entity) {
            return Err(StoreError::field(
                "entity",
                format!("there is no list {entity:?}"),
            ));
        }
        if name.is_empty()
            || name.chars().count() > 100
            || baton_model::records::has_control_chars(name)
        {
            return Err(StoreError::field(
                "name",
                "must be 1 to 100 characters of text",
            ));
        }
        if view_query.len() > 2000 || baton_model::records::has_control_chars(view_query) {
            return Err(StoreError::field("query", "is too long"));
        }
        let mut tx = self.begin().await?;
        let at = now();
        tx.conn()
            .execute(
                query("DELETE FROM saved_views WHERE user_id = $1 AND entity = $2 AND lower(name) = lower($3)")
                    .bind(actor.user_id)
                    .bind(entity)
                    .bind(name),
            )
            .await?;
        let id: i64 = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO saved_views (user_id, entity, name, query, shared, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(actor.user_id)
                .bind(entity)
                .bind(name)
                .bind(view_query)
                .bind(shared)
                .bind(at),
            )
            .await?
            .get("id")?;
        let after = serde_json::json!({"entity": entity, "name": name, "query": view_query, "shared": shared});
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "saved_view",
            id,
            None,
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Deletes one of the actor's own views.
    pub async fn delete_view(&self, actor: &Actor, id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        let deleted = tx
            .conn()
            .execute(
                query("DELETE FROM saved_views WHERE id = $1 AND user_id = $2")
                    .bind(id)
                    .bind(actor.user_id),
            )
            .await?;
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        write_audit::<()>(
            &mut tx.conn(),
            Some(actor.user_id),
            "delete",
            "saved_view",
            id,
            None,
            None,
            now(),
        )
        .await?;
        tx.commit().await
    }
}
