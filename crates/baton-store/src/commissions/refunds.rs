//! Refunds and churn of won deals: each takes back, in the period it happens in, the commission
//! paid on the deal when it falls within the plan's clawback window (see [`super::carry`]).
//! Finance and admins record and remove them; whoever sees the deal sees its refunds.

use super::ensure_finance;
use crate::audit::write_audit;
use crate::db::{Row, built_query, query};
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::DealId;
use baton_model::records::{DealRefund, DealRefundInput, RefundKind};

const COLUMNS: &str =
    "id, deal_id, kind, on_date, amount_minor, currency, note, created_by, created_at";

fn refund_from_row(r: &Row) -> Result<DealRefund> {
    Ok(DealRefund {
        id: r.get("id")?,
        deal_id: r.get("deal_id")?,
        kind: r.parse("kind")?,
        on: r.get("on_date")?,
        amount_minor: r.get("amount_minor")?,
        currency: r.parse("currency")?,
        note: r.get("note")?,
        created_by: r.get("created_by")?,
        created_at: r.get("created_at")?,
    })
}

impl Store {
    /// The refunds and churn of a deal the actor sees, by date.
    pub async fn deal_refunds(&self, actor: &Actor, deal: DealId) -> Result<Vec<DealRefund>> {
        self.get_deal(actor, deal).await?;
        self.reader()
            .fetch_all(
                built_query(format!(
                    "SELECT {COLUMNS} FROM deal_refunds WHERE deal_id = $1 ORDER BY on_date, id"
                ))
                .bind(deal),
            )
            .await?
            .iter()
            .map(refund_from_row)
            .collect()
    }

    /// Records that a won deal was refunded (the amount given, or the rest of it) or churned
    /// (the rest of it), on a day not before it closed; never more than the deal in all.
    pub async fn add_deal_refund(
        &self,
        actor: &Actor,
        deal_id: DealId,
        input: DealRefundInput,
    ) -> Result<DealRefund> {
        ensure_finance(actor, "record refunds and churn")?;
        let deal = self.get_deal(actor, deal_id).await?;
        let mut tx = self.begin().await?;
        let won = tx
            .conn()
            .fetch_one(query("SELECT outcome FROM stages WHERE id = $1").bind(deal.stage_id))
            .await?
            .get::<String>("outcome")?
            == "won";
        let (Some(close_date), Some(amount), true) = (deal.close_date, deal.amount_minor, won)
        else {
            return Err(StoreError::Conflict(format!(
                "deal {deal_id} is not won with an amount and a close date; only a won deal \
                 can be refunded or churn"
            )));
        };
        if input.on < close_date {
            return Err(StoreError::field(
                "on",
                format!("must not be before the deal closed ({close_date})"),
            ));
        }
        let refunded: i64 = tx
            .conn()
            .fetch_one(
                query(
                    "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS refunded \
                     FROM deal_refunds WHERE deal_id = $1",
                )
                .bind(deal_id),
            )
            .await?
            .get("refunded")?;
        let rest = amount - refunded;
        let amount_minor = match (input.kind, input.amount_minor) {
            (RefundKind::Churn, Some(_)) => {
                return Err(StoreError::field(
                    "amount_minor",
                    "a churn takes back the whole deal; leave the amount out",
                ));
            }
            (_, None) => rest,
            (RefundKind::Refund, Some(a)) => a,
        };
        if amount_minor <= 0 || amount_minor > rest {
            return Err(StoreError::field(
                "amount_minor",
                format!(
                    "must be above zero and at most what is left of the deal ({rest} minor \
                     units of {})",
                    deal.currency
                ),
            ));
        }
        let note = input
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        let at = now();
        let refund = refund_from_row(
            &tx.conn()
                .fetch_one(
                    built_query(format!(
                        "INSERT INTO deal_refunds (deal_id, kind, on_date, amount_minor, \
                         currency, note, created_by, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
                    ))
                    .bind(deal_id)
                    .bind(input.kind)
                    .bind(input.on)
                    .bind(amount_minor)
                    .bind(deal.currency)
                    .bind(note)
                    .bind(actor.user_id)
                    .bind(at),
                )
                .await?,
        )?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "deal_refund",
            refund.id,
            None,
            Some(&refund),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(refund)
    }

    /// Removes a refund recorded by mistake (finance and admins); the next run reverses its
    /// clawback like any other change.
    pub async fn remove_deal_refund(&self, actor: &Actor, deal_id: DealId, id: i64) -> Result<()> {
        ensure_finance(actor, "remove refunds")?;
        self.get_deal(actor, deal_id).await?;
        let mut tx = self.begin().await?;
        let refund = refund_from_row(
            &tx.conn()
                .fetch_optional(
                    built_query(format!(
                        "SELECT {COLUMNS} FROM deal_refunds WHERE id = $1 AND deal_id = $2"
                    ))
                    .bind(id)
                    .bind(deal_id),
                )
                .await?
                .ok_or(StoreError::NotFound)?,
        )?;
        tx.conn()
            .execute(query("DELETE FROM deal_refunds WHERE id = $1").bind(id))
            .await?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "delete",
            "deal_refund",
            id,
            Some(&refund),
            None,
            now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
