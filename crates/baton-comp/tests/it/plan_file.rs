//! Plan files: what finance writes, and the errors that point at the line and field to fix.

use crate::{AE_PLAN, dec, plan};
use baton_comp::plan::{CreditDateRule, Measure, Rule, SpifPay, version_on};
use baton_comp::{CreditKind, Plan, PlanError, Rounding};
use baton_model::PeriodKind;

fn errors_of(source: &str) -> Vec<PlanError> {
    match Plan::from_toml(source) {
        Ok(_) => panic!("plan should be rejected"),
        Err(errors) => errors.0,
    }
}

/// The 1-based line of the first line containing `needle`.
fn line_of(source: &str, needle: &str) -> usize {
    source
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in source"))
        + 1
}

#[test]
fn the_sample_plan_reads_into_components_tiers_gates_and_caps() {
    let plan = plan(AE_PLAN);
    assert_eq!((plan.id.as_str(), plan.version), ("ae-2026", 2));
    assert_eq!(plan.currency.code(), "USD");
    assert_eq!(plan.quota_period, PeriodKind::Quarter);
    assert_eq!(plan.credit_date, CreditDateRule::CloseDate);
    assert_eq!(plan.rounding, Rounding::HalfEven);
    assert_eq!(plan.cap_per_deal, Some(dec("25000")));
    assert_eq!(plan.components.len(), 3);
    let Rule::Rate(table) = &plan.components[0].rule else {
        panic!("first component is a rate")
    };
    assert_eq!(table.measure, Measure::Attainment);
    assert_eq!(table.tiers.len(), 3);
    assert_eq!(table.tiers[1].rate, dec("0.12"));
    assert_eq!(table.tiers[2].to, None);
    assert!(table.tiers.iter().all(|t| !t.retroactive));
    assert_eq!(table.gate.unwrap().pay, dec("0.5"));
    assert_eq!(
        plan.components[0].credit_kinds,
        vec![CreditKind::Revenue, CreditKind::Overlay]
    );
    let Rule::Spif(spif) = &plan.components[1].rule else {
        panic!("second component is a spif")
    };
    assert_eq!(spif.pays, SpifPay::Fixed(dec("500")));
    assert_eq!(
        spif.condition.attribute,
        Some(("product".to_owned(), "Platform".to_owned()))
    );
    assert!(matches!(plan.components[2].rule, Rule::Bonus(_)));
}

#[test]
fn overlapping_tiers_are_rejected_at_the_line_and_field_of_the_second_tier() {
    let source = AE_PLAN.replace(
        "{ from_pct = 100, to_pct = 150",
        "{ from_pct = 90, to_pct = 150",
    );
    let errors = errors_of(&source);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "components[0].tiers[1].from_pct");
    assert_eq!(errors[0].line, line_of(&source, "from_pct = 90"));
    assert_eq!(errors[0].column, 16);
    assert!(
        errors[0].message.contains("overlap"),
        "{}",
        errors[0].message
    );
    assert!(
        errors[0].message.contains("ends at 100 %"),
        "{}",
        errors[0].message
    );
}

#[test]
fn a_gap_between_tiers_is_rejected() {
    let source = AE_PLAN.replace("{ from_pct = 150, ", "{ from_pct = 160, ");
    let errors = errors_of(&source);
    assert_eq!(errors[0].field, "components[0].tiers[2].from_pct");
    assert_eq!(errors[0].line, line_of(&source, "from_pct = 160"));
    assert!(
        errors[0].message.starts_with("gap"),
        "{}",
        errors[0].message
    );
}

#[test]
fn a_rate_above_100_percent_is_out_of_range() {
    let source = AE_PLAN.replace("rate_pct = 15 }", "rate_pct = 150 }");
    let errors = errors_of(&source);
    assert_eq!(errors[0].field, "components[0].tiers[2].rate_pct");
    assert_eq!(errors[0].line, line_of(&source, "rate_pct = 150"));
    assert!(errors[0].message.contains("out of range"));
    let negative = errors_of(&AE_PLAN.replace("rate_pct = 10 }", "rate_pct = -1 }"));
    assert_eq!(negative[0].field, "components[0].tiers[0].rate_pct");
}

#[test]
fn an_unknown_currency_is_rejected_with_its_line() {
    let source = AE_PLAN.replace("currency = \"USD\"", "currency = \"USX\"");
    let errors = errors_of(&source);
    assert_eq!(errors[0].field, "currency");
    assert_eq!(errors[0].line, line_of(&source, "USX"));
    assert_eq!(
        errors[0].to_string(),
        format!(
            "line {}, column 12: currency: unknown currency \"USX\": expected an ISO 4217 code \
             such as USD or EUR",
            line_of(&source, "USX")
        )
    );
}

#[test]
fn a_value_of_the_wrong_type_names_its_path_and_line() {
    let source = AE_PLAN.replace("rate_pct = 12 }", "rate_pct = true }");
    let errors = errors_of(&source);
    assert_eq!(errors[0].field, "components[0].tiers[1].rate_pct");
    assert_eq!(errors[0].line, line_of(&source, "rate_pct = true"));
}

#[test]
fn a_misspelt_key_is_rejected_instead_of_silently_ignored() {
    let source = AE_PLAN.replace("per_deal = 25000", "per_dael = 25000");
    let errors = errors_of(&source);
    assert_eq!(errors[0].line, line_of(&source, "per_dael"));
    assert!(
        errors[0].message.contains("per_dael"),
        "{}",
        errors[0].message
    );
}

#[test]
fn tiers_must_start_at_zero_and_only_the_last_may_be_open() {
    let source = AE_PLAN
        .replace(
            "{ from_pct = 0,   to_pct = 100",
            "{ from_pct = 5,   to_pct = 100",
        )
        .replace(
            "{ from_pct = 100, to_pct = 150, rate_pct = 12 }",
            "{ from_pct = 100, rate_pct = 12 }",
        );
    let errors = errors_of(&source);
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert!(
        fields.contains(&"components[0].tiers[0].from_pct"),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"components[0].tiers[1].to_pct"),
        "{fields:?}"
    );
}

#[test]
fn amount_tiers_must_use_amount_bounds_not_percentages() {
    let source = AE_PLAN.replace("measure = \"attainment\"", "measure = \"amount\"");
    let errors = errors_of(&source);
    assert!(
        errors
            .iter()
            .any(|e| e.field == "components[0].tiers[0].from_pct"
                && e.message.contains("write from instead"))
    );
}

#[test]
fn every_problem_is_reported_at_once_in_file_order() {
    let source = AE_PLAN
        .replace("currency = \"USD\"", "currency = \"usdollars\"")
        .replace("rate_pct = 12 }", "rate_pct = 112 }")
        .replace("attainment_pct = 100", "attainment_pct = 0");
    let errors = errors_of(&source);
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "currency",
            "components[0].tiers[1].rate_pct",
            "components[2].attainment_pct"
        ]
    );
    assert!(errors.windows(2).all(|w| w[0].line < w[1].line));
}

#[test]
fn broken_toml_is_reported_with_its_line() {
    let source = AE_PLAN.replace("[quota]", "[quota");
    let errors = errors_of(&source);
    assert_eq!(errors[0].line, line_of(&source, "[quota"));
    assert!(errors[0].message.starts_with("not valid TOML"));
}

#[test]
fn a_spif_needs_exactly_one_of_amount_or_rate_and_components_unique_ids() {
    let source = AE_PLAN
        .replace("amount = 500", "amount = 500\nrate_pct = 2")
        .replace("id = \"quota-club\"", "id = \"new-arr\"");
    let errors = errors_of(&source);
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert!(fields.contains(&"components[1].amount"), "{fields:?}");
    assert!(fields.contains(&"components[2].id"), "{fields:?}");
}

#[test]
fn effective_dates_must_be_dates_in_order() {
    let source = AE_PLAN.replace("effective_to = 2026-12-31", "effective_to = 2025-12-31");
    let errors = errors_of(&source);
    assert_eq!(errors[0].field, "effective_to");
    assert!(errors[0].message.contains("before effective_from"));
    let with_time = AE_PLAN.replace(
        "effective_from = 2026-01-01",
        "effective_from = 2026-01-01T09:00:00",
    );
    assert_eq!(errors_of(&with_time)[0].field, "effective_from");
}

#[test]
fn the_version_in_force_on_a_date_is_the_highest_one_covering_it() {
    let v2 = plan(AE_PLAN);
    let v3 = plan(
        &AE_PLAN
            .replace("version = 2", "version = 3")
            .replace("effective_from = 2026-01-01", "effective_from = 2026-07-01")
            .replace("effective_to = 2026-12-31\n", ""),
    );
    let plans = [v3, v2];
    let on = |d: &str| version_on(&plans, "ae-2026", crate::date(d)).map(|p| p.version);
    assert_eq!(on("2026-03-31"), Some(2));
    assert_eq!(on("2026-07-01"), Some(3));
    assert_eq!(on("2027-05-01"), Some(3));
    assert_eq!(on("2025-12-31"), None);
    assert_eq!(version_on(&plans, "other", crate::date("2026-07-01")), None);
}
