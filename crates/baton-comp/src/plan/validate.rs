//! From a parsed plan file to a [`Plan`], collecting every problem with its line and field.

use super::check::Checker;
use super::components::check_component;
use super::draw::check_draw;
use super::file::RawPlan;
use super::{Component, CreditDateRule, Plan, PlanError, PlanErrors};
use crate::amount::Rounding;
use baton_model::{Currency, PeriodKind};
use std::collections::HashSet;

pub(super) fn validate(raw: &RawPlan, source: &str) -> Result<Plan, PlanErrors> {
    let mut c = Checker {
        source,
        errors: Vec::new(),
    };
    c.identifier(&raw.id, "id");
    if raw.name.get_ref().trim().is_empty() {
        c.error(raw.name.span(), "name", "must not be empty");
    }
    let version = u32::try_from(*raw.version.get_ref())
        .ok()
        .filter(|v| *v >= 1);
    if version.is_none() {
        c.error(
            raw.version.span(),
            "version",
            "must be a whole number from 1",
        );
    }
    let effective_from = c.date(&raw.effective_from, "effective_from");
    let effective_to = raw
        .effective_to
        .as_ref()
        .and_then(|to| Some((to.span(), c.date(to, "effective_to")?)));
    if let (Some(from), Some((span, to))) = (effective_from, &effective_to)
        && *to < from
    {
        c.error(
            span.clone(),
            "effective_to",
            format!("{to} is before effective_from {from}"),
        );
    }
    let currency = raw.currency.get_ref().parse::<Currency>().ok();
    if currency.is_none() {
        c.error(
            raw.currency.span(),
            "currency",
            format!(
                "unknown currency {:?}: expected an ISO 4217 code such as USD or EUR",
                raw.currency.get_ref()
            ),
        );
    }
    let credit_date = raw
        .credit_date
        .as_ref()
        .map_or(Some(CreditDateRule::CloseDate), |v| {
            c.one_of(
                v,
                "credit_date",
                &[
                    ("close_date", CreditDateRule::CloseDate),
                    ("payment_date", CreditDateRule::PaymentDate),
                ],
            )
        });
    let rounding = raw.rounding.as_ref().map_or(Some(Rounding::HalfEven), |v| {
        c.one_of(
            v,
            "rounding",
            &[
                ("half_even", Rounding::HalfEven),
                ("half_up", Rounding::HalfUp),
                ("down", Rounding::Down),
                ("up", Rounding::Up),
            ],
        )
    });
    let quota_period = c.one_of(
        &raw.quota.get_ref().period,
        "quota.period",
        &[
            ("month", PeriodKind::Month),
            ("quarter", PeriodKind::Quarter),
            ("year", PeriodKind::Year),
        ],
    );
    let (cap_per_deal, cap_per_period) = raw.caps.as_ref().map_or((None, None), |caps| {
        (
            caps.per_deal
                .as_ref()
                .map(|v| c.positive(v, "caps.per_deal")),
            caps.per_period
                .as_ref()
                .map(|v| c.positive(v, "caps.per_period")),
        )
    });
    if raw.components.is_empty() {
        c.error(
            raw.quota.span(),
            "components",
            "a plan needs at least one [[components]] entry",
        );
    }
    let mut ids = HashSet::new();
    let components: Vec<Option<Component>> = raw
        .components
        .iter()
        .enumerate()
        .map(|(i, component)| {
            let id = component.get_ref().id.get_ref();
            if !ids.insert(id.clone()) {
                c.error(
                    component.get_ref().id.span(),
                    &format!("components[{i}].id"),
                    format!("{id:?} is used by an earlier component; ids must be unique"),
                );
            }
            check_component(&mut c, component.get_ref(), &format!("components[{i}]"))
        })
        .collect();

    let draw = raw.draw.as_ref().map(|d| check_draw(&mut c, d.get_ref()));
    let clawback_days = raw.clawback.as_ref().map(|table| {
        let days = &table.get_ref().within_days;
        u32::try_from(*days.get_ref())
            .ok()
            .filter(|d| *d >= 1)
            .unwrap_or_else(|| {
                c.error(
                    days.span(),
                    "clawback.within_days",
                    "must be a whole number of days from 1",
                );
                1
            })
    });
    for (present, id, table) in [
        (raw.draw.is_some(), DRAW_ID, "[draw]"),
        (raw.clawback.is_some(), CLAWBACK_ID, "[clawback]"),
    ] {
        if let Some((i, component)) = raw
            .components
            .iter()
            .enumerate()
            .find(|(_, comp)| present && comp.get_ref().id.get_ref() == id)
        {
            c.error(
                component.get_ref().id.span(),
                &format!("components[{i}].id"),
                format!("{id:?} names the plan's {table} lines in statements; choose another id"),
            );
        }
    }

    if !c.errors.is_empty() {
        c.errors.sort_by_key(|e| (e.line, e.column));
        return Err(PlanErrors(c.errors));
    }
    // Every Option below is Some when no error was recorded.
    let missing = || PlanErrors(vec![PlanError::at(source, None, "", "invalid plan")]);
    Ok(Plan {
        id: raw.id.get_ref().clone(),
        name: raw.name.get_ref().trim().to_owned(),
        version: version.ok_or_else(missing)?,
        effective_from: effective_from.ok_or_else(missing)?,
        effective_to: effective_to.map(|(_, d)| d),
        currency: currency.ok_or_else(missing)?,
        quota_period: quota_period.ok_or_else(missing)?,
        credit_date: credit_date.ok_or_else(missing)?,
        rounding: rounding.ok_or_else(missing)?,
        cap_per_deal,
        cap_per_period,
        components: components
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .ok_or_else(missing)?,
        draw,
        clawback_days,
    })
}

/// The component id clawback lines are booked under.
pub(crate) const CLAWBACK_ID: &str = "clawback";

/// The component id draw and recovery lines are booked under.
pub(crate) const DRAW_ID: &str = "draw";
