//! Deterministic generation of a realistic sales organisation's records.
//!
//! PLACEHOLDER: to be replaced by the full generator (see mod.rs for how it is driven).

use baton_model::records::{Account, Activity, Contact, Deal, FieldChange, Pipeline, Quota};
use baton_model::{Currency, UserId};
use chrono::NaiveDate;

/// A rep and how they sell; the generator turns these into outcomes and activity.
#[derive(Debug, Clone)]
pub struct RepProfile {
    pub user_id: UserId,
    pub team_manager: UserId,
    /// Typical share of this rep's closed deals that are won (0–1).
    pub win_rate: f64,
    /// Activity volume relative to an average rep (1.0).
    pub effort: f64,
    /// Deal size relative to an average rep (1.0).
    pub size: f64,
}

/// Who and what the records refer to.
#[derive(Debug, Clone)]
pub struct Roster {
    /// The day the data ends; everything happens before it.
    pub today: NaiveDate,
    pub currency: Currency,
    pub reps: Vec<RepProfile>,
    /// The new-business pipeline (open stages in order, then won and lost).
    pub new_business: Pipeline,
    /// The renewals pipeline.
    pub renewals: Pipeline,
}

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub accounts: usize,
    pub contacts_per_account: usize,
    pub deals: usize,
    /// Roughly how many activities in all.
    pub activities: usize,
}

/// One deal with its field history and activities (activity ids are 0: the caller numbers them).
pub struct GeneratedDeal {
    pub deal: Deal,
    pub history: Vec<FieldChange>,
    pub activities: Vec<Activity>,
}

/// Generates records by index, each from its own seeded random stream, so any slice can be
/// produced independently and the output never depends on the chunking.
pub struct Generator {
    seed: u64,
    roster: Roster,
    scale: Scale,
}

impl Generator {
    pub fn new(seed: u64, roster: Roster, scale: Scale) -> Self {
        Generator {
            seed,
            roster,
            scale,
        }
    }

    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// Account `index` (id `index + 1`) and its contacts (ids `index * contacts_per_account + j + 1`).
    pub fn account(&self, _index: usize) -> (Account, Vec<Contact>) {
        let _ = (self.seed, &self.roster);
        unimplemented!("generator placeholder")
    }

    /// Deal `index` (id `index + 1`) with its history and activities.
    pub fn deal(&self, _index: usize) -> GeneratedDeal {
        unimplemented!("generator placeholder")
    }

    /// Quarterly quotas for every rep.
    pub fn quotas(&self) -> Vec<Quota> {
        Vec::new()
    }
}
