//! Statement lines: what each credit earns under each component, with the numbers that say why.

use super::fixed::{Stepped, Walk};
use super::key::LineKey;
use super::tiers::true_up_pay;
use super::trace::{
    BonusTrace, Conversion, CreditTrace, Detail, TableTrace, TierLabel, Trace, TraceContext,
    TrueUpTrace,
};
use crate::amount::{major, money_major};
use crate::credit::{Credit, CreditKind, share_fraction};
use crate::plan::{Condition, Plan, Rule, Spif, SpifPay, TierTable};
use baton_model::DealId;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::sync::Arc;

/// What a line pays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LineKind {
    /// A rate on one credit.
    Commission,
    /// Earlier credits re-rated when a retroactive tier (index) was reached.
    TrueUp {
        /// Index of the tier reached.
        tier: u16,
    },
    /// A SPIF on one qualifying credit.
    Spif,
    /// A once-per-period bonus.
    Bonus,
    /// A draw: the guarantee topping up what the period earned.
    Draw,
    /// Recovery of earlier recoverable draws from what the period earned.
    Recovery,
    /// A commission paid in an earlier period, taken back because the deal was refunded or
    /// churned.
    Clawback,
}

impl LineKind {
    /// How the kind is written in exports and the API: `commission`, `true_up`, `spif`,
    /// `bonus`, `draw`, `recovery` or `clawback`.
    pub fn name(self) -> &'static str {
        match self {
            LineKind::Commission => "commission",
            LineKind::TrueUp { .. } => "true_up",
            LineKind::Spif => "spif",
            LineKind::Bonus => "bonus",
            LineKind::Draw => "draw",
            LineKind::Recovery => "recovery",
            LineKind::Clawback => "clawback",
        }
    }
}

/// One line of a statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Position of the plan component that produced it.
    pub component: u16,
    /// What it pays for.
    pub kind: LineKind,
    /// The credit date of the credit that produced the line (for a true-up, the credit that
    /// reached the tier); `None` for end-of-period lines.
    pub date: Option<NaiveDate>,
    /// The amount, in minor units of the statement currency.
    pub amount: i64,
    /// Why: the numbers behind the amount.
    pub trace: Trace,
}

impl Line {
    /// Id of the plan component that produced the line.
    pub fn component_id(&self) -> &str {
        &self.trace.context.components[usize::from(self.component)]
    }

    /// The deal, for lines about one credit.
    pub fn deal(&self) -> Option<DealId> {
        self.trace.credit.map(|c| c.deal)
    }

    /// The kind of credit, for lines about one credit.
    pub fn credit_kind(&self) -> Option<CreditKind> {
        self.trace.credit.map(|c| c.kind)
    }

    /// The key under which the ledger books this line.
    pub fn key(&self) -> LineKey {
        LineKey {
            component: Arc::clone(&self.trace.context.components[usize::from(self.component)]),
            kind: self.kind,
            deal: self.deal(),
            credit_kind: self.credit_kind(),
        }
    }

    /// The trace as text, with the real numbers.
    pub fn explain(&self) -> String {
        self.trace.to_string()
    }
}

/// A credit as a statement walks it: its credit date, its amount in the plan currency, and its
/// sort key inline, so sorting a rep's credits compares one integer instead of following
/// references (see [`Dated::key`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Dated<'a> {
    /// Credit date, deal and kind packed in walk order ([`Dated::key`]), or 0 when they do not
    /// fit.
    pub key: u64,
    /// The credit date.
    pub date: NaiveDate,
    /// The credit.
    pub credit: &'a Credit,
    /// The credited amount in minor units of the plan currency.
    pub minor: i64,
    /// Index of its conversion in the statement's list, when it was in another currency.
    pub conversion: Option<u32>,
}

/// The credits a statement walks, and the conversions of those in another currency.
#[derive(Debug, Clone, Copy)]
pub(super) struct Walked<'c, 'a> {
    /// Sorted, and only those on or after the change when reusing.
    pub credits: &'c [Dated<'a>],
    /// What [`Dated::conversion`] indexes.
    pub conversions: &'c [Conversion],
}

impl Dated<'_> {
    /// Deal ids from 0 to 2^52 − 1 fit [`Dated::key`] (database ids always do).
    const MAX_DEAL: i64 = (1 << 52) - 1;

    /// `(credit date, deal, kind)` in one integer, when the deal id fits: the top 10 bits are
    /// the date (its day of the year, and whether it is in the year after `first_day`'s: a
    /// period spans at most two calendar years), the next 52 the deal, the last 2 the kind.
    pub fn key(
        first_day: NaiveDate,
        date: NaiveDate,
        deal: DealId,
        kind: CreditKind,
    ) -> Option<u64> {
        let next_year = match date.year() - first_day.year() {
            0 => 0,
            1 => 1,
            _ => return None,
        };
        if !(0..=Self::MAX_DEAL).contains(&deal.0) {
            return None;
        }
        let day = (next_year << 9) | u64::from(date.ordinal());
        let kind: u64 = match kind {
            CreditKind::Revenue => 0,
            CreditKind::Overlay => 1,
            CreditKind::RollUp => 2,
        };
        Some((day << 54) | (deal.0.cast_unsigned() << 2) | kind)
    }
}

/// Sorts credits that all have a [`Dated::key`] into walk order: by day first (a counting
/// sort), then each day's credits by deal and kind, which takes no work when they came in deal
/// order, as storage reads them.
pub(super) fn sort_by_key(credits: &mut Vec<Dated<'_>>) {
    const DAYS: usize = 1 << 10;
    if credits.is_sorted_by_key(|d| d.key) {
        return;
    }
    let day = |d: &Dated<'_>| usize::try_from(d.key >> 54).unwrap_or(DAYS - 1);
    let mut starts = vec![0_usize; DAYS + 1];
    for credit in credits.iter() {
        starts[day(credit) + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut next = starts.clone();
    let mut order = vec![0_usize; credits.len()];
    for (i, credit) in credits.iter().enumerate() {
        let slot = &mut next[day(credit)];
        order[*slot] = i;
        *slot += 1;
    }
    let mut sorted: Vec<Dated<'_>> = order.iter().map(|&i| credits[i]).collect();
    for bounds in starts.windows(2) {
        let same_day = &mut sorted[bounds[0]..bounds[1]];
        if !same_day.is_sorted_by_key(|d| d.key) {
            same_day.sort_unstable_by_key(|d| d.key);
        }
    }
    *credits = sorted;
}

/// The walk of every rate component before the first credit of a date, so a recompute from
/// that date starts there instead of walking every earlier credit again.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Checkpoints {
    /// Credit dates, ascending; the last is `NaiveDate::MAX`: the state after every credit.
    dates: Vec<NaiveDate>,
    /// Lines before the first credit of each date.
    lines: Vec<u32>,
    /// Per date, per rate component: position and tier reached.
    walks: Vec<(Decimal, usize)>,
    /// Per date, per rate component, per tier: money paid in the band.
    bands: Vec<Decimal>,
}

impl Checkpoints {
    fn record(&mut self, date: NaiveDate, lines: usize, walks: &[Option<Walk<'_>>]) {
        self.dates.push(date);
        self.lines.push(u32::try_from(lines).unwrap_or(u32::MAX));
        for walk in walks.iter().flatten() {
            let state = walk.state(&mut self.bands);
            self.walks.push(state);
        }
    }

    /// The index of the first checkpoint on or after `date`.
    fn at(&self, date: NaiveDate) -> usize {
        self.dates.partition_point(|d| *d < date)
    }

    /// Lines before checkpoint `index`.
    pub(super) fn lines_before(&self, index: usize) -> usize {
        self.lines.get(index).map_or(0, |n| *n as usize)
    }

    /// Moves `walks` to checkpoint `index` and drops the later checkpoints.
    fn restore(&mut self, index: usize, walks: &mut [Option<Walk<'_>>]) {
        let per_date = self.walks.len() / self.dates.len().max(1);
        let tiers = self.bands.len() / self.dates.len().max(1);
        let (mut w, mut b) = (index * per_date, index * tiers);
        for walk in walks.iter_mut().flatten() {
            let n = walk.bands();
            let (position, reached) = self.walks[w];
            walk.restore(position, reached, &self.bands[b..b + n]);
            w += 1;
            b += n;
        }
        self.dates.truncate(index);
        self.lines.truncate(index);
        self.walks.truncate(index * per_date);
        self.bands.truncate(index * tiers);
    }
}

/// The lines of an earlier statement, of which a recompute keeps those of credits dated before
/// `changed_from`, which no change touched.
pub(super) struct Reuse {
    pub lines: Vec<Line>,
    pub checkpoints: Checkpoints,
    pub changed_from: NaiveDate,
}

/// What [`build`] made.
pub(super) struct Built {
    pub lines: Vec<Line>,
    pub checkpoints: Checkpoints,
    /// Lines before this index were kept from the earlier statement, gates and caps applied.
    pub kept: usize,
}

/// What every line of a statement under `plan` with this quota shares.
pub(super) fn context(plan: &Plan, quota: Decimal) -> Arc<TraceContext> {
    Arc::new(TraceContext {
        currency: plan.currency,
        rounding: plan.rounding,
        components: plan
            .components
            .iter()
            .map(|c| Arc::clone(&c.id))
            .chain(plan.draw.map(|_| Arc::from(crate::plan::DRAW_ID)))
            .chain(
                plan.clawback_days
                    .map(|_| Arc::from(crate::plan::CLAWBACK_ID)),
            )
            .collect(),
        tables: plan
            .components
            .iter()
            .map(|c| match &c.rule {
                Rule::Rate(table) => Some(table_trace(table, quota)),
                Rule::Spif(_) | Rule::Bonus(_) => None,
            })
            .collect(),
        spifs: plan
            .components
            .iter()
            .map(|c| match &c.rule {
                Rule::Spif(spif) => Some((spif.pays, describe(&spif.condition))),
                Rule::Rate(_) | Rule::Bonus(_) => None,
            })
            .collect(),
    })
}

/// Where `credits` (sorted, and only those on or after `reuse.changed_from` when reusing) put
/// the lines, before gates, rounding and caps.
pub(super) fn build(
    plan: &Plan,
    context: &Arc<TraceContext>,
    walked: Walked<'_, '_>,
    quota: Decimal,
    attainment: Option<Decimal>,
    factor: Decimal,
    reuse: Option<Reuse>,
) -> Built {
    let currency = plan.currency;
    let mut walks: Vec<Option<Walk<'_>>> = plan
        .components
        .iter()
        .map(|c| match &c.rule {
            Rule::Rate(table) => Some(Walk::new(table, quota, u32::from(currency.exponent()))),
            Rule::Spif(_) | Rule::Bonus(_) => None,
        })
        .collect();
    // One line per credit per component that pays per credit, so the vector never moves its
    // lines while growing; capacity that stays unused is never touched.
    let per_credit = plan
        .components
        .iter()
        .filter(|c| !matches!(c.rule, Rule::Bonus(_)))
        .count();
    let capacity = walked.credits.len() * per_credit + 8;
    let (mut lines, mut checkpoints) = match reuse {
        Some(Reuse {
            mut lines,
            mut checkpoints,
            changed_from,
        }) => {
            let index = checkpoints.at(changed_from);
            lines.truncate(checkpoints.lines_before(index));
            checkpoints.restore(index, &mut walks);
            // The room of the lines dropped is reused: a change to one deal usually leaves as
            // many lines as before, and reserving more would copy every kept line.
            (lines, checkpoints)
        }
        None => (Vec::with_capacity(capacity), Checkpoints::default()),
    };
    let kept = lines.len();
    let line = |index: usize, kind, date, trace| Line {
        component: u16::try_from(index).unwrap_or(u16::MAX),
        kind,
        date,
        amount: 0,
        trace,
    };
    let mut last_date = None;
    let Walked {
        credits,
        conversions,
    } = walked;
    for dated in credits {
        let (date, credit, minor) = (dated.date, dated.credit, dated.minor);
        if last_date != Some(date) {
            checkpoints.record(date, lines.len(), &walks);
            last_date = Some(date);
        }
        let money = major(minor, currency);
        let date = Some(date);
        let conversion = dated.conversion.map(|i| conversions[i as usize]);
        let credit_trace = CreditTrace {
            deal: credit.deal,
            kind: credit.kind,
            share: credit.share,
            deal_amount: credit.deal_amount,
            credit: minor,
        };
        for (index, (component, walk)) in plan.components.iter().zip(&mut walks).enumerate() {
            let pays = component.credit_kinds.contains(&credit.kind);
            let id = u16::try_from(index).unwrap_or(u16::MAX);
            match (&component.rule, walk) {
                (Rule::Rate(_), Some(walk)) => {
                    let step = walk.step(minor, money, pays);
                    if !step.true_up.is_empty() {
                        let pay = true_up_pay(&step.true_up);
                        let detail = true_up_detail(id, &step, credit.deal);
                        let trace = Trace::new(context, None, detail, pay);
                        let kind = LineKind::TrueUp {
                            tier: index_u16(step.reached),
                        };
                        lines.push(line(index, kind, date, trace));
                    }
                    if !pays || money.is_zero() {
                        continue;
                    }
                    let detail = Detail::Rate {
                        component: id,
                        position: step.position,
                        pieces: step.pieces,
                    };
                    let trace = Trace::new(context, Some(credit_trace), detail, step.pay)
                        .converted(conversion);
                    lines.push(line(index, LineKind::Commission, date, trace));
                }
                (Rule::Spif(spif), _)
                    if pays && qualifies(&spif.condition, credit, conversion.as_ref()) =>
                {
                    let detail = Detail::Spif { component: id };
                    let trace = Trace::new(
                        context,
                        Some(credit_trace),
                        detail,
                        spif_pay(spif, credit, money),
                    )
                    .converted(conversion);
                    lines.push(line(index, LineKind::Spif, date, trace));
                }
                _ => {}
            }
        }
    }
    checkpoints.record(NaiveDate::MAX, lines.len(), &walks);
    for (index, component) in plan.components.iter().enumerate() {
        let Rule::Bonus(bonus) = &component.rule else {
            continue;
        };
        let attained = attainment.unwrap_or(Decimal::ZERO);
        if attained >= bonus.attainment {
            let detail = Detail::Bonus(Box::new(BonusTrace {
                attainment: attained,
                threshold: bonus.attainment,
                amount: bonus.amount,
                factor,
            }));
            let pay = bonus.amount * factor;
            let trace = Trace::new(context, None, detail, pay);
            lines.push(line(index, LineKind::Bonus, None, trace));
        }
    }
    Built {
        lines,
        checkpoints,
        kept,
    }
}

fn table_trace(table: &TierTable, quota: Decimal) -> TableTrace {
    TableTrace {
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
                rate: t.rate,
            })
            .collect(),
    }
}

fn index_u16(tier: usize) -> u16 {
    u16::try_from(tier).unwrap_or(u16::MAX)
}

fn true_up_detail(component: u16, step: &Stepped, deal: DealId) -> Detail {
    Detail::TrueUp {
        component,
        reached: index_u16(step.reached),
        on_deal: deal,
        pieces: step
            .true_up
            .iter()
            .map(|p| TrueUpTrace {
                tier: index_u16(p.tier),
                money: p.money,
                old_rate: p.old_rate,
                new_rate: p.new_rate,
            })
            .collect(),
    }
}

/// Whether a credit's deal meets a SPIF's condition; a deal in another currency is compared
/// with the plan's minimum at the rate its credit was converted at.
fn qualifies(condition: &Condition, credit: &Credit, conversion: Option<&Conversion>) -> bool {
    let attribute_ok = condition.attribute.as_ref().is_none_or(|(name, value)| {
        credit.attributes.as_ref().and_then(|a| a.get(name)) == Some(value)
    });
    let amount_ok = condition.min_deal_amount.is_none_or(|min| {
        let deal_amount = money_major(credit.deal_amount);
        match conversion {
            Some(c) if c.original.currency == credit.deal_amount.currency => {
                deal_amount * c.rate >= min
            }
            _ => deal_amount >= min,
        }
    });
    attribute_ok && amount_ok
}

fn spif_pay(spif: &Spif, credit: &Credit, money: Decimal) -> Decimal {
    match spif.pays {
        SpifPay::Fixed(amount) => amount * share_fraction(credit.share),
        SpifPay::Rate(rate) => money * rate,
    }
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
