//! `OpportunitySplit.csv`: every deal's revenue split, some shared, some with an overlay.

use super::deal::Deal;
use super::org::{overlay_split_type, revenue_split_type};
use super::out::CsvOut;
use super::random::{Gen, chance, index};
use super::world::World;
use crate::sfid::{SfId, prefix};
use std::io;

/// `OpportunitySplit.csv` columns.
pub(crate) const SPLIT_HEADER: &[&str] = &[
    "Id",
    "OpportunityId",
    "SplitOwnerId",
    "SplitPercentage",
    "SplitAmount",
    "SplitTypeId",
    "SplitNote",
    "CreatedDate",
    "IsDeleted",
];

/// Writes the deal's splits: the owner's revenue split (100%, or shared with a second rep),
/// and sometimes an overlay for another rep.
pub(crate) fn write_splits(
    world: &World,
    deal: &Deal,
    rng: &mut Gen,
    out: &mut CsvOut,
) -> io::Result<()> {
    let opp = deal.opportunity_id();
    let last = deal.last();
    let exponent = world.accounts[deal.account].currency.exponent();
    let reps = world.reps.len();
    let other = (deal.rep + 1 + index(rng, reps.saturating_sub(1).max(1))) % reps;
    let owner_share: i64 = if reps > 1 && chance(rng, 0.2) {
        [50, 60, 70][index(rng, 3)]
    } else {
        100
    };
    let row = |out: &mut CsvOut, rep: usize, pct: i64, kind: &SfId, note: &str| {
        out.id(&SfId::generated(prefix::SPLIT, out.rows()))
            .id(&opp)
            .id(&world.reps[rep].user.id);
        out.int(pct)
            .money(last.amount * pct / 100, exponent)
            .id(kind)
            .str(note);
        out.ts(deal.created + 60).boolean(false);
        out.end()
    };
    row(out, deal.rep, owner_share, &revenue_split_type(), "")?;
    if owner_share < 100 {
        row(
            out,
            other,
            100 - owner_share,
            &revenue_split_type(),
            "Co-sell",
        )?;
    }
    if reps > 1 && chance(rng, 0.1) {
        row(
            out,
            other,
            100,
            &overlay_split_type(),
            "Solution engineering overlay",
        )?;
    }
    Ok(())
}
