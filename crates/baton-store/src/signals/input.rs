//! The signals' input: the whole organisation with its field history and activity, as the
//! signals engine (`baton-signals`) reads it. Findings are computed over everyone (a rep is
//! compared with their peers) and filtered for the viewer afterwards.

use crate::db::{Conn, Row, built_query, query};
use crate::reports::{HistoryRow, changes};
use crate::{Result, Store};
use baton_model::pipeline::ForecastCategory;
use baton_model::{AccountId, DealId, StageId, UserId};
use baton_reports::Changes;
use baton_reports::Quota;
use baton_signals::{Account, Activity, ActivityKind, Deal, Input, Rep};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::str::FromStr;

impl Store {
    /// Everything the signals engine reads, for the whole organisation.
    pub async fn signal_input(&self) -> Result<Input> {
        let conn = &mut self.reader();
        let (mut for_deals, mut for_activities) = (self.reader(), self.reader());
        let (deals, activities) = futures::try_join!(
            deals(&mut for_deals, None),
            activities(&mut for_activities, None)
        )?;
        let mut input = settings(conn, deals, activities).await?;
        input.reps = reps(conn).await?;
        input.accounts = accounts(conn).await?;
        input.quotas = quotas(conn, input.fiscal_year_start_month).await?;
        Ok(input)
    }

    /// What the engine reads to judge one deal alone (`baton_signals::evaluate_deal`): the
    /// deal with its history and its activities; no deal when it is archived.
    pub(super) async fn deal_signal_input(&self, deal: DealId) -> Result<Input> {
        let conn = &mut self.reader();
        let deals = deals(conn, Some(deal)).await?;
        let activities = activities(conn, Some(deal)).await?;
        settings(conn, deals, activities).await
    }
}

/// The organisation's settings, rates and stages around `deals` and `activities`.
async fn settings(
    conn: &mut Conn<'_>,
    deals: Vec<Deal>,
    activities: Vec<Activity>,
) -> Result<Input> {
    let org = crate::org::load_org(conn).await?;
    Ok(Input {
        currency: org.currency,
        time_zone: org.time_zone.0,
        fiscal_year_start_month: org.fiscal_year_start_month,
        rates: crate::commissions::rates::load(conn).await?,
        stages: crate::reports::stages(conn).await?,
        reps: Vec::new(),
        accounts: Vec::new(),
        deals,
        activities,
        quotas: Vec::new(),
    })
}

/// Every rep, by name, with their first team. Inactive ones too: an imported history's reps
/// are inactive users (they cannot sign in), and what they did is still what the signals read.
async fn reps(conn: &mut Conn<'_>) -> Result<Vec<Rep>> {
    conn.fetch_all(query(
        "SELECT u.id, u.name, u.source_id, (SELECT t.name FROM team_members tm \
         JOIN teams t ON t.id = tm.team_id WHERE tm.user_id = u.id ORDER BY t.id LIMIT 1) AS team \
         FROM users u WHERE u.role = 'rep' ORDER BY lower(u.name), u.id",
    ))
    .await?
    .iter()
    .map(|r| {
        Ok(Rep {
            id: r.get("id")?,
            name: r.get("name")?,
            team: r.get("team")?,
            source_id: r.get("source_id")?,
        })
    })
    .collect()
}

async fn accounts(conn: &mut Conn<'_>) -> Result<Vec<Account>> {
    conn.fetch_all(query(
        "SELECT id, name, owner_id, source_id FROM accounts WHERE archived_at IS NULL ORDER BY id",
    ))
    .await?
    .iter()
    .map(|r| {
        Ok(Account {
            id: r.get("id")?,
            name: r.get("name")?,
            owner: r.get("owner_id")?,
            source_id: r.get("source_id")?,
        })
    })
    .collect()
}

async fn quotas(conn: &mut Conn<'_>, fiscal: u32) -> Result<Vec<Quota>> {
    conn.fetch_all(query(
        "SELECT user_id, period_kind, start_date, amount_minor, currency FROM quotas \
         WHERE user_id IS NOT NULL ORDER BY id",
    ))
    .await?
    .iter()
    .map(|r| crate::reports::quota(r, fiscal))
    .collect()
}

/// Every live deal (or `only` this one) with the history of the fields the signals read (one
/// ordered read of the history, grouped by deal).
async fn deals(conn: &mut Conn<'_>, only: Option<DealId>) -> Result<Vec<Deal>> {
    let only_history = only.map_or(String::new(), |d| format!(" AND h.entity_id = {}", d.0));
    let only_deal = only.map_or(String::new(), |d| format!(" AND id = {}", d.0));
    let history = crate::reports::history_by_deal(
        conn,
        built_query(format!(
            "SELECT h.entity_id, h.field, h.old_value, h.new_value, h.changed_at \
             FROM field_history h WHERE h.entity = 'deal'{only_history} AND h.field IN \
             ('stage_id', 'amount_minor', 'close_date', 'owner_id', 'forecast_category') \
             ORDER BY h.entity_id, h.changed_at, h.id",
        )),
    )
    .await?;
    let mut deals = Vec::new();
    conn.scan(
        built_query(format!(
            "SELECT id, name, account_id, owner_id, stage_id, amount_minor, currency, close_date, \
             forecast_category, created_at, source, source_id FROM deals \
             WHERE archived_at IS NULL{only_deal} ORDER BY id",
        )),
        deal,
        |mut deal| {
            if let Some(rows) = history.get(&deal.id.0) {
                with_history(&mut deal, rows);
            }
            deals.push(deal);
            Ok(())
        },
    )
    .await?;
    Ok(deals)
}

/// A deal as it stands, without its history.
fn deal(r: &Row) -> Result<Deal> {
    Ok(Deal {
        id: r.get("id")?,
        name: r.get("name")?,
        account: r.get("account_id")?,
        owner: r.get("owner_id")?,
        stage: r.get("stage_id")?,
        amount_minor: r.get("amount_minor")?,
        currency: r.parse("currency")?,
        close_date: r.get("close_date")?,
        forecast_category: r.parse("forecast_category")?,
        created_at: r.get("created_at")?,
        source: r.get("source")?,
        source_id: r.get("source_id")?,
        stages: Changes::default(),
        amounts: Changes::default(),
        close_dates: Changes::default(),
        owners: Changes::default(),
        categories: Changes::default(),
    })
}

/// Fills in a deal's history from its `field_history` rows.
fn with_history(deal: &mut Deal, rows: &[HistoryRow]) {
    deal.stages = changes(rows, "stage_id", |t| t.parse().ok().map(StageId));
    deal.amounts = changes(rows, "amount_minor", |t| t.parse().ok());
    deal.close_dates = changes(rows, "close_date", |t| t.parse().ok());
    deal.owners = changes(rows, "owner_id", |t| t.parse().ok().map(UserId));
    deal.categories = changes(rows, "forecast_category", |t| {
        ForecastCategory::from_str(t).ok()
    });
}

/// Every live activity that happened (or those about `only` this deal): a task when it was
/// completed, a note with its tone, an activity about a deal or a contact counted for their
/// account too.
async fn activities(conn: &mut Conn<'_>, deal: Option<DealId>) -> Result<Vec<Activity>> {
    let only = deal.map_or(String::new(), |d| format!(" AND x.deal_id = {}", d.0));
    // The account of each deal and contact the activities are about, joined here rather than
    // in SQL: probing two tables for each of ten million activities took SQLite 4 s of the 5.
    let mut deal_accounts = HashMap::new();
    let mut contact_accounts = HashMap::new();
    for (table, accounts, of) in [
        ("deals", &mut deal_accounts, "deal_id"),
        ("contacts", &mut contact_accounts, "contact_id"),
    ] {
        let about = deal.map_or(String::new(), |d| {
            format!(
                " AND id IN (SELECT x.{of} FROM activities x WHERE x.deal_id = {})",
                d.0
            )
        });
        conn.scan(
            built_query(format!(
                "SELECT id, account_id FROM {table} WHERE account_id IS NOT NULL{about}"
            )),
            |r| Ok((r.get::<i64>("id")?, r.get::<AccountId>("account_id")?)),
            |(id, account)| {
                accounts.insert(id, account);
                Ok(())
            },
        )
        .await?;
    }
    let mut activities = Vec::new();
    conn.scan(
        built_query(format!(
            "SELECT x.kind, x.direction, x.meeting_status, x.occurred_at, x.completed_at, \
             x.owner_id, x.deal_id, x.account_id, x.contact_id, x.thread_id, \
             CASE WHEN x.kind = 'note' THEN x.body END AS body FROM activities x \
             WHERE x.archived_at IS NULL AND (x.kind <> 'task' OR x.completed_at IS NOT NULL)\
             {only}",
        )),
        activity,
        |mut a| {
            a.account = a
                .account
                .or_else(|| a.deal.and_then(|d| deal_accounts.get(&d.0).copied()))
                .or_else(|| a.contact.and_then(|c| contact_accounts.get(&c.0).copied()));
            activities.push(a);
            Ok(())
        },
    )
    .await?;
    Ok(activities)
}

fn activity(r: &Row) -> Result<Activity> {
    let kind: String = r.get("kind")?;
    let direction: Option<String> = r.get("direction")?;
    let status: Option<String> = r.get("meeting_status")?;
    let (kind, at): (ActivityKind, DateTime<Utc>) = match kind.as_str() {
        "call" => (ActivityKind::Call, r.get("occurred_at")?),
        "email" if direction.as_deref() == Some("inbound") => {
            (ActivityKind::EmailIn, r.get("occurred_at")?)
        }
        "email" => (ActivityKind::EmailOut, r.get("occurred_at")?),
        "meeting" => match status.as_deref() {
            Some("canceled" | "declined" | "no_show") => {
                (ActivityKind::MeetingMissed, r.get("occurred_at")?)
            }
            _ => (ActivityKind::Meeting, r.get("occurred_at")?),
        },
        "note" => {
            let body: Option<String> = r.get("body")?;
            let negative = body
                .as_deref()
                .is_some_and(baton_signals::tone::is_negative);
            let kind = if negative {
                ActivityKind::NegativeNote
            } else {
                ActivityKind::Note
            };
            (kind, r.get("occurred_at")?)
        }
        _ => (ActivityKind::Task, r.get("completed_at")?),
    };
    let thread: Option<String> = r.get("thread_id")?;
    Ok(Activity {
        at,
        owner: r.get("owner_id")?,
        kind,
        deal: r.get("deal_id")?,
        account: r.get("account_id")?,
        contact: r.get("contact_id")?,
        thread: thread.as_deref().map(fnv1a),
    })
}

/// A stable 64-bit hash of a thread id (FNV-1a): threads are only compared for equality.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
