use crate::UserId;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

/// One change of one tracked field, recorded automatically with every write.
///
/// Deals track stage, amount, currency, close date, owner and forecast category; accounts track
/// their owner. A record's creation writes a row per tracked field with `old_value` null, so the
/// history of a field is complete from the start. Values are text: ids, amounts in minor units,
/// ISO dates.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldChange {
    pub id: i64,
    pub entity: String,
    pub entity_id: i64,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// Who made the change; null for system changes.
    pub actor_id: Option<UserId>,
    pub changed_at: DateTime<Utc>,
}

/// One entry of the append-only audit log: who did what to which record, before and after.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    /// `create`, `update`, `archive`, `restore`, `delete`…
    pub action: String,
    pub entity: String,
    pub entity_id: i64,
    /// The record before the change; null on create.
    #[schema(value_type = Option<Object>)]
    pub before: Option<Value>,
    /// The record after the change; null on delete.
    #[schema(value_type = Option<Object>)]
    pub after: Option<Value>,
}
