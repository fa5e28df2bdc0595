//! Deal warnings: what is wrong with an open deal, each with its evidence.

use crate::finding::{Evidence, Finding, Kind, Subject, SubjectKind, score, severity};
use crate::input::ActivityKind;
use crate::norms::{Norms, days_between, quantile};
use crate::timeline::{DealAt, Timeline, span};
use baton_reports::stats::float;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashSet;

/// A deal goes quiet for at least this many days before it is called quiet, whatever its norm.
const MIN_QUIET_DAYS: f64 = 7.0;
/// Engagement counts over this many days.
const ENGAGED_DAYS: i64 = 90;

/// What every deal warning reads besides the deal.
pub struct Context<'a> {
    pub timeline: &'a Timeline,
    pub norms: &'a Norms,
    pub at: DateTime<Utc>,
    /// Deals at least this large (organisation currency) need more than one engaged contact.
    pub large_minor: i64,
}

/// The amount (organisation currency) from which a deal counts as large: the top quarter of
/// the deals open at `at`.
pub fn large_from(timeline: &Timeline, at: DateTime<Utc>, open: &[DealAt<'_>]) -> i64 {
    let mut amounts: Vec<f64> = open
        .iter()
        .filter_map(|d| timeline.converted(d, at))
        .map(float)
        .collect();
    baton_reports::stats::whole(quantile(&mut amounts, 0.75)).max(1)
}

/// Every warning about `deal` (open at `cx.at`).
pub fn warnings(cx: &Context<'_>, deal: &DealAt<'_>) -> Vec<Finding> {
    let today = cx.timeline.input.date(cx.at);
    let mut found = Vec::new();
    let mut raise = |kind, strength: f64, since, summary: String, evidence| {
        if strength >= 1.0 {
            let score = score(strength);
            found.push(Finding {
                kind,
                subject: subject(deal),
                severity: severity(score),
                score,
                since,
                summary,
                evidence,
                as_of: cx.at,
            });
        }
    };
    let name = &deal.deal.name;

    let last = cx.timeline.last_touched(deal.deal, cx.at);
    let quiet = days_between(last, cx.at);
    let norm = cx
        .norms
        .quiet_days
        .get(&deal.stage.id)
        .copied()
        .unwrap_or(14.0)
        .max(MIN_QUIET_DAYS);
    raise(
        Kind::NoActivity,
        quiet / norm,
        Some(cx.timeline.input.date(last)),
        format!(
            "{name}: no activity for {} days; deals in {} usually go at most {} days without",
            whole(quiet),
            deal.stage.name,
            whole(norm)
        ),
        vec![
            Evidence::count("days_quiet", whole(quiet)),
            Evidence::count("usual_max_days", whole(norm)),
        ],
    );

    if let Some(g) = ghosting(cx, deal) {
        raise(
            Kind::Ghosted,
            g.days_silent / 10.0,
            Some(cx.timeline.input.date(g.since)),
            format!(
                "{name}: {} emails unanswered for {} days; they answered {:.0} % before",
                g.unanswered,
                whole(g.days_silent),
                g.reply_rate * 100.0
            ),
            vec![
                Evidence::count("unanswered_emails", g.unanswered),
                Evidence::count("days_silent", whole(g.days_silent)),
                Evidence::ratio("earlier_reply_rate", g.reply_rate),
            ],
        );
    }

    if let Some(&(median, p90)) = cx.norms.stage_days.get(&deal.stage.id) {
        let in_stage = days_between(deal.stage_since, cx.at);
        raise(
            Kind::Stalled,
            in_stage / p90.max(MIN_QUIET_DAYS),
            Some(cx.timeline.input.date(deal.stage_since)),
            format!(
                "{name}: {} days in {}; deals here usually move on in {} (nine in ten within {})",
                whole(in_stage),
                deal.stage.name,
                whole(median),
                whole(p90)
            ),
            vec![
                Evidence::count("days_in_stage", whole(in_stage)),
                Evidence::count("median_days", whole(median)),
                Evidence::count("p90_days", whole(p90)),
            ],
        );
    }

    if deal.pushes > 0 {
        let strength = (f64::from(deal.pushes) / 2.0).max(float(deal.slip_days) / 30.0);
        raise(
            Kind::Pushed,
            strength,
            first_push(cx, deal),
            format!(
                "{name}: close date pushed {} times, {} days in all",
                deal.pushes, deal.slip_days
            ),
            vec![
                Evidence::count("pushes", i64::from(deal.pushes)),
                Evidence::count("days_slipped", deal.slip_days),
            ],
        );
    }

    if let (Some(now), Some(peak)) = (deal.amount_minor, deal.peak_amount_minor)
        && peak > 0
        && now < peak
    {
        let cut = 1.0 - float(now) / float(peak);
        raise(
            Kind::AmountCut,
            cut / 0.2,
            None,
            format!("{name}: amount cut {:.0} % from its peak", cut * 100.0),
            vec![
                Evidence::money("peak_amount", peak),
                Evidence::money("amount", now),
                Evidence::ratio("cut", cut),
            ],
        );
    }

    if let Some(amount) = cx.timeline.converted(deal, cx.at)
        && amount >= cx.large_minor
        && deal.stage.probability >= 20
        && let Some(engaged) = engaged_contacts(cx, deal)
    {
        raise(
            Kind::SingleThreaded,
            if engaged <= 1 {
                1.0 + float(amount) / float(cx.large_minor) / 4.0
            } else {
                0.0
            },
            None,
            format!(
                "{name}: a large deal with {engaged} engaged contact in the last {ENGAGED_DAYS} days"
            ),
            vec![
                Evidence::count("engaged_contacts", engaged),
                Evidence::money("amount", amount),
                Evidence::money("large_from", cx.large_minor),
            ],
        );
    }

    if let Some(close) = deal.close_date
        && close < today
    {
        let overdue = (today - close).num_days();
        raise(
            Kind::Overdue,
            float(overdue) / 14.0,
            Some(close),
            format!("{name}: close date {close} passed {overdue} days ago and it is still open"),
            vec![
                Evidence::date("close_date", close),
                Evidence::count("days_overdue", overdue),
            ],
        );
    }
    found
}

pub fn subject(deal: &DealAt<'_>) -> Subject {
    Subject {
        kind: SubjectKind::Deal,
        id: deal.deal.id.0,
        name: deal.deal.name.clone(),
        source_id: deal.deal.source_id.clone(),
    }
}

fn whole(x: f64) -> i64 {
    baton_reports::stats::whole(x.floor())
}

/// The date of the first push of the close date, as of `at`.
fn first_push(cx: &Context<'_>, deal: &DealAt<'_>) -> Option<NaiveDate> {
    deal.deal
        .close_dates
        .list()
        .iter()
        .take_while(|c| c.at <= cx.at)
        .find(|c| matches!((c.old, c.new), (Some(o), Some(n)) if n > o))
        .map(|c| cx.timeline.input.date(c.at))
}

/// Our emails on a deal unanswered since their last one.
struct Ghosting {
    unanswered: i64,
    since: DateTime<Utc>,
    days_silent: f64,
    /// Their emails per email of ours before the silence.
    reply_rate: f64,
}

/// The deal's silence: at least two of our emails since their last one, a week or more
/// unanswered, while they had answered at least three in ten before.
fn ghosting(cx: &Context<'_>, deal: &DealAt<'_>) -> Option<Ghosting> {
    let emails: Vec<_> = cx
        .timeline
        .deal_activities(deal.deal.id, deal.deal.created_at, cx.at)
        .filter(|a| matches!(a.kind, ActivityKind::EmailIn | ActivityKind::EmailOut))
        .collect();
    let last_in = emails
        .iter()
        .rposition(|a| a.kind == ActivityKind::EmailIn)?;
    let after = &emails[last_in + 1..];
    let since = after.first()?.at;
    let unanswered = i64::try_from(after.len()).unwrap_or(i64::MAX);
    let before = &emails[..=last_in];
    let theirs = before
        .iter()
        .filter(|a| a.kind == ActivityKind::EmailIn)
        .count();
    let ours = before.len() - theirs;
    let reply_rate = if ours == 0 {
        1.0
    } else {
        (float(i64::try_from(theirs).unwrap_or(0)) / float(i64::try_from(ours).unwrap_or(1)))
            .min(1.0)
    };
    let days_silent = days_between(since, cx.at);
    (unanswered >= 2 && days_silent >= 7.0 && reply_rate >= 0.3).then_some(Ghosting {
        unanswered,
        since,
        days_silent,
        reply_rate,
    })
}

/// Distinct contacts who emailed or met about the deal in the last [`ENGAGED_DAYS`] days, or
/// `None` when no activity on the deal names a contact at all (nothing to judge by).
fn engaged_contacts(cx: &Context<'_>, deal: &DealAt<'_>) -> Option<i64> {
    let mut any = false;
    let mut engaged = HashSet::new();
    let from = cx.at - span(ENGAGED_DAYS);
    for a in cx
        .timeline
        .deal_activities(deal.deal.id, deal.deal.created_at, cx.at)
    {
        if let Some(contact) = a.contact {
            any = true;
            if a.at >= from && a.kind.is_theirs() {
                engaged.insert(contact);
            }
        }
    }
    any.then(|| i64::try_from(engaged.len()).unwrap_or(i64::MAX))
}
