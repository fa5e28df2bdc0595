//! Clawback lines: commission taken back for deals refunded or churned within the plan's
//! window, at the rate paid when the deal was credited (see [`crate::clawback`]).

use super::LineKind;
use super::lines::Line;
use super::trace::{ClawbackTrace, CreditTrace, Detail, Trace, TraceContext};
use crate::amount::{major, money_major};
use crate::clawback::Clawback;
use crate::plan::Plan;
use baton_model::{Percent, UserId};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::sync::Arc;

/// Appends a line for each of `rep`'s clawbacks dated within the active days that falls within
/// the plan's window.
pub(super) fn apply(
    plan: &Plan,
    context: &Arc<TraceContext>,
    lines: &mut Vec<Line>,
    rep: UserId,
    clawbacks: &[Clawback],
    (from, to): (NaiveDate, NaiveDate),
) {
    let Some(within) = plan.clawback_days else {
        return;
    };
    let currency = plan.currency;
    let component =
        u16::try_from(plan.components.len() + usize::from(plan.draw.is_some())).unwrap_or(u16::MAX);
    let mut ours: Vec<&Clawback> = clawbacks
        .iter()
        .filter(|c| c.rep == rep && c.on >= from && c.on <= to)
        .collect();
    ours.sort_by_key(|c| (c.on, c.deal, c.kind));
    for clawback in ours {
        let days = (clawback.on - clawback.credited_on).num_days();
        if days < 0 || days > i64::from(within) || clawback.deal_amount.minor <= 0 {
            continue;
        }
        let paid = major(clawback.paid.commission, currency);
        let credit = major(clawback.paid.credit, currency);
        let deal_amount = money_major(clawback.deal_amount);
        // The share of the reversed amount that was this rep's credit, at the rate paid then.
        let share = credit / deal_amount;
        let reversed_credit = money_major(clawback.reversed) * share;
        let rate = if credit.is_zero() {
            Decimal::ZERO
        } else {
            paid / credit
        };
        let computed = -(reversed_credit * rate);
        let share_bp = (share * Decimal::from(10_000)).round();
        let credit_trace = CreditTrace {
            deal: clawback.deal,
            kind: clawback.kind,
            share: Percent::from_basis_points(i64::try_from(share_bp.mantissa()).unwrap_or(0))
                .unwrap_or(Percent::HUNDRED),
            deal_amount: clawback.deal_amount,
            credit: clawback.paid.credit,
        };
        let detail = Detail::Clawback(Box::new(ClawbackTrace {
            reason: clawback.reason,
            credited_on: clawback.credited_on,
            on: clawback.on,
            days,
            within,
            reversed: money_major(clawback.reversed),
            reversed_credit,
            paid,
            rate,
        }));
        lines.push(Line {
            component,
            kind: LineKind::Clawback,
            date: Some(clawback.on),
            amount: plan.rounding.to_minor(computed, currency),
            trace: Trace::new(context, Some(credit_trace), detail, computed),
        });
    }
}
