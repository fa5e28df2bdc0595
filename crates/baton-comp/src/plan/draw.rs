//! Checks of the `[draw]` table: a guarantee above zero, whole period numbers from 1, and
//! recovery settings only on a recoverable draw.

use super::Draw;
use super::check::Checker;
use super::file::RawDraw;
use rust_decimal::Decimal;
use toml::Spanned;

pub(super) fn check_draw(c: &mut Checker<'_>, raw: &RawDraw) -> Draw {
    let amount = c.positive(&raw.amount, "draw.amount");
    let recoverable = *raw.recoverable.get_ref();
    let periods = raw
        .periods
        .as_ref()
        .map(|p| period_number(c, p, "draw.periods"));
    if !recoverable {
        for (value, field) in [
            (
                raw.recovery_starts_period.as_ref().map(Spanned::span),
                "draw.recovery_starts_period",
            ),
            (
                raw.recovery_pct.as_ref().map(Spanned::span),
                "draw.recovery_pct",
            ),
        ] {
            if let Some(span) = value {
                c.error(
                    span,
                    field,
                    "a non-recoverable draw is never recovered; remove it",
                );
            }
        }
    }
    let recovery_starts = raw
        .recovery_starts_period
        .as_ref()
        .map_or(2, |p| period_number(c, p, "draw.recovery_starts_period"));
    let recovery_rate = raw
        .recovery_pct
        .as_ref()
        .map_or(Decimal::ONE, |p| c.rate(p, "draw.recovery_pct"));
    Draw {
        amount,
        recoverable,
        periods,
        recovery_starts,
        recovery_rate,
    }
}

fn period_number(c: &mut Checker<'_>, value: &Spanned<i64>, field: &str) -> u32 {
    match u32::try_from(*value.get_ref()) {
        Ok(n) if n >= 1 => n,
        _ => {
            c.error(
                value.span(),
                field,
                "must be a whole number of periods from 1",
            );
            1
        }
    }
}
