//! The pipeline board's column totals, which come from a table the database keeps up to date,
//! agree with the deals themselves after every kind of change.

use crate::helpers::{Person, TestApp, both_backends};
use baton_model::{PipelineId, Role};
use baton_store::{Actor, BoardFilter};
use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// `(stage, currency)` → `(deals, total)`.
type Totals = BTreeMap<(i64, String), (i64, i64)>;

fn actor(who: &Person, role: Role) -> Actor {
    Actor {
        user_id: who.id,
        role,
    }
}

/// What the store says the board's columns hold.
async fn board(app: &TestApp, who: Actor, filter: &BoardFilter) -> Totals {
    app.store
        .board_totals(&who, PipelineId(app.org.pipeline), filter)
        .await
        .unwrap()
        .into_iter()
        .map(|t| {
            (
                (t.stage_id.0, t.currency.to_string()),
                (t.count, t.total_minor),
            )
        })
        .collect()
}

/// The same, added up from the live deals the API lists for `who`.
async fn counted(app: &TestApp, who: &Person, query: &str) -> Totals {
    let r = app
        .get(
            who,
            &format!(
                "/api/v1/deals?pipeline_id={}&limit=500{query}",
                app.org.pipeline
            ),
        )
        .await
        .expect(StatusCode::OK);
    let mut totals = Totals::new();
    for d in r.body["items"].as_array().unwrap() {
        let key = (
            d["stage_id"].as_i64().unwrap(),
            d["currency"].as_str().unwrap().to_owned(),
        );
        let entry = totals.entry(key).or_default();
        entry.0 += 1;
        entry.1 += d["amount_minor"].as_i64().unwrap_or(0);
    }
    totals
}

async fn change(app: &TestApp, id: i64, body: Value) {
    let path = format!("/api/v1/deals/{id}");
    let etag = app
        .get(&app.org.coordinator, &path)
        .await
        .expect(StatusCode::OK)
        .etag();
    app.patch(&app.org.coordinator, &path, &etag, body)
        .await
        .expect(StatusCode::OK);
}

both_backends! {
    async fn column_totals_follow_every_change_of_a_deal(app) {
        let org = &app.org;
        let coordinator = actor(&org.coordinator, Role::Coordinator);
        let rep = actor(&org.rep_a1, Role::Rep);
        let q4 = BoardFilter {
            owners: None,
            closing: Some((
                NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
                NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            )),
        };
        let q4_query = "&close_date_gte=2026-10-01&close_date_lt=2027-01-01";
        let check = async |step: &str| {
            assert_eq!(board(app, coordinator, &BoardFilter::default()).await,
                counted(app, &org.coordinator, "").await, "all deals after {step}");
            assert_eq!(board(app, rep, &BoardFilter::default()).await,
                counted(app, &org.rep_a1, "").await, "a rep's deals after {step}");
            assert_eq!(board(app, coordinator, &q4).await,
                counted(app, &org.coordinator, q4_query).await, "deals closing in Q4 after {step}");
        };

        let a = app.deal(&org.rep_a1, None, "Alpha").await;
        let b = app.deal(&org.rep_a2, None, "Beta").await;
        let c = app
            .post(&org.coordinator, "/api/v1/deals", json!({"name": "Gamma", "owner_id": org.rep_a1.id,
                "currency": "EUR", "close_date": "2026-11-30"}))
            .await
            .expect(StatusCode::CREATED)
            .body["id"].as_i64().unwrap();
        check("creating deals, one without an amount").await;
        assert_eq!(board(app, coordinator, &BoardFilter::default()).await.values().map(|v| v.0).sum::<i64>(), 3);

        change(app, a, json!({"amount_minor": 2_500_000, "close_date": "2026-12-31"})).await;
        check("changing an amount and a close date").await;
        change(app, c, json!({"amount_minor": 70_000, "close_date": "2027-01-01"})).await;
        check("moving a close date out of the quarter").await;
        change(app, b, json!({"stage_id": org.stages[2]})).await;
        check("moving a stage").await;
        change(app, b, json!({"owner_id": org.rep_a1.id, "close_date": "2026-10-01"})).await;
        check("reassigning a deal into a rep's hands").await;
        change(app, a, json!({"amount_minor": null})).await;
        check("clearing an amount").await;

        app.delete(&org.coordinator, &format!("/api/v1/deals/{b}")).await.expect(StatusCode::OK);
        check("archiving a deal").await;
        app.post(&org.coordinator, &format!("/api/v1/deals/{b}/restore"), json!({}))
            .await
            .expect(StatusCode::OK);
        check("restoring it").await;
        assert_eq!(board(app, coordinator, &BoardFilter::default()).await.values().map(|v| v.0).sum::<i64>(), 3);
    }
}
