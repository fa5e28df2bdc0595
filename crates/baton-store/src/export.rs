//! What exports read besides the visible lists: the source ids of a page's records and of the
//! records they reference, and the field history of a page of deals.
//!
//! An export pages through the ordinary visibility-checked lists (`list_deals` and friends,
//! sorted by id); these calls take the ids of one page, so memory stays bounded by the page
//! whatever the organisation's size.

use crate::audit::field_change;
use crate::db::{built_query, id_list};
use crate::import::SourceKind;
use crate::visibility::{Entity, Scope};
use crate::{Actor, Result, Store};
use baton_model::DealId;
use baton_model::records::FieldChange;
use std::collections::HashMap;

impl Store {
    /// The source ids (`sf:006…`) of those of `ids` that have one, by id. The ids come from
    /// records the caller already read, so this reveals nothing new.
    pub async fn source_ids_of(
        &self,
        kind: SourceKind,
        ids: &[i64],
    ) -> Result<HashMap<i64, String>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        // Primary-key probes; the ids are integers, written as literals.
        let rows = self
            .reader()
            .fetch_all(built_query(format!(
                "SELECT id, source_id FROM {} WHERE id IN {} AND source_id IS NOT NULL",
                kind.table(),
                id_list(ids.iter().copied())
            )))
            .await?;
        rows.iter()
            .map(|r| Ok((r.get("id")?, r.get("source_id")?)))
            .collect()
    }

    /// The field history of those of `deals` the actor may see, by deal, oldest first within
    /// each (index `field_history (entity, entity_id, …)`).
    pub async fn deals_history(&self, actor: &Actor, deals: &[DealId]) -> Result<Vec<FieldChange>> {
        if deals.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.reader();
        let scope = Scope::of(&mut conn, actor).await?;
        let rows = conn
            .fetch_all(built_query(format!(
                "SELECT h.id, h.entity, h.entity_id, h.field, h.old_value, h.new_value, \
                 h.actor_id, h.changed_at FROM field_history h \
                 WHERE h.entity = 'deal' AND h.entity_id IN \
                 (SELECT x.id FROM deals x WHERE x.id IN {} AND {}) \
                 ORDER BY h.entity_id, h.changed_at, h.id",
                id_list(deals.iter().map(|d| d.0)),
                scope.visible(Entity::Deal, "x")
            )))
            .await?;
        rows.iter().map(field_change).collect()
    }
}
