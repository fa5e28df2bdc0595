//! Accounts going sideways: a health score from how the customer's engagement moved (their
//! emails, how often and how fast they answer ours, meetings held and missed, how many of their
//! people are involved, notes turning negative, pushes on their deals), recent weeks against
//! the half-year before, corrected by how every account moved over the same weeks.

use crate::finding::{Evidence, Finding, Kind, Subject, SubjectKind, score, severity};
use crate::input::{Account, ActivityKind};
use crate::norms::{days_between, median};
use crate::timeline::{DealAt, Timeline, span};
use baton_model::AccountId;
use baton_reports::stats::{float, whole};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Weeks the recent engagement is measured over.
const RECENT_DAYS: i64 = 42;
/// The baseline before them.
const BASELINE_DAYS: i64 = 182;
/// Below this score an account with an open deal is a finding.
const SIDEWAYS_BELOW: f64 = 60.0;
/// Their emails in the baseline needed to judge a fall.
const MIN_BASELINE_EMAILS: usize = 4;

/// An account's health as of an instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Health {
    pub account: AccountId,
    /// 0–100; 100 is as engaged as ever.
    pub score: u8,
    /// The score's change over the last four weeks (`None` when it could not be judged then).
    pub trend: Option<i64>,
    /// What took points off, largest first.
    pub reasons: Vec<String>,
}

/// One account's engagement over a span.
#[derive(Debug, Default, Clone)]
struct Engagement {
    theirs: usize,
    meetings: usize,
    missed: usize,
    negative: usize,
    contacts: HashSet<baton_model::ContactId>,
    /// Our emails old enough to judge (sent at least [`FAST_HOURS`] before the as-of instant),
    /// and how many of them they answered within [`FAST_HOURS`].
    asked: usize,
    answered_fast: usize,
    /// Hours between our latest email in a thread and their answer.
    reply_hours: Vec<f64>,
}

impl Engagement {
    fn fast_rate(&self) -> Option<f64> {
        (self.asked > 0).then(|| float(to_i64(self.answered_fast)) / float(to_i64(self.asked)))
    }
}

/// An answer within this many hours is a prompt one.
const FAST_HOURS: f64 = 24.0;
/// A change this unlikely under the account's own baseline is not chance.
const SIGNIFICANT: f64 = 0.01;

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Recent and baseline engagement of every account with activity before `at`.
fn engagement(
    timeline: &Timeline,
    at: DateTime<Utc>,
) -> HashMap<AccountId, (Engagement, Engagement)> {
    let split = at - span(RECENT_DAYS);
    let from = split - span(BASELINE_DAYS);
    let mut all = HashMap::new();
    for account in &timeline.input.accounts {
        let mut pair = (Engagement::default(), Engagement::default());
        // Our emails waiting for an answer, per thread.
        let mut waiting: HashMap<u64, Vec<DateTime<Utc>>> = HashMap::new();
        let mut any = false;
        for a in timeline.account_activities(account.id, from, at) {
            any = true;
            let e = pick(&mut pair, a.at >= split);
            match a.kind {
                ActivityKind::EmailIn => e.theirs += 1,
                ActivityKind::Meeting => e.meetings += 1,
                ActivityKind::MeetingMissed => e.missed += 1,
                ActivityKind::NegativeNote => e.negative += 1,
                _ => {}
            }
            if a.kind.is_theirs()
                && let Some(c) = a.contact
            {
                e.contacts.insert(c);
            }
            match (a.kind, a.thread) {
                (ActivityKind::EmailOut, Some(t)) => waiting.entry(t).or_default().push(a.at),
                (ActivityKind::EmailIn, Some(t)) => {
                    let sent = waiting.remove(&t).unwrap_or_default();
                    for &s in &sent {
                        let e = pick(&mut pair, s >= split);
                        e.asked += 1;
                        if days_between(s, a.at) * 24.0 <= FAST_HOURS {
                            e.answered_fast += 1;
                        }
                    }
                    if let Some(&latest) = sent.last() {
                        pick(&mut pair, latest >= split)
                            .reply_hours
                            .push(days_between(latest, a.at) * 24.0);
                    }
                }
                _ => {}
            }
        }
        // Unanswered emails count once they are old enough to have been answered promptly.
        for s in waiting.into_values().flatten() {
            if days_between(s, at) * 24.0 > FAST_HOURS {
                pick(&mut pair, s >= split).asked += 1;
            }
        }
        if any {
            all.insert(account.id, pair);
        }
    }
    all
}

fn pick(pair: &mut (Engagement, Engagement), recent: bool) -> &mut Engagement {
    if recent { &mut pair.0 } else { &mut pair.1 }
}

/// What every account did, to judge one against: the share of our emails answered promptly,
/// how their emails moved (recent per day ÷ baseline per day, so that a quiet season is not
/// held against one account), and the median reply time.
struct Everyone {
    fast_rate: f64,
    emails_trend: f64,
    reply_hours: f64,
}

impl Everyone {
    fn of(all: &HashMap<AccountId, (Engagement, Engagement)>) -> Self {
        let (mut asked, mut fast, mut recent, mut base) = (0, 0, 0, 0);
        let mut hours = Vec::new();
        for (r, b) in all.values() {
            asked += b.asked;
            fast += b.answered_fast;
            recent += r.theirs;
            base += b.theirs;
            hours.extend_from_slice(&b.reply_hours);
        }
        let per_day = |n: usize, days: i64| float(to_i64(n)) / float(days);
        Everyone {
            fast_rate: if asked == 0 {
                0.5
            } else {
                float(to_i64(fast)) / float(to_i64(asked))
            },
            emails_trend: if base == 0 || recent == 0 {
                1.0
            } else {
                per_day(recent, RECENT_DAYS) / per_day(base, BASELINE_DAYS)
            },
            reply_hours: median(&mut hours).unwrap_or(4.0),
        }
    }
}

/// Points off, with their reasons, for one account's engagement; each fall must be unlikely
/// to be chance given the account's own baseline.
fn penalties(
    recent: &Engagement,
    base: &Engagement,
    everyone: &Everyone,
    pushes: i64,
) -> Option<Vec<(f64, String)>> {
    if base.theirs < MIN_BASELINE_EMAILS {
        return None;
    }
    let mut off = Vec::new();
    // Prompt answers: the baseline share, pulled towards everyone's when it rests on few emails.
    let prior = 5.0;
    let usual = (float(to_i64(base.answered_fast)) + prior * everyone.fast_rate)
        / (float(to_i64(base.asked)) + prior);
    if let Some(rate) = recent.fast_rate()
        && recent.asked >= 4
        && binomial_at_most(recent.answered_fast, recent.asked, usual) < SIGNIFICANT
    {
        off.push((
            45.0 * (1.0 - rate / usual).clamp(0.0, 1.0),
            format!(
                "they answered {} of our last {} emails within a day, {:.0} % before",
                recent.answered_fast,
                recent.asked,
                usual * 100.0
            ),
        ));
    }
    let usual_hours = match median(&mut base.reply_hours.clone()) {
        Some(h) if base.reply_hours.len() >= 2 => h,
        _ => everyone.reply_hours,
    };
    if recent.reply_hours.len() >= 2
        && let Some(hours) = median(&mut recent.reply_hours.clone())
        && hours >= (5.0 * usual_hours).max(FAST_HOURS)
    {
        off.push((
            30.0,
            format!("they take {hours:.0} h to answer, {usual_hours:.0} h before"),
        ));
    }
    let expected = float(to_i64(base.theirs)) * float(RECENT_DAYS) / float(BASELINE_DAYS)
        * everyone.emails_trend;
    if poisson_at_most(recent.theirs, expected) < SIGNIFICANT {
        let fall = 1.0 - float(to_i64(recent.theirs)) / expected;
        off.push((
            20.0 * fall.clamp(0.0, 1.0),
            format!("their emails down {:.0} %", fall * 100.0),
        ));
    }
    let expected_meetings =
        float(to_i64(base.meetings)) * float(RECENT_DAYS) / float(BASELINE_DAYS);
    if poisson_at_most(recent.meetings, expected_meetings) < SIGNIFICANT {
        let fall = 1.0 - float(to_i64(recent.meetings)) / expected_meetings;
        off.push((
            10.0 * fall.clamp(0.0, 1.0),
            format!("meetings down {:.0} %", fall * 100.0),
        ));
    }
    if recent.missed > 0 {
        off.push((
            (3.0 * float(to_i64(recent.missed))).min(9.0),
            format!("{} meetings canceled, declined or missed", recent.missed),
        ));
    }
    // People involved: recent against a six-week share of the baseline's, when several were.
    let people = float(to_i64(recent.contacts.len()));
    let before = float(to_i64(base.contacts.len()));
    if base.contacts.len() >= 3 && people < 0.3 * before {
        off.push((
            10.0,
            format!(
                "{} of their people involved lately, {} before",
                recent.contacts.len(),
                base.contacts.len()
            ),
        ));
    }
    if recent.negative > 0 {
        off.push((
            (5.0 * float(to_i64(recent.negative))).min(10.0),
            format!("{} notes turned negative", recent.negative),
        ));
    }
    if pushes > 0 {
        off.push((
            (5.0 * float(pushes)).min(15.0),
            format!("close dates on their deals pushed {pushes} times"),
        ));
    }
    off.sort_by(|a, b| b.0.total_cmp(&a.0));
    Some(off)
}

/// P(X ≤ k) for X ~ Binomial(n, p).
fn binomial_at_most(k: usize, n: usize, p: f64) -> f64 {
    if p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return if k >= n { 1.0 } else { 0.0 };
    }
    let mut term = (1.0 - p).powf(float(to_i64(n)));
    let mut sum = term;
    for i in 0..k.min(n) {
        term *= float(to_i64(n - i)) / float(to_i64(i + 1)) * p / (1.0 - p);
        sum += term;
    }
    sum.min(1.0)
}

/// P(X ≤ k) for X ~ Poisson(λ).
fn poisson_at_most(k: usize, lambda: f64) -> f64 {
    if lambda <= 0.0 {
        return 1.0;
    }
    let mut term = (-lambda).exp();
    let mut sum = term;
    for i in 1..=k {
        term *= lambda / float(to_i64(i));
        sum += term;
    }
    sum.min(1.0)
}

/// Close-date pushes on the account's deals in the recent weeks.
fn recent_pushes(timeline: &Timeline, at: DateTime<Utc>) -> HashMap<AccountId, i64> {
    let from = at - span(RECENT_DAYS);
    let mut pushes = HashMap::new();
    for deal in &timeline.input.deals {
        let Some(account) = deal.account else {
            continue;
        };
        let n = deal
            .close_dates
            .list()
            .iter()
            .filter(|c| from <= c.at && c.at <= at)
            .filter(|c| matches!((c.old, c.new), (Some(o), Some(n)) if n > o))
            .count();
        if n > 0 {
            *pushes.entry(account).or_default() += to_i64(n);
        }
    }
    pushes
}

/// Every judged account's health at `at`.
pub fn health(timeline: &Timeline, at: DateTime<Utc>) -> Vec<Health> {
    let now = scores(timeline, at);
    let before = scores(timeline, at - span(28));
    let mut out: Vec<Health> = now
        .into_iter()
        .map(|(account, (score, reasons))| Health {
            account,
            score: clamp_score(score),
            trend: before
                .get(&account)
                .map(|(then, _)| whole(score) - whole(*then)),
            reasons,
        })
        .collect();
    out.sort_by_key(|h| h.account);
    out
}

fn scores(timeline: &Timeline, at: DateTime<Utc>) -> HashMap<AccountId, (f64, Vec<String>)> {
    let all = engagement(timeline, at);
    let everyone = Everyone::of(&all);
    let pushes = recent_pushes(timeline, at);
    all.iter()
        .filter_map(|(id, (recent, base))| {
            let off = penalties(
                recent,
                base,
                &everyone,
                pushes.get(id).copied().unwrap_or(0),
            )?;
            let score = 100.0 - off.iter().map(|o| o.0).sum::<f64>();
            Some((
                *id,
                (score.max(0.0), off.into_iter().map(|o| o.1).collect()),
            ))
        })
        .collect()
}

fn clamp_score(x: f64) -> u8 {
    u8::try_from(whole(x.clamp(0.0, 100.0))).unwrap_or(0)
}

/// The findings about accounts at `at`: those with an open deal whose health is low.
pub fn findings(
    timeline: &Timeline,
    at: DateTime<Utc>,
    open: &[DealAt<'_>],
) -> (Vec<Health>, Vec<Finding>) {
    let health = health(timeline, at);
    let with_open: HashSet<AccountId> = open.iter().filter_map(|d| d.deal.account).collect();
    let accounts: HashMap<AccountId, &Account> =
        timeline.input.accounts.iter().map(|a| (a.id, a)).collect();
    let found = health
        .iter()
        .filter(|h| f64::from(h.score) < SIDEWAYS_BELOW && with_open.contains(&h.account))
        .filter_map(|h| {
            let account = accounts.get(&h.account)?;
            Some(finding(account, h, at))
        })
        .collect();
    (health, found)
}

fn finding(account: &Account, h: &Health, at: DateTime<Utc>) -> Finding {
    let strength = (100.0 - f64::from(h.score)) / (100.0 - SIDEWAYS_BELOW);
    let score = score(strength);
    let mut evidence = vec![Evidence::count("health", i64::from(h.score))];
    if let Some(t) = h.trend {
        evidence.push(Evidence::count("trend_4_weeks", t));
    }
    Finding {
        kind: Kind::AccountSideways,
        subject: Subject {
            kind: SubjectKind::Account,
            id: account.id.0,
            name: account.name.clone(),
            source_id: account.source_id.clone(),
        },
        severity: severity(score),
        score,
        // The slide's start is not known, only that it shows in the last six weeks.
        since: None,
        summary: format!(
            "{}: health {} of 100 — {}",
            account.name,
            h.score,
            h.reasons.join("; ")
        ),
        evidence,
        as_of: at,
    }
}
