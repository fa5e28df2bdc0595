//! Deals, with their splits and contacts, and the field history of stage, amount, close date,
//! owner and forecast category.

use crate::audit::{Tracked, write_audit, write_history};
use crate::crm::{self, CrmRecord, begin_change, set_archived};
use crate::db::{Arg, Conn, Row, built_query, query};
use crate::list::{Kind, ListQuery, ListSpec, Page};
use crate::refs::{check_assignable, check_visible};
use crate::visibility::{Entity, Scope};
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::pipeline::{ForecastCategory, StageOutcome};
use baton_model::records::{
    CustomFieldEntity, Deal, DealChanges, DealContact, DealSplit, FieldChange, Stage,
    apply_custom_fields,
};
use baton_model::{DealId, FieldErrors, Percent};
use serde_json::Value;

const COLUMNS: &str = "x.id, x.name, x.account_id, x.owner_id, x.pipeline_id, x.stage_id, x.amount_minor, \
    x.currency, x.close_date, x.payment_date, x.forecast_category, x.next_step, x.lost_reason, x.source, x.closed_at, \
    x.custom_fields, x.archived_at, x.version, x.created_at, x.updated_at";

/// Filters and sorts of `GET /deals`. The index each relies on: `deals_owner_stage` (owner,
/// stage, id) for a rep's deals in a stage, `deals_stage`, `deals_account`, `deals_close_date`,
/// `deals_name` for the name prefix search.
const LIST: ListSpec = ListSpec {
    from: "deals x",
    columns: COLUMNS,
    filters: &[
        ("id", "x.id", Kind::Int),
        ("owner_id", "x.owner_id", Kind::Int),
        ("account_id", "x.account_id", Kind::Int),
        ("pipeline_id", "x.pipeline_id", Kind::Int),
        ("stage_id", "x.stage_id", Kind::Int),
        ("amount_minor", "x.amount_minor", Kind::Int),
        ("currency", "x.currency", Kind::Text),
        ("close_date", "x.close_date", Kind::Date),
        ("payment_date", "x.payment_date", Kind::Date),
        ("forecast_category", "x.forecast_category", Kind::Text),
        ("source", "x.source", Kind::Text),
        ("closed_at", "x.closed_at", Kind::Time),
        ("created_at", "x.created_at", Kind::Time),
        ("updated_at", "x.updated_at", Kind::Time),
        (
            "outcome",
            "(SELECT so.outcome FROM stages so WHERE so.id = x.stage_id)",
            Kind::Text,
        ),
    ],
    sorts: &[
        ("id", "x.id", Kind::Int, false),
        ("name", "lower(x.name)", Kind::Text, false),
        ("amount_minor", "x.amount_minor", Kind::Int, true),
        ("close_date", "x.close_date", Kind::Date, true),
        ("created_at", "x.created_at", Kind::Time, false),
        ("updated_at", "x.updated_at", Kind::Time, false),
    ],
    search: &["x.name"],
    search_sort: Some("name"),
    archivable: true,
};

fn deal_from_row(r: &Row) -> Result<Deal> {
    Ok(Deal {
        id: r.get("id")?,
        name: r.get("name")?,
        account_id: r.get("account_id")?,
        owner_id: r.get("owner_id")?,
        pipeline_id: r.get("pipeline_id")?,
        stage_id: r.get("stage_id")?,
        amount_minor: r.get("amount_minor")?,
        currency: r.parse("currency")?,
        close_date: r.get("close_date")?,
        payment_date: r.get("payment_date")?,
        forecast_category: r.parse("forecast_category")?,
        next_step: r.get("next_step")?,
        lost_reason: r.get("lost_reason")?,
        source: r.get("source")?,
        closed_at: r.get("closed_at")?,
        splits: Vec::new(),
        contacts: Vec::new(),
        custom_fields: r.json_object("custom_fields")?,
        archived_at: r.get("archived_at")?,
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

/// Loads the splits and contacts of every deal in `deals` with two queries.
async fn attach_children(conn: &mut Conn<'_>, deals: &mut [Deal]) -> Result<()> {
    if deals.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (1..=deals.len()).map(|i| format!("${i}")).collect();
    let ids = || deals.iter().map(|d| d.id.into()).collect::<Vec<_>>();
    let splits = conn
        .fetch_all(
            built_query(format!(
                "SELECT deal_id, user_id, kind, percent_bp FROM deal_splits WHERE deal_id IN ({}) \
                 ORDER BY deal_id, kind DESC, percent_bp DESC, user_id",
                placeholders.join(", ")
            ))
            .bind_all(ids()),
        )
        .await?;
    let contacts = conn
        .fetch_all(
            built_query(format!(
                "SELECT deal_id, contact_id, role, is_primary FROM deal_contacts WHERE deal_id IN ({}) \
                 ORDER BY deal_id, is_primary DESC, contact_id",
                placeholders.join(", ")
            ))
            .bind_all(ids()),
        )
        .await?;
    for r in &splits {
        let id: DealId = r.get("deal_id")?;
        let split = DealSplit {
            user_id: r.get("user_id")?,
            kind: r.parse("kind")?,
            percent: Percent::from_basis_points(r.get("percent_bp")?)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        };
        if let Some(d) = deals.iter_mut().find(|d| d.id == id) {
            d.splits.push(split);
        }
    }
    for r in &contacts {
        let id: DealId = r.get("deal_id")?;
        let contact = DealContact {
            contact_id: r.get("contact_id")?,
            role: r.get("role")?,
            is_primary: r.get("is_primary")?,
        };
        if let Some(d) = deals.iter_mut().find(|d| d.id == id) {
            d.contacts.push(contact);
        }
    }
    Ok(())
}

impl CrmRecord for Deal {
    const ENTITY: Entity = Entity::Deal;
    const TABLE: &'static str = "deals";
    const NAME: &'static str = "deal";
    const COLUMNS: &'static str = COLUMNS;
    const LIST: ListSpec = LIST;

    fn from_row(row: &Row) -> Result<Self> {
        deal_from_row(row)
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
            ("account_id", self.account_id.into()),
            ("owner_id", self.owner_id.into()),
            ("pipeline_id", self.pipeline_id.into()),
            ("stage_id", self.stage_id.into()),
            ("amount_minor", self.amount_minor.into()),
            ("currency", self.currency.into()),
            ("close_date", self.close_date.into()),
            ("payment_date", self.payment_date.into()),
            ("forecast_category", self.forecast_category.into()),
            ("next_step", self.next_step.clone().into()),
            ("lost_reason", self.lost_reason.clone().into()),
            ("source", self.source.clone().into()),
            ("closed_at", self.closed_at.into()),
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

    async fn attach(conn: &mut Conn<'_>, deals: &mut [Self]) -> Result<()> {
        attach_children(conn, deals).await
    }
}

/// The field changes a deal's history records.
fn tracked(before: Option<&Deal>, after: &Deal) -> Vec<Tracked> {
    [
        Tracked::of(
            "pipeline_id",
            before.map(|d| &d.pipeline_id),
            Some(&after.pipeline_id),
        ),
        Tracked::of(
            "stage_id",
            before.map(|d| &d.stage_id),
            Some(&after.stage_id),
        ),
        Tracked::of(
            "amount_minor",
            before.and_then(|d| d.amount_minor.as_ref()),
            after.amount_minor.as_ref(),
        ),
        Tracked::of(
            "currency",
            before.map(|d| &d.currency),
            Some(&after.currency),
        ),
        Tracked::of(
            "close_date",
            before.and_then(|d| d.close_date.as_ref()),
            after.close_date.as_ref(),
        ),
        Tracked::of(
            "owner_id",
            before.map(|d| &d.owner_id),
            Some(&after.owner_id),
        ),
        Tracked::of(
            "forecast_category",
            before.map(|d| &d.forecast_category),
            Some(&after.forecast_category),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Resolves the new values of a deal from its current ones (`None` when creating) and the
/// changes, checking every reference against what the actor may see and do.
async fn resolve(
    conn: &mut Conn<'_>,
    scope: &Scope,
    current: Option<&Deal>,
    changes: DealChanges,
) -> Result<(Deal, Stage)> {
    let mut errors = FieldErrors::new();
    let at = now();
    let org = crate::org::load_org(conn).await?;
    let mut deal = match current {
        Some(d) => d.clone(),
        None => Deal {
            id: DealId(0),
            name: String::new(),
            account_id: None,
            owner_id: scope.actor.user_id,
            pipeline_id: baton_model::PipelineId(0),
            stage_id: baton_model::StageId(0),
            amount_minor: None,
            currency: org.currency,
            close_date: None,
            payment_date: None,
            forecast_category: ForecastCategory::Pipeline,
            next_step: None,
            lost_reason: None,
            source: None,
            closed_at: None,
            splits: Vec::new(),
            contacts: Vec::new(),
            custom_fields: serde_json::Map::new(),
            archived_at: None,
            version: 1,
            created_at: at,
            updated_at: at,
        },
    };

    if let Some(name) = changes.name {
        deal.name = name;
    }
    if let Some(owner) = changes.owner_id {
        if current.is_none_or(|d| d.owner_id != owner) {
            check_assignable(conn, scope, "owner_id", owner, &mut errors).await?;
        }
        deal.owner_id = owner;
    } else if current.is_none() {
        check_assignable(conn, scope, "owner_id", scope.actor.user_id, &mut errors).await?;
    }
    if let Some(account) = changes.account_id {
        if let Some(id) = account
            && current.is_none_or(|d| d.account_id != Some(id))
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
        deal.account_id = account;
    }

    // Pipeline and stage: a stage must belong to the deal's pipeline; a new pipeline without a
    // stage starts at its first stage.
    let pipeline_changed = changes
        .pipeline_id
        .is_some_and(|p| current.is_none_or(|d| d.pipeline_id != p));
    let pipeline_id = match (changes.pipeline_id, current) {
        (Some(p), _) => Some(p),
        (None, Some(d)) => Some(d.pipeline_id),
        (None, None) => crate::pipelines::default_pipeline(conn).await?,
    };
    let pipeline = match pipeline_id {
        Some(p) => crate::pipelines::load_pipeline(conn, p).await?,
        None => None,
    };
    let pipeline = match pipeline {
        Some(p) if p.archived_at.is_none() || !pipeline_changed => p,
        Some(p) => {
            errors.add("pipeline_id", format!("pipeline {} is archived", p.id));
            return Err(StoreError::Invalid(errors));
        }
        None => {
            errors.add("pipeline_id", "there is no such pipeline");
            return Err(StoreError::Invalid(errors));
        }
    };
    let stage = match changes.stage_id {
        Some(id) => {
            if let Some(s) = pipeline.stages.iter().find(|s| s.id == id) {
                s.clone()
            } else {
                errors.add(
                    "stage_id",
                    format!("stage {id} is not a stage of pipeline {:?}", pipeline.name),
                );
                return Err(StoreError::Invalid(errors));
            }
        }
        None if current.is_some() && !pipeline_changed => {
            let stage_id = deal.stage_id;
            pipeline
                .stages
                .iter()
                .find(|s| s.id == stage_id)
                .cloned()
                .ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "deal {} is in a stage of another pipeline",
                        deal.id
                    ))
                })?
        }
        None => {
            if let Some(s) = pipeline.stages.first() {
                s.clone()
            } else {
                errors.add("pipeline_id", "the pipeline has no stages");
                return Err(StoreError::Invalid(errors));
            }
        }
    };
    let stage_changed = current.is_none_or(|d| d.stage_id != stage.id);
    deal.pipeline_id = pipeline.id;
    deal.stage_id = stage.id;

    // Forecast category: a closed stage dictates it; otherwise it follows the stage unless set.
    deal.forecast_category = match (stage.outcome, changes.forecast_category) {
        (StageOutcome::Open, Some(ForecastCategory::Closed)) => {
            errors.add(
                "forecast_category",
                "only a deal in a won stage can be closed",
            );
            deal.forecast_category
        }
        (StageOutcome::Open, Some(category)) => category,
        (StageOutcome::Open, None) if stage_changed => stage.forecast_category,
        (StageOutcome::Open, None) => deal.forecast_category,
        (_, Some(category)) if category != stage.forecast_category => {
            errors.add(
                "forecast_category",
                format!(
                    "a deal in stage {:?} is always {}",
                    stage.name, stage.forecast_category
                ),
            );
            deal.forecast_category
        }
        (_, _) => stage.forecast_category,
    };
    // Closed time: set on entering a won or lost stage, cleared on reopening.
    let was_closed = current.is_some_and(|d| d.closed_at.is_some());
    deal.closed_at = match (stage.outcome.is_closed(), was_closed, stage_changed) {
        (true, true, false) => deal.closed_at,
        (true, _, _) => Some(at),
        (false, _, _) => None,
    };

    if let Some(amount) = changes.amount_minor {
        deal.amount_minor = amount;
    }
    if let Some(currency) = changes.currency {
        deal.currency = currency;
    }
    if let Some(date) = changes.close_date {
        deal.close_date = date;
    }
    if let Some(date) = changes.payment_date {
        deal.payment_date = date;
    }
    if let Some(v) = changes.next_step {
        deal.next_step = v;
    }
    if let Some(v) = changes.lost_reason {
        deal.lost_reason = v;
    }
    if let Some(v) = changes.source {
        deal.source = v;
    }
    if let Some(splits) = changes.splits {
        for (i, s) in splits.iter().enumerate() {
            if !crate::refs::user_exists(conn, s.user_id).await? {
                errors.add(
                    format!("splits[{i}].user_id"),
                    format!("there is no user {}", s.user_id),
                );
            }
        }
        deal.splits = splits;
    }
    if let Some(contacts) = changes.contacts {
        for (i, c) in contacts.iter().enumerate() {
            let field = format!("contacts[{i}].contact_id");
            if !deal
                .contacts
                .iter()
                .any(|old| old.contact_id == c.contact_id)
            {
                check_visible(
                    conn,
                    scope,
                    Entity::Contact,
                    &field,
                    c.contact_id.0,
                    &mut errors,
                )
                .await?;
            }
        }
        deal.contacts = contacts;
    }
    let definitions = crate::custom_fields::definitions(conn, CustomFieldEntity::Deal).await?;
    apply_custom_fields(
        &definitions,
        &mut deal.custom_fields,
        changes.custom_fields,
        current.is_none(),
        &mut errors,
    );
    errors
        .into_result((deal, stage))
        .map_err(StoreError::Invalid)
}

/// Replaces the splits and contacts of a deal.
async fn write_children(conn: &mut Conn<'_>, deal: &Deal) -> Result<()> {
    conn.execute(query("DELETE FROM deal_splits WHERE deal_id = $1").bind(deal.id))
        .await?;
    for s in &deal.splits {
        conn.execute(
            query("INSERT INTO deal_splits (deal_id, user_id, kind, percent_bp) VALUES ($1, $2, $3, $4)")
                .bind(deal.id)
                .bind(s.user_id)
                .bind(s.kind)
                .bind(s.percent.basis_points()),
        )
        .await?;
    }
    conn.execute(query("DELETE FROM deal_contacts WHERE deal_id = $1").bind(deal.id))
        .await?;
    for c in &deal.contacts {
        conn.execute(
            query("INSERT INTO deal_contacts (deal_id, contact_id, role, is_primary) VALUES ($1, $2, $3, $4)")
                .bind(deal.id)
                .bind(c.contact_id)
                .bind(c.role.clone())
                .bind(c.is_primary),
        )
        .await?;
    }
    Ok(())
}

impl Store {
    /// One deal the actor may see.
    pub async fn get_deal(&self, actor: &Actor, id: DealId) -> Result<Deal> {
        crm::get_visible(self, actor, id.0).await
    }

    /// A page of the deals the actor may see.
    pub async fn list_deals(&self, actor: &Actor, list: &ListQuery) -> Result<Page<Deal>> {
        crm::list_visible(self, actor, list).await
    }

    /// Whether the actor may change deal `id` (false also when they cannot see it).
    pub async fn can_edit_deal(&self, actor: &Actor, id: DealId) -> Result<bool> {
        crm::can_edit::<Deal>(self, actor, id.0).await
    }

    /// The field history of a deal the actor may see, oldest first.
    pub async fn deal_history(&self, actor: &Actor, id: DealId) -> Result<Vec<FieldChange>> {
        crm::history::<Deal>(self, actor, id.0).await
    }

    /// Creates a deal, recording its initial tracked values in the field history.
    pub async fn create_deal(&self, actor: &Actor, changes: DealChanges) -> Result<Deal> {
        actor.ensure_edits_crm()?;
        let mut tx = self.begin().await?;
        let scope = Scope::of(&mut tx.conn(), actor).await?;
        let (deal, _) = resolve(&mut tx.conn(), &scope, None, changes).await?;
        let at = deal.created_at;
        let id = DealId(crm::insert(&mut tx.conn(), &deal).await?);
        let deal = Deal {
            id,
            version: 1,
            ..deal
        };
        write_children(&mut tx.conn(), &deal).await?;
        write_history(
            &mut tx.conn(),
            "deal",
            id.0,
            Some(actor.user_id),
            at,
            tracked(None, &deal),
        )
        .await?;
        let after = crm::load::<Deal>(&mut tx.conn(), id.0)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "deal",
            id.0,
            None,
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Changes a deal the actor may edit, if it is still at `expected_version`; records each
    /// tracked field that changed in the field history.
    pub async fn update_deal(
        &self,
        actor: &Actor,
        id: DealId,
        expected_version: i64,
        changes: DealChanges,
    ) -> Result<Deal> {
        let (mut tx, before, scope) =
            begin_change::<Deal>(self, actor, id.0, Some(expected_version)).await?;
        let children_changed = changes.splits.is_some() || changes.contacts.is_some();
        let (mut deal, _) = resolve(&mut tx.conn(), &scope, Some(&before), changes).await?;
        let at = now();
        deal.updated_at = at;
        crm::update(&mut tx.conn(), &deal, expected_version).await?;
        if children_changed {
            write_children(&mut tx.conn(), &deal).await?;
        }
        write_history(
            &mut tx.conn(),
            "deal",
            id.0,
            Some(actor.user_id),
            at,
            tracked(Some(&before), &deal),
        )
        .await?;
        let after = crm::load::<Deal>(&mut tx.conn(), id.0)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "update",
            "deal",
            id.0,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Archives (deletes) or restores a deal the actor may edit.
    pub async fn set_deal_archived(
        &self,
        actor: &Actor,
        id: DealId,
        expected_version: Option<i64>,
        archive: bool,
    ) -> Result<Deal> {
        set_archived::<Deal>(self, actor, id.0, expected_version, archive).await
    }
}
