//! The phrases a trace sentence is built from: a tier's name, a currency conversion, a draw or
//! recovery, a piece of a credit in a tier, and a gate or cap.
//!
//! Kept apart from `render` so the sentence's order reads in one place and the wording of each
//! part in another.

use super::{Adjustment, Conversion, DrawTrace, PieceTrace, TableTrace, TierLabel, TraceContext};
use crate::amount::{
    fmt_money, fmt_money_exact, fmt_number, fmt_percent, fmt_rate, major, money_major,
};
use crate::plan::Measure;
use crate::statement::LineKind;
use baton_model::Currency;
use rust_decimal::Decimal;
use std::fmt;

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

/// `€50,000 × 1.0842 (EUR→USD on 2026-08-14) = $54,210.00; `: the converted credit shows every
/// minor digit, since it is an amount of money and not a rate.
pub(super) fn write_conversion(
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

/// A draw paid (`guarantee − earned = draw`) or a recovery of earlier draws.
pub(super) fn write_draw(
    f: &mut fmt::Formatter<'_>,
    d: &DrawTrace,
    currency: Currency,
    computed: Decimal,
) -> fmt::Result {
    let money = |v: Decimal| fmt_money(v, currency);
    if d.kind == LineKind::Draw {
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

/// Part of a credit in one tier: the tier, its rate, and whether it is marginal, retroactive or
/// re-rated by a retroactive tier reached later.
pub(super) fn write_piece(
    f: &mut fmt::Formatter<'_>,
    table: &TableTrace,
    p: &PieceTrace,
) -> fmt::Result {
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

/// A gate or cap, with what it left of the line.
pub(super) fn write_adjustment(
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
