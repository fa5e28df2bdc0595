//! The organisation's settings.

use crate::audit::write_audit;
use crate::db::{Conn, Row, query};
use crate::error::check_version;
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::records::{OrgSettings, OrgSettingsChanges};

fn org_from_row(r: &Row) -> Result<OrgSettings> {
    Ok(OrgSettings {
        name: r.get("name")?,
        currency: r.parse("currency")?,
        fiscal_year_start_month: u32::try_from(r.get::<i64>("fiscal_year_start_month")?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        time_zone: r.parse("time_zone")?,
        version: r.get("version")?,
        updated_at: r.get("updated_at")?,
    })
}

/// Reads the settings inside a transaction or from a pool.
pub(crate) async fn load_org(conn: &mut Conn<'_>) -> Result<OrgSettings> {
    let row = conn
        .fetch_optional(query(
            "SELECT name, currency, fiscal_year_start_month, time_zone, version, updated_at \
             FROM org_settings WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| {
            StoreError::Conflict(
                "the organisation is not set up yet: run `baton migrate` or `baton demo`".into(),
            )
        })?;
    org_from_row(&row)
}

impl Store {
    /// The organisation's settings. Every signed-in user may read them.
    pub async fn org_settings(&self) -> Result<OrgSettings> {
        load_org(&mut self.reader()).await
    }

    /// Whether the organisation has no users yet: a fresh database that the demo may seed.
    pub async fn is_empty(&self) -> Result<bool> {
        Ok(self
            .reader()
            .fetch_optional(query("SELECT 1 AS ok FROM users LIMIT 1"))
            .await?
            .is_none())
    }

    /// Creates the settings row of a new organisation. Does nothing if it exists.
    pub async fn init_org(&self, name: &str, settings: &OrgSettingsChanges) -> Result<()> {
        let mut tx = self.begin().await?;
        let at = now();
        let inserted = tx
            .conn()
            .execute(
                query(
                    "INSERT INTO org_settings (id, name, currency, fiscal_year_start_month, \
                     time_zone, version, created_at, updated_at) \
                     VALUES (1, $1, $2, $3, $4, 1, $5, $5) ON CONFLICT (id) DO NOTHING",
                )
                .bind(name)
                .bind(settings.currency.unwrap_or(baton_model::Currency::USD))
                .bind(i64::from(settings.fiscal_year_start_month.unwrap_or(1)))
                .bind(
                    settings
                        .time_zone
                        .unwrap_or(baton_model::TimeZone::UTC)
                        .name(),
                )
                .bind(at),
            )
            .await?;
        if inserted > 0 {
            let after = load_org(&mut tx.conn()).await?;
            write_audit(
                &mut tx.conn(),
                None,
                "create",
                "org",
                1,
                None,
                Some(&after),
                at,
            )
            .await?;
        }
        tx.commit().await
    }

    /// Changes the settings (admins only), checking the version the caller read.
    pub async fn update_org(
        &self,
        actor: &Actor,
        expected_version: i64,
        changes: OrgSettingsChanges,
    ) -> Result<OrgSettings> {
        actor.ensure_admin()?;
        let mut tx = self.begin().await?;
        let before = load_org(&mut tx.conn()).await?;
        check_version(expected_version, before.version)?;
        let at = now();
        tx.conn()
            .execute(
                query(
                    "UPDATE org_settings SET name = $1, currency = $2, fiscal_year_start_month = $3, \
                     time_zone = $4, version = version + 1, updated_at = $5 \
                     WHERE id = 1 AND version = $6",
                )
                .bind(changes.name.unwrap_or_else(|| before.name.clone()))
                .bind(changes.currency.unwrap_or(before.currency))
                .bind(i64::from(changes.fiscal_year_start_month.unwrap_or(before.fiscal_year_start_month)))
                .bind(changes.time_zone.unwrap_or(before.time_zone).name())
                .bind(at)
                .bind(expected_version),
            )
            .await?;
        let after = load_org(&mut tx.conn()).await?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "update",
            "org",
            1,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
