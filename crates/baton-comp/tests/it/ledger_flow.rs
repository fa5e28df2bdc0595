//! From statements to the ledger: a changed deal rebooks only its own lines.

use crate::{AE_PLAN, credit, period, plan, usd};
use baton_comp::ledger::{EntryKind, PeriodStatus, Target, reconcile};
use baton_comp::statement::{RepPeriod, Statement, compute};
use baton_comp::{Credit, Plan};
use baton_model::UserId;

fn run(plan: &Plan, credits: &[Credit]) -> Statement {
    compute(
        plan,
        &RepPeriod {
            rep: UserId(1),
            period: period("2026-Q3"),
            quota: usd("500000"),
            active: None,
            credits,
            clawbacks: &[],
            draw_owed: 0,
        },
    )
    .unwrap()
}

fn target(status: PeriodStatus) -> Target {
    Target {
        rep: UserId(1),
        period: period("2026-Q3"),
        status,
        next_open: period("2026-Q4"),
    }
}

#[test]
fn a_changed_deal_amount_rebooks_that_deals_line_and_nothing_else() {
    let plan = plan(AE_PLAN);
    let mut credits = vec![
        credit(1, 1, "100000", "2026-07-10"),
        credit(2, 1, "50000", "2026-07-20"),
        credit(3, 1, "80000", "2026-08-05"),
    ];
    let t = target(PeriodStatus::Open);
    let ledger = reconcile(&t, &[], &run(&plan, &credits).bookings()).unwrap();
    assert_eq!(ledger.len(), 3);
    assert!(ledger.iter().all(|e| e.kind == EntryKind::Booking));

    credits[2].amount = usd("90000");
    credits[2].deal_amount = credits[2].amount;
    let appended = reconcile(&t, &ledger, &run(&plan, &credits).bookings()).unwrap();
    let summary: Vec<(String, EntryKind, i64)> = appended
        .iter()
        .map(|e| (e.key.to_string(), e.kind, e.amount))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "new-arr/commission/3/revenue".to_owned(),
                EntryKind::Reversal,
                -800_000
            ),
            (
                "new-arr/commission/3/revenue".to_owned(),
                EntryKind::Rebook,
                900_000
            ),
        ]
    );
}

#[test]
fn after_approval_a_late_change_is_an_adjustment_carried_by_the_next_quarter() {
    let plan = plan(AE_PLAN);
    let mut credits = vec![credit(1, 1, "200000", "2026-07-10")];
    let ledger = reconcile(
        &target(PeriodStatus::Open),
        &[],
        &run(&plan, &credits).bookings(),
    )
    .unwrap();
    credits[0].amount = usd("150000");
    credits[0].deal_amount = credits[0].amount;
    let appended = reconcile(
        &target(PeriodStatus::Paid),
        &ledger,
        &run(&plan, &credits).bookings(),
    )
    .unwrap();
    assert_eq!(appended.len(), 1);
    assert_eq!(appended[0].kind, EntryKind::Adjustment);
    assert_eq!(appended[0].amount, -500_000);
    assert_eq!(appended[0].period, period("2026-Q3"));
    assert_eq!(appended[0].posted_in, period("2026-Q4"));
    // The booked entry of the paid quarter is untouched: the ledger only grew.
    assert_eq!(ledger[0].amount, 2_000_000);
}
