//! Field history and the audit log: every change recorded, by whom and when, and never rewritten.

use crate::helpers::both_backends;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// `(field, old, new, actor)` of each history row, oldest first.
fn rows(history: &Value) -> Vec<(String, Option<String>, Option<String>, i64)> {
    history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["field"].as_str().unwrap().to_owned(),
                h["old_value"].as_str().map(str::to_owned),
                h["new_value"].as_str().map(str::to_owned),
                h["actor_id"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[expect(
    clippy::needless_pass_by_value,
    clippy::unnecessary_wraps,
    reason = "reads like the rows"
)]
fn s(v: impl ToString) -> Option<String> {
    Some(v.to_string())
}

both_backends! {
    async fn a_new_deal_starts_its_history_with_every_tracked_field(app) {
        let org = &app.org;
        let r = app
            .post(&org.rep_a1, "/api/v1/deals", json!({"name": "Stark", "amount_minor": 5000, "close_date": "2026-12-31"}))
            .await
            .expect(StatusCode::CREATED);
        let id = r.body["id"].as_i64().unwrap();
        let h = app.get(&org.rep_a1, &format!("/api/v1/deals/{id}/history")).await.expect(StatusCode::OK);
        let me = org.rep_a1.id.0;
        assert_eq!(
            rows(&h.body),
            [
                ("pipeline_id".into(), None, s(org.pipeline), me),
                ("stage_id".into(), None, s(org.stages[0]), me),
                ("amount_minor".into(), None, s(5000), me),
                ("currency".into(), None, s("USD"), me),
                ("close_date".into(), None, s("2026-12-31"), me),
                ("owner_id".into(), None, s(me), me),
                ("forecast_category".into(), None, s("pipeline"), me),
            ]
        );
        let created_at = r.body["created_at"].as_str().unwrap();
        assert!(h.body.as_array().unwrap().iter().all(|row| row["changed_at"] == created_at));
    }

    async fn each_change_of_a_tracked_field_is_recorded_with_who_and_when(app) {
        let org = &app.org;
        let id = app.deal(&org.rep_a1, None, "Wayne").await;
        let path = format!("/api/v1/deals/{id}");
        app.patch(&org.rep_a1, &path, "\"1\"", json!({"stage_id": org.stages[1], "next_step": "call"})).await.expect(StatusCode::OK);
        app.patch(&org.manager_a, &path, "\"2\"", json!({"stage_id": org.stages[2], "amount_minor": 750_000, "close_date": "2027-02-01"}))
            .await
            .expect(StatusCode::OK);
        app.patch(&org.coordinator, &path, "\"3\"", json!({"owner_id": org.rep_a2.id})).await.expect(StatusCode::OK);
        app.patch(&org.rep_a1, &path, "\"4\"", json!({"name": "Wayne Enterprises"})).await.expect(StatusCode::NOT_FOUND);
        app.patch(&org.rep_a2, &path, "\"4\"", json!({"name": "Wayne Enterprises"})).await.expect(StatusCode::OK);

        let h = app.get(&org.coordinator, &format!("{path}/history")).await.expect(StatusCode::OK);
        // Six rows record the creation (no close date was set), then come the changes.
        let later: Vec<_> = rows(&h.body).into_iter().skip(6).collect();
        let (a1, m, c) = (org.rep_a1.id.0, org.manager_a.id.0, org.coordinator.id.0);
        assert_eq!(
            later,
            [
                ("stage_id".into(), s(org.stages[0]), s(org.stages[1]), a1),
                ("stage_id".into(), s(org.stages[1]), s(org.stages[2]), m),
                ("amount_minor".into(), s(1_000_000), s(750_000), m),
                ("close_date".into(), None, s("2027-02-01"), m),
                ("forecast_category".into(), s("pipeline"), s("best_case"), m),
                ("owner_id".into(), s(a1), s(org.rep_a2.id.0), c),
            ],
            "renaming the deal and its next step are not tracked fields"
        );
        let times: Vec<&str> = h.body.as_array().unwrap().iter().map(|r| r["changed_at"].as_str().unwrap()).collect();
        let mut sorted = times.clone();
        sorted.sort_unstable();
        assert_eq!(times, sorted, "history comes oldest first");
    }

    async fn account_owner_changes_are_recorded(app) {
        let org = &app.org;
        let id = app.account(&org.rep_a1, "Hooli").await;
        app.patch(&org.manager_a, &format!("/api/v1/accounts/{id}"), "\"1\"", json!({"owner_id": org.rep_a2.id, "industry": "Software"}))
            .await
            .expect(StatusCode::OK);
        let h = app.get(&org.manager_a, &format!("/api/v1/accounts/{id}/history")).await.expect(StatusCode::OK);
        assert_eq!(
            rows(&h.body),
            [
                ("owner_id".into(), None, s(org.rep_a1.id.0), org.coordinator.id.0),
                ("owner_id".into(), s(org.rep_a1.id.0), s(org.rep_a2.id.0), org.manager_a.id.0),
            ]
        );
    }

    async fn every_change_is_in_the_audit_log_with_before_and_after(app) {
        let org = &app.org;
        let id = app.deal(&org.rep_a1, None, "Pied Piper").await;
        app.patch(&org.rep_a1, &format!("/api/v1/deals/{id}"), "\"1\"", json!({"amount_minor": 99})).await.expect(StatusCode::OK);
        app.delete(&org.rep_a1, &format!("/api/v1/deals/{id}")).await.expect(StatusCode::OK);
        let log = app.get(&org.coordinator, &format!("/api/v1/audit?entity=deal&entity_id={id}")).await.expect(StatusCode::OK);
        let entries = log.body["items"].as_array().unwrap();
        let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["create", "update", "archive"]);
        assert!(entries[0]["before"].is_null());
        assert_eq!(entries[0]["actor_id"], org.coordinator.id.0);
        assert_eq!(entries[1]["before"]["amount_minor"], 1_000_000);
        assert_eq!(entries[1]["after"]["amount_minor"], 99);
        assert_eq!(entries[1]["actor_id"], org.rep_a1.id.0);
        assert!(entries[2]["after"]["archived_at"].is_string());
        app.get(&org.rep_a1, "/api/v1/audit").await.expect(StatusCode::FORBIDDEN);
    }

    async fn the_database_refuses_to_rewrite_the_audit_log_or_the_history(app) {
        app.deal(&app.org.rep_a1, None, "Dunder Mifflin").await;
        for sql in [
            "UPDATE audit_log SET action = 'nothing'",
            "DELETE FROM audit_log",
            "UPDATE field_history SET new_value = 'x'",
            "DELETE FROM field_history",
        ] {
            let error = app.raw_execute(sql).await.expect_err(sql);
            assert!(error.contains("append-only"), "{sql}: {error}");
        }
    }
}
