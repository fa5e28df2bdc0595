//! Quotas: an amount per user or team per period, read by reports, commission plans and the
//! forecast alike.

use crate::audit::write_audit;
use crate::db::{Conn, Row, built_query, query};
use crate::error::check_version;
use crate::list::{Kind, ListQuery, ListSpec, Page, paginate};
use crate::visibility::{Entity, Scope};
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::records::{Quota, QuotaChanges};
use baton_model::{FieldErrors, Period, PeriodKind, QuotaId, Role};

const COLUMNS: &str = "x.id, x.user_id, x.team_id, x.period_kind, x.start_date, x.end_date, x.amount_minor, \
    x.currency, x.version, x.created_at, x.updated_at";

const LIST: ListSpec = ListSpec {
    from: "quotas x",
    columns: COLUMNS,
    filters: &[
        ("id", "x.id", Kind::Int),
        ("user_id", "x.user_id", Kind::Int),
        ("team_id", "x.team_id", Kind::Int),
        ("period_kind", "x.period_kind", Kind::Text),
        ("start_date", "x.start_date", Kind::Date),
        ("end_date", "x.end_date", Kind::Date),
    ],
    sorts: &[
        ("id", "x.id", Kind::Int, false),
        ("start_date", "x.start_date", Kind::Date, false),
    ],
    search: &[],
    search_sort: None,
    archivable: false,
};

fn quota_from_row(r: &Row, fiscal_start_month: u32) -> Result<Quota> {
    let kind: PeriodKind = r.parse("period_kind")?;
    let start_date = r.get("start_date")?;
    Ok(Quota {
        id: r.get("id")?,
        user_id: r.get("user_id")?,
        team_id: r.get("team_id")?,
        period: Period::containing(start_date, kind, fiscal_start_month).to_string(),
        period_kind: kind,
        start_date,
        end_date: r.get("end_date")?,
        amount_minor: r.get("amount_minor")?,
        currency: r.parse("currency")?,
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

async fn load(conn: &mut Conn<'_>, id: QuotaId) -> Result<Option<Quota>> {
    let fiscal = crate::org::load_org(conn).await?.fiscal_year_start_month;
    conn.fetch_optional(
        built_query(format!("SELECT {COLUMNS} FROM quotas x WHERE x.id = $1")).bind(id),
    )
    .await?
    .map(|r| quota_from_row(&r, fiscal))
    .transpose()
}

fn ensure_may_set_quotas(actor: &Actor) -> Result<()> {
    if matches!(actor.role, Role::Admin | Role::Coordinator | Role::Finance) {
        Ok(())
    } else {
        Err(StoreError::Forbidden(
            "only admins, coordinators and finance can set quotas".into(),
        ))
    }
}

impl Store {
    /// One quota the actor may see.
    pub async fn get_quota(&self, actor: &Actor, id: QuotaId) -> Result<Quota> {
        let mut conn = self.reader();
        let fiscal = crate::org::load_org(&mut conn)
            .await?
            .fiscal_year_start_month;
        let scope = Scope::of(&mut conn, actor).await?;
        conn.fetch_optional(
            built_query(format!(
                "SELECT {COLUMNS} FROM quotas x WHERE x.id = $1 AND {}",
                scope.visible(Entity::Quota, "x")
            ))
            .bind(id),
        )
        .await?
        .map(|r| quota_from_row(&r, fiscal))
        .transpose()?
        .ok_or(StoreError::NotFound)
    }

    /// A page of the quotas the actor may see. `period=2026-Q3` filters by period.
    pub async fn list_quotas(&self, actor: &Actor, list: &ListQuery) -> Result<Page<Quota>> {
        let mut conn = self.reader();
        let fiscal = crate::org::load_org(&mut conn)
            .await?
            .fiscal_year_start_month;
        let mut list = list.clone();
        if let Some(i) = list.filters.iter().position(|(k, _)| k == "period") {
            let (_, text) = list.filters.remove(i);
            let period = Period::parse(&text, fiscal)
                .map_err(|e| StoreError::field("period", e.to_string()))?;
            list.filters
                .push(("period_kind".into(), period.kind().as_str().into()));
            list.filters
                .push(("start_date".into(), period.start().to_string()));
        }
        let scope = Scope::of(&mut conn, actor).await?;
        let (sql, args) = paginate(
            &LIST,
            &list,
            &scope.visible(Entity::Quota, "x"),
            self.dialect(),
        )?;
        let rows = conn.fetch_all(built_query(sql).bind_all(args)).await?;
        Page::from_rows(&LIST, &list, rows, |r| quota_from_row(r, fiscal))
    }

    /// Sets a quota for a user or team in a period (admins, coordinators, finance).
    pub async fn create_quota(
        &self,
        actor: Option<&Actor>,
        changes: QuotaChanges,
    ) -> Result<Quota> {
        if let Some(actor) = actor {
            ensure_may_set_quotas(actor)?;
        }
        let mut tx = self.begin().await?;
        let org = crate::org::load_org(&mut tx.conn()).await?;
        let mut errors = FieldErrors::new();
        let period = changes
            .period
            .as_deref()
            .map(|p| Period::parse(p, org.fiscal_year_start_month));
        let period = match period {
            Some(Ok(p)) => Some(p),
            Some(Err(e)) => {
                errors.add("period", e.to_string());
                None
            }
            None => None,
        };
        if let Some(user) = changes.user_id
            && !crate::refs::user_exists(&mut tx.conn(), user).await?
        {
            errors.add("user_id", format!("there is no user {user}"));
        }
        if let Some(team) = changes.team_id {
            let found = tx
                .conn()
                .fetch_optional(query("SELECT 1 AS ok FROM teams WHERE id = $1").bind(team))
                .await?;
            if found.is_none() {
                errors.add("team_id", format!("there is no team {team}"));
            }
        }
        let (Some(period), Some(amount)) = (period, changes.amount_minor) else {
            errors.add("period", "period and amount_minor are required");
            return Err(StoreError::Invalid(errors));
        };
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let duplicate = tx
            .conn()
            .fetch_optional(
                query(
                    "SELECT id FROM quotas WHERE (user_id = $1 OR team_id = $2) AND period_kind = $3 \
                     AND start_date = $4",
                )
                .bind(changes.user_id)
                .bind(changes.team_id)
                .bind(period.kind())
                .bind(period.start()),
            )
            .await?;
        if let Some(row) = duplicate {
            let id: i64 = row.get("id")?;
            return Err(StoreError::field(
                "period",
                format!("quota {id} already covers {period}; change it instead"),
            ));
        }
        let at = now();
        let id: QuotaId = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO quotas (user_id, team_id, period_kind, start_date, end_date, amount_minor, \
                     currency, version, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) RETURNING id",
                )
                .bind(changes.user_id)
                .bind(changes.team_id)
                .bind(period.kind())
                .bind(period.start())
                .bind(period.end())
                .bind(amount)
                .bind(changes.currency.unwrap_or(org.currency))
                .bind(at),
            )
            .await?
            .get("id")?;
        let after = load(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            actor.map(|a| a.user_id),
            "create",
            "quota",
            id.0,
            None,
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Changes a quota's amount or currency, checking the version the caller read.
    pub async fn update_quota(
        &self,
        actor: &Actor,
        id: QuotaId,
        expected_version: i64,
        changes: QuotaChanges,
    ) -> Result<Quota> {
        self.get_quota(actor, id).await?;
        ensure_may_set_quotas(actor)?;
        let mut tx = self.begin().await?;
        let before = load(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(expected_version, before.version)?;
        let at = now();
        tx.conn()
            .execute(
                query(
                    "UPDATE quotas SET amount_minor = $1, currency = $2, version = version + 1, \
                     updated_at = $3 WHERE id = $4 AND version = $5",
                )
                .bind(changes.amount_minor.unwrap_or(before.amount_minor))
                .bind(changes.currency.unwrap_or(before.currency))
                .bind(at)
                .bind(id)
                .bind(expected_version),
            )
            .await?;
        let after = load(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "update",
            "quota",
            id.0,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes a quota.
    pub async fn delete_quota(
        &self,
        actor: &Actor,
        id: QuotaId,
        expected_version: Option<i64>,
    ) -> Result<()> {
        self.get_quota(actor, id).await?;
        ensure_may_set_quotas(actor)?;
        let mut tx = self.begin().await?;
        let before = load(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(expected_version, before.version)?;
        let at = now();
        tx.conn()
            .execute(query("DELETE FROM quotas WHERE id = $1").bind(id))
            .await?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "delete",
            "quota",
            id.0,
            Some(&before),
            None,
            at,
        )
        .await?;
        tx.commit().await
    }
}
