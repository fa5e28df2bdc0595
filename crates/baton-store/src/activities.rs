//! Activities: calls, emails, meetings, notes and tasks.

use crate::audit::write_audit;
use crate::crm::{self, CrmRecord, begin_change, set_archived};
use crate::db::{Arg, Conn, Row, Tx};
use crate::list::{Kind, ListQuery, ListSpec, Page};
use crate::refs::{check_assignable, check_visible};
use crate::visibility::{Entity, Scope};
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::activity::ActivityKind;
use baton_model::records::{Activity, ActivityChanges};
use baton_model::{ActivityId, FieldErrors};

const COLUMNS: &str = "x.id, x.kind, x.subject, x.body, x.owner_id, x.account_id, x.contact_id, x.deal_id, \
    x.occurred_at, x.ends_at, x.direction, x.thread_id, x.meeting_status, x.due_date, x.completed_at, \
    x.archived_at, x.version, x.created_at, x.updated_at";

/// Filters and sorts of `GET /activities`. A record's timeline is `deal_id=…&sort=-occurred_at`
/// (index `activities_deal`), likewise for accounts and contacts.
const LIST: ListSpec = ListSpec {
    from: "activities x",
    columns: COLUMNS,
    filters: &[
        ("id", "x.id", Kind::Int),
        ("kind", "x.kind", Kind::Text),
        ("owner_id", "x.owner_id", Kind::Int),
        ("account_id", "x.account_id", Kind::Int),
        ("contact_id", "x.contact_id", Kind::Int),
        ("deal_id", "x.deal_id", Kind::Int),
        ("occurred_at", "x.occurred_at", Kind::Time),
        ("direction", "x.direction", Kind::Text),
        ("thread_id", "x.thread_id", Kind::Text),
        ("meeting_status", "x.meeting_status", Kind::Text),
        ("due_date", "x.due_date", Kind::Date),
        ("completed_at", "x.completed_at", Kind::Time),
    ],
    sorts: &[
        ("id", "x.id", Kind::Int, false),
        ("occurred_at", "x.occurred_at", Kind::Time, false),
        ("due_date", "x.due_date", Kind::Date, true),
    ],
    search: &[],
    search_sort: None,
    archivable: true,
};

fn activity_from_row(r: &Row) -> Result<Activity> {
    Ok(Activity {
        id: r.get("id")?,
        kind: r.parse("kind")?,
        subject: r.get("subject")?,
        body: r.get("body")?,
        owner_id: r.get("owner_id")?,
        account_id: r.get("account_id")?,
        contact_id: r.get("contact_id")?,
        deal_id: r.get("deal_id")?,
        occurred_at: r.get("occurred_at")?,
        ends_at: r.get("ends_at")?,
        direction: r.parse_opt("direction")?,
        thread_id: r.get("thread_id")?,
        meeting_status: r.parse_opt("meeting_status")?,
        due_date: r.get("due_date")?,
        completed_at: r.get("completed_at")?,
        archived_at: r.get("archived_at")?,
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

impl CrmRecord for Activity {
    const ENTITY: Entity = Entity::Activity;
    const TABLE: &'static str = "activities";
    const NAME: &'static str = "activity";
    const COLUMNS: &'static str = COLUMNS;
    const LIST: ListSpec = LIST;

    fn from_row(row: &Row) -> Result<Self> {
        activity_from_row(row)
    }

    fn id(&self) -> i64 {
        self.id.0
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn values(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("kind", self.kind.into()),
            ("subject", self.subject.clone().into()),
            ("body", self.body.clone().into()),
            ("owner_id", self.owner_id.into()),
            ("account_id", self.account_id.into()),
            ("contact_id", self.contact_id.into()),
            ("deal_id", self.deal_id.into()),
            ("occurred_at", self.occurred_at.into()),
            ("ends_at", self.ends_at.into()),
            ("direction", self.direction.into()),
            ("thread_id", self.thread_id.clone().into()),
            ("meeting_status", self.meeting_status.into()),
            ("due_date", self.due_date.into()),
            ("completed_at", self.completed_at.into()),
            ("archived_at", self.archived_at.into()),
            ("version", self.version.into()),
            ("created_at", self.created_at.into()),
            ("updated_at", self.updated_at.into()),
        ]
    }
}

/// Logs an activity inside `tx`, with its audit row.
pub(crate) async fn insert_activity(
    tx: &mut Tx,
    actor: &Actor,
    changes: ActivityChanges,
) -> Result<Activity> {
    actor.ensure_edits_crm()?;
    let scope = Scope::of(&mut tx.conn(), actor).await?;
    let activity = resolve(&mut tx.conn(), &scope, None, changes).await?;
    let at = activity.created_at;
    let id = ActivityId(crm::insert(&mut tx.conn(), &activity).await?);
    let after = crm::load::<Activity>(&mut tx.conn(), id.0)
        .await?
        .ok_or(StoreError::NotFound)?;
    write_audit(
        &mut tx.conn(),
        Some(actor.user_id),
        "create",
        "activity",
        id.0,
        None,
        Some(&after),
        at,
    )
    .await?;
    Ok(after)
}

async fn resolve(
    conn: &mut Conn<'_>,
    scope: &Scope,
    current: Option<&Activity>,
    changes: ActivityChanges,
) -> Result<Activity> {
    let mut errors = FieldErrors::new();
    let at = now();
    let mut activity = match current {
        Some(a) => a.clone(),
        None => Activity {
            id: ActivityId(0),
            kind: changes.kind.unwrap_or(ActivityKind::Note),
            subject: None,
            body: None,
            owner_id: scope.actor.user_id,
            account_id: None,
            contact_id: None,
            deal_id: None,
            occurred_at: at,
            ends_at: None,
            direction: None,
            thread_id: None,
            meeting_status: None,
            due_date: None,
            completed_at: None,
            archived_at: None,
            version: 1,
            created_at: at,
            updated_at: at,
        },
    };
    let owner = changes.owner_id.unwrap_or(activity.owner_id);
    if current.is_none_or(|a| a.owner_id != owner) {
        check_assignable(conn, scope, "owner_id", owner, &mut errors).await?;
    }
    activity.owner_id = owner;
    let links = [
        (
            Entity::Account,
            "account_id",
            changes.account_id.map(|v| v.map(|id| id.0)),
            activity.account_id.map(|id| id.0),
        ),
        (
            Entity::Contact,
            "contact_id",
            changes.contact_id.map(|v| v.map(|id| id.0)),
            activity.contact_id.map(|id| id.0),
        ),
        (
            Entity::Deal,
            "deal_id",
            changes.deal_id.map(|v| v.map(|id| id.0)),
            activity.deal_id.map(|id| id.0),
        ),
    ];
    for (entity, field, new, old) in links {
        if let Some(Some(id)) = new
            && old != Some(id)
        {
            check_visible(conn, scope, entity, field, id, &mut errors).await?;
        }
    }
    if let Some(v) = changes.account_id {
        activity.account_id = v;
    }
    if let Some(v) = changes.contact_id {
        activity.contact_id = v;
    }
    if let Some(v) = changes.deal_id {
        activity.deal_id = v;
    }
    if let Some(v) = changes.subject {
        activity.subject = v;
    }
    if let Some(v) = changes.body {
        activity.body = v;
    }
    if let Some(v) = changes.occurred_at {
        activity.occurred_at = v;
    }
    if let Some(v) = changes.ends_at {
        activity.ends_at = v;
    }
    if let Some(v) = changes.direction {
        activity.direction = v;
    }
    if let Some(v) = changes.thread_id {
        activity.thread_id = v;
    }
    if let Some(v) = changes.meeting_status {
        activity.meeting_status = v;
    }
    if let Some(v) = changes.due_date {
        activity.due_date = v;
    }
    if let Some(v) = changes.completed_at {
        activity.completed_at = v;
    }
    if activity
        .ends_at
        .is_some_and(|end| end < activity.occurred_at)
    {
        errors.add("ends_at", "must not be before occurred_at");
    }
    if activity.kind == ActivityKind::Email && activity.direction.is_none() {
        errors.add("direction", "is required for emails (inbound or outbound)");
    }
    errors.into_result(activity).map_err(StoreError::Invalid)
}

impl Store {
    /// One activity the actor may see.
    pub async fn get_activity(&self, actor: &Actor, id: ActivityId) -> Result<Activity> {
        crm::get_visible(self, actor, id.0).await
    }

    /// A page of the activities the actor may see.
    pub async fn list_activities(&self, actor: &Actor, list: &ListQuery) -> Result<Page<Activity>> {
        crm::list_visible(self, actor, list).await
    }

    /// Logs an activity.
    pub async fn create_activity(
        &self,
        actor: &Actor,
        changes: ActivityChanges,
    ) -> Result<Activity> {
        let mut tx = self.begin().await?;
        let activity = insert_activity(&mut tx, actor, changes).await?;
        tx.commit().await?;
        Ok(activity)
    }

    /// Changes an activity the actor may edit, if it is still at `expected_version`.
    pub async fn update_activity(
        &self,
        actor: &Actor,
        id: ActivityId,
        expected_version: i64,
        changes: ActivityChanges,
    ) -> Result<Activity> {
        let (mut tx, before, scope) =
            begin_change::<Activity>(self, actor, id.0, Some(expected_version)).await?;
        let mut activity = resolve(&mut tx.conn(), &scope, Some(&before), changes).await?;
        let at = now();
        activity.updated_at = at;
        crm::update(&mut tx.conn(), &activity, expected_version).await?;
        let after = crm::load::<Activity>(&mut tx.conn(), id.0)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "update",
            "activity",
            id.0,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Archives (deletes) or restores an activity the actor may edit.
    pub async fn set_activity_archived(
        &self,
        actor: &Actor,
        id: ActivityId,
        expected_version: Option<i64>,
        archive: bool,
    ) -> Result<Activity> {
        set_archived::<Activity>(self, actor, id.0, expected_version, archive).await
    }
}
