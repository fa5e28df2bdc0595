//! Settings › Custom fields: define fields on accounts, contacts and deals; archive them.

use super::{Notice, Tab, back, require_admin, tabs};
use crate::AppState;
use crate::extract::ApiPath;
use crate::web::chrome::Chrome;
use crate::web::error::PageError;
use crate::web::forms::{Field, Input, Submitted, place_errors};
use crate::web::session::WebUser;
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use baton_model::CustomFieldId;
use baton_model::records::{CustomField, CustomFieldEntity, CustomFieldInput, CustomFieldKind};
use baton_store::{ListQuery, StoreError};

#[derive(Template, WebTemplate)]
#[template(path = "settings/fields.html")]
pub struct FieldsPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    defined: Vec<CustomField>,
    fields: Vec<Field>,
    notice: Option<String>,
    errors: Vec<String>,
}

fn new_field_fields() -> Vec<Field> {
    let entities = CustomFieldEntity::ALL
        .iter()
        .map(|e| (e.as_str().to_owned(), e.as_str().to_owned()))
        .collect();
    let kinds = CustomFieldKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), k.as_str().replace('_', " ")))
        .collect();
    let required = vec![
        ("no".to_owned(), "optional".to_owned()),
        ("yes".to_owned(), "required".to_owned()),
    ];
    vec![
        Field::new("entity", "On", Input::Select(entities), "deal"),
        Field::new("label", "Label", Input::Text, ""),
        Field::new("key", "Key", Input::Text, "")
            .hint("lower-case letters, digits and _, as the API names it"),
        Field::new("kind", "Kind", Input::Select(kinds), "text"),
        Field::new("options", "Options", Input::Text, "")
            .hint("For a single select: the choices, separated by commas."),
        Field::new("required", "Required", Input::Select(required), "no"),
    ]
}

async fn render(
    s: &AppState,
    user: &WebUser,
    fields: Vec<Field>,
    notice: Option<String>,
    errors: Vec<String>,
) -> Result<FieldsPage, PageError> {
    let list = ListQuery::from_pairs([("limit".to_owned(), "500".to_owned())])?;
    Ok(FieldsPage {
        chrome: Chrome::new(user, "/settings", "Settings · Custom fields"),
        tabs: tabs(user, "/settings/fields"),
        defined: s
            .store
            .list_custom_fields(&user.0.actor, &list)
            .await?
            .items,
        fields,
        notice,
        errors,
    })
}

/// `GET /settings/fields`.
pub async fn page(
    State(s): State<AppState>,
    user: WebUser,
    Query(q): Query<Notice>,
) -> Result<FieldsPage, PageError> {
    require_admin(&user)?;
    render(&s, &user, new_field_fields(), q.notice, Vec::new()).await
}

/// `POST /settings/fields`: defines a field.
pub async fn create(
    State(s): State<AppState>,
    user: WebUser,
    body: Bytes,
) -> Result<Response, PageError> {
    require_admin(&user)?;
    let submitted = Submitted::parse(&body);
    let mut fields = new_field_fields();
    submitted.fill(&mut fields);
    let get = |name: &str| Some(submitted.get(name).trim().to_owned()).filter(|v| !v.is_empty());
    let options = get("options").map(|o| {
        o.split(',')
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect()
    });
    let input = CustomFieldInput {
        entity: get("entity").and_then(|e| e.parse().ok()),
        key: get("key"),
        label: get("label"),
        kind: get("kind").and_then(|k| k.parse().ok()),
        options,
        required: Some(submitted.get("required") == "yes"),
        version: None,
    };
    let result = match input.validate(None) {
        Ok(changes) => s.store.create_custom_field(&user.0.actor, changes).await,
        Err(e) => Err(StoreError::Invalid(e)),
    };
    match result {
        Ok(field) => Ok(back(
            "/settings/fields",
            &format!("Added the field “{}” to {}s.", field.label, field.entity),
        )),
        Err(StoreError::Invalid(errors)) => {
            let general = place_errors(&mut fields, &errors, &[]);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&s, &user, fields, None, general).await?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /settings/fields/{id}/archive`.
pub async fn archive(
    State(s): State<AppState>,
    user: WebUser,
    ApiPath(id): ApiPath<CustomFieldId>,
) -> Result<Response, PageError> {
    require_admin(&user)?;
    s.store
        .archive_custom_field(&user.0.actor, id, None)
        .await?;
    Ok(Redirect::to(
        "/settings/fields?notice=The+field+was+archived%3B+values+already+entered+are+kept.",
    )
    .into_response())
}
