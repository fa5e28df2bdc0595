//! Any CSV of accounts, contacts, deals or activities into Baton, each field read from the
//! column its name or a common header finds, or the one a mapping names.
//!
//! References are what a spreadsheet holds: an account by name or domain (it must name exactly
//! one), a contact by email, a deal by its `id` from an earlier deals import or its name, an
//! owner by email or name (unknown people are created inactive). A row whose reference finds
//! nothing, or more than one record, is rejected with its line and column.
//!
//! Every record keeps a source id, so importing the same file again updates rather than
//! duplicates: `csv:<object>:<id>` when the file has an `id` column, otherwise a natural key
//! (an account's domain or name, a contact's email or name at its account, a deal's name at
//! its account, an activity's kind, time and subject).

use super::report::{Report, Watch};
use super::run::{
    Behind, Owners, Writer, activity, all_pages, dedupe, domain, fault, forecast, pipeline_stages,
    stage_key,
};
use baton_import::generic::{CsvAccount, CsvActivity, CsvContact, CsvDeal};
use baton_import::parse::to_minor;
use baton_import::salesforce::StageSeen;
use baton_import::table::{Record, RowError, Rows, open_mapped};
use baton_model::activity::{ActivityKind, MeetingStatus};
use baton_model::imports::{CsvObject, ImportOptions, ImportSummary};
use baton_model::pipeline::StageOutcome;
use baton_model::records::{Account, Activity, Contact, Deal, DealContact, Stage};
use baton_model::{AccountId, ContactId, Currency, DealId, Email};
use baton_store::{Actor, SourceKind, Store};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

/// Imports `file`, a CSV of `object`s read under `mapping`.
pub async fn import(
    store: &Store,
    actor: Actor,
    (object, file, mapping): (CsvObject, &Path, &[(String, String)]),
    options: ImportOptions,
    report_path: &Path,
    watch: Box<dyn Watch>,
) -> anyhow::Result<ImportSummary> {
    let mut report = Report::create(report_path, [file], watch)?;
    let stages = match object {
        CsvObject::Deals => {
            pipeline_stages(store, &actor, &mut report, options.create_stages, || {
                let mut seen: Vec<StageSeen> = Vec::new();
                for deal in open_mapped::<CsvDeal>(file, mapping)?.flatten() {
                    let Some(name) = deal.stage else { continue };
                    if seen.iter().any(|s| stage_key(&s.name) == stage_key(&name)) {
                        continue;
                    }
                    let key = stage_key(&name);
                    let (closed, won) = (
                        key.contains("won") || key.contains("lost"),
                        key.contains("won"),
                    );
                    seen.push(StageSeen {
                        name,
                        probability: None,
                        forecast_category: None,
                        is_closed: Some(closed),
                        is_won: Some(won),
                        rows: 1,
                        disagreeing_rows: 0,
                    });
                }
                // Open stages in the file's order of first appearance, then won, then lost.
                seen.sort_by_key(|s| (s.is_closed == Some(true), s.is_won != Some(true)));
                Ok(seen)
            })
            .await?
        }
        _ => HashMap::new(),
    };
    let mut run = Run {
        w: Writer::new(store, actor.user_id, options.all_or_nothing, report).await?,
        owners: Owners::load(store, &actor, ("csv", "csv-import"), HashMap::new()).await?,
        refs: Refs::load(store, &actor).await?,
        currency: store.org_settings().await?.currency,
        stages,
        now: Utc::now(),
    };
    match object {
        CsvObject::Accounts => run.accounts(open_mapped(file, mapping)?).await?,
        CsvObject::Contacts => run.contacts(open_mapped(file, mapping)?).await?,
        CsvObject::Deals => run.deals(open_mapped(file, mapping)?).await?,
        CsvObject::Activities => {
            run.w.defer_indexes("activities").await?;
            run.activities(open_mapped(file, mapping)?).await?;
        }
    }
    run.owners.tell_unowned(&mut run.w.report);
    run.w.finish().await
}

/// What rows refer to, by the keys a spreadsheet uses; `None` where a key names several.
struct Refs {
    /// Accounts by lower-case name and by domain.
    accounts: HashMap<String, Option<AccountId>>,
    /// Contacts by lower-case email.
    contacts: HashMap<String, Option<ContactId>>,
    /// Deals by source id and by lower-case name.
    deals: HashMap<String, Option<DealId>>,
}

/// Adds `key → id`, marking a key that names a second record as ambiguous.
fn note<T: PartialEq + Copy>(map: &mut HashMap<String, Option<T>>, key: String, id: T) {
    map.entry(key)
        .and_modify(|v| {
            if *v != Some(id) {
                *v = None;
            }
        })
        .or_insert(Some(id));
}

impl Refs {
    async fn load(store: &Store, actor: &Actor) -> anyhow::Result<Refs> {
        let mut refs = Refs {
            accounts: HashMap::new(),
            contacts: HashMap::new(),
            deals: HashMap::new(),
        };
        all_pages(
            |q| async move { store.list_accounts(actor, &q).await },
            |a| refs.account(&a.name, a.domain.as_deref(), a.id),
        )
        .await?;
        all_pages(
            |q| async move { store.list_contacts(actor, &q).await },
            |c| {
                if let Some(email) = &c.email {
                    note(&mut refs.contacts, email.as_str().to_lowercase(), c.id);
                }
            },
        )
        .await?;
        all_pages(
            |q| async move { store.list_deals(actor, &q).await },
            |d| note(&mut refs.deals, d.name.to_lowercase(), d.id),
        )
        .await?;
        for (source, id) in store.source_ids(SourceKind::Deal, "csv:deals:").await? {
            refs.deals.insert(source, Some(DealId(id)));
        }
        Ok(refs)
    }

    fn account(&mut self, name: &str, domain: Option<&str>, id: AccountId) {
        note(&mut self.accounts, name.to_lowercase(), id);
        if let Some(domain) = domain {
            note(&mut self.accounts, domain.to_owned(), id);
        }
    }

    /// The one record `shown` names, looked up under each of `keys`; `None` when not given.
    fn find<T: Copy>(
        map: &HashMap<String, Option<T>>,
        (shown, keys): (Option<&str>, Vec<String>),
        rows: &Rows<impl Record>,
        column: &str,
        what: &str,
    ) -> Result<Option<T>, RowError> {
        let Some(shown) = shown else {
            return Ok(None);
        };
        match keys.iter().find_map(|k| map.get(k)) {
            Some(Some(id)) => Ok(Some(*id)),
            Some(None) => Err(fault(
                rows,
                column,
                format!("{shown:?} names more than one {what}; give ids instead"),
            )),
            None => Err(fault(rows, column, format!("no {what} is {shown:?}"))),
        }
    }
}

/// One import in progress.
struct Run<'a> {
    w: Writer<'a>,
    owners: Owners,
    refs: Refs,
    currency: Currency,
    stages: HashMap<String, Stage>,
    now: DateTime<Utc>,
}

/// An account reference and its lookup keys: the domain it is, or its name.
fn account_keys(text: Option<&str>) -> (Option<&str>, Vec<String>) {
    let keys = text.map_or_else(Vec::new, |t| {
        domain(t).into_iter().chain([t.to_lowercase()]).collect()
    });
    (text, keys)
}

/// A contact reference (an email) and its lookup key.
fn contact_keys(text: Option<&str>) -> (Option<&str>, Vec<String>) {
    (text, text.iter().map(|t| t.to_lowercase()).collect())
}

impl Run<'_> {
    async fn accounts(&mut self, mut rows: Rows<CsvAccount>) -> anyhow::Result<()> {
        let mut batch: Vec<(String, Account)> = Vec::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            let item = match row {
                Ok(a) => match self
                    .owners
                    .or_operator(&mut self.w, a.owner.as_ref(), &rows, "owner")
                    .await?
                {
                    Ok(owner) => self.account(a, owner, &rows),
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            if self.w.take(item, &mut batch)? {
                self.write_accounts(&mut batch).await?;
            }
        }
        self.write_accounts(&mut batch).await
    }

    fn account(
        &self,
        a: CsvAccount,
        owner: baton_model::UserId,
        rows: &Rows<CsvAccount>,
    ) -> Result<(String, Account), RowError> {
        let domain = a.domain.as_deref().and_then(domain);
        let name = a
            .name
            .or_else(|| domain.clone())
            .ok_or_else(|| fault(rows, "name", "is empty, as is the domain"))?;
        let currency = a.currency.unwrap_or(self.currency);
        let revenue = a
            .annual_revenue
            .map(|r| to_minor(r, currency.exponent()))
            .transpose()
            .map_err(|reason| fault(rows, "annual_revenue", reason))?;
        let key = match (&a.id, &domain) {
            (Some(id), _) => id.clone(),
            (None, Some(domain)) => format!("domain:{domain}"),
            (None, None) => format!("name:{}", name.to_lowercase()),
        };
        if a.tier.is_some_and(|t| !(1..=5).contains(&t)) {
            return Err(fault(rows, "tier", "must be from 1 (top) to 5"));
        }
        let created = a.created.unwrap_or(self.now);
        Ok((
            format!("csv:accounts:{key}"),
            Account {
                id: AccountId(0),
                name,
                domain,
                industry: a.industry,
                employees: a.employees,
                annual_revenue_minor: revenue,
                currency,
                tier: a.tier,
                owner_id: owner,
                custom_fields: serde_json::Map::new(),
                archived_at: None,
                version: 1,
                created_at: created,
                updated_at: created,
            },
        ))
    }

    async fn write_accounts(&mut self, batch: &mut Vec<(String, Account)>) -> anyhow::Result<()> {
        let items = dedupe(std::mem::take(batch));
        let ids = self.w.chunk().await?.accounts(&items).await?;
        for ((_, a), id) in items.iter().zip(ids) {
            self.refs
                .account(&a.name, a.domain.as_deref(), AccountId(id));
        }
        self.w.wrote(items.len()).await
    }

    async fn contacts(&mut self, mut rows: Rows<CsvContact>) -> anyhow::Result<()> {
        let mut batch: Vec<(String, Contact)> = Vec::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            let item = match row {
                Ok(c) => match self
                    .owners
                    .or_operator(&mut self.w, c.owner.as_ref(), &rows, "owner")
                    .await?
                {
                    Ok(owner) => self.contact(c, owner, &rows),
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            if self.w.take(item, &mut batch)? {
                self.write_contacts(&mut batch).await?;
            }
        }
        self.write_contacts(&mut batch).await
    }

    fn contact(
        &self,
        c: CsvContact,
        owner: baton_model::UserId,
        rows: &Rows<CsvContact>,
    ) -> Result<(String, Contact), RowError> {
        let account = Refs::find(
            &self.refs.accounts,
            account_keys(c.account.as_deref()),
            rows,
            "account",
            "account",
        )?;
        let email = c
            .email
            .as_deref()
            .map(Email::from_str)
            .transpose()
            .map_err(|e| fault(rows, "email", e.to_string()))?;
        let (first_name, last_name) = match (c.first_name, c.last_name, c.name) {
            (first, Some(last), _) => (first, last),
            (first, None, Some(full)) => match full.trim().rsplit_once(' ') {
                Some((given, family)) if first.is_none() => {
                    (Some(given.trim().to_owned()), family.to_owned())
                }
                _ => (first, full),
            },
            (Some(first), None, None) => (None, first),
            (None, None, None) => match &email {
                Some(email) => (None, email.as_str().to_owned()),
                None => return Err(fault(rows, "last_name", "is empty, as are name and email")),
            },
        };
        let key = match (&c.id, &email) {
            (Some(id), _) => id.clone(),
            (None, Some(email)) => format!("email:{}", email.as_str().to_lowercase()),
            (None, None) => format!(
                "name:{}:{} {}",
                account.map_or(0, |a| a.0),
                first_name.as_deref().unwrap_or("").to_lowercase(),
                last_name.to_lowercase()
            ),
        };
        let created = c.created.unwrap_or(self.now);
        Ok((
            format!("csv:contacts:{key}"),
            Contact {
                id: ContactId(0),
                account_id: account,
                owner_id: owner,
                first_name,
                last_name,
                email,
                phone: c.phone,
                title: c.title,
                custom_fields: serde_json::Map::new(),
                archived_at: None,
                version: 1,
                created_at: created,
                updated_at: created,
            },
        ))
    }

    async fn write_contacts(&mut self, batch: &mut Vec<(String, Contact)>) -> anyhow::Result<()> {
        let items = dedupe(std::mem::take(batch));
        let ids = self.w.chunk().await?.contacts(&items).await?;
        for ((_, c), id) in items.iter().zip(ids) {
            if let Some(email) = &c.email {
                note(
                    &mut self.refs.contacts,
                    email.as_str().to_lowercase(),
                    ContactId(id),
                );
            }
        }
        self.w.wrote(items.len()).await
    }

    async fn deals(&mut self, mut rows: Rows<CsvDeal>) -> anyhow::Result<()> {
        let mut batch: Vec<(String, Deal, Option<ContactId>)> = Vec::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            let item = match row {
                Ok(d) => match self
                    .owners
                    .or_operator(&mut self.w, d.owner.as_ref(), &rows, "owner")
                    .await?
                {
                    Ok(owner) => self.deal(d, owner, &rows),
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            if self.w.take(item, &mut batch)? {
                self.write_deals(&mut batch).await?;
            }
        }
        self.write_deals(&mut batch).await
    }

    fn deal(
        &self,
        d: CsvDeal,
        owner: baton_model::UserId,
        rows: &Rows<CsvDeal>,
    ) -> Result<(String, Deal, Option<ContactId>), RowError> {
        let account = Refs::find(
            &self.refs.accounts,
            account_keys(d.account.as_deref()),
            rows,
            "account",
            "account",
        )?;
        let contact = Refs::find(
            &self.refs.contacts,
            contact_keys(d.contact.as_deref()),
            rows,
            "contact",
            "contact with that email",
        )?;
        let stage_name = d.stage.ok_or_else(|| fault(rows, "stage", "is empty"))?;
        let stage = self.stages.get(&stage_key(&stage_name)).ok_or_else(|| {
            fault(
                rows,
                "stage",
                format!(
                    "{stage_name:?} is not a stage of the default pipeline; add it, or import \
                     with --create-stages"
                ),
            )
        })?;
        let name = d.name.ok_or_else(|| fault(rows, "name", "is empty"))?;
        let currency = d.currency.unwrap_or(self.currency);
        let amount = d
            .amount
            .map(|a| to_minor(a, currency.exponent()))
            .transpose()
            .map_err(|reason| fault(rows, "amount", reason))?;
        let created = d.created.unwrap_or(self.now);
        let closed_at = (stage.outcome != StageOutcome::Open).then(|| {
            d.close_date
                .and_then(|c| c.and_hms_opt(0, 0, 0))
                .map_or(created, |t| t.and_utc())
        });
        let key = match &d.id {
            Some(id) => id.clone(),
            None => format!(
                "name:{}:{}",
                account.map_or(0, |a| a.0),
                name.to_lowercase()
            ),
        };
        Ok((
            format!("csv:deals:{key}"),
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
                custom_fields: serde_json::Map::new(),
                archived_at: None,
                version: 1,
                created_at: created,
                updated_at: created,
            },
            contact,
        ))
    }

    async fn write_deals(
        &mut self,
        batch: &mut Vec<(String, Deal, Option<ContactId>)>,
    ) -> anyhow::Result<()> {
        let mut contacts = HashMap::new();
        let items: Vec<(String, Deal)> = std::mem::take(batch)
            .into_iter()
            .map(|(key, deal, contact)| {
                contacts.insert(key.clone(), contact);
                (key, deal)
            })
            .collect();
        let items = dedupe(items);
        let ids = self.w.chunk().await?.deals(&items).await?;
        let mut links = Vec::new();
        for ((source, deal), id) in items.iter().zip(ids) {
            note(&mut self.refs.deals, deal.name.to_lowercase(), DealId(id));
            self.refs.deals.insert(source.clone(), Some(DealId(id)));
            if let Some(Some(contact)) = contacts.get(source) {
                links.push((
                    DealId(id),
                    DealContact {
                        contact_id: *contact,
                        role: None,
                        is_primary: true,
                    },
                ));
            }
        }
        self.w.chunk().await?.deal_contacts(&links).await?;
        self.w.wrote(items.len() + links.len()).await
    }

    async fn activities(&mut self, mut rows: Rows<CsvActivity>) -> anyhow::Result<()> {
        let mut batch: Vec<(String, Activity)> = Vec::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            let item = match row {
                Ok(a) => match self
                    .owners
                    .or_operator(&mut self.w, a.owner.as_ref(), &rows, "owner")
                    .await?
                {
                    Ok(owner) => self.activity(a, owner, &rows),
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            if self.w.take(item, &mut batch)? {
                let items = dedupe(std::mem::take(&mut batch));
                self.w.behind(Behind::Activities(items)).await?;
            }
        }
        self.w.behind(Behind::Activities(dedupe(batch))).await
    }

    fn activity(
        &self,
        a: CsvActivity,
        owner: baton_model::UserId,
        rows: &Rows<CsvActivity>,
    ) -> Result<(String, Activity), RowError> {
        let kind = a.kind.ok_or_else(|| {
            fault(
                rows,
                "kind",
                "is empty; expected call, email, meeting, note or task",
            )
        })?;
        let at =
            a.at.or_else(|| a.due_date.and_then(super::run::noon))
                .ok_or_else(|| fault(rows, "occurred_at", "is empty"))?;
        let about = (
            Refs::find(
                &self.refs.accounts,
                account_keys(a.account.as_deref()),
                rows,
                "account",
                "account",
            )?,
            Refs::find(
                &self.refs.contacts,
                contact_keys(a.contact.as_deref()),
                rows,
                "contact",
                "contact with that email",
            )?,
            Refs::find(
                &self.refs.deals,
                (
                    a.deal.as_deref(),
                    a.deal
                        .iter()
                        .flat_map(|d| [format!("csv:deals:{d}"), d.to_lowercase()])
                        .collect(),
                ),
                rows,
                "deal",
                "deal",
            )?,
        );
        let mut record = activity(kind, owner, at, about);
        record.direction = a.direction;
        record.thread_id = a.thread;
        record.ends_at = a.ends_at;
        if kind == ActivityKind::Meeting {
            record.meeting_status = Some(if at <= self.now {
                MeetingStatus::Held
            } else {
                MeetingStatus::Scheduled
            });
        }
        if kind == ActivityKind::Task {
            record.due_date = a.due_date.or(Some(at.date_naive()));
            record.completed_at = a.completed;
        }
        // Without an id, an activity is its kind, time, owner and subject.
        let key = a.id.clone().unwrap_or_else(|| {
            let subject: String = a
                .subject
                .as_deref()
                .unwrap_or("")
                .to_lowercase()
                .chars()
                .take(80)
                .collect();
            format!("{kind}:{}:{owner}:{subject}", at.timestamp())
        });
        record.subject = a.subject;
        record.body = a.body;
        Ok((format!("csv:activities:{key}"), record))
    }
}
