//! Imported records on both databases: created once by their source id, updated only when
//! something changed, and visible through the API like any other record.

use crate::helpers::both_backends;
use baton_model::activity::ActivityKind;
use baton_model::records::{Account, Activity, Deal, FieldChange};
use baton_model::{AccountId, ActivityId, Currency, DealId, PipelineId, Role, StageId, UserId};
use baton_store::{Actor, Counts, SourceKind};
use chrono::NaiveDate;
use reqwest::StatusCode;

fn account(name: &str, owner: UserId) -> Account {
    let at = chrono::DateTime::parse_from_rfc3339("2025-03-04T10:00:00Z")
        .unwrap()
        .to_utc();
    Account {
        id: AccountId(0),
        name: name.to_owned(),
        domain: Some(format!("{}.example", name.to_lowercase())),
        industry: None,
        employees: Some(40),
        annual_revenue_minor: None,
        currency: Currency::USD,
        tier: None,
        owner_id: owner,
        custom_fields: serde_json::Map::new(),
        archived_at: None,
        version: 1,
        created_at: at,
        updated_at: at,
    }
}

both_backends! {
    async fn an_import_creates_by_source_id_then_updates_only_what_changed(app) {
        let owner = app.org.rep_a1.id;
        let items = vec![
            ("sf:001A".to_owned(), account("Globex", owner)),
            ("sf:001B".to_owned(), account("Initech", owner)),
        ];
        let mut chunk = app.store.import(Some(app.org.admin.id)).await.unwrap();
        let ids = chunk.accounts(&items).await.unwrap();
        let counts = chunk.commit().await.unwrap();
        assert_eq!(counts["accounts"], Counts { created: 2, updated: 0, unchanged: 0 });

        // Again, with one changed: one update, one untouched, the same ids.
        let mut again = items.clone();
        again[1].1.employees = Some(41);
        let mut chunk = app.store.import(None).await.unwrap();
        assert_eq!(chunk.accounts(&again).await.unwrap(), ids);
        let counts = chunk.commit().await.unwrap();
        assert_eq!(counts["accounts"], Counts { created: 0, updated: 1, unchanged: 1 });
        let initech = app.get(&app.org.admin, &format!("/api/v1/accounts/{}", ids[1])).await.expect(StatusCode::OK).body;
        assert_eq!((initech["employees"].as_i64(), initech["version"].as_i64()), (Some(41), Some(2)));
        let globex = app.get(&app.org.admin, &format!("/api/v1/accounts/{}", ids[0])).await.expect(StatusCode::OK).body;
        assert_eq!(globex["version"], 1, "an identical row is not touched");

        let known = app.store.source_ids(SourceKind::Account, "sf:").await.unwrap();
        assert_eq!(known.len(), 2);
        assert_eq!(known["sf:001B"], ids[1]);
        assert!(app.store.source_ids(SourceKind::Account, "hs:").await.unwrap().is_empty());
    }

    async fn imported_history_is_kept_once_and_a_deal_keeps_its_id(app) {
        let at = chrono::Utc::now();
        let deal = Deal {
            id: DealId(0), name: "Imported".into(), account_id: None, owner_id: app.org.rep_a1.id,
            pipeline_id: PipelineId(app.org.pipeline), stage_id: StageId(app.org.stages[0]), amount_minor: Some(100_000),
            currency: Currency::USD, close_date: None, payment_date: None,
            forecast_category: baton_model::pipeline::ForecastCategory::Pipeline, next_step: None, lost_reason: None,
            source: None, closed_at: None, splits: Vec::new(), contacts: Vec::new(), custom_fields: serde_json::Map::new(),
            archived_at: None, version: 1, created_at: at, updated_at: at,
        };
        for _ in 0..2 {
            let mut chunk = app.store.import(None).await.unwrap();
            let id = chunk.deals(&[("sf:006X".into(), deal.clone())]).await.unwrap()[0];
            let change = FieldChange { id: 0, entity: "deal".into(), entity_id: id, field: "amount_minor".into(),
                old_value: None, new_value: Some("100000".into()), actor_id: None, changed_at: at };
            chunk.history(&[("sf:008X:amount_minor".into(), change)]).await.unwrap();
            chunk.commit().await.unwrap();
        }
        let deals = app.store.source_ids(SourceKind::Deal, "sf:").await.unwrap();
        let history = app.get(&app.org.admin, &format!("/api/v1/deals/{}/history", deals["sf:006X"])).await.expect(StatusCode::OK).body;
        assert_eq!(history.as_array().unwrap().len(), 1, "{history}");
    }
}

both_backends! {
    async fn a_bulk_load_defers_an_empty_tables_indexes_and_a_later_run_rebuilds_them(app) {
        // Deferred and committed, as an import does before loading activities…
        let mut chunk = app.store.import(Some(app.org.admin.id)).await.unwrap();
        assert!(chunk.defer_indexes("activities").await.unwrap(), "activities start empty");
        chunk.commit().await.unwrap();
        assert!(
            app.raw_execute("DROP INDEX activities_owner").await.is_err(),
            "the secondary index is gone while the load runs"
        );
        // …then killed: the next import's first step builds them again.
        let rebuilt = app.store.rebuild_deferred_indexes().await.unwrap();
        assert!(rebuilt >= 5, "every secondary index of activities, got {rebuilt}");
        app.raw_execute("DROP INDEX activities_owner").await.expect("rebuilt");
        assert_eq!(app.store.rebuild_deferred_indexes().await.unwrap(), 0);

        // A table with rows keeps its indexes.
        let mut chunk = app.store.import(None).await.unwrap();
        assert!(!chunk.defer_indexes("users").await.unwrap());
        chunk.commit().await.unwrap();
    }
}

/// Text that COPY's text format must escape (tab, newlines, backslash, a literal `\N`) and
/// text it must not (quotes), with characters beyond ASCII.
const TRICKY: &str = "tab\there\nnew line\r\nback\\slash \\N \\\\N \"double\" 'single' é 日本 🎉";

fn tricky_activity(owner: UserId) -> Activity {
    let at = chrono::DateTime::parse_from_rfc3339("2025-03-04T10:11:12.345678Z")
        .unwrap()
        .to_utc();
    Activity {
        id: ActivityId(0),
        kind: ActivityKind::Task,
        subject: Some(TRICKY.to_owned()),
        body: Some("\\N".to_owned()),
        owner_id: owner,
        account_id: None,
        contact_id: None,
        deal_id: None,
        occurred_at: at,
        ends_at: None,
        direction: None,
        thread_id: Some("\t".to_owned()),
        meeting_status: None,
        due_date: NaiveDate::from_ymd_opt(2025, 12, 31),
        completed_at: None,
        archived_at: None,
        version: 1,
        created_at: at,
        updated_at: at,
    }
}

/// A record as stored, without its id, to compare with what was imported.
fn without_id(record: impl serde::Serialize) -> serde_json::Value {
    let mut value = serde_json::to_value(record).unwrap();
    value["id"] = serde_json::Value::Null;
    value
}

both_backends! {
    async fn text_that_copy_escapes_and_nulls_round_trip_exactly(app) {
        // Arrange: values of every column type, with NULLs and text needing escapes.
        let admin = Actor { user_id: app.org.admin.id, role: Role::Admin };
        let mut account = account("Tricky", app.org.rep_a1.id);
        TRICKY.clone_into(&mut account.name);
        account.domain = None;
        account.industry = Some("\\N".to_owned());
        account.employees = None;
        account.annual_revenue_minor = Some(-1);
        account.custom_fields.insert("note".to_owned(), serde_json::json!(TRICKY));
        account.custom_fields.insert("nothing".to_owned(), serde_json::Value::Null);
        let activity = tricky_activity(app.org.rep_a1.id);
        let accounts = vec![("sf:001\tT\\N".to_owned(), account.clone())];
        let activities = vec![("sf:00T\nT\"".to_owned(), activity.clone())];

        // Act
        let mut chunk = app.store.import(None).await.unwrap();
        let ids = chunk.accounts(&accounts).await.unwrap();
        chunk.activities(&activities).await.unwrap();
        chunk.commit().await.unwrap();

        // Assert: read back exactly as given, source ids included…
        let stored = app.store.get_account(&admin, AccountId(ids[0])).await.unwrap();
        assert_eq!(without_id(&stored), without_id(&account));
        let known = app.store.source_ids(SourceKind::Activity, "sf:").await.unwrap();
        let stored = app.store.get_activity(&admin, ActivityId(known["sf:00T\nT\""])).await.unwrap();
        assert_eq!(without_id(&stored), without_id(&activity));
        // …and the same rows imported again compare equal to what is stored.
        let mut chunk = app.store.import(None).await.unwrap();
        assert_eq!(chunk.accounts(&accounts).await.unwrap(), ids);
        chunk.activities(&activities).await.unwrap();
        let counts = chunk.commit().await.unwrap();
        assert_eq!(counts["accounts"], Counts { created: 0, updated: 0, unchanged: 1 });
        assert_eq!(counts["activities"], Counts { created: 0, updated: 0, unchanged: 1 });
    }
}
