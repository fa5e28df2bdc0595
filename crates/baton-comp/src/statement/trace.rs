//! Traces: the numbers behind each statement line, and how they read.
//!
//! A trace is kept as data and turned into text only when someone reads it, so a full recompute
//! of a thousand reps does not format a million sentences nobody asked for. The text reads like
//! the arithmetic finance would write by hand:
//!
//! `deal 17: $120,000 × 50 % revenue split = $60,000 credit; attainment after this deal 112 % of
//! $500,000 → tier 100–150 %, 12 % marginal: $60,000 × 12 % = $7,200`

use crate::amount::{
    Rounding, fmt_money, fmt_money_exact, fmt_number, fmt_percent, fmt_rate, major, money_major,
};
use crate::credit::CreditKind;
use crate::pieces::Pieces;
use crate::plan::{Measure, SpifPay};
use baton_model::{Currency, DealId, Money, Percent};
use rust_decimal::Decimal;
use std::fmt;
use std::sync::Arc;

/// What every line of one statement shares: how its amounts read and the plan's rules as
/// traces name them. Lines point at it instead of copying it, so a line stays small.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceContext {
    /// Currency of every amount.
    pub currency: Currency,
    /// How lines are rounded.
    pub rounding: Rounding,
    /// Component ids, by component index (part of every ledger key).
    pub components: Vec<Arc<str>>,
    /// Each rate component's table, by component index.
    pub tables: Vec<Option<TableTrace>>,
    /// Each SPIF component's pay and condition in words, by component index.
    pub spifs: Vec<Option<(SpifPay, Option<String>)>>,
}

impl TraceContext {
    fn table(&self, component: u16) -> &TableTrace {
        self.tables[usize::from(component)]
            .as_ref()
            .expect("a rate line names a rate component")
    }
}

/// The numbers behind one line.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// What the statement's lines share.
    pub context: Arc<TraceContext>,
    /// The credit the line is about, if any.
    pub credit: Option<CreditTrace>,
    /// The rule applied.
    pub detail: Detail,
    /// What the rule computed, exactly.
    pub computed: Decimal,
    /// What few lines have (gates, caps, a currency conversion), boxed so that the usual line
    /// carries one word for it: a large run holds millions of lines.
    extra: Option<Box<Extra>>,
}

/// The rarely present parts of a trace.
#[derive(Debug, Clone, PartialEq, Default)]
struct Extra {
    adjustments: Vec<Adjustment>,
    conversion: Option<Conversion>,
}

/// A credit in another currency than the plan's, converted at the rate of its credit date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conversion {
    /// The credit in the deal's currency.
    pub original: Money,
    /// Plan-currency units per unit of the deal's currency.
    pub rate: Decimal,
    /// The date of the rate applied: the latest on or before the credit date.
    pub rate_date: chrono::NaiveDate,
    /// The credit date.
    pub credit_date: chrono::NaiveDate,
    /// `original × rate` in major units of the plan currency, before rounding.
    pub exact: Decimal,
}

/// A credit, as the trace shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CreditTrace {
    /// The deal.
    pub deal: DealId,
    /// Revenue, overlay or roll-up.
    pub kind: CreditKind,
    /// The rep's share.
    pub share: Percent,
    /// The whole deal amount.
    pub deal_amount: Money,
    /// The credited amount, in minor units of the statement currency.
    pub credit: i64,
}

/// A tier, as the trace names it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TierLabel {
    /// What its bounds measure.
    pub measure: Measure,
    /// Lower bound.
    pub from: Decimal,
    /// Upper bound, if any.
    pub to: Option<Decimal>,
    /// Whether it is retroactive.
    pub retroactive: bool,
    /// Its own rate.
    pub rate: Decimal,
}

/// A tier table as traces show it.
#[derive(Debug, Clone, PartialEq)]
pub struct TableTrace {
    /// What the bounds measure.
    pub measure: Measure,
    /// A single open tier: a flat rate.
    pub flat: bool,
    /// The prorated quota.
    pub quota: Decimal,
    /// The tiers.
    pub tiers: Vec<TierLabel>,
}

impl TableTrace {
    fn label(&self, tier: u16) -> TierLabel {
        self.tiers[usize::from(tier)]
    }
}

/// Part of a credit in one tier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PieceTrace {
    /// Money in it.
    pub money: Decimal,
    /// Index of the tier.
    pub tier: u16,
    /// The retroactive tier whose rate applies, when not this tier's own.
    pub rerated_by: Option<u16>,
}

impl PieceTrace {
    /// The rate paid: the re-rating tier's, or the tier's own.
    pub fn rate(&self, table: &TableTrace) -> Decimal {
        table.label(self.rerated_by.unwrap_or(self.tier)).rate
    }
}

/// Earlier money re-rated by a true-up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrueUpTrace {
    /// Index of the band's tier.
    pub tier: u16,
    /// Money in it before.
    pub money: Decimal,
    /// Rate paid before.
    pub old_rate: Decimal,
    /// Rate now.
    pub new_rate: Decimal,
}

/// A once-per-period bonus, as the trace shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BonusTrace {
    /// Attainment at the end of the period.
    pub attainment: Decimal,
    /// Attainment needed.
    pub threshold: Decimal,
    /// Full-period amount.
    pub amount: Decimal,
    /// Proration factor (1 for a full period).
    pub factor: Decimal,
}

/// The rule behind a line.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    /// A rate from a tier table (or a flat rate).
    Rate {
        /// The component whose table applies.
        component: u16,
        /// Position after this credit: credited money so far, or the deal's own amount.
        position: Decimal,
        /// Where the credit landed.
        pieces: Pieces<PieceTrace>,
    },
    /// Earlier credits re-rated when a retroactive tier was reached.
    TrueUp {
        /// The component whose table applies.
        component: u16,
        /// Index of the tier reached.
        reached: u16,
        /// The deal that reached it.
        on_deal: DealId,
        /// What was re-rated.
        pieces: Vec<TrueUpTrace>,
    },
    /// A SPIF.
    Spif {
        /// The SPIF component.
        component: u16,
    },
    /// A once-per-period bonus.
    Bonus(Box<BonusTrace>),
    /// A draw paid, or a recovery of earlier draws.
    Draw(Box<DrawTrace>),
    /// Commission taken back for a refunded or churned deal.
    Clawback(Box<ClawbackTrace>),
}

/// A clawback, as the trace shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClawbackTrace {
    /// Refund or churn.
    pub reason: crate::clawback::ClawbackReason,
    /// The credit date the commission was paid on.
    pub credited_on: chrono::NaiveDate,
    /// When the deal was refunded or churned.
    pub on: chrono::NaiveDate,
    /// Days between the two.
    pub days: i64,
    /// The plan's clawback window in days.
    pub within: u32,
    /// The amount of the deal refunded or churned.
    pub reversed: Decimal,
    /// The rep's share of it.
    pub reversed_credit: Decimal,
    /// Commission paid on the credit then.
    pub paid: Decimal,
    /// The rate paid then: `paid` over the credit.
    pub rate: Decimal,
}

/// A draw or a recovery, as the trace shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DrawTrace {
    /// [`LineKind::Draw`](super::LineKind::Draw) or
    /// [`LineKind::Recovery`](super::LineKind::Recovery).
    pub kind: super::LineKind,
    /// The guarantee for the period (prorated).
    pub guarantee: Decimal,
    /// Whether the draw is paid in this period.
    pub in_force: bool,
    /// Whether draws are owed back.
    pub recoverable: bool,
    /// What the period earned before the draw.
    pub earned: Decimal,
    /// Owed by the rep at the start of the period.
    pub owed_before: Decimal,
    /// Owed by the rep at the end of the period.
    pub owed_after: Decimal,
    /// Fraction of earnings above the guarantee that is recovered.
    pub recovery_rate: Decimal,
    /// Earnings above the guarantee (or all earnings once the draw has ended).
    pub recovered_from: Decimal,
}

/// Something that changed a line's amount after its rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Adjustment {
    /// Attainment ended below a gate.
    Gate {
        /// Attainment at the end of the period.
        attainment: Decimal,
        /// The gate.
        below: Decimal,
        /// Fraction still paid.
        pay: Decimal,
    },
    /// The per-deal cap was reached.
    DealCap {
        /// The cap.
        cap: Decimal,
        /// Already paid on this deal by earlier lines.
        already: Decimal,
        /// The line before the cap.
        before: Decimal,
    },
    /// The per-period cap was reached.
    PeriodCap {
        /// The (prorated) cap.
        cap: Decimal,
        /// Already paid in the period by earlier lines.
        already: Decimal,
        /// The line before the cap.
        before: Decimal,
    },
}

impl Trace {
    pub(super) fn new(
        context: &Arc<TraceContext>,
        credit: Option<CreditTrace>,
        detail: Detail,
        computed: Decimal,
    ) -> Self {
        Trace {
            context: Arc::clone(context),
            credit,
            detail,
            computed,
            extra: None,
        }
    }

    /// The same trace for a credit that was converted from another currency.
    pub(super) fn converted(mut self, conversion: Option<Conversion>) -> Self {
        if conversion.is_some() {
            self.extra.get_or_insert_default().conversion = conversion;
        }
        self
    }

    /// Gates and caps that changed the amount, in the order applied.
    pub fn adjustments(&self) -> &[Adjustment] {
        self.extra.as_ref().map_or(&[], |e| &e.adjustments)
    }

    /// How the credit was converted into the plan currency, when it was in another.
    pub fn conversion(&self) -> Option<&Conversion> {
        self.extra.as_ref().and_then(|e| e.conversion.as_ref())
    }

    /// The gates and caps, to restate a kept line's gate at a new attainment.
    pub(super) fn adjustments_mut(&mut self) -> &mut [Adjustment] {
        self.extra
            .as_mut()
            .map_or(&mut [], |e| e.adjustments.as_mut_slice())
    }

    /// Records a gate or cap that changed the amount.
    pub(super) fn adjust(&mut self, adjustment: Adjustment) {
        self.extra
            .get_or_insert_default()
            .adjustments
            .push(adjustment);
    }

    /// What is paid before rounding: `computed`, scaled by a gate that closed.
    pub fn pay(&self) -> Decimal {
        self.adjustments()
            .iter()
            .find_map(|a| match a {
                Adjustment::Gate { pay, .. } => Some(self.computed * *pay),
                _ => None,
            })
            .unwrap_or(self.computed)
    }
}

impl fmt::Display for TierLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bound = fmt_number;
        let unit = if self.measure == Measure::Attainment {
            " %"
        } else {
            ""
        };
        match self.to {
            Some(to) => write!(f, "tier {}–{}{unit}", bound(self.from), bound(to)),
            None => write!(f, "tier {}{unit}+", bound(self.from)),
        }
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let context = &*self.context;
        let currency = context.currency;
        let money = |v: Decimal| fmt_money(v, currency);
        if let Some(c) = &self.credit {
            let credited = self.conversion().map_or(
                Money {
                    minor: c.credit,
                    currency,
                },
                |conversion| conversion.original,
            );
            write!(
                f,
                "deal {}: {} × {} {} = {} credit; ",
                c.deal,
                fmt_money(money_major(c.deal_amount), c.deal_amount.currency),
                c.share,
                c.kind.label(),
                fmt_money(money_major(credited), credited.currency)
            )?;
            if let Some(conversion) = self.conversion() {
                write_conversion(f, conversion, c.credit, context)?;
            }
        }
        match &self.detail {
            Detail::Rate {
                component,
                position,
                pieces,
            } => {
                let table = context.table(*component);
                let quota = &table.quota;
                if table.flat {
                    let rate = pieces.first().map_or(Decimal::ZERO, |p| p.rate(table));
                    write!(f, "flat {}", fmt_rate(rate))?;
                } else {
                    match table.measure {
                        Measure::Attainment => write!(
                            f,
                            "attainment after this deal {} of {} → ",
                            fmt_percent(*position / *quota * Decimal::ONE_HUNDRED),
                            money(*quota)
                        )?,
                        Measure::Amount => {
                            write!(f, "credited so far {} → ", money(*position))?;
                        }
                        Measure::DealAmount => {
                            write!(f, "tiers on this credit alone → ")?;
                        }
                    }
                    for (i, p) in pieces.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write_piece(f, table, p)?;
                        if pieces.len() > 1 {
                            write!(f, " on {}", money(p.money))?;
                        }
                    }
                }
                f.write_str(": ")?;
                for (i, p) in pieces.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" + ")?;
                    }
                    write!(f, "{} × {}", money(p.money), fmt_rate(p.rate(table)))?;
                }
                write!(f, " = {}", money(self.computed))?;
            }
            Detail::TrueUp {
                component,
                reached,
                on_deal,
                pieces,
            } => {
                let table = context.table(*component);
                write!(
                    f,
                    "deal {on_deal} reached {}, which is retroactive: earlier credits re-rated: ",
                    table.label(*reached)
                )?;
                for (i, p) in pieces.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" + ")?;
                    }
                    write!(
                        f,
                        "{} in {} × ({} − {})",
                        money(p.money),
                        table.label(p.tier),
                        fmt_rate(p.new_rate),
                        fmt_rate(p.old_rate)
                    )?;
                }
                write!(f, " = {}", money(self.computed))?;
            }
            Detail::Spif { component } => {
                let (pays, condition) = context.spifs[usize::from(*component)]
                    .as_ref()
                    .expect("a spif line names a spif component");
                f.write_str("spif")?;
                if let Some(condition) = condition {
                    write!(f, " when {condition}")?;
                }
                match (pays, &self.credit) {
                    (SpifPay::Fixed(amount), Some(c)) => write!(
                        f,
                        ": {} × {} share = {}",
                        money(*amount),
                        c.share,
                        money(self.computed)
                    )?,
                    (SpifPay::Rate(rate), Some(c)) => write!(
                        f,
                        ": {} × {} = {}",
                        money(major(c.credit, currency)),
                        fmt_rate(*rate),
                        money(self.computed)
                    )?,
                    _ => write!(f, ": {}", money(self.computed))?,
                }
            }
            Detail::Draw(draw) => write_draw(f, draw, currency, self.computed)?,
            Detail::Clawback(c) => write!(
                f,
                "{} on {}, {} days after its credit date {} (clawback within {} days): \
                 {} × {} share = {} reversed × {} rate originally paid ({} paid) = {}",
                c.reason.label(),
                c.on,
                c.days,
                c.credited_on,
                c.within,
                money(c.reversed),
                self.credit
                    .map_or_else(String::new, |cr| cr.share.to_string()),
                money(c.reversed_credit),
                fmt_rate(c.rate),
                money(c.paid),
                money(self.computed)
            )?,
            Detail::Bonus(bonus) => {
                write!(
                    f,
                    "attainment {} ≥ {} → bonus {}",
                    fmt_percent(bonus.attainment),
                    fmt_percent(bonus.threshold),
                    money(bonus.amount)
                )?;
                if bonus.factor != Decimal::ONE {
                    write!(
                        f,
                        " × {} prorated = {}",
                        fmt_rate(bonus.factor),
                        money(self.computed)
                    )?;
                }
            }
        }
        for gate in self
            .adjustments()
            .iter()
            .filter(|a| matches!(a, Adjustment::Gate { .. }))
        {
            write_adjustment(f, gate, currency, self.computed)?;
        }
        let pay = self.pay();
        if pay.normalize().scale() > u32::from(currency.exponent()) {
            let minor = context.rounding.to_minor(pay, currency);
            write!(
                f,
                "; rounded {} to {}",
                context.rounding.name(),
                money(major(minor, currency))
            )?;
        }
        for cap in self
            .adjustments()
            .iter()
            .filter(|a| !matches!(a, Adjustment::Gate { .. }))
        {
            write_adjustment(f, cap, currency, self.computed)?;
        }
        Ok(())
    }
}

/// `€50,000 × 1.0842 (EUR→USD on 2026-08-14) = $54,210.00; `: the converted credit shows every
/// minor digit, since it is an amount of money and not a rate.
fn write_conversion(
    f: &mut fmt::Formatter<'_>,
    c: &Conversion,
    credit: i64,
    context: &TraceContext,
) -> fmt::Result {
    let currency = context.currency;
    write!(
        f,
        "{} × {} ({}→{} ",
        fmt_money(money_major(c.original), c.original.currency),
        c.rate.normalize(),
        c.original.currency,
        currency
    )?;
    if c.rate_date == c.credit_date {
        write!(f, "on {})", c.rate_date)?;
    } else {
        write!(
            f,
            "of {}, the latest on or before {})",
            c.rate_date, c.credit_date
        )?;
    }
    let exponent = u32::from(currency.exponent());
    let mut rounded = major(credit, currency);
    rounded.rescale(exponent);
    if c.exact.normalize().scale() > exponent {
        write!(
            f,
            " = {} rounded {} to {}; ",
            fmt_money(c.exact, currency),
            context.rounding.name(),
            fmt_money_exact(rounded, currency)
        )
    } else {
        write!(f, " = {}; ", fmt_money_exact(rounded, currency))
    }
}

fn write_draw(
    f: &mut fmt::Formatter<'_>,
    d: &DrawTrace,
    currency: Currency,
    computed: Decimal,
) -> fmt::Result {
    let money = |v: Decimal| fmt_money(v, currency);
    if d.kind == super::LineKind::Draw {
        write!(
            f,
            "guarantee {} − earned {} = draw {}",
            money(d.guarantee),
            money(d.earned),
            money(computed)
        )?;
        if d.recoverable {
            write!(
                f,
                " (recoverable: owed {} + {} = {})",
                money(d.owed_before),
                money(computed),
                money(d.owed_after)
            )
        } else {
            f.write_str(" (non-recoverable)")
        }
    } else {
        let floor = if d.in_force {
            format!("above the guarantee {}", money(d.guarantee))
        } else {
            "(the draw has ended)".to_owned()
        };
        write!(
            f,
            "recovery of draws: owed {}; earned {} {floor}: {} × {} = {}, recovered {}, \
             owed {} − {} = {}",
            money(d.owed_before),
            money(d.earned),
            money(d.recovered_from),
            fmt_rate(d.recovery_rate),
            money(d.recovered_from * d.recovery_rate),
            money(-computed),
            money(d.owed_before),
            money(-computed),
            money(d.owed_after)
        )
    }
}

fn write_piece(f: &mut fmt::Formatter<'_>, table: &TableTrace, p: &PieceTrace) -> fmt::Result {
    let tier = table.label(p.tier);
    match p.rerated_by {
        Some(by) => write!(
            f,
            "{tier} re-rated at {} by retroactive {}",
            fmt_rate(p.rate(table)),
            table.label(by)
        ),
        None => write!(
            f,
            "{tier}, {} {}",
            fmt_rate(p.rate(table)),
            if tier.retroactive {
                "retroactive"
            } else {
                "marginal"
            }
        ),
    }
}

fn write_adjustment(
    f: &mut fmt::Formatter<'_>,
    adjustment: &Adjustment,
    currency: Currency,
    computed: Decimal,
) -> fmt::Result {
    let money = |v: Decimal| fmt_money(v, currency);
    match *adjustment {
        Adjustment::Gate {
            attainment,
            below,
            pay,
        } => write!(
            f,
            "; gate: attainment {} is below {} → {} × {} paid = {}",
            fmt_percent(attainment),
            fmt_percent(below),
            money(computed),
            fmt_rate(pay),
            money(computed * pay)
        ),
        Adjustment::DealCap {
            cap,
            already,
            before,
        } => write!(
            f,
            "; per-deal cap {}: {} already paid on this deal, so {} of {} is paid",
            money(cap),
            money(already),
            money((cap - already).max(Decimal::ZERO)),
            money(before)
        ),
        Adjustment::PeriodCap {
            cap,
            already,
            before,
        } => write!(
            f,
            "; period cap {}: {} already paid this period, so {} of {} is paid",
            money(cap),
            money(already),
            money((cap - already).max(Decimal::ZERO)),
            money(before)
        ),
    }
}
