//! The input indexed for looking back: activities sorted by time per deal, account and owner,
//! and each deal's fields read back as they were at any instant.

use crate::input::{Activity, Deal, Input, Stage};
use baton_model::{
    AccountId, DealId, StageId, UserId,
    pipeline::{ForecastCategory, StageOutcome},
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::HashMap;

/// The input with its indexes. Built once; every computation takes an `as_of` instant and
/// reads only what is stamped at or before it.
pub struct Timeline {
    pub input: Input,
    /// Activity indexes into `input.activities`, each list in time order.
    by_deal: HashMap<DealId, Vec<u32>>,
    by_account: HashMap<AccountId, Vec<u32>>,
    by_owner: HashMap<UserId, Vec<u32>>,
    stages: HashMap<StageId, usize>,
    /// Each owner's running count of closed deals, changed at each move into or out of a
    /// won or lost stage, in time order.
    closings: HashMap<UserId, Vec<Closing>>,
}

/// An owner's deals won and lost up to `at`.
struct Closing {
    at: DateTime<Utc>,
    won: i32,
    lost: i32,
}

/// A deal as it stood at an instant.
#[derive(Debug, Clone)]
pub struct DealAt<'a> {
    pub deal: &'a Deal,
    pub stage: &'a Stage,
    pub amount_minor: Option<i64>,
    pub close_date: Option<NaiveDate>,
    pub owner: UserId,
    pub category: ForecastCategory,
    /// When it entered its stage (its creation if it never moved).
    pub stage_since: DateTime<Utc>,
    /// Close-date changes to a later date so far, and their total in days.
    pub pushes: u32,
    pub slip_days: i64,
    /// The largest amount it has had so far.
    pub peak_amount_minor: Option<i64>,
}

impl Timeline {
    pub fn new(mut input: Input) -> Self {
        // A total order, so that equal instants read the same whatever order they came in.
        input.activities.sort_unstable();
        input.deals.sort_by_key(|d| d.id);
        input.accounts.sort_by_key(|a| a.id);
        let mut by_deal: HashMap<DealId, Vec<u32>> = HashMap::new();
        let mut by_account: HashMap<AccountId, Vec<u32>> = HashMap::new();
        let mut by_owner: HashMap<UserId, Vec<u32>> = HashMap::new();
        for (i, a) in input.activities.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            if let Some(deal) = a.deal {
                by_deal.entry(deal).or_default().push(i);
            }
            if let Some(account) = a.account {
                by_account.entry(account).or_default().push(i);
            }
            by_owner.entry(a.owner).or_default().push(i);
        }
        let stages = input
            .stages
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id, i))
            .collect();
        let mut timeline = Timeline {
            input,
            by_deal,
            by_account,
            by_owner,
            stages,
            closings: HashMap::new(),
        };
        let mut closings: HashMap<UserId, Vec<Closing>> = HashMap::new();
        for deal in &timeline.input.deals {
            for (at, old, new) in Timeline::transitions(deal) {
                let (was, is) = (timeline.outcome(old), timeline.outcome(new));
                if was == is {
                    continue;
                }
                let owner = deal.owners.at(at, &Some(deal.owner)).unwrap_or(deal.owner);
                let list = closings.entry(owner).or_default();
                let delta = |o: Option<StageOutcome>, sign: i32| match o {
                    Some(StageOutcome::Won) => (sign, 0),
                    Some(StageOutcome::Lost) => (0, sign),
                    _ => (0, 0),
                };
                let (w1, l1) = delta(was, -1);
                let (w2, l2) = delta(is, 1);
                list.push(Closing {
                    at,
                    won: w1 + w2,
                    lost: l1 + l2,
                });
            }
        }
        for list in closings.values_mut() {
            list.sort_by_key(|c| c.at);
            let (mut won, mut lost) = (0, 0);
            for c in list.iter_mut() {
                won += c.won;
                lost += c.lost;
                (c.won, c.lost) = (won, lost);
            }
        }
        timeline.closings = closings;
        timeline
    }

    /// The deal with this id (deals are kept in id order).
    pub fn deal(&self, id: DealId) -> Option<&Deal> {
        let deals = &self.input.deals;
        deals
            .binary_search_by_key(&id, |d| d.id)
            .ok()
            .map(|i| &deals[i])
    }

    /// When the deal was last touched by `at`: its latest activity, or its creation.
    pub fn last_touched(&self, deal: &Deal, at: DateTime<Utc>) -> DateTime<Utc> {
        self.deal_activities(deal.id, deal.created_at, at)
            .next_back()
            .map_or(deal.created_at, |a| a.at)
    }

    pub fn stage(&self, id: StageId) -> Option<&Stage> {
        self.stages.get(&id).map(|&i| &self.input.stages[i])
    }

    /// The outcome of a stage (`None` for no stage or an unknown one).
    fn outcome(&self, id: Option<StageId>) -> Option<StageOutcome> {
        id.and_then(|id| self.stage(id)).map(|s| s.outcome)
    }

    /// The deal's stage changes as `(at, old, new)`, starting with its creation: a history
    /// that begins later (or not at all) is read as the first old stage held since creation.
    pub fn transitions(
        deal: &Deal,
    ) -> impl Iterator<Item = (DateTime<Utc>, Option<StageId>, Option<StageId>)> + '_ {
        let list = deal.stages.list();
        let first = list.first().map_or(Some(deal.stage), |c| c.old);
        let created = first.map(|stage| (deal.created_at, None, Some(stage)));
        created
            .into_iter()
            .chain(list.iter().map(|c| (c.at, c.old, c.new)))
    }

    /// When the deal was closed, as of `at`, and whether it was won: its last move from an
    /// open stage into a won or lost one, or `None` while it is open (or not yet created).
    pub fn closed(&self, deal: &Deal, at: DateTime<Utc>) -> Option<(DateTime<Utc>, bool)> {
        let now = self.deal_at(deal, at)?;
        if !now.stage.outcome.is_closed() {
            return None;
        }
        let when = Self::transitions(deal)
            .filter(|&(t, old, new)| {
                t <= at
                    && !self.outcome(old).is_some_and(StageOutcome::is_closed)
                    && self.outcome(new).is_some_and(StageOutcome::is_closed)
            })
            .last()
            .map_or(deal.created_at, |c| c.0);
        Some((when, now.stage.outcome == StageOutcome::Won))
    }

    /// The deal as it stood at `at`, or `None` before it was created (or when its stage is
    /// unknown).
    pub fn deal_at<'a>(&'a self, deal: &'a Deal, at: DateTime<Utc>) -> Option<DealAt<'a>> {
        if deal.created_at > at {
            return None;
        }
        let stage_id = deal.stages.at(at, &Some(deal.stage))?;
        let stage = self.stage(stage_id)?;
        let stage_since = deal
            .stages
            .list()
            .iter()
            .rev()
            .filter(|c| c.at <= at && c.old != c.new)
            .map(|c| c.at)
            .next()
            .unwrap_or(deal.created_at)
            .max(deal.created_at);
        let (mut pushes, mut slip_days) = (0, 0);
        for c in deal.close_dates.list().iter().take_while(|c| c.at <= at) {
            if let (Some(old), Some(new)) = (c.old, c.new)
                && new > old
            {
                pushes += 1;
                slip_days += (new - old).num_days();
            }
        }
        let amount_minor = deal.amounts.at(at, &deal.amount_minor);
        let peak_amount_minor = deal
            .amounts
            .list()
            .iter()
            .take_while(|c| c.at <= at)
            .filter_map(|c| c.new)
            .chain(amount_minor)
            .max();
        Some(DealAt {
            deal,
            stage,
            amount_minor,
            close_date: deal.close_dates.at(at, &deal.close_date),
            owner: deal.owners.at(at, &Some(deal.owner)).unwrap_or(deal.owner),
            category: deal
                .categories
                .at(at, &Some(deal.forecast_category))
                .unwrap_or(deal.forecast_category),
            stage_since,
            pushes,
            slip_days,
            peak_amount_minor,
        })
    }

    /// The deal's amount in the organisation's currency at the rate of `at`'s date.
    pub fn converted(&self, deal: &DealAt<'_>, at: DateTime<Utc>) -> Option<i64> {
        let minor = deal.amount_minor?;
        self.input
            .convert(minor, deal.deal.currency, self.input.date(at))
    }

    /// The deal's activities in `[from, to]`, oldest first.
    pub fn deal_activities(
        &self,
        deal: DealId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl DoubleEndedIterator<Item = &Activity> {
        self.slice(self.by_deal.get(&deal), from, to)
    }

    /// The account's activities in `[from, to]`, oldest first.
    pub fn account_activities(
        &self,
        account: AccountId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl DoubleEndedIterator<Item = &Activity> {
        self.slice(self.by_account.get(&account), from, to)
    }

    /// The activities `owner` logged in `[from, to]`, oldest first.
    pub fn owner_activities(
        &self,
        owner: UserId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl DoubleEndedIterator<Item = &Activity> {
        self.slice(self.by_owner.get(&owner), from, to)
    }

    fn slice(
        &self,
        list: Option<&Vec<u32>>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl DoubleEndedIterator<Item = &Activity> {
        let list = list.map_or(&[][..], Vec::as_slice);
        let acts = &self.input.activities;
        let at = |i: &u32| acts[*i as usize].at;
        let start = list.partition_point(|i| at(i) < from);
        let end = list.partition_point(|i| at(i) <= to);
        list[start..end.max(start)]
            .iter()
            .map(move |&i| &acts[i as usize])
    }

    /// `owner`'s deals closed as of `at` (by when they were closed): `(won, lost)`.
    pub fn record(&self, owner: UserId, at: DateTime<Utc>) -> (i32, i32) {
        let list = self.closings.get(&owner).map_or(&[][..], Vec::as_slice);
        match list.partition_point(|c| c.at <= at) {
            0 => (0, 0),
            n => (list[n - 1].won, list[n - 1].lost),
        }
    }

    /// The deals open at `at`, as they stood then.
    pub fn open_at(&self, at: DateTime<Utc>) -> Vec<DealAt<'_>> {
        self.input
            .deals
            .iter()
            .filter_map(|d| self.deal_at(d, at))
            .filter(|d| !d.stage.outcome.is_closed())
            .collect()
    }
}

/// `n` days.
pub fn span(n: i64) -> Duration {
    Duration::days(n)
}
