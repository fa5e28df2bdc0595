//! Runs and the ledger: each run appends only what changed since the last one; periods go open
//! → approved (frozen) → paid; a period's entries export as CSV rows.

use super::{ensure_finance, frozen_periods, load_inputs, period_named, status_of};
use crate::audit::write_audit;
use crate::db::{Conn, built_query, query};
use crate::{Actor, Result, Store, StoreError, now};
use baton_comp as engine;
use baton_comp::{EntryKind, LedgerEntry, PeriodStatus, Target};
use baton_model::records::{CompPeriodStatus, CompRun};
use baton_model::{Currency, Money, Period, UserId};
use std::collections::HashMap;

fn entry_kind(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Booking => "booking",
        EntryKind::Reversal => "reversal",
        EntryKind::Rebook => "rebook",
        EntryKind::Adjustment => "adjustment",
    }
}

fn parse_entry_kind(text: &str) -> Result<EntryKind> {
    Ok(match text {
        "booking" => EntryKind::Booking,
        "reversal" => EntryKind::Reversal,
        "rebook" => EntryKind::Rebook,
        "adjustment" => EntryKind::Adjustment,
        other => return Err(StoreError::Corrupt(format!("ledger entry kind {other}"))),
    })
}

impl Store {
    /// Computes every statement of a period and appends to the ledger only what changed since
    /// the last run: reversals and rebookings in an open period, adjustments in the next open
    /// period for a frozen one. All of it commits, or nothing does.
    pub async fn run_commissions(&self, actor: &Actor, period: &str) -> Result<CompRun> {
        ensure_finance(actor, "run commissions")?;
        let mut tx = self.begin().await?;
        let period = period_named(&mut tx.conn(), period).await?;
        let inputs = load_inputs(&mut tx.conn(), period).await?;
        let frozen = frozen_periods(&mut tx.conn()).await?;
        let mut next_open = period.next();
        while status_of(&frozen, next_open) != CompPeriodStatus::Open {
            next_open = next_open.next();
        }
        let mut held: HashMap<UserId, Vec<LedgerEntry>> = HashMap::new();
        for entry in load_ledger(&mut tx.conn(), period).await? {
            held.entry(entry.rep).or_default().push(entry);
        }
        let at = now();
        let run_id: i64 = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO comp_runs (period, run_by, statements, entries, run_at) \
                     VALUES ($1, $2, 0, 0, $3) RETURNING id",
                )
                .bind(period.to_string())
                .bind(actor.user_id)
                .bind(at),
            )
            .await?
            .get("id")?;
        let (mut statements, mut entries) = (0_i64, 0_i64);
        for &user in inputs.assignments.keys() {
            let Some(statement) = inputs.statement(user, &[])? else {
                continue;
            };
            statements += 1;
            let status = match status_of(&frozen, period) {
                CompPeriodStatus::Open => PeriodStatus::Open,
                CompPeriodStatus::Approved => PeriodStatus::Approved,
                CompPeriodStatus::Paid => PeriodStatus::Paid,
            };
            let target = Target {
                rep: user,
                period,
                status,
                next_open,
            };
            let appended = engine::reconcile(
                &target,
                held.get(&user).map_or(&[][..], Vec::as_slice),
                &statement.bookings(),
            )
            .map_err(|e| StoreError::Conflict(e.to_string()))?;
            let explains: HashMap<String, String> = statement
                .lines
                .iter()
                .map(|l| (l.key().to_string(), l.explain()))
                .collect();
            for entry in appended {
                let key = entry.key.to_string();
                let explain = match entry.kind {
                    EntryKind::Reversal => "reverses what this line held before".to_owned(),
                    _ => explains
                        .get(&key)
                        .cloned()
                        .unwrap_or_else(|| "the line no longer applies".to_owned()),
                };
                tx.conn()
                    .execute(
                        query(
                            "INSERT INTO comp_ledger (run_id, user_id, period, posted_in, line_key, \
                             kind, amount_minor, currency, deal_id, explain, created_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                        )
                        .bind(run_id)
                        .bind(user)
                        .bind(entry.period.to_string())
                        .bind(entry.posted_in.to_string())
                        .bind(key)
                        .bind(entry_kind(entry.kind))
                        .bind(entry.amount)
                        .bind(entry.currency.to_string())
                        .bind(entry.key.deal)
                        .bind(explain)
                        .bind(at),
                    )
                    .await?;
                entries += 1;
            }
        }
        tx.conn()
            .execute(
                query("UPDATE comp_runs SET statements = $1, entries = $2 WHERE id = $3")
                    .bind(statements)
                    .bind(entries)
                    .bind(run_id),
            )
            .await?;
        let run = CompRun {
            id: run_id,
            period: period.to_string(),
            statements,
            entries,
            run_at: at,
        };
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "comp_run",
            run_id,
            None,
            Some(&run),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(run)
    }

    /// Approves (freezes) or marks paid a period (finance and admins). Paying needs approval
    /// first, and nothing goes back to open.
    pub async fn set_comp_period_status(
        &self,
        actor: &Actor,
        period: &str,
        status: CompPeriodStatus,
    ) -> Result<CompPeriodStatus> {
        ensure_finance(actor, "approve or pay commission periods")?;
        let mut tx = self.begin().await?;
        let period = period_named(&mut tx.conn(), period).await?;
        let before = status_of(&frozen_periods(&mut tx.conn()).await?, period);
        let allowed = matches!(
            (before, status),
            (CompPeriodStatus::Open, CompPeriodStatus::Approved)
                | (CompPeriodStatus::Approved, CompPeriodStatus::Paid)
        );
        if !allowed {
            return Err(StoreError::Conflict(format!(
                "{period} is {}; it can become {} only from {}",
                before.as_str(),
                status.as_str(),
                if status == CompPeriodStatus::Paid {
                    "approved"
                } else {
                    "open"
                }
            )));
        }
        let at = now();
        tx.conn()
            .execute(
                query(
                    "INSERT INTO comp_periods (period, status, updated_by, updated_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (period) DO UPDATE SET \
                     status = excluded.status, updated_by = excluded.updated_by, \
                     updated_at = excluded.updated_at",
                )
                .bind(period.to_string())
                .bind(status.as_str())
                .bind(actor.user_id)
                .bind(at),
            )
            .await?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "update",
            "comp_period",
            0,
            Some(&before),
            Some(&status),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(status)
    }

    /// A period's ledger as CSV rows (finance and admins): every entry earned in it or posted
    /// in it, with its explanation.
    pub async fn comp_ledger_rows(&self, actor: &Actor, period: &str) -> Result<Vec<Vec<String>>> {
        ensure_finance(actor, "export commission ledgers")?;
        let mut conn = self.reader();
        let period = period_named(&mut conn, period).await?.to_string();
        let mut rows = vec![
            [
                "user_id",
                "name",
                "email",
                "period",
                "posted_in",
                "line",
                "kind",
                "amount",
                "currency",
                "deal_id",
                "explanation",
                "run_id",
                "created_at",
            ]
            .map(str::to_owned)
            .to_vec(),
        ];
        for r in conn
            .fetch_all(
                query(
                    "SELECT l.user_id, u.name, u.email, l.period, l.posted_in, l.line_key, l.kind, \
                     l.amount_minor, l.currency, l.deal_id, l.explain, l.run_id, l.created_at \
                     FROM comp_ledger l JOIN users u ON u.id = l.user_id \
                     WHERE l.period = $1 OR l.posted_in = $1 ORDER BY l.id",
                )
                .bind(period.as_str()),
            )
            .await?
        {
            let currency: Currency = r.parse("currency")?;
            rows.push(vec![
                r.get::<UserId>("user_id")?.to_string(),
                r.get("name")?,
                r.get("email")?,
                r.get("period")?,
                r.get("posted_in")?,
                r.get("line_key")?,
                r.get("kind")?,
                Money {
                    minor: r.get("amount_minor")?,
                    currency,
                }
                .to_major_string(),
                currency.to_string(),
                r.get::<Option<i64>>("deal_id")?
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                r.get("explain")?,
                r.get::<i64>("run_id")?.to_string(),
                r.get::<chrono::DateTime<chrono::Utc>>("created_at")?
                    .to_rfc3339(),
            ]);
        }
        Ok(rows)
    }
}

/// The ledger entries earned in `period`.
async fn load_ledger(conn: &mut Conn<'_>, period: Period) -> Result<Vec<LedgerEntry>> {
    let fiscal = period.fiscal_start_month();
    conn.fetch_all(
        built_query(
            "SELECT user_id, posted_in, line_key, kind, amount_minor, currency FROM comp_ledger \
             WHERE period = $1 ORDER BY id"
                .to_owned(),
        )
        .bind(period.to_string()),
    )
    .await?
    .iter()
    .map(|r| {
        let key: String = r.get("line_key")?;
        let posted: String = r.get("posted_in")?;
        Ok(LedgerEntry {
            rep: r.get("user_id")?,
            period,
            posted_in: Period::parse(&posted, fiscal)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            key: engine::statement::LineKey::parse(&key)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            kind: parse_entry_kind(&r.get::<String>("kind")?)?,
            amount: r.get("amount_minor")?,
            currency: r.parse("currency")?,
        })
    })
    .collect()
}
