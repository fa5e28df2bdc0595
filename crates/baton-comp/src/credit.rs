//! Credits: who gets credit for a won deal, and how much.
//!
//! The owner gets the whole deal unless revenue splits say otherwise; revenue splits must add up
//! to exactly 100 % and their credits to exactly the deal amount (largest-remainder allocation of
//! the cents). Overlay splits (a specialist, a partner manager) are credited on top and change no
//! one else's credit. Every revenue credit also rolls up to each manager above the rep.

use crate::amount::{Rounding, major};
use crate::id_hash::IdMap;
use crate::plan::CreditDateRule;
use baton_model::{DealId, Money, Percent, UserId};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Deal fields a plan's conditions can read, such as `product` or `segment`.
pub type Attributes = BTreeMap<String, String>;

/// No attributes. `None` rather than a shared empty map: cloning a credit then touches no
/// reference count that every thread of a large run would contend for.
pub fn no_attributes() -> Option<Arc<Attributes>> {
    None
}

/// Why a rep holds a credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditKind {
    /// The rep owns the deal or a revenue split of it.
    Revenue,
    /// The rep holds an overlay split, credited on top of revenue.
    Overlay,
    /// The rep manages, directly or higher up, someone with a revenue credit.
    RollUp,
}

impl CreditKind {
    /// How the kind reads in a trace.
    pub fn label(self) -> &'static str {
        match self {
            CreditKind::Revenue => "revenue split",
            CreditKind::Overlay => "overlay split",
            CreditKind::RollUp => "roll-up",
        }
    }
}

/// Whether a split shares the deal or comes on top of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitKind {
    /// Shares the deal: revenue splits of a deal add up to 100 %.
    Revenue,
    /// On top of the deal: any number, each up to 100 %.
    Overlay,
}

/// One rep's split of a deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// Who.
    pub rep: UserId,
    /// Revenue or overlay.
    pub kind: SplitKind,
    /// The rep's share.
    pub percent: Percent,
}

/// A won deal as the engine needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Deal {
    /// The deal.
    pub id: DealId,
    /// The owner, credited with 100 % when there are no revenue splits.
    pub owner: UserId,
    /// Amount (ARR, bookings: whatever the organisation credits).
    pub amount: Money,
    /// When it was won.
    pub close_date: NaiveDate,
    /// When the customer paid, if they have.
    pub payment_date: Option<NaiveDate>,
    /// Splits; none means the owner gets everything.
    pub splits: Vec<Split>,
    /// Fields plan conditions can read, if any.
    pub attributes: Option<Arc<Attributes>>,
}

/// One rep's credit for one deal: the unit statements are computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Credit {
    /// The deal.
    pub deal: DealId,
    /// Who is credited.
    pub rep: UserId,
    /// Why.
    pub kind: CreditKind,
    /// The rep's share of the deal.
    pub share: Percent,
    /// The whole deal amount, for the trace.
    pub deal_amount: Money,
    /// The credited amount.
    pub amount: Money,
    /// When the deal was won.
    pub close_date: NaiveDate,
    /// When the customer paid, if they have.
    pub payment_date: Option<NaiveDate>,
    /// The deal's attributes, if any.
    pub attributes: Option<Arc<Attributes>>,
}

impl Credit {
    /// The date that places this credit in a period under `rule`; `None` while unpaid under the
    /// payment-date rule.
    pub fn credit_date(&self, rule: CreditDateRule) -> Option<NaiveDate> {
        match rule {
            CreditDateRule::CloseDate => Some(self.close_date),
            CreditDateRule::PaymentDate => self.payment_date,
        }
    }
}

/// Who manages whom, for roll-up credits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hierarchy {
    managers: IdMap<UserId, UserId>,
}

impl Hierarchy {
    /// No managers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `manager` manages `rep`.
    pub fn set_manager(&mut self, rep: UserId, manager: UserId) {
        self.managers.insert(rep, manager);
    }

    /// The direct manager of `rep`.
    pub fn manager_of(&self, rep: UserId) -> Option<UserId> {
        self.managers.get(&rep).copied()
    }

    /// Whether `manager` already appeared in the first `depth - 1` steps above `rep`.
    fn seen_before(&self, rep: UserId, manager: UserId, depth: usize) -> bool {
        let mut current = rep;
        for _ in 1..depth {
            match self.manager_of(current) {
                Some(m) if m == manager => return true,
                Some(m) => current = m,
                None => return false,
            }
        }
        false
    }

    /// Everyone above `rep`, nearest first; stops at a cycle.
    pub fn managers_of(&self, rep: UserId) -> Vec<UserId> {
        let mut chain = Vec::new();
        let mut current = rep;
        while let Some(&manager) = self.managers.get(&current) {
            // Chains are a handful of people long: a scan beats a set.
            if manager == rep || chain.contains(&manager) {
                break;
            }
            chain.push(manager);
            current = manager;
        }
        chain
    }
}

/// Why a deal could not be credited.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditError {
    /// Revenue splits must share the whole deal.
    #[error("deal {deal}: revenue splits add up to {total}, not 100 %")]
    RevenueSplitsNotHundred {
        /// The deal.
        deal: DealId,
        /// What they add up to.
        total: String,
    },
    /// Credits are computed on non-negative amounts; refunds are clawbacks, not negative deals.
    #[error("deal {deal}: amount {amount} is negative")]
    NegativeAmount {
        /// The deal.
        deal: DealId,
        /// The amount.
        amount: Money,
    },
}

/// The credits for one deal: revenue (owner or splits), overlay, and roll-up to managers.
pub fn credit_deal(deal: &Deal, hierarchy: &Hierarchy) -> Result<Vec<Credit>, CreditError> {
    if deal.amount.minor < 0 {
        return Err(CreditError::NegativeAmount {
            deal: deal.id,
            amount: deal.amount,
        });
    }
    let is_revenue = |s: &&Split| s.kind == SplitKind::Revenue;
    let revenue_splits = deal.splits.iter().filter(is_revenue).count();
    let mut credits: Vec<Credit> = Vec::with_capacity(deal.splits.len().max(1) * 3);
    let credit = |rep, kind, share, minor| Credit {
        deal: deal.id,
        rep,
        kind,
        share,
        deal_amount: deal.amount,
        amount: Money {
            minor,
            currency: deal.amount.currency,
        },
        close_date: deal.close_date,
        payment_date: deal.payment_date,
        attributes: deal.attributes.clone(),
    };
    if revenue_splits == 0 {
        credits.push(credit(
            deal.owner,
            CreditKind::Revenue,
            Percent::HUNDRED,
            deal.amount.minor,
        ));
    } else {
        let shares: Vec<i64> = deal
            .splits
            .iter()
            .filter(is_revenue)
            .map(|s| s.percent.basis_points())
            .collect();
        let total: i64 = shares.iter().sum();
        if total != Percent::HUNDRED.basis_points() {
            return Err(CreditError::RevenueSplitsNotHundred {
                deal: deal.id,
                total: format!("{}.{:02} %", total / 100, total % 100),
            });
        }
        let parts = allocate(deal.amount.minor, &shares);
        for (split, minor) in deal.splits.iter().filter(is_revenue).zip(parts) {
            credits.push(credit(split.rep, CreditKind::Revenue, split.percent, minor));
        }
    }
    for split in deal.splits.iter().filter(|s| s.kind == SplitKind::Overlay) {
        let share = share_fraction(split.percent);
        let amount = major(deal.amount.minor, deal.amount.currency) * share;
        let minor = Rounding::HalfEven.to_minor(amount, deal.amount.currency);
        credits.push(credit(split.rep, CreditKind::Overlay, split.percent, minor));
    }
    let revenue_count = revenue_splits.max(1);
    for i in 0..revenue_count {
        let mut current = credits[i].rep;
        let first = current;
        let mut depth = 0;
        // Follow the chain upwards; a cycle or an absurd depth ends it.
        while let Some(manager) = hierarchy.manager_of(current) {
            depth += 1;
            if manager == first || depth > 64 || hierarchy.seen_before(first, manager, depth) {
                break;
            }
            let mut rolled = credits[i].clone();
            rolled.rep = manager;
            rolled.kind = CreditKind::RollUp;
            credits.push(rolled);
            current = manager;
        }
    }
    Ok(merge_same_rep(credits))
}

/// A percentage as a fraction: 50 % → 0.5.
pub fn share_fraction(percent: Percent) -> Decimal {
    Decimal::new(percent.basis_points(), 4)
}

/// Splits `amount` by basis-point `shares` (summing to 10,000) so the parts add up exactly:
/// each part is rounded down, and the cents left over go to the largest remainders, earlier
/// splits first on ties.
pub fn allocate(amount: i64, shares: &[i64]) -> Vec<i64> {
    let whole = i128::from(Percent::HUNDRED.basis_points());
    let mut parts: Vec<i64> = Vec::with_capacity(shares.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(shares.len());
    for (i, &share) in shares.iter().enumerate() {
        let product = i128::from(amount) * i128::from(share);
        parts.push(i64::try_from(product / whole).unwrap_or(0));
        remainders.push((product % whole, i));
    }
    let mut left = amount - parts.iter().sum::<i64>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left <= 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

/// One credit per rep and kind: two splits to the same rep, or two team members' credits rolling
/// up to the same manager, add up.
fn merge_same_rep(mut credits: Vec<Credit>) -> Vec<Credit> {
    let mut i = 0;
    while i < credits.len() {
        let mut j = i + 1;
        while j < credits.len() {
            if credits[j].rep == credits[i].rep && credits[j].kind == credits[i].kind {
                let duplicate = credits.remove(j);
                let existing = &mut credits[i];
                existing.amount.minor += duplicate.amount.minor;
                let share = existing.share.basis_points() + duplicate.share.basis_points();
                existing.share = Percent::from_basis_points(share).unwrap_or(Percent::HUNDRED);
            } else {
                j += 1;
            }
        }
        i += 1;
    }
    credits
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_model::Currency;

    fn pct(n: f64) -> Percent {
        Percent::from_number(n).unwrap()
    }

    fn deal(amount: i64, splits: Vec<Split>) -> Deal {
        Deal {
            id: DealId(7),
            owner: UserId(1),
            amount: Money {
                minor: amount,
                currency: Currency::USD,
            },
            close_date: NaiveDate::from_ymd_opt(2026, 8, 14).unwrap(),
            payment_date: None,
            splits,
            attributes: no_attributes(),
        }
    }

    fn split(rep: i64, kind: SplitKind, percent: f64) -> Split {
        Split {
            rep: UserId(rep),
            kind,
            percent: pct(percent),
        }
    }

    #[test]
    fn the_owner_gets_the_whole_deal_without_splits() {
        let credits = credit_deal(&deal(12_000_000, vec![]), &Hierarchy::new()).unwrap();
        assert_eq!(credits.len(), 1);
        assert_eq!(credits[0].rep, UserId(1));
        assert_eq!(credits[0].amount.minor, 12_000_000);
        assert_eq!(credits[0].share, Percent::HUNDRED);
    }

    #[test]
    fn a_third_each_still_adds_up_to_the_deal_to_the_cent() {
        let splits = vec![
            split(1, SplitKind::Revenue, 33.33),
            split(2, SplitKind::Revenue, 33.33),
            split(3, SplitKind::Revenue, 33.34),
        ];
        let credits = credit_deal(&deal(100, splits), &Hierarchy::new()).unwrap();
        let amounts: Vec<i64> = credits.iter().map(|c| c.amount.minor).collect();
        assert_eq!(amounts.iter().sum::<i64>(), 100);
        assert_eq!(amounts, vec![33, 33, 34]);
    }

    #[test]
    fn revenue_splits_over_or_under_100_percent_are_rejected() {
        for splits in [
            vec![
                split(1, SplitKind::Revenue, 60.0),
                split(2, SplitKind::Revenue, 50.0),
            ],
            vec![split(1, SplitKind::Revenue, 60.0)],
        ] {
            let error = credit_deal(&deal(100, splits), &Hierarchy::new()).unwrap_err();
            assert!(matches!(error, CreditError::RevenueSplitsNotHundred { .. }));
        }
        let error = credit_deal(
            &deal(
                100,
                vec![
                    split(1, SplitKind::Revenue, 60.0),
                    split(2, SplitKind::Revenue, 50.0),
                ],
            ),
            &Hierarchy::new(),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "deal 7: revenue splits add up to 110.00 %, not 100 %"
        );
    }

    #[test]
    fn overlay_comes_on_top_and_rolls_up_nowhere() {
        let mut hierarchy = Hierarchy::new();
        hierarchy.set_manager(UserId(9), UserId(10));
        let splits = vec![split(9, SplitKind::Overlay, 10.0)];
        let credits = credit_deal(&deal(50_000, splits), &hierarchy).unwrap();
        let owner = credits.iter().find(|c| c.rep == UserId(1)).unwrap();
        let overlay = credits.iter().find(|c| c.rep == UserId(9)).unwrap();
        assert_eq!(owner.amount.minor, 50_000);
        assert_eq!(overlay.kind, CreditKind::Overlay);
        assert_eq!(overlay.amount.minor, 5_000);
        assert!(credits.iter().all(|c| c.rep != UserId(10)));
    }

    #[test]
    fn revenue_credits_roll_up_the_whole_management_chain_and_merge_per_manager() {
        let mut hierarchy = Hierarchy::new();
        hierarchy.set_manager(UserId(1), UserId(5));
        hierarchy.set_manager(UserId(2), UserId(5));
        hierarchy.set_manager(UserId(5), UserId(6));
        hierarchy.set_manager(UserId(6), UserId(5)); // a cycle must not loop forever
        let splits = vec![
            split(1, SplitKind::Revenue, 50.0),
            split(2, SplitKind::Revenue, 50.0),
        ];
        let credits = credit_deal(&deal(1_000, splits), &hierarchy).unwrap();
        let rolled: Vec<(UserId, i64)> = credits
            .iter()
            .filter(|c| c.kind == CreditKind::RollUp)
            .map(|c| (c.rep, c.amount.minor))
            .collect();
        assert_eq!(rolled, vec![(UserId(5), 1_000), (UserId(6), 1_000)]);
    }

    #[test]
    fn negative_deal_amounts_are_refused() {
        let error = credit_deal(&deal(-1, vec![]), &Hierarchy::new()).unwrap_err();
        assert!(matches!(error, CreditError::NegativeAmount { .. }));
    }
}
