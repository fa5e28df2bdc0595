//! `OpportunityContactRole.csv`: the people on a deal (more of them on deals that are won).

use super::deal::{Deal, Outcome};
use super::out::CsvOut;
use super::random::{Gen, chance, float, index, secs, uniform};
use super::world::World;
use crate::sfid::{SfId, prefix};
use std::io;

/// `OpportunityContactRole.csv` columns.
pub(crate) const ROLE_HEADER: &[&str] = &[
    "Id",
    "OpportunityId",
    "ContactId",
    "Role",
    "IsPrimary",
    "CreatedDate",
    "IsDeleted",
];

const ROLES: &[&str] = &[
    "Decision Maker",
    "Economic Buyer",
    "Technical Buyer",
    "Evaluator",
    "Influencer",
    "Executive Sponsor",
    "Business User",
    "Other",
];

/// Picks the deal's contacts (indexes within its account): more on deals that are won.
pub(crate) fn choose_contacts(world: &World, deal: &Deal, rng: &mut Gen, chosen: &mut Vec<u8>) {
    let available = world.accounts[deal.account].contacts;
    let (lo, hi) = match deal.outcome {
        Some(Outcome::Won) => (2, 5),
        Some(Outcome::Lost) => (1, 3),
        _ => (1, 4),
    };
    let want = (lo + index(rng, hi - lo + 1)).min(usize::from(available));
    chosen.clear();
    chosen.extend(0..available);
    for k in 0..want {
        let pick = k + index(rng, chosen.len() - k);
        chosen.swap(k, pick);
    }
    chosen.truncate(want);
}

/// Writes the deal's contact roles; `chosen` holds contact indexes, primary first.
pub(crate) fn write_roles(
    world: &World,
    deal: &Deal,
    chosen: &[u8],
    rng: &mut Gen,
    out: &mut CsvOut,
) -> io::Result<()> {
    let opp = deal.opportunity_id();
    for (k, &j) in chosen.iter().enumerate() {
        out.id(&SfId::generated(prefix::CONTACT_ROLE, out.rows()))
            .id(&opp);
        out.id(&world.contact_id(deal.account, j));
        let role = if k == 0 && chance(rng, 0.5) {
            ROLES[0]
        } else {
            ROLES[index(rng, ROLES.len())]
        };
        let at = deal.created + secs(uniform(rng, 0.0, 0.5) * float(deal.end - deal.created));
        out.str(role).boolean(k == 0).ts(at).boolean(false);
        out.end()?;
    }
    Ok(())
}
