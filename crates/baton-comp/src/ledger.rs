//! Ledger math: what a recompute appends to an append-only commission ledger.
//!
//! The ledger is never edited. When a statement is recomputed, [`reconcile`] compares what the
//! ledger already holds for the rep and period (net per line key) with the fresh lines and returns
//! only the difference: for an open period, a reversal of the old amount and a rebooking of the
//! new one for each line that changed (a plain booking for a new line, a reversal alone for a
//! line that vanished); for a frozen period (approved or paid), one adjustment per changed line,
//! posted in the next open period, so approved history stays exactly as it was approved.
//! Recomputing with nothing changed appends nothing.

use crate::id_hash::IdMap;
use crate::statement::{LineKey, Statement};
use baton_model::{Currency, Period, UserId};
use std::collections::BTreeMap;

/// Where a period is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodStatus {
    /// Still changing: recomputes rebook it.
    Open,
    /// Approved by finance: frozen.
    Approved,
    /// Paid out: frozen.
    Paid,
}

impl PeriodStatus {
    /// Whether changes must go to a later period instead.
    pub fn is_frozen(self) -> bool {
        !matches!(self, PeriodStatus::Open)
    }
}

/// Why an entry was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// The first amount for a line.
    Booking,
    /// Cancels what a line held before.
    Reversal,
    /// The line's new amount, after a reversal.
    Rebook,
    /// A change to a frozen period's line, carried by a later open period.
    Adjustment,
}

/// One append-only ledger entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// The rep paid.
    pub rep: UserId,
    /// The period the amount was earned in.
    pub period: Period,
    /// The period whose payout carries it: `period`, or a later one for an adjustment.
    pub posted_in: Period,
    /// The statement line it belongs to ([`crate::statement::Line::key`]); storage keeps its
    /// text form and reads it back with [`LineKey::parse`].
    pub key: LineKey,
    /// Why it was written.
    pub kind: EntryKind,
    /// Signed amount in minor units.
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
}

/// A fresh line amount to reconcile against the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    /// The line key.
    pub key: LineKey,
    /// Amount in minor units.
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
}

impl Statement {
    /// The statement's lines as bookings, one per line key.
    pub fn bookings(&self) -> Vec<Booking> {
        self.lines
            .iter()
            .map(|line| Booking {
                key: line.key(),
                amount: line.amount,
                currency: self.currency,
            })
            .collect()
    }
}

/// The rep and period being reconciled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The rep.
    pub rep: UserId,
    /// The period recomputed.
    pub period: Period,
    /// Its status.
    pub status: PeriodStatus,
    /// The next open period, which carries adjustments to a frozen one.
    pub next_open: Period,
}

/// Why a reconcile was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// Adjustments must go forward in time.
    #[error("adjustments to {period} must be posted in a later period, not {next_open}")]
    NextOpenNotLater {
        /// The frozen period.
        period: Period,
        /// The period offered for its adjustments.
        next_open: Period,
    },
}

/// The net amount per (line key, currency) the ledger holds for a rep and period.
pub fn net(
    entries: &[LedgerEntry],
    rep: UserId,
    period: Period,
) -> BTreeMap<(&LineKey, Currency), i64> {
    let mut net = BTreeMap::new();
    for entry in entries
        .iter()
        .filter(|e| e.rep == rep && e.period == period)
    {
        *net.entry((&entry.key, entry.currency)).or_insert(0) += entry.amount;
    }
    net
}

/// A line key whose amount changed: (held, fresh).
type Change<'a> = ((&'a LineKey, Currency), (i64, i64));

/// A line key and currency, hashed by the key alone: a rep's ledger is almost always in one
/// currency, and hashing it too would cost more than the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Held<'a>(&'a LineKey, Currency);

impl std::hash::Hash for Held<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

/// The entries to append so the ledger holds `fresh` for the target rep and period.
pub fn reconcile(
    target: &Target,
    existing: &[LedgerEntry],
    fresh: &[Booking],
) -> Result<Vec<LedgerEntry>, LedgerError> {
    if target.status.is_frozen() && target.next_open.start() <= target.period.start() {
        return Err(LedgerError::NextOpenNotLater {
            period: target.period,
            next_open: target.next_open,
        });
    }
    // Hash maps, not ordered ones: a manager's statement has tens of thousands of lines, and
    // only the few that changed need sorting.
    // One hash map of (held, fresh) per key, not an ordered one: a manager's statement has
    // tens of thousands of lines, and only the few that changed need sorting.
    let mut amounts: IdMap<Held<'_>, (i64, i64)> = IdMap::default();
    amounts.reserve(existing.len().max(fresh.len()));
    for entry in existing
        .iter()
        .filter(|e| e.rep == target.rep && e.period == target.period)
    {
        amounts
            .entry(Held(&entry.key, entry.currency))
            .or_default()
            .0 += entry.amount;
    }
    for booking in fresh {
        amounts
            .entry(Held(&booking.key, booking.currency))
            .or_default()
            .1 += booking.amount;
    }
    let mut changed: Vec<Change<'_>> = amounts
        .into_iter()
        .filter(|(_, (before, after))| before != after)
        .map(|(Held(key, currency), amounts)| ((key, currency), amounts))
        .collect();
    changed.sort_unstable_by(|a, b| a.0.cmp(&b.0));

    let mut entries = Vec::new();
    for ((key, currency), (before, after)) in changed {
        let entry = |kind, amount, posted_in| LedgerEntry {
            rep: target.rep,
            period: target.period,
            posted_in,
            key: key.clone(),
            kind,
            amount,
            currency,
        };
        if target.status.is_frozen() {
            entries.push(entry(
                EntryKind::Adjustment,
                after - before,
                target.next_open,
            ));
            continue;
        }
        if before != 0 {
            entries.push(entry(EntryKind::Reversal, -before, target.period));
        }
        if after != 0 {
            let kind = if before == 0 {
                EntryKind::Booking
            } else {
                EntryKind::Rebook
            };
            entries.push(entry(kind, after, target.period));
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Period {
        Period::parse(text, 1).unwrap()
    }

    fn key(name: &str) -> LineKey {
        LineKey::parse(&format!("{name}/bonus")).unwrap()
    }

    fn booking(name: &str, amount: i64) -> Booking {
        Booking {
            key: key(name),
            amount,
            currency: Currency::USD,
        }
    }

    fn target(status: PeriodStatus) -> Target {
        Target {
            rep: UserId(1),
            period: q("2026-Q3"),
            status,
            next_open: q("2026-Q4"),
        }
    }

    #[test]
    fn a_first_computation_books_every_line_once() {
        let entries = reconcile(
            &target(PeriodStatus::Open),
            &[],
            &[booking("a", 100), booking("b", 0)],
        )
        .unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(
            (entries[0].kind, entries[0].amount),
            (EntryKind::Booking, 100)
        );
    }

    #[test]
    fn a_changed_line_in_an_open_period_is_reversed_and_rebooked_and_others_untouched() {
        let t = target(PeriodStatus::Open);
        let first = reconcile(&t, &[], &[booking("a", 100), booking("b", 50)]).unwrap();
        let second = reconcile(&t, &first, &[booking("a", 120), booking("b", 50)]).unwrap();
        let summary: Vec<(String, EntryKind, i64)> = second
            .iter()
            .map(|e| (e.key.to_string(), e.kind, e.amount))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("a/bonus".to_owned(), EntryKind::Reversal, -100),
                ("a/bonus".to_owned(), EntryKind::Rebook, 120)
            ]
        );
    }

    #[test]
    fn a_vanished_line_is_only_reversed() {
        let t = target(PeriodStatus::Open);
        let first = reconcile(&t, &[], &[booking("a", 100)]).unwrap();
        let second = reconcile(&t, &first, &[]).unwrap();
        assert_eq!(second.len(), 1);
        assert_eq!(
            (second[0].kind, second[0].amount),
            (EntryKind::Reversal, -100)
        );
    }

    #[test]
    fn a_change_to_a_frozen_period_becomes_an_adjustment_in_the_next_open_period() {
        let first = reconcile(&target(PeriodStatus::Open), &[], &[booking("a", 100)]).unwrap();
        let frozen = target(PeriodStatus::Approved);
        let change = reconcile(&frozen, &first, &[booking("a", 70)]).unwrap();
        assert_eq!(change.len(), 1);
        assert_eq!(change[0].kind, EntryKind::Adjustment);
        assert_eq!(change[0].amount, -30);
        assert_eq!(change[0].period, q("2026-Q3"));
        assert_eq!(change[0].posted_in, q("2026-Q4"));
        let all: Vec<LedgerEntry> = first.into_iter().chain(change).collect();
        assert!(
            reconcile(&frozen, &all, &[booking("a", 70)])
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn adjustments_cannot_be_posted_in_the_frozen_period_or_before_it() {
        let mut t = target(PeriodStatus::Paid);
        t.next_open = q("2026-Q3");
        assert!(matches!(
            reconcile(&t, &[], &[booking("a", 1)]),
            Err(LedgerError::NextOpenNotLater { .. })
        ));
    }

    #[test]
    fn other_reps_and_periods_in_the_ledger_are_left_alone() {
        let t = target(PeriodStatus::Open);
        let mut other = reconcile(&t, &[], &[booking("a", 100)]).unwrap();
        other[0].rep = UserId(2);
        let entries = reconcile(&t, &other, &[booking("a", 100)]).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].kind, EntryKind::Booking);
    }
}
