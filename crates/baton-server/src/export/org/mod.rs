//! The whole organisation (what the caller may see) as a Salesforce Data Export: one CSV per
//! object in one zip, with the objects and columns `baton import salesforce` reads
//! (`baton_import::salesforce::objects`), so that importing the zip gives the organisation back.
//!
//! Ids: a record that came from Salesforce keeps its id (`source_id` `sf:<id>`); any other gets
//! [`SfId::from_baton`]: the object's key prefix (`001` account, `003` contact, `005` user, `006`
//! opportunity, `00T` task, `00U` event, `02s` email…) and its Baton id, the same on every
//! export. Money is a decimal in major units beside `CurrencyIsoCode`; dates are ISO 8601;
//! times ISO 8601 in UTC. Custom fields are extra columns named `<key>__c`.
//!
//! Activities go where Salesforce keeps them: meetings in `Event.csv`; emails about a deal or an
//! account in `EmailMessage.csv` (with direction and thread); calls, to-dos, notes and emails
//! about neither in `Task.csv` (`TaskSubtype` Call, Task or Email; a call's direction in
//! `CallType`). Each file is read in pages of the visible list with filters on kind, never by
//! fetching everything and sorting in memory.

mod activities;
mod deals;

use super::PAGE;
use super::record::{Record, flag, major, time};
use activities::{EMAIL_FILTERS, EVENT_FILTERS, TASK_FILTERS};
use baton_import::formula::neutralise;
use baton_import::salesforce::{SfAccount, SfContact, SfEmail, SfEvent, SfTask, SfUser};
use baton_import::sfid::{SfId, prefix};
use baton_import::table::Record as _;
use baton_model::records::{CustomFieldEntity, Stage};
use baton_model::{StageId, UserId};
use baton_store::{Actor, ListQuery, SourceKind, Store, StoreError};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::io::{Seek, Write};
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

/// What an export wrote: the rows of each file, in the zip's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgExport {
    pub files: Vec<(String, u64)>,
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing the export: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("writing the export: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
}

type Result<T> = std::result::Result<T, ExportError>;

/// Writes what `actor` may see of the organisation to `out` as a zip of Salesforce CSV files.
pub async fn write_org<W: Write + Seek + Send>(
    store: &Store,
    actor: &Actor,
    out: W,
) -> Result<OrgExport> {
    let mut zip = Zip {
        zip: ZipWriter::new(out),
        done: OrgExport::default(),
    };
    let mut ctx = Ctx::load(store, actor).await?;
    ctx.users(&mut zip).await?;
    ctx.accounts(&mut zip).await?;
    ctx.contacts(&mut zip).await?;
    ctx.opportunities(&mut zip).await?;
    ctx.history(&mut zip).await?;
    ctx.contact_roles(&mut zip).await?;
    Ctx::split_types(&mut zip)?;
    ctx.splits(&mut zip).await?;
    ctx.activities(&mut zip, SfTask::OBJECT, SfTask::COLUMNS, TASK_FILTERS)
        .await?;
    ctx.activities(&mut zip, SfEvent::OBJECT, SfEvent::COLUMNS, EVENT_FILTERS)
        .await?;
    ctx.activities(&mut zip, SfEmail::OBJECT, SfEmail::COLUMNS, EMAIL_FILTERS)
        .await?;
    zip.zip.finish()?;
    Ok(zip.done)
}

/// The zip being written and what went into it.
struct Zip<W: Write + Seek> {
    zip: ZipWriter<W>,
    done: OrgExport,
}

impl<W: Write + Seek> Zip<W> {
    /// Starts `<object>.csv` with its header.
    fn sheet(
        &mut self,
        object: &'static str,
        columns: &[&str],
        extra: &[String],
    ) -> Result<Sheet<'_, W>> {
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        self.zip.start_file(format!("{object}.csv"), options)?;
        let mut csv = csv::Writer::from_writer(&mut self.zip);
        csv.write_record(
            columns
                .iter()
                .copied()
                .chain(extra.iter().map(String::as_str)),
        )?;
        Ok(Sheet {
            csv,
            rows: 0,
            object,
            done: &mut self.done,
        })
    }
}

/// One CSV file being written into the zip.
struct Sheet<'z, W: Write + Seek> {
    csv: csv::Writer<&'z mut ZipWriter<W>>,
    rows: u64,
    object: &'static str,
    done: &'z mut OrgExport,
}

impl<W: Write + Seek> Sheet<'_, W> {
    /// Writes one row, every cell neutralised against formulas.
    fn write(&mut self, record: &Record) -> Result<()> {
        for cell in record.cells() {
            self.csv.write_field(neutralise(cell).as_bytes())?;
        }
        self.csv.write_record(None::<&[u8]>)?;
        self.rows += 1;
        Ok(())
    }

    /// Ends the file and notes its rows.
    fn finish(mut self) -> Result<()> {
        self.csv.flush()?;
        self.done
            .files
            .push((format!("{}.csv", self.object), self.rows));
        Ok(())
    }
}

/// A page request of a list in id order, with `filters`.
fn page_query(filters: &[(&str, &str)], cursor: Option<String>) -> Result<ListQuery> {
    let mut list = ListQuery::from_pairs(
        filters
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    )?;
    list.limit = Some(PAGE);
    list.sort = Some("id".to_owned());
    list.cursor = cursor;
    Ok(list)
}

/// A record's id in the export: its Salesforce id when it came from Salesforce, else derived
/// from its Baton id.
fn export_id(key_prefix: &str, id: i64, source: Option<&String>) -> SfId {
    source
        .and_then(|s| s.strip_prefix("sf:"))
        .and_then(|s| SfId::parse(s).ok())
        .unwrap_or_else(|| SfId::from_baton(key_prefix, u64::try_from(id).unwrap_or(0)))
}

/// The export ids of `ids` (one query).
async fn export_ids(
    store: &Store,
    kind: SourceKind,
    key_prefix: &str,
    mut ids: Vec<i64>,
) -> Result<Ids> {
    ids.sort_unstable();
    ids.dedup();
    let sources = store.source_ids_of(kind, &ids).await?;
    Ok(Ids(ids
        .into_iter()
        .map(|id| (id, export_id(key_prefix, id, sources.get(&id))))
        .collect()))
}

/// Export ids by Baton id, for one page and the records it refers to.
#[derive(Default)]
struct Ids(HashMap<i64, SfId>);

impl Ids {
    fn of(&self, id: i64) -> SfId {
        self.0
            .get(&id)
            .copied()
            .unwrap_or_else(|| SfId::from_baton("000", 0))
    }

    fn opt(&self, id: Option<i64>) -> Option<SfId> {
        id.map(|id| self.of(id))
    }
}

/// A custom field's value as text.
fn custom_value(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn set_custom(record: &mut Record, columns: &[String], values: &Map<String, Value>) {
    for column in columns {
        let key = column.strip_suffix("__c").unwrap_or(column);
        if let Some(v) = values.get(key) {
            record.set(column, custom_value(v));
        }
    }
}

/// What every file needs: the caller, users, stages and custom fields.
struct Ctx<'a> {
    store: &'a Store,
    actor: &'a Actor,
    /// Every user's export id (users are few and every file refers to them).
    users: HashMap<UserId, SfId>,
    /// Every stage of every pipeline.
    stages: HashMap<StageId, Stage>,
    /// Custom field columns (`<key>__c`) per entity.
    custom: HashMap<CustomFieldEntity, Vec<String>>,
}

impl<'a> Ctx<'a> {
    async fn load(store: &'a Store, actor: &'a Actor) -> Result<Ctx<'a>> {
        let mut ctx = Ctx {
            store,
            actor,
            users: HashMap::new(),
            stages: HashMap::new(),
            custom: HashMap::new(),
        };
        let mut cursor = None;
        loop {
            let q = page_query(&[("archived", "any")], cursor)?;
            let page = store.list_pipelines(actor, &q).await?;
            for p in page.items {
                ctx.stages.extend(p.stages.into_iter().map(|s| (s.id, s)));
            }
            let Some(next) = page.next_cursor else { break };
            cursor = Some(next);
        }
        let mut cursor = None;
        loop {
            let page = store
                .list_custom_fields(actor, &page_query(&[], cursor)?)
                .await?;
            for f in page.items {
                ctx.custom
                    .entry(f.entity)
                    .or_default()
                    .push(format!("{}__c", f.key));
            }
            let Some(next) = page.next_cursor else { break };
            cursor = Some(next);
        }
        Ok(ctx)
    }

    fn columns(&self, entity: CustomFieldEntity) -> Vec<String> {
        self.custom.get(&entity).cloned().unwrap_or_default()
    }

    fn user(&self, id: UserId) -> SfId {
        self.users
            .get(&id)
            .copied()
            .unwrap_or_else(|| SfId::from_baton(prefix::USER, u64::try_from(id.0).unwrap_or(0)))
    }

    async fn users<W: Write + Seek>(&mut self, zip: &mut Zip<W>) -> Result<()> {
        // A team member's manager is their team's manager: with `ManagerId` the importer gives
        // managers the manager role.
        let mut managers: HashMap<UserId, UserId> = HashMap::new();
        let mut cursor = None;
        loop {
            let page = self
                .store
                .list_teams(self.actor, &page_query(&[], cursor)?)
                .await?;
            for t in page.items {
                if let Some(m) = t.manager_id {
                    for member in t.member_ids.into_iter().filter(|u| *u != m) {
                        managers.entry(member).or_insert(m);
                    }
                }
            }
            let Some(next) = page.next_cursor else { break };
            cursor = Some(next);
        }
        let mut sheet = zip.sheet(SfUser::OBJECT, SfUser::COLUMNS, &[])?;
        let mut cursor = None;
        let mut written = Vec::new();
        loop {
            let page = self
                .store
                .list_users(self.actor, &page_query(&[], cursor)?)
                .await?;
            let ids = export_ids(
                self.store,
                SourceKind::User,
                prefix::USER,
                page.items.iter().map(|u| u.id.0).collect(),
            )
            .await?;
            for u in &page.items {
                self.users.insert(u.id, ids.of(u.id.0));
                written.push(u.clone());
            }
            let Some(next) = page.next_cursor else { break };
            cursor = Some(next);
        }
        // Written once every user's id is known, for `ManagerId`.
        for u in &written {
            let (first, last) = match u.name.rsplit_once(' ') {
                Some((first, last)) => (Some(first), last),
                None => (None, u.name.as_str()),
            };
            let mut r = Record::new(SfUser::COLUMNS, &[]);
            r.set("Id", self.user(u.id))
                .set("Username", &u.email)
                .opt("FirstName", first)
                .set("LastName", last)
                .set("Name", &u.name)
                .set("Email", &u.email)
                .set("IsActive", flag(u.active))
                .opt("ManagerId", managers.get(&u.id).map(|m| self.user(*m)))
                .set("TimeZoneSidKey", u.time_zone)
                .set("CreatedDate", time(u.created_at));
            sheet.write(&r)?;
        }
        sheet.finish()
    }

    async fn accounts<W: Write + Seek>(&self, zip: &mut Zip<W>) -> Result<()> {
        let extra = self.columns(CustomFieldEntity::Account);
        let mut sheet = zip.sheet(SfAccount::OBJECT, SfAccount::COLUMNS, &extra)?;
        let mut cursor = None;
        loop {
            let q = page_query(&[], cursor)?;
            let page = self.store.list_accounts(self.actor, &q).await?;
            let ids = export_ids(
                self.store,
                SourceKind::Account,
                prefix::ACCOUNT,
                page.items.iter().map(|a| a.id.0).collect(),
            )
            .await?;
            for a in &page.items {
                let mut r = Record::new(SfAccount::COLUMNS, &extra);
                r.set("Id", ids.of(a.id.0))
                    .set("Name", &a.name)
                    .opt("Website", a.domain.as_ref())
                    .opt("Industry", a.industry.as_ref())
                    .opt("NumberOfEmployees", a.employees)
                    .opt(
                        "AnnualRevenue",
                        a.annual_revenue_minor.map(|m| major(m, a.currency)),
                    )
                    .set("CurrencyIsoCode", a.currency)
                    .set("OwnerId", self.user(a.owner_id))
                    .set("CreatedDate", time(a.created_at))
                    .set("LastModifiedDate", time(a.updated_at))
                    .set("IsDeleted", flag(false));
                set_custom(&mut r, &extra, &a.custom_fields);
                sheet.write(&r)?;
            }
            let Some(next) = page.next_cursor else { break };
            cursor = Some(next);
        }
        sheet.finish()
    }

    async fn contacts<W: Write + Seek>(&self, zip: &mut Zip<W>) -> Result<()> {
        let extra = self.columns(CustomFieldEntity::Contact);
        let mut sheet = zip.sheet(SfContact::OBJECT, SfContact::COLUMNS, &extra)?;
        let mut cursor = None;
        loop {
            let q = page_query(&[], cursor)?;
            let page = self.store.list_contacts(self.actor, &q).await?;
            let ids = export_ids(
                self.store,
                SourceKind::Contact,
                prefix::CONTACT,
                page.items.iter().map(|c| c.id.0).collect(),
            )
            .await?;
            let accounts = export_ids(
                self.store,
                SourceKind::Account,
                prefix::ACCOUNT,
                page.items
                    .iter()
                    .filter_map(|c| c.account_id.map(|a| a.0))
                    .collect(),
            )
            .await?;
            for c in &page.items {
                let mut r = Record::new(SfContact::COLUMNS, &extra);
                r.set("Id", ids.of(c.id.0))
                    .opt("AccountId", accounts.opt(c.account_id.map(|a| a.0)))
                    .opt("FirstName", c.first_name.as_ref())
                    .set("LastName", &c.last_name)
                    .opt("Email", c.email.as_ref())
                    .opt("Phone", c.phone.as_ref())
                    .opt("Title", c.title.as_ref())
                    .set("OwnerId", self.user(c.owner_id))
                    .set("CreatedDate", time(c.created_at))
                    .set("IsDeleted", flag(false));
                set_custom(&mut r, &extra, &c.custom_fields);
                sheet.write(&r)?;
            }
            let Some(next) = page.next_cursor else { break };
            cursor = Some(next);
        }
        sheet.finish()
    }
}
