//! One opportunity's life: who owns it, what it is worth, when it closes and how, and the
//! changes along the way that become its `OpportunityHistory`.

use super::out::DAY;
use super::random::{
    Gen, chance, float, float_u, index, lognormal, normal, secs, uniform, work_instant,
};
use super::stages::{LOST, WON};
use super::world::World;
use crate::sfid::{SfId, prefix};

/// How the deal ends (or has not yet, at the as-of date).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Won,
    Lost,
    Open,
}

/// The fields `OpportunityHistory` records, after one change.
#[derive(Clone, Copy)]
pub(crate) struct Snapshot {
    pub at: i64,
    pub stage: u8,
    pub amount: i64,
    pub close_day: i64,
}

/// A planned deal; `history` is a reused buffer whose last entry is the deal's final state.
#[derive(Default)]
pub(crate) struct Deal {
    pub index: u64,
    pub id: Option<SfId>,
    pub rep: usize,
    pub account: usize,
    pub created: i64,
    /// The close instant for closed deals, the as-of instant for open ones.
    pub end: i64,
    pub outcome: Option<Outcome>,
    /// The amount in US dollars, for size-dependent choices.
    pub usd: f64,
    pub history: Vec<Snapshot>,
    changes: Vec<(i64, Change)>,
    path: Vec<u8>,
}

#[derive(Clone, Copy)]
enum Change {
    Stage(u8),
    CloseDay(i64),
    Amount(i64),
}

impl Deal {
    /// The opportunity's id.
    pub(crate) fn opportunity_id(&self) -> SfId {
        self.id
            .unwrap_or_else(|| SfId::generated(prefix::OPPORTUNITY, self.index))
    }

    /// The deal's state at the as-of date.
    pub(crate) fn last(&self) -> Snapshot {
        self.history.last().copied().unwrap_or(Snapshot {
            at: self.created,
            stage: 0,
            amount: 0,
            close_day: 0,
        })
    }

    /// Plans deal `i` of `n`, reusing this value's buffers.
    pub(crate) fn plan(&mut self, world: &World, i: u64, n: u64, rng: &mut Gen) {
        // Pipeline grows 30% a year: creation times follow an exponential density, inverted
        // so that deal ids still increase with creation time.
        let first = world.start - 120 * DAY;
        let span_days = float(world.as_of - DAY - first) / float(DAY);
        let growth = 0.3 / 365.0;
        let u = (float_u(i) + rng_unit(rng)) / float_u(n.max(1));
        let day = (u * ((growth * span_days).exp() - 1.0)).ln_1p() / growth;
        let at = first + secs(day * float(DAY));
        self.index = i;
        self.id = Some(SfId::generated(prefix::OPPORTUNITY, i));
        self.created = work_instant(rng, at, at + 1).min(world.as_of - 3600);
        let mut rep = index(rng, world.reps.len());
        for _ in 0..8 {
            if !(world.reps[rep].struggling_at(self.created) && chance(rng, 0.6)) {
                break;
            }
            rep = index(rng, world.reps.len());
        }
        self.rep = rep;
        self.account = world.account_of(rep, rng);
        let account = &world.accounts[self.account];
        let median = 18_000.0 * (f64::from(account.employees) / 300.0).powf(0.35);
        self.usd = lognormal(rng, median, 0.8).clamp(500.0, 5_000_000.0);
        let local = self.usd * fx(account.currency.code());
        let scale = 10_f64.powi(i32::from(account.currency.exponent()));
        let step = if chance(rng, 0.9) { 100.0 * scale } else { 1.0 };
        let amount = secs(((local * scale) / step).round() * step).max(1);

        let planned =
            lognormal(rng, 45.0 * (self.usd / 18_000.0).powf(0.2), 0.55).clamp(7.0, 300.0);
        let mut slip = 1.0 + normal(rng).abs() * 0.4;
        if account.sideways_at(self.created + secs(planned) * DAY) {
            slip *= 1.6;
        }
        let actual = (planned * slip).min(400.0);
        let mut close = work_instant(
            rng,
            self.created + secs(actual) * DAY,
            self.created + secs(actual) * DAY + 1,
        )
        .max(self.created + DAY);
        let size = (18_000.0 / self.usd).powf(0.12).clamp(0.5, 1.6);
        let mut p_win = world.reps[rep].skill * size;
        if world.reps[rep].losing_at(close) {
            p_win *= 0.35;
        }
        if account.losing_at(close) {
            p_win *= 0.15;
        }
        let won = chance(rng, p_win);
        // A lost deal dies early, and its rep marks it Closed Lost only some days later: in
        // between it sits open, untouched, its close date going stale.
        let alive_until = if won {
            close
        } else {
            let died =
                self.created + secs(float(close - self.created) * uniform(rng, 0.4, 1.0)).max(DAY);
            close = died + secs(lognormal(rng, 14.0, 0.9).min(120.0) * float(DAY));
            died
        };
        let outcome = match (close <= world.as_of, won) {
            (false, _) => Outcome::Open,
            (true, true) => Outcome::Won,
            (true, false) => Outcome::Lost,
        };
        self.outcome = Some(outcome);
        self.end = alive_until.min(world.as_of);

        self.plan_path(rng, won);
        self.plan_changes(rng, world, (alive_until, close), planned, amount, outcome);
        self.apply(
            amount,
            self.created.div_euclid(DAY) + secs(planned),
            world.as_of,
        );
    }

    /// The stages the deal passes through, ending in Closed Won or Closed Lost.
    fn plan_path(&mut self, rng: &mut Gen, won: bool) {
        self.path.clear();
        let start = u8::from(chance(rng, 0.25));
        let top = if won {
            if chance(rng, 0.8) { 5 } else { 4 }
        } else {
            let r = rng_unit(rng);
            let cut = [0.22, 0.47, 0.67, 0.82, 0.94, 1.0];
            u8::try_from(cut.iter().position(|c| r < *c).unwrap_or(5))
                .unwrap_or(5)
                .max(start)
        };
        let mut s = start;
        self.path.push(s);
        while s < top && self.path.len() < 12 {
            let next = if s + 2 <= top && chance(rng, 0.15) {
                s + 2
            } else {
                s + 1
            };
            self.path.push(next);
            s = next;
            if s > 1 && s < top && chance(rng, 0.05) {
                s -= 1;
                self.path.push(s);
            }
        }
        self.path.push(if won { WON } else { LOST });
    }

    fn plan_changes(
        &mut self,
        rng: &mut Gen,
        world: &World,
        (alive_until, close): (i64, i64),
        planned: f64,
        amount: i64,
        outcome: Outcome,
    ) {
        self.changes.clear();
        let steps = self.path.len() - 1;
        for _ in 1..steps {
            let t = self.created
                + 3600
                + secs(float(alive_until - self.created - 7200) * rng_unit(rng));
            self.changes.push((t, Change::Stage(0)));
        }
        self.changes.sort_by_key(|c| c.0);
        for (k, change) in self.changes.iter_mut().enumerate() {
            change.1 = Change::Stage(self.path[k + 1]);
        }
        self.changes.push((close, Change::Stage(self.path[steps])));

        // Nobody touches a deal once it is dead.
        let horizon = alive_until.min(world.as_of);
        let mut close_day = self.created.div_euclid(DAY) + secs(planned);
        for _ in 0..10 {
            if close_day * DAY >= horizon || (outcome == Outcome::Open && chance(rng, 0.06)) {
                break;
            }
            let at = (close_day * DAY - secs(uniform(rng, 0.0, 3.0) * float(DAY)) + 15 * 3600)
                .min(horizon - 1)
                .max(self.created + 60);
            close_day += secs(uniform(rng, 14.0, 45.0));
            self.changes.push((at, Change::CloseDay(close_day)));
        }
        let cut_chance = if outcome == Outcome::Lost { 0.25 } else { 0.15 };
        for (p, lo, hi) in [(cut_chance, 0.55, 0.9), (0.05, 1.1, 1.4)] {
            if chance(rng, p) && horizon - self.created > 7200 {
                let at = self.created
                    + 3600
                    + secs(float(horizon - self.created - 7200) * rng_unit(rng));
                let factor = uniform(rng, lo, hi);
                self.changes
                    .push((at, Change::Amount(secs(float(amount) * factor).max(1))));
            }
        }
        self.changes.sort_by_key(|c| c.0);
    }

    /// Replays the changes up to the as-of date into snapshots.
    fn apply(&mut self, amount: i64, close_day: i64, as_of: i64) {
        self.history.clear();
        let mut state = Snapshot {
            at: self.created,
            stage: self.path[0],
            amount,
            close_day,
        };
        self.history.push(state);
        for &(at, change) in &self.changes {
            if at > as_of {
                break;
            }
            state.at = at;
            match change {
                Change::Stage(s) => {
                    state.stage = s;
                    if s == WON || s == LOST {
                        state.close_day = at.div_euclid(DAY);
                    }
                }
                Change::CloseDay(day) => state.close_day = day,
                Change::Amount(a) => state.amount = a,
            }
            self.history.push(state);
        }
    }
}

fn rng_unit(rng: &mut Gen) -> f64 {
    uniform(rng, 0.0, 1.0)
}

/// Rough units of a currency per US dollar, to keep amounts plausible in each country.
fn fx(code: &str) -> f64 {
    match code {
        "GBP" => 0.79,
        "EUR" => 0.92,
        "CAD" => 1.36,
        "AUD" => 1.52,
        "JPY" => 150.0,
        _ => 1.0,
    }
}
