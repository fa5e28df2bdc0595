//! `/api/v1/comp/rates`: dated exchange rates that convert deals won in another currency into
//! the currency a commission plan pays in.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::State;
use baton_model::records::ExchangeRate;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, save))
}

/// Every exchange rate, by pair and date. Everyone signed in may read them.
#[utoipa::path(get, path = "/comp/rates", tag = "commissions",
    responses((status = 200, body = Vec<ExchangeRate>)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list(State(s): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Vec<ExchangeRate>>> {
    Ok(Json(s.store.exchange_rates(&actor).await?))
}

/// Rates to save.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RatesInput {
    rates: Vec<ExchangeRate>,
}

/// Add rates, or change the rate of a pair on a day (finance, admins); answers with every rate.
/// A rate converts in the direction given only. All are saved or, with any error (each naming
/// its place in the list), none.
#[utoipa::path(put, path = "/comp/rates", tag = "commissions", request_body = RatesInput,
    responses((status = 200, body = Vec<ExchangeRate>), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn save(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<RatesInput>,
) -> ApiResult<Json<Vec<ExchangeRate>>> {
    Ok(Json(
        s.store.save_exchange_rates(&actor, input.rates).await?,
    ))
}
