//! What-if: what one of a rep's open deals would pay them if it closed at an amount on a day.

use super::{deal_from_row, load_inputs, load_plans, split_from_row};
use crate::db::query;
use crate::{Actor, Result, Store, StoreError, now};
use baton_comp as engine;
use baton_comp::Plan;
use baton_comp::statement::Statement;
use baton_model::records::{CompLine, WhatIf, WhatIfInput};
use baton_model::{Period, UserId};
use chrono::NaiveDate;

impl Store {
    /// What the actor would earn if one of their open deals closed at an amount on a day: the
    /// period's statement with and without it.
    pub async fn comp_what_if(&self, actor: &Actor, input: WhatIfInput) -> Result<WhatIf> {
        let mut conn = self.reader();
        let row = conn
            .fetch_optional(
                query(
                    "SELECT d.id, d.name, d.owner_id, d.amount_minor, d.currency, d.close_date, \
                     d.payment_date, d.source, d.custom_fields FROM deals d WHERE d.id = $1",
                )
                .bind(input.deal_id),
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let owner: UserId = row.get("owner_id")?;
        if owner != actor.user_id {
            // Only the deal's owner asks what it would pay them.
            return Err(StoreError::NotFound);
        }
        let splits = conn
            .fetch_all(
                query("SELECT user_id, kind, percent_bp FROM deal_splits WHERE deal_id = $1")
                    .bind(input.deal_id),
            )
            .await?
            .iter()
            .map(split_from_row)
            .collect::<Result<_>>()?;
        let today = now().date_naive();
        let expected = row.get::<Option<NaiveDate>>("close_date")?;
        let close_date = input
            .close_date
            .unwrap_or_else(|| expected.unwrap_or(today).max(today));
        let mut deal = deal_from_row(&row, close_date, splits)?;
        let amount = input.amount_minor.unwrap_or(deal.amount.minor);
        if amount < 0 {
            return Err(StoreError::field("amount_minor", "must not be negative"));
        }
        deal.amount.minor = amount;
        // Under a plan that credits on payment, the day asked about is the day it is paid.
        deal.payment_date = Some(close_date);
        let name: String = row.get("name")?;
        let fiscal = crate::org::load_org(&mut conn)
            .await?
            .fiscal_year_start_month;
        // The plan's period containing the close date: find the plan first.
        let assignment_kind = conn
            .fetch_optional(
                query(
                    "SELECT plan_key FROM comp_assignments WHERE user_id = $1 AND from_date <= $2 \
                     AND (to_date IS NULL OR to_date >= $2) ORDER BY from_date DESC, id DESC",
                )
                .bind(actor.user_id)
                .bind(close_date),
            )
            .await?
            .ok_or_else(|| {
                StoreError::Conflict(format!("you are on no commission plan on {close_date}"))
            })?;
        let plan_key: String = assignment_kind.get("plan_key")?;
        let plans: Vec<Plan> = load_plans(&mut conn)
            .await?
            .into_iter()
            .map(|(p, ..)| p)
            .collect();
        let plan = engine::plan::version_on(&plans, &plan_key, close_date).ok_or_else(|| {
            StoreError::Conflict(format!(
                "plan {plan_key} has no version in effect on {close_date}"
            ))
        })?;
        let period = Period::containing(close_date, plan.quota_period, fiscal);
        let inputs = load_inputs(&mut conn, period).await?;
        let before = inputs
            .statement(actor.user_id, &[])?
            .ok_or(StoreError::NotFound)?;
        let hierarchy = engine::Hierarchy::new();
        let extra = engine::credit::credit_deal(&deal, &hierarchy)
            .map_err(|e| StoreError::Conflict(e.to_string()))?;
        let after = inputs
            .statement(actor.user_id, &extra)?
            .ok_or(StoreError::NotFound)?;
        let earn = after.total - before.total;
        let pct = |s: &Statement| s.attainment.map(|a| a.round_dp(2).to_string());
        let new_lines: Vec<CompLine> = inputs
            .lines(&after)
            .into_iter()
            .filter(|l| l.deal_id == Some(input.deal_id))
            .collect();
        let tier_after = tier_reached(plan, after.attainment);
        let tier_before = tier_reached(plan, before.attainment);
        let currency = after.currency;
        let summary = format!(
            "If {name} closes at {} on {} you earn {}{}.",
            baton_model::readable_money(amount, deal.amount.currency),
            close_date.format("%-d %b %Y"),
            baton_model::readable_money(earn, currency),
            match (&tier_after, &tier_before) {
                (Some(after), before) if Some(after) != before.as_ref() =>
                    format!(" and move into {after}"),
                _ => String::new(),
            }
        );
        Ok(WhatIf {
            deal_id: input.deal_id,
            period: period.to_string(),
            amount_minor: amount,
            close_date,
            currency,
            earn_minor: earn,
            attainment_before_pct: pct(&before),
            attainment_after_pct: pct(&after),
            tier_after,
            summary,
            lines: new_lines,
        })
    }
}

/// The label of the highest tier reached at `attainment` in the plan's first tiered component.
fn tier_reached(plan: &Plan, attainment: Option<rust_decimal::Decimal>) -> Option<String> {
    let attainment = attainment?;
    plan.components.iter().find_map(|c| match &c.rule {
        engine::plan::Rule::Rate(table)
            if table.measure == engine::plan::Measure::Attainment && table.tiers.len() > 1 =>
        {
            table
                .tiers
                .iter()
                .rev()
                .find(|t| attainment >= t.from)
                .map(|t| match t.to {
                    Some(to) => format!("tier {}–{} %", t.from.normalize(), to.normalize()),
                    None => format!("tier {} %+", t.from.normalize()),
                })
        }
        _ => None,
    })
}
