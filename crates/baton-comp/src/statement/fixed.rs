//! The attainment walk of [`TierWalk`] in integers: money as minor units, the rates of one
//! table as integers at one shared scale (12 % and 1.5 % as 120 and 15 thousandths), so a
//! credit's pay is a sum of integer products instead of decimal arithmetic.
//!
//! The result is exactly the decimal walk's: a statement walks in integers only when every
//! tier bound is a whole number of minor units and every rate fits the shared scale, and a
//! pay is turned back into a decimal only when it fits one without rounding; otherwise the
//! decimal walk runs ([`Walk::Exact`]). Tests below and `tests/it/properties.rs` compare the
//! two on random tables and credits.

use super::tiers::{Step, TierWalk, TrueUpPiece};
use super::trace::PieceTrace;
use crate::pieces::Pieces;
use crate::plan::{Measure, TierTable};
use rust_decimal::Decimal;

/// Decimal's mantissa holds 96 bits and at most 28 fractional digits.
const MAX_SCALE: u32 = 28;

/// A tier table walked in integers or, when its numbers do not allow that, in decimals.
#[derive(Debug, Clone)]
pub(super) enum Walk<'p> {
    /// Integer minor units.
    Fixed(FixedWalk<'p>),
    /// Decimals.
    Exact(TierWalk<'p>),
}

impl<'p> Walk<'p> {
    /// Starts a walk like [`TierWalk::new`], in integers when the table and quota allow.
    pub(super) fn new(table: &'p TierTable, quota: Decimal, exponent: u32) -> Self {
        let exact = TierWalk::new(table, quota, exponent);
        match FixedWalk::new(&exact, exponent) {
            Some(fixed) => Walk::Fixed(fixed),
            None => Walk::Exact(exact),
        }
    }

    /// Adds a credit of `minor` units (`money` in major units).
    pub(super) fn step(&mut self, minor: i64, money: Decimal, paid: bool) -> Stepped {
        match self {
            Walk::Fixed(walk) => walk.step(minor, paid),
            Walk::Exact(walk) => Stepped::from(walk.step(money, paid)),
        }
    }

    /// Position, tier reached and money per band, as decimals for a checkpoint.
    pub(super) fn state(&self, bands: &mut Vec<Decimal>) -> (Decimal, usize) {
        match self {
            Walk::Fixed(walk) => {
                let exponent = walk.exponent;
                bands.extend(walk.band_money.iter().map(|m| decimal(*m, exponent)));
                (decimal(walk.position, exponent), walk.reached)
            }
            Walk::Exact(walk) => {
                bands.extend_from_slice(walk.band_money());
                (walk.position(), walk.reached())
            }
        }
    }

    /// How many bands a checkpoint holds for this walk.
    pub(super) fn bands(&self) -> usize {
        match self {
            Walk::Fixed(walk) => walk.band_money.len(),
            Walk::Exact(walk) => walk.band_money().len(),
        }
    }

    /// Puts the walk back where [`Walk::state`] found it.
    pub(super) fn restore(&mut self, position: Decimal, reached: usize, bands: &[Decimal]) {
        match self {
            Walk::Fixed(walk) => {
                walk.position = minor(position, walk.exponent);
                for (mine, band) in walk.band_money.iter_mut().zip(bands) {
                    *mine = minor(*band, walk.exponent);
                }
                walk.reached = reached;
                walk.rerate(reached);
            }
            Walk::Exact(walk) => walk.restore(position, reached, bands),
        }
    }
}

/// What one credit did to a tier table, in the form its trace keeps.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Stepped {
    /// Where the credit's money landed.
    pub pieces: Pieces<PieceTrace>,
    /// Position in the measure after the credit.
    pub position: Decimal,
    /// The tier reached after the credit.
    pub reached: usize,
    /// Earlier credits re-rated because this credit reached a retroactive tier.
    pub true_up: Vec<TrueUpPiece>,
    /// The pay for the credit's own money, exactly.
    pub pay: Decimal,
}

impl From<Step> for Stepped {
    fn from(step: Step) -> Self {
        Stepped {
            pay: step.pay(),
            pieces: step
                .pieces
                .iter()
                .map(|p| PieceTrace {
                    tier: index_u16(p.tier),
                    rerated_by: p.rerated_by.map(index_u16),
                    money: p.money,
                })
                .collect(),
            position: step.position,
            reached: step.reached,
            true_up: step.true_up,
        }
    }
}

fn index_u16(tier: usize) -> u16 {
    u16::try_from(tier).unwrap_or(u16::MAX)
}

/// A tier table walked in integer minor units.
#[derive(Debug, Clone)]
pub(super) struct FixedWalk<'p> {
    table: &'p TierTable,
    /// The currency's minor-unit digits.
    exponent: u32,
    /// Digits of the shared rate scale: a rate is `rates[i] / 10^scale`.
    scale: u32,
    rates: Vec<i64>,
    /// Tier bounds in minor units.
    bounds: Vec<(i128, Option<i128>)>,
    band_money: Vec<i128>,
    /// Per band, the tier whose rate it is paid at: its own or a retroactive one above.
    governing: Vec<usize>,
    reached: usize,
    position: i128,
}

impl<'p> FixedWalk<'p> {
    /// The integer form of a fresh decimal walk, when its bounds are whole minor units and its
    /// rates fit a shared scale.
    fn new(exact: &TierWalk<'p>, exponent: u32) -> Option<Self> {
        let table = exact.table();
        let scale = table
            .tiers
            .iter()
            .map(|t| t.rate.normalize().scale())
            .max()?;
        // A product of a credit and a rate carries `exponent + scale` digits.
        if exponent + scale > MAX_SCALE {
            return None;
        }
        let rates = table
            .tiers
            .iter()
            .map(|t| i64::try_from(whole(t.rate, scale)?).ok())
            .collect::<Option<Vec<i64>>>()?;
        let bounds = exact
            .bounds()
            .iter()
            .map(|(from, to)| {
                let to = match to {
                    Some(to) => Some(whole(*to, exponent)?),
                    None => None,
                };
                Some((whole(*from, exponent)?, to))
            })
            .collect::<Option<Vec<_>>>()?;
        let mut walk = FixedWalk {
            table,
            exponent,
            scale,
            rates,
            bounds,
            band_money: vec![0; table.tiers.len()],
            governing: (0..table.tiers.len()).collect(),
            reached: 0,
            position: 0,
        };
        walk.rerate(0);
        Some(walk)
    }

    /// [`TierWalk::step`] on `minor` units.
    fn step(&mut self, minor: i64, paid: bool) -> Stepped {
        if self.table.measure == Measure::DealAmount {
            self.band_money.fill(0);
            self.position = 0;
            self.reached = 0;
            self.rerate(0);
        }
        let start = self.position;
        let end = start + i128::from(minor);
        let first = self.reached;
        let mut reached = first;
        while self
            .bounds
            .get(reached + 1)
            .is_some_and(|(from, _)| *from <= end)
        {
            reached += 1;
        }
        let mut true_up = Vec::new();
        if reached > self.reached {
            let old = self.governing.clone();
            self.reached = reached;
            self.rerate(reached);
            for (tier, money) in self.band_money.iter().enumerate() {
                let (was, now) = (old[tier], self.governing[tier]);
                if *money != 0 && self.rates[was] != self.rates[now] {
                    true_up.push(TrueUpPiece {
                        tier,
                        money: decimal(*money, self.exponent),
                        old_rate: self.table.tiers[was].rate,
                        new_rate: self.table.tiers[now].rate,
                    });
                }
            }
        }
        let mut pieces = Pieces::new();
        // A piece is part of one credit, so it fits 64 bits, and so does a rate: their product
        // fits 128 bits, and so does the sum of a few.
        let mut pay: Option<i128> = Some(0);
        for tier in first..=reached {
            let (from, to) = self.bounds[tier];
            let low = start.max(from);
            let high = to.map_or(end, |to| end.min(to));
            if high > low {
                let money = i64::try_from(high - low).unwrap_or(minor);
                let by = self.governing[tier];
                let product = i128::from(money) * i128::from(self.rates[by]);
                pay = pay.and_then(|sum| sum.checked_add(product));
                pieces.push(PieceTrace {
                    tier: index_u16(tier),
                    rerated_by: (by != tier).then(|| index_u16(by)),
                    money: Decimal::new(money, self.exponent),
                });
                if paid {
                    self.band_money[tier] += i128::from(money);
                }
            }
        }
        self.position = end;
        let pay = pay
            .and_then(|sum| Decimal::try_from_i128_with_scale(sum, self.exponent + self.scale).ok())
            .unwrap_or_else(|| self.pay_in_decimals(&pieces));
        Stepped {
            pieces,
            position: decimal(end, self.exponent),
            reached,
            true_up,
            pay,
        }
    }

    /// The pay of `pieces` in decimals, for products too long for a decimal at the shared
    /// scale (the decimal walk rounds them the same way).
    fn pay_in_decimals(&self, pieces: &Pieces<PieceTrace>) -> Decimal {
        pieces
            .iter()
            .map(|p| p.money * self.table.tiers[usize::from(p.rerated_by.unwrap_or(p.tier))].rate)
            .sum()
    }

    /// [`TierWalk`]'s re-rating: each band reached is paid at the rate of the highest
    /// retroactive tier reached at or above it, or else at its own.
    fn rerate(&mut self, reached: usize) {
        let mut governing: Option<usize> = None;
        for tier in (0..self.table.tiers.len()).rev() {
            if tier > reached {
                self.governing[tier] = tier;
                continue;
            }
            if governing.is_none() && self.table.tiers[tier].retroactive {
                governing = Some(tier);
            }
            self.governing[tier] = governing.unwrap_or(tier);
        }
    }
}

/// `value × 10^digits` when that is a whole number.
fn whole(value: Decimal, digits: u32) -> Option<i128> {
    let scale = value.scale();
    if scale <= digits {
        value
            .mantissa()
            .checked_mul(10_i128.checked_pow(digits - scale)?)
    } else {
        let divisor = 10_i128.checked_pow(scale - digits)?;
        (value.mantissa() % divisor == 0).then(|| value.mantissa() / divisor)
    }
}

/// Minor units as a decimal: credited money stays far inside Decimal's 96 bits (a credit is at
/// most 10^15 minor units), as it must for the decimal walk too.
fn decimal(minor: i128, exponent: u32) -> Decimal {
    Decimal::try_from_i128_with_scale(minor, exponent)
        .expect("credited money within Decimal's range")
}

/// A decimal that [`decimal`] made, back in minor units.
fn minor(value: Decimal, exponent: u32) -> i128 {
    whole(value, exponent).expect("a checkpoint of an integer walk holds whole minor units")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Tier;
    use proptest::prelude::*;

    fn table(measure: Measure, tiers: &[(u32, u32, bool)], last_rate: u32) -> TierTable {
        // (width of the band in percent or dollars, rate in hundredths of a percent, retroactive)
        let mut from = 0;
        let mut out: Vec<Tier> = tiers
            .iter()
            .map(|&(width, rate, retroactive)| {
                let tier = Tier {
                    from: Decimal::from(from),
                    to: Some(Decimal::from(from + width)),
                    rate: Decimal::new(i64::from(rate), 4),
                    retroactive,
                };
                from += width;
                tier
            })
            .collect();
        out.push(Tier {
            from: Decimal::from(from),
            to: None,
            rate: Decimal::new(i64::from(last_rate), 4),
            retroactive: false,
        });
        TierTable {
            measure,
            tiers: out,
            gate: None,
        }
    }

    proptest! {
        /// Every step of the integer walk equals the decimal walk's: pieces, rates, position,
        /// tier reached, true-ups and pay.
        #[test]
        fn the_integer_walk_is_the_decimal_walk(
            tiers in prop::collection::vec((1_u32..120, 0_u32..10_000, any::<bool>()), 0..4),
            last_rate in 0_u32..10_000,
            measure in prop::sample::select(vec![
                Measure::Attainment, Measure::Amount, Measure::DealAmount,
            ]),
            // Whole dollars put every bound on a cent (the integer walk); other quotas often
            // put one between cents (the decimal walk).
            quota_cents in prop_oneof![
                (1_i64..1_000_000).prop_map(|dollars| dollars * 100),
                1_i64..100_000_000,
            ],
            credits in prop::collection::vec((0_i64..20_000_000, any::<bool>()), 0..30),
        ) {
            let table = table(measure, &tiers, last_rate);
            let quota = Decimal::new(quota_cents, 2);
            let mut exact = TierWalk::new(&table, quota, 2);
            let mut walk = Walk::new(&table, quota, 2);
            if quota_cents % 100 == 0 {
                prop_assert!(matches!(walk, Walk::Fixed(_)));
            }
            for (minor, paid) in credits {
                let money = Decimal::new(minor, 2);
                let expected = Stepped::from(exact.step(money, paid));
                let step = walk.step(minor, money, paid);
                prop_assert_eq!(&step, &expected);
            }
        }
    }

    #[test]
    fn a_quota_that_puts_a_bound_between_cents_walks_in_decimals() {
        let table = table(Measure::Attainment, &[(1, 1_000, false)], 1_200);
        // 1 % of $0.50 is half a cent.
        assert!(matches!(
            Walk::new(&table, Decimal::new(50, 2), 2),
            Walk::Exact(_)
        ));
        assert!(matches!(
            Walk::new(&table, Decimal::new(100, 2), 2),
            Walk::Fixed(_)
        ));
    }
}
