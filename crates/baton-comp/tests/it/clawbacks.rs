//! Clawbacks: a refunded or churned deal takes back what was paid for it, at the rate paid then.

use crate::{credit, dollars, period, plan};
use baton_comp::clawback::{Clawback, ClawbackReason};
use baton_comp::statement::{LineKind, RepPeriod, Statement, compute};
use baton_comp::{Credit, CreditKind, Plan, PlanError};
use baton_model::{DealId, Money, UserId};
use rust_decimal::Decimal;

/// A monthly flat-rate plan at `rate` percent, taking back deals refunded or churned within 90
/// days.
fn monthly(version: u32, rate: u32) -> Plan {
    plan(&format!(
        "id = \"ae\"\nname = \"AE\"\nversion = {version}\neffective_from = 2026-01-01\n\
         currency = \"USD\"\n[quota]\nperiod = \"month\"\n[clawback]\nwithin_days = 90\n\
         [[components]]\nid = \"commission\"\ntype = \"flat\"\nrate_pct = {rate}\n"
    ))
}

fn month(plan: &Plan, month: &str, credits: &[Credit], clawbacks: &[Clawback]) -> Statement {
    compute(
        plan,
        &RepPeriod {
            rep: UserId(1),
            period: period(month),
            quota: Money::parse_major("10000", baton_model::Currency::USD).unwrap(),
            active: None,
            credits,
            clawbacks,
            draw_owed: 0,
        },
    )
    .unwrap()
}

/// The clawback of `deal` as the store would build it from the statement that paid it.
fn clawback_of(paid_in: &Statement, deal: i64, on: &str, reversed: &str) -> Clawback {
    let line = paid_in
        .lines
        .iter()
        .find(|l| l.deal() == Some(DealId(deal)))
        .unwrap();
    Clawback {
        rep: UserId(1),
        deal: DealId(deal),
        kind: CreditKind::Revenue,
        reason: ClawbackReason::Refund,
        credited_on: line.date.unwrap(),
        on: crate::date(on),
        deal_amount: line.trace.credit.unwrap().deal_amount,
        reversed: crate::usd(reversed),
        paid: paid_in.paid_on(DealId(deal), CreditKind::Revenue).unwrap(),
    }
}

fn clawback_lines(statement: &Statement) -> Vec<Decimal> {
    statement
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::Clawback)
        .map(|l| dollars(l.amount))
        .collect()
}

/// Salesforce Spiff, "Create a Clawback Rule in Salesforce Spiff"
/// <https://help.salesforce.com/s/articleView?id=sales.spiff_clawback.htm&language=en_US&type=5>:
/// "a rep closes a deal in June and receives a $500 commission payout. In August, the deal is
/// canceled … The reclaimed amount is the same amount that was paid, and the amount towards
/// quota attainment isn't deducted from total attainment." The page gives the $500; the deal
/// amount ($5,000 at 10 %) and the August rate (12 %, a new plan version) are ours, to show that
/// the current rate does not apply.
#[test]
fn spiff_a_deal_canceled_in_august_takes_back_the_500_paid_in_june_not_the_current_rate() {
    let june_plan = monthly(1, 10);
    let june = month(
        &june_plan,
        "2026-06",
        &[credit(7, 1, "5000", "2026-06-20")],
        &[],
    );
    assert_eq!(dollars(june.total), Decimal::from(500));

    let august_plan = monthly(2, 12);
    let clawback = clawback_of(&june, 7, "2026-08-10", "5000");
    let august_credits = [credit(8, 1, "1000", "2026-08-03")];
    let august = month(&august_plan, "2026-08", &august_credits, &[clawback]);
    assert_eq!(clawback_lines(&august), vec![Decimal::from(-500)]);
    // $1,000 at 12 % earned in August, less the $500 taken back.
    assert_eq!(dollars(august.total), Decimal::from(-380));
    // Attainment still counts only August's own credit: the canceled deal is not deducted.
    assert_eq!(august.attainment, Some(Decimal::from(10)));
    let line = august
        .lines
        .iter()
        .find(|l| l.kind == LineKind::Clawback)
        .unwrap();
    assert_eq!(line.key().to_string(), "clawback/clawback/7/revenue");
    assert_eq!(
        line.explain(),
        "deal 7: $5,000 × 100 % revenue split = $5,000 credit; refunded on 2026-08-10, 51 days \
         after its credit date 2026-06-20 (clawback within 90 days): $5,000 × 100 % share = \
         $5,000 reversed × 10 % rate originally paid ($500 paid) = −$500"
    );
}

#[test]
fn a_partial_refund_takes_back_the_same_fraction_of_what_was_paid() {
    let plan = monthly(1, 10);
    let june = month(&plan, "2026-06", &[credit(7, 1, "5000", "2026-06-20")], &[]);
    let clawback = clawback_of(&june, 7, "2026-07-01", "1250");
    let july = month(&plan, "2026-07", &[], &[clawback]);
    assert_eq!(clawback_lines(&july), vec![Decimal::from(-125)]);
}

#[test]
fn a_refund_after_the_window_takes_nothing_back() {
    let plan = monthly(1, 10);
    let june = month(&plan, "2026-06", &[credit(7, 1, "5000", "2026-06-20")], &[]);
    // 20 June + 91 days = 19 September.
    let clawback = clawback_of(&june, 7, "2026-09-19", "5000");
    let september = month(&plan, "2026-09", &[], &[clawback]);
    assert!(clawback_lines(&september).is_empty());
    let clawback = clawback_of(&june, 7, "2026-09-18", "5000");
    let september = month(&plan, "2026-09", &[], &[clawback]);
    assert_eq!(clawback_lines(&september), vec![Decimal::from(-500)]);
}

#[test]
fn a_plan_without_a_clawback_window_takes_nothing_back() {
    let plan = crate::plan_with(
        "month",
        "[[components]]\nid = \"c\"\ntype = \"flat\"\nrate_pct = 10\n",
    );
    let paid_plan = monthly(1, 10);
    let june = month(
        &paid_plan,
        "2026-06",
        &[credit(7, 1, "5000", "2026-06-20")],
        &[],
    );
    let clawback = clawback_of(&june, 7, "2026-07-01", "5000");
    let july = month(&plan, "2026-07", &[], &[clawback]);
    assert!(clawback_lines(&july).is_empty());
}

#[test]
fn the_clawback_window_must_be_a_whole_number_of_days_and_its_id_is_reserved() {
    let source = "id = \"p\"\nname = \"P\"\nversion = 1\neffective_from = 2026-01-01\n\
                  currency = \"USD\"\n[quota]\nperiod = \"month\"\n[clawback]\nwithin_days = 0\n\
                  [[components]]\nid = \"clawback\"\ntype = \"flat\"\nrate_pct = 5\n";
    let errors: Vec<PlanError> = Plan::from_toml(source).unwrap_err().0;
    let fields: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
    assert_eq!(
        fields,
        vec![(9, "clawback.within_days"), (11, "components[0].id")]
    );
}
