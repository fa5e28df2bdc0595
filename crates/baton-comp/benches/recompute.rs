//! The issue's scale: 1,000 reps and 100 managers, 1,000,000 deals won in one quarter, tiered
//! accelerated plans, a fifth of the deals split, some with overlays, every revenue credit rolled
//! up to a manager.
//!
//! * `full`: credit every deal, group the credits by rep, compute all 1,100 statements with
//!   every line's trace (on as many threads as the machine has cores; a rep's credits are freed
//!   once its statement is computed). Freeing the result is not timed.
//! * `incremental`: one split deal's amount changes: credit it again, recompute the statements
//!   of the two reps and two managers it touches from the deal's date on (`recompute_from`),
//!   and reconcile each with its ledger.
//!
//! Before measuring, it prints the single-thread time of each phase of the full run, the
//! incremental run's cost per touched statement, and peak memory (`VmHWM`).
//!
//! Run with `cargo bench -p baton-comp --bench recompute`.

use baton_comp::credit::{Hierarchy, credit_deal, no_attributes};
use baton_comp::ledger::{LedgerEntry, PeriodStatus, Target, reconcile};
use baton_comp::statement::{RepPeriod, Statement, compute, recompute_from};
use baton_comp::{Credit, Deal, Plan, Split, SplitKind};
use baton_model::{Currency, DealId, Money, Percent, Period, UserId};
use chrono::{Days, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

const REPS: i64 = 1_000;
const MANAGERS: i64 = 100;
const DEALS: i64 = 1_000_000;

const REP_PLAN: &str = r#"
id = "ae"
name = "AE"
version = 1
effective_from = 2026-01-01
currency = "USD"
[quota]
period = "quarter"
[caps]
per_deal = 50000
[[components]]
id = "arr"
type = "tiered"
credit_kinds = ["revenue", "overlay"]
gate = { below_pct = 25, pay_pct = 50 }
tiers = [
  { from_pct = 0,   to_pct = 50,  rate_pct = 5 },
  { from_pct = 50,  to_pct = 100, rate_pct = 10, method = "retroactive" },
  { from_pct = 100, to_pct = 150, rate_pct = 12 },
  { from_pct = 150,               rate_pct = 15 },
]
[[components]]
id = "spif"
type = "spif"
amount = 100
when = { attribute = "product", equals = "Platform" }
[[components]]
id = "club"
type = "bonus"
attainment_pct = 100
amount = 5000
"#;

const MANAGER_PLAN: &str = r#"
id = "manager"
name = "Manager"
version = 1
effective_from = 2026-01-01
currency = "USD"
[quota]
period = "quarter"
[[components]]
id = "team"
type = "tiered"
credit_kinds = ["roll_up"]
tiers = [
  { from_pct = 0,   to_pct = 100, rate_pct = 1 },
  { from_pct = 100,               rate_pct = 1.5 },
]
"#;

/// A small deterministic generator, so every run benchmarks the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct World {
    rep_plan: Plan,
    manager_plan: Plan,
    period: Period,
    hierarchy: Hierarchy,
    deals: Vec<Deal>,
}

fn rep_id(i: u64) -> UserId {
    UserId(i64::try_from(i).unwrap_or(0) + 1)
}

fn world() -> World {
    let mut rng = Rng(0x5eed_1234_abcd_9876);
    let mut hierarchy = Hierarchy::new();
    for rep in 1..=REPS {
        hierarchy.set_manager(UserId(rep), UserId(REPS + 1 + (rep - 1) % MANAGERS));
    }
    let platform = Arc::new([("product".to_owned(), "Platform".to_owned())].into());
    let start = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap_or_default();
    let reps = u64::try_from(REPS).unwrap_or(1);
    let deals = (0..DEALS)
        .map(|id| {
            let owner = rep_id(rng.below(reps));
            let mut splits = Vec::new();
            if rng.below(5) == 0 {
                let other = rep_id(rng.below(reps));
                if other != owner {
                    splits.push(Split {
                        rep: owner,
                        kind: SplitKind::Revenue,
                        percent: Percent::from_basis_points(6_000).unwrap_or_default(),
                    });
                    splits.push(Split {
                        rep: other,
                        kind: SplitKind::Revenue,
                        percent: Percent::from_basis_points(4_000).unwrap_or_default(),
                    });
                }
            }
            if rng.below(20) == 0 {
                splits.push(Split {
                    rep: rep_id(rng.below(reps)),
                    kind: SplitKind::Overlay,
                    percent: Percent::from_basis_points(1_000).unwrap_or_default(),
                });
            }
            Deal {
                id: DealId(id),
                owner,
                amount: Money {
                    minor: i64::try_from(100_000 + rng.below(5_000_000)).unwrap_or(0),
                    currency: Currency::USD,
                },
                close_date: start + Days::new(rng.below(92)),
                payment_date: None,
                splits,
                attributes: if rng.below(10) == 0 {
                    Some(Arc::clone(&platform))
                } else {
                    no_attributes()
                },
            }
        })
        .collect();
    World {
        rep_plan: Plan::from_toml(REP_PLAN).expect("rep plan"),
        manager_plan: Plan::from_toml(MANAGER_PLAN).expect("manager plan"),
        period: Period::parse("2026-Q3", 1).expect("period"),
        hierarchy,
        deals,
    }
}

/// Credits per rep, indexed by user id, in parts: deals are credited on every core, each
/// thread into its own lists; part `t` of a rep's credits is what thread `t` found.
fn credit_parts(world: &World) -> Vec<Vec<Vec<Credit>>> {
    let people = usize::try_from(REPS + MANAGERS + 1).unwrap_or(0);
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = world.deals.len().div_ceil(threads);
    let parts: Vec<Vec<Vec<Credit>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = world
            .deals
            .chunks(chunk)
            .map(|deals| {
                scope.spawn(move || {
                    // About 2.6 credits per deal (splits, overlays, roll-ups), spread over people.
                    let each = deals.len() * 3 / people + 16;
                    let mut by_rep: Vec<Vec<Credit>> =
                        (0..people).map(|_| Vec::with_capacity(each)).collect();
                    for deal in deals {
                        for credit in credit_deal(deal, &world.hierarchy).expect("valid deal") {
                            by_rep[usize::try_from(credit.rep.0).unwrap_or(0)].push(credit);
                        }
                    }
                    by_rep
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    // From parts per thread, each with every rep, to parts per rep.
    let mut by_rep: Vec<Vec<Vec<Credit>>> = (0..people).map(|_| Vec::new()).collect();
    for part in parts {
        for (mine, credits) in by_rep.iter_mut().zip(part) {
            mine.push(credits);
        }
    }
    by_rep
}

/// A rep's credits in one list.
fn joined(parts: Vec<Vec<Credit>>) -> Vec<Credit> {
    let mut credits = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        credits.extend(part);
    }
    credits
}

/// Credits per rep, indexed by user id.
fn credit_all(world: &World) -> Vec<Vec<Credit>> {
    credit_parts(world).into_iter().map(joined).collect()
}

fn input<'a>(world: &'a World, rep: usize, credits: &'a [Credit]) -> (&'a Plan, RepPeriod<'a>) {
    let id = UserId(i64::try_from(rep).unwrap_or(0));
    let manager = id.0 > REPS;
    let quota = if manager { 50_000_000_000 } else { 500_000_000 };
    let plan = if manager {
        &world.manager_plan
    } else {
        &world.rep_plan
    };
    let input = RepPeriod {
        rep: id,
        period: world.period,
        quota: Money {
            minor: quota,
            currency: Currency::USD,
        },
        active: None,
        credits,
        clawbacks: &[],
        draw_owed: 0,
    };
    (plan, input)
}

fn statement(world: &World, rep: usize, credits: &[Credit]) -> Statement {
    let (plan, input) = input(world, rep, credits);
    compute(plan, &input).expect("statement")
}

fn full_recompute(world: &World) -> Vec<Statement> {
    use std::sync::Mutex;
    let by_rep = credit_parts(world);
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    // Reps are taken one at a time from a shared queue, so a thread that drew the managers'
    // long lists does not leave the other idle; a rep's parts are joined by the thread that
    // computes its statement, and freed once it is computed, as a run that streams reps from
    // storage would.
    let queue = Mutex::new(by_rep.into_iter().enumerate().skip(1));
    let mut statements: Vec<(usize, Statement)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let next = queue.lock().map_or(None, |mut q| q.next());
                        let Some((rep, parts)) = next else {
                            break;
                        };
                        done.push((rep, statement(world, rep, &joined(parts))));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    });
    statements.sort_unstable_by_key(|(rep, _)| *rep);
    statements.into_iter().map(|(_, s)| s).collect()
}

/// One deal's amount changes from `before` to `after`: its credits are replaced, the
/// statements of the reps it touched or touches are recomputed from the deal's date on (the
/// lines of earlier credits are kept) and reconciled with the ledger. Returns the entries
/// appended.
fn incremental(
    world: &World,
    by_rep: &mut [Vec<Credit>],
    previous: &mut [Option<Statement>],
    ledger: &[Vec<LedgerEntry>],
    before: &Deal,
    after: &Deal,
) -> Vec<LedgerEntry> {
    let old = credit_deal(before, &world.hierarchy).expect("valid deal");
    let fresh = credit_deal(after, &world.hierarchy).expect("valid deal");
    let mut touched: Vec<usize> = by_rep_of(&old);
    touched.extend(by_rep_of(&fresh));
    touched.sort_unstable();
    touched.dedup();
    for &rep in &touched {
        by_rep[rep].retain(|c| c.deal != after.id);
    }
    for credit in fresh {
        by_rep[usize::try_from(credit.rep.0).unwrap_or(0)].push(credit);
    }
    let changed_from = before.close_date.min(after.close_date);
    let mut appended = Vec::new();
    for rep in touched {
        let statement = match previous[rep].take() {
            Some(previous) => recompute_rep(world, rep, &by_rep[rep], previous, changed_from),
            None => statement(world, rep, &by_rep[rep]),
        };
        let target = Target {
            rep: statement.rep,
            period: world.period,
            status: PeriodStatus::Open,
            next_open: world.period.next(),
        };
        // The store reads the ledger of one rep and period; so does this.
        appended
            .extend(reconcile(&target, &ledger[rep], &statement.bookings()).expect("reconcile"));
        // The next change starts from this statement, as the store keeps the latest one.
        previous[rep] = Some(statement);
    }
    appended
}

fn recompute_rep(
    world: &World,
    rep: usize,
    credits: &[Credit],
    previous: Statement,
    changed_from: NaiveDate,
) -> Statement {
    let (plan, input) = input(world, rep, credits);
    recompute_from(plan, &input, previous, changed_from).expect("statement")
}

fn by_rep_of(credits: &[Credit]) -> Vec<usize> {
    credits
        .iter()
        .map(|c| usize::try_from(c.rep.0).unwrap_or(0))
        .collect()
}

fn peak_memory_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// Nanoseconds this thread has run on a CPU (Linux), which other processes sharing the
/// machine do not inflate the way they inflate wall-clock time.
fn on_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

/// On-CPU time since `start`.
fn cpu_since(start: Duration) -> Duration {
    on_cpu().saturating_sub(start)
}

fn phases(world: &World) {
    use std::time::Instant;
    let (t, cpu) = (Instant::now(), on_cpu());
    let people = usize::try_from(REPS + MANAGERS + 1).unwrap_or(0);
    let mut by_rep: Vec<Vec<Credit>> = (0..people).map(|_| Vec::new()).collect();
    for deal in &world.deals {
        for credit in credit_deal(deal, &world.hierarchy).expect("valid deal") {
            by_rep[usize::try_from(credit.rep.0).unwrap_or(0)].push(credit);
        }
    }
    let credited = (t.elapsed(), cpu_since(cpu));
    let (t, cpu) = (Instant::now(), on_cpu());
    let statements: Vec<Statement> = by_rep
        .into_iter()
        .enumerate()
        .skip(1)
        .map(|(i, credits)| statement(world, i, &credits))
        .collect();
    let computed = (t.elapsed(), cpu_since(cpu));
    drop(statements);
    eprintln!("phases on one thread (wall, on-CPU): credit {credited:?}, statements {computed:?}");
}

/// What one incremental run spends on each touched statement, as a mean of 20 runs each.
fn incremental_phases(world: &World, by_rep: &[Vec<Credit>], deal: &Deal) {
    use std::time::Instant;
    const RUNS: u32 = 20;
    for rep in by_rep_of(&credit_deal(deal, &world.hierarchy).expect("deal")) {
        let full = statement(world, rep, &by_rep[rep]);
        let t = Instant::now();
        for _ in 0..RUNS {
            black_box(statement(world, rep, &by_rep[rep]));
        }
        let computed = t.elapsed() / RUNS;
        let mut recomputed = Duration::ZERO;
        for _ in 0..RUNS {
            // The copy is not timed: a real recompute moves the earlier statement in.
            let previous = full.clone();
            let t = Instant::now();
            black_box(recompute_rep(
                world,
                rep,
                &by_rep[rep],
                previous,
                deal.close_date,
            ));
            recomputed += t.elapsed();
        }
        let recomputed = recomputed / RUNS;
        let t = Instant::now();
        for _ in 0..RUNS {
            black_box(full.bookings());
        }
        let booked = t.elapsed() / RUNS;
        let target = Target {
            rep: full.rep,
            period: world.period,
            status: PeriodStatus::Open,
            next_open: world.period.next(),
        };
        let bookings = full.bookings();
        let ledger = reconcile(&target, &[], &bookings).expect("reconcile");
        let t = Instant::now();
        for _ in 0..RUNS {
            black_box(reconcile(&target, &ledger, &bookings).expect("reconcile"));
        }
        eprintln!(
            "rep {rep}: {} credits; statement {computed:?}, from the deal's date {recomputed:?}, \
             bookings {booked:?}, reconcile {:?}",
            by_rep[rep].len(),
            t.elapsed() / RUNS
        );
    }
}

fn benches(c: &mut Criterion) {
    let world = world();
    phases(&world);
    let statements = full_recompute(&world);
    let lines: usize = statements.iter().map(|s| s.lines.len()).sum();
    eprintln!(
        "{} statements, {} lines, total {} USD cents; peak memory so far {:?} MiB",
        statements.len(),
        lines,
        statements.iter().map(|s| s.total).sum::<i64>(),
        peak_memory_mib()
    );
    drop(statements);

    let mut group = c.benchmark_group("recompute");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("full_1000_reps_1m_deals", |b| {
        // Freeing the result is the caller's business, not the recompute's.
        b.iter_with_large_drop(|| full_recompute(&world));
    });

    // The ledger of the rep and managers of one deal, as a first run would have booked it.
    let mut by_rep = credit_all(&world);
    // A split deal, so several reps and their managers are recomputed.
    let mut deal = world
        .deals
        .iter()
        .skip(123_456)
        .find(|d| d.splits.len() >= 2)
        .expect("a split deal")
        .clone();
    let mut ledger: Vec<Vec<LedgerEntry>> = by_rep.iter().map(|_| Vec::new()).collect();
    let mut previous: Vec<Option<Statement>> = by_rep.iter().map(|_| None).collect();
    for rep in by_rep_of(&credit_deal(&deal, &world.hierarchy).expect("deal")) {
        let statement = statement(&world, rep, &by_rep[rep]);
        let target = Target {
            rep: statement.rep,
            period: world.period,
            status: PeriodStatus::Open,
            next_open: world.period.next(),
        };
        ledger[rep] = reconcile(&target, &[], &statement.bookings()).expect("reconcile");
        previous[rep] = Some(statement);
    }
    incremental_phases(&world, &by_rep, &deal);
    let cpu = on_cpu();
    let t = std::time::Instant::now();
    for i in 0..100 {
        let before = deal.clone();
        deal.amount.minor += if i % 2 == 0 { 100_000 } else { -100_000 };
        black_box(incremental(
            &world,
            &mut by_rep,
            &mut previous,
            &ledger,
            &before,
            &deal,
        ));
    }
    eprintln!(
        "incremental, mean of 100 (wall, on-CPU): {:?}, {:?}",
        t.elapsed() / 100,
        cpu_since(cpu) / 100
    );
    let mut toggle = false;
    group.bench_function("incremental_one_deal_changes", |b| {
        b.iter(|| {
            toggle = !toggle;
            let before = deal.clone();
            deal.amount.minor += if toggle { 100_000 } else { -100_000 };
            black_box(incremental(
                &world,
                &mut by_rep,
                &mut previous,
                &ledger,
                &before,
                &deal,
            ))
        });
    });
    group.finish();
    eprintln!("peak memory {:?} MiB", peak_memory_mib());
}

criterion_group!(recompute, benches);
criterion_main!(recompute);
