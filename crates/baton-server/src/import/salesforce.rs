//! A Salesforce Data Export into Baton, object by object in dependency order: users, accounts,
//! contacts, opportunities (into the default pipeline), their history, contact roles and splits,
//! then tasks, events and emails. References are resolved through the Salesforce ids records
//! keep (`sf:<18-character id>`); a row whose reference resolves to nothing is rejected with
//! its file, line and field.

use super::report::{Report, Watch};
use super::run::{
    About, Behind, Extras, Writer, activity, dedupe, domain, fault, forecast, noon,
    pipeline_stages, stage_key,
};
use super::{CHUNK, skipped};
use baton_import::SfId;
use baton_import::salesforce::{
    ExportFiles, Record, RowError, Rows, SfAccount, SfContact, SfContactRole, SfEmail, SfEvent,
    SfOpportunity, SfOpportunityHistory, SfSplit, SfSplitType, SfTask, SfUser, StagePicklist,
    read_dir,
};
use baton_import::sfid::prefix;
use baton_model::activity::{ActivityKind, Direction, MeetingStatus};
use baton_model::imports::{ImportOptions, ImportSummary};
use baton_model::pipeline::StageOutcome;
use baton_model::records::{
    Account, Activity, Contact, CustomFieldEntity, Deal, DealContact, DealSplit, FieldChange,
    SplitKind, Stage,
};
use baton_model::{AccountId, ContactId, Currency, DealId, Email, Percent, Role, UserId};
use baton_store::{Actor, ImportedUser, SourceKind, Store};
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
    let files = read_dir(dir).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", dir.display()))?;
    if files.found.is_empty() {
        anyhow::bail!(
            "{} holds no Salesforce export files (User.csv, Account.csv, Opportunity.csv, …)",
            dir.display()
        );
    }
    let mut report = Report::create(
        report_path,
        files.found.iter().map(|(_, p)| p.as_path()),
        watch,
    )?;
    skipped(&mut report, &files.unrecognised, report_path, "an object");
    let currency = store.org_settings().await?.currency;
    let stages = stages(store, &actor, &mut report, &files, options.create_stages).await?;
    // Before the first chunk's transaction: defining fields takes a connection of its own.
    let mut extras = Extras::new(store, actor, options.custom_fields);
    if let Some(rows) = open_rows::<SfAccount>(&files)? {
        extras
            .prepare(CustomFieldEntity::Account, &rows, &mut report)
            .await?;
    }
    if let Some(rows) = open_rows::<SfContact>(&files)? {
        extras
            .prepare(CustomFieldEntity::Contact, &rows, &mut report)
            .await?;
    }
    if let Some(rows) = open_rows::<SfOpportunity>(&files)? {
        extras
            .prepare(CustomFieldEntity::Deal, &rows, &mut report)
            .await?;
    }
    let mut run = Run {
        w: Writer::new(store, actor.user_id, options.all_or_nothing, report).await?,
        extras,
        ids: Ids::load(store).await?,
        currency,
        stages,
        now: Utc::now(),
    };
    run.users(&files).await?;
    run.accounts(&files).await?;
    run.contacts(&files).await?;
    run.w.defer_indexes("deals").await?;
    run.opportunities(&files).await?;
    run.w.defer_indexes("field_history").await?;
    run.history(&files).await?;
    run.contact_roles(&files).await?;
    run.splits(&files).await?;
    run.w.defer_indexes("activities").await?;
    run.tasks(&files).await?;
    run.events(&files).await?;
    run.emails(&files).await?;
    run.w.finish().await
}

/// The default pipeline's stages, with the export's missing ones added when asked; the
/// picklist comes from the opportunities and, for stages since renamed or retired, the history.
async fn stages(
    store: &Store,
    actor: &Actor,
    report: &mut Report,
    files: &ExportFiles,
    create: bool,
) -> anyhow::Result<HashMap<String, Stage>> {
    pipeline_stages(store, actor, report, create, || {
        let mut picklist = StagePicklist::new();
        if let Some(rows) = files.open::<SfOpportunity>() {
            for o in rows?.flatten() {
                picklist.add_opportunity(&o);
            }
        }
        if let Some(rows) = files.open::<SfOpportunityHistory>() {
            for h in rows?.flatten() {
                picklist.add_history(&h);
            }
        }
        Ok(picklist.finish())
    })
    .await
}

/// Baton ids of the records imported so far, by Salesforce id.
struct Ids {
    users: HashMap<SfId, UserId>,
    accounts: HashMap<SfId, AccountId>,
    contacts: HashMap<SfId, ContactId>,
    deals: HashMap<SfId, DealId>,
    /// The last history snapshot of each opportunity, to record what changed.
    snapshots: HashMap<DealId, Snapshot>,
    /// Split type ids: revenue (true) or overlay.
    split_types: HashMap<SfId, bool>,
    /// Owners of the deals and accounts of this export, who own their emails.
    deal_owners: HashMap<DealId, UserId>,
    account_owners: HashMap<AccountId, UserId>,
}

impl Ids {
    async fn load(store: &Store) -> anyhow::Result<Ids> {
        async fn of(store: &Store, kind: SourceKind) -> anyhow::Result<HashMap<SfId, i64>> {
            Ok(store
                .source_ids(kind, "sf:")
                .await?
                .into_iter()
                .filter_map(|(s, id)| Some((SfId::parse(s.strip_prefix("sf:")?).ok()?, id)))
                .collect())
        }
        Ok(Ids {
            users: map(of(store, SourceKind::User).await?, UserId),
            accounts: map(of(store, SourceKind::Account).await?, AccountId),
            contacts: map(of(store, SourceKind::Contact).await?, ContactId),
            deals: map(of(store, SourceKind::Deal).await?, DealId),
            snapshots: HashMap::new(),
            split_types: HashMap::new(),
            deal_owners: HashMap::new(),
            account_owners: HashMap::new(),
        })
    }
}

fn map<T>(ids: HashMap<SfId, i64>, wrap: impl Fn(i64) -> T) -> HashMap<SfId, T> {
    ids.into_iter().map(|(k, v)| (k, wrap(v))).collect()
}

fn source(id: &SfId) -> String {
    format!("sf:{}", id.as_str())
}

/// What history records of an opportunity, as of its last history row.
#[derive(Clone, PartialEq)]
struct Snapshot {
    stage: Option<String>,
    amount: Option<String>,
    close_date: Option<String>,
    forecast: Option<String>,
}

/// One import in progress.
struct Run<'a> {
    w: Writer<'a>,
    extras: Extras<'a>,
    ids: Ids,
    currency: Currency,
    stages: HashMap<String, Stage>,
    now: DateTime<Utc>,
}

impl Run<'_> {
    fn user(
        &self,
        id: Option<&SfId>,
        rows: &Rows<impl Record>,
        field: &str,
    ) -> Result<UserId, RowError> {
        let id = id.ok_or_else(|| fault(rows, field, "is empty; every record needs an owner"))?;
        self.ids.users.get(id).copied().ok_or_else(|| {
            fault(
                rows,
                field,
                format!("{} is not a user in User.csv", id.as_str()),
            )
        })
    }

    fn optional<T: Copy>(
        map: &HashMap<SfId, T>,
        id: Option<&SfId>,
        rows: &Rows<impl Record>,
        field: &str,
        what: &str,
    ) -> Result<Option<T>, RowError> {
        match id {
            None => Ok(None),
            Some(id) => map.get(id).copied().map(Some).ok_or_else(|| {
                fault(
                    rows,
                    field,
                    format!("{} is not {what} in this export", id.as_str()),
                )
            }),
        }
    }

    /// [`Run::optional`] for a reference every row must have.
    fn required<T: Copy>(
        map: &HashMap<SfId, T>,
        id: Option<&SfId>,
        rows: &Rows<impl Record>,
        field: &str,
        what: &str,
    ) -> Result<T, RowError> {
        Self::optional(map, id, rows, field, what)?.ok_or_else(|| fault(rows, field, "is empty"))
    }

    async fn users(&mut self, files: &ExportFiles) -> anyhow::Result<()> {
        let Some(mut rows) = open_rows::<SfUser>(files)? else {
            return Ok(());
        };
        let mut people = Vec::new();
        let mut managers = std::collections::HashSet::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            let user = match row {
                Ok(u) => u,
                Err(e) => {
                    self.w.report.reject(&e)?;
                    continue;
                }
            };
            let Some(email) = user.email.clone().filter(|e| Email::from_str(e).is_ok()) else {
                self.w.report.reject(&fault(
                    &rows,
                    "Email",
                    "is not an email address; users are matched by email",
                ))?;
                continue;
            };
            if let Some(m) = &user.manager_id {
                managers.insert(*m);
            }
            let name = user
                .name
                .clone()
                .or_else(|| {
                    let joined = [user.first_name.as_deref(), user.last_name.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ");
                    (!joined.is_empty()).then_some(joined)
                })
                .unwrap_or_else(|| email.clone());
            let time_zone = user
                .time_zone
                .clone()
                .filter(|tz| tz.parse::<chrono_tz::Tz>().is_ok())
                .unwrap_or_else(|| "UTC".to_owned());
            people.push((
                user.id,
                ImportedUser {
                    email,
                    name,
                    role: Role::Rep,
                    time_zone,
                    active: false,
                },
            ));
        }
        let items: Vec<(String, ImportedUser)> = people
            .into_iter()
            .map(|(id, mut u)| {
                if managers.contains(&id) {
                    u.role = Role::Manager;
                }
                (source(&id), u)
            })
            .collect();
        let ids = self.w.chunk().await?.users(&items).await?;
        for ((source, _), id) in items.iter().zip(ids) {
            if let Ok(sf) = SfId::parse(&source[3..]) {
                self.ids.users.insert(sf, id);
            }
        }
        self.w.wrote(items.len()).await
    }

    async fn accounts(&mut self, files: &ExportFiles) -> anyhow::Result<()> {
        let Some(mut rows) = open_rows::<SfAccount>(files)? else {
            return Ok(());
        };
        let mut batch: Vec<(SfId, Account)> = Vec::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            let item = row.and_then(|a| self.account(a, &rows));
            if self.w.take(item, &mut batch)? {
                self.write_accounts(&mut batch).await?;
            }
        }
        self.write_accounts(&mut batch).await
    }

    fn account(&self, a: SfAccount, rows: &Rows<SfAccount>) -> Result<(SfId, Account), RowError> {
        let owner = self.user(a.owner_id.as_ref(), rows, "OwnerId")?;
        let name = a.name.ok_or_else(|| fault(rows, "Name", "is empty"))?;
        let created = a.created_date.unwrap_or(self.now);
        Ok((
            a.id,
            Account {
                id: AccountId(0),
                name,
                domain: a.website.as_deref().and_then(domain),
                industry: a.industry,
                employees: a.number_of_employees,
                annual_revenue_minor: a.annual_revenue.map(|m| m.minor),
                currency: a.annual_revenue.map_or(self.currency, |m| m.currency),
                tier: None,
                owner_id: owner,
                custom_fields: self.extras.values(CustomFieldEntity::Account, a.extra),
                archived_at: None,
                version: 1,
                created_at: created,
                updated_at: a.last_modified_date.unwrap_or(created),
            },
        ))
    }

    async fn write_accounts(&mut self, batch: &mut Vec<(SfId, Account)>) -> anyhow::Result<()> {
        let (sfs, items) = sourced(dedupe(std::mem::take(batch)));
        let ids = self.w.chunk().await?.accounts(&items).await?;
        for ((sf, (_, account)), id) in sfs.iter().zip(&items).zip(ids) {
            self.ids.accounts.insert(*sf, AccountId(id));
            self.ids
                .account_owners
                .insert(AccountId(id), account.owner_id);
        }
        self.w.wrote(items.len()).await
    }

    async fn contacts(&mut self, files: &ExportFiles) -> anyhow::Result<()> {
        let Some(mut rows) = open_rows::<SfContact>(files)? else {
            return Ok(());
        };
        let mut batch: Vec<(SfId, Contact)> = Vec::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            let item = row.and_then(|c| self.contact(c, &rows));
            if self.w.take(item, &mut batch)? {
                self.write_contacts(&mut batch).await?;
            }
        }
        self.write_contacts(&mut batch).await
    }

    fn contact(&self, c: SfContact, rows: &Rows<SfContact>) -> Result<(SfId, Contact), RowError> {
        let owner = self.user(c.owner_id.as_ref(), rows, "OwnerId")?;
        let account = Self::optional(
            &self.ids.accounts,
            c.account_id.as_ref(),
            rows,
            "AccountId",
            "an account",
        )?;
        let last_name = c
            .last_name
            .ok_or_else(|| fault(rows, "LastName", "is empty"))?;
        let email = match c.email.as_deref() {
            None => None,
            Some(text) => {
                Some(Email::from_str(text).map_err(|e| fault(rows, "Email", e.to_string()))?)
            }
        };
        let created = c.created_date.unwrap_or(self.now);
        Ok((
            c.id,
            Contact {
                id: ContactId(0),
                account_id: account,
                owner_id: owner,
                first_name: c.first_name,
                last_name,
                email,
                phone: c.phone,
                title: c.title,
                custom_fields: self.extras.values(CustomFieldEntity::Contact, c.extra),
                archived_at: None,
                version: 1,
                created_at: created,
                updated_at: created,
            },
        ))
    }

    async fn write_contacts(&mut self, batch: &mut Vec<(SfId, Contact)>) -> anyhow::Result<()> {
        let (sfs, items) = sourced(dedupe(std::mem::take(batch)));
        let ids = self.w.chunk().await?.contacts(&items).await?;
        for (sf, id) in sfs.iter().zip(ids) {
            self.ids.contacts.insert(*sf, ContactId(id));
        }
        self.w.wrote(items.len()).await
    }

    async fn opportunities(&mut self, files: &ExportFiles) -> anyhow::Result<()> {
        let Some(mut rows) = open_rows::<SfOpportunity>(files)? else {
            return Ok(());
        };
        let mut batch: Vec<(SfId, Deal)> = Vec::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            let item = row.and_then(|o| self.deal(o, &rows));
            if self.w.take(item, &mut batch)? {
                self.write_deals(&mut batch).await?;
            }
        }
        self.write_deals(&mut batch).await
    }

    fn stage(&self, name: Option<&str>, rows: &Rows<impl Record>) -> Result<&Stage, RowError> {
        let name = name.ok_or_else(|| fault(rows, "StageName", "is empty"))?;
        self.stages.get(&stage_key(name)).ok_or_else(|| {
            fault(
                rows,
                "StageName",
                format!(
                    "{name:?} is not a stage of the default pipeline; add it, or import with \
                     --create-stages"
                ),
            )
        })
    }

    fn deal(&self, o: SfOpportunity, rows: &Rows<SfOpportunity>) -> Result<(SfId, Deal), RowError> {
        let owner = self.user(o.owner_id.as_ref(), rows, "OwnerId")?;
        let account = Self::optional(
            &self.ids.accounts,
            o.account_id.as_ref(),
            rows,
            "AccountId",
            "an account",
        )?;
        let stage = self.stage(o.stage_name.as_deref(), rows)?;
        let name = o.name.ok_or_else(|| fault(rows, "Name", "is empty"))?;
        let created = o.created_date.unwrap_or(self.now);
        // A closed deal closed at the start of its close date, or else when last changed.
        let closed_at = (stage.outcome != StageOutcome::Open).then(|| {
            o.close_date
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map_or(o.last_modified_date.unwrap_or(created), |d| d.and_utc())
        });
        Ok((
            o.id,
            Deal {
                id: DealId(0),
                name,
                account_id: account,
                owner_id: owner,
                pipeline_id: stage.pipeline_id,
                stage_id: stage.id,
                amount_minor: o.amount.map(|m| m.minor),
                currency: o.amount.map_or(self.currency, |m| m.currency),
                close_date: o.close_date,
                payment_date: None,
                forecast_category: o
                    .forecast_category_name
                    .as_deref()
                    .and_then(forecast)
                    .unwrap_or(stage.forecast_category),
                next_step: o.next_step,
                lost_reason: None,
                source: o.lead_source,
                closed_at,
                splits: Vec::new(),
                contacts: Vec::new(),
                custom_fields: self.extras.values(CustomFieldEntity::Deal, o.extra),
                archived_at: None,
                version: 1,
                created_at: created,
                updated_at: o.last_modified_date.unwrap_or(created),
            },
        ))
    }

    async fn write_deals(&mut self, batch: &mut Vec<(SfId, Deal)>) -> anyhow::Result<()> {
        let (sfs, items) = sourced(dedupe(std::mem::take(batch)));
        let ids = self.w.chunk().await?.deals(&items).await?;
        for ((sf, (_, deal)), id) in sfs.iter().zip(&items).zip(ids) {
            self.ids.deals.insert(*sf, DealId(id));
            self.ids.deal_owners.insert(DealId(id), deal.owner_id);
        }
        self.w.wrote(items.len()).await
    }

    /// Each history row is a snapshot; what differs from the opportunity's previous one is a
    /// field change (all of it, for the first). Rows are taken in file order, which is the
    /// order Salesforce creates them in.
    async fn history(&mut self, files: &ExportFiles) -> anyhow::Result<()> {
        let Some(mut rows) = open_rows::<SfOpportunityHistory>(files)? else {
            return Ok(());
        };
        let mut batch: Vec<(String, FieldChange)> = Vec::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            match row.and_then(|h| self.changes(&h, &rows)) {
                Ok(changes) => batch.extend(changes),
                Err(e) => self.w.report.reject(&e)?,
            }
            if batch.len() >= CHUNK {
                self.w
                    .behind(Behind::History(std::mem::take(&mut batch)))
                    .await?;
            }
        }
        self.w.behind(Behind::History(batch)).await
    }

    fn changes(
        &mut self,
        h: &SfOpportunityHistory,
        rows: &Rows<SfOpportunityHistory>,
    ) -> Result<Vec<(String, FieldChange)>, RowError> {
        let deal = Self::required(
            &self.ids.deals,
            h.opportunity_id.as_ref(),
            rows,
            "OpportunityId",
            "an opportunity",
        )?;
        let stage = match h.stage_name.as_deref() {
            Some(name) => Some(self.stage(Some(name), rows)?.id.to_string()),
            None => None,
        };
        let currency = h.currency.unwrap_or(self.currency);
        let amount = match h.amount {
            None => None,
            Some(major) => {
                let minor = major * Decimal::from(10_i64.pow(u32::from(currency.exponent())));
                if minor.fract() != Decimal::ZERO {
                    return Err(fault(
                        rows,
                        "Amount",
                        format!("{major} has more decimals than {currency} allows"),
                    ));
                }
                Some(
                    i64::try_from(minor.mantissa() / 10_i128.pow(minor.scale()))
                        .map_err(|_| fault(rows, "Amount", "is too large"))?
                        .to_string(),
                )
            }
        };
        let now = Snapshot {
            stage,
            amount,
            close_date: h.close_date.map(|d| d.to_string()),
            forecast: h
                .forecast_category
                .as_deref()
                .and_then(forecast)
                .map(|f| f.as_str().to_owned()),
        };
        let actor = h
            .created_by_id
            .as_ref()
            .and_then(|id| self.ids.users.get(id).copied());
        let at = h.created_date.unwrap_or(self.now);
        let before = self.ids.snapshots.insert(deal, now.clone());
        let mut out = Vec::new();
        let mut change = |field: &str, old: Option<&String>, new: &Option<String>| {
            if before.is_some() && old == new.as_ref() {
                return;
            }
            if new.is_none() && old.is_none() {
                return;
            }
            out.push((
                format!("sf:{}:{field}", h.id.as_str()),
                FieldChange {
                    id: 0,
                    entity: "deal".to_owned(),
                    entity_id: deal.0,
                    field: field.to_owned(),
                    old_value: old.cloned(),
                    new_value: new.clone(),
                    actor_id: actor,
                    changed_at: at,
                },
            ));
        };
        let b = before.as_ref();
        change("stage_id", b.and_then(|s| s.stage.as_ref()), &now.stage);
        change(
            "amount_minor",
            b.and_then(|s| s.amount.as_ref()),
            &now.amount,
        );
        change(
            "close_date",
            b.and_then(|s| s.close_date.as_ref()),
            &now.close_date,
        );
        change(
            "forecast_category",
            b.and_then(|s| s.forecast.as_ref()),
            &now.forecast,
        );
        Ok(out)
    }

    async fn contact_roles(&mut self, files: &ExportFiles) -> anyhow::Result<()> {
        let Some(mut rows) = open_rows::<SfContactRole>(files)? else {
            return Ok(());
        };
        let mut batch: Vec<(DealId, DealContact)> = Vec::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            let item = row.and_then(|r| {
                let deal = Self::required(
                    &self.ids.deals,
                    r.opportunity_id.as_ref(),
                    &rows,
                    "OpportunityId",
                    "an opportunity",
                )?;
                let contact = Self::required(
                    &self.ids.contacts,
                    r.contact_id.as_ref(),
                    &rows,
                    "ContactId",
                    "a contact",
                )?;
                Ok((
                    deal,
                    DealContact {
                        contact_id: contact,
                        role: r.role,
                        is_primary: r.is_primary.unwrap_or(false),
                    },
                ))
            });
            if self.w.take(item, &mut batch)? {
                let items = std::mem::take(&mut batch);
                self.w.chunk().await?.deal_contacts(&items).await?;
                self.w.wrote(items.len()).await?;
            }
        }
        self.w.chunk().await?.deal_contacts(&batch).await?;
        self.w.wrote(batch.len()).await
    }

    /// Splits, grouped by opportunity as Salesforce writes them together; a group whose
    /// revenue splits do not add up to 100 % is rejected whole.
    async fn splits(&mut self, files: &ExportFiles) -> anyhow::Result<()> {
        if let Some(rows) = open_rows::<SfSplitType>(files)? {
            for t in rows.flatten() {
                // The revenue type is the one whose splits must total 100 %.
                let revenue = t.is_total_validated.unwrap_or_else(|| {
                    t.master_label
                        .as_deref()
                        .or(t.developer_name.as_deref())
                        .is_none_or(|n| n.to_lowercase().contains("revenue"))
                });
                self.ids.split_types.insert(t.id, revenue);
            }
        }
        let Some(mut rows) = open_rows::<SfSplit>(files)? else {
            return Ok(());
        };
        let mut groups: Vec<(DealId, Vec<DealSplit>)> = Vec::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            let item = row.and_then(|s| {
                let deal = Self::required(
                    &self.ids.deals,
                    s.opportunity_id.as_ref(),
                    &rows,
                    "OpportunityId",
                    "an opportunity",
                )?;
                let user = self.user(s.split_owner_id.as_ref(), &rows, "SplitOwnerId")?;
                let percent = s
                    .split_percentage
                    .ok_or_else(|| fault(&rows, "SplitPercentage", "is empty"))?;
                let basis_points = percent * Decimal::from(100);
                let percent = i64::try_from(basis_points.trunc().mantissa())
                    .ok()
                    .filter(|_| basis_points.fract().is_zero())
                    .and_then(|bp| Percent::from_basis_points(bp).ok())
                    .ok_or_else(|| {
                        fault(
                            &rows,
                            "SplitPercentage",
                            format!("{percent} is not a percentage between 0.01 and 100"),
                        )
                    })?;
                let revenue = match (&s.split_type, &s.split_type_id) {
                    (Some(name), _) => name.to_lowercase().contains("revenue"),
                    (None, Some(id)) => self.ids.split_types.get(id).copied().unwrap_or(true),
                    (None, None) => true,
                };
                let kind = if revenue {
                    SplitKind::Revenue
                } else {
                    SplitKind::Overlay
                };
                Ok((
                    deal,
                    DealSplit {
                        user_id: user,
                        kind,
                        percent,
                    },
                ))
            });
            match item {
                Ok((deal, split)) => match groups.last_mut() {
                    Some((d, splits)) if *d == deal => splits.push(split),
                    _ => groups.push((deal, vec![split])),
                },
                Err(e) => self.w.report.reject(&e)?,
            }
            if groups.len() >= CHUNK {
                let ready = groups.pop();
                let items = std::mem::take(&mut groups);
                self.write_splits(items).await?;
                groups.extend(ready);
            }
        }
        self.write_splits(groups).await
    }

    async fn write_splits(&mut self, groups: Vec<(DealId, Vec<DealSplit>)>) -> anyhow::Result<()> {
        let mut good = Vec::with_capacity(groups.len());
        for (deal, splits) in groups {
            let revenue: i64 = splits
                .iter()
                .filter(|s| s.kind == SplitKind::Revenue)
                .map(|s| s.percent.basis_points())
                .sum();
            if revenue == 10_000 || revenue == 0 {
                good.push((deal, splits));
            } else {
                self.w.report.reject(&RowError {
                    file: "OpportunitySplit.csv".to_owned(),
                    line: 0,
                    field: Some("SplitPercentage".to_owned()),
                    reason: format!(
                        "the revenue splits of deal {deal} add up to {} %, not 100 %; none of its splits were imported",
                        Decimal::new(revenue, 2)
                    ),
                })?;
            }
        }
        self.w.chunk().await?.deal_splits(&good).await?;
        self.w.wrote(good.len()).await
    }

    /// What a task, event or email is about: a deal or an account (`WhatId`), and a contact.
    fn about(
        &self,
        what: Option<&SfId>,
        who: Option<&SfId>,
        rows: &Rows<impl Record>,
        what_field: &str,
    ) -> Result<About, RowError> {
        let (mut account, mut deal) = (None, None);
        if let Some(id) = what {
            match id.key_prefix() {
                prefix::OPPORTUNITY => {
                    deal = Self::optional(
                        &self.ids.deals,
                        Some(id),
                        rows,
                        what_field,
                        "an opportunity",
                    )?;
                }
                prefix::ACCOUNT => {
                    account = Self::optional(
                        &self.ids.accounts,
                        Some(id),
                        rows,
                        what_field,
                        "an account",
                    )?;
                }
                // Campaigns, cases, custom objects: not kept.
                _ => {}
            }
        }
        let contact = match who {
            Some(id) if id.key_prefix() == prefix::CONTACT => {
                Self::optional(&self.ids.contacts, Some(id), rows, "WhoId", "a contact")?
            }
            // Leads are not imported.
            _ => None,
        };
        Ok((account, contact, deal))
    }

    async fn tasks(&mut self, files: &ExportFiles) -> anyhow::Result<()> {
        let Some(mut rows) = open_rows::<SfTask>(files)? else {
            return Ok(());
        };
        let mut batch = Vec::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            let item = row.and_then(|t| {
                let owner = self.user(t.owner_id.as_ref(), &rows, "OwnerId")?;
                let about = self.about(t.what_id.as_ref(), t.who_id.as_ref(), &rows, "WhatId")?;
                let kind = match t.task_subtype.as_deref().map(str::to_lowercase).as_deref() {
                    Some("call") => ActivityKind::Call,
                    Some("email") => ActivityKind::Email,
                    _ => ActivityKind::Task,
                };
                let at = t
                    .completed_date_time
                    .or_else(|| t.activity_date.and_then(noon))
                    .or(t.created_date)
                    .ok_or_else(|| {
                        fault(
                            &rows,
                            "CreatedDate",
                            "is empty, as are ActivityDate and CompletedDateTime",
                        )
                    })?;
                let mut a = activity(kind, owner, at, about);
                a.subject = t.subject;
                a.body = t.description;
                if kind == ActivityKind::Email {
                    a.direction = Some(Direction::Outbound);
                }
                if kind == ActivityKind::Call {
                    a.direction = match t.call_type.as_deref().map(str::to_lowercase).as_deref() {
                        Some("inbound") => Some(Direction::Inbound),
                        Some("outbound") => Some(Direction::Outbound),
                        _ => None,
                    };
                }
                if kind == ActivityKind::Task {
                    a.due_date = t.activity_date;
                    a.completed_at = t
                        .completed_date_time
                        .or(t.is_closed.filter(|c| *c).map(|_| at));
                }
                a.created_at = t.created_date.unwrap_or(at);
                Ok((t.id, a))
            });
            self.activity_row(item, &mut batch).await?;
        }
        self.write_activities(&mut batch).await
    }

    async fn events(&mut self, files: &ExportFiles) -> anyhow::Result<()> {
        let Some(mut rows) = open_rows::<SfEvent>(files)? else {
            return Ok(());
        };
        let mut batch = Vec::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            let item = row.and_then(|e| {
                let owner = self.user(e.owner_id.as_ref(), &rows, "OwnerId")?;
                let about = self.about(e.what_id.as_ref(), e.who_id.as_ref(), &rows, "WhatId")?;
                let start = e
                    .start_date_time
                    .or(e.activity_date_time)
                    .or_else(|| e.activity_date.and_then(noon))
                    .ok_or_else(|| {
                        fault(&rows, "StartDateTime", "is empty, as is ActivityDateTime")
                    })?;
                let mut a = activity(ActivityKind::Meeting, owner, start, about);
                a.subject = e.subject;
                a.body = e.description;
                a.ends_at = e.end_date_time.or_else(|| {
                    e.duration_in_minutes
                        .map(|m| start + chrono::TimeDelta::minutes(m))
                });
                a.meeting_status = Some(if start <= self.now {
                    MeetingStatus::Held
                } else {
                    MeetingStatus::Scheduled
                });
                a.created_at = e.created_date.unwrap_or(start);
                Ok((e.id, a))
            });
            self.activity_row(item, &mut batch).await?;
        }
        self.write_activities(&mut batch).await
    }

    async fn emails(&mut self, files: &ExportFiles) -> anyhow::Result<()> {
        let Some(mut rows) = open_rows::<SfEmail>(files)? else {
            return Ok(());
        };
        let mut batch = Vec::new();
        while let Some(row) = rows.next() {
            self.w.report.read(&rows);
            let item = row.and_then(|m| {
                let about = self.about(m.related_to_id.as_ref(), None, &rows, "RelatedToId")?;
                // An email belongs to its deal's owner, or its account's.
                let owner = about
                    .2
                    .and_then(|d| self.ids.deal_owners.get(&d))
                    .or_else(|| about.0.and_then(|a| self.ids.account_owners.get(&a)))
                    .copied()
                    .ok_or_else(|| {
                        fault(&rows, "RelatedToId", "is not an opportunity or account of this export; an email is kept with one")
                    })?;
                let at = m
                    .message_date
                    .or(m.created_date)
                    .ok_or_else(|| fault(&rows, "MessageDate", "is empty, as is CreatedDate"))?;
                let mut a = activity(ActivityKind::Email, owner, at, about);
                a.subject = m.subject;
                a.body = m.text_body;
                a.direction = Some(if m.incoming.unwrap_or(false) {
                    Direction::Inbound
                } else {
                    Direction::Outbound
                });
                a.thread_id = m.thread_identifier;
                Ok((m.id, a))
            });
            self.activity_row(item, &mut batch).await?;
        }
        self.write_activities(&mut batch).await
    }

    async fn activity_row(
        &mut self,
        item: Result<(SfId, Activity), RowError>,
        batch: &mut Vec<(SfId, Activity)>,
    ) -> anyhow::Result<()> {
        if self.w.take(item, batch)? {
            self.write_activities(batch).await?;
        }
        Ok(())
    }

    async fn write_activities(&mut self, batch: &mut Vec<(SfId, Activity)>) -> anyhow::Result<()> {
        let (_, items) = sourced(dedupe(std::mem::take(batch)));
        self.w.behind(Behind::Activities(items)).await
    }
}

/// The rows of `T`'s file, when the export has one.
fn open_rows<T: Record>(files: &ExportFiles) -> anyhow::Result<Option<Rows<T>>> {
    files
        .open::<T>()
        .transpose()
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// The records with their source ids, moved; and the Salesforce ids in the same order.
fn sourced<T>(items: Vec<(SfId, T)>) -> (Vec<SfId>, Vec<(String, T)>) {
    items
        .into_iter()
        .map(|(id, record)| (id, (source(&id), record)))
        .unzip()
}
