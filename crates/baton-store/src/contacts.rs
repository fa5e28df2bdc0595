//! Contacts: the people at accounts.

use crate::audit::write_audit;
use crate::crm::{self, CrmRecord, begin_change, set_archived};
use crate::db::{Arg, Conn, Row};
use crate::list::{Kind, ListQuery, ListSpec, Page};
use crate::refs::{check_assignable, check_visible};
use crate::visibility::{Entity, Scope};
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::records::{Contact, ContactChanges, CustomFieldEntity, apply_custom_fields};
use baton_model::{ContactId, FieldErrors};
use serde_json::Value;

const COLUMNS: &str = "x.id, x.account_id, x.owner_id, x.first_name, x.last_name, x.email, x.phone, x.title, \
    x.custom_fields, x.archived_at, x.version, x.created_at, x.updated_at";

/// Filters and sorts of `GET /contacts`; search matches first name, last name and email.
const LIST: ListSpec = ListSpec {
    from: "contacts x",
    columns: COLUMNS,
    filters: &[
        ("id", "x.id", Kind::Int),
        ("account_id", "x.account_id", Kind::Int),
        ("owner_id", "x.owner_id", Kind::Int),
        ("email", "lower(x.email)", Kind::Text),
        ("title", "x.title", Kind::Text),
        ("created_at", "x.created_at", Kind::Time),
        ("updated_at", "x.updated_at", Kind::Time),
    ],
    sorts: &[
        ("id", "x.id", Kind::Int, false),
        ("last_name", "lower(x.last_name)", Kind::Text, false),
        ("created_at", "x.created_at", Kind::Time, false),
        ("updated_at", "x.updated_at", Kind::Time, false),
    ],
    search: &["x.first_name", "x.last_name", "x.email"],
    search_sort: None,
    archivable: true,
};

fn contact_from_row(r: &Row) -> Result<Contact> {
    Ok(Contact {
        id: r.get("id")?,
        account_id: r.get("account_id")?,
        owner_id: r.get("owner_id")?,
        first_name: r.get("first_name")?,
        last_name: r.get("last_name")?,
        email: r.parse_opt("email")?,
        phone: r.get("phone")?,
        title: r.get("title")?,
        custom_fields: r.json_object("custom_fields")?,
        archived_at: r.get("archived_at")?,
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

impl CrmRecord for Contact {
    const ENTITY: Entity = Entity::Contact;
    const TABLE: &'static str = "contacts";
    const NAME: &'static str = "contact";
    const COLUMNS: &'static str = COLUMNS;
    const LIST: ListSpec = LIST;

    fn from_row(row: &Row) -> Result<Self> {
        contact_from_row(row)
    }

    fn id(&self) -> i64 {
        self.id.0
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn values(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("account_id", self.account_id.into()),
            ("owner_id", self.owner_id.into()),
            ("first_name", self.first_name.clone().into()),
            ("last_name", self.last_name.as_str().into()),
            ("email", self.email.as_ref().into()),
            ("phone", self.phone.clone().into()),
            ("title", self.title.clone().into()),
            (
                "custom_fields",
                Value::Object(self.custom_fields.clone()).into(),
            ),
            ("archived_at", self.archived_at.into()),
            ("version", self.version.into()),
            ("created_at", self.created_at.into()),
            ("updated_at", self.updated_at.into()),
        ]
    }
}

async fn resolve(
    conn: &mut Conn<'_>,
    scope: &Scope,
    current: Option<&Contact>,
    changes: ContactChanges,
) -> Result<Contact> {
    let mut errors = FieldErrors::new();
    let at = now();
    let mut contact = match current {
        Some(c) => c.clone(),
        None => Contact {
            id: ContactId(0),
            account_id: None,
            owner_id: scope.actor.user_id,
            first_name: None,
            last_name: String::new(),
            email: None,
            phone: None,
            title: None,
            custom_fields: serde_json::Map::new(),
            archived_at: None,
            version: 1,
            created_at: at,
            updated_at: at,
        },
    };
    let owner = changes.owner_id.unwrap_or(contact.owner_id);
    if current.is_none_or(|c| c.owner_id != owner) {
        check_assignable(conn, scope, "owner_id", owner, &mut errors).await?;
    }
    contact.owner_id = owner;
    if let Some(account) = changes.account_id {
        if let Some(id) = account
            && current.is_none_or(|c| c.account_id != Some(id))
        {
            check_visible(
                conn,
                scope,
                Entity::Account,
                "account_id",
                id.0,
                &mut errors,
            )
            .await?;
        }
        contact.account_id = account;
    }
    if let Some(v) = changes.first_name {
        contact.first_name = v;
    }
    if let Some(v) = changes.last_name {
        contact.last_name = v;
    }
    if let Some(v) = changes.email {
        contact.email = v;
    }
    if let Some(v) = changes.phone {
        contact.phone = v;
    }
    if let Some(v) = changes.title {
        contact.title = v;
    }
    let definitions = crate::custom_fields::definitions(conn, CustomFieldEntity::Contact).await?;
    apply_custom_fields(
        &definitions,
        &mut contact.custom_fields,
        changes.custom_fields,
        current.is_none(),
        &mut errors,
    );
    errors.into_result(contact).map_err(StoreError::Invalid)
}

impl Store {
    /// One contact the actor may see.
    pub async fn get_contact(&self, actor: &Actor, id: ContactId) -> Result<Contact> {
        crm::get_visible(self, actor, id.0).await
    }

    /// A page of the contacts the actor may see.
    pub async fn list_contacts(&self, actor: &Actor, list: &ListQuery) -> Result<Page<Contact>> {
        crm::list_visible(self, actor, list).await
    }

    /// Whether the actor may change contact `id` (false also when they cannot see it).
    pub async fn can_edit_contact(&self, actor: &Actor, id: ContactId) -> Result<bool> {
        crm::can_edit::<Contact>(self, actor, id.0).await
    }

    /// Creates a contact.
    pub async fn create_contact(&self, actor: &Actor, changes: ContactChanges) -> Result<Contact> {
        actor.ensure_edits_crm()?;
        let mut tx = self.begin().await?;
        let scope = Scope::of(&mut tx.conn(), actor).await?;
        let contact = resolve(&mut tx.conn(), &scope, None, changes).await?;
        let at = contact.created_at;
        let id = ContactId(crm::insert(&mut tx.conn(), &contact).await?);
        let after = crm::load::<Contact>(&mut tx.conn(), id.0)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "contact",
            id.0,
            None,
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Changes a contact the actor may edit, if it is still at `expected_version`.
    pub async fn update_contact(
        &self,
        actor: &Actor,
        id: ContactId,
        expected_version: i64,
        changes: ContactChanges,
    ) -> Result<Contact> {
        let (mut tx, before, scope) =
            begin_change::<Contact>(self, actor, id.0, Some(expected_version)).await?;
        let mut contact = resolve(&mut tx.conn(), &scope, Some(&before), changes).await?;
        let at = now();
        contact.updated_at = at;
        crm::update(&mut tx.conn(), &contact, expected_version).await?;
        let after = crm::load::<Contact>(&mut tx.conn(), id.0)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "update",
            "contact",
            id.0,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Archives (deletes) or restores a contact the actor may edit.
    pub async fn set_contact_archived(
        &self,
        actor: &Actor,
        id: ContactId,
        expected_version: Option<i64>,
        archive: bool,
    ) -> Result<Contact> {
        set_archived::<Contact>(self, actor, id.0, expected_version, archive).await
    }
}
