//! Accounts: the companies deals are with. Owner changes are kept in the field history.

use crate::audit::{Tracked, write_audit, write_history};
use crate::crm::{self, CrmRecord, begin_change, set_archived};
use crate::db::{Arg, Conn, Row};
use crate::list::{Kind, ListQuery, ListSpec, Page};
use crate::refs::check_assignable;
use crate::visibility::{Entity, Scope};
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::records::{
    Account, AccountChanges, CustomFieldEntity, FieldChange, apply_custom_fields,
};
use baton_model::{AccountId, FieldErrors};
use serde_json::Value;

const COLUMNS: &str = "x.id, x.name, x.domain, x.industry, x.employees, x.annual_revenue_minor, x.currency, \
    x.tier, x.owner_id, x.custom_fields, x.archived_at, x.version, x.created_at, x.updated_at";

/// Filters and sorts of `GET /accounts`; the name prefix search uses `accounts_name`.
const LIST: ListSpec = ListSpec {
    from: "accounts x",
    columns: COLUMNS,
    filters: &[
        ("id", "x.id", Kind::Int),
        ("owner_id", "x.owner_id", Kind::Int),
        ("domain", "x.domain", Kind::Text),
        ("industry", "x.industry", Kind::Text),
        ("tier", "x.tier", Kind::Int),
        ("employees", "x.employees", Kind::Int),
        ("annual_revenue_minor", "x.annual_revenue_minor", Kind::Int),
        ("created_at", "x.created_at", Kind::Time),
        ("updated_at", "x.updated_at", Kind::Time),
    ],
    sorts: &[
        ("id", "x.id", Kind::Int, false),
        ("name", "lower(x.name)", Kind::Text, false),
        ("employees", "x.employees", Kind::Int, true),
        (
            "annual_revenue_minor",
            "x.annual_revenue_minor",
            Kind::Int,
            true,
        ),
        ("created_at", "x.created_at", Kind::Time, false),
        ("updated_at", "x.updated_at", Kind::Time, false),
    ],
    search: &["x.name"],
    search_sort: Some("name"),
    archivable: true,
};

fn account_from_row(r: &Row) -> Result<Account> {
    Ok(Account {
        id: r.get("id")?,
        name: r.get("name")?,
        domain: r.get("domain")?,
        industry: r.get("industry")?,
        employees: r.get("employees")?,
        annual_revenue_minor: r.get("annual_revenue_minor")?,
        currency: r.parse("currency")?,
        tier: r.get("tier")?,
        owner_id: r.get("owner_id")?,
        custom_fields: r.json_object("custom_fields")?,
        archived_at: r.get("archived_at")?,
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

impl CrmRecord for Account {
    const ENTITY: Entity = Entity::Account;
    const TABLE: &'static str = "accounts";
    const NAME: &'static str = "account";
    const COLUMNS: &'static str = COLUMNS;
    const LIST: ListSpec = LIST;

    fn from_row(row: &Row) -> Result<Self> {
        account_from_row(row)
    }

    fn id(&self) -> i64 {
        self.id.0
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn values(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("name", self.name.as_str().into()),
            ("domain", self.domain.clone().into()),
            ("industry", self.industry.clone().into()),
            ("employees", self.employees.into()),
            ("annual_revenue_minor", self.annual_revenue_minor.into()),
            ("currency", self.currency.into()),
            ("tier", self.tier.into()),
            ("owner_id", self.owner_id.into()),
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

/// Applies the changes to the account's current values (defaults when creating).
async fn resolve(
    conn: &mut Conn<'_>,
    scope: &Scope,
    current: Option<&Account>,
    changes: AccountChanges,
) -> Result<Account> {
    let mut errors = FieldErrors::new();
    let at = now();
    let mut account = match current {
        Some(a) => a.clone(),
        None => Account {
            id: AccountId(0),
            name: String::new(),
            domain: None,
            industry: None,
            employees: None,
            annual_revenue_minor: None,
            currency: crate::org::load_org(conn).await?.currency,
            tier: None,
            owner_id: scope.actor.user_id,
            custom_fields: serde_json::Map::new(),
            archived_at: None,
            version: 1,
            created_at: at,
            updated_at: at,
        },
    };
    let owner = changes.owner_id.unwrap_or(account.owner_id);
    if current.is_none_or(|a| a.owner_id != owner) {
        check_assignable(conn, scope, "owner_id", owner, &mut errors).await?;
    }
    account.owner_id = owner;
    if let Some(v) = changes.name {
        account.name = v;
    }
    if let Some(v) = changes.domain {
        account.domain = v;
    }
    if let Some(v) = changes.industry {
        account.industry = v;
    }
    if let Some(v) = changes.employees {
        account.employees = v;
    }
    if let Some(v) = changes.annual_revenue_minor {
        account.annual_revenue_minor = v;
    }
    if let Some(v) = changes.currency {
        account.currency = v;
    }
    if let Some(v) = changes.tier {
        account.tier = v;
    }
    let definitions = crate::custom_fields::definitions(conn, CustomFieldEntity::Account).await?;
    apply_custom_fields(
        &definitions,
        &mut account.custom_fields,
        changes.custom_fields,
        current.is_none(),
        &mut errors,
    );
    errors.into_result(account).map_err(StoreError::Invalid)
}

impl Store {
    /// One account the actor may see.
    pub async fn get_account(&self, actor: &Actor, id: AccountId) -> Result<Account> {
        crm::get_visible(self, actor, id.0).await
    }

    /// A page of the accounts the actor may see.
    pub async fn list_accounts(&self, actor: &Actor, list: &ListQuery) -> Result<Page<Account>> {
        crm::list_visible(self, actor, list).await
    }

    /// Whether the actor may change account `id` (false also when they cannot see it).
    pub async fn can_edit_account(&self, actor: &Actor, id: AccountId) -> Result<bool> {
        crm::can_edit::<Account>(self, actor, id.0).await
    }

    /// The field history (owner changes) of an account the actor may see.
    pub async fn account_history(&self, actor: &Actor, id: AccountId) -> Result<Vec<FieldChange>> {
        crm::history::<Account>(self, actor, id.0).await
    }

    /// Creates an account.
    pub async fn create_account(&self, actor: &Actor, changes: AccountChanges) -> Result<Account> {
        actor.ensure_edits_crm()?;
        let mut tx = self.begin().await?;
        let scope = Scope::of(&mut tx.conn(), actor).await?;
        let account = resolve(&mut tx.conn(), &scope, None, changes).await?;
        let at = account.created_at;
        let id = AccountId(crm::insert(&mut tx.conn(), &account).await?);
        let owner = Tracked::of("owner_id", None, Some(&account.owner_id));
        write_history(
            &mut tx.conn(),
            "account",
            id.0,
            Some(actor.user_id),
            at,
            owner,
        )
        .await?;
        let after = crm::load::<Account>(&mut tx.conn(), id.0)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "account",
            id.0,
            None,
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Changes an account the actor may edit, if it is still at `expected_version`.
    pub async fn update_account(
        &self,
        actor: &Actor,
        id: AccountId,
        expected_version: i64,
        changes: AccountChanges,
    ) -> Result<Account> {
        let (mut tx, before, scope) =
            begin_change::<Account>(self, actor, id.0, Some(expected_version)).await?;
        let mut account = resolve(&mut tx.conn(), &scope, Some(&before), changes).await?;
        let at = now();
        account.updated_at = at;
        crm::update(&mut tx.conn(), &account, expected_version).await?;
        let owner = Tracked::of("owner_id", Some(&before.owner_id), Some(&account.owner_id));
        write_history(
            &mut tx.conn(),
            "account",
            id.0,
            Some(actor.user_id),
            at,
            owner,
        )
        .await?;
        let after = crm::load::<Account>(&mut tx.conn(), id.0)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "update",
            "account",
            id.0,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Archives (deletes) or restores an account the actor may edit.
    pub async fn set_account_archived(
        &self,
        actor: &Actor,
        id: AccountId,
        expected_version: Option<i64>,
        archive: bool,
    ) -> Result<Account> {
        set_archived::<Account>(self, actor, id.0, expected_version, archive).await
    }
}
