//! Optimistic concurrency under load: no lost update, every conflict a 412.

use crate::helpers::both_backends;
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

both_backends! {
    async fn thirty_two_writers_on_the_same_deals_never_lose_an_update(app) {
        let org = &app.org;
        let mut deals = Vec::new();
        for i in 0..4 {
            let r = app.post(&org.coordinator, "/api/v1/deals", json!({"name": format!("Hot deal {i}"), "amount_minor": 0}))
                .await
                .expect(StatusCode::CREATED);
            deals.push(r.body["id"].as_i64().unwrap());
        }
        let base = app.url("");
        let token = org.coordinator.token.clone();
        let successes = Arc::new(AtomicU64::new(0));
        let conflicts = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for task in 0..32_usize {
            let (base, token, deals) = (base.clone(), token.clone(), deals.clone());
            let (successes, conflicts) = (successes.clone(), conflicts.clone());
            tasks.push(tokio::spawn(async move {
                let client = reqwest::Client::new();
                for attempt in 0..8_usize {
                    let url = format!("{base}/api/v1/deals/{}", deals[(task + attempt) % deals.len()]);
                    let read = client.get(&url).bearer_auth(&token).send().await.unwrap();
                    let etag = read.headers()["etag"].to_str().unwrap().to_owned();
                    let deal: serde_json::Value = read.json().await.unwrap();
                    // Read-modify-write: add one to the amount we read.
                    let amount = deal["amount_minor"].as_i64().unwrap() + 1;
                    let write = client
                        .patch(&url)
                        .bearer_auth(&token)
                        .header("if-match", etag)
                        .json(&json!({"amount_minor": amount}))
                        .send()
                        .await
                        .unwrap();
                    match write.status() {
                        StatusCode::OK => successes.fetch_add(1, Ordering::Relaxed),
                        StatusCode::PRECONDITION_FAILED => conflicts.fetch_add(1, Ordering::Relaxed),
                        other => panic!("unexpected {other}: {}", write.text().await.unwrap()),
                    };
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let mut total = 0;
        for id in &deals {
            let deal = app.get(&org.coordinator, &format!("/api/v1/deals/{id}")).await.expect(StatusCode::OK);
            let amount = deal.body["amount_minor"].as_i64().unwrap();
            assert_eq!(deal.body["version"].as_i64().unwrap(), amount + 1, "one version per successful write");
            total += amount;
        }
        let successes = successes.load(Ordering::Relaxed);
        assert_eq!(u64::try_from(total).unwrap(), successes, "every accepted write is in the final amounts");
        assert_eq!(successes + conflicts.load(Ordering::Relaxed), 32 * 8);
        assert!(successes > 0);
        let history = app.get(&org.coordinator, &format!("/api/v1/deals/{}/history", deals[0])).await.expect(StatusCode::OK);
        let amount_rows = history.body.as_array().unwrap().iter().filter(|h| h["field"] == "amount_minor").count();
        let first = app.get(&org.coordinator, &format!("/api/v1/deals/{}", deals[0])).await;
        assert_eq!(i64::try_from(amount_rows).unwrap(), first.body["amount_minor"].as_i64().unwrap() + 1, "one history row per accepted write");
    }

    async fn a_stale_version_is_refused_and_changes_nothing(app) {
        let org = &app.org;
        let id = app.deal(&org.rep_a1, None, "Contested").await;
        let path = format!("/api/v1/deals/{id}");
        app.patch(&org.manager_a, &path, "\"1\"", json!({"amount_minor": 5})).await.expect(StatusCode::OK);
        let r = app.patch(&org.rep_a1, &path, "\"1\"", json!({"amount_minor": 7})).await.expect(StatusCode::PRECONDITION_FAILED);
        assert_eq!(r.headers["content-type"], "application/problem+json");
        assert!(r.body["detail"].as_str().unwrap().contains("version 2"), "{}", r.body);
        let now = app.get(&org.rep_a1, &path).await;
        assert_eq!(now.body["amount_minor"], 5);
        let r = app.send(Some(&org.rep_a1), reqwest::Method::PATCH, &path, Some(&json!({"amount_minor": 7})), &[]).await;
        r.expect(StatusCode::PRECONDITION_REQUIRED);
    }
}
