//! Traces: the numbers behind each statement line, and how they read.
//!
//! A trace is kept as data and turned into text only when someone reads it, so a full recompute
//! of a thousand reps does not format a million sentences nobody asked for. The text reads like
//! the arithmetic finance would write by hand:
//!
//! `deal 17: $120,000 × 50 % revenue split = $60,000 credit; attainment after this deal 112 % of
//! $500,000 → tier 100–150 %, 12 % marginal: $60,000 × 12 % = $7,200`

use crate::amount::{Rounding, fmt_money, fmt_number, fmt_percent, fmt_rate, major};
use crate::credit::CreditKind;
use crate::pieces::Pieces;
use crate::plan::{Measure, SpifPay};
use baton_model::{Currency, DealId, Percent};
use rust_decimal::Decimal;
use std::fmt;
use std::sync::Arc;

/// The numbers behind one line.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// Currency of every amount.
    pub currency: Currency,
    /// How the line was rounded.
    pub rounding: Rounding,
    /// The credit the line is about, if any.
    pub credit: Option<CreditTrace>,
    /// The rule applied.
    pub detail: Detail,
    /// What the rule computed, exactly.
    pub computed: Decimal,
    /// What is paid before rounding: `computed` after a gate.
    pub pay: Decimal,
    /// Gates and caps that changed the amount, in the order applied.
    pub adjustments: Vec<Adjustment>,
}

/// A credit, as the trace shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CreditTrace {
    /// The deal.
    pub deal: DealId,
    /// Revenue, overlay or roll-up.
    pub kind: CreditKind,
    /// The whole deal amount.
    pub deal_amount: Decimal,
    /// The rep's share.
    pub share: Percent,
    /// The credited amount.
    pub credit: Decimal,
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
}

/// A tier table as traces show it, shared by every line one statement has from it.
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
    fn label(&self, tier: u32) -> TierLabel {
        self.tiers[tier as usize]
    }
}

/// Part of a credit in one tier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PieceTrace {
    /// Index of the tier.
    pub tier: u32,
    /// The retroactive tier whose rate applies, when not this tier's own.
    pub rerated_by: Option<u32>,
    /// Money in it.
    pub money: Decimal,
    /// Rate paid.
    pub rate: Decimal,
}

/// Earlier money re-rated by a true-up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrueUpTrace {
    /// Index of the band's tier.
    pub tier: u32,
    /// Money in it before.
    pub money: Decimal,
    /// Rate paid before.
    pub old_rate: Decimal,
    /// Rate now.
    pub new_rate: Decimal,
}

/// The rule behind a line.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    /// A rate from a tier table (or a flat rate).
    Rate {
        /// The table.
        table: Arc<TableTrace>,
        /// Position after this credit: credited money so far, or the deal's own amount.
        position: Decimal,
        /// Where the credit landed.
        pieces: Pieces<PieceTrace>,
    },
    /// Earlier credits re-rated when a retroactive tier was reached.
    TrueUp {
        /// The table.
        table: Arc<TableTrace>,
        /// Index of the tier reached.
        reached: u32,
        /// The deal that reached it.
        on_deal: DealId,
        /// What was re-rated.
        pieces: Vec<TrueUpTrace>,
    },
    /// A SPIF.
    Spif {
        /// What it pays.
        pays: SpifPay,
        /// The condition, in words.
        condition: Option<String>,
    },
    /// A once-per-period bonus.
    Bonus {
        /// Attainment at the end of the period.
        attainment: Decimal,
        /// Attainment needed.
        threshold: Decimal,
        /// Full-period amount.
        amount: Decimal,
        /// Proration factor (1 for a full period).
        factor: Decimal,
    },
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
        currency: Currency,
        rounding: Rounding,
        credit: Option<CreditTrace>,
        detail: Detail,
        computed: Decimal,
    ) -> Self {
        Trace {
            currency,
            rounding,
            credit,
            detail,
            computed,
            pay: computed,
            adjustments: Vec::new(),
        }
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
        let money = |v: Decimal| fmt_money(v, self.currency);
        if let Some(c) = &self.credit {
            write!(
                f,
                "deal {}: {} × {} {} = {} credit; ",
                c.deal,
                money(c.deal_amount),
                c.share,
                c.kind.label(),
                money(c.credit)
            )?;
        }
        match &self.detail {
            Detail::Rate {
                table,
                position,
                pieces,
            } => {
                let quota = &table.quota;
                if table.flat {
                    let rate = pieces.first().map_or(Decimal::ZERO, |p| p.rate);
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
                    write!(f, "{} × {}", money(p.money), fmt_rate(p.rate))?;
                }
                write!(f, " = {}", money(self.computed))?;
            }
            Detail::TrueUp {
                table,
                reached,
                on_deal,
                pieces,
            } => {
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
            Detail::Spif { pays, condition } => {
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
                        money(c.credit),
                        fmt_rate(*rate),
                        money(self.computed)
                    )?,
                    _ => write!(f, ": {}", money(self.computed))?,
                }
            }
            Detail::Bonus {
                attainment,
                threshold,
                amount,
                factor,
            } => {
                write!(
                    f,
                    "attainment {} ≥ {} → bonus {}",
                    fmt_percent(*attainment),
                    fmt_percent(*threshold),
                    money(*amount)
                )?;
                if *factor != Decimal::ONE {
                    write!(
                        f,
                        " × {} prorated = {}",
                        fmt_rate(*factor),
                        money(self.computed)
                    )?;
                }
            }
        }
        for gate in self
            .adjustments
            .iter()
            .filter(|a| matches!(a, Adjustment::Gate { .. }))
        {
            write_adjustment(f, gate, self.currency, self.computed)?;
        }
        if self.pay.normalize().scale() > u32::from(self.currency.exponent()) {
            let minor = self.rounding.to_minor(self.pay, self.currency);
            write!(
                f,
                "; rounded {} to {}",
                self.rounding.name(),
                money(major(minor, self.currency))
            )?;
        }
        for cap in self
            .adjustments
            .iter()
            .filter(|a| !matches!(a, Adjustment::Gate { .. }))
        {
            write_adjustment(f, cap, self.currency, self.computed)?;
        }
        Ok(())
    }
}

fn write_piece(f: &mut fmt::Formatter<'_>, table: &TableTrace, p: &PieceTrace) -> fmt::Result {
    let tier = table.label(p.tier);
    match p.rerated_by {
        Some(by) => write!(
            f,
            "{tier} re-rated at {} by retroactive {}",
            fmt_rate(p.rate),
            table.label(by)
        ),
        None => write!(
            f,
            "{tier}, {} {}",
            fmt_rate(p.rate),
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
