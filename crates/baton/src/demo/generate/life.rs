//! Deal lives: who, what and how big a deal is and how it goes until today, drawn before it is
//! written out as a record, its history and activities.

use super::Generator;
use super::accounts::AccountProfile;
use super::calendar::{business_moment, weekday_weight, working_day};
use super::fate::{
    Fate, close_date_pushes, expected_close, fate, fate_silence, walk, win_probability,
};
use super::random::{Kind, Rand, log_normal, one_of, pick, round_money, stream, to_f64, to_i64};
use super::track::StageRef;
use super::words::{
    LOST_REASONS, NEXT_STEPS, PRODUCTS, RENEWAL_NEXT_STEPS, RENEWALS, ROLES, SOURCES,
};
use baton_model::records::{DealContact, DealSplit, SplitKind};
use baton_model::{Percent, UserId};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rand::Rng;

/// A change of a deal after its creation.
#[derive(Debug, Clone, Copy)]
pub(super) enum Change {
    Stage(StageRef),
    CloseDate(NaiveDate),
    Amount(i64),
}

/// Moments a deal entered open stages, with the stage's index among the track's open stages.
pub(super) type StageEntries = Vec<(DateTime<Utc>, usize)>;

/// A deal's life as drawn, before it is written out as a record, its history and activities.
pub(super) struct Life {
    pub(super) index: usize,
    pub(super) account: Option<AccountProfile>,
    /// Index of the owning rep.
    pub(super) owner: usize,
    pub(super) renewal: bool,
    pub(super) source: Option<&'static str>,
    pub(super) product: &'static str,
    /// At creation, in minor units.
    pub(super) amount: i64,
    pub(super) created_at: DateTime<Utc>,
    /// The close date the rep expected at creation.
    pub(super) close_date: NaiveDate,
    pub(super) fate: Fate,
    /// Entries into open stages before today (indexes into the track's open stages), the first
    /// at creation.
    pub(super) stages: StageEntries,
    /// When the deal was won or lost, if that happened before today.
    pub(super) closed_at: Option<DateTime<Utc>>,
    /// Close-date pushes and amount changes, in time order, all before `closed_at` and today.
    pub(super) changes: Vec<(DateTime<Utc>, Change)>,
    /// When activity stops: the deal closed, the customer went quiet, or today came.
    pub(super) quiet_from: DateTime<Utc>,
    pub(super) lost_reason: &'static str,
    pub(super) next_step: &'static str,
    pub(super) splits: Vec<DealSplit>,
    pub(super) contacts: Vec<DealContact>,
}

impl Life {
    pub(super) fn final_amount(&self) -> i64 {
        self.changes
            .iter()
            .rev()
            .find_map(|(_, c)| match c {
                Change::Amount(a) => Some(*a),
                _ => None,
            })
            .unwrap_or(self.amount)
    }

    /// The open stage the deal was in at `at`.
    fn stage_at(&self, at: DateTime<Utc>) -> usize {
        let entered = self.stages.iter().rev().find(|(t, _)| *t <= at);
        entered.or(self.stages.first()).map_or(0, |s| s.1)
    }

    /// Early (0), middle (1) or late (2) in a pipeline of `open` stages, at `at`: chooses what
    /// people talk about.
    pub(super) fn phase_at(&self, at: DateTime<Utc>, open: usize) -> usize {
        (self.stage_at(at) * 3 / open.max(1)).min(2)
    }
}

impl Generator {
    /// Draws deal `index`'s life: who, what, how big, and how it goes until today.
    pub(super) fn life(&self, index: usize) -> Life {
        let mut rng = stream(self.seed, Kind::Deal, index);
        let account = self.deal_account(&mut rng, index);
        let owner = match &account {
            Some(a) if rng.random_bool(0.9) => a.owner,
            _ => rng.random_range(0..self.roster.reps.len()),
        };
        let rep = self.rep(owner);
        let renewal = !self.renewals.open.is_empty() && rng.random_bool(0.15);
        let track = self.track(renewal);
        let n = track.open.len();
        let source = (!renewal).then(|| pick(&mut rng, SOURCES));
        let product = one_of(&mut rng, if renewal { RENEWALS } else { PRODUCTS });
        let tier = account.as_ref().map_or(2, |a| a.tier);
        let amount = self.opening_amount(&mut rng, rep.size, tier, renewal);
        let created_at = self.deal_created(&mut rng, account.as_ref());
        // Warm inbound leads and referrals often skip prospecting.
        let warm = matches!(source, Some("Inbound" | "Referral"));
        let entry = usize::from(warm && n > 1 && rng.random_bool(0.3));
        let size = to_f64(amount) / to_f64(self.unit);
        let fate = fate(
            &mut rng,
            track,
            win_probability(rep.win_rate, size, renewal),
            entry,
        );
        // Big deals take longer in every stage.
        let slowness = (size / 25_000.0).powf(0.2).clamp(0.6, 1.8);
        let (mut stages, end) = walk(&mut rng, n, created_at, entry, fate, slowness);
        let today = self.calendar.today_start;
        stages.retain(|(at, _)| *at < today);
        let closed_at = end.filter(|at| *at < today);
        let close_date = expected_close(&mut rng, created_at, entry, n, slowness);
        let horizon = closed_at.unwrap_or(today);
        let mut changes = close_date_pushes(&mut rng, created_at, close_date, horizon);
        changes.extend(self.amount_change(&mut rng, created_at, amount, horizon));
        changes.sort_by_key(|c| c.0);
        // Only a deal that has been going a while can go dark (the last reason).
        let lived = end.map_or(TimeDelta::MAX, |end| end - created_at);
        let reasons = if lived < TimeDelta::days(28) {
            &LOST_REASONS[..LOST_REASONS.len() - 1]
        } else {
            LOST_REASONS
        };
        let lost_reason = pick(&mut rng, reasons);
        let silent = fate_silence(&mut rng, fate, lost_reason);
        let quiet_from = self.quiet_from(&stages, end, created_at, silent);
        let phase = (stages.last().map_or(0, |s| s.1) * 3 / n).min(2);
        let steps = if renewal {
            RENEWAL_NEXT_STEPS
        } else {
            NEXT_STEPS[phase]
        };
        Life {
            next_step: one_of(&mut rng, steps),
            splits: self.splits(&mut rng, owner),
            contacts: self.deal_contacts(&mut rng, account.as_ref()),
            index,
            account,
            owner,
            renewal,
            source,
            product,
            amount,
            created_at,
            close_date,
            fate,
            stages,
            closed_at,
            changes,
            quiet_from,
            lost_reason,
        }
    }

    /// Most accounts get their deals in turn; the rest go anywhere, so some accounts have several
    /// deals and some none.
    fn deal_account(&self, rng: &mut Rand, index: usize) -> Option<AccountProfile> {
        let accounts = self.scale.accounts;
        if accounts == 0 {
            return None;
        }
        let a = if rng.random_bool(0.6) {
            index % accounts
        } else {
            rng.random_range(0..accounts)
        };
        Some(self.account_profile(a))
    }

    /// Log-normal around $25k, bigger for big accounts and big-deal reps, in steps of $500.
    fn opening_amount(&self, rng: &mut Rand, size: f64, tier: i64, renewal: bool) -> i64 {
        let tier_factor = match tier {
            1 => 2.6,
            2 => 1.2,
            _ => 0.65,
        };
        let median = 25_000.0 * size * tier_factor * if renewal { 0.8 } else { 1.0 };
        let major = log_normal(rng, median, 0.7).clamp(1_000.0, 2_500_000.0);
        round_money(major, 500, self.unit)
    }

    /// A business moment in the window, after the account existed, a little more often recently
    /// (the business grows).
    fn deal_created(&self, rng: &mut Rand, account: Option<&AccountProfile>) -> DateTime<Utc> {
        let window = self.calendar.window_start();
        let from = account.map_or(window, |a| {
            window.max(a.created_at.date_naive() + TimeDelta::days(1))
        });
        let span = (self.calendar.today - from).num_days().max(1);
        let mut day = from;
        for _ in 0..8 {
            let offset = rng.random::<f64>().powf(0.85) * to_f64(span) - 0.5;
            day = from + TimeDelta::days(to_i64(offset).clamp(0, span - 1));
            if rng.random::<f64>() < weekday_weight(day) {
                break;
            }
        }
        business_moment(rng, day)
    }

    /// Some deals are re-sized on the way: cut more often than raised.
    fn amount_change(
        &self,
        rng: &mut Rand,
        created_at: DateTime<Utc>,
        amount: i64,
        horizon: DateTime<Utc>,
    ) -> Option<(DateTime<Utc>, Change)> {
        if !rng.random_bool(0.18) {
            return None;
        }
        let from = created_at.date_naive() + TimeDelta::days(1);
        let until = horizon.date_naive();
        if from >= until {
            return None;
        }
        let day = working_day(rng, from, until);
        let at = business_moment(rng, day);
        let factor = if rng.random_bool(0.7) {
            rng.random_range(0.6..0.92)
        } else {
            rng.random_range(1.1..1.5)
        };
        let major = to_f64(amount) / to_f64(self.unit) * factor;
        (at < horizon).then(|| (at, Change::Amount(round_money(major, 500, self.unit))))
    }

    /// Activity ends when the deal closes; on lost and stalled deals the customer goes quiet
    /// first — `silent` days before a loss, some days after a stall's last stage change.
    fn quiet_from(
        &self,
        stages: &[(DateTime<Utc>, usize)],
        end: Option<DateTime<Utc>>,
        created_at: DateTime<Utc>,
        silent: i64,
    ) -> DateTime<Utc> {
        let quiet = match end {
            Some(end) => end - TimeDelta::days(silent),
            None => stages.last().map_or(created_at, |s| s.0) + TimeDelta::days(silent),
        };
        let today = self.calendar.today_start;
        quiet.max(created_at + TimeDelta::minutes(30)).min(today)
    }

    /// About one deal in ten shares revenue credit with a second rep; one in twenty gives the
    /// team manager an overlay.
    fn splits(&self, rng: &mut Rand, owner: usize) -> Vec<DealSplit> {
        let reps = &self.roster.reps;
        let mut splits = Vec::new();
        if reps.len() > 1 && rng.random_bool(0.10) {
            let other = (owner + rng.random_range(1..reps.len())) % reps.len();
            let mine = if rng.random_bool(0.5) { 6_000 } else { 5_000 };
            if reps[other].user_id != reps[owner].user_id {
                splits.push(split(reps[owner].user_id, SplitKind::Revenue, mine));
                splits.push(split(
                    reps[other].user_id,
                    SplitKind::Revenue,
                    10_000 - mine,
                ));
            }
        }
        let manager = reps[owner].team_manager;
        if rng.random_bool(0.05) && manager != reps[owner].user_id {
            splits.push(split(manager, SplitKind::Overlay, 10_000));
        }
        splits
    }

    /// One to three of the account's contacts, the first primary, each in a different role.
    fn deal_contacts(&self, rng: &mut Rand, account: Option<&AccountProfile>) -> Vec<DealContact> {
        let per_account = self.scale.contacts_per_account;
        let Some(account) = account.filter(|_| per_account > 0) else {
            return Vec::new();
        };
        let count = pick(rng, &[(1, 40), (2, 35), (3, 25)]).min(per_account);
        let first = rng.random_range(0..per_account);
        // The primary contact is usually the champion or the decision maker.
        let role = pick(rng, &[(0, 45), (1, 35), (2, 20)]);
        (0..count)
            .map(|k| DealContact {
                contact_id: self.contact_id(account.index, (first + k) % per_account),
                role: Some(ROLES[(role + k) % ROLES.len()].to_owned()),
                is_primary: k == 0,
            })
            .collect()
    }
}

fn split(user_id: UserId, kind: SplitKind, basis_points: i64) -> DealSplit {
    DealSplit {
        user_id,
        kind,
        percent: Percent::from_basis_points(basis_points).expect("split shares are 1..=10000"),
    }
}
