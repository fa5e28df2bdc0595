//! The deal files: `Opportunity.csv`, `OpportunityHistory.csv` (snapshots rebuilt from the
//! field history, see `snapshots`), `OpportunityContactRole.csv` and the splits.

use super::{Ctx, Ids, Result, Zip, export_ids, page_query, set_custom};
use crate::export::record::{Record, date, flag, major, time};
use crate::export::snapshots::snapshots;
use baton_import::salesforce::{
    SfContactRole, SfOpportunity, SfOpportunityHistory, SfSplit, SfSplitType,
};
use baton_import::sfid::{SfId, prefix};
use baton_import::table::Record as _;
use baton_model::pipeline::{ForecastCategory, StageOutcome};
use baton_model::records::{CustomFieldEntity, Deal, SplitKind};
use baton_model::{DealId, StageId};
use baton_store::SourceKind;
use std::io::{Seek, Write};

/// The ids of Baton's two split types; the revenue one's splits total 100 %.
const REVENUE_SPLIT: u64 = 1;
const OVERLAY_SPLIT: u64 = 2;

/// Salesforce's label of a forecast category (`ForecastCategoryName`).
fn forecast_name(f: ForecastCategory) -> &'static str {
    match f {
        ForecastCategory::Omitted => "Omitted",
        ForecastCategory::Pipeline => "Pipeline",
        ForecastCategory::BestCase => "Best Case",
        ForecastCategory::Commit => "Commit",
        ForecastCategory::Closed => "Closed",
    }
}

/// Salesforce's API value of a forecast category (`OpportunityHistory.ForecastCategory`).
fn forecast_api(f: ForecastCategory) -> &'static str {
    match f {
        ForecastCategory::Omitted => "Omitted",
        ForecastCategory::Pipeline => "Pipeline",
        ForecastCategory::BestCase => "BestCase",
        ForecastCategory::Commit => "Forecast",
        ForecastCategory::Closed => "Closed",
    }
}

/// The id of a row Baton keeps without one (a contact role, a split): its deal and position.
fn child_id(key_prefix: &str, deal: DealId, index: usize) -> SfId {
    let deal = u64::try_from(deal.0).unwrap_or(0);
    SfId::from_baton(key_prefix, (deal << 16) + index as u64)
}

impl Ctx<'_> {
    /// The deals of each page, with the export ids of the deals, their accounts and contacts,
    /// handed to `each`.
    async fn deal_pages(
        &self,
        mut each: impl FnMut(&[Deal], &Ids, &Ids, &Ids) -> Result<()>,
    ) -> Result<()> {
        let mut cursor = None;
        loop {
            let q = page_query(&[], cursor)?;
            let page = self.store.list_deals(self.actor, &q).await?;
            let deals = export_ids(
                self.store,
                SourceKind::Deal,
                prefix::OPPORTUNITY,
                page.items.iter().map(|d| d.id.0).collect(),
            )
            .await?;
            let accounts = export_ids(
                self.store,
                SourceKind::Account,
                prefix::ACCOUNT,
                page.items
                    .iter()
                    .filter_map(|d| d.account_id.map(|a| a.0))
                    .collect(),
            )
            .await?;
            let contacts = export_ids(
                self.store,
                SourceKind::Contact,
                prefix::CONTACT,
                page.items
                    .iter()
                    .flat_map(|d| d.contacts.iter().map(|c| c.contact_id.0))
                    .collect(),
            )
            .await?;
            each(&page.items, &deals, &accounts, &contacts)?;
            let Some(next) = page.next_cursor else { break };
            cursor = Some(next);
        }
        Ok(())
    }

    pub(super) async fn opportunities<W: Write + Seek>(&self, zip: &mut Zip<W>) -> Result<()> {
        let extra = self.columns(CustomFieldEntity::Deal);
        let mut sheet = zip.sheet(SfOpportunity::OBJECT, SfOpportunity::COLUMNS, &extra)?;
        self.deal_pages(|page, ids, accounts, _| {
            for d in page {
                let stage = self.stages.get(&d.stage_id);
                let mut r = Record::new(SfOpportunity::COLUMNS, &extra);
                r.set("Id", ids.of(d.id.0))
                    .opt("AccountId", accounts.opt(d.account_id.map(|a| a.0)))
                    .set("OwnerId", self.user(d.owner_id))
                    .set("Name", &d.name)
                    .opt("StageName", stage.map(|s| &s.name))
                    .opt("Amount", d.amount_minor.map(|m| major(m, d.currency)))
                    .set("CurrencyIsoCode", d.currency)
                    .opt("CloseDate", d.close_date.map(date))
                    .opt("Probability", stage.map(|s| s.probability))
                    .set("ForecastCategoryName", forecast_name(d.forecast_category))
                    .opt("NextStep", d.next_step.as_ref())
                    .opt("LeadSource", d.source.as_ref())
                    .opt(
                        "IsClosed",
                        stage.map(|s| flag(s.outcome != StageOutcome::Open)),
                    )
                    .opt("IsWon", stage.map(|s| flag(s.outcome == StageOutcome::Won)))
                    .set("CreatedDate", time(d.created_at))
                    .set("LastModifiedDate", time(d.updated_at))
                    .set("IsDeleted", flag(false));
                set_custom(&mut r, &extra, &d.custom_fields);
                sheet.write(&r)?;
            }
            Ok(())
        })
        .await?;
        sheet.finish()
    }

    pub(super) async fn history<W: Write + Seek>(&self, zip: &mut Zip<W>) -> Result<()> {
        let columns = SfOpportunityHistory::COLUMNS;
        let mut sheet = zip.sheet(SfOpportunityHistory::OBJECT, columns, &[])?;
        let mut cursor = None;
        loop {
            let q = page_query(&[], cursor)?;
            let page = self.store.list_deals(self.actor, &q).await?;
            let ids = export_ids(
                self.store,
                SourceKind::Deal,
                prefix::OPPORTUNITY,
                page.items.iter().map(|d| d.id.0).collect(),
            )
            .await?;
            let deal_ids: Vec<DealId> = page.items.iter().map(|d| d.id).collect();
            let history = self.store.deals_history(self.actor, &deal_ids).await?;
            for changes in history.chunk_by(|a, b| a.entity_id == b.entity_id) {
                let deal = page.items.iter().find(|d| d.id.0 == changes[0].entity_id);
                for s in snapshots(changes) {
                    let currency = s.currency.or(deal.map(|d| d.currency));
                    let stage = s.stage_id.and_then(|id| self.stages.get(&StageId(id)));
                    let mut r = Record::new(columns, &[]);
                    r.set(
                        "Id",
                        SfId::from_baton(
                            prefix::OPPORTUNITY_HISTORY,
                            u64::try_from(s.change_id).unwrap_or(0),
                        ),
                    )
                    .set("OpportunityId", ids.of(changes[0].entity_id))
                    .opt("StageName", stage.map(|s| &s.name))
                    .opt(
                        "Amount",
                        s.amount_minor.zip(currency).map(|(m, c)| major(m, c)),
                    )
                    .opt("CurrencyIsoCode", currency)
                    .opt("CloseDate", s.close_date.map(date))
                    .opt("Probability", stage.map(|s| s.probability))
                    .opt("ForecastCategory", s.forecast.map(forecast_api))
                    .opt("CreatedById", s.actor.map(|u| self.user(u)))
                    .set("CreatedDate", time(s.at))
                    .set("IsDeleted", flag(false));
                    sheet.write(&r)?;
                }
            }
            let Some(next) = page.next_cursor else { break };
            cursor = Some(next);
        }
        sheet.finish()
    }

    pub(super) async fn contact_roles<W: Write + Seek>(&self, zip: &mut Zip<W>) -> Result<()> {
        let mut sheet = zip.sheet(SfContactRole::OBJECT, SfContactRole::COLUMNS, &[])?;
        self.deal_pages(|page, ids, _, contacts| {
            for d in page {
                for (i, c) in d.contacts.iter().enumerate() {
                    let mut r = Record::new(SfContactRole::COLUMNS, &[]);
                    r.set("Id", child_id(prefix::CONTACT_ROLE, d.id, i))
                        .set("OpportunityId", ids.of(d.id.0))
                        .set("ContactId", contacts.of(c.contact_id.0))
                        .opt("Role", c.role.as_ref())
                        .set("IsPrimary", flag(c.is_primary))
                        .set("CreatedDate", time(d.created_at));
                    sheet.write(&r)?;
                }
            }
            Ok(())
        })
        .await?;
        sheet.finish()
    }

    pub(super) fn split_types<W: Write + Seek>(zip: &mut Zip<W>) -> Result<()> {
        let mut sheet = zip.sheet(SfSplitType::OBJECT, SfSplitType::COLUMNS, &[])?;
        for (id, label, validated) in [
            (REVENUE_SPLIT, "Revenue", true),
            (OVERLAY_SPLIT, "Overlay", false),
        ] {
            let mut r = Record::new(SfSplitType::COLUMNS, &[]);
            r.set("Id", SfId::from_baton(prefix::SPLIT_TYPE, id))
                .set("MasterLabel", label)
                .set("DeveloperName", label)
                .set("SplitField", "Amount")
                .set("IsTotalValidated", flag(validated))
                .set("IsActive", flag(true));
            sheet.write(&r)?;
        }
        sheet.finish()
    }

    pub(super) async fn splits<W: Write + Seek>(&self, zip: &mut Zip<W>) -> Result<()> {
        let mut sheet = zip.sheet(SfSplit::OBJECT, SfSplit::COLUMNS, &[])?;
        self.deal_pages(|page, ids, _, _| {
            for d in page {
                for (i, s) in d.splits.iter().enumerate() {
                    let kind = match s.kind {
                        SplitKind::Revenue => REVENUE_SPLIT,
                        SplitKind::Overlay => OVERLAY_SPLIT,
                    };
                    let mut r = Record::new(SfSplit::COLUMNS, &[]);
                    r.set("Id", child_id(prefix::SPLIT, d.id, i))
                        .set("OpportunityId", ids.of(d.id.0))
                        .set("SplitOwnerId", self.user(s.user_id))
                        .set(
                            "SplitPercentage",
                            rust_decimal::Decimal::new(s.percent.basis_points(), 2),
                        )
                        .set("SplitTypeId", SfId::from_baton(prefix::SPLIT_TYPE, kind))
                        .set("CreatedDate", time(d.created_at));
                    sheet.write(&r)?;
                }
            }
            Ok(())
        })
        .await?;
        sheet.finish()
    }
}
