//! The attainment walk: credits, in credit-date order, fill the bands of a tier table.
//!
//! A marginal tier pays its own band only: with 0–100 % at 10 % and 100–150 % at 12 %, a deal
//! that takes a rep from 90 % to 110 % of a $100,000 quota pays $10,000 × 10 % + $10,000 × 12 %.
//! A retroactive tier, once reached, re-rates every band below it at its own rate: the deal that
//! reaches it pays at the new rate, and a true-up line lifts what earlier deals were paid. The two
//! can mix in one table: QuotaPath's "Accelerators & Decelerators" template pays half the base
//! rate up to 50 % of quota, the full base rate retroactively from 50 %, and 1.5× the base rate
//! only on what is sold past 100 %
//! (<https://comp.quotapath.com/account-executive/accelerators-decelerators>).
//!
//! Where the bands of one deal's credit end is Oracle's step rate ("split nonproportionally
//! across rate tiers",
//! <https://docs.oracle.com/en/cloud/saas/sales/facmi/examples-of-calculating-earnings-using-step-rates.html>),
//! and a value on a shared bound belongs to the higher tier.

use crate::pieces::Pieces;
use crate::plan::{Measure, TierTable};
use rust_decimal::Decimal;

/// The part of one credit that fell in one band, and the rate it was paid at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Piece {
    /// Index of the band's tier.
    pub tier: usize,
    /// The credited money in the band (major units).
    pub money: Decimal,
    /// The rate paid: the tier's own, or a higher retroactive tier's.
    pub rate: Decimal,
    /// The retroactive tier whose rate re-rated this band, when not the band's own.
    pub rerated_by: Option<usize>,
}

/// Money already paid in one band whose rate changed when a retroactive tier was reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrueUpPiece {
    /// Index of the band's tier.
    pub tier: usize,
    /// Money credited in the band by earlier credits.
    pub money: Decimal,
    /// The rate it was paid at.
    pub old_rate: Decimal,
    /// The rate it is paid at now.
    pub new_rate: Decimal,
}

/// What one credit did to a tier table.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Where the credit's money landed and at what rate.
    pub pieces: Pieces<Piece>,
    /// Position in the measure after the credit (cumulative money, or the deal amount).
    pub position: Decimal,
    /// The tier reached after the credit.
    pub reached: usize,
    /// Earlier credits re-rated because this credit reached a retroactive tier.
    pub true_up: Vec<TrueUpPiece>,
}

impl Step {
    /// The pay for this credit's own money.
    pub fn pay(&self) -> Decimal {
        self.pieces.iter().map(|p| p.money * p.rate).sum()
    }
}

/// The sum of a true-up.
pub fn true_up_pay(pieces: &[TrueUpPiece]) -> Decimal {
    pieces
        .iter()
        .map(|p| p.money * (p.new_rate - p.old_rate))
        .sum()
}

/// A tier table being walked for one rep and period.
#[derive(Debug, Clone)]
pub struct TierWalk<'p> {
    table: &'p TierTable,
    /// Tier bounds in money (major units): attainment bounds times the quota.
    bounds: Vec<(Decimal, Option<Decimal>)>,
    band_money: Vec<Decimal>,
    effective: Vec<Decimal>,
    rerated_by: Vec<Option<usize>>,
    reached: usize,
    position: Decimal,
}

impl<'p> TierWalk<'p> {
    /// Starts a walk; `quota` is the prorated quota that attainment bounds are percentages of,
    /// and `exponent` the currency's minor-unit digits, the scale credits come in.
    pub fn new(table: &'p TierTable, quota: Decimal, exponent: u32) -> Self {
        let scale = |bound: Decimal| {
            let mut money = match table.measure {
                Measure::Attainment => bound * quota / Decimal::ONE_HUNDRED,
                Measure::Amount | Measure::DealAmount => bound,
            };
            // Bounds in the credits' scale compare without rescaling on every step.
            if money.round_dp(exponent) == money {
                money.rescale(exponent);
            }
            money
        };
        let bounds = table
            .tiers
            .iter()
            .map(|t| (scale(t.from), t.to.map(scale)))
            .collect();
        let mut walk = TierWalk {
            table,
            bounds,
            band_money: vec![Decimal::ZERO; table.tiers.len()],
            effective: table.tiers.iter().map(|t| t.rate).collect(),
            rerated_by: vec![None; table.tiers.len()],
            reached: 0,
            position: Decimal::new(0, exponent),
        };
        walk.rerate(0);
        walk
    }

    /// The table walked.
    pub fn table(&self) -> &'p TierTable {
        self.table
    }

    /// Position after the credits so far: credited money, or the last deal's amount.
    pub fn position(&self) -> Decimal {
        self.position
    }

    /// Index of the highest tier reached.
    pub fn reached(&self) -> usize {
        self.reached
    }

    /// Tier bounds in money (major units).
    pub(super) fn bounds(&self) -> &[(Decimal, Option<Decimal>)] {
        &self.bounds
    }

    /// Money paid in each band so far.
    pub fn band_money(&self) -> &[Decimal] {
        &self.band_money
    }

    /// Puts the walk where an earlier one was, as its `position`, `reached` and `band_money`
    /// said.
    pub fn restore(&mut self, position: Decimal, reached: usize, band_money: &[Decimal]) {
        self.position = position;
        self.reached = reached;
        self.band_money.copy_from_slice(band_money);
        self.rerate(reached);
    }

    /// Adds one credit of `money` (major units, not negative). A credit that this component
    /// does not pay on (`paid` false) still moves attainment, but its money is never re-rated.
    pub fn step(&mut self, money: Decimal, paid: bool) -> Step {
        if self.table.measure == Measure::DealAmount {
            // Each credit stands alone: start from an empty table.
            self.band_money.fill(Decimal::ZERO);
            self.position = Decimal::new(0, self.position.scale());
            self.reached = 0;
            self.rerate(0);
        }
        let start = self.position;
        let end = start + money;
        // Credits are never negative, so the walk only climbs: look above the tier reached.
        let first = self.reached;
        let mut reached = first;
        while self
            .bounds
            .get(reached + 1)
            .is_some_and(|(from, _)| *from <= end)
        {
            reached += 1;
        }
        // Reaching a higher tier may re-rate bands already paid: compare the rates before and
        // after, which is rare enough to clone them only then.
        let mut true_up = Vec::new();
        if reached > self.reached {
            let old_effective = self.effective.clone();
            self.reached = reached;
            self.rerate(reached);
            for (tier, money) in self.band_money.iter().enumerate() {
                if !money.is_zero() && old_effective[tier] != self.effective[tier] {
                    true_up.push(TrueUpPiece {
                        tier,
                        money: *money,
                        old_rate: old_effective[tier],
                        new_rate: self.effective[tier],
                    });
                }
            }
        }
        let mut pieces = Pieces::new();
        // The credit starts in the band of the tier reached before it and ends in the one
        // reached after it.
        for (tier, (from, to)) in self.bounds.iter().enumerate().take(reached + 1).skip(first) {
            let low = start.max(*from);
            let high = to.map_or(end, |to| end.min(to));
            if high > low {
                pieces.push(Piece {
                    tier,
                    money: high - low,
                    rate: self.effective[tier],
                    rerated_by: self.rerated_by[tier],
                });
            }
        }
        if paid {
            for piece in &pieces {
                self.band_money[piece.tier] += piece.money;
            }
        }
        self.position = end;
        Step {
            pieces,
            position: end,
            reached,
            true_up,
        }
    }

    /// Sets each band's rate once tier `reached` is reached: the rate of the highest retroactive
    /// tier reached at or above the band, or else the band's own.
    fn rerate(&mut self, reached: usize) {
        let mut governing: Option<usize> = None;
        for tier in (0..self.table.tiers.len()).rev() {
            if tier > reached {
                self.effective[tier] = self.table.tiers[tier].rate;
                self.rerated_by[tier] = None;
                continue;
            }
            if governing.is_none() && self.table.tiers[tier].retroactive {
                governing = Some(tier);
            }
            let by = governing.filter(|g| *g != tier);
            self.effective[tier] =
                governing.map_or(self.table.tiers[tier].rate, |g| self.table.tiers[g].rate);
            self.rerated_by[tier] = by;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Tier;
    use std::str::FromStr;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn table(measure: Measure, tiers: &[(&str, Option<&str>, &str, bool)]) -> TierTable {
        TierTable {
            measure,
            tiers: tiers
                .iter()
                .map(|(from, to, rate, retroactive)| Tier {
                    from: dec(from),
                    to: to.map(dec),
                    rate: dec(rate) / Decimal::ONE_HUNDRED,
                    retroactive: *retroactive,
                })
                .collect(),
            gate: None,
        }
    }

    #[test]
    fn a_marginal_deal_crossing_quota_pays_each_band_at_its_own_rate() {
        let t = table(
            Measure::Attainment,
            &[("0", Some("100"), "10", false), ("100", None, "12", false)],
        );
        let mut walk = TierWalk::new(&t, dec("100000"), 2);
        assert_eq!(walk.step(dec("90000"), true).pay(), dec("9000"));
        let step = walk.step(dec("20000"), true);
        assert_eq!(step.pieces.len(), 2);
        assert_eq!(step.pay(), dec("2200"));
        assert!(step.true_up.is_empty());
    }

    #[test]
    fn reaching_a_retroactive_tier_re_rates_earlier_credits_with_a_true_up() {
        let t = table(
            Measure::Attainment,
            &[("0", Some("100"), "10", true), ("100", None, "12", true)],
        );
        let mut walk = TierWalk::new(&t, dec("100000"), 2);
        walk.step(dec("90000"), true);
        let step = walk.step(dec("20000"), true);
        // This deal is paid entirely at 12 %, and the first deal's $90,000 is lifted by 2 %.
        assert_eq!(step.pay(), dec("2400"));
        assert_eq!(true_up_pay(&step.true_up), dec("1800"));
        assert_eq!(step.reached, 1);
    }

    #[test]
    fn landing_exactly_on_a_bound_reaches_the_higher_tier() {
        let t = table(
            Measure::Amount,
            &[("0", Some("50000"), "2", true), ("50000", None, "3", true)],
        );
        let mut walk = TierWalk::new(&t, Decimal::ZERO, 2);
        let step = walk.step(dec("50000"), true);
        assert_eq!(step.reached, 1);
        assert_eq!(step.pay(), dec("1500"));
    }

    #[test]
    fn deal_amount_tiers_start_afresh_for_every_credit() {
        let t = table(
            Measure::DealAmount,
            &[("0", Some("1000"), "1", false), ("1000", None, "2", false)],
        );
        let mut walk = TierWalk::new(&t, Decimal::ZERO, 2);
        assert_eq!(walk.step(dec("1500"), true).pay(), dec("20"));
        assert_eq!(walk.step(dec("1500"), true).pay(), dec("20"));
    }

    #[test]
    fn a_retroactive_middle_tier_lifts_the_bottom_band_but_not_the_accelerator_above_it() {
        // Half rate below 50 %, full rate from 50 % retroactively, 1.5× only past 100 %.
        let t = table(
            Measure::Attainment,
            &[
                ("0", Some("50"), "5", false),
                ("50", Some("100"), "10", true),
                ("100", None, "15", false),
            ],
        );
        let mut walk = TierWalk::new(&t, dec("1000"), 2);
        assert_eq!(walk.step(dec("400"), true).pay(), dec("20"));
        let crossing = walk.step(dec("400"), true);
        assert_eq!(crossing.pay(), dec("40"));
        assert_eq!(true_up_pay(&crossing.true_up), dec("20"));
        let above = walk.step(dec("400"), true);
        // $200 up to quota at 10 %, $200 past it at 15 %, and nothing re-rated.
        assert_eq!(above.pay(), dec("50"));
        assert!(above.true_up.is_empty());
    }
}
