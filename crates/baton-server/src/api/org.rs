//! `/api/v1/org`: the organisation's settings.

use super::found;
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, IfMatch};
use axum::extract::State;
use axum::response::Response;
use baton_model::records::{OrgSettings, OrgSettingsInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get, update))
}

/// Read the organisation's settings: currency, fiscal year start, time zone.
#[utoipa::path(get, path = "/org", tag = "org", responses((status = 200, body = OrgSettings)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn get(State(s): State<AppState>, Auth(_actor): Auth) -> ApiResult<Response> {
    let org = s.store.org_settings().await?;
    Ok(found(org.version, &org))
}

/// Change the organisation's settings (admins).
#[utoipa::path(patch, path = "/org", tag = "org", request_body = OrgSettingsInput,
    responses((status = 200, body = OrgSettings), (status = 403, body = Problem), (status = 412, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn update(
    State(s): State<AppState>,
    Auth(actor): Auth,
    if_match: IfMatch,
    ApiJson(input): ApiJson<OrgSettingsInput>,
) -> ApiResult<Response> {
    let version = if_match.required(input.version)?;
    let org = s
        .store
        .update_org(&actor, version, input.validate()?)
        .await?;
    Ok(found(org.version, &org))
}
