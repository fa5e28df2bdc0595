//! `baton export`: an organisation exported and imported into a fresh database comes back
//! record for record.
//!
//! The source organisation is a generated Salesforce export imported (users with managers,
//! accounts, contacts, deals in every stage with their history, splits, contact roles, calls,
//! to-dos, meetings, inbound and outbound emails in threads) plus records made in Baton itself,
//! which have no Salesforce id (a deal named `=SUM(1)`, an account named `=Evil`, a deal whose
//! stage, amount and close date change, splits, a contact role, activities of every kind).
//! Both organisations are read back through the store as an admin and compared by export id:
//!
//! * users (by email) and their names; accounts, contacts, deals and activities with their
//!   owners (by email), names, amounts, currencies, stages, close dates, forecast categories,
//!   links to each other, the ordered history of stage, amount, close date and forecast
//!   category (value and time), splits and contact roles; activities' kinds, subjects, bodies,
//!   times, directions, threads and due and completion dates.
//!
//! What is not expected to survive, because a Salesforce export has no place for it or the
//! importer does not read it:
//! * Baton ids (records are matched by export id instead), user roles other than manager and
//!   rep (the importer makes every user a rep, or a manager when someone's `ManagerId`), and
//!   users' active flag (imported users are inactive until invited);
//! * an account's currency when it has no annual revenue, a deal's currency when it has no
//!   amount (the importer takes the organisation's); tiers, payment dates, lost reasons,
//!   custom field values (exported as `__c` columns, which the importer keeps aside);
//! * an activity's account when it also has a deal (Salesforce relates it to one record,
//!   `WhatId`); an email's contact and owner (`EmailMessage` has neither: the importer gives it
//!   its deal's or account's owner); a call's end; notes, which become to-dos (`TaskSubtype`
//!   has no note); a to-do's own time (the importer derives it from its dates); meeting
//!   statuses other than held and scheduled (derived from the time).

use crate::support::{baton, text};
use baton_import::SfId;
use baton_import::sfid::prefix;
use baton_model::activity::{ActivityKind, Direction};
use baton_model::records::{
    AccountChanges, ActivityChanges, ContactChanges, DealChanges, DealContact, DealSplit, SplitKind,
};
use baton_model::{Currency, Percent, Role, UserId};
use baton_store::{Actor, ListQuery, OpenOptions, SourceKind, Store};
use chrono::{NaiveDate, TimeZone, Utc};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// A data directory with an admin, who imports and exports run as.
fn data_dir(root: &Path, name: &str) -> std::path::PathBuf {
    let data = root.join(name);
    add_user(&data, &[], "admin@example.com", "admin");
    data
}

fn add_user(data: &Path, db: &[&str], email: &str, role: &str) {
    let mut args = db.to_vec();
    args.extend([
        "user",
        "add",
        "--email",
        email,
        "--name",
        "Ana María López",
        "--role",
        role,
        "--password",
        "correct horse battery",
    ]);
    let out = baton(data, &args);
    assert!(out.status.success(), "{}", text(&out));
}

fn sqlite(data: &Path) -> String {
    format!("sqlite://{}", data.join("baton.db").display())
}

async fn admin(store: &Store) -> Actor {
    let user = store
        .user_by_email("admin@example.com")
        .await
        .unwrap()
        .unwrap();
    Actor {
        user_id: user.id,
        role: Role::Admin,
    }
}

/// Every item of a list, as `actor`.
async fn every<T>(
    mut fetch: impl AsyncFnMut(ListQuery) -> baton_store::Result<baton_store::Page<T>>,
) -> Vec<T> {
    let mut all = Vec::new();
    let mut query = ListQuery {
        limit: Some(500),
        sort: Some("id".into()),
        ..ListQuery::default()
    };
    loop {
        let page = fetch(query.clone()).await.unwrap();
        all.extend(page.items);
        match page.next_cursor {
            Some(c) => query.cursor = Some(c),
            None => return all,
        }
    }
}

/// Records made in Baton, with no Salesforce id.
async fn add_native_records(store: &Store) {
    let admin = admin(store).await;
    let rep = store
        .user_by_email("native.rep@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    let pipeline = every(async |q| store.list_pipelines(&admin, &q).await)
        .await
        .into_iter()
        .find(|p| p.is_default)
        .unwrap();
    let stage = |i: usize| pipeline.stages[i].id;
    let account = store
        .create_account(
            &admin,
            AccountChanges {
                name: Some("=Evil, \"Inc\"".into()),
                domain: Some(Some("evil.example".into())),
                employees: Some(Some(12)),
                annual_revenue_minor: Some(Some(-1_250_050)),
                currency: Some(Currency::USD),
                owner_id: Some(rep),
                ..AccountChanges::default()
            },
        )
        .await
        .unwrap();
    let contact = store
        .create_contact(
            &admin,
            ContactChanges {
                account_id: Some(Some(account.id)),
                owner_id: Some(rep),
                first_name: Some(Some("Zoë".into())),
                last_name: Some("+Nguyen".into()),
                email: Some(Some("zoe@evil.example".parse().unwrap())),
                phone: Some(Some("+1 555 0100".into())),
                title: Some(Some("-CFO".into())),
                ..ContactChanges::default()
            },
        )
        .await
        .unwrap();
    let deal = store
        .create_deal(
            &admin,
            DealChanges {
                name: Some("=SUM(1)".into()),
                account_id: Some(Some(account.id)),
                owner_id: Some(rep),
                pipeline_id: Some(pipeline.id),
                stage_id: Some(stage(0)),
                amount_minor: Some(Some(1_000_000)),
                currency: Some("EUR".parse().unwrap()),
                close_date: Some(NaiveDate::from_ymd_opt(2026, 12, 31)),
                next_step: Some(Some("@call them".into())),
                ..DealChanges::default()
            },
        )
        .await
        .unwrap();
    let deal = store
        .update_deal(
            &admin,
            deal.id,
            deal.version,
            DealChanges {
                stage_id: Some(stage(1)),
                amount_minor: Some(Some(1_250_099)),
                splits: Some(vec![
                    DealSplit {
                        user_id: rep,
                        kind: SplitKind::Revenue,
                        percent: Percent::from_basis_points(6_000).unwrap(),
                    },
                    DealSplit {
                        user_id: admin.user_id,
                        kind: SplitKind::Revenue,
                        percent: Percent::from_basis_points(4_000).unwrap(),
                    },
                    DealSplit {
                        user_id: admin.user_id,
                        kind: SplitKind::Overlay,
                        percent: Percent::from_basis_points(1_050).unwrap(),
                    },
                ]),
                contacts: Some(vec![DealContact {
                    contact_id: contact.id,
                    role: Some("Economic Buyer".into()),
                    is_primary: true,
                }]),
                ..DealChanges::default()
            },
        )
        .await
        .unwrap();
    store
        .update_deal(
            &admin,
            deal.id,
            deal.version,
            DealChanges {
                stage_id: Some(stage(2)),
                close_date: Some(NaiveDate::from_ymd_opt(2027, 1, 15)),
                ..DealChanges::default()
            },
        )
        .await
        .unwrap();
    let at = |h: u32| Utc.with_ymd_and_hms(2026, 10, 5, h, 30, 15).unwrap();
    let activity = |kind: ActivityKind, h: u32| ActivityChanges {
        kind: Some(kind),
        subject: Some(Some(format!("={kind} subject"))),
        body: Some(Some(format!("line one\nline two, \"quoted\" {kind}"))),
        owner_id: Some(rep),
        account_id: Some(Some(account.id)),
        contact_id: Some(Some(contact.id)),
        deal_id: Some(Some(deal.id)),
        occurred_at: Some(at(h)),
        ..ActivityChanges::default()
    };
    let thread = Some(Some("<thread-1@evil.example>".to_owned()));
    for changes in [
        ActivityChanges {
            direction: Some(Some(Direction::Inbound)),
            ..activity(ActivityKind::Call, 9)
        },
        ActivityChanges {
            ends_at: Some(Some(at(11))),
            ..activity(ActivityKind::Meeting, 10)
        },
        ActivityChanges {
            direction: Some(Some(Direction::Outbound)),
            thread_id: thread.clone(),
            ..activity(ActivityKind::Email, 12)
        },
        ActivityChanges {
            direction: Some(Some(Direction::Inbound)),
            thread_id: thread,
            deal_id: Some(None),
            ..activity(ActivityKind::Email, 13)
        },
        ActivityChanges {
            due_date: Some(NaiveDate::from_ymd_opt(2026, 10, 9)),
            ..activity(ActivityKind::Task, 14)
        },
        ActivityChanges {
            due_date: Some(NaiveDate::from_ymd_opt(2026, 10, 2)),
            completed_at: Some(Some(at(15))),
            deal_id: Some(None),
            ..activity(ActivityKind::Task, 15)
        },
    ] {
        store.create_activity(&admin, changes).await.unwrap();
    }
}

/// An organisation as comparable values, by export id.
#[derive(Debug, PartialEq, Eq)]
struct Org {
    users: BTreeMap<String, String>,
    accounts: BTreeMap<String, String>,
    contacts: BTreeMap<String, String>,
    deals: BTreeMap<String, String>,
    activities: BTreeMap<String, String>,
}

/// The export id of each record of `kind` by Baton id, as `baton export` gives them.
async fn export_ids(store: &Store, kind: SourceKind) -> HashMap<i64, String> {
    store
        .source_ids(kind, "sf:")
        .await
        .unwrap()
        .into_iter()
        .map(|(source, id)| (id, source[3..].to_owned()))
        .collect()
}

fn key(ids: &HashMap<i64, String>, key_prefix: &str, id: i64) -> String {
    ids.get(&id).cloned().unwrap_or_else(|| {
        SfId::from_baton(key_prefix, u64::try_from(id).unwrap())
            .as_str()
            .to_owned()
    })
}

async fn read_org(store: &Store) -> Org {
    let admin = admin(store).await;
    let user_list = every(async |q| store.list_users(&admin, &q).await).await;
    let email: HashMap<UserId, String> = user_list
        .iter()
        .map(|u| (u.id, u.email.to_string()))
        .collect();
    let stages: HashMap<i64, String> = every(async |q| store.list_pipelines(&admin, &q).await)
        .await
        .into_iter()
        .flat_map(|p| p.stages)
        .map(|s| (s.id.0, s.name))
        .collect();
    let account_ids = export_ids(store, SourceKind::Account).await;
    let contact_ids = export_ids(store, SourceKind::Contact).await;
    let deal_ids = export_ids(store, SourceKind::Deal).await;
    let activity_ids = export_ids(store, SourceKind::Activity).await;
    let account =
        |id: Option<baton_model::AccountId>| id.map(|a| key(&account_ids, prefix::ACCOUNT, a.0));
    let contact =
        |id: Option<baton_model::ContactId>| id.map(|c| key(&contact_ids, prefix::CONTACT, c.0));
    let deal =
        |id: Option<baton_model::DealId>| id.map(|d| key(&deal_ids, prefix::OPPORTUNITY, d.0));

    let users = user_list
        .iter()
        .map(|u| (u.email.to_string(), u.name.clone()))
        .collect();
    let accounts = every(async |q| store.list_accounts(&admin, &q).await)
        .await
        .into_iter()
        .map(|a| {
            let revenue = a.annual_revenue_minor.map(|m| (m, a.currency.to_string()));
            let value = format!(
                "{:?}",
                (
                    &a.name,
                    &email[&a.owner_id],
                    &a.domain,
                    &a.industry,
                    a.employees,
                    revenue
                )
            );
            (key(&account_ids, prefix::ACCOUNT, a.id.0), value)
        })
        .collect();
    let contacts = every(async |q| store.list_contacts(&admin, &q).await)
        .await
        .into_iter()
        .map(|c| {
            let value = format!(
                "{:?}",
                (
                    &c.first_name,
                    &c.last_name,
                    c.email.map(|e| e.to_string()),
                    &c.phone,
                    &c.title,
                    &email[&c.owner_id],
                    account(c.account_id)
                )
            );
            (key(&contact_ids, prefix::CONTACT, c.id.0), value)
        })
        .collect();
    let mut deals = BTreeMap::new();
    for d in every(async |q| store.list_deals(&admin, &q).await).await {
        let history: Vec<String> = store
            .deal_history(&admin, d.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|h| {
                [
                    "stage_id",
                    "amount_minor",
                    "close_date",
                    "forecast_category",
                ]
                .contains(&h.field.as_str())
            })
            .map(|h| {
                let value = match h.field.as_str() {
                    "stage_id" => h
                        .new_value
                        .and_then(|s| stages.get(&s.parse::<i64>().unwrap()).cloned()),
                    _ => h.new_value,
                };
                format!("{} {} {:?}", h.changed_at, h.field, value)
            })
            .collect();
        let mut splits: Vec<String> = d
            .splits
            .iter()
            .map(|s| {
                format!(
                    "{} {} {}",
                    email[&s.user_id],
                    s.kind,
                    s.percent.basis_points()
                )
            })
            .collect();
        splits.sort();
        let mut roles: Vec<String> = d
            .contacts
            .iter()
            .map(|c| {
                format!(
                    "{:?} {:?} {}",
                    contact(Some(c.contact_id)),
                    c.role,
                    c.is_primary
                )
            })
            .collect();
        roles.sort();
        let value = format!(
            "{:#?}",
            (
                &d.name,
                &email[&d.owner_id],
                account(d.account_id),
                &stages[&d.stage_id.0],
                d.amount_minor.map(|m| (m, d.currency.to_string())),
                d.close_date,
                d.forecast_category.to_string(),
                (&d.next_step, &d.source),
                history,
                splits,
                roles,
            )
        );
        deals.insert(key(&deal_ids, prefix::OPPORTUNITY, d.id.0), value);
    }
    let activities = every(async |q| store.list_activities(&admin, &q).await)
        .await
        .into_iter()
        .map(|a| {
            let is_email_message =
                a.kind == ActivityKind::Email && (a.deal_id.is_some() || a.account_id.is_some());
            let key_prefix = match a.kind {
                ActivityKind::Meeting => prefix::EVENT,
                _ if is_email_message => prefix::EMAIL_MESSAGE,
                _ => prefix::TASK,
            };
            let todo = matches!(a.kind, ActivityKind::Task | ActivityKind::Note);
            let value = format!(
                "{:#?}",
                (
                    if todo { ActivityKind::Task } else { a.kind },
                    &a.subject,
                    &a.body,
                    (!is_email_message).then(|| &email[&a.owner_id]),
                    deal(a.deal_id),
                    a.deal_id.is_none().then(|| account(a.account_id)),
                    (!is_email_message).then(|| contact(a.contact_id)),
                    (!todo).then_some(a.occurred_at),
                    (a.kind == ActivityKind::Meeting).then_some(a.ends_at),
                    (a.kind != ActivityKind::Email || is_email_message).then_some(a.direction),
                    is_email_message.then_some(&a.thread_id),
                    todo.then_some((a.due_date, a.completed_at)),
                )
            );
            (key(&activity_ids, key_prefix, a.id.0), value)
        })
        .collect();
    Org {
        users,
        accounts,
        contacts,
        deals,
        activities,
    }
}

/// Compares record by record, naming the first difference of each kind.
fn assert_same(a: &Org, b: &Org) {
    for (kind, x, y) in [
        ("user", &a.users, &b.users),
        ("account", &a.accounts, &b.accounts),
        ("contact", &a.contacts, &b.contacts),
        ("deal", &a.deals, &b.deals),
        ("activity", &a.activities, &b.activities),
    ] {
        for (id, value) in x {
            assert_eq!(Some(value), y.get(id), "{kind} {id} after the round trip");
        }
        assert_eq!(
            x.len(),
            y.len(),
            "{kind}s: {:?}",
            y.keys().filter(|k| !x.contains_key(*k)).collect::<Vec<_>>()
        );
    }
}

/// Extracts the zip's files into `dir`.
fn unzip(zip: &Path, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut out = std::fs::File::create(dir.join(file.name().unwrap().as_ref())).unwrap();
        std::io::copy(&mut file, &mut out).unwrap();
    }
}

#[test]
fn an_exported_organisation_imports_back_record_for_record() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();

    // Arrange: a generated Salesforce org imported, plus records made in Baton.
    let source = data_dir(dir.path(), "source");
    let generated = dir.path().join("generated");
    let out = baton(
        &source,
        &[
            "generate",
            "--reps",
            "4",
            "--accounts",
            "25",
            "--deals",
            "80",
            "--activities",
            "400",
            "--out",
            generated.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = baton(
        &source,
        &[
            "import",
            "salesforce",
            generated.to_str().unwrap(),
            "--create-stages",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    add_user(&source, &[], "native.rep@example.com", "rep");
    let before = runtime.block_on(async {
        let store = Store::open(&sqlite(&source), &OpenOptions::default())
            .await
            .unwrap();
        add_native_records(&store).await;
        let org = read_org(&store).await;
        store.close().await;
        org
    });
    assert!(
        before.deals.len() > 50 && before.activities.len() > 300,
        "{before:?}"
    );
    assert!(before.deals.values().any(|d| d.contains("=SUM(1)")));

    // Act: export, then import the zip's files into a fresh database.
    let zip = dir.path().join("org.zip");
    let out = baton(&source, &["export", "--out", zip.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    for file in [
        "User.csv",
        "Opportunity.csv",
        "OpportunityHistory.csv",
        "EmailMessage.csv",
    ] {
        assert!(text(&out).contains(file), "{}", text(&out));
    }
    let files = dir.path().join("files");
    unzip(&zip, &files);
    let account_csv = std::fs::read_to_string(files.join("Account.csv")).unwrap();
    assert!(
        account_csv.contains("\"'=Evil, \"\"Inc\"\"\""),
        "a formula is neutralised: {account_csv}"
    );

    let target = data_dir(dir.path(), "target");
    let out = baton(
        &target,
        &[
            "import",
            "salesforce",
            files.to_str().unwrap(),
            "--create-stages",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(" 0 rejected"), "{}", text(&out));

    // Assert: the same records.
    let after = runtime.block_on(async {
        let store = Store::open(&sqlite(&target), &OpenOptions::default())
            .await
            .unwrap();
        read_org(&store).await
    });
    assert_same(&before, &after);

    // And on PostgreSQL, when there is one to test against.
    let Ok(url) = std::env::var("BATON_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = format!("baton_export_{}", std::process::id());
    let pg = postgres_schema(&runtime, &url, &schema);
    let db = ["--database-url", pg.as_str()];
    let out = baton(&target, &[db[0], db[1], "migrate"]);
    assert!(out.status.success(), "{}", text(&out));
    add_user(&target, &db, "admin@example.com", "admin");
    let out = baton(
        &target,
        &[
            db[0],
            db[1],
            "import",
            "salesforce",
            files.to_str().unwrap(),
            "--create-stages",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let after = runtime.block_on(async {
        let store = Store::open(&pg, &OpenOptions::default()).await.unwrap();
        let org = read_org(&store).await;
        store.close().await;
        org
    });
    drop_schema(&runtime, &url, &schema);
    assert_same(&before, &after);
}

/// A fresh schema on the test PostgreSQL, and a URL whose connections use it.
fn postgres_schema(runtime: &tokio::runtime::Runtime, url: &str, schema: &str) -> String {
    runtime.block_on(async {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE"
        )))
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&pool)
            .await
            .unwrap();
    });
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}options=-c%20search_path%3D{schema}")
}

fn drop_schema(runtime: &tokio::runtime::Runtime, url: &str, schema: &str) {
    runtime.block_on(async {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
            .execute(&pool)
            .await
            .unwrap();
    });
}
