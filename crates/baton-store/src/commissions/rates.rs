//! Dated exchange rates: what converts a deal won in another currency into the currency a plan
//! pays in, at the latest rate on or before its credit date. Finance and admins keep them;
//! everyone signed in may read them (a rate is no secret).

use super::ensure_finance;
use crate::audit::write_audit;
use crate::db::{Conn, query};
use crate::{Actor, Result, Store, StoreError, now};
use baton_comp::{ExchangeRates, Rate};
use baton_model::records::ExchangeRate;
use std::str::FromStr;

/// Every stored rate, as the engine reads them.
pub(crate) async fn load(conn: &mut Conn<'_>) -> Result<ExchangeRates> {
    let mut rates = ExchangeRates::new();
    for rate in all(conn).await? {
        rates
            .insert(parse(&rate).map_err(|e| StoreError::Corrupt(e.to_string()))?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    }
    Ok(rates)
}

async fn all(conn: &mut Conn<'_>) -> Result<Vec<ExchangeRate>> {
    conn.fetch_all(query(
        "SELECT from_currency, to_currency, rate_date, rate FROM exchange_rates \
         ORDER BY from_currency, to_currency, rate_date",
    ))
    .await?
    .iter()
    .map(|r| {
        Ok(ExchangeRate {
            from: r.parse("from_currency")?,
            to: r.parse("to_currency")?,
            date: r.get("rate_date")?,
            rate: r.get("rate")?,
        })
    })
    .collect()
}

fn parse(rate: &ExchangeRate) -> std::result::Result<Rate, baton_comp::RateError> {
    Rate::parse(
        rate.from.code(),
        rate.to.code(),
        &rate.date.to_string(),
        &rate.rate,
    )
}

impl Store {
    /// Every exchange rate, by pair and date.
    pub async fn exchange_rates(&self, _actor: &Actor) -> Result<Vec<ExchangeRate>> {
        all(&mut self.reader()).await
    }

    /// Saves rates (finance and admins): a new pair and day is added, a known one takes the new
    /// rate. Every rate is checked first, each error naming its place in the list; all are
    /// saved, or none.
    pub async fn save_exchange_rates(
        &self,
        actor: &Actor,
        rates: Vec<ExchangeRate>,
    ) -> Result<Vec<ExchangeRate>> {
        ensure_finance(actor, "set exchange rates")?;
        let mut checked = ExchangeRates::new();
        for (i, rate) in rates.iter().enumerate() {
            parse(rate)
                .and_then(|parsed| checked.insert(parsed))
                .map_err(|e| StoreError::field(format!("rates[{i}]"), e.to_string()))?;
        }
        let mut tx = self.begin().await?;
        let at = now();
        for rate in &rates {
            // Stored in its normal form, so `1.50` and `1.5` are one rate.
            let text = rust_decimal::Decimal::from_str(rate.rate.trim())
                .map_or_else(|_| rate.rate.clone(), |d| d.normalize().to_string());
            let after = ExchangeRate {
                rate: text,
                ..rate.clone()
            };
            let existing = tx
                .conn()
                .fetch_optional(
                    query(
                        "SELECT id, rate FROM exchange_rates WHERE from_currency = $1 \
                         AND to_currency = $2 AND rate_date = $3",
                    )
                    .bind(rate.from)
                    .bind(rate.to)
                    .bind(rate.date),
                )
                .await?;
            if let Some(row) = existing {
                let before = ExchangeRate {
                    rate: row.get("rate")?,
                    ..after.clone()
                };
                if before == after {
                    continue;
                }
                let id: i64 = row.get("id")?;
                tx.conn()
                    .execute(
                        query("UPDATE exchange_rates SET rate = $1 WHERE id = $2")
                            .bind(after.rate.as_str())
                            .bind(id),
                    )
                    .await?;
                write_audit(
                    &mut tx.conn(),
                    Some(actor.user_id),
                    "update",
                    "exchange_rate",
                    id,
                    Some(&before),
                    Some(&after),
                    at,
                )
                .await?;
            } else {
                let id: i64 = tx
                    .conn()
                    .fetch_one(
                        query(
                            "INSERT INTO exchange_rates (from_currency, to_currency, \
                                 rate_date, rate, created_by, created_at) \
                                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                        )
                        .bind(after.from)
                        .bind(after.to)
                        .bind(after.date)
                        .bind(after.rate.as_str())
                        .bind(actor.user_id)
                        .bind(at),
                    )
                    .await?
                    .get("id")?;
                write_audit(
                    &mut tx.conn(),
                    Some(actor.user_id),
                    "create",
                    "exchange_rate",
                    id,
                    None,
                    Some(&after),
                    at,
                )
                .await?;
            }
        }
        tx.commit().await?;
        all(&mut self.reader()).await
    }
}
