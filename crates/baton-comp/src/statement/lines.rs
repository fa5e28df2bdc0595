//! Statement lines: what each credit earns under each component, with the numbers that say why.

use super::tiers::{Step, TierWalk, true_up_pay};
use super::trace::{CreditTrace, Detail, PieceTrace, TableTrace, TierLabel, Trace, TrueUpTrace};
use crate::amount::major;
use crate::credit::{Credit, CreditKind, share_fraction};
use crate::plan::{Condition, Plan, Rule, Spif, SpifPay, TierTable};
use baton_model::DealId;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::sync::Arc;

/// What a line pays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineKind {
    /// A rate on one credit.
    Commission,
    /// Earlier credits re-rated when a retroactive tier (index) was reached.
    TrueUp {
        /// Index of the tier reached.
        tier: usize,
    },
    /// A SPIF on one qualifying credit.
    Spif,
    /// A once-per-period bonus.
    Bonus,
}

/// One line of a statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Id of the plan component that produced it.
    pub component: Arc<str>,
    /// Position of that component in the plan.
    pub component_index: usize,
    /// What it pays for.
    pub kind: LineKind,
    /// The deal, for lines about one credit.
    pub deal: Option<DealId>,
    /// The kind of credit, for lines about one credit.
    pub credit_kind: Option<CreditKind>,
    /// The credit date of the credit that produced the line (for a true-up, the credit that
    /// reached the tier); `None` for end-of-period lines.
    pub date: Option<NaiveDate>,
    /// The amount, in minor units of the statement currency.
    pub amount: i64,
    /// Why: the numbers behind the amount.
    pub trace: Trace,
}

impl Line {
    /// The key under which the ledger books this line: the same line of a recompute has the
    /// same key, whatever else changed.
    pub fn key(&self) -> String {
        let mut key = String::with_capacity(self.component.len() + 32);
        self.write_key(&mut key);
        key
    }

    fn write_key(&self, out: &mut String) {
        use std::fmt::Write as _;
        let credit_kind = match self.credit_kind {
            Some(CreditKind::Revenue) => "revenue",
            Some(CreditKind::Overlay) => "overlay",
            Some(CreditKind::RollUp) => "roll_up",
            None => "-",
        };
        out.push_str(&self.component);
        let _ = match (self.kind, self.deal) {
            (LineKind::Commission, Some(deal)) => write!(out, "/commission/{deal}/{credit_kind}"),
            (LineKind::Spif, Some(deal)) => write!(out, "/spif/{deal}/{credit_kind}"),
            (LineKind::Commission | LineKind::Spif, None) => write!(out, "/{credit_kind}"),
            (LineKind::TrueUp { tier }, _) => write!(out, "/true-up/tier-{}", tier + 1),
            (LineKind::Bonus, _) => write!(out, "/bonus"),
        };
    }

    /// The trace as text, with the real numbers.
    pub fn explain(&self) -> String {
        self.trace.to_string()
    }
}

/// A credit with its credit date and the rest of its sort key inline, so sorting a rep's
/// credits compares plain values instead of following references.
pub(super) type Dated<'a> = (NaiveDate, DealId, CreditKind, &'a Credit);

/// The lines of an earlier statement, of which a recompute keeps those of credits dated before
/// `changed_from`, which no change touched.
pub(super) struct Reuse {
    pub lines: Vec<Line>,
    pub changed_from: NaiveDate,
}

/// The lines for sorted credits, before gates, rounding and caps.
pub(super) fn build(
    plan: &Plan,
    credits: &[Dated<'_>],
    quota: Decimal,
    attainment: Option<Decimal>,
    factor: Decimal,
    reuse: Option<Reuse>,
) -> Vec<Line> {
    let currency = plan.currency;
    let mut walks: Vec<Option<TierWalk<'_>>> = plan
        .components
        .iter()
        .map(|c| match &c.rule {
            Rule::Rate(table) => Some(TierWalk::new(table, quota, u32::from(currency.exponent()))),
            Rule::Spif(_) | Rule::Bonus(_) => None,
        })
        .collect();
    // Per-statement copies: threads computing other statements never touch these counters.
    let ids: Vec<Arc<str>> = plan.components.iter().map(|c| Arc::from(&*c.id)).collect();
    let tables: Vec<Option<Arc<TableTrace>>> = plan
        .components
        .iter()
        .map(|c| match &c.rule {
            Rule::Rate(table) => Some(table_trace(table, quota)),
            Rule::Spif(_) | Rule::Bonus(_) => None,
        })
        .collect();
    // One line per credit per component that pays per credit, so the vector never moves its
    // (large) lines while growing; capacity that stays unused is never touched.
    let per_credit = plan
        .components
        .iter()
        .filter(|c| !matches!(c.rule, Rule::Bonus(_)))
        .count();
    let capacity = credits.len() * per_credit + 8;
    let line = |index: usize, kind, credit: Option<&Credit>, date, trace| Line {
        component: Arc::clone(&ids[index]),
        component_index: index,
        kind,
        deal: credit.map(|c| c.deal),
        credit_kind: credit.map(|c| c.kind),
        date,
        amount: 0,
        trace,
    };
    let unchanged_before = reuse.as_ref().map(|r| r.changed_from);
    let mut lines = match reuse {
        Some(Reuse {
            mut lines,
            changed_from,
        }) => {
            // Kept lines come first, as their credits do; gates and caps are applied afresh.
            let kept = lines
                .iter()
                .take_while(|l| l.date.is_some_and(|d| d < changed_from))
                .count();
            lines.truncate(kept);
            for line in &mut lines {
                line.trace.pay = line.trace.computed;
                line.trace.adjustments.clear();
            }
            lines.reserve(capacity.saturating_sub(kept));
            lines
        }
        None => Vec::with_capacity(capacity),
    };
    for &(date, _, _, credit) in credits {
        let money = major(credit.amount.minor, currency);
        if unchanged_before.is_some_and(|from| date < from) {
            // A kept line already says what this credit earned: only move the walks on.
            for (component, walk) in plan.components.iter().zip(&mut walks) {
                if let Some(walk) = walk {
                    walk.step(money, component.credit_kinds.contains(&credit.kind));
                }
            }
            continue;
        }
        let date = Some(date);
        let credit_trace = CreditTrace {
            deal: credit.deal,
            kind: credit.kind,
            deal_amount: major(credit.deal_amount.minor, credit.deal_amount.currency),
            share: credit.share,
            credit: money,
        };
        for (index, (component, walk)) in plan.components.iter().zip(&mut walks).enumerate() {
            let pays = component.credit_kinds.contains(&credit.kind);
            match (&component.rule, walk) {
                (Rule::Rate(_), Some(walk)) => {
                    let table = tables[index]
                        .as_ref()
                        .expect("a rate component has a table");
                    let step = walk.step(money, pays);
                    if !step.true_up.is_empty() {
                        let pay = true_up_pay(&step.true_up);
                        let detail = true_up_detail(table, &step, credit.deal);
                        let trace = Trace::new(currency, plan.rounding, None, detail, pay);
                        let kind = LineKind::TrueUp { tier: step.reached };
                        lines.push(line(index, kind, None, date, trace));
                    }
                    if !pays || money.is_zero() {
                        continue;
                    }
                    let detail = rate_detail(table, &step);
                    let trace = Trace::new(
                        currency,
                        plan.rounding,
                        Some(credit_trace),
                        detail,
                        step.pay(),
                    );
                    let kind = LineKind::Commission;
                    lines.push(line(index, kind, Some(credit), date, trace));
                }
                (Rule::Spif(spif), _) if pays && qualifies(&spif.condition, credit) => {
                    let trace = spif_trace(plan, spif, credit_trace);
                    lines.push(line(index, LineKind::Spif, Some(credit), date, trace));
                }
                _ => {}
            }
        }
    }
    for (index, component) in plan.components.iter().enumerate() {
        let Rule::Bonus(bonus) = &component.rule else {
            continue;
        };
        let attained = attainment.unwrap_or(Decimal::ZERO);
        if attained >= bonus.attainment {
            let detail = Detail::Bonus {
                attainment: attained,
                threshold: bonus.attainment,
                amount: bonus.amount,
                factor,
            };
            let pay = bonus.amount * factor;
            let trace = Trace::new(currency, plan.rounding, None, detail, pay);
            lines.push(line(index, LineKind::Bonus, None, None, trace));
        }
    }
    lines
}

fn table_trace(table: &TierTable, quota: Decimal) -> Arc<TableTrace> {
    Arc::new(TableTrace {
        measure: table.measure,
        flat: table.tiers.len() == 1 && table.tiers[0].to.is_none(),
        quota,
        tiers: table
            .tiers
            .iter()
            .map(|t| TierLabel {
                measure: table.measure,
                from: t.from,
                to: t.to,
                retroactive: t.retroactive,
            })
            .collect(),
    })
}

fn index(tier: usize) -> u32 {
    u32::try_from(tier).unwrap_or(u32::MAX)
}

fn rate_detail(table: &Arc<TableTrace>, step: &Step) -> Detail {
    Detail::Rate {
        table: Arc::clone(table),
        position: step.position,
        pieces: step
            .pieces
            .iter()
            .map(|p| PieceTrace {
                tier: index(p.tier),
                rerated_by: p.rerated_by.map(index),
                money: p.money,
                rate: p.rate,
            })
            .collect(),
    }
}

fn true_up_detail(table: &Arc<TableTrace>, step: &Step, deal: DealId) -> Detail {
    Detail::TrueUp {
        table: Arc::clone(table),
        reached: index(step.reached),
        on_deal: deal,
        pieces: step
            .true_up
            .iter()
            .map(|p| TrueUpTrace {
                tier: index(p.tier),
                money: p.money,
                old_rate: p.old_rate,
                new_rate: p.new_rate,
            })
            .collect(),
    }
}

fn qualifies(condition: &Condition, credit: &Credit) -> bool {
    let attribute_ok = condition.attribute.as_ref().is_none_or(|(name, value)| {
        credit.attributes.as_ref().and_then(|a| a.get(name)) == Some(value)
    });
    let amount_ok = condition
        .min_deal_amount
        .is_none_or(|min| major(credit.deal_amount.minor, credit.deal_amount.currency) >= min);
    attribute_ok && amount_ok
}

fn spif_trace(plan: &Plan, spif: &Spif, credit: CreditTrace) -> Trace {
    let pay = match spif.pays {
        SpifPay::Fixed(amount) => amount * share_fraction(credit.share),
        SpifPay::Rate(rate) => credit.credit * rate,
    };
    let condition = describe(&spif.condition);
    let detail = Detail::Spif {
        pays: spif.pays,
        condition,
    };
    Trace::new(plan.currency, plan.rounding, Some(credit), detail, pay)
}

fn describe(condition: &Condition) -> Option<String> {
    let mut parts = Vec::new();
    if let Some((name, value)) = &condition.attribute {
        parts.push(format!("{name} = {value}"));
    }
    if let Some(min) = condition.min_deal_amount {
        parts.push(format!("deal ≥ {}", crate::amount::fmt_number(min)));
    }
    (!parts.is_empty()).then(|| parts.join(" and "))
}
