//! Each signal on a small hand-made history, then the properties every signal keeps: nothing
//! after the as-of instant is read, and the same input gives the same output.

use crate::*;
use baton_comp::ExchangeRates;
use baton_model::pipeline::{ForecastCategory, StageOutcome};
use baton_model::{AccountId, ContactId, Currency, DealId, PipelineId, StageId, UserId};
use baton_reports::{Change, Changes};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

/// The instant most tests look from: Thursday 1 October 2026, noon UTC (mid fiscal Q4 when
/// the year starts in January: Q4 runs October to December).
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 1, 12, 0, 0).unwrap()
}

fn ago(days: i64) -> DateTime<Utc> {
    now() - Duration::days(days)
}

fn day(days_from_now: i64) -> NaiveDate {
    (now() + Duration::days(days_from_now)).date_naive()
}

const PROSPECTING: StageId = StageId(1);
const QUALIFICATION: StageId = StageId(2);
const PROPOSAL: StageId = StageId(3);
const WON: StageId = StageId(4);
const LOST: StageId = StageId(5);

fn stage(id: StageId, name: &str, position: i64, outcome: StageOutcome, probability: i64) -> Stage {
    Stage {
        id,
        pipeline: PipelineId(1),
        pipeline_name: "Sales".into(),
        name: name.into(),
        position,
        outcome,
        probability,
    }
}

/// An organisation with one pipeline, the given reps (ids 1…n, "Rep 1"…) and one account per
/// rep (ids 1…n, owned by the rep of the same number).
fn org(reps: i64) -> Input {
    Input {
        currency: Currency::USD,
        time_zone: chrono_tz::UTC,
        fiscal_year_start_month: 1,
        rates: ExchangeRates::new(),
        stages: vec![
            stage(PROSPECTING, "Prospecting", 1, StageOutcome::Open, 10),
            stage(QUALIFICATION, "Qualification", 2, StageOutcome::Open, 20),
            stage(PROPOSAL, "Proposal", 3, StageOutcome::Open, 60),
            stage(WON, "Won", 4, StageOutcome::Won, 100),
            stage(LOST, "Lost", 5, StageOutcome::Lost, 0),
        ],
        reps: (1..=reps)
            .map(|i| Rep {
                id: UserId(i),
                name: format!("Rep {i}"),
                team: Some("East".into()),
                source_id: None,
            })
            .collect(),
        accounts: (1..=reps)
            .map(|i| Account {
                id: AccountId(i),
                name: format!("Account {i}"),
                owner: UserId(i),
                source_id: None,
            })
            .collect(),
        deals: Vec::new(),
        activities: Vec::new(),
        quotas: Vec::new(),
    }
}

/// A deal of `owner` on their account, created `created` days ago in `stages[0].1` and moved
/// as `stages` says (`(days ago, stage)`), worth `amount` dollars, closing on `close`.
fn deal(id: i64, owner: i64, stages: &[(i64, StageId)], amount: i64, close: NaiveDate) -> Deal {
    let created = ago(stages[0].0);
    let changes = stages
        .iter()
        .scan(None, |old, &(days, s)| {
            let change = Change {
                at: ago(days),
                old: *old,
                new: Some(s),
            };
            *old = Some(s);
            Some(change)
        })
        .collect();
    Deal {
        id: DealId(id),
        name: format!("Deal {id}"),
        account: Some(AccountId(owner)),
        owner: UserId(owner),
        stage: stages[stages.len() - 1].1,
        amount_minor: Some(amount * 100),
        currency: Currency::USD,
        close_date: Some(close),
        forecast_category: ForecastCategory::Pipeline,
        created_at: created,
        source: None,
        source_id: None,
        stages: Changes::new(changes),
        amounts: Changes::default(),
        close_dates: Changes::default(),
        owners: Changes::default(),
        categories: Changes::default(),
    }
}

fn activity(days_ago: f64, owner: i64, kind: ActivityKind, deal: Option<i64>) -> Activity {
    Activity {
        at: now() - Duration::seconds(baton_reports::stats::whole(days_ago * 86_400.0)),
        owner: UserId(owner),
        kind,
        deal: deal.map(DealId),
        account: Some(AccountId(owner)),
        contact: None,
        thread: None,
    }
}

fn found(report: &Report, kind: Kind, id: i64) -> Option<&Finding> {
    report
        .findings
        .iter()
        .find(|f| f.kind == kind && f.subject.id == id)
}

fn value(f: &Finding, name: &str) -> Value {
    f.evidence
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("{name} in {f:?}"))
        .value
        .clone()
}

/// Eight deals that sat ten days in Proposal each and had an activity every three days: the
/// norms say Proposal lasts ten days and goes at most three days without activity.
fn with_norms(input: &mut Input) {
    for i in 0..8 {
        let id = 100 + i;
        let start = 100 + i * 5;
        input.deals.push(deal(
            id,
            1,
            &[(start, PROPOSAL), (start - 10, LOST)],
            1_000,
            day(-(start - 10)),
        ));
        for k in 0..4 {
            let at = f64::from(u32::try_from(start - 3 * k).unwrap()) - 0.5;
            input
                .activities
                .push(activity(at, 1, ActivityKind::Call, Some(id)));
        }
    }
}

#[test]
fn a_deal_quiet_far_longer_than_its_stage_usually_goes_is_flagged() {
    let mut input = org(1);
    with_norms(&mut input);
    // Open in Proposal for 5 days; its last activity 20 days ago (before it moved).
    input.deals.push(deal(
        1,
        1,
        &[(30, QUALIFICATION), (5, PROPOSAL)],
        5_000,
        day(30),
    ));
    input
        .activities
        .push(activity(20.0, 1, ActivityKind::Call, Some(1)));
    // Another, touched yesterday.
    input
        .deals
        .push(deal(2, 1, &[(30, PROPOSAL)], 5_000, day(30)));
    input
        .activities
        .push(activity(1.0, 1, ActivityKind::Call, Some(2)));

    let report = evaluate(&Timeline::new(input), now());

    let quiet = found(&report, Kind::NoActivity, 1).expect("deal 1 has gone quiet");
    assert_eq!(value(quiet, "days_quiet"), Value::Count(20));
    // Gaps of three days, and never less than a week.
    assert_eq!(value(quiet, "usual_max_days"), Value::Count(7));
    assert_eq!(quiet.since, Some(day(-20)));
    assert!(found(&report, Kind::NoActivity, 2).is_none());
}

#[test]
fn a_deal_in_its_stage_far_longer_than_usual_is_stalled() {
    let mut input = org(1);
    with_norms(&mut input);
    input.deals.push(deal(
        1,
        1,
        &[(60, QUALIFICATION), (40, PROPOSAL)],
        5_000,
        day(30),
    ));
    input.deals.push(deal(
        2,
        1,
        &[(60, QUALIFICATION), (6, PROPOSAL)],
        5_000,
        day(30),
    ));

    let report = evaluate(&Timeline::new(input), now());

    let stalled = found(&report, Kind::Stalled, 1).expect("40 days against a 10-day norm");
    assert_eq!(value(stalled, "days_in_stage"), Value::Count(40));
    assert_eq!(value(stalled, "median_days"), Value::Count(10));
    assert_eq!(value(stalled, "p90_days"), Value::Count(10));
    // 40 ÷ 10 = 4 × the threshold: the score saturates.
    assert_eq!(stalled.score, 100);
    assert_eq!(stalled.severity, Severity::Critical);
    assert!(found(&report, Kind::Stalled, 2).is_none());
}

#[test]
fn unanswered_emails_after_earlier_replies_are_ghosting() {
    let mut input = org(1);
    input
        .deals
        .push(deal(1, 1, &[(60, PROPOSAL)], 5_000, day(30)));
    // out, in, out, in (answered twice), then two of ours unanswered for 20 days.
    for (d, kind) in [
        (50.0, ActivityKind::EmailOut),
        (49.0, ActivityKind::EmailIn),
        (40.0, ActivityKind::EmailOut),
        (39.0, ActivityKind::EmailIn),
        (20.0, ActivityKind::EmailOut),
        (12.0, ActivityKind::EmailOut),
    ] {
        input.activities.push(activity(d, 1, kind, Some(1)));
    }
    // A deal that never answered anything is not "ghosting": it never engaged.
    input
        .deals
        .push(deal(2, 1, &[(60, PROPOSAL)], 5_000, day(30)));
    for d in [30.0, 20.0, 10.0] {
        input
            .activities
            .push(activity(d, 1, ActivityKind::EmailOut, Some(2)));
    }

    let report = evaluate(&Timeline::new(input), now());

    let ghosted = found(&report, Kind::Ghosted, 1).expect("deal 1 is ghosting");
    assert_eq!(value(ghosted, "unanswered_emails"), Value::Count(2));
    assert_eq!(value(ghosted, "days_silent"), Value::Count(20));
    assert_eq!(value(ghosted, "earlier_reply_rate"), Value::Ratio(1.0));
    assert_eq!(ghosted.since, Some(day(-20)));
    assert!(found(&report, Kind::Ghosted, 2).is_none());
}

#[test]
fn pushes_cuts_and_a_passed_close_date_are_each_flagged_with_their_numbers() {
    let mut input = org(1);
    let mut d = deal(1, 1, &[(90, PROPOSAL)], 60_000, day(-20));
    d.close_dates = Changes::new(vec![
        Change {
            at: ago(90),
            old: None,
            new: Some(day(-55)),
        },
        Change {
            at: ago(60),
            old: Some(day(-55)),
            new: Some(day(-41)),
        },
        Change {
            at: ago(45),
            old: Some(day(-41)),
            new: Some(day(-20)),
        },
    ]);
    d.amounts = Changes::new(vec![
        Change {
            at: ago(90),
            old: None,
            new: Some(10_000_000),
        },
        Change {
            at: ago(30),
            old: Some(10_000_000),
            new: Some(6_000_000),
        },
    ]);
    input.deals.push(d);

    let timeline = Timeline::new(input);
    let report = evaluate(&timeline, now());

    let pushed = found(&report, Kind::Pushed, 1).expect("pushed twice");
    assert_eq!(value(pushed, "pushes"), Value::Count(2));
    assert_eq!(value(pushed, "days_slipped"), Value::Count(14 + 21));
    assert_eq!(pushed.since, Some(day(-60)));
    let cut = found(&report, Kind::AmountCut, 1).expect("cut from 100k to 60k");
    assert_eq!(value(cut, "peak_amount"), Value::Money(10_000_000));
    assert_eq!(value(cut, "cut"), Value::Ratio(0.4));
    let overdue = found(&report, Kind::Overdue, 1).expect("closing 20 days ago");
    assert_eq!(value(overdue, "days_overdue"), Value::Count(20));

    // As of 50 days ago: one push (14 days), no cut yet, and not yet overdue.
    let earlier = evaluate(&timeline, ago(50));
    for kind in [Kind::Pushed, Kind::AmountCut, Kind::Overdue] {
        assert!(
            found(&earlier, kind, 1).is_none(),
            "{kind:?} as of 50 days ago"
        );
    }
}

#[test]
fn a_large_deal_with_one_engaged_contact_is_single_threaded() {
    let mut input = org(1);
    for (id, amount, contacts) in [(1, 90_000, 1), (2, 80_000, 3), (3, 1_000, 1), (4, 2_000, 1)] {
        input
            .deals
            .push(deal(id, 1, &[(30, PROPOSAL)], amount, day(30)));
        for c in 0..contacts {
            let mut a = activity(5.0, 1, ActivityKind::EmailIn, Some(id));
            a.contact = Some(ContactId(id * 10 + c));
            input.activities.push(a);
        }
    }

    let report = evaluate(&Timeline::new(input), now());

    let single = found(&report, Kind::SingleThreaded, 1).expect("large, one contact");
    assert_eq!(value(single, "engaged_contacts"), Value::Count(1));
    assert!(
        found(&report, Kind::SingleThreaded, 2).is_none(),
        "three contacts"
    );
    assert!(
        found(&report, Kind::SingleThreaded, 3).is_none(),
        "small deal"
    );
}

/// Three reps who each log ten calls and open a deal a week for thirty weeks.
fn steady_reps() -> Input {
    let mut input = org(3);
    let mut id = 1000;
    for rep in 1..=3 {
        for week in 0..30 {
            let base = f64::from(week) * 7.0;
            for k in 0..10 {
                input.activities.push(activity(
                    base + 0.3 + f64::from(k) * 0.6,
                    rep,
                    ActivityKind::Call,
                    None,
                ));
            }
            for k in 0..2 {
                input.activities.push(activity(
                    base + 1.0 + f64::from(k),
                    rep,
                    ActivityKind::Meeting,
                    None,
                ));
            }
            id += 1;
            let created = i64::from(week) * 7 + 2;
            input
                .deals
                .push(deal(id, rep, &[(created, PROSPECTING)], 10_000, day(60)));
        }
    }
    input
}

#[test]
fn a_rep_whose_activity_and_pipeline_fall_against_their_baseline_and_peers_is_at_risk() {
    let mut input = steady_reps();
    // Rep 2 goes quiet for the last five weeks: two calls a week, no meetings, no new deals.
    input
        .activities
        .retain(|a| !(a.owner == UserId(2) && a.at > ago(35)));
    input
        .deals
        .retain(|d| !(d.owner == UserId(2) && d.created_at > ago(35)));
    for week in 0..5 {
        for k in 0..2 {
            input.activities.push(activity(
                f64::from(week) * 7.0 + 1.0 + f64::from(k),
                2,
                ActivityKind::Call,
                None,
            ));
        }
    }

    let report = evaluate(&Timeline::new(input), now());

    let risk = found(&report, Kind::RepAtRisk, 2).expect("rep 2 is at risk");
    // The last three weeks: 2 calls a week. The 26 weeks before: 12 a week, but for the two
    // quiet weeks just before those (2 each): (24 × 12 + 2 × 2) ÷ 26 = 11.23. 2 ÷ 11.23 = 0.18.
    assert_eq!(
        value(risk, "activity_ratio"),
        Value::Ratio(0.18),
        "2 of 11.23 a week"
    );
    assert_eq!(value(risk, "new_pipeline_ratio"), Value::Ratio(0.0));
    assert!(
        risk.summary.contains("activity down 82 %"),
        "{}",
        risk.summary
    );
    assert!(
        risk.since.is_some_and(|d| d <= day(-28) && d >= day(-35)),
        "{:?}",
        risk.since
    );
    assert!(found(&report, Kind::RepAtRisk, 1).is_none());
    assert!(found(&report, Kind::RepAtRisk, 3).is_none());
}

#[test]
fn a_quiet_stretch_everyone_shares_is_not_a_decline() {
    let mut input = steady_reps();
    // Everyone takes the last four weeks off together (a holiday season).
    input.activities.retain(|a| a.at < ago(28));
    input.deals.retain(|d| d.created_at < ago(28));

    let report = evaluate(&Timeline::new(input), now());

    assert!(
        report.findings.iter().all(|f| f.kind != Kind::RepAtRisk),
        "{:?}",
        report.findings
    );
}

#[test]
fn an_account_whose_people_stop_answering_goes_sideways() {
    let mut input = org(2);
    for account in 1..=2 {
        input
            .deals
            .push(deal(account, account, &[(200, PROPOSAL)], 20_000, day(60)));
        for week in 0..30 {
            let base = f64::from(week) * 7.0;
            let quiet = account == 1 && week < 6;
            input
                .activities
                .push(thread(base + 3.0, account, ActivityKind::EmailOut, week));
            if !quiet {
                input
                    .activities
                    .push(thread(base + 2.0, account, ActivityKind::EmailIn, week));
            }
        }
    }

    let report = evaluate(&Timeline::new(input), now());

    let sideways = found(&report, Kind::AccountSideways, 1).expect("account 1 went quiet");
    assert!(
        sideways
            .summary
            .contains("they answered 0 of our last 6 emails within a day, 100 % before"),
        "{}",
        sideways.summary
    );
    let health = |id| {
        report
            .health
            .iter()
            .find(|h| h.account == AccountId(id))
            .unwrap()
    };
    assert!(health(1).score < 60, "{:?}", health(1));
    assert_eq!(health(2).score, 100);
    assert!(found(&report, Kind::AccountSideways, 2).is_none());
}

fn thread(days_ago: f64, account: i64, kind: ActivityKind, n: i32) -> Activity {
    let mut a = activity(days_ago, account, kind, Some(account));
    a.thread = Some(u64::try_from(account * 1000).unwrap() + u64::from(n.unsigned_abs()));
    a.contact = Some(ContactId(account));
    a
}

/// Forty closed deals of rep 1: the won ones were busy (an activity every few days), the lost
/// ones went quiet after their first week.
fn closed_history(input: &mut Input) {
    for i in 0..40 {
        let id = 500 + i;
        let won = i % 2 == 0;
        let created = 300 - i * 5;
        let closed = created - 40;
        input.deals.push(deal(
            id,
            1,
            &[
                (created, QUALIFICATION),
                (created - 10, PROPOSAL),
                (closed, if won { WON } else { LOST }),
            ],
            10_000,
            day(-closed),
        ));
        let last = if won { closed } else { created - 7 };
        let mut d = created;
        while d > last {
            input.activities.push(activity(
                f64::from(u32::try_from(d).unwrap()) - 0.5,
                1,
                ActivityKind::Call,
                Some(id),
            ));
            d -= 3;
        }
    }
}

#[test]
fn win_probability_is_learned_from_closed_deals_and_favours_the_busy_deal() {
    let mut input = org(1);
    closed_history(&mut input);
    input.deals.push(deal(
        1,
        1,
        &[(20, QUALIFICATION), (10, PROPOSAL)],
        10_000,
        day(20),
    ));
    input.deals.push(deal(
        2,
        1,
        &[(20, QUALIFICATION), (10, PROPOSAL)],
        10_000,
        day(20),
    ));
    for d in [19.0, 16.0, 13.0, 10.0, 7.0, 4.0, 1.0] {
        input
            .activities
            .push(activity(d, 1, ActivityKind::Call, Some(1)));
    }
    input
        .activities
        .push(activity(19.0, 1, ActivityKind::Call, Some(2)));

    let report = evaluate(&Timeline::new(input), now());

    assert_eq!(
        report.model,
        ModelSummary {
            learned: true,
            won: 20,
            lost: 20
        }
    );
    let p = |id| {
        report
            .probabilities
            .iter()
            .find(|p| p.deal == DealId(id))
            .unwrap()
    };
    assert_eq!(p(1).method, Method::Learned);
    assert!(p(1).probability > 0.7, "busy: {:?}", p(1));
    assert!(p(2).probability < 0.3, "quiet: {:?}", p(2));
    assert!(
        p(2).factors
            .iter()
            .any(|f| matches!(f.feature, "days_quiet" | "recent_activity") && f.effect < 0.0),
        "{:?}",
        p(2).factors
    );
}

#[test]
fn with_too_few_closed_deals_the_stage_probability_is_used_and_labelled() {
    let mut input = org(1);
    input
        .deals
        .push(deal(1, 1, &[(20, PROPOSAL)], 10_000, day(20)));

    let report = evaluate(&Timeline::new(input), now());

    assert!(!report.model.learned);
    let p = &report.probabilities[0];
    assert_eq!((p.method, p.probability), (Method::StageProbability, 0.6));
}

#[test]
fn the_forecast_adds_won_deals_categories_and_probabilities_for_the_quarter() {
    let mut input = org(1);
    // Won this quarter (Q4 started 1 October, today): closed an hour ago.
    let mut won = deal(1, 1, &[(50, PROPOSAL)], 30_000, day(0));
    won.stage = WON;
    won.stages = Changes::new(vec![
        Change {
            at: ago(50),
            old: None,
            new: Some(PROPOSAL),
        },
        Change {
            at: now() - Duration::hours(1),
            old: Some(PROPOSAL),
            new: Some(WON),
        },
    ]);
    input.deals.push(won);
    let mut commit = deal(2, 1, &[(20, PROPOSAL)], 20_000, day(40));
    commit.forecast_category = ForecastCategory::Commit;
    input.deals.push(commit);
    let mut best = deal(3, 1, &[(20, QUALIFICATION)], 10_000, day(50));
    best.forecast_category = ForecastCategory::BestCase;
    input.deals.push(best);
    // Closing next quarter.
    input
        .deals
        .push(deal(4, 1, &[(20, PROSPECTING)], 50_000, day(100)));
    input.quotas.push(baton_reports::Quota {
        user: UserId(1),
        period: baton_model::Period::parse("2026-Q4", 1).unwrap(),
        amount_minor: 10_000_000,
        currency: Currency::USD,
    });

    let report = evaluate(&Timeline::new(input), now());

    // No past quarter to learn the in-quarter rate from: half of each chance lands in the
    // quarter the deal is expected in, the other half slips to the next.
    assert_eq!(report.forecast.in_quarter_rate, (0.5, 0.5));
    let rep = |quarter: &str| {
        report
            .forecast
            .rows
            .iter()
            .find(|r| r.quarter == quarter && matches!(r.scope, ForecastScope::Rep { id: 1, .. }))
            .unwrap()
    };
    let q4 = rep("2026-Q4");
    assert_eq!(q4.won_minor, 3_000_000);
    assert_eq!(q4.commit_minor, 3_000_000 + 2_000_000);
    assert_eq!(q4.best_case_minor, 5_000_000 + 1_000_000);
    // Stage probabilities: 60 % of 20k + 20 % of 10k.
    assert_eq!(q4.weighted_minor, 3_000_000 + 1_200_000 + 200_000);
    // Half of each: 30k + 6k + 1k.
    assert_eq!(q4.projection_minor, 3_000_000 + 600_000 + 100_000);
    assert!(q4.low_minor >= q4.won_minor && q4.low_minor < q4.projection_minor);
    assert!(q4.high_minor > q4.projection_minor);
    assert_eq!(q4.quota_minor, Some(10_000_000));
    let q1 = rep("2027-Q1");
    // The slipping halves of deals 2 and 3, and half of 10 % of 50k.
    assert_eq!(q1.projection_minor, 600_000 + 100_000 + 250_000);
    assert_eq!(q1.pipeline_minor, 5_000_000);
}
