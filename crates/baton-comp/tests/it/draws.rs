//! Draws: a guaranteed minimum per period, and the recovery of recoverable draws from later
//! earnings without taking pay below the guarantee.

use crate::{credit, dollars, period, plan_with, usd};
use baton_comp::statement::{LineKind, RepPeriod, Statement, compute};
use baton_comp::{Credit, Plan, PlanError};
use baton_model::UserId;

/// A plan paying a flat 10 % on monthly credits, with the given `[draw]` table.
fn plan_with_draw(draw: &str) -> Plan {
    plan_with(
        "month",
        &format!(
            "[[components]]\nid = \"commission\"\ntype = \"flat\"\nrate_pct = 10\n\n[draw]\n{draw}"
        ),
    )
}

/// One month's statement for a rep who earned `earned` dollars (a credit of ten times that)
/// and owed `owed` cents of draws at the start of it.
fn month(plan: &Plan, month: &str, earned: i64, owed: i64) -> Statement {
    let credits: Vec<Credit> = (earned > 0)
        .then(|| credit(1, 1, &(earned * 10).to_string(), &format!("{month}-15")))
        .into_iter()
        .collect();
    compute(
        plan,
        &RepPeriod {
            rep: UserId(1),
            period: period(month),
            quota: usd("0"),
            active: None,
            credits: &credits,
            clawbacks: &[],
            draw_owed: owed,
        },
    )
    .unwrap()
}

fn draw_line(statement: &Statement) -> Option<(LineKind, i64)> {
    statement
        .lines
        .iter()
        .find(|l| matches!(l.kind, LineKind::Draw | LineKind::Recovery))
        .map(|l| (l.kind, l.amount))
}

/// Oracle Incentive Compensation, "Example of Incentive Compensation Draw and Recovery"
/// <https://docs.oracle.com/en/cloud/saas/sales/facmi/example-of-incentive-compensation-draw-and-recovery.html>:
/// a draw of 1,000 USD per period that stops at the end of the sixth period; recovery of 100 %
/// of earnings above the minimum, starting in the fourth period, never bringing the payment
/// below 1,000 USD while the draw is in effect; beginning balance 0.
///
/// Periods 1–3 are the page's published rows, number for number: earnings 500, 700, 400; draw
/// adjustments 500, 300, 600; paid 1,000 each; ending balance due 500, 800, 1,400.
///
/// The text of the page available here stops after the third row, so the earnings of periods
/// 4–6 (and a seventh, after the draw has ended) are ours, and their amounts follow from the
/// page's stated rules rather than from its table: 1,500 earned recovers 500 (paid 1,000,
/// balance 900); 2,500 recovers the remaining 900 (paid 1,600, balance 0); 800 draws 200 again
/// (paid 1,000, balance 200); in period 7 the draw has ended, so 300 earned recovers the 200
/// left (paid 100).
#[test]
fn oracle_draw_and_recovery_over_six_periods_never_pays_below_the_guarantee() {
    let plan = plan_with_draw(
        "amount = 1000\nrecoverable = true\nperiods = 6\nrecovery_starts_period = 4\n\
         recovery_pct = 100\n",
    );
    // (month, earnings, draw or recovery, paid, ending balance), in dollars.
    let rows = [
        ("2015-01", 500, Some((LineKind::Draw, 500)), 1_000, 500),
        ("2015-02", 700, Some((LineKind::Draw, 300)), 1_000, 800),
        ("2015-03", 400, Some((LineKind::Draw, 600)), 1_000, 1_400),
        (
            "2015-04",
            1_500,
            Some((LineKind::Recovery, -500)),
            1_000,
            900,
        ),
        ("2015-05", 2_500, Some((LineKind::Recovery, -900)), 1_600, 0),
        ("2015-06", 800, Some((LineKind::Draw, 200)), 1_000, 200),
        ("2015-07", 300, Some((LineKind::Recovery, -200)), 100, 0),
    ];
    let mut owed = 0;
    for (month_text, earned, adjustment, paid, balance) in rows {
        let statement = month(&plan, month_text, earned, owed);
        assert_eq!(
            draw_line(&statement),
            adjustment.map(|(kind, dollars)| (kind, dollars * 100)),
            "{month_text}"
        );
        assert_eq!(statement.total, paid * 100, "{month_text}");
        assert_eq!(statement.draw_owed, balance * 100, "{month_text}");
        owed = statement.draw_owed;
    }
}

#[test]
fn a_draw_line_explains_the_guarantee_and_the_balance_owed() {
    let plan = plan_with_draw("amount = 1000\nrecoverable = true\n");
    let first = month(&plan, "2015-01", 500, 0);
    let line = first.lines.last().unwrap();
    assert_eq!(
        line.explain(),
        "guarantee $1,000 − earned $500 = draw $500 (recoverable: owed $0 + $500 = $500)"
    );
    assert_eq!(line.key().to_string(), "draw/draw");
    let second = month(&plan, "2015-02", 1_300, first.draw_owed);
    assert_eq!(
        second.lines.last().unwrap().explain(),
        "recovery of draws: owed $500; earned $1,300 above the guarantee $1,000: $300 × 100 % \
         = $300, recovered $300, owed $500 − $300 = $200"
    );
}

#[test]
fn a_non_recoverable_draw_tops_up_the_period_and_is_never_owed_back() {
    let plan = plan_with_draw("amount = 1000\nrecoverable = false\n");
    let short = month(&plan, "2015-01", 250, 0);
    assert_eq!(draw_line(&short), Some((LineKind::Draw, 75_000)));
    assert_eq!(short.draw_owed, 0);
    let good = month(&plan, "2015-02", 5_000, short.draw_owed);
    assert_eq!(draw_line(&good), None);
    assert_eq!(good.total, 500_000);
}

#[test]
fn recovery_at_half_rate_takes_half_of_what_exceeds_the_guarantee() {
    let plan = plan_with_draw("amount = 1000\nrecoverable = true\nrecovery_pct = 50\n");
    let statement = month(&plan, "2015-02", 1_600, 100_000);
    assert_eq!(draw_line(&statement), Some((LineKind::Recovery, -30_000)));
    assert_eq!(statement.total, 130_000);
    assert_eq!(statement.draw_owed, 70_000);
}

#[test]
fn recovery_waits_for_its_starting_period() {
    let plan = plan_with_draw("amount = 1000\nrecoverable = true\nrecovery_starts_period = 3\n");
    let second = month(&plan, "2015-02", 3_000, 50_000);
    assert_eq!(draw_line(&second), None);
    assert_eq!(second.draw_owed, 50_000);
    let third = month(&plan, "2015-03", 3_000, 50_000);
    assert_eq!(draw_line(&third), Some((LineKind::Recovery, -50_000)));
}

fn draw_errors(draw: &str) -> Vec<PlanError> {
    let source = format!(
        "id = \"p\"\nname = \"P\"\nversion = 1\neffective_from = 2026-01-01\ncurrency = \"USD\"\n\
         [quota]\nperiod = \"month\"\n[[components]]\nid = \"c\"\ntype = \"flat\"\nrate_pct = 5\n\
         [draw]\n{draw}"
    );
    Plan::from_toml(&source).unwrap_err().0
}

#[test]
fn draw_settings_are_checked_with_their_line_and_field() {
    let errors = draw_errors("amount = 0\nrecoverable = true\nperiods = 0\n");
    let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
    assert_eq!(found, vec![(13, "draw.amount"), (15, "draw.periods")]);
    let errors = draw_errors("amount = 500\nrecoverable = false\nrecovery_pct = 50\n");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "draw.recovery_pct");
    assert!(
        errors[0].message.contains("non-recoverable"),
        "{}",
        errors[0]
    );
    let errors = draw_errors("amount = 500\n");
    assert!(errors[0].message.contains("recoverable"), "{}", errors[0]);
}

#[test]
fn a_plan_without_a_draw_pays_no_draw_and_carries_what_is_owed_unchanged() {
    let plan = plan_with(
        "month",
        "[[components]]\nid = \"c\"\ntype = \"flat\"\nrate_pct = 10\n",
    );
    assert!(plan.draw.is_none());
    let statement = month(&plan, "2015-01", 100, 12_345);
    assert_eq!(draw_line(&statement), None);
    assert_eq!(statement.draw_owed, 12_345);
    assert_eq!(dollars(statement.total), dollars(10_000));
}
