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
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Weeks the recent engagement is measured over.
const RECENT_DAYS: i64 = 42;
/// The baseline before them.
const BASELINE_DAYS: i64 = 182;
/// Below this score an account with an open deal is a finding.
const SIDEWAYS_BELOW: f64 = 55.0;
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
    ours: usize,
    meetings: usize,
    missed: usize,
    negative: usize,
    contacts: HashSet<baton_model::ContactId>,
    /// Hours between one of our emails and their next one in the thread.
    reply_hours: Vec<f64>,
}

impl Engagement {
    fn reply_rate(&self) -> Option<f64> {
        (self.ours >= 3).then(|| (float(to_i64(self.theirs)) / float(to_i64(self.ours))).min(1.5))
    }
}

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
        let mut waiting: HashMap<u64, DateTime<Utc>> = HashMap::new();
        let mut any = false;
        for a in timeline.account_activities(account.id, from, at) {
            any = true;
            let e = if a.at >= split {
                &mut pair.0
            } else {
                &mut pair.1
            };
            match a.kind {
                ActivityKind::EmailIn => e.theirs += 1,
                ActivityKind::EmailOut => e.ours += 1,
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
                (ActivityKind::EmailOut, Some(t)) => {
                    waiting.entry(t).or_insert(a.at);
                }
                (ActivityKind::EmailIn, Some(t)) => {
                    if let Some(sent) = waiting.remove(&t) {
                        let e = if sent >= split {
                            &mut pair.0
                        } else {
                            &mut pair.1
                        };
                        e.reply_hours.push(days_between(sent, a.at) * 24.0);
                    }
                }
                _ => {}
            }
        }
        if any {
            all.insert(account.id, pair);
        }
    }
    all
}

/// Points off, with their reasons, for one account's engagement; `org` is how every
/// account's emails moved (recent per day ÷ baseline per day), so that a quiet season is not
/// held against one account.
fn penalties(
    recent: &Engagement,
    base: &Engagement,
    org: f64,
    pushes: i64,
) -> Option<Vec<(f64, String)>> {
    if base.theirs < MIN_BASELINE_EMAILS {
        return None;
    }
    let per_day = |n: usize, days: i64| float(to_i64(n)) / float(days);
    let mut off = Vec::new();
    let emails = per_day(recent.theirs, RECENT_DAYS) / per_day(base.theirs, BASELINE_DAYS) / org;
    if emails < 0.8 {
        off.push((
            30.0 * (1.0 - emails).min(1.0),
            format!("their emails down {:.0} %", (1.0 - emails) * 100.0),
        ));
    }
    if let (Some(r), Some(b)) = (recent.reply_rate(), base.reply_rate())
        && b > 0.0
        && r < 0.8 * b
    {
        let fall = 1.0 - r / b;
        off.push((
            20.0 * fall.min(1.0),
            format!(
                "they answer {:.0} % of our emails, {:.0} % before",
                r * 100.0,
                b * 100.0
            ),
        ));
    }
    if let (Some(r), Some(b)) = (
        median(&mut recent.reply_hours.clone()),
        median(&mut base.reply_hours.clone()),
    ) && b > 0.0
        && r > 1.5 * b
    {
        off.push((
            15.0 * ((r / b - 1.0) / 3.0).min(1.0),
            format!("they take {r:.0} h to answer, {b:.0} h before"),
        ));
    }
    let meetings =
        per_day(recent.meetings, RECENT_DAYS) / per_day(base.meetings, BASELINE_DAYS).max(1e-9);
    if base.meetings >= 3 && meetings < 0.6 {
        off.push((
            10.0 * (1.0 - meetings).min(1.0),
            format!("meetings down {:.0} %", (1.0 - meetings) * 100.0),
        ));
    }
    if recent.missed > 0 {
        off.push((
            (3.0 * float(to_i64(recent.missed))).min(9.0),
            format!("{} meetings canceled, declined or missed", recent.missed),
        ));
    }
    // People involved: recent against a six-week share of the baseline's.
    let expected =
        float(to_i64(base.contacts.len())) * float(RECENT_DAYS) / float(BASELINE_DAYS) * 2.0;
    let people = float(to_i64(recent.contacts.len()));
    if base.contacts.len() >= 2 && people < 0.6 * expected.min(float(to_i64(base.contacts.len()))) {
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

/// How every account's emails moved: all their emails recent per day ÷ baseline per day.
fn org_trend(all: &HashMap<AccountId, (Engagement, Engagement)>) -> f64 {
    let (r, b) = all
        .values()
        .fold((0, 0), |(r, b), (x, y)| (r + x.theirs, b + y.theirs));
    if b == 0 || r == 0 {
        return 1.0;
    }
    (float(to_i64(r)) / float(RECENT_DAYS)) / (float(to_i64(b)) / float(BASELINE_DAYS))
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
    let org = org_trend(&all);
    let pushes = recent_pushes(timeline, at);
    all.iter()
        .filter_map(|(id, (recent, base))| {
            let off = penalties(recent, base, org, pushes.get(id).copied().unwrap_or(0))?;
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
    let since = timeline.input.date(at - span(RECENT_DAYS));
    let found = health
        .iter()
        .filter(|h| f64::from(h.score) < SIDEWAYS_BELOW && with_open.contains(&h.account))
        .filter_map(|h| {
            let account = accounts.get(&h.account)?;
            Some(finding(account, h, at, since))
        })
        .collect();
    (health, found)
}

fn finding(account: &Account, h: &Health, at: DateTime<Utc>, since: NaiveDate) -> Finding {
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
        since: Some(since),
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
