//! Deterministic generation of a realistic sales organisation's records.
//!
//! Every record comes from its own random stream, seeded from the run's seed, the kind of record
//! and its index ([`stream`]). So `deal(7)` is the same whether it is generated first, last, alone
//! or in another process: the loader chunks as it likes, and a benchmark is reproducible from
//! `(seed, today)`. Nothing is shared or mutable after [`Generator::new`].
//!
//! The realism lives in how a deal is drawn ([`Generator::life`]): created in the last four full
//! quarters or the current one, it walks its pipeline's open stages (longer in the later ones) and
//! is won (about the rep's win rate, more often when small), lost (mostly early), stalls, or is
//! still open today. Its field history is written by replaying that life ([`Generator::record`]),
//! so history and record cannot disagree. Activities cluster on weekdays, in business hours and
//! around stage changes; customers answer emails quickly on deals that will be won and slowly, or
//! not at all, on deals that will be lost — the early signal a good CRM should surface.

mod accounts;
mod activities;
mod calendar;
mod fate;
mod history;
mod life;
mod random;
mod track;
mod words;

use baton_model::records::{Account, Activity, Contact, Deal, FieldChange, Pipeline, Quota};
use baton_model::{ContactId, Currency, PeriodKind, QuotaId, UserId};
use calendar::{Calendar, midnight};
use chrono::{NaiveDate, TimeDelta};
use fate::Fate;
use rand::Rng;
use random::{Kind, count_f64, id_of, no_custom_fields, round_money, stream, to_f64};
use track::Track;
use words::INDUSTRIES;

/// A rep and how they sell; the generator turns these into outcomes and activity.
#[derive(Debug, Clone)]
pub struct RepProfile {
    /// The rep's user: owns accounts, deals and activities.
    pub user_id: UserId,
    /// The manager of the rep's team: joins some meetings and takes overlay credit.
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
    /// The organisation's currency: every amount is in it.
    pub currency: Currency,
    /// The reps who own the records; at least one.
    pub reps: Vec<RepProfile>,
    /// The new-business pipeline (open stages in order, then won and lost).
    pub new_business: Pipeline,
    /// The renewals pipeline.
    pub renewals: Pipeline,
}

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Accounts, numbered from 1.
    pub accounts: usize,
    /// Contacts at every account.
    pub contacts_per_account: usize,
    /// Deals, numbered from 1.
    pub deals: usize,
    /// Roughly how many activities in all.
    pub activities: usize,
}

/// One deal with its field history and activities (activity ids are 0: the caller numbers them).
#[derive(Debug)]
pub struct GeneratedDeal {
    /// The deal as it stands today.
    pub deal: Deal,
    /// Every change of its tracked fields, oldest first, starting with its creation.
    pub history: Vec<FieldChange>,
    /// Its calls, emails, meetings, notes and tasks, oldest first.
    pub activities: Vec<Activity>,
}

/// Generates records by index, each from its own seeded random stream, so any slice can be
/// produced independently and the output never depends on the chunking.
pub struct Generator {
    seed: u64,
    roster: Roster,
    scale: Scale,
    calendar: Calendar,
    new_business: Track,
    renewals: Track,
    /// Minor units in one major unit of the currency (100 for USD).
    unit: i64,
    /// Turns a deal's activity weight into its expected number of activities.
    activity_scale: f64,
    /// Quota per unit of rep size for each quarter of [`Calendar::quarters`], in minor units.
    quota_levels: [f64; QUARTERS],
}

impl Generator {
    /// Prepares a generator: finds each pipeline's stages, then calibrates activity volume and
    /// quota levels on a sample of deals, so that generating one record stays cheap.
    ///
    /// # Panics
    ///
    /// If the roster has no reps (someone must own every record) or the new-business pipeline
    /// has no open stage (deals start in one).
    pub fn new(seed: u64, roster: Roster, scale: Scale) -> Self {
        assert!(
            !roster.reps.is_empty(),
            "the generator needs at least one rep"
        );
        let new_business = Track::of(&roster.new_business);
        assert!(
            !new_business.open.is_empty(),
            "the new-business pipeline needs an open stage"
        );
        let mut generator = Generator {
            seed,
            calendar: Calendar::new(roster.today),
            new_business,
            renewals: Track::of(&roster.renewals),
            unit: 10_i64.pow(u32::from(roster.currency.exponent())),
            roster,
            scale,
            activity_scale: 0.0,
            quota_levels: [0.0; QUARTERS],
        };
        generator.calibrate();
        generator
    }

    /// How much this generator makes.
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// Account `index` (id `index + 1`) and its contacts (ids `index * contacts_per_account + j + 1`).
    pub fn account(&self, index: usize) -> (Account, Vec<Contact>) {
        let profile = self.account_profile(index);
        let contacts = self.contacts(&profile);
        let account = Account {
            id: profile.id(),
            name: profile.name,
            domain: Some(profile.domain),
            industry: Some(INDUSTRIES[profile.industry].to_owned()),
            employees: Some(profile.employees),
            annual_revenue_minor: Some(profile.annual_revenue_minor),
            currency: self.roster.currency,
            tier: Some(profile.tier),
            owner_id: self.rep(profile.owner).user_id,
            custom_fields: no_custom_fields(),
            archived_at: None,
            version: 1,
            created_at: profile.created_at,
            updated_at: profile.created_at,
        };
        (account, contacts)
    }

    /// Deal `index` (id `index + 1`) with its history and activities.
    pub fn deal(&self, index: usize) -> GeneratedDeal {
        let life = self.life(index);
        let (deal, history) = self.record(&life);
        let activities = self.activities(&life);
        GeneratedDeal {
            deal,
            history,
            activities,
        }
    }

    /// Quarterly quotas for every rep: the four full quarters before today's, today's and the
    /// next, set so that an average rep attains about 100 % once the pipeline is established.
    pub fn quotas(&self) -> Vec<Quota> {
        let mut quotas = Vec::with_capacity(self.roster.reps.len() * QUARTERS);
        for (r, rep) in self.roster.reps.iter().enumerate() {
            let mut rng = stream(self.seed, Kind::Quota, r);
            for (period, level) in self.calendar.quarters.iter().zip(self.quota_levels) {
                let amount = level * rep.size * rng.random_range(0.92..1.08) / to_f64(self.unit);
                // Quotas are set a few weeks before the quarter starts (or yesterday, at the
                // latest, so that nothing is dated in the future).
                let set_on = (period.start() - TimeDelta::days(21)).min(self.calendar.yesterday());
                let created_at = midnight(set_on) + TimeDelta::hours(15);
                quotas.push(Quota {
                    id: QuotaId(0),
                    user_id: Some(rep.user_id),
                    team_id: None,
                    period: period.to_string(),
                    period_kind: PeriodKind::Quarter,
                    start_date: period.start(),
                    end_date: period.end(),
                    amount_minor: round_money(amount, 5_000, self.unit),
                    currency: self.roster.currency,
                    version: 1,
                    created_at,
                    updated_at: created_at,
                });
            }
        }
        quotas
    }

    fn rep(&self, index: usize) -> &RepProfile {
        &self.roster.reps[index]
    }

    fn track(&self, renewal: bool) -> &Track {
        if renewal {
            &self.renewals
        } else {
            &self.new_business
        }
    }

    fn contact_id(&self, account_index: usize, j: usize) -> ContactId {
        ContactId(id_of(account_index * self.scale.contacts_per_account + j))
    }

    /// Sizes activity volume and quotas from a sample of deal lives spread over all indexes
    /// (every deal when there are few), so totals land near the targets at any scale.
    fn calibrate(&mut self) {
        const SAMPLE: usize = 4096;
        let deals = self.scale.deals;
        let n = deals.min(SAMPLE);
        let mut weight = 0.0;
        let mut won = [0.0; QUARTERS];
        for j in 0..n {
            let life = self.life(j * deals / n);
            weight += self.activity_weight(&life);
            if let Some(closed_at) = life.closed_at.filter(|_| life.fate == Fate::Win)
                && let Some(q) = self.calendar.quarter_of(closed_at.date_naive())
            {
                won[q] += to_f64(life.final_amount());
            }
        }
        if n > 0 && weight > 0.0 {
            let per_deal = count_f64(self.scale.activities) / count_f64(deals);
            self.activity_scale = per_deal * count_f64(n) / weight;
        }
        // Quarter 0 is the window's ramp-up (no deals were created before it), so the level is
        // the mean of the three full quarters after it, per unit of rep size.
        let total_size: f64 = self.roster.reps.iter().map(|r| r.size).sum();
        let scale_up = if n > 0 {
            count_f64(deals) / count_f64(n)
        } else {
            0.0
        };
        let steady = won[1..4].iter().sum::<f64>() / 3.0 * scale_up / total_size.max(0.1);
        let steady = if steady > 0.0 {
            steady
        } else {
            FALLBACK_QUOTA * to_f64(self.unit)
        };
        // Quotas rise a few percent a quarter, as they do in a growing company.
        self.quota_levels = std::array::from_fn(|q| steady * (0.925 + 0.03 * count_f64(q)));
    }
}

/// A quarterly quota per unit of rep size, in major units, when there are no deals to size it.
const FALLBACK_QUOTA: f64 = 350_000.0;

/// How many quarters the data spans: the four full quarters before today's, today's, and the next
/// (which has quotas but no deals yet).
const QUARTERS: usize = 6;

#[cfg(test)]
mod tests;
