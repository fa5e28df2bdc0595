//! A HubSpot export into Baton: owners, companies, contacts, deals (into the default pipeline,
//! with the stage history their `Date entered …` columns give) and their contacts, then
//! activities. Records keep their HubSpot ids (`hs:company:<id>`, `hs:deal:<id>`, …), so a
//! re-import updates rather than duplicates. A row whose association or owner resolves to
//! nothing is rejected whole with its file, line and column; a record with no owner goes to the
//! importing user, and the summary says how many did.

use super::report::{Report, Watch};
use super::run::{
    About, Behind, Extras, Owners, OwnersList, Writer, activity, dedupe, domain, fault, forecast,
    pipeline_stages, stage_key,
};
use super::skipped;
use anyhow::Context;
use baton_import::hubspot::{
    EngagementKind, HsCompany, HsContact, HsDeal, HsEngagement, HsOwner, HubSpotFiles,
    HubSpotObject, read_dir,
};
use baton_import::parse::to_minor;
use baton_import::salesforce::StageSeen;
use baton_import::table::{Record, RowError, Rows, open};
use baton_model::activity::{ActivityKind, Direction, MeetingStatus};
use baton_model::imports::{ImportOptions, ImportSummary};
use baton_model::pipeline::StageOutcome;
use baton_model::records::{
    Account, Contact, CustomFieldEntity, Deal, DealContact, FieldChange, Stage,
};
use baton_model::{AccountId, ContactId, Currency, DealId, Email, UserId};
use baton_store::{Actor, SourceKind, Store};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

/// Imports the export in `dir`.
pub async fn import(
    store: &Store,
    actor: Actor,
    dir: &Path,
    options: ImportOptions,
    report_path: &Path,
    watch: Box<dyn Watch>,
) -> anyhow::Result<ImportSummary> {
    let files = read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    if files.found.is_empty() {
        anyhow::bail!(
            "{} holds no HubSpot export files (companies, contacts, deals, calls, emails, \
             meetings, notes, tasks or engagements .csv)",
            dir.display()
        );
    }
    let mut report = Report::create(
        report_path,
        files.found.iter().map(|f| f.path.as_path()),
        watch,
    )?;
    skipped(
        &mut report,
        &files.unrecognised,
        report_path,
        "a HubSpot export",
    );
    let stages = pipeline_stages(store, &actor, &mut report, options.create_stages, || {
        seen_stages(&files)
    })
    .await?;
    let owners = Owners::load(
        store,
        &actor,
        ("hs", "hubspot"),
        owners(&files, &mut report)?,
    )
    .await?;
    // Before the first chunk's transaction: defining fields takes a connection of its own.
    let mut extras = Extras::new(store, actor, options.custom_fields);
    for path in files.of(HubSpotObject::Companies) {
        extras
            .prepare(
                CustomFieldEntity::Account,
                &open::<HsCompany>(path)?,
                &mut report,
            )
            .await?;
    }
    for path in files.of(HubSpotObject::Contacts) {
        extras
            .prepare(
                CustomFieldEntity::Contact,
                &open::<HsContact>(path)?,
                &mut report,
            )
            .await?;
    }
    for path in files.of(HubSpotObject::Deals) {
        extras
            .prepare(CustomFieldEntity::Deal, &open::<HsDeal>(path)?, &mut report)
            .await?;
    }
    let mut run = Run {
        w: Writer::new(store, actor.user_id, options.all_or_nothing, report).await?,
        extras,
        ids: Ids::load(store).await?,
        owners,
        operator: actor.user_id,
        currency: store.org_settings().await?.currency,
        stages,
        now: Utc::now(),
    };
    for path in files.of(HubSpotObject::Companies) {
        run.companies(path).await?;
    }
    for path in files.of(HubSpotObject::Contacts) {
        run.contacts(path).await?;
    }
    run.w.defer_indexes("deals").await?;
    run.w.defer_indexes("field_history").await?;
    for path in files.of(HubSpotObject::Deals) {
        run.deals(path).await?;
    }
    run.w.defer_indexes("activities").await?;
    for (kind, path) in files.engagements() {
        run.engagements(kind, path).await?;
    }
    run.owners.tell_unowned(&mut run.w.report);
    run.w.finish().await
}

/// The stages the deals are in or passed through, for `--create-stages`: HubSpot's default
/// pipeline's probabilities where the export gives none, won and lost from the stage's name.
fn seen_stages(files: &HubSpotFiles) -> anyhow::Result<Vec<StageSeen>> {
    let mut seen: Vec<StageSeen> = Vec::new();
    let mut note = |name: &str, probability: Option<Decimal>| {
        if let Some(s) = seen
            .iter_mut()
            .find(|s| stage_key(&s.name) == stage_key(name))
        {
            s.rows += 1;
            s.probability = s.probability.or(probability);
            return;
        }
        let key = stage_key(name);
        let default = |p: i64| Some(Decimal::from(p));
        let probability = probability.or(match key.as_str() {
            "appointmentscheduled" => default(20),
            "qualifiedtobuy" => default(40),
            "presentationscheduled" => default(60),
            "decisionmakerboughtin" => default(80),
            "contractsent" => default(90),
            "closedwon" => default(100),
            "closedlost" => default(0),
            _ => None,
        });
        let closed = key.starts_with("closed");
        seen.push(StageSeen {
            name: label(name),
            probability,
            forecast_category: None,
            is_closed: Some(closed),
            is_won: Some(closed && key.contains("won")),
            rows: 1,
            disagreeing_rows: 0,
        });
    };
    for path in files.of(HubSpotObject::Deals) {
        for deal in open::<HsDeal>(path)?.flatten() {
            if let Some(stage) = &deal.stage {
                note(stage, deal.probability.map(percent));
            }
            for entered in &deal.stages_entered {
                note(&entered.stage, None);
            }
        }
    }
    // Open stages by probability, then won, then lost, as a pipeline lists them.
    seen.sort_by_key(|s| {
        (
            s.is_closed == Some(true),
            s.is_won != Some(true),
            s.probability.unwrap_or_default(),
        )
    });
    Ok(seen)
}

/// A stage's label from its internal id (`contractsent` → `Contract Sent`) for HubSpot's
/// default stages; other names as they are.
fn label(name: &str) -> String {
    match stage_key(name).as_str() {
        "appointmentscheduled" => "Appointment Scheduled",
        "qualifiedtobuy" => "Qualified To Buy",
        "presentationscheduled" => "Presentation Scheduled",
        "decisionmakerboughtin" => "Decision Maker Bought-In",
        "contractsent" => "Contract Sent",
        "closedwon" => "Closed Won",
        "closedlost" => "Closed Lost",
        _ => name,
    }
    .to_owned()
}

/// A probability in percent, whether written as a percentage or a fraction (`0.2`).
fn percent(p: Decimal) -> Decimal {
    if p <= Decimal::ONE {
        p * Decimal::ONE_HUNDRED
    } else {
        p
    }
}

/// The owners files: email and name by owner id.
fn owners(files: &HubSpotFiles, report: &mut Report) -> anyhow::Result<OwnersList> {
    let mut owners = HashMap::new();
    for path in files.of(HubSpotObject::Owners) {
        let mut rows = open::<HsOwner>(path)?;
        while let Some(row) = rows.next() {
            report.read(&rows);
            match row {
                Ok(owner) => {
                    let name = [owner.first_name.as_deref(), owner.last_name.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ");
                    let name = (!name.is_empty()).then_some(name);
                    owners.insert(owner.id, (owner.email, name));
                }
                Err(e) => report.reject(&e)?,
            }
        }
    }
    Ok(owners)
}

/// Baton ids of what is imported so far, by HubSpot id.
struct Ids {
    accounts: HashMap<String, AccountId>,
    contacts: HashMap<String, ContactId>,
    deals: HashMap<String, DealId>,
    deal_owners: HashMap<DealId, UserId>,
    account_owners: HashMap<AccountId, UserId>,
}

impl Ids {
    async fn load(store: &Store) -> anyhow::Result<Ids> {
        async fn of(
            store: &Store,
            kind: SourceKind,
            prefix: &str,
        ) -> anyhow::Result<HashMap<String, i64>> {
            Ok(store
                .source_ids(kind, prefix)
                .await?
                .into_iter()
                .filter_map(|(s, id)| Some((s.strip_prefix(prefix)?.to_owned(), id)))
                .collect())
        }
        Ok(Ids {
            accounts: of(store, SourceKind::Account, "hs:company:")
                .await?
                .into_iter()
                .map(|(k, v)| (k, AccountId(v)))
                .collect(),
            contacts: of(store, SourceKind::Contact, "hs:contact:")
                .await?
                .into_iter()
                .map(|(k, v)| (k, ContactId(v)))
                .collect(),
            deals: of(store, SourceKind::Deal, "hs:deal:")
                .await?
                .into_iter()
                .map(|(k, v)| (k, DealId(v)))
                .collect(),
            deal_owners: HashMap::new(),
            account_owners: HashMap::new(),
        })
    }
}

/// One import in progress.
struct Run<'a> {
    w: Writer<'a>,
    extras: Extras<'a>,
    ids: Ids,
    owners: Owners,
    /// Who owns activities with no owner, deal or company.
    operator: UserId,
    currency: Currency,
    stages: HashMap<String, Stage>,
    now: DateTime<Utc>,
}

impl Run<'_> {
    /// The first of `ids`, which must be in `map`.
    fn first<T: Copy>(
        map: &HashMap<String, T>,
        ids: &[String],
        rows: &Rows<impl Record>,
        column: &str,
        what: &str,
    ) -> Result<Option<T>, RowError> {
        match ids.first() {
            None => Ok(None),
            Some(id) => {
                map.get(id).copied().map(Some).ok_or_else(|| {
                    fault(rows, column, format!("{id} is not {what} in this export"))
                })
            }
        }
    }

    async fn companies(&mut self, path: &Path) -> anyhow::Result<()> {
        let mut rows = open::<HsCompany>(path)?;
        let mut batch: Vec<(String, Account)> = Vec::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            let item = match row {
                Ok(c) => self.account(c, &rows).await?,
                Err(e) => Err(e),
            };
            if self.w.take(item, &mut batch)? {
                self.write_accounts(&mut batch).await?;
            }
        }
        self.write_accounts(&mut batch).await
    }

    async fn account(
        &mut self,
        c: HsCompany,
        rows: &Rows<HsCompany>,
    ) -> anyhow::Result<Result<(String, Account), RowError>> {
        let owner = match self
            .owners
            .or_operator(&mut self.w, c.owner.as_ref(), rows, "Company owner")
            .await?
        {
            Ok(owner) => owner,
            Err(e) => return Ok(Err(e)),
        };
        let domain = c
            .domain
            .as_deref()
            .or(c.website.as_deref())
            .and_then(domain);
        let Some(name) = c.name.or_else(|| domain.clone()) else {
            return Ok(Err(fault(
                rows,
                "Company name",
                "is empty, as is the domain",
            )));
        };
        let revenue = match c
            .annual_revenue
            .map(|a| to_minor(a, self.currency.exponent()))
        {
            Some(Err(reason)) => return Ok(Err(fault(rows, "Annual Revenue", reason))),
            Some(Ok(minor)) => Some(minor),
            None => None,
        };
        let created = c.created.unwrap_or(self.now);
        Ok(Ok((
            c.id,
            Account {
                id: AccountId(0),
                name,
                domain,
                industry: c.industry,
                employees: c.employees,
                annual_revenue_minor: revenue,
                currency: self.currency,
                tier: None,
                owner_id: owner,
                custom_fields: self.extras.values(CustomFieldEntity::Account, c.extra),
                archived_at: None,
                version: 1,
                created_at: created,
                updated_at: c.modified.unwrap_or(created),
            },
        )))
    }

    async fn write_accounts(&mut self, batch: &mut Vec<(String, Account)>) -> anyhow::Result<()> {
        let (keys, items) = sourced("company", std::mem::take(batch));
        let ids = self.w.chunk().await?.accounts(&items).await?;
        for ((key, (_, account)), id) in keys.into_iter().zip(&items).zip(ids) {
            self.ids.accounts.insert(key, AccountId(id));
            self.ids
                .account_owners
                .insert(AccountId(id), account.owner_id);
        }
        self.w.wrote(items.len()).await
    }

    async fn contacts(&mut self, path: &Path) -> anyhow::Result<()> {
        let mut rows = open::<HsContact>(path)?;
        let mut batch: Vec<(String, Contact)> = Vec::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            let item = match row {
                Ok(c) => self.contact(c, &rows).await?,
                Err(e) => Err(e),
            };
            if self.w.take(item, &mut batch)? {
                self.write_contacts(&mut batch).await?;
            }
        }
        self.write_contacts(&mut batch).await
    }

    async fn contact(
        &mut self,
        c: HsContact,
        rows: &Rows<HsContact>,
    ) -> anyhow::Result<Result<(String, Contact), RowError>> {
        let owner = match self
            .owners
            .or_operator(&mut self.w, c.owner.as_ref(), rows, "Contact owner")
            .await?
        {
            Ok(owner) => owner,
            Err(e) => return Ok(Err(e)),
        };
        let built = (|| {
            let account = Self::first(
                &self.ids.accounts,
                &c.companies,
                rows,
                "Associated Company IDs",
                "a company",
            )?;
            let email = match c.email.as_deref() {
                None => None,
                Some(text) => {
                    Some(Email::from_str(text).map_err(|e| fault(rows, "Email", e.to_string()))?)
                }
            };
            // HubSpot keeps contacts with only a first name or only an email; Baton's
            // contacts need a last name, so the most specific of those stands in.
            let (first_name, last_name) = match (c.first_name, c.last_name) {
                (first, Some(last)) => (first, last),
                (Some(first), None) => (None, first),
                (None, None) => match &email {
                    Some(email) => (None, email.as_str().to_owned()),
                    None => {
                        return Err(fault(
                            rows,
                            "Last Name",
                            "is empty, as are First Name and Email",
                        ));
                    }
                },
            };
            let created = c.created.unwrap_or(self.now);
            Ok((
                c.id,
                Contact {
                    id: ContactId(0),
                    account_id: account,
                    owner_id: owner,
                    first_name,
                    last_name,
                    email,
                    phone: c.phone,
                    title: c.title,
                    custom_fields: self.extras.values(CustomFieldEntity::Contact, c.extra),
                    archived_at: None,
                    version: 1,
                    created_at: created,
                    updated_at: c.modified.unwrap_or(created),
                },
            ))
        })();
        Ok(built)
    }

    async fn write_contacts(&mut self, batch: &mut Vec<(String, Contact)>) -> anyhow::Result<()> {
        let (keys, items) = sourced("contact", std::mem::take(batch));
        let ids = self.w.chunk().await?.contacts(&items).await?;
        for (key, id) in keys.into_iter().zip(ids) {
            self.ids.contacts.insert(key, ContactId(id));
        }
        self.w.wrote(items.len()).await
    }

    fn stage(&self, name: &str, rows: &Rows<HsDeal>, column: &str) -> Result<&Stage, RowError> {
        self.stages.get(&stage_key(name)).ok_or_else(|| {
            fault(
                rows,
                column,
                format!(
                    "{name:?} is not a stage of the default pipeline; add it, or import with \
                     --create-stages"
                ),
            )
        })
    }

    async fn deals(&mut self, path: &Path) -> anyhow::Result<()> {
        let mut rows = open::<HsDeal>(path)?;
        let mut batch: Vec<(String, Deal, Vec<ContactId>, Entered)> = Vec::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            let item = match row {
                Ok(d) => self.deal(d, &rows).await?,
                Err(e) => Err(e),
            };
            if self.w.take(item, &mut batch)? {
                self.write_deals(&mut batch).await?;
            }
        }
        self.write_deals(&mut batch).await
    }

    async fn deal(
        &mut self,
        d: HsDeal,
        rows: &Rows<HsDeal>,
    ) -> anyhow::Result<Result<(String, Deal, Vec<ContactId>, Entered), RowError>> {
        let owner = match self
            .owners
            .or_operator(&mut self.w, d.owner.as_ref(), rows, "Deal owner")
            .await?
        {
            Ok(owner) => owner,
            Err(e) => return Ok(Err(e)),
        };
        let built = (|| {
            let account = Self::first(
                &self.ids.accounts,
                &d.companies,
                rows,
                "Associated Company IDs",
                "a company",
            )?;
            let contacts = d
                .contacts
                .iter()
                .map(|id| {
                    self.ids.contacts.get(id).copied().ok_or_else(|| {
                        fault(
                            rows,
                            "Associated Contact IDs",
                            format!("{id} is not a contact in this export"),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let name = d
                .stage
                .as_deref()
                .ok_or_else(|| fault(rows, "Deal Stage", "is empty"))?;
            let stage = self.stage(name, rows, "Deal Stage")?;
            let entered = d
                .stages_entered
                .iter()
                .map(|e| Ok((self.stage(&e.stage, rows, "Date entered")?.id, e.at)))
                .collect::<Result<Vec<_>, RowError>>()?;
            let name = d.name.ok_or_else(|| fault(rows, "Deal Name", "is empty"))?;
            let currency = d.currency.unwrap_or(self.currency);
            let amount = d
                .amount
                .map(|a| to_minor(a, currency.exponent()))
                .transpose()
                .map_err(|reason| fault(rows, "Amount", reason))?;
            let created = d.created.unwrap_or(self.now);
            // A closed deal closed when it entered its closing stage, or on its close date.
            let closed_at = (stage.outcome != StageOutcome::Open).then(|| {
                entered
                    .iter()
                    .rev()
                    .find(|(s, _)| *s == stage.id)
                    .map(|(_, at)| *at)
                    .or_else(|| {
                        d.close_date
                            .and_then(|c| c.and_hms_opt(0, 0, 0))
                            .map(|t| t.and_utc())
                    })
                    .unwrap_or(created)
            });
            Ok((
                d.id,
                Deal {
                    id: DealId(0),
                    name,
                    account_id: account,
                    owner_id: owner,
                    pipeline_id: stage.pipeline_id,
                    stage_id: stage.id,
                    amount_minor: amount,
                    currency,
                    close_date: d.close_date,
                    payment_date: None,
                    forecast_category: d
                        .forecast_category
                        .as_deref()
                        .and_then(forecast)
                        .unwrap_or(stage.forecast_category),
                    next_step: d.next_step,
                    lost_reason: d.lost_reason,
                    source: d.source,
                    closed_at,
                    splits: Vec::new(),
                    contacts: Vec::new(),
                    custom_fields: self.extras.values(CustomFieldEntity::Deal, d.extra),
                    archived_at: None,
                    version: 1,
                    created_at: created,
                    updated_at: d.modified.unwrap_or(created),
                },
                contacts,
                entered,
            ))
        })();
        Ok(built)
    }

    /// Writes deals, then their contacts and the stage changes their `Date entered` columns
    /// show (the first entry is the stage the deal was created in).
    async fn write_deals(
        &mut self,
        batch: &mut Vec<(String, Deal, Vec<ContactId>, Entered)>,
    ) -> anyhow::Result<()> {
        let mut links = HashMap::new();
        let deals: Vec<(String, Deal)> = std::mem::take(batch)
            .into_iter()
            .map(|(key, deal, contacts, entered)| {
                links.insert(key.clone(), (contacts, entered));
                (key, deal)
            })
            .collect();
        let (keys, items) = sourced("deal", deals);
        let ids = self.w.chunk().await?.deals(&items).await?;
        let mut contacts = Vec::new();
        let mut history = Vec::new();
        for ((key, (_, deal)), id) in keys.into_iter().zip(&items).zip(ids) {
            let id = DealId(id);
            self.ids.deal_owners.insert(id, deal.owner_id);
            let (people, entered) = links.remove(&key).unwrap_or_default();
            for contact in people {
                contacts.push((
                    id,
                    DealContact {
                        contact_id: contact,
                        role: None,
                        is_primary: false,
                    },
                ));
            }
            let mut before: Option<String> = None;
            for (stage, at) in entered {
                let now = stage.to_string();
                history.push((
                    format!("hs:deal:{key}:entered:{now}"),
                    FieldChange {
                        id: 0,
                        entity: "deal".to_owned(),
                        entity_id: id.0,
                        field: "stage_id".to_owned(),
                        old_value: before.replace(now.clone()),
                        new_value: Some(now),
                        actor_id: None,
                        changed_at: at,
                    },
                ));
            }
            self.ids.deals.insert(key, id);
        }
        self.w.chunk().await?.deal_contacts(&contacts).await?;
        self.w.chunk().await?.history(&history).await?;
        self.w
            .wrote(items.len() + contacts.len() + history.len())
            .await
    }

    async fn engagements(
        &mut self,
        kind: Option<EngagementKind>,
        path: &Path,
    ) -> anyhow::Result<()> {
        let mut rows = open::<HsEngagement>(path)?;
        let mut batch = Vec::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            let item = match row {
                Ok(e) => self.engagement(e, kind, &rows).await?,
                Err(e) => Err(e),
            };
            if self.w.take(item, &mut batch)? {
                self.write_activities(&mut batch).await?;
            }
        }
        self.write_activities(&mut batch).await
    }

    async fn engagement(
        &mut self,
        e: HsEngagement,
        file_kind: Option<EngagementKind>,
        rows: &Rows<HsEngagement>,
    ) -> anyhow::Result<Result<(String, baton_model::records::Activity), RowError>> {
        let owner = match self
            .owners
            .resolve(&mut self.w, e.owner.as_ref(), rows, "Activity assigned to")
            .await?
        {
            Ok(owner) => owner,
            Err(err) => return Ok(Err(err)),
        };
        let built = (|| {
            let kind = e.kind.or(file_kind).ok_or_else(|| {
                fault(
                    rows,
                    "Activity type",
                    "is empty, and the file's name does not say which kind of activity it holds",
                )
            })?;
            let about: About = (
                Self::first(
                    &self.ids.accounts,
                    &e.companies,
                    rows,
                    "Associated Company IDs",
                    "a company",
                )?,
                Self::first(
                    &self.ids.contacts,
                    &e.contacts,
                    rows,
                    "Associated Contact IDs",
                    "a contact",
                )?,
                Self::first(
                    &self.ids.deals,
                    &e.deals,
                    rows,
                    "Associated Deal IDs",
                    "a deal",
                )?,
            );
            // An activity without an owner belongs to its deal's owner, or its company's.
            let owner = owner
                .or_else(|| about.2.and_then(|d| self.ids.deal_owners.get(&d).copied()))
                .or_else(|| {
                    about
                        .0
                        .and_then(|a| self.ids.account_owners.get(&a).copied())
                });
            let at = match kind {
                EngagementKind::Meeting => e.start.or(e.at),
                _ => e.at,
            }
            .or(e.created)
            .ok_or_else(|| fault(rows, "Activity date", "is empty, as is Create Date"))?;
            let baton_kind = match kind {
                EngagementKind::Call => ActivityKind::Call,
                EngagementKind::Email | EngagementKind::IncomingEmail => ActivityKind::Email,
                EngagementKind::Meeting => ActivityKind::Meeting,
                EngagementKind::Note => ActivityKind::Note,
                EngagementKind::Task => ActivityKind::Task,
            };
            let mut a = activity(baton_kind, owner.unwrap_or(self.operator), at, about);
            a.subject = e.subject;
            a.body = e.body;
            a.created_at = e.created.unwrap_or(at);
            let says = |text: &Option<String>, word: &str| {
                text.as_deref()
                    .is_some_and(|t| t.to_uppercase().contains(word))
            };
            match kind {
                EngagementKind::Email | EngagementKind::IncomingEmail => {
                    let incoming = kind == EngagementKind::IncomingEmail
                        || says(&e.email_direction, "INCOMING");
                    a.direction = Some(if incoming {
                        Direction::Inbound
                    } else {
                        Direction::Outbound
                    });
                    a.thread_id = e.thread;
                }
                EngagementKind::Call => {
                    a.direction = if says(&e.call_direction, "INBOUND") {
                        Some(Direction::Inbound)
                    } else if says(&e.call_direction, "OUTBOUND") {
                        Some(Direction::Outbound)
                    } else {
                        None
                    };
                }
                EngagementKind::Meeting => {
                    a.ends_at = e.end;
                    let outcome = e.meeting_outcome.as_deref().map(stage_key);
                    a.meeting_status = Some(match outcome.as_deref() {
                        Some("completed") => MeetingStatus::Held,
                        Some("noshow") => MeetingStatus::NoShow,
                        Some("canceled" | "cancelled" | "rescheduled") => MeetingStatus::Canceled,
                        _ if at <= self.now => MeetingStatus::Held,
                        _ => MeetingStatus::Scheduled,
                    });
                }
                EngagementKind::Task => {
                    a.due_date = Some(at.date_naive());
                    a.completed_at = e
                        .completed
                        .or(says(&e.task_status, "COMPLETED").then_some(at));
                }
                EngagementKind::Note => {}
            }
            if owner.is_none() {
                self.owners.unowned += 1;
            }
            Ok((e.id, a))
        })();
        Ok(built)
    }

    async fn write_activities(
        &mut self,
        batch: &mut Vec<(String, baton_model::records::Activity)>,
    ) -> anyhow::Result<()> {
        let (_, items) = sourced("activity", std::mem::take(batch));
        self.w.behind(Behind::Activities(items)).await
    }
}

/// When a deal entered which stage.
type Entered = Vec<(baton_model::StageId, DateTime<Utc>)>;

/// The records with their source ids (`hs:<object>:<id>`), the last of each id in the chunk;
/// and the HubSpot ids in the same order.
fn sourced<T>(object: &str, items: Vec<(String, T)>) -> (Vec<String>, Vec<(String, T)>) {
    dedupe(items)
        .into_iter()
        .map(|(id, record)| {
            let source = format!("hs:{object}:{id}");
            (id, (source, record))
        })
        .unzip()
}
