//! `/api/v1/me`: who the token belongs to.

use super::found;
use crate::AppState;
use crate::auth::Auth;
use crate::error::ApiResult;
use axum::extract::State;
use axum::response::Response;
use baton_model::records::User;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}

/// The signed-in user.
#[utoipa::path(get, path = "/me", tag = "users", responses((status = 200, body = User)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn me(State(s): State<AppState>, Auth(actor): Auth) -> ApiResult<Response> {
    let user = s.store.get_user(&actor, actor.user_id).await?;
    Ok(found(user.version, &user))
}
