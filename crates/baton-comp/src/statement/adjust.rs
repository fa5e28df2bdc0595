//! What happens to lines after their rule: gates on final attainment, then caps.

use super::lines::Line;
use super::trace::Adjustment;
use crate::amount::major;
use crate::id_hash::IdMap;
use crate::plan::{Plan, Rule};
use baton_model::DealId;
use rust_decimal::Decimal;

/// Scales the lines of gated components when the period ended below the gate. A gate judges
/// the whole period, so a rep who ends above it is paid in full for the deals before crossing.
pub(super) fn gates(plan: &Plan, lines: &mut [Line], attainment: Option<Decimal>) {
    let attainment = attainment.unwrap_or(Decimal::ZERO);
    let closed = plan.components.iter().any(|c| {
        matches!(&c.rule, Rule::Rate(table) if table.gate.is_some_and(|g| attainment < g.below))
    });
    if !closed {
        return;
    }
    for line in lines {
        let Rule::Rate(table) = &plan.components[line.component_index].rule else {
            continue;
        };
        if let Some(gate) = table.gate
            && attainment < gate.below
        {
            line.trace.pay = line.trace.computed * gate.pay;
            line.trace.adjustments.push(Adjustment::Gate {
                attainment,
                below: gate.below,
                pay: gate.pay,
            });
        }
    }
}

/// Holds back what exceeds the per-deal cap (lines about one deal, across components) and then
/// the per-period cap (all lines, prorated for a partial period), in line order, on rounded
/// amounts so the capped total is exact.
pub(super) fn caps(plan: &Plan, lines: &mut [Line], factor: Decimal) {
    let currency = plan.currency;
    if let Some(cap) = plan.cap_per_deal {
        let cap_minor = plan.rounding.to_minor(cap, currency);
        let mut paid: IdMap<DealId, i64> = IdMap::default();
        for line in lines.iter_mut() {
            let Some(deal) = line.deal else { continue };
            let already = paid.entry(deal).or_insert(0);
            let allowed = (cap_minor - *already).max(0);
            if line.amount > allowed {
                line.trace.adjustments.push(Adjustment::DealCap {
                    cap: major(cap_minor, currency),
                    already: major(*already, currency),
                    before: major(line.amount, currency),
                });
                line.amount = allowed;
            }
            *already += line.amount;
        }
    }
    if let Some(cap) = plan.cap_per_period {
        let cap_minor = plan.rounding.to_minor(cap * factor, currency);
        let mut already = 0_i64;
        for line in lines.iter_mut() {
            let allowed = (cap_minor - already).max(0);
            if line.amount > allowed {
                line.trace.adjustments.push(Adjustment::PeriodCap {
                    cap: major(cap_minor, currency),
                    already: major(already, currency),
                    before: major(line.amount, currency),
                });
                line.amount = allowed;
            }
            already += line.amount;
        }
    }
}
