//! `Opportunity.csv` and `OpportunityHistory.csv`: a planned deal's final state and changes.

use super::deal::Deal;
use super::names;
use super::out::{CsvOut, DAY, civil_from_days};
use super::random::{Gen, chance, float, index, secs, uniform};
use super::stages::{LOST, STAGES, WON};
use super::world::World;
use crate::sfid::{SfId, prefix};
use std::io;

/// `Opportunity.csv` columns.
pub(crate) const OPPORTUNITY_HEADER: &[&str] = &[
    "Id",
    "IsDeleted",
    "AccountId",
    "Name",
    "Description",
    "StageName",
    "Amount",
    "Probability",
    "ExpectedRevenue",
    "CloseDate",
    "Type",
    "NextStep",
    "LeadSource",
    "IsClosed",
    "IsWon",
    "ForecastCategory",
    "ForecastCategoryName",
    "CurrencyIsoCode",
    "OwnerId",
    "CreatedById",
    "CreatedDate",
    "LastModifiedDate",
    "LastActivityDate",
    "FiscalYear",
    "FiscalQuarter",
];

/// `OpportunityHistory.csv` columns.
pub(crate) const HISTORY_HEADER: &[&str] = &[
    "Id",
    "OpportunityId",
    "CreatedById",
    "CreatedDate",
    "StageName",
    "Amount",
    "ExpectedRevenue",
    "CloseDate",
    "Probability",
    "ForecastCategory",
    "IsDeleted",
];

const PRODUCTS: &[&str] = &[
    "Platform licence",
    "Expansion",
    "Renewal",
    "Pilot",
    "Services",
    "Enterprise tier",
    "Add-on seats",
    "Analytics module",
];
const NEXT_STEPS: &[&str] = &[
    "Send proposal",
    "Schedule demo with IT",
    "Follow up on pricing",
    "Security review",
    "Get legal redlines back",
    "Confirm budget with CFO",
    "Book onsite workshop",
];
const LEAD_SOURCES: &[&str] = &[
    "Web",
    "Phone Inquiry",
    "Partner Referral",
    "Purchased List",
    "Trade Show",
    "Employee Referral",
    "Other",
    "",
];
const TYPES: &[&str] = &[
    "New Customer",
    "New Customer",
    "New Customer",
    "Existing Customer - Upgrade",
    "Existing Customer - Upgrade",
    "Existing Customer - Replacement",
    "Existing Customer - Downgrade",
    "",
];
const DESCRIPTIONS: &[&str] = &[
    "Evaluating us against two competitors, decision expected this quarter.",
    "Champion says \"our CFO\" wants a 3-year term.\nLegal review needed.",
    "Budget approved; procurement requires a security questionnaire.",
    "Notes:\n- pilot with 20 users\n- expand to EMEA after Q1, if the pilot lands",
];
/// Writes the deal's history rows.
pub(crate) fn write_history(
    world: &World,
    deal: &Deal,
    rng: &mut Gen,
    out: &mut CsvOut,
) -> io::Result<()> {
    let opp = deal.opportunity_id();
    let exponent = world.accounts[deal.account].currency.exponent();
    let rep = &world.reps[deal.rep];
    for snap in &deal.history {
        let stage = &STAGES[usize::from(snap.stage)];
        out.id(&SfId::generated(prefix::OPPORTUNITY_HISTORY, out.rows()))
            .id(&opp);
        let by = if chance(rng, 0.05) {
            &world.managers[rep.manager].id
        } else {
            &rep.user.id
        };
        out.id(by)
            .ts(snap.at)
            .str(stage.name)
            .money(snap.amount, exponent);
        out.money(snap.amount * i64::from(stage.probability) / 100, exponent);
        out.date(snap.close_day)
            .int(i64::from(stage.probability))
            .str(stage.forecast_api)
            .boolean(false);
        out.end()?;
    }
    Ok(())
}

/// Writes the opportunity's final row.
pub(crate) fn write_opportunity(
    world: &World,
    deal: &Deal,
    last_activity: Option<i64>,
    rng: &mut Gen,
    out: &mut CsvOut,
) -> io::Result<()> {
    let opp = deal.opportunity_id();
    let account = &world.accounts[deal.account];
    let last = deal.last();
    let stage = &STAGES[usize::from(last.stage)];
    let exponent = account.currency.exponent();
    let closed = last.stage == WON || last.stage == LOST;
    out.id(&opp).boolean(false).id(&account.id);
    out.fmt(format_args!(
        "{} - {}",
        names::account_name(deal.account),
        PRODUCTS[index(rng, PRODUCTS.len())]
    ));
    if chance(rng, 0.25) {
        out.str(DESCRIPTIONS[index(rng, DESCRIPTIONS.len())]);
    } else {
        out.empty();
    }
    out.str(stage.name)
        .money(last.amount, exponent)
        .int(i64::from(stage.probability));
    out.money(last.amount * i64::from(stage.probability) / 100, exponent)
        .date(last.close_day);
    out.str(TYPES[index(rng, TYPES.len())]);
    if closed || chance(rng, 0.2) {
        out.empty();
    } else {
        out.str(NEXT_STEPS[index(rng, NEXT_STEPS.len())]);
    }
    out.str(LEAD_SOURCES[index(rng, LEAD_SOURCES.len())])
        .boolean(closed)
        .boolean(last.stage == WON);
    out.str(stage.forecast_api)
        .str(stage.forecast_name)
        .str(account.currency.code());
    let rep = &world.reps[deal.rep].user.id;
    out.id(rep).id(rep).ts(deal.created);
    let touched = last.at + secs(uniform(rng, 0.0, 3.0) * float(DAY));
    out.ts(touched.min(world.as_of.max(last.at)));
    match last_activity {
        Some(day) => out.date(day),
        None => out.empty(),
    };
    let (year, month, _) = civil_from_days(last.close_day);
    out.int(year).int((month - 1) / 3 + 1);
    out.end()
}
