//! What every importer shares: writing records chunk by chunk while keeping the report, the
//! default pipeline's stages, and small conversions.

use super::CHUNK;
use super::report::Report;
use baton_import::parse::OwnerRef;
use baton_import::salesforce::StageSeen;
use baton_import::table::{Record, RowError, Rows};
use baton_model::activity::ActivityKind;
use baton_model::imports::ImportSummary;
use baton_model::pipeline::{ForecastCategory, StageOutcome};
use baton_model::records::{
    Activity, CustomFieldChanges, CustomFieldEntity, CustomFieldKind, FieldChange, Pipeline,
    PipelineChanges, Stage, StageSpec, default_forecast_category,
};
use baton_model::{AccountId, ActivityId, ContactId, DealId, Email, Role, UserId};
use baton_store::{
    Actor, Counts, Import, ImportedUser, ListQuery, MAX_LIMIT, Page, SourceKind, Store,
};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;
use std::collections::HashMap;
use std::hash::Hash;
use std::str::FromStr;
use tokio::task::JoinHandle;

/// Calls `each` on every item of a paged store list, `list` fetching one page per query.
pub async fn all_pages<T, Fut>(
    mut list: impl FnMut(ListQuery) -> Fut,
    mut each: impl FnMut(T),
) -> anyhow::Result<()>
where
    Fut: std::future::Future<Output = baton_store::Result<Page<T>>>,
{
    let mut query = ListQuery {
        limit: Some(MAX_LIMIT),
        ..ListQuery::default()
    };
    loop {
        let page = list(query.clone()).await?;
        page.items.into_iter().for_each(&mut each);
        match page.next_cursor {
            Some(cursor) => query.cursor = Some(cursor),
            None => return Ok(()),
        }
    }
}

/// Writes an import's records in transactions of about [`CHUNK`] rows (one for the whole run
/// with `--all-or-nothing`) and keeps its report.
///
/// Activities and field history, the bulk of an export, are written behind the reading
/// ([`Writer::behind`]): while SQLite writes one batch on its connection's thread, the next is
/// read and parsed on ours, and the two cores work at once.
pub struct Writer<'a> {
    store: &'a Store,
    /// Who the audit log says imported.
    actor: UserId,
    all_or_nothing: bool,
    chunk: Option<Import>,
    /// The batch being written behind the reading, which hands the chunk back when done
    /// (with the counts of the chunk it committed, if it did).
    behind: Option<InFlight>,
    pending: usize,
    pub report: Report,
}

/// What a batch written behind the reading hands back: the open chunk, and the counts of the
/// one it committed before opening it, if it did.
type Written = (Import, Option<BTreeMap<&'static str, Counts>>);

/// The task writing a batch behind the reading; aborted if the writer is dropped (an import
/// that failed), so its chunk rolls back instead of committing after the import has ended.
struct InFlight(JoinHandle<anyhow::Result<Written>>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Rows nothing waits on, to be written behind the reading.
pub enum Behind {
    Activities(Vec<(String, Activity)>),
    History(Vec<(String, FieldChange)>),
}

impl Behind {
    fn len(&self) -> usize {
        match self {
            Behind::Activities(items) => items.len(),
            Behind::History(items) => items.len(),
        }
    }
}

impl<'a> Writer<'a> {
    /// A writer, after building any indexes an earlier import killed mid-way left deferred.
    pub async fn new(
        store: &'a Store,
        actor: UserId,
        all_or_nothing: bool,
        report: Report,
    ) -> anyhow::Result<Writer<'a>> {
        store.rebuild_deferred_indexes().await?;
        Ok(Writer {
            store,
            actor,
            all_or_nothing,
            chunk: Some(store.import(Some(actor)).await?),
            behind: None,
            pending: 0,
            report,
        })
    }

    /// The open chunk, to write to, once the batch written behind (if any) is done.
    pub async fn chunk(&mut self) -> anyhow::Result<&mut Import> {
        if let Some(mut behind) = self.behind.take() {
            let (chunk, committed) = (&mut behind.0).await??;
            if let Some(counts) = committed {
                self.report.add(counts);
            }
            self.chunk = Some(chunk);
        }
        Ok(self.chunk.as_mut().expect("a chunk is open until finish"))
    }

    /// Writes `rows` on a task of their own, committing after every [`CHUNK`] rows like
    /// [`Writer::wrote`], while the caller reads on; the next use of the chunk waits for it.
    pub async fn behind(&mut self, rows: Behind) -> anyhow::Result<()> {
        self.chunk().await?;
        let mut chunk = self.chunk.take().expect("a chunk is open until finish");
        let commit = self.due(rows.len());
        if commit {
            self.pending = 0;
        }
        let (store, actor) = (self.store.clone(), self.actor);
        self.behind = Some(InFlight(tokio::spawn(async move {
            match &rows {
                Behind::Activities(items) => chunk.activities(items).await?,
                Behind::History(items) => chunk.history(items).await?,
            }
            if !commit {
                return Ok((chunk, None));
            }
            let counts = chunk.commit().await?;
            Ok((store.import(Some(actor)).await?, Some(counts)))
        })));
        Ok(())
    }

    /// Adds a row's record to `batch`, or reports why it was rejected; says whether the batch
    /// is full and should be written.
    pub fn take<T>(
        &mut self,
        item: Result<T, RowError>,
        batch: &mut Vec<T>,
    ) -> anyhow::Result<bool> {
        match item {
            Ok(item) => batch.push(item),
            Err(e) => self.report.reject(&e)?,
        }
        Ok(batch.len() >= CHUNK)
    }

    /// Commits after every [`CHUNK`] rows written (never with `--all-or-nothing`).
    pub async fn wrote(&mut self, rows: usize) -> anyhow::Result<()> {
        if self.due(rows) {
            self.commit().await?;
        }
        Ok(())
    }

    /// Counts `rows` written into the open chunk; says whether it is due to be committed.
    fn due(&mut self, rows: usize) -> bool {
        self.pending += rows;
        self.pending >= CHUNK && !self.all_or_nothing
    }

    /// Defers `table`'s secondary indexes when it is empty (see
    /// [`Import::defer_indexes`](baton_store::Import::defer_indexes)); [`Writer::finish`]
    /// builds them again.
    pub async fn defer_indexes(&mut self, table: &'static str) -> anyhow::Result<()> {
        if self.chunk().await?.defer_indexes(table).await? && !self.all_or_nothing {
            self.commit().await?;
        }
        Ok(())
    }

    async fn commit(&mut self) -> anyhow::Result<()> {
        self.chunk().await?;
        if let Some(chunk) = self.chunk.take() {
            self.report.add(chunk.commit().await?);
        }
        self.chunk = Some(self.store.import(Some(self.actor)).await?);
        self.pending = 0;
        Ok(())
    }

    /// Commits what is left (all or nothing: only if no row was rejected), builds the indexes
    /// deferred, and sums up.
    pub async fn finish(mut self) -> anyhow::Result<ImportSummary> {
        let all_or_nothing = self.all_or_nothing;
        let commit = !all_or_nothing || self.report.rejected() == 0;
        let chunk = self.chunk().await?;
        if all_or_nothing && commit {
            chunk.rebuild_indexes().await?;
        }
        if let Some(chunk) = self.chunk.take().filter(|_| commit) {
            self.report.add(chunk.commit().await?);
        }
        if !all_or_nothing {
            // Each in a transaction of its own, after the last chunk.
            self.store.rebuild_deferred_indexes().await?;
        }
        self.report.finish(commit)
    }
}

/// A row's fault, reported against the line the reader last returned.
pub fn fault(rows: &Rows<impl Record>, field: &str, reason: impl Into<String>) -> RowError {
    RowError {
        file: rows.file().to_owned(),
        line: rows.line(),
        field: Some(field.to_owned()),
        reason: reason.into(),
    }
}

/// A stage name as matched across exports: lower case, letters and digits only, so HubSpot's
/// `closedwon` is the stage called "Closed Won".
pub fn stage_key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .flat_map(char::to_lowercase)
        .collect()
}

/// The default pipeline's stages by [`stage_key`], after adding the stages `seen` in the export
/// that it lacks when `create` (`seen` is only called then). An organisation with no pipeline
/// yet gets one, "Sales", with the export's stages.
pub async fn pipeline_stages(
    store: &Store,
    actor: &Actor,
    report: &mut Report,
    create: bool,
    seen: impl FnOnce() -> anyhow::Result<Vec<StageSeen>>,
) -> anyhow::Result<HashMap<String, Stage>> {
    let pipeline = store
        .list_pipelines(actor, &ListQuery::default())
        .await?
        .items
        .into_iter()
        .find(|p| p.is_default);
    let by_key = |p: &Pipeline| {
        p.stages
            .iter()
            .map(|s| (stage_key(&s.name), s.clone()))
            .collect::<HashMap<_, _>>()
    };
    if let Some(pipeline) = &pipeline
        && !create
    {
        return Ok(by_key(pipeline));
    }
    let mut specs: Vec<StageSpec> = pipeline.as_ref().map_or_else(Vec::new, |p| {
        p.stages
            .iter()
            .map(|s| StageSpec {
                id: Some(s.id),
                name: s.name.clone(),
                probability: s.probability,
                forecast_category: s.forecast_category,
                outcome: s.outcome,
            })
            .collect()
    });
    let mut added = 0;
    for seen in seen()? {
        if specs
            .iter()
            .any(|s| stage_key(&s.name) == stage_key(&seen.name))
        {
            continue;
        }
        let outcome = match (seen.is_closed, seen.is_won) {
            (Some(true), Some(true)) => StageOutcome::Won,
            (Some(true), _) => StageOutcome::Lost,
            _ => StageOutcome::Open,
        };
        let probability = seen
            .probability
            .and_then(|p| i64::try_from(p.round().mantissa()).ok())
            .unwrap_or(0)
            .clamp(0, 100);
        let forecast_category = seen
            .forecast_category
            .as_deref()
            .and_then(forecast)
            .unwrap_or_else(|| default_forecast_category(outcome, probability));
        // Open stages go before the first closed one, closed ones at the end.
        let at = match outcome {
            StageOutcome::Open => specs
                .iter()
                .position(|s| s.outcome != StageOutcome::Open)
                .unwrap_or(specs.len()),
            _ => specs.len(),
        };
        specs.insert(
            at,
            StageSpec {
                id: None,
                name: seen.name.clone(),
                probability,
                forecast_category,
                outcome,
            },
        );
        added += 1;
    }
    let changes = PipelineChanges {
        stages: Some(specs),
        ..PipelineChanges::default()
    };
    let updated = match pipeline {
        Some(p) if added == 0 => p,
        Some(p) => {
            store
                .update_pipeline(actor, p.id, p.version, changes)
                .await?
        }
        None => {
            let changes = PipelineChanges {
                name: Some("Sales".into()),
                is_default: Some(true),
                ..changes
            };
            store.create_pipeline(Some(actor), changes).await?
        }
    };
    if added > 0 {
        report.note(format!("added {added} stages to pipeline {}", updated.name));
    }
    Ok(by_key(&updated))
}

/// A forecast category by its Salesforce or HubSpot name.
pub fn forecast(name: &str) -> Option<ForecastCategory> {
    Some(match stage_key(name).as_str() {
        "pipeline" => ForecastCategory::Pipeline,
        "bestcase" => ForecastCategory::BestCase,
        // `Forecast` is the API value of the category labelled Commit (OpportunityHistory).
        "commit" | "forecast" => ForecastCategory::Commit,
        "closed" => ForecastCategory::Closed,
        "omitted" | "omit" => ForecastCategory::Omitted,
        _ => return None,
    })
}

/// What an activity is about: an account, a contact, a deal.
pub type About = (Option<AccountId>, Option<ContactId>, Option<DealId>);

/// An activity of `kind` with only its owner, time and links set.
pub fn activity(kind: ActivityKind, owner: UserId, at: DateTime<Utc>, about: About) -> Activity {
    Activity {
        id: ActivityId(0),
        kind,
        subject: None,
        body: None,
        owner_id: owner,
        account_id: about.0,
        contact_id: about.1,
        deal_id: about.2,
        occurred_at: at,
        ends_at: None,
        direction: None,
        thread_id: None,
        meeting_status: None,
        due_date: None,
        completed_at: None,
        archived_at: None,
        version: 1,
        created_at: at,
        updated_at: at,
    }
}

/// Noon UTC of a date-only value: the middle of the day, whatever the time zone.
pub fn noon(date: NaiveDate) -> Option<DateTime<Utc>> {
    date.and_hms_opt(12, 0, 0).map(|d| d.and_utc())
}

/// A website's host, lower-cased, without `www.`.
pub fn domain(website: &str) -> Option<String> {
    let rest = website.trim();
    let rest = rest.split_once("://").map_or(rest, |(_, r)| r);
    let host = rest.split(['/', '?', '#', ':']).next()?.to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    (host.contains('.') && !host.contains(' ')).then_some(host)
}

/// The last of each id within a chunk: one statement cannot write one record twice.
pub fn dedupe<K: Hash + Eq + Clone, T>(items: Vec<(K, T)>) -> Vec<(K, T)> {
    let mut last: HashMap<K, usize> = HashMap::with_capacity(items.len());
    for (i, (id, _)) in items.iter().enumerate() {
        last.insert(id.clone(), i);
    }
    if last.len() == items.len() {
        return items;
    }
    items
        .into_iter()
        .enumerate()
        .filter(|(i, (id, _))| last.get(id) == Some(i))
        .map(|(_, item)| item)
        .collect()
}

/// An export's owners list: email and name by owner id.
pub type OwnersList = HashMap<String, (Option<String>, Option<String>)>;

/// Resolves owner cells to users: by owner id through an export's owners list, by email, or by
/// name; a person Baton does not know is created inactive (a name alone gets a placeholder
/// address at `<crm>.invalid`, to be corrected later). Records with no owner go to the
/// importing user, counted in [`Owners::unowned`].
pub struct Owners {
    /// Users by `id:<owner id>`, `email:<address>` or `name:<name>`, all lower case.
    users: HashMap<String, UserId>,
    listed: OwnersList,
    /// Source-id prefix of the users created (`hs`).
    source: &'static str,
    /// Whose export it is (`hubspot`), for placeholder addresses.
    crm: &'static str,
    operator: UserId,
    /// Records given to the operator for want of an owner.
    pub unowned: u64,
}

impl Owners {
    /// Every user by email and name, and those an earlier import from `crm` created by id
    /// (with source ids starting `<source>:owner:`).
    pub async fn load(
        store: &Store,
        actor: &Actor,
        (source, crm): (&'static str, &'static str),
        listed: OwnersList,
    ) -> anyhow::Result<Owners> {
        let mut users = HashMap::new();
        all_pages(
            |q| async move { store.list_users(actor, &q).await },
            |user| {
                users.insert(
                    format!("email:{}", user.email.as_str().to_lowercase()),
                    user.id,
                );
                users
                    .entry(format!("name:{}", user.name.to_lowercase()))
                    .or_insert(user.id);
            },
        )
        .await?;
        let prefix = format!("{source}:owner:");
        for (owner, id) in store.source_ids(SourceKind::User, &prefix).await? {
            if let Some(owner) = owner.strip_prefix(&prefix) {
                users.insert(format!("id:{owner}"), UserId(id));
            }
        }
        Ok(Owners {
            users,
            listed,
            source,
            crm,
            operator: actor.user_id,
            unowned: 0,
        })
    }

    /// The user `owner` names, `None` for no owner.
    pub async fn resolve(
        &mut self,
        w: &mut Writer<'_>,
        owner: Option<&OwnerRef>,
        rows: &Rows<impl Record>,
        column: &str,
    ) -> anyhow::Result<Result<Option<UserId>, RowError>> {
        let (key, email, name) = match owner {
            None => return Ok(Ok(None)),
            Some(OwnerRef::Id(id)) => {
                let Some((email, name)) = self.listed.get(id) else {
                    return Ok(Err(fault(
                        rows,
                        column,
                        format!(
                            "owner {id} is not in an owners file; add the owners export, or \
                             name owners by email"
                        ),
                    )));
                };
                let Some(email) = email.clone() else {
                    return Ok(Err(fault(
                        rows,
                        column,
                        format!("owner {id} has no email in the owners file"),
                    )));
                };
                (format!("id:{id}"), email, name.clone())
            }
            Some(OwnerRef::Email { email, name }) => (
                format!("email:{}", email.to_lowercase()),
                email.clone(),
                name.clone(),
            ),
            Some(OwnerRef::Name(name)) => {
                let lower = name.to_lowercase();
                let slug = lower
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
                    .join(".");
                (
                    format!("name:{lower}"),
                    format!("{slug}@{}.invalid", self.crm),
                    Some(name.clone()),
                )
            }
        };
        let by_email = format!("email:{}", email.to_lowercase());
        if let Some(user) = self.users.get(&key).or_else(|| self.users.get(&by_email)) {
            return Ok(Ok(Some(*user)));
        }
        if Email::from_str(&email).is_err() {
            return Ok(Err(fault(
                rows,
                column,
                format!("{email:?} is not an email address"),
            )));
        }
        let user = ImportedUser {
            name: name.unwrap_or_else(|| email.clone()),
            email,
            role: Role::Rep,
            time_zone: "UTC".to_owned(),
            active: false,
        };
        let source = format!(
            "{}:owner:{}",
            self.source,
            &key[key.find(':').map_or(0, |i| i + 1)..]
        );
        let id = w.chunk().await?.users(&[(source, user)]).await?[0];
        self.users.insert(key, id);
        self.users.insert(by_email, id);
        Ok(Ok(Some(id)))
    }

    /// [`Owners::resolve`], or the operator for a record with no owner.
    pub async fn or_operator(
        &mut self,
        w: &mut Writer<'_>,
        owner: Option<&OwnerRef>,
        rows: &Rows<impl Record>,
        column: &str,
    ) -> anyhow::Result<Result<UserId, RowError>> {
        Ok(self.resolve(w, owner, rows, column).await?.map(|user| {
            user.unwrap_or_else(|| {
                self.unowned += 1;
                self.operator
            })
        }))
    }

    /// Notes how many records went to the operator.
    pub fn tell_unowned(&self, report: &mut Report) {
        if self.unowned > 0 {
            report.note(format!(
                "{} records had no owner and were given to the importing user",
                self.unowned
            ));
        }
    }
}

/// Columns an export has that Baton does not read: with `--custom-fields` each becomes a text
/// custom field of its record type (an existing text field with the same key is reused), else
/// they are named once per file and left out.
pub struct Extras<'a> {
    store: &'a Store,
    actor: Actor,
    keep: bool,
    /// Custom field keys by record type and column.
    keys: HashMap<(CustomFieldEntity, String), String>,
}

/// Salesforce's system columns, never worth a custom field.
const SYSTEM_COLUMNS: &[&str] = &[
    "SystemModstamp",
    "LastViewedDate",
    "LastReferencedDate",
    "CreatedById",
    "LastModifiedById",
    "MasterRecordId",
    "PhotoUrl",
];

/// A custom field's label for a column: without Salesforce's `__c` suffix.
fn field_label(column: &str) -> &str {
    let cut = column.len().saturating_sub(3);
    match column.get(cut..) {
        Some(suffix) if suffix.eq_ignore_ascii_case("__c") && cut > 0 => &column[..cut],
        _ => column,
    }
}

/// A custom field key for a column: `Deal Region__c` → `deal_region`.
fn field_key(column: &str) -> Option<String> {
    let mut key = String::new();
    for c in field_label(column).chars() {
        match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9') => key.push(c),
            _ if !key.is_empty() && !key.ends_with('_') => key.push('_'),
            _ => {}
        }
    }
    let key = key.trim_end_matches('_');
    let key: String = key.chars().take(40).collect();
    key.starts_with(|c: char| c.is_ascii_lowercase())
        .then_some(key)
}

impl<'a> Extras<'a> {
    pub fn new(store: &'a Store, actor: Actor, keep: bool) -> Extras<'a> {
        Extras {
            store,
            actor,
            keep,
            keys: HashMap::new(),
        }
    }

    /// Looks at a file's unknown columns before its rows are read.
    pub async fn prepare(
        &mut self,
        entity: CustomFieldEntity,
        rows: &Rows<impl Record>,
        report: &mut Report,
    ) -> anyhow::Result<()> {
        let columns: Vec<&str> = rows
            .extra_columns()
            .filter(|c| !SYSTEM_COLUMNS.iter().any(|s| s.eq_ignore_ascii_case(c)))
            .collect();
        if columns.is_empty() {
            return Ok(());
        }
        if !self.keep {
            report.note(format!(
                "{}: not imported: {} (the custom fields option, --custom-fields, keeps them)",
                rows.file(),
                columns.join(", ")
            ));
            return Ok(());
        }
        let (store, actor) = (self.store, self.actor);
        let mut existing = Vec::new();
        all_pages(
            |q| async move { store.list_custom_fields(&actor, &q).await },
            |f| existing.push(f),
        )
        .await?;
        for column in columns {
            let Some(key) = field_key(column) else {
                report.note(format!(
                    "{}: column {column:?} has no usable name; not imported",
                    rows.file()
                ));
                continue;
            };
            match existing.iter().find(|f| f.entity == entity && f.key == key) {
                Some(f) if f.kind != CustomFieldKind::Text => {
                    report.note(format!(
                        "{}: column {column:?} would be the {} field {key:?}, which is not text; not imported",
                        rows.file(),
                        entity
                    ));
                    continue;
                }
                Some(_) => {}
                None => {
                    self.store
                        .create_custom_field(
                            &self.actor,
                            CustomFieldChanges {
                                entity: Some(entity),
                                key: Some(key.clone()),
                                label: Some(field_label(column).to_owned()),
                                kind: Some(CustomFieldKind::Text),
                                ..CustomFieldChanges::default()
                            },
                        )
                        .await?;
                    report.note(format!(
                        "{}: column {column:?} kept as the custom field {key}",
                        rows.file()
                    ));
                }
            }
            self.keys.insert((entity, column.to_owned()), key);
        }
        Ok(())
    }

    /// A row's unknown columns as custom field values.
    pub fn values(
        &self,
        entity: CustomFieldEntity,
        extra: Vec<(String, String)>,
    ) -> serde_json::Map<String, serde_json::Value> {
        extra
            .into_iter()
            .filter_map(|(column, value)| {
                let key = self.keys.get(&(entity, column))?;
                Some((key.clone(), serde_json::Value::String(value)))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::field_key;

    #[test]
    fn a_column_becomes_a_custom_field_key_without_salesforces_suffix() {
        assert_eq!(field_key("Region__c").as_deref(), Some("region"));
        assert_eq!(
            field_key("Deal Region (EMEA)").as_deref(),
            Some("deal_region_emea")
        );
        assert_eq!(field_key("tier__C").as_deref(), Some("tier"));
        assert_eq!(field_key("__"), None, "no letters, no key");
        assert_eq!(
            field_key("2nd owner").as_deref(),
            None,
            "a key starts with a letter"
        );
        assert_eq!(field_key(&"x".repeat(60)).map(|k| k.len()), Some(40));
    }
}
