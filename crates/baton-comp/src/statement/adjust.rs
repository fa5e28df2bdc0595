//! What happens to lines after their rule: gates on final attainment, then caps.

use super::lines::Line;
use super::trace::Adjustment;
use crate::amount::major;
use crate::plan::{Plan, Rule};
use baton_model::DealId;
use rust_decimal::Decimal;

/// For each component, whether its gate is closed at this end-of-period attainment.
pub(super) fn closed_gates(plan: &Plan, attainment: Option<Decimal>) -> Vec<bool> {
    let attainment = attainment.unwrap_or(Decimal::ZERO);
    plan.components
        .iter()
        .map(|c| matches!(&c.rule, Rule::Rate(t) if t.gate.is_some_and(|g| attainment < g.below)))
        .collect()
}

/// Scales the lines of gated components when the period ended below the gate. A gate judges
/// the whole period, so a rep who ends above it is paid in full for the deals before crossing.
pub(super) fn gates(plan: &Plan, lines: &mut [Line], attainment: Option<Decimal>, closed: &[bool]) {
    if !closed.contains(&true) {
        return;
    }
    let attainment = attainment.unwrap_or(Decimal::ZERO);
    for line in lines {
        let component = usize::from(line.component);
        if !closed.get(component).copied().unwrap_or(false) {
            continue;
        }
        let Rule::Rate(table) = &plan.components[component].rule else {
            continue;
        };
        if let Some(gate) = table.gate {
            line.trace.adjust(Adjustment::Gate {
                attainment,
                below: gate.below,
                pay: gate.pay,
            });
        }
    }
}

/// Restates the gates of lines kept by a recompute at the period's new attainment: the gate is
/// still closed (or a kept line would not be kept), so it pays the same, but its trace must
/// show the attainment it is judged on now.
pub(super) fn restate_gates(lines: &mut [Line], attainment: Option<Decimal>, closed: &[bool]) {
    if !closed.contains(&true) {
        return;
    }
    let now = attainment.unwrap_or(Decimal::ZERO);
    for line in lines {
        for adjustment in line.trace.adjustments_mut() {
            if let Adjustment::Gate { attainment, .. } = adjustment {
                *attainment = now;
            }
        }
    }
}

/// Holds back what exceeds the per-deal cap (lines about one deal, across components) and then
/// the per-period cap (all lines, prorated for a partial period), in line order, on rounded
/// amounts so the capped total is exact. Lines before `from` are already capped.
///
/// A deal's lines are next to each other (credits are walked in date and deal order, and a
/// deal's credits share its date), so the per-deal cap needs only the running deal.
pub(super) fn caps(plan: &Plan, lines: &mut [Line], factor: Decimal, from: usize) {
    let currency = plan.currency;
    if let Some(cap) = plan.cap_per_deal {
        let cap_minor = plan.rounding.to_minor(cap, currency);
        let mut running: Option<(DealId, i64)> = None;
        for line in &mut lines[from..] {
            let Some(deal) = line.deal() else { continue };
            let already = match &mut running {
                Some((d, paid)) if *d == deal => paid,
                _ => &mut running.insert((deal, 0)).1,
            };
            let allowed = (cap_minor - *already).max(0);
            if line.amount > allowed {
                line.trace.adjust(Adjustment::DealCap {
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
        let mut already: i64 = lines[..from].iter().map(|l| l.amount).sum();
        for line in &mut lines[from..] {
            let allowed = (cap_minor - already).max(0);
            if line.amount > allowed {
                line.trace.adjust(Adjustment::PeriodCap {
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
