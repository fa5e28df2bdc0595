//! Properties of every signal on random histories: what is computed as of an instant does not
//! change when anything later is added (no peeking), and the same facts in another order give
//! the same output (determinism), and a deal judged alone with a run's learning gets what the
//! run gave it.

use crate::*;
use baton_comp::ExchangeRates;
use baton_model::pipeline::{ForecastCategory, StageOutcome};
use baton_model::{AccountId, ContactId, Currency, DealId, PipelineId, StageId, UserId};
use baton_reports::{Change, Changes};
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

/// A small deterministic generator (the property's input is its seed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[usize::try_from(self.below(items.len() as u64)).unwrap()]
    }
}

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap()
}

/// An instant `hours` after the base.
fn at(hours: u64) -> DateTime<Utc> {
    base() + Duration::hours(i64::try_from(hours).unwrap())
}

const HOURS: u64 = 24 * 400;
const STAGES: [StageId; 5] = [StageId(1), StageId(2), StageId(3), StageId(4), StageId(5)];
const KINDS: [ActivityKind; 8] = [
    ActivityKind::Call,
    ActivityKind::EmailOut,
    ActivityKind::EmailIn,
    ActivityKind::Meeting,
    ActivityKind::MeetingMissed,
    ActivityKind::Note,
    ActivityKind::NegativeNote,
    ActivityKind::Task,
];
const CATEGORIES: [ForecastCategory; 4] = [
    ForecastCategory::Pipeline,
    ForecastCategory::BestCase,
    ForecastCategory::Commit,
    ForecastCategory::Omitted,
];

/// One deal's life: its creation and every later change, each at an instant.
struct Life {
    id: i64,
    account: i64,
    created: u64,
    stages: Vec<(u64, StageId)>,
    amounts: Vec<(u64, i64)>,
    close_dates: Vec<(u64, i64)>,
    owners: Vec<(u64, i64)>,
    categories: Vec<(u64, ForecastCategory)>,
}

struct World {
    lives: Vec<Life>,
    activities: Vec<Activity>,
}

fn world(seed: u64) -> World {
    let mut rng = Rng((seed ^ 0x9e37_79b9_7f4a_7c15).max(1));
    let reps = [1, 2, 3, 4];
    let deals = 80 + rng.below(80);
    let lives = (1..=deals)
        .map(|i| {
            let created = rng.below(HOURS);
            let mut life = Life {
                id: i64::try_from(i).unwrap(),
                account: i64::try_from(1 + rng.below(6)).unwrap(),
                created,
                stages: vec![(created, rng.pick(&STAGES[..3]))],
                amounts: vec![(
                    created,
                    i64::try_from(1_000 + rng.below(100_000)).unwrap() * 100,
                )],
                close_dates: vec![(created, i64::try_from(20 + rng.below(120)).unwrap())],
                owners: vec![(created, rng.pick(&reps))],
                categories: vec![(created, rng.pick(&CATEGORIES))],
            };
            let mut t = created;
            for _ in 0..rng.below(8) {
                t += 1 + rng.below(24 * 40);
                match rng.below(5) {
                    0 | 1 => life.stages.push((t, rng.pick(&STAGES))),
                    2 => life
                        .amounts
                        .push((t, i64::try_from(500 + rng.below(120_000)).unwrap() * 100)),
                    3 => {
                        let last = life.close_dates.last().unwrap().1;
                        let moved = last + i64::try_from(rng.below(60)).unwrap() - 20;
                        life.close_dates.push((t, moved));
                    }
                    _ => {
                        life.owners.push((t, rng.pick(&reps)));
                        life.categories.push((t, rng.pick(&CATEGORIES)));
                    }
                }
            }
            // Most deals end won or lost, so that the win model has something to learn from.
            if rng.below(10) < 7 {
                t += 1 + rng.below(24 * 30);
                life.stages.push((t, rng.pick(&STAGES[3..])));
            }
            life
        })
        .collect::<Vec<_>>();
    // Rep 4 mostly stops working at some point, so that there is a decline to notice.
    let decline = at(rng.below(HOURS));
    let activities = (0..2_000 + rng.below(2_000))
        .filter_map(|_| {
            let deal =
                (rng.below(4) > 0).then(|| DealId(i64::try_from(1 + rng.below(deals)).unwrap()));
            let activity = Activity {
                at: at(rng.below(HOURS + 24 * 60)),
                owner: UserId(rng.pick(&reps)),
                kind: rng.pick(&KINDS),
                deal,
                account: Some(AccountId(i64::try_from(1 + rng.below(6)).unwrap())),
                contact: Some(ContactId(i64::try_from(1 + rng.below(12)).unwrap())),
                thread: Some(rng.below(30)),
            };
            let idle = activity.owner == UserId(4) && activity.at > decline && rng.below(5) > 0;
            (!idle).then_some(activity)
        })
        .collect();
    World { lives, activities }
}

/// The history as a field's changes known at `cutoff`, and the value then.
fn known<T: Clone>(events: &[(u64, T)], cutoff: DateTime<Utc>) -> (Changes<Option<T>>, T) {
    let seen: Vec<&(u64, T)> = events.iter().filter(|e| at(e.0) <= cutoff).collect();
    let changes = seen
        .iter()
        .enumerate()
        .map(|(i, e)| Change {
            at: at(e.0),
            old: i.checked_sub(1).map(|p| seen[p].1.clone()),
            new: Some(e.1.clone()),
        })
        .collect();
    (Changes::new(changes), seen[seen.len() - 1].1.clone())
}

/// The organisation as it was known at `cutoff`: deals created by then, with the changes
/// made by then, and the activities that had happened.
fn input(world: &World, cutoff: DateTime<Utc>) -> Input {
    let stage = |id: StageId, position: i64, outcome, probability| Stage {
        id,
        pipeline: PipelineId(1),
        pipeline_name: "Sales".into(),
        name: format!("Stage {}", id.0),
        position,
        outcome,
        probability,
    };
    let deals = world
        .lives
        .iter()
        .filter(|l| at(l.created) <= cutoff)
        .map(|l| {
            let (stages, stage_now) = known(&l.stages, cutoff);
            let (amounts, amount) = known(&l.amounts, cutoff);
            let days: Vec<(u64, chrono::NaiveDate)> = l
                .close_dates
                .iter()
                .map(|&(t, d)| (t, (base() + Duration::days(d)).date_naive()))
                .collect();
            let (close_dates, close) = known(&days, cutoff);
            let owner_ids: Vec<(u64, UserId)> =
                l.owners.iter().map(|&(t, o)| (t, UserId(o))).collect();
            let (owners, owner) = known(&owner_ids, cutoff);
            let (categories, category) = known(&l.categories, cutoff);
            Deal {
                id: DealId(l.id),
                name: format!("Deal {}", l.id),
                account: Some(AccountId(l.account)),
                owner,
                stage: stage_now,
                amount_minor: Some(amount),
                currency: Currency::USD,
                close_date: Some(close),
                forecast_category: category,
                created_at: at(l.created),
                source: None,
                source_id: None,
                stages,
                amounts,
                close_dates,
                owners,
                categories,
            }
        })
        .collect();
    Input {
        currency: Currency::USD,
        time_zone: chrono_tz::Europe::Berlin,
        fiscal_year_start_month: 2,
        rates: ExchangeRates::new(),
        stages: vec![
            stage(STAGES[0], 1, StageOutcome::Open, 10),
            stage(STAGES[1], 2, StageOutcome::Open, 30),
            stage(STAGES[2], 3, StageOutcome::Open, 70),
            stage(STAGES[3], 4, StageOutcome::Won, 100),
            stage(STAGES[4], 5, StageOutcome::Lost, 0),
        ],
        reps: (1..=4)
            .map(|i| Rep {
                id: UserId(i),
                name: format!("Rep {i}"),
                team: Some(if i % 2 == 0 { "East" } else { "West" }.into()),
                source_id: None,
            })
            .collect(),
        accounts: (1..=6)
            .map(|i| Account {
                id: AccountId(i),
                name: format!("Account {i}"),
                owner: UserId(1 + i % 4),
                source_id: None,
            })
            .collect(),
        deals,
        activities: world
            .activities
            .iter()
            .filter(|a| a.at <= cutoff)
            .copied()
            .collect(),
        quotas: Vec::new(),
    }
}

fn json(report: &Report) -> String {
    serde_json::to_string(report).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn nothing_after_the_as_of_instant_changes_what_is_computed_as_of_it(
        seed in any::<u64>(),
        hours in 24 * 60..HOURS,
    ) {
        let world = world(seed);
        let as_of = at(hours);
        let everything = Timeline::new(input(&world, at(HOURS * 2)));
        let then = Timeline::new(input(&world, as_of));
        prop_assert_eq!(json(&evaluate(&everything, as_of)), json(&evaluate(&then, as_of)));
    }

    #[test]
    fn the_same_facts_in_another_order_give_the_same_output(seed in any::<u64>()) {
        let world = world(seed);
        let as_of = at(HOURS);
        let mut shuffled = input(&world, as_of);
        shuffled.deals.reverse();
        shuffled.activities.reverse();
        let a = evaluate(&Timeline::new(input(&world, as_of)), as_of);
        let b = evaluate(&Timeline::new(shuffled), as_of);
        prop_assert_eq!(json(&a), json(&b));
    }

    #[test]
    fn a_deal_judged_alone_with_a_runs_learning_gets_what_the_run_gave_it(
        seed in any::<u64>(),
        hours in 24 * 60..HOURS,
    ) {
        let world = world(seed);
        let as_of = at(hours);
        let whole = input(&world, as_of);
        let report = evaluate(&Timeline::new(whole.clone()), as_of);
        // As the store keeps it between runs.
        let kept = serde_json::to_string(&report.learned).unwrap();
        let learned: Learned = serde_json::from_str(&kept).unwrap();
        let mut judged_open = 0;
        for deal in &whole.deals {
            let alone = Input {
                deals: vec![deal.clone()],
                activities: whole
                    .activities
                    .iter()
                    .filter(|a| a.deal == Some(deal.id))
                    .copied()
                    .collect(),
                reps: Vec::new(),
                accounts: Vec::new(),
                quotas: Vec::new(),
                ..whole.clone()
            };
            let mut judged = evaluate_deal(&Timeline::new(alone), &learned, deal.id, as_of);
            sort(&mut judged.findings);
            let given: Vec<&Finding> = report
                .findings
                .iter()
                .filter(|f| f.subject.kind == SubjectKind::Deal && f.subject.id == deal.id.0)
                .collect();
            prop_assert_eq!(
                serde_json::to_string(&judged.findings).unwrap(),
                serde_json::to_string(&given).unwrap()
            );
            let probability = report.probabilities.iter().find(|p| p.deal == deal.id);
            prop_assert_eq!(judged.probability.as_ref(), probability);
            judged_open += usize::from(probability.is_some());
        }
        prop_assert_eq!(judged_open, report.probabilities.len());
    }
}

/// The properties above mean something only if the random histories raise findings of every
/// kind and train a model.
#[test]
fn the_random_histories_raise_every_kind_of_finding_and_train_the_model() {
    let mut kinds = std::collections::BTreeSet::new();
    let mut learned = false;
    for seed in 1..12 {
        let world = world(seed);
        let report = evaluate(
            &Timeline::new(input(&world, at(HOURS * 2))),
            at(HOURS * 3 / 4),
        );
        kinds.extend(report.findings.iter().map(|f| f.kind));
        learned |= report.model.learned;
    }
    assert_eq!(kinds.len(), 9, "{kinds:?}");
    assert!(learned);
}
