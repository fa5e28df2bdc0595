//! The contact page: name, title, email, phone, account and owner edited in place. The account
//! is chosen by typing its name, with suggestions from the accounts the person may see.

use super::{Related, Shown, checked, first_hundred, non_empty, or_dash, owner_choices};
use crate::AppState;
use crate::web::error::PageError;
use crate::web::forms::{Field, Input};
use crate::web::session::WebUser;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use baton_model::records::{Account, ActivityInput, Contact, ContactInput, FieldChange};
use baton_model::{AccountId, ContactId, Currency, FieldErrors, UserId};
use baton_store::{Actor, ListQuery, Names, StoreError};

/// A contact with its account.
pub struct ContactView {
    contact: Contact,
    account: Option<Account>,
}

/// How an account is written in the account field: "Acme Corp (#12)".
fn account_choice(a: &Account) -> String {
    format!("{} (#{})", a.name, a.id)
}

/// The account the field names: a suggestion picked ("Acme Corp (#12)"), or the exact name of
/// one account the actor may see.
async fn find_account(s: &AppState, actor: &Actor, typed: &str) -> Result<AccountId, String> {
    if let Some(id) = typed
        .strip_suffix(')')
        .and_then(|rest| rest.rsplit_once("(#"))
        .and_then(|(_, id)| id.parse::<i64>().ok())
    {
        return Ok(AccountId(id));
    }
    let list = ListQuery::from_pairs([
        ("q".to_owned(), typed.to_owned()),
        ("limit".to_owned(), "50".to_owned()),
    ])
    .map_err(|e| e.to_string())?;
    let found = s
        .store
        .list_accounts(actor, &list)
        .await
        .map_err(|e| e.to_string())?;
    let mut same = found
        .items
        .iter()
        .filter(|a| a.name.eq_ignore_ascii_case(typed));
    match (same.next(), same.next()) {
        (Some(a), None) => Ok(a.id),
        (Some(_), Some(_)) => Err(format!(
            "several accounts are called “{typed}”; pick one from the suggestions"
        )),
        (None, _) => Err(format!("no account called “{typed}” that you can see")),
    }
}

impl Shown for ContactView {
    type Id = ContactId;
    const PATH: &'static str = "/contacts";
    const NOUN: &'static str = "contact";
    const CRUMB: (&'static str, &'static str) = ("/contacts", "Contacts");
    const ALIASES: &'static [(&'static str, &'static str)] = &[("account_id", "account")];

    async fn load(s: &AppState, actor: &Actor, id: ContactId) -> Result<Self, StoreError> {
        let contact = s.store.get_contact(actor, id).await?;
        let account = match contact.account_id {
            Some(a) => s.store.get_account(actor, a).await.ok(),
            None => None,
        };
        Ok(ContactView { contact, account })
    }

    async fn can_edit(s: &AppState, actor: &Actor, id: ContactId) -> Result<bool, StoreError> {
        s.store.can_edit_contact(actor, id).await
    }

    fn id(&self) -> ContactId {
        self.contact.id
    }

    fn title(&self) -> String {
        self.contact.full_name()
    }

    fn version(&self) -> i64 {
        self.contact.version
    }

    fn details(&self, names: &Names) -> Vec<(&'static str, String)> {
        let c = &self.contact;
        vec![
            ("Title", or_dash(c.title.as_ref())),
            ("Email", or_dash(c.email.as_ref())),
            ("Phone", or_dash(c.phone.as_ref())),
            (
                "Account",
                or_dash(self.account.as_ref().map(|a| a.name.clone())),
            ),
            (
                "Owner",
                names.users.get(&c.owner_id).cloned().unwrap_or_default(),
            ),
        ]
    }

    fn form(&self, names: &Names) -> Vec<Field> {
        let c = &self.contact;
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            Field::new("first_name", "First name", Input::Text, text(&c.first_name)),
            Field::new("last_name", "Last name", Input::Text, c.last_name.clone()),
            Field::new("title", "Title", Input::Text, text(&c.title)),
            Field::new(
                "email",
                "Email",
                Input::Text,
                c.email
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            ),
            Field::new("phone", "Phone", Input::Text, text(&c.phone)),
            Field::new(
                "account",
                "Account",
                Input::Suggest("/accounts/suggest"),
                self.account
                    .as_ref()
                    .map(account_choice)
                    .unwrap_or_default(),
            )
            .hint("Type a few letters of its name and pick it; empty for none."),
            Field::new(
                "owner_id",
                "Owner",
                Input::Select(owner_choices(names)),
                c.owner_id.to_string(),
            ),
        ]
    }

    async fn save(
        &self,
        s: &AppState,
        actor: &Actor,
        version: i64,
        fields: &[Field],
    ) -> Result<(), StoreError> {
        let mut input = ContactInput::default();
        let mut errors = FieldErrors::new();
        for f in fields.iter().filter(|f| f.changed()) {
            let v = f.value.trim();
            match f.name {
                "first_name" => input.first_name = Some(non_empty(v)),
                "last_name" => input.last_name = Some(v.to_owned()),
                "title" => input.title = Some(non_empty(v)),
                "email" => input.email = Some(non_empty(v)),
                "phone" => input.phone = Some(non_empty(v)),
                "account" if v.is_empty() => input.account_id = Some(None),
                "account" => {
                    input.account_id = errors
                        .check("account", find_account(s, actor, v).await)
                        .map(Some);
                }
                "owner_id" => {
                    input.owner_id = errors.check(
                        "owner_id",
                        v.parse::<i64>().map(UserId).map_err(|_| "choose an owner"),
                    );
                }
                _ => {}
            }
        }
        let changes = checked(errors, input.validate(false))?;
        s.store
            .update_contact(actor, self.contact.id, version, changes)
            .await
            .map(|_| ())
    }

    async fn related(
        &self,
        s: &AppState,
        actor: &Actor,
        names: &Names,
    ) -> Result<Vec<Related>, StoreError> {
        let account = self
            .account
            .iter()
            .map(|a| {
                (
                    format!("/accounts/{}", a.id),
                    a.name.clone(),
                    a.domain.clone().unwrap_or_default(),
                )
            })
            .collect();
        let deals = match self.contact.account_id {
            Some(a) => {
                s.store
                    .list_deals(
                        actor,
                        &first_hundred(("account_id", a.to_string()), "-close_date")?,
                    )
                    .await?
                    .items
            }
            None => Vec::new(),
        };
        Ok(vec![
            Related {
                title: "Account",
                items: account,
                empty: "Not linked to an account.",
            },
            Related {
                title: "Deals at the account",
                items: deals
                    .into_iter()
                    .map(|d| {
                        let stage = names.stages.get(&d.stage_id.0).cloned().unwrap_or_default();
                        (format!("/deals/{}", d.id), d.name, stage)
                    })
                    .collect(),
                empty: "No deals at the account.",
            },
        ])
    }

    async fn history(&self, _s: &AppState, _actor: &Actor) -> Result<Vec<FieldChange>, StoreError> {
        // Contacts keep no field history; their changes are in the audit log.
        Ok(Vec::new())
    }

    fn currency(&self) -> Currency {
        Currency::USD
    }

    fn activities(&self) -> (&'static str, i64) {
        ("contact_id", self.contact.id.0)
    }

    fn link(&self, input: &mut ActivityInput) {
        input.contact_id = Some(Some(self.contact.id));
        input.account_id = Some(self.contact.account_id);
    }
}

#[derive(Template)]
#[template(path = "record/suggestions.html")]
struct Suggestions {
    choices: Vec<String>,
}

#[derive(serde::Deserialize)]
pub struct Typed {
    #[serde(default)]
    account: String,
}

/// `GET /accounts/suggest?account=…`: the visible accounts whose names start with what was
/// typed, as options of the account field's suggestion list.
pub async fn suggest_accounts(
    State(s): State<AppState>,
    user: WebUser,
    Query(typed): Query<Typed>,
) -> Result<Html<String>, PageError> {
    let text = typed.account.trim();
    let choices = if text.is_empty() {
        Vec::new()
    } else {
        let list = ListQuery::from_pairs([
            ("q".to_owned(), text.to_owned()),
            ("limit".to_owned(), "10".to_owned()),
        ])?;
        s.store
            .list_accounts(&user.0.actor, &list)
            .await?
            .items
            .iter()
            .map(account_choice)
            .collect()
    };
    Suggestions { choices }
        .render()
        .map(Html)
        .map_err(|e| crate::ApiError::Internal(e.to_string()).into())
}
