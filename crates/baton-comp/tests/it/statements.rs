//! Statements: the attainment walk, tiers, gates, caps, SPIFs, bonuses, proration, and the
//! trace every line carries.

use crate::{AE_PLAN, credit, date, dec, dollars, period, plan, plan_with, usd};
use baton_comp::statement::{Active, CompError, LineKind, RepPeriod, Statement, compute};
use baton_comp::{Credit, CreditKind, Plan};
use baton_model::{Currency, Money, Percent, UserId};
use std::sync::Arc;

const MARGINAL: &str = r#"
[[components]]
id = "arr"
type = "tiered"
tiers = [
  { from_pct = 0,   to_pct = 100, rate_pct = 10 },
  { from_pct = 100, to_pct = 150, rate_pct = 12 },
  { from_pct = 150,               rate_pct = 15 },
]
"#;

fn run(plan: &Plan, quota: &str, credits: &[Credit]) -> Statement {
    run_for(plan, quota, credits, None)
}

fn run_for(plan: &Plan, quota: &str, credits: &[Credit], active: Option<Active>) -> Statement {
    compute(
        plan,
        &RepPeriod {
            rep: UserId(1),
            period: period("2026-Q3"),
            quota: usd(quota),
            active,
            credits,
            clawbacks: &[],
            draw_owed: 0,
        },
    )
    .unwrap()
}

fn split(mut c: Credit, share: f64) -> Credit {
    c.share = Percent::from_number(share).unwrap();
    c.amount.minor = c.deal_amount.minor * c.share.basis_points() / 10_000;
    c
}

#[test]
fn a_line_explains_split_attainment_tier_and_rate_with_real_numbers() {
    let plan = plan_with("quarter", MARGINAL);
    let credits = [
        credit(1, 1, "500000", "2026-07-10"),
        split(credit(17, 1, "120000", "2026-08-14"), 50.0),
    ];
    let statement = run(&plan, "500000", &credits);
    assert_eq!(statement.lines.len(), 2);
    assert_eq!(
        statement.lines[1].explain(),
        "deal 17: $120,000 × 50 % revenue split = $60,000 credit; attainment after this deal \
         112 % of $500,000 → tier 100–150 %, 12 % marginal: $60,000 × 12 % = $7,200"
    );
    assert_eq!(statement.lines[1].amount, 720_000);
    assert_eq!(statement.total, 5_000_000 + 720_000);
    assert_eq!(statement.attainment, Some(dec("112")));
}

#[test]
fn a_deal_that_crosses_quota_is_paid_in_both_bands_and_says_so() {
    let plan = plan_with("quarter", MARGINAL);
    let credits = [
        credit(1, 1, "80000", "2026-07-10"),
        credit(2, 1, "60000", "2026-08-01"),
    ];
    let statement = run(&plan, "100000", &credits);
    assert_eq!(
        statement.lines[1].explain(),
        "deal 2: $60,000 × 100 % revenue split = $60,000 credit; attainment after this deal \
         140 % of $100,000 → tier 0–100 %, 10 % marginal on $20,000, tier 100–150 %, 12 % \
         marginal on $40,000: $20,000 × 10 % + $40,000 × 12 % = $6,800"
    );
}

#[test]
fn lines_follow_credit_dates_whatever_order_the_credits_came_in() {
    let plan = plan_with("quarter", MARGINAL);
    let credits = [
        credit(2, 1, "60000", "2026-08-01"),
        credit(1, 1, "80000", "2026-07-10"),
    ];
    let statement = run(&plan, "100000", &credits);
    let deals: Vec<i64> = statement
        .lines
        .iter()
        .map(|l| l.deal().unwrap().0)
        .collect();
    assert_eq!(deals, vec![1, 2]);
    assert_eq!(statement.total, 800_000 + 680_000);
}

#[test]
fn lines_follow_date_then_deal_order_whatever_the_deal_ids() {
    let plan = plan_with("quarter", MARGINAL);
    // Ids that a packed sort key cannot hold (negative, or beyond 2^52) next to ordinary ones.
    let credits = [
        credit(1 << 60, 1, "100", "2026-08-01"),
        credit(7, 1, "100", "2026-08-01"),
        credit(-5, 1, "100", "2026-08-01"),
        credit(3, 1, "100", "2026-07-10"),
        credit(9, 1, "100", "2026-07-10"),
    ];
    let statement = run(&plan, "100000", &credits);
    let deals: Vec<i64> = statement
        .lines
        .iter()
        .map(|l| l.deal().unwrap().0)
        .collect();
    assert_eq!(deals, vec![3, 9, -5, 7, 1 << 60]);
    let ordinary = [
        credit(9, 1, "100", "2026-08-01"),
        credit(3, 1, "100", "2026-08-01"),
        credit(5, 1, "100", "2026-07-10"),
    ];
    let deals: Vec<i64> = run(&plan, "100000", &ordinary)
        .lines
        .iter()
        .map(|l| l.deal().unwrap().0)
        .collect();
    assert_eq!(deals, vec![5, 3, 9]);
}

#[test]
fn reaching_a_retroactive_tier_adds_a_true_up_for_earlier_deals() {
    let plan = plan_with(
        "quarter",
        r#"
[[components]]
id = "arr"
type = "tiered"
method = "retroactive"
tiers = [
  { from_pct = 0,   to_pct = 100, rate_pct = 10 },
  { from_pct = 100,               rate_pct = 12 },
]
"#,
    );
    let credits = [
        credit(1, 1, "80000", "2026-07-10"),
        credit(2, 1, "60000", "2026-08-01"),
    ];
    let statement = run(&plan, "100000", &credits);
    let kinds: Vec<LineKind> = statement.lines.iter().map(|l| l.kind).collect();
    assert_eq!(
        kinds,
        vec![
            LineKind::Commission,
            LineKind::TrueUp { tier: 1 },
            LineKind::Commission
        ]
    );
    assert_eq!(
        statement.lines[1].explain(),
        "deal 2 reached tier 100 %+, which is retroactive: earlier credits re-rated: $80,000 \
         in tier 0–100 % × (12 % − 10 %) = $1,600"
    );
    // Everything ends up at the reached tier's rate: $140,000 × 12 %.
    assert_eq!(dollars(statement.total), dec("16800"));
}

#[test]
fn below_the_gate_at_period_end_only_the_gated_share_is_paid() {
    let statement = run(
        &plan(AE_PLAN),
        "100000",
        &[credit(1, 1, "20000", "2026-07-10")],
    );
    let line = &statement.lines[0];
    assert_eq!(dollars(line.amount), dec("1000"));
    assert!(
        line.explain()
            .ends_with("; gate: attainment 20 % is below 25 % → $2,000 × 50 % paid = $1,000"),
        "{}",
        line.explain()
    );
    let above = run(
        &plan(AE_PLAN),
        "100000",
        &[credit(1, 1, "30000", "2026-07-10")],
    );
    assert_eq!(dollars(above.lines[0].amount), dec("3000"));
}

#[test]
fn the_per_deal_cap_holds_back_what_one_deal_earns_beyond_it() {
    // $300,000 on a $100,000 quota: 10,000 + 6,000 + 22,500 = $38,500, capped at $25,000.
    let statement = run(
        &plan(AE_PLAN),
        "100000",
        &[credit(1, 1, "300000", "2026-07-10")],
    );
    let commission = &statement.lines[0];
    assert_eq!(dollars(commission.amount), dec("25000"));
    assert!(commission.explain().contains(
        "per-deal cap $25,000: $0 already paid on this deal, so $25,000 of $38,500 is paid"
    ));
    // The quota club bonus is not about one deal, so only the period cap applies to it.
    assert_eq!(statement.lines[1].kind, LineKind::Bonus);
    assert_eq!(dollars(statement.lines[1].amount), dec("2500"));
}

#[test]
fn the_period_cap_stops_pay_once_reached_and_later_lines_pay_nothing() {
    let credits: Vec<Credit> = (1..=6)
        .map(|i| credit(i, 1, "200000", &format!("2026-07-{:02}", i + 1)))
        .collect();
    let statement = run(&plan(AE_PLAN), "100000", &credits);
    assert_eq!(dollars(statement.total), dec("120000"));
    let last = statement.lines.last().unwrap();
    assert_eq!(last.amount, 0);
    assert!(last.explain().contains("period cap $120,000"));
}

#[test]
fn a_spif_pays_qualifying_deals_times_the_reps_share() {
    let mut platform = split(credit(5, 1, "40000", "2026-07-10"), 50.0);
    platform.attributes = Some(Arc::new(
        [("product".to_owned(), "Platform".to_owned())].into(),
    ));
    let mut small = credit(6, 1, "10000", "2026-07-11");
    small.attributes.clone_from(&platform.attributes);
    let other = credit(7, 1, "40000", "2026-07-12");
    let statement = run(&plan(AE_PLAN), "100000", &[platform, small, other]);
    let spifs: Vec<_> = statement
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::Spif)
        .collect();
    assert_eq!(spifs.len(), 1);
    assert_eq!(dollars(spifs[0].amount), dec("250"));
    assert_eq!(
        spifs[0].explain(),
        "deal 5: $40,000 × 50 % revenue split = $20,000 credit; spif when product = Platform \
         and deal ≥ 20,000: $500 × 50 % share = $250"
    );
}

#[test]
fn the_bonus_is_paid_once_when_attainment_reaches_its_threshold() {
    let plan = plan(AE_PLAN);
    let below = run(&plan, "100000", &[credit(1, 1, "99999.99", "2026-07-10")]);
    assert!(below.lines.iter().all(|l| l.kind != LineKind::Bonus));
    let at = run(
        &plan,
        "100000",
        &[
            credit(1, 1, "50000", "2026-07-10"),
            credit(2, 1, "50000", "2026-07-11"),
        ],
    );
    let bonuses: Vec<_> = at
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::Bonus)
        .collect();
    assert_eq!(bonuses.len(), 1);
    assert_eq!(
        bonuses[0].explain(),
        "attainment 100 % ≥ 100 % → bonus $2,500"
    );
}

#[test]
fn a_rep_who_joins_mid_quarter_has_a_prorated_quota_and_bonus_and_no_earlier_credits() {
    // Q3 2026 has 92 days; joining on 16 August leaves 46.
    let joined = Active {
        from: date("2026-08-16"),
        to: date("2026-12-31"),
    };
    let credits = [
        credit(1, 1, "30000", "2026-08-01"),
        credit(2, 1, "50000", "2026-08-20"),
    ];
    let statement = run_for(&plan(AE_PLAN), "100000", &credits, Some(joined));
    let proration = statement.proration.unwrap();
    assert_eq!((proration.active_days, proration.period_days), (46, 92));
    assert_eq!(statement.quota, dec("50000"));
    assert_eq!(statement.credited, dec("50000"));
    assert_eq!(statement.attainment, Some(dec("100")));
    let bonus = statement
        .lines
        .iter()
        .find(|l| l.kind == LineKind::Bonus)
        .unwrap();
    assert_eq!(dollars(bonus.amount), dec("1250"));
    assert!(
        bonus
            .explain()
            .ends_with("bonus $2,500 × 50 % prorated = $1,250")
    );
}

#[test]
fn under_the_payment_date_rule_unpaid_deals_wait_and_paid_ones_count_when_paid() {
    let plan = plan(&AE_PLAN.replace(
        "credit_date = \"close_date\"",
        "credit_date = \"payment_date\"",
    ));
    let unpaid = credit(1, 1, "50000", "2026-07-10");
    let mut paid_later = credit(2, 1, "50000", "2026-06-20");
    paid_later.payment_date = Some(date("2026-07-05"));
    let mut closed_now_paid_later = credit(3, 1, "50000", "2026-09-01");
    closed_now_paid_later.payment_date = Some(date("2026-10-02"));
    let statement = run(
        &plan,
        "100000",
        &[unpaid, paid_later, closed_now_paid_later],
    );
    let deals: Vec<i64> = statement
        .lines
        .iter()
        .filter_map(baton_comp::Line::deal)
        .map(|d| d.0)
        .collect();
    assert_eq!(deals, vec![2]);
}

#[test]
fn roll_up_credits_count_toward_attainment_but_pay_only_where_the_plan_says() {
    let mut rolled = credit(1, 1, "100000", "2026-07-10");
    rolled.kind = CreditKind::RollUp;
    let own = credit(2, 1, "50000", "2026-07-11");
    let statement = run(&plan(AE_PLAN), "100000", &[rolled, own]);
    let commission: Vec<_> = statement
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::Commission)
        .collect();
    assert_eq!(commission.len(), 1);
    assert_eq!(commission[0].deal().unwrap().0, 2);
    // The own deal lands above quota because the roll-up filled the first band.
    assert_eq!(dollars(commission[0].amount), dec("6000"));
}

#[test]
fn each_line_is_rounded_half_even_to_the_cent_and_the_trace_says_so() {
    let plan = plan_with(
        "quarter",
        "[[components]]\nid = \"flat\"\ntype = \"flat\"\nrate_pct = 12.5\n",
    );
    let statement = run(
        &plan,
        "1",
        &[
            credit(1, 1, "1.00", "2026-07-10"),
            credit(2, 1, "1.16", "2026-07-11"),
        ],
    );
    assert_eq!(statement.lines[0].amount, 12);
    assert_eq!(
        statement.lines[0].explain(),
        "deal 1: $1 × 100 % revenue split = $1 credit; flat 12.5 %: $1 × 12.5 % = $0.125; \
         rounded half-even to $0.12"
    );
    assert_eq!(statement.lines[1].amount, 14); // 0.145 → 0.14
}

#[test]
fn a_period_of_the_wrong_kind_is_refused() {
    let error = compute(
        &plan(AE_PLAN),
        &RepPeriod {
            rep: UserId(1),
            period: period("2026-07"),
            quota: usd("1000"),
            active: None,
            credits: &[],
            clawbacks: &[],
            draw_owed: 0,
        },
    )
    .unwrap_err();
    assert!(matches!(error, CompError::WrongPeriodKind { .. }));
}

#[test]
fn credits_in_another_currency_are_refused_naming_the_deal() {
    let mut euro = credit(9, 1, "100", "2026-07-10");
    euro.amount.currency = "EUR".parse().unwrap();
    let error = compute(
        &plan(AE_PLAN),
        &RepPeriod {
            rep: UserId(1),
            period: period("2026-Q3"),
            quota: usd("1000"),
            active: None,
            credits: &[euro],
            clawbacks: &[],
            draw_owed: 0,
        },
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "deal 9 is in EUR, but plan ae-2026 pays in USD"
    );
}

#[test]
fn an_attainment_plan_without_a_quota_is_refused() {
    let error = compute(
        &plan(AE_PLAN),
        &RepPeriod {
            rep: UserId(1),
            period: period("2026-Q3"),
            quota: Money {
                minor: 0,
                currency: Currency::USD,
            },
            active: None,
            credits: &[],
            clawbacks: &[],
            draw_owed: 0,
        },
    )
    .unwrap_err();
    assert!(matches!(error, CompError::NoQuota { .. }));
}

#[test]
fn a_plan_is_not_applied_outside_its_effective_dates() {
    let error = compute(
        &plan(AE_PLAN),
        &RepPeriod {
            rep: UserId(1),
            period: period("2027-Q1"),
            quota: usd("1000"),
            active: None,
            credits: &[],
            clawbacks: &[],
            draw_owed: 0,
        },
    )
    .unwrap_err();
    assert!(matches!(error, CompError::PlanNotInEffect { .. }));
}
