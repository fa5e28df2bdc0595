//! Checks of one `[[components]]` entry: its type, its tiers (contiguous from zero, rates in
//! range), gate and condition.

use super::check::Checker;
use super::file::{RawComponent, RawCondition, RawGate, RawTier};
use super::{Bonus, Component, Condition, Gate, Measure, Rule, Spif, SpifPay, Tier, TierTable};
use crate::amount::fmt_number;
use crate::credit::CreditKind;
use rust_decimal::Decimal;
use std::sync::Arc;
use toml::Spanned;

pub(super) fn check_component(
    c: &mut Checker<'_>,
    raw: &RawComponent,
    path: &str,
) -> Option<Component> {
    c.identifier(&raw.id, &format!("{path}.id"));
    let kind = raw.kind.get_ref().as_str();
    let credit_kinds = match &raw.credit_kinds {
        None => vec![CreditKind::Revenue, CreditKind::Overlay, CreditKind::RollUp],
        Some(list) => {
            if list.get_ref().is_empty() {
                c.error(
                    list.span(),
                    &format!("{path}.credit_kinds"),
                    "must name at least one kind",
                );
            }
            list.get_ref()
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    c.one_of(
                        v,
                        &format!("{path}.credit_kinds[{i}]"),
                        &[
                            ("revenue", CreditKind::Revenue),
                            ("overlay", CreditKind::Overlay),
                            ("roll_up", CreditKind::RollUp),
                        ],
                    )
                })
                .collect()
        }
    };
    let field = |name: &str| format!("{path}.{name}");
    let rule = match kind {
        "flat" => {
            c.absent(raw.measure.as_ref(), &field("measure"), kind);
            c.absent(raw.method.as_ref(), &field("method"), kind);
            c.absent(raw.tiers.as_ref(), &field("tiers"), kind);
            c.absent(raw.amount.as_ref(), &field("amount"), kind);
            c.absent(raw.when.as_ref(), &field("when"), kind);
            c.absent(raw.attainment_pct.as_ref(), &field("attainment_pct"), kind);
            let Some(rate_pct) = &raw.rate_pct else {
                c.error(
                    raw.kind.span(),
                    &field("rate_pct"),
                    "a flat rate needs rate_pct",
                );
                return None;
            };
            let rate = c.rate(rate_pct, &field("rate_pct"));
            Rule::Rate(TierTable {
                measure: Measure::Amount,
                tiers: vec![Tier {
                    from: Decimal::ZERO,
                    to: None,
                    rate,
                    retroactive: false,
                }],
                gate: check_gate(c, raw.gate.as_ref(), &field("gate")),
            })
        }
        "tiered" => {
            c.absent(raw.rate_pct.as_ref(), &field("rate_pct"), kind);
            c.absent(raw.amount.as_ref(), &field("amount"), kind);
            c.absent(raw.when.as_ref(), &field("when"), kind);
            c.absent(raw.attainment_pct.as_ref(), &field("attainment_pct"), kind);
            Rule::Rate(check_tiers(c, raw, path)?)
        }
        "spif" => {
            c.absent(raw.gate.as_ref(), &field("gate"), kind);
            c.absent(raw.tiers.as_ref(), &field("tiers"), kind);
            c.absent(raw.measure.as_ref(), &field("measure"), kind);
            c.absent(raw.method.as_ref(), &field("method"), kind);
            c.absent(raw.attainment_pct.as_ref(), &field("attainment_pct"), kind);
            let pays = match (&raw.amount, &raw.rate_pct) {
                (Some(amount), None) => SpifPay::Fixed(c.positive(amount, &field("amount"))),
                (None, Some(rate)) => SpifPay::Rate(c.rate(rate, &field("rate_pct"))),
                _ => {
                    c.error(
                        raw.kind.span(),
                        &field("amount"),
                        "a spif needs exactly one of amount (per deal) or rate_pct",
                    );
                    return None;
                }
            };
            let condition = raw
                .when
                .as_ref()
                .map(|w| check_condition(c, w.get_ref(), &field("when")))
                .unwrap_or_default();
            Rule::Spif(Spif { pays, condition })
        }
        "bonus" => {
            c.absent(raw.rate_pct.as_ref(), &field("rate_pct"), kind);
            c.absent(raw.measure.as_ref(), &field("measure"), kind);
            c.absent(raw.method.as_ref(), &field("method"), kind);
            c.absent(raw.tiers.as_ref(), &field("tiers"), kind);
            c.absent(raw.gate.as_ref(), &field("gate"), kind);
            c.absent(raw.when.as_ref(), &field("when"), kind);
            let (Some(attainment), Some(amount)) = (&raw.attainment_pct, &raw.amount) else {
                c.error(
                    raw.kind.span(),
                    path,
                    "a bonus needs attainment_pct and amount",
                );
                return None;
            };
            Rule::Bonus(Bonus {
                attainment: c.positive(attainment, &field("attainment_pct")),
                amount: c.positive(amount, &field("amount")),
            })
        }
        other => {
            c.error(
                raw.kind.span(),
                &field("type"),
                format!(
                    "{other:?} is not a component type: use \"flat\", \"tiered\", \"spif\" or \"bonus\""
                ),
            );
            return None;
        }
    };
    let name = raw
        .name
        .as_ref()
        .map_or(raw.id.get_ref().as_str(), |n| n.get_ref().as_str());
    Some(Component {
        id: Arc::from(raw.id.get_ref().as_str()),
        name: Arc::from(name),
        credit_kinds,
        rule,
    })
}

fn check_tiers(c: &mut Checker<'_>, raw: &RawComponent, path: &str) -> Option<TierTable> {
    let measure = raw
        .measure
        .as_ref()
        .map_or(Some(Measure::Attainment), |m| {
            c.one_of(
                m,
                &format!("{path}.measure"),
                &[
                    ("attainment", Measure::Attainment),
                    ("amount", Measure::Amount),
                    ("deal_amount", Measure::DealAmount),
                ],
            )
        })?;
    let methods = [("marginal", false), ("retroactive", true)];
    let default_retroactive = raw.method.as_ref().map_or(Some(false), |m| {
        c.one_of(m, &format!("{path}.method"), &methods)
    })?;
    let Some(tiers) = &raw.tiers else {
        c.error(
            raw.kind.span(),
            &format!("{path}.tiers"),
            "a tiered component needs tiers",
        );
        return None;
    };
    if tiers.get_ref().is_empty() {
        c.error(
            tiers.span(),
            &format!("{path}.tiers"),
            "needs at least one tier",
        );
        return None;
    }
    let (from_key, to_key, unit) = if measure == Measure::Attainment {
        ("from_pct", "to_pct", " %")
    } else {
        ("from", "to", "")
    };
    let count = tiers.get_ref().len();
    let mut checked = Vec::with_capacity(count);
    let mut previous_to: Option<Decimal> = Some(Decimal::ZERO);
    for (j, tier) in tiers.get_ref().iter().enumerate() {
        let tier_path = format!("{path}.tiers[{j}]");
        let raw_tier: &RawTier = tier.get_ref();
        let (from, to, wrong_from, wrong_to) = if measure == Measure::Attainment {
            (
                &raw_tier.from_pct,
                &raw_tier.to_pct,
                &raw_tier.from,
                &raw_tier.to,
            )
        } else {
            (
                &raw_tier.from,
                &raw_tier.to,
                &raw_tier.from_pct,
                &raw_tier.to_pct,
            )
        };
        for (wrong, name) in [(wrong_from, "from"), (wrong_to, "to")] {
            if let Some(w) = wrong {
                let (right, wrong_name) = if measure == Measure::Attainment {
                    (format!("{name}_pct"), name.to_owned())
                } else {
                    (name.to_owned(), format!("{name}_pct"))
                };
                c.error(
                    w.span(),
                    &format!("{tier_path}.{wrong_name}"),
                    format!("this table measures {measure:?}; write {right} instead"),
                );
            }
        }
        let Some(from) = from else {
            c.error(
                tier.span(),
                &format!("{tier_path}.{from_key}"),
                "is missing",
            );
            return None;
        };
        let expected = previous_to.unwrap_or(Decimal::ZERO);
        let from_value = *from.get_ref();
        if from_value != expected {
            let message = if j == 0 {
                format!(
                    "the first tier must start at 0, not {}",
                    fmt_number(from_value)
                )
            } else if from_value > expected {
                format!(
                    "gap: the previous tier ends at {}{unit} but this one starts at {}{unit}",
                    fmt_number(expected),
                    fmt_number(from_value)
                )
            } else {
                format!(
                    "overlap: the previous tier ends at {}{unit} but this one starts at {}{unit}",
                    fmt_number(expected),
                    fmt_number(from_value)
                )
            };
            c.error(from.span(), &format!("{tier_path}.{from_key}"), message);
        }
        let to_value = to.as_ref().map(|t| *t.get_ref());
        match (to, to_value) {
            (Some(to), Some(value)) if value <= from_value => c.error(
                to.span(),
                &format!("{tier_path}.{to_key}"),
                format!(
                    "must be above {from_key} ({}{unit})",
                    fmt_number(from_value)
                ),
            ),
            (None, _) if j + 1 < count => c.error(
                tier.span(),
                &format!("{tier_path}.{to_key}"),
                "only the last tier may be open-ended",
            ),
            _ => {}
        }
        previous_to = to_value;
        let rate = c.rate(&raw_tier.rate_pct, &format!("{tier_path}.rate_pct"));
        let retroactive = match &raw_tier.method {
            Some(m) => c
                .one_of(m, &format!("{tier_path}.method"), &methods)
                .unwrap_or(false),
            None => default_retroactive,
        };
        checked.push(Tier {
            from: from_value,
            to: to_value,
            rate,
            retroactive,
        });
    }
    Some(TierTable {
        measure,
        tiers: checked,
        gate: check_gate(c, raw.gate.as_ref(), &format!("{path}.gate")),
    })
}

fn check_gate(c: &mut Checker<'_>, raw: Option<&Spanned<RawGate>>, path: &str) -> Option<Gate> {
    let gate = raw?.get_ref();
    let below = c.positive(&gate.below_pct, &format!("{path}.below_pct"));
    let pay = gate
        .pay_pct
        .as_ref()
        .map_or(Decimal::ZERO, |p| c.rate(p, &format!("{path}.pay_pct")));
    Some(Gate { below, pay })
}

fn check_condition(c: &mut Checker<'_>, raw: &RawCondition, path: &str) -> Condition {
    let attribute = match (&raw.attribute, &raw.equals) {
        (Some(a), Some(e)) => Some((a.get_ref().clone(), e.get_ref().clone())),
        (None, None) => None,
        (Some(a), None) => {
            c.error(
                a.span(),
                &format!("{path}.equals"),
                "attribute needs equals",
            );
            None
        }
        (None, Some(e)) => {
            c.error(
                e.span(),
                &format!("{path}.attribute"),
                "equals needs attribute",
            );
            None
        }
    };
    let min_deal_amount = raw.min_deal_amount.as_ref().map(|m| {
        if *m.get_ref() < Decimal::ZERO {
            c.error(
                m.span(),
                &format!("{path}.min_deal_amount"),
                "must not be negative",
            );
        }
        *m.get_ref()
    });
    Condition {
        attribute,
        min_deal_amount,
    }
}
