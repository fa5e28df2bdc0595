//! A trace as one sentence: the credit, the rule, then what changed the amount after it.
//!
//! Gates come before the rounding note and caps after it, because that is the order they are
//! applied in: a gate scales what the rule computed, the amount is rounded, and a cap holds
//! back part of the rounded amount.

use super::phrases::{write_adjustment, write_conversion, write_draw, write_piece};
use super::{Adjustment, Detail, Trace};
use crate::amount::{fmt_money, fmt_percent, fmt_rate, major, money_major};
use crate::plan::{Measure, SpifPay};
use baton_model::Money;
use rust_decimal::Decimal;
use std::fmt;

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
