//! `/api/v1/contacts`.

use super::{ListDoc, ListResponse, created, found};
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, IfMatch, ListParams};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use baton_model::ContactId;
use baton_model::records::{Contact, ContactInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, archive))
        .routes(routes!(restore))
}

/// List the contacts you may see.
///
/// Filters: `id`, `account_id`, `owner_id`, `email`, `title`, `created_at`, `updated_at`. Sorts:
/// `id`, `last_name`, `created_at`, `updated_at`. `q` matches the start of the first name, last
/// name or email.
#[utoipa::path(get, path = "/contacts", tag = "contacts", params(ListDoc),
    responses((status = 200, body = ListResponse<Contact>), (status = 400, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn list(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ListParams(list): ListParams,
) -> ApiResult<Json<ListResponse<Contact>>> {
    Ok(Json(s.store.list_contacts(&actor, &list).await?.into()))
}

/// Read one contact.
#[utoipa::path(get, path = "/contacts/{id}", tag = "contacts",
    responses((status = 200, body = Contact, headers(("ETag" = String))), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn get(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<ContactId>,
) -> ApiResult<Response> {
    let contact = s.store.get_contact(&actor, id).await?;
    Ok(found(contact.version, &contact))
}

/// Create a contact, owned by you unless `owner_id` says otherwise.
#[utoipa::path(post, path = "/contacts", tag = "contacts", request_body = ContactInput,
    responses((status = 201, body = Contact), (status = 422, body = Problem), (status = 403, body = Problem)))]
#[tracing::instrument(skip_all, err(level = "warn"))]
async fn create(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiJson(input): ApiJson<ContactInput>,
) -> ApiResult<Response> {
    let contact = s
        .store
        .create_contact(&actor, input.validate(true)?)
        .await?;
    Ok(created(
        &format!("/api/v1/contacts/{}", contact.id),
        contact.version,
        &contact,
    ))
}

/// Change a contact. Send `If-Match` with its `ETag`; a contact changed meanwhile gets 412.
#[utoipa::path(patch, path = "/contacts/{id}", tag = "contacts", request_body = ContactInput,
    params(("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = Contact), (status = 412, body = Problem), (status = 422, body = Problem),
        (status = 428, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn update(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<ContactId>,
    if_match: IfMatch,
    ApiJson(input): ApiJson<ContactInput>,
) -> ApiResult<Response> {
    let version = if_match.required(input.version)?;
    let contact = s
        .store
        .update_contact(&actor, id, version, input.validate(false)?)
        .await?;
    Ok(found(contact.version, &contact))
}

/// Archive (delete) a contact. It disappears from lists unless `archived=true|any`.
#[utoipa::path(delete, path = "/contacts/{id}", tag = "contacts",
    responses((status = 200, body = Contact), (status = 404, body = Problem), (status = 412, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn archive(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<ContactId>,
    IfMatch(v): IfMatch,
) -> ApiResult<Response> {
    let contact = s.store.set_contact_archived(&actor, id, v, true).await?;
    Ok(found(contact.version, &contact))
}

/// Restore an archived contact.
#[utoipa::path(post, path = "/contacts/{id}/restore", tag = "contacts",
    responses((status = 200, body = Contact), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all, fields(id = %id), err(level = "warn"))]
async fn restore(
    State(s): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<ContactId>,
    IfMatch(v): IfMatch,
) -> ApiResult<Response> {
    let contact = s.store.set_contact_archived(&actor, id, v, false).await?;
    Ok(found(contact.version, &contact))
}
