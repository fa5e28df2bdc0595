//! `/api/v1/audit`: the append-only log of every change to business data.

use super::{ListDoc, ListResponse};
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::ListParams;
use axum::Json;
use axum::extract::State;
use baton_model::records::AuditEntry;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

/// Read the audit log (admins and coordinators): who did what to which record, before and after.
/// Filters: `actor_id`, `action`, `entity`, `entity_id`, `at`. Sort: `id` (`-id` for newest first).
#[utoipa::path(get, path = "/audit", tag = "audit", params(ListDoc),
    responses((status = 200, body = ListResponse<AuditEntry>), (status = 403, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ListParams(list): ListParams,
) -> ApiResult<Json<ListResponse<AuditEntry>>> {
    Ok(Json(s.store.list_audit(&actor, &list).await?.into()))
}
