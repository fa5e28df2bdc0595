//! The JSON API under `/api/v1`: one file per resource, each handler carrying its own OpenAPI
//! description (`#[utoipa::path]`), collected with `routes!` so the document cannot drift from
//! the router.

mod accounts;
mod activities;
mod audit;
pub(crate) mod calendar;
pub(crate) mod commissions;
mod contacts;
mod custom_fields;
mod dashboard;
mod deals;
mod duplicates;
mod exchange_rates;
mod export;
mod imports;
mod me;
mod merges;
mod org;
mod pipelines;
mod quotas;
mod refunds;
mod reports;
mod saved_queries;
mod signals;
mod sql;
mod teams;
mod tokens;
mod users;

pub use calendar::feed as calendar_feed;
pub(crate) use duplicates::entity as duplicate_entity;
pub use imports::upload_router;

use crate::AppState;
use crate::error::Problem;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Baton API",
        description = "Baton's JSON API. Authenticate with `Authorization: Bearer <token>` \
            (`baton token create --email you@example.com`). Errors are RFC 9457 problem documents \
            with an `errors` list naming each field at fault. Lists take `limit` (1–500), `cursor` \
            (the previous page's `next_cursor`), `sort` (`field` or `-field`), `q` (name prefix \
            search), `archived` (`false`, `true` or `any`) and filters: `field=v`, `field_in=a,b`, \
            `field_gte`, `field_gt`, `field_lte`, `field_lt`, `field_null=true|false`. Changes \
            need `If-Match` with the record's `ETag` (or its `version` in the body); a stale one \
            gets 412. POST accepts an `Idempotency-Key` header so a retried create does not \
            duplicate. Money is integer minor units (`amount_minor`, cents for USD) with an ISO \
            4217 `currency`."
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(Problem)),
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("bat_…")
                    .build(),
            ),
        );
    }
}

/// The document's title, description and security scheme, which the routes' paths join.
pub fn doc() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// Every `/api/v1` route that needs a signed-in actor, with its OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(accounts::router())
        .merge(activities::router())
        .merge(audit::router())
        .merge(calendar::router())
        .merge(commissions::router())
        .merge(contacts::router())
        .merge(custom_fields::router())
        .merge(dashboard::router())
        .merge(deals::router())
        .merge(duplicates::router())
        .merge(exchange_rates::router())
        .merge(export::router())
        .merge(imports::router())
        .merge(me::router())
        .merge(merges::router())
        .merge(org::router())
        .merge(pipelines::router())
        .merge(quotas::router())
        .merge(refunds::router())
        .merge(reports::router())
        .merge(saved_queries::router())
        .merge(signals::router())
        .merge(sql::router())
        .merge(teams::router())
        .merge(tokens::router())
        .merge(users::router())
}

/// One page of a list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ListResponse<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> From<baton_store::Page<T>> for ListResponse<T> {
    fn from(page: baton_store::Page<T>) -> Self {
        ListResponse {
            items: page.items,
            next_cursor: page.next_cursor,
        }
    }
}

/// The list parameters every list takes, for the OpenAPI document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "describes the query string; ListParams parses it")]
pub struct ListDoc {
    /// Page size, 1–500 (default 50).
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Sort field, `-` for descending; ties are broken by id.
    sort: Option<String>,
    /// Case-insensitive prefix search on the record's name fields.
    q: Option<String>,
    /// `false` (default): live records; `true`: archived only; `any`: both.
    archived: Option<String>,
}

/// A created record: 201 with its `ETag` and `Location`.
pub fn created<T: Serialize>(location: &str, version: i64, body: &T) -> Response {
    let mut response = crate::extract::versioned(StatusCode::CREATED, version, body);
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// A record read or changed: 200 with its `ETag`.
pub fn found<T: Serialize>(version: i64, body: &T) -> Response {
    crate::extract::versioned(StatusCode::OK, version, body)
}

/// An empty success.
pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}
