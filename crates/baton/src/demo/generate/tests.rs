//! Tests of the generator: every record is reproducible from its index, and the data has the
//! shape and the signals of a real sales organisation.

use super::words::ROLES;
use super::*;
use baton_model::activity::{ActivityKind, Direction, MeetingStatus};
use baton_model::pipeline::{ForecastCategory, StageOutcome};
use baton_model::records::{SplitKind, Stage};
use baton_model::{AccountId, ActivityId, Percent, Period, PipelineId, StageId};
use chrono::Datelike;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn pipeline(
    id: i64,
    name: &str,
    stages: &[(i64, &str, ForecastCategory, StageOutcome)],
) -> Pipeline {
    let at = midnight(date(2024, 1, 1));
    Pipeline {
        id: PipelineId(id),
        name: name.to_owned(),
        is_default: id == 1,
        stages: stages
            .iter()
            .zip(0..)
            .map(|(&(stage, name, forecast, outcome), position)| Stage {
                id: StageId(stage),
                pipeline_id: PipelineId(id),
                name: name.to_owned(),
                position,
                probability: 50,
                forecast_category: forecast,
                outcome,
            })
            .collect(),
        archived_at: None,
        version: 1,
        created_at: at,
        updated_at: at,
    }
}

/// The demo's shape: two pipelines, eight reps in two teams, with strong and weak sellers.
fn roster(today: NaiveDate) -> Roster {
    use ForecastCategory::{BestCase, Closed, Commit, Omitted, Pipeline as Early};
    use StageOutcome::{Lost, Open, Won};
    let new_business = pipeline(
        1,
        "New Business",
        &[
            (1, "Prospecting", Early, Open),
            (2, "Qualification", Early, Open),
            (3, "Discovery", Early, Open),
            (4, "Proposal", BestCase, Open),
            (5, "Negotiation", Commit, Open),
            (6, "Closed Won", Closed, Won),
            (7, "Closed Lost", Omitted, Lost),
        ],
    );
    let renewals = pipeline(
        2,
        "Renewals",
        &[
            (8, "Upcoming", BestCase, Open),
            (9, "Negotiating", Commit, Open),
            (10, "Renewed", Closed, Won),
            (11, "Churned", Omitted, Lost),
        ],
    );
    let profiles = [
        (0.34, 1.2, 1.1),
        (0.18, 0.8, 0.9),
        (0.27, 1.0, 1.3),
        (0.24, 1.1, 0.8),
        (0.30, 1.0, 1.0),
        (0.22, 0.9, 1.2),
        (0.36, 1.3, 1.0),
        (0.26, 1.0, 0.9),
    ];
    let reps = (0..8)
        .zip(profiles)
        .map(|(i, (win_rate, effort, size))| RepProfile {
            user_id: UserId(10 + i),
            team_manager: UserId(if i < 4 { 1 } else { 2 }),
            win_rate,
            effort,
            size,
        })
        .collect();
    Roster {
        today,
        currency: Currency::USD,
        reps,
        new_business,
        renewals,
    }
}

const SCALE: Scale = Scale {
    accounts: 300,
    contacts_per_account: 3,
    deals: 600,
    activities: 20_000,
};

/// A Thursday in the middle of a quarter.
fn today() -> NaiveDate {
    date(2026, 5, 14)
}

fn generator() -> &'static Generator {
    static GENERATOR: OnceLock<Generator> = OnceLock::new();
    GENERATOR.get_or_init(|| Generator::new(42, roster(today()), SCALE))
}

fn deals() -> &'static [GeneratedDeal] {
    static DEALS: OnceLock<Vec<GeneratedDeal>> = OnceLock::new();
    DEALS.get_or_init(|| (0..SCALE.deals).map(|i| generator().deal(i)).collect())
}

fn share(part: usize, whole: usize) -> f64 {
    count_f64(part) / count_f64(whole.max(1))
}

#[test]
fn the_same_index_always_gives_the_same_deal() {
    let g = generator();
    let forwards: Vec<String> = (0..20).map(|i| format!("{:?}", g.deal(i))).collect();
    let again = Generator::new(42, roster(today()), SCALE);
    for i in (0..20).rev() {
        assert_eq!(format!("{:?}", again.deal(i)), forwards[i], "deal {i}");
    }
    let other_seed = Generator::new(43, roster(today()), SCALE);
    assert_ne!(format!("{:?}", other_seed.deal(3)), forwards[3]);
}

#[test]
fn the_same_index_always_gives_the_same_account() {
    let g = generator();
    let first = format!("{:?}", g.account(123));
    let _ = g.account(7);
    assert_eq!(format!("{:?}", g.account(123)), first);
    let (account, contacts) = g.account(123);
    assert_eq!(account.id, AccountId(124));
    let ids: Vec<i64> = contacts.iter().map(|c| c.id.0).collect();
    assert_eq!(ids, [370, 371, 372]);
}

#[test]
fn accounts_look_like_companies_with_reachable_contacts() {
    let g = generator();
    let mut names = HashSet::new();
    for i in 0..SCALE.accounts {
        let (account, contacts) = g.account(i);
        assert!(names.insert(account.name.clone()), "{} twice", account.name);
        let domain = account.domain.as_deref().unwrap();
        assert_eq!(
            baton_model::records::normalize_domain(domain).as_deref(),
            Ok(domain)
        );
        assert!(INDUSTRIES.contains(&account.industry.as_deref().unwrap()));
        assert!((10..=50_000).contains(&account.employees.unwrap()));
        assert!(account.annual_revenue_minor.unwrap() > 0);
        assert!((1..=3).contains(&account.tier.unwrap()));
        assert!(g.roster.reps.iter().any(|r| r.user_id == account.owner_id));
        for contact in &contacts {
            assert_eq!(contact.account_id, Some(account.id));
            assert_eq!(contact.owner_id, account.owner_id);
            assert_eq!(contact.email.as_ref().unwrap().domain(), domain);
            assert!(contact.phone.as_deref().unwrap().starts_with("+1 "));
            assert!(contact.created_at >= account.created_at);
        }
    }
}

/// Replays each deal's history row by row: every row continues from the previous value of
/// its field, and the last value of every field is the deal's.
#[test]
fn deal_history_replays_to_the_final_deal() {
    for g in deals() {
        let d = &g.deal;
        let mut last: HashMap<&str, Option<&str>> = HashMap::new();
        let mut previous = d.created_at;
        for row in &g.history {
            assert_eq!(
                (row.id, row.entity.as_str(), row.entity_id),
                (0, "deal", d.id.0)
            );
            assert_eq!(row.actor_id, Some(d.owner_id));
            assert!(
                row.changed_at >= previous,
                "deal {} history out of order",
                d.id
            );
            previous = row.changed_at;
            let before = last.get(row.field.as_str()).copied().flatten();
            assert_eq!(
                row.old_value.as_deref(),
                before,
                "deal {} {}",
                d.id,
                row.field
            );
            assert_ne!(row.old_value, row.new_value, "deal {} {}", d.id, row.field);
            if before.is_none() {
                assert_eq!(
                    row.changed_at, d.created_at,
                    "{} starts at creation",
                    row.field
                );
            }
            last.insert(&row.field, row.new_value.as_deref());
        }
        let expected = [
            ("pipeline_id", d.pipeline_id.to_string()),
            ("stage_id", d.stage_id.to_string()),
            ("amount_minor", d.amount_minor.unwrap().to_string()),
            ("currency", d.currency.to_string()),
            ("close_date", d.close_date.unwrap().to_string()),
            ("owner_id", d.owner_id.to_string()),
            ("forecast_category", d.forecast_category.as_str().to_owned()),
        ];
        for (field, value) in expected {
            assert_eq!(last[field], Some(value.as_str()), "deal {} {field}", d.id);
        }
        assert_eq!(d.updated_at, previous, "deal {} updated_at", d.id);
    }
}

#[test]
fn closed_deals_end_in_their_won_or_lost_stage() {
    let g = generator();
    let (mut won, mut lost, mut open) = (0, 0, 0);
    for d in deals().iter().map(|g| &g.deal) {
        let track = if d.pipeline_id == PipelineId(1) {
            &g.new_business
        } else {
            &g.renewals
        };
        if let Some(closed_at) = d.closed_at {
            assert_eq!(d.close_date, Some(closed_at.date_naive()));
            assert_eq!(d.next_step, None);
            if Some(d.stage_id) == track.won.map(|s| s.id) {
                won += 1;
                assert_eq!(d.forecast_category, ForecastCategory::Closed);
                assert_eq!(d.lost_reason, None);
            } else {
                lost += 1;
                assert_eq!(Some(d.stage_id), track.lost.map(|s| s.id));
                assert_eq!(d.forecast_category, ForecastCategory::Omitted);
                assert!(d.lost_reason.is_some());
            }
        } else {
            open += 1;
            let stage = track.open.iter().find(|s| s.id == d.stage_id).unwrap();
            assert_eq!(d.forecast_category, stage.forecast);
            assert!(d.next_step.is_some() && d.lost_reason.is_none());
        }
    }
    assert!(
        won > 60 && lost > 100 && open > 100,
        "won {won}, lost {lost}, open {open}"
    );
}

#[test]
fn revenue_splits_sum_to_one_hundred_percent() {
    let mut split = 0;
    let mut overlay = 0;
    for d in deals().iter().map(|g| &g.deal) {
        let revenue: Vec<_> = d
            .splits
            .iter()
            .filter(|s| s.kind == SplitKind::Revenue)
            .collect();
        if !revenue.is_empty() {
            split += 1;
            assert_eq!(
                revenue
                    .iter()
                    .map(|s| s.percent.basis_points())
                    .sum::<i64>(),
                10_000
            );
            assert_eq!(revenue[0].user_id, d.owner_id);
            assert_ne!(revenue[1].user_id, d.owner_id);
        }
        for s in d.splits.iter().filter(|s| s.kind == SplitKind::Overlay) {
            overlay += 1;
            assert_eq!(s.percent, Percent::HUNDRED);
            assert_ne!(s.user_id, d.owner_id);
        }
    }
    assert!(
        (0.05..0.16).contains(&share(split, SCALE.deals)),
        "{split} split"
    );
    assert!(
        (0.02..0.09).contains(&share(overlay, SCALE.deals)),
        "{overlay} overlays"
    );
}

#[test]
fn deal_contacts_are_the_accounts_with_exactly_one_primary() {
    for d in deals().iter().map(|g| &g.deal) {
        assert!((1..=3).contains(&d.contacts.len()));
        assert_eq!(d.contacts.iter().filter(|c| c.is_primary).count(), 1);
        let account = d.account_id.unwrap().0;
        for c in &d.contacts {
            assert_eq!(
                (c.contact_id.0 - 1) / 3 + 1,
                account,
                "contact of another account"
            );
            assert!(ROLES.contains(&c.role.as_deref().unwrap()));
        }
    }
}

/// Scheduled meetings may lie ahead and open tasks may fall due later; everything else has
/// happened.
#[test]
fn every_timestamp_is_before_today() {
    // Mid-quarter, and the first day of a quarter (when the current quarter is empty).
    for today in [today(), date(2026, 4, 1)] {
        let g = Generator::new(
            7,
            roster(today),
            Scale {
                deals: 300,
                ..SCALE
            },
        );
        let end = midnight(today);
        for i in 0..300 {
            let GeneratedDeal {
                deal,
                history,
                activities,
            } = g.deal(i);
            assert!(deal.created_at >= midnight(g.calendar.window_start()));
            assert!(deal.created_at < end && deal.updated_at < end);
            assert!(deal.closed_at.is_none_or(|at| at < end));
            assert!(history.iter().all(|h| h.changed_at < end));
            for a in &activities {
                assert!(a.created_at < end && a.updated_at < end, "{a:?}");
                assert!(a.created_at >= deal.created_at, "{a:?}");
                assert!(a.ends_at.is_none_or(|ends| ends >= a.occurred_at));
                if a.meeting_status == Some(MeetingStatus::Scheduled) {
                    assert!(a.occurred_at >= end);
                } else {
                    assert!(a.occurred_at < end, "{a:?}");
                    assert!(a.ends_at.is_none_or(|ends| ends < end), "{a:?}");
                }
                assert!(
                    a.completed_at
                        .is_none_or(|at| at < end && at >= a.occurred_at)
                );
            }
        }
        for i in 0..SCALE.accounts {
            let (account, contacts) = g.account(i);
            assert!(account.created_at < end);
            assert!(contacts.iter().all(|c| c.created_at < end));
        }
    }
}

#[test]
fn deals_start_after_their_account_and_mostly_on_weekdays() {
    let g = generator();
    let mut weekend = 0;
    for d in deals().iter().map(|g| &g.deal) {
        let (account, _) = g.account(usize::try_from(d.account_id.unwrap().0 - 1).unwrap());
        assert!(d.created_at > account.created_at);
        weekend += usize::from(d.created_at.weekday().num_days_from_monday() >= 5);
    }
    assert!(
        share(weekend, SCALE.deals) < 0.06,
        "{weekend} deals created at weekends"
    );
    let activities: Vec<_> = deals().iter().flat_map(|g| &g.activities).collect();
    let weekend = activities
        .iter()
        .filter(|a| a.occurred_at.weekday().num_days_from_monday() >= 5)
        .count();
    assert!(
        share(weekend, activities.len()) < 0.08,
        "{weekend} weekend activities"
    );
}

#[test]
fn activity_volume_is_near_the_target() {
    let total: usize = deals().iter().map(|g| g.activities.len()).sum();
    let ratio = share(total, SCALE.activities);
    assert!(
        (0.85..1.15).contains(&ratio),
        "{total} activities for {}",
        SCALE.activities
    );
    // At benchmark density (ten a deal) too.
    let g = Generator::new(
        1,
        roster(today()),
        Scale {
            deals: 2_000,
            activities: 20_000,
            ..SCALE
        },
    );
    let total: usize = (0..2_000).map(|i| g.deal(i).activities.len()).sum();
    assert!(
        (0.85..1.15).contains(&share(total, 20_000)),
        "{total} activities for 20000"
    );
}

#[test]
fn only_emails_have_a_direction_and_only_meetings_a_status() {
    for a in deals().iter().flat_map(|g| &g.activities) {
        let email = a.kind == ActivityKind::Email;
        assert_eq!(a.direction.is_some(), email, "{a:?}");
        assert_eq!(a.thread_id.is_some(), email, "{a:?}");
        assert_eq!(
            a.meeting_status.is_some(),
            a.kind == ActivityKind::Meeting,
            "{a:?}"
        );
        assert_eq!(a.due_date.is_some(), a.kind == ActivityKind::Task, "{a:?}");
        if a.kind != ActivityKind::Task {
            assert_eq!(a.completed_at, None);
        }
        if a.kind == ActivityKind::Meeting {
            assert!(a.ends_at.is_some());
        }
        assert_eq!((a.id, a.version), (ActivityId(0), 1));
    }
}

#[test]
fn emails_come_in_threads_with_replies() {
    let mut threads: HashMap<&str, Vec<&Activity>> = HashMap::new();
    for a in deals().iter().flat_map(|g| &g.activities) {
        if let Some(thread) = a.thread_id.as_deref() {
            threads.entry(thread).or_default().push(a);
        }
    }
    let mut answered = 0;
    for emails in threads.values() {
        assert!(
            emails
                .windows(2)
                .all(|w| w[0].occurred_at < w[1].occurred_at)
        );
        assert!(
            emails.windows(2).all(|w| w[0].direction != w[1].direction),
            "turns alternate"
        );
        assert!(emails.iter().all(|e| e.deal_id == emails[0].deal_id));
        answered += usize::from(emails.len() > 1);
    }
    let ratio = share(answered, threads.len());
    assert!(
        (0.5..0.9).contains(&ratio),
        "{answered} of {} threads answered",
        threads.len()
    );
}

/// The honest early signal: customers on deals that end up lost answer fewer emails.
#[test]
fn customers_reply_less_on_deals_that_are_lost() {
    let reply_rate = |lost: bool| {
        let (mut sent, mut answered) = (0, 0);
        for g in deals()
            .iter()
            .filter(|g| g.deal.closed_at.is_some() && g.deal.lost_reason.is_some() == lost)
        {
            let threads: HashSet<_> = g
                .activities
                .iter()
                .filter_map(|a| a.thread_id.as_deref())
                .collect();
            for thread in threads {
                let emails: Vec<_> = g
                    .activities
                    .iter()
                    .filter(|a| a.thread_id.as_deref() == Some(thread))
                    .collect();
                if emails[0].direction == Some(Direction::Outbound) {
                    sent += 1;
                    answered += usize::from(emails.len() > 1);
                }
            }
        }
        share(answered, sent)
    };
    let (won, lost) = (reply_rate(false), reply_rate(true));
    assert!(won > lost + 0.2, "won deals {won:.2}, lost deals {lost:.2}");
}

#[test]
fn about_a_third_of_deals_have_their_close_date_pushed() {
    let pushed = deals()
        .iter()
        .filter(|g| {
            let closing = g.deal.closed_at;
            g.history.iter().any(|h| {
                h.field == "close_date" && h.old_value.is_some() && Some(h.changed_at) != closing
            })
        })
        .count();
    let resized = deals()
        .iter()
        .filter(|g| {
            g.history
                .iter()
                .any(|h| h.field == "amount_minor" && h.old_value.is_some())
        })
        .count();
    assert!(
        (0.2..0.42).contains(&share(pushed, SCALE.deals)),
        "{pushed} pushed"
    );
    assert!(
        (0.08..0.22).contains(&share(resized, SCALE.deals)),
        "{resized} resized"
    );
}

#[test]
fn some_open_deals_have_gone_quiet_for_three_weeks() {
    let cutoff = midnight(today()) - TimeDelta::days(21);
    let open: Vec<_> = deals()
        .iter()
        .filter(|g| g.deal.closed_at.is_none())
        .collect();
    let stale = open
        .iter()
        .filter(|g| g.deal.created_at < cutoff)
        .filter(|g| g.activities.iter().all(|a| a.occurred_at < cutoff))
        .count();
    assert!(
        stale > 5 && share(stale, open.len()) < 0.5,
        "{stale} of {} open deals stale",
        open.len()
    );
    let overdue = open
        .iter()
        .flat_map(|g| &g.activities)
        .filter(|a| a.kind == ActivityKind::Task && a.completed_at.is_none())
        .filter(|a| a.due_date.is_some_and(|due| due < today()))
        .count();
    assert!(overdue > 0, "no overdue tasks");
}

#[test]
fn strong_reps_win_more_often_than_weak_ones() {
    let win_rate = |rep: i64| {
        let closed: Vec<_> = deals()
            .iter()
            .map(|g| &g.deal)
            .filter(|d| {
                d.owner_id == UserId(rep) && d.closed_at.is_some() && d.pipeline_id == PipelineId(1)
            })
            .collect();
        share(
            closed.iter().filter(|d| d.lost_reason.is_none()).count(),
            closed.len(),
        )
    };
    // Grace (0.36) against Ben (0.18).
    assert!(
        win_rate(16) > win_rate(11),
        "{} vs {}",
        win_rate(16),
        win_rate(11)
    );
}

#[test]
fn quotas_cover_six_quarters_and_are_roughly_achievable() {
    let g = generator();
    let quotas = g.quotas();
    assert_eq!(quotas.len(), 8 * QUARTERS);
    let periods: HashSet<&str> = quotas.iter().map(|q| q.period.as_str()).collect();
    let expected: HashSet<&str> = [
        "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3",
    ]
    .into();
    assert_eq!(periods, expected);
    for q in &quotas {
        assert_eq!(q.amount_minor % 500_000, 0);
        assert!(q.amount_minor > 0 && q.created_at < midnight(today()));
        assert_eq!(Period::parse(&q.period, 1).unwrap().start(), q.start_date);
    }
    // Won amounts over quota in the four full quarters, across the team.
    let past: Vec<_> = quotas
        .iter()
        .filter(|q| q.end_date <= date(2026, 4, 1))
        .collect();
    let quota: i64 = past.iter().map(|q| q.amount_minor).sum();
    let won: i64 = deals()
        .iter()
        .map(|g| &g.deal)
        .filter(|d| {
            d.lost_reason.is_none()
                && d.closed_at
                    .is_some_and(|at| at < midnight(date(2026, 4, 1)))
        })
        .map(|d| d.amount_minor.unwrap())
        .sum();
    let attainment = to_f64(won) / to_f64(quota);
    assert!(
        (0.7..1.1).contains(&attainment),
        "attainment {attainment:.2}"
    );
}
