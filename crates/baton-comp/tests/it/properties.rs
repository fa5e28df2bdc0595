//! Property tests of the engine's invariants.

use crate::{credit, period, plan_with, usd};
use baton_comp::credit::{Hierarchy, credit_deal, no_attributes};
use baton_comp::ledger::{PeriodStatus, Target, net, reconcile};
use baton_comp::statement::{Active, RepPeriod, Statement, compute, recompute_from};
use baton_comp::{Credit, CreditKind, Deal, Plan, Split, SplitKind};
use baton_model::{Currency, DealId, Money, Percent, UserId};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Revenue shares in basis points that add up to 100 %.
fn shares() -> impl Strategy<Value = Vec<i64>> {
    prop::collection::vec(1_i64..10_000, 0..5).prop_map(|mut cuts| {
        cuts.sort_unstable();
        cuts.dedup();
        let mut shares = Vec::new();
        let mut previous = 0;
        for cut in cuts.into_iter().chain([10_000]) {
            shares.push(cut - previous);
            previous = cut;
        }
        shares
    })
}

/// A tier table in TOML with rising rates, and its bounds and rates.
fn rising_tiers() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(1_u32..80, 0..4),
        prop::collection::vec(0_u32..800, 1..5),
    )
        .prop_map(|(widths, rate_steps)| {
            let count = rate_steps.len().min(widths.len() + 1);
            let mut rate = 0_u32;
            let mut from = 0_u32;
            let mut tiers = Vec::new();
            for i in 0..count {
                rate += rate_steps[i];
                let rate_pct = format!("{}.{:02}", rate / 100, rate % 100);
                if i + 1 < count {
                    let to = from + widths[i];
                    tiers.push(format!(
                        "{{ from_pct = {from}, to_pct = {to}, rate_pct = {rate_pct} }}"
                    ));
                    from = to;
                } else {
                    tiers.push(format!("{{ from_pct = {from}, rate_pct = {rate_pct} }}"));
                }
            }
            tiers.join(",\n")
        })
}

fn tiered(method: &str, tiers: &str) -> Plan {
    plan_with(
        "quarter",
        &format!(
            "[[components]]\nid = \"c\"\ntype = \"tiered\"\nmethod = \"{method}\"\ntiers = [\n{tiers}\n]\n"
        ),
    )
}

/// Credits for rep 1 in 2026-Q3: (day offset, whole dollars).
fn credits() -> impl Strategy<Value = Vec<Credit>> {
    prop::collection::vec((0_u64..92, 0_u32..200_000), 0..25).prop_map(|deals| {
        deals
            .into_iter()
            .enumerate()
            .map(|(i, (day, dollars))| {
                let on = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap() + Days::new(day);
                credit(
                    i64::try_from(i).unwrap(),
                    1,
                    &dollars.to_string(),
                    &on.to_string(),
                )
            })
            .collect()
    })
}

fn statement(plan: &Plan, credits: &[Credit], active: Option<Active>) -> Statement {
    compute(
        plan,
        &RepPeriod {
            rep: UserId(1),
            period: period("2026-Q3"),
            quota: usd("100000"),
            active,
            credits,
            clawbacks: &[],
            draw_owed: 0,
        },
    )
    .unwrap()
}

fn exact_total(statement: &Statement) -> Decimal {
    statement.lines.iter().map(|l| l.trace.pay()).sum()
}

fn target(status: PeriodStatus) -> Target {
    Target {
        rep: UserId(1),
        period: period("2026-Q3"),
        status,
        next_open: period("2026-Q4"),
    }
}

proptest! {
    #[test]
    fn revenue_split_credits_add_up_to_the_deal_amount(
        amount in 0_i64..1_000_000_000_000,
        shares in shares(),
    ) {
        let deal = Deal {
            id: DealId(1),
            owner: UserId(1),
            amount: Money { minor: amount, currency: Currency::USD },
            close_date: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
            payment_date: None,
            splits: shares
                .iter()
                .enumerate()
                .map(|(i, bp)| Split {
                    rep: UserId(i64::try_from(i).unwrap() + 10),
                    kind: SplitKind::Revenue,
                    percent: Percent::from_basis_points(*bp).unwrap(),
                })
                .collect(),
            attributes: no_attributes(),
        };
        let credits = credit_deal(&deal, &Hierarchy::new()).unwrap();
        let revenue: Vec<i64> = credits
            .iter()
            .filter(|c| c.kind == CreditKind::Revenue)
            .map(|c| c.amount.minor)
            .collect();
        prop_assert_eq!(revenue.len(), shares.len());
        prop_assert_eq!(revenue.iter().sum::<i64>(), amount);
        // Each part is within one cent of its exact share.
        for (part, bp) in revenue.iter().zip(&shares) {
            let exact = i128::from(amount) * i128::from(*bp);
            prop_assert!((i128::from(*part) * 10_000 - exact).abs() < 10_000);
        }
    }

    #[test]
    fn with_rising_rates_marginal_never_pays_more_than_retroactive(
        tiers in rising_tiers(),
        credits in credits(),
    ) {
        let marginal = statement(&tiered("marginal", &tiers), &credits, None);
        let retroactive = statement(&tiered("retroactive", &tiers), &credits, None);
        prop_assert!(exact_total(&marginal) <= exact_total(&retroactive));
    }

    #[test]
    fn a_retroactive_table_pays_everything_at_the_rate_of_the_tier_reached(
        tiers in rising_tiers(),
        credits in credits(),
    ) {
        let plan = tiered("retroactive", &tiers);
        let statement = statement(&plan, &credits, None);
        let baton_comp::plan::Rule::Rate(table) = &plan.components[0].rule else { unreachable!() };
        let attainment = statement.attainment.unwrap();
        let reached = table.tiers.iter().rev().find(|t| t.from <= attainment).unwrap();
        prop_assert_eq!(exact_total(&statement), statement.credited * reached.rate);
    }

    #[test]
    fn recomputing_unchanged_inputs_appends_nothing(
        tiers in rising_tiers(),
        credits in credits(),
    ) {
        let plan = tiered("retroactive", &tiers);
        let t = target(PeriodStatus::Open);
        let first = reconcile(&t, &[], &statement(&plan, &credits, None).bookings()).unwrap();
        let again = reconcile(&t, &first, &statement(&plan, &credits, None).bookings()).unwrap();
        prop_assert!(again.is_empty());
    }

    #[test]
    fn after_reversal_and_rebook_the_ledger_nets_to_the_fresh_computation(
        tiers in rising_tiers(),
        credits in credits(),
        changed in any::<prop::sample::Index>(),
        new_dollars in 0_u32..300_000,
        frozen in any::<bool>(),
    ) {
        let plan = tiered("marginal", &tiers);
        let first = reconcile(
            &target(PeriodStatus::Open),
            &[],
            &statement(&plan, &credits, None).bookings(),
        )
        .unwrap();
        let mut edited = credits.clone();
        if !edited.is_empty() {
            let i = changed.index(edited.len());
            edited[i].amount = usd(&new_dollars.to_string());
            edited[i].deal_amount = edited[i].amount;
        }
        let fresh = statement(&plan, &edited, None).bookings();
        let status = if frozen { PeriodStatus::Approved } else { PeriodStatus::Open };
        let appended = reconcile(&target(status), &first, &fresh).unwrap();
        prop_assert!(appended.iter().all(|e| (e.posted_in == period("2026-Q4")) == frozen));
        let ledger: Vec<_> = first.into_iter().chain(appended).collect();
        let held: BTreeMap<String, i64> = net(&ledger, UserId(1), period("2026-Q3"))
            .into_iter()
            .filter(|(_, amount)| *amount != 0)
            .map(|((key, _), amount)| (key.to_string(), amount))
            .collect();
        let expected: BTreeMap<String, i64> = fresh
            .into_iter()
            .filter(|b| b.amount != 0)
            .map(|b| (b.key.to_string(), b.amount))
            .collect();
        prop_assert_eq!(held, expected);
        prop_assert!(reconcile(&target(status), &ledger, &statement(&plan, &edited, None).bookings())
            .unwrap()
            .is_empty());
    }

    #[test]
    fn recomputing_from_the_first_changed_date_equals_computing_afresh(
        tiers in rising_tiers(),
        credits in credits(),
        changed in any::<prop::sample::Index>(),
        new_dollars in 0_u32..300_000,
        new_day in 0_u64..92,
        remove in any::<bool>(),
        retroactive in any::<bool>(),
    ) {
        prop_assume!(!credits.is_empty());
        // Gates and caps are applied after the walk, so they must be applied afresh.
        let plan = plan_with(
            "quarter",
            &format!(
                "[caps]\nper_deal = 9000\nper_period = 15000\n\
                 [[components]]\nid = \"c\"\ntype = \"tiered\"\nmethod = \"{}\"\n\
                 gate = {{ below_pct = 60, pay_pct = 50 }}\ntiers = [\n{tiers}\n]\n\
                 [[components]]\nid = \"b\"\ntype = \"bonus\"\nattainment_pct = 80\namount = 999.99\n",
                if retroactive { "retroactive" } else { "marginal" }
            ),
        );
        let previous = statement(&plan, &credits, None);
        let i = changed.index(credits.len());
        let mut edited = credits.clone();
        let old_date = edited[i].close_date;
        let changed_from = if remove {
            edited.remove(i);
            old_date
        } else {
            let new_date = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap() + Days::new(new_day);
            edited[i].amount = usd(&new_dollars.to_string());
            edited[i].deal_amount = edited[i].amount;
            edited[i].close_date = new_date;
            old_date.min(new_date)
        };
        let input = RepPeriod {
            rep: UserId(1),
            period: period("2026-Q3"),
            quota: usd("100000"),
            active: None,
            credits: &edited,
            clawbacks: &[],
            draw_owed: 0,
        };
        prop_assert_eq!(
            recompute_from(&plan, &input, previous, changed_from).unwrap(),
            compute(&plan, &input).unwrap()
        );
    }

    #[test]
    fn proration_over_the_full_period_equals_no_proration(
        tiers in rising_tiers(),
        credits in credits(),
        before in 0_u64..400,
        after in 0_u64..400,
    ) {
        // Every part of a plan that proration touches: quota, gate, bonus, period cap.
        let plan = plan_with(
            "quarter",
            &format!(
                "[caps]\nper_period = 15000\n\
                 [[components]]\nid = \"c\"\ntype = \"tiered\"\n\
                 gate = {{ below_pct = 40, pay_pct = 50 }}\ntiers = [\n{tiers}\n]\n\
                 [[components]]\nid = \"b\"\ntype = \"bonus\"\nattainment_pct = 80\namount = 999.99\n"
            ),
        );
        let covering = Active {
            from: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap() - Days::new(before),
            to: NaiveDate::from_ymd_opt(2026, 9, 30).unwrap() + Days::new(after),
        };
        prop_assert_eq!(
            statement(&plan, &credits, Some(covering)),
            statement(&plan, &credits, None)
        );
    }
}
