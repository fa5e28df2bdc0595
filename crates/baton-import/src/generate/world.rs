//! The org being simulated: users with their skill and planted struggles, accounts with their
//! size, country and planted "sideways" periods. Everything per deal or activity is streamed;
//! only this (reps, accounts) is held in memory.

use super::GenerateConfig;
use super::out::{DAY, days_from_date};
use super::random::{Gen, chance, index, lognormal, mix, normal, secs, uniform, work_instant};
use super::words::{COUNTRIES, FIRST_NAMES, LAST_NAMES};
use crate::sfid::{SfId, prefix};
use baton_model::Currency;
use std::collections::HashSet;

/// The email domain of the selling org's users (`.example` is reserved: no mail can escape).
pub(crate) const ORG_DOMAIN: &str = "salesorg.example";

/// A user of the selling org.
pub(crate) struct User {
    pub id: SfId,
    pub first: usize,
    pub last: usize,
    pub email: String,
    pub time_zone: usize,
    pub created: i64,
}

/// A sales rep: a user who owns accounts and deals.
pub(crate) struct Rep {
    pub user: User,
    pub manager: usize,
    /// Base win rate of a deal of typical size.
    pub skill: f64,
    /// Activities logged relative to an average rep.
    pub activity: f64,
    pub struggle: Option<Struggle>,
    /// A bad month the rep recovers from: not a decline, and not to be reported as one.
    pub dip: Option<Dip>,
}

/// Three to five weeks in which a rep who is not struggling logs half their usual activity
/// (a holiday, a sick spell, a bad month), then goes back to normal.
#[derive(Clone, Copy)]
pub(crate) struct Dip {
    pub from: i64,
    pub to: i64,
}

/// A planted decline: activity and new pipeline fall off from `from`; wins drop from
/// `wins_drop`, some weeks later.
#[derive(Clone, Copy)]
pub(crate) struct Struggle {
    pub from: i64,
    pub wins_drop: i64,
}

impl Rep {
    /// Whether the rep's activity and pipeline are down at `t`.
    pub(crate) fn struggling_at(&self, t: i64) -> bool {
        self.struggle.is_some_and(|s| t >= s.from)
    }

    /// The share of the rep's activity not logged at `t`: about two thirds once struggling,
    /// half in a bad month.
    pub(crate) fn idle_share(&self, t: i64) -> f64 {
        if self.struggling_at(t) {
            0.65
        } else if self.dip.is_some_and(|d| d.from <= t && t < d.to) {
            0.5
        } else {
            0.0
        }
    }

    /// Whether the rep's deals closing at `t` are less likely to be won.
    pub(crate) fn losing_at(&self, t: i64) -> bool {
        self.struggle.is_some_and(|s| t >= s.wins_drop)
    }
}

/// A customer account.
pub(crate) struct Account {
    pub id: SfId,
    pub owner: usize,
    pub employees: u32,
    pub industry: usize,
    pub country: usize,
    pub currency: Currency,
    pub first_contact: u64,
    pub contacts: u8,
    pub created: i64,
    pub sideways: Option<Sideways>,
    pub hash: u64,
}

/// A planted slide: replies thin out and slow down from `from`; deals closing from
/// `losses_from` are mostly lost.
#[derive(Clone, Copy)]
pub(crate) struct Sideways {
    pub from: i64,
    pub losses_from: i64,
}

impl Account {
    /// Whether the account's people have gone quiet at `t`.
    pub(crate) fn sideways_at(&self, t: i64) -> bool {
        self.sideways.is_some_and(|s| t >= s.from)
    }

    /// Whether deals with the account closing at `t` are mostly lost.
    pub(crate) fn losing_at(&self, t: i64) -> bool {
        self.sideways.is_some_and(|s| t >= s.losses_from)
    }
}

/// The whole org.
pub(crate) struct World {
    pub seed: u64,
    /// Midnight UTC of the as-of date, in Unix seconds.
    pub as_of: i64,
    /// Two years before `as_of`: where closed deals start.
    pub start: i64,
    /// The VP first, then the sales managers.
    pub managers: Vec<User>,
    pub reps: Vec<Rep>,
    pub accounts: Vec<Account>,
}

impl World {
    /// Draws the org for `config`.
    pub(crate) fn build(config: &GenerateConfig, rng: &mut Gen) -> Self {
        let as_of = days_from_date(config.as_of) * DAY;
        let start = as_of - 730 * DAY;
        let rep_count = config.reps as usize;
        let mut emails = HashSet::new();
        let manager_count = 1 + rep_count.div_ceil(8);
        let mut user = |rng: &mut Gen, n: u64| {
            let (first, last) = (index(rng, FIRST_NAMES.len()), index(rng, LAST_NAMES.len()));
            let base = format!("{}.{}", FIRST_NAMES[first].1, LAST_NAMES[last].1);
            let mut email = format!("{base}@{ORG_DOMAIN}");
            let mut k = 2;
            while !emails.insert(email.clone()) {
                email = format!("{base}{k}@{ORG_DOMAIN}");
                k += 1;
            }
            let created = work_instant(rng, start - 1120 * DAY, start - 120 * DAY);
            User {
                id: SfId::generated(prefix::USER, n),
                first,
                last,
                email,
                time_zone: index(rng, 8),
                created,
            }
        };
        let managers: Vec<User> = (0..manager_count).map(|n| user(rng, n as u64)).collect();
        let mut reps: Vec<Rep> = (0..rep_count)
            .map(|i| {
                let user = user(rng, (manager_count + i) as u64);
                let skill = (0.30 + 0.08 * normal(rng)).clamp(0.10, 0.55);
                let activity = lognormal(rng, 0.6 + skill * 1.3, 0.25).clamp(0.3, 2.5);
                Rep {
                    user,
                    manager: 1 + i % (manager_count - 1),
                    skill,
                    activity,
                    struggle: None,
                    dip: None,
                }
            })
            .collect();
        let struggling = if rep_count >= 3 {
            (rep_count / 10).max(1)
        } else {
            0
        };
        for _ in 0..struggling * 4 {
            if reps.iter().filter(|r| r.struggle.is_some()).count() == struggling {
                break;
            }
            let rep = &mut reps[index(rng, rep_count)];
            let from = as_of - secs(uniform(rng, 70.0, 330.0)) * DAY;
            let wins_drop = from + secs(uniform(rng, 42.0, 70.0)) * DAY;
            rep.struggle.get_or_insert(Struggle { from, wins_drop });
        }
        // A third of the others have a bad month in the last year.
        for rep in &mut reps {
            if rep.struggle.is_none() && chance(rng, 0.3) {
                let from = as_of - secs(uniform(rng, 40.0, 330.0)) * DAY;
                let to = from + secs(uniform(rng, 21.0, 35.0)) * DAY;
                rep.dip = Some(Dip { from, to });
            }
        }
        let accounts = accounts(config, rng, start, as_of, rep_count);
        Self {
            seed: config.seed,
            as_of,
            start,
            managers,
            reps,
            accounts,
        }
    }

    /// The `(first, last)` name indexes of an account's `j`-th contact: distinct within an
    /// account, and a pure function of the seed, so they can be recomputed instead of stored.
    pub(crate) fn contact_name(&self, account: usize, j: u8) -> (usize, usize) {
        let combos = (FIRST_NAMES.len() * LAST_NAMES.len()) as u64;
        let n = (self.accounts[account].hash % combos + u64::from(j) * 7919) % combos;
        let n = usize::try_from(n).unwrap_or(0);
        (n % FIRST_NAMES.len(), n / FIRST_NAMES.len())
    }

    /// The id of an account's `j`-th contact.
    pub(crate) fn contact_id(&self, account: usize, j: u8) -> SfId {
        SfId::generated(
            prefix::CONTACT,
            self.accounts[account].first_contact + u64::from(j),
        )
    }

    /// An account in `rep`'s book (accounts are dealt to reps round-robin); larger accounts
    /// are picked more often, as they buy more.
    pub(crate) fn account_of(&self, rep: usize, rng: &mut Gen) -> usize {
        let (a, r) = (self.accounts.len(), self.reps.len());
        let mut pick = || {
            if rep >= a {
                index(rng, a)
            } else {
                rep + r * index(rng, (a - rep).div_ceil(r))
            }
        };
        let (x, y) = (pick(), pick());
        let larger = if self.accounts[x].employees >= self.accounts[y].employees {
            x
        } else {
            y
        };
        let smaller = x + y - larger;
        if chance(rng, 0.75) { larger } else { smaller }
    }
}

fn accounts(
    config: &GenerateConfig,
    rng: &mut Gen,
    start: i64,
    as_of: i64,
    reps: usize,
) -> Vec<Account> {
    let count = config.accounts as usize;
    let mut first_contact = 0;
    let currencies: Vec<Currency> = COUNTRIES
        .iter()
        .map(|c| c.1.parse().unwrap_or(Currency::USD))
        .collect();
    let total_share: u32 = COUNTRIES.iter().map(|c| c.2).sum();
    let mut accounts: Vec<Account> = (0..count)
        .map(|i| {
            let employees = lognormal(rng, 300.0, 1.3).clamp(5.0, 200_000.0);
            let contacts = (2.0 + employees.ln() / 1.6 + uniform(rng, -1.0, 1.0)).clamp(1.0, 12.0);
            let country =
                weighted_country(u32::try_from(index(rng, total_share as usize)).unwrap_or(0));
            let account = Account {
                id: SfId::generated(prefix::ACCOUNT, i as u64),
                owner: i % reps,
                employees: u32::try_from(secs(employees)).unwrap_or(5),
                industry: index(rng, super::words::INDUSTRIES.len()),
                country,
                currency: currencies[country],
                first_contact,
                contacts: u8::try_from(secs(contacts)).unwrap_or(1),
                created: work_instant(rng, start - 1630 * DAY, start - 130 * DAY),
                sideways: None,
                hash: mix(config.seed, i as u64),
            };
            first_contact += u64::from(account.contacts);
            account
        })
        .collect();
    let sideways = if count >= 5 { (count / 30).max(1) } else { 0 };
    let mut planted = 0;
    for _ in 0..sideways * 20 {
        if planted == sideways {
            break;
        }
        // Among accounts of at least median size, so that there is activity to go quiet.
        let account = &mut accounts[index(rng, count)];
        if account.sideways.is_none() && account.employees >= 300 {
            let from = as_of - secs(uniform(rng, 60.0, 300.0)) * DAY;
            let losses_from = from + secs(uniform(rng, 28.0, 56.0)) * DAY;
            account.sideways = Some(Sideways { from, losses_from });
            planted += 1;
        }
    }
    accounts
}

/// The country whose cumulative share covers `pick`.
fn weighted_country(mut pick: u32) -> usize {
    for (i, country) in COUNTRIES.iter().enumerate() {
        if pick < country.2 {
            return i;
        }
        pick -= country.2;
    }
    0
}
