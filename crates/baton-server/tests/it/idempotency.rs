//! `Idempotency-Key`: a retried create returns the first response and creates nothing more.

use crate::helpers::both_backends;
use reqwest::{Method, StatusCode};
use serde_json::json;

both_backends! {
    async fn a_retried_create_returns_the_first_record(app) {
        let org = &app.org;
        let body = json!({"name": "Retry Inc"});
        let key = [("idempotency-key", "create-retry-inc")];
        let first = app.send(Some(&org.rep_a1), Method::POST, "/api/v1/accounts", Some(&body), &key).await.expect(StatusCode::CREATED);
        let again = app.send(Some(&org.rep_a1), Method::POST, "/api/v1/accounts", Some(&body), &key).await.expect(StatusCode::CREATED);
        assert_eq!(first.body, again.body);
        assert_eq!(again.headers["idempotent-replayed"], "true");
        assert_eq!(again.etag(), first.etag());
        assert_eq!(again.headers["location"], first.headers["location"]);
        let list = app.get(&org.rep_a1, "/api/v1/accounts?q=retry").await;
        assert_eq!(list.ids().len(), 1);
        // Keys are per user: another user's identical key is a different request.
        app.send(Some(&org.rep_a2), Method::POST, "/api/v1/accounts", Some(&body), &key).await.expect(StatusCode::CREATED);
    }

    async fn reusing_a_key_for_a_different_request_is_refused(app) {
        let org = &app.org;
        let key = [("idempotency-key", "k1")];
        app.send(Some(&org.rep_a1), Method::POST, "/api/v1/accounts", Some(&json!({"name": "One"})), &key).await.expect(StatusCode::CREATED);
        let r = app.send(Some(&org.rep_a1), Method::POST, "/api/v1/accounts", Some(&json!({"name": "Two"})), &key).await;
        assert_eq!(r.expect(StatusCode::UNPROCESSABLE_ENTITY).error_fields(), ["Idempotency-Key"]);
    }

    async fn a_failed_validation_is_replayed_but_a_fixed_request_needs_a_new_key(app) {
        let org = &app.org;
        let key = [("idempotency-key", "bad-then-good")];
        let bad = json!({"name": ""});
        app.send(Some(&org.rep_a1), Method::POST, "/api/v1/accounts", Some(&bad), &key).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        let r = app.send(Some(&org.rep_a1), Method::POST, "/api/v1/accounts", Some(&bad), &key).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.headers["idempotent-replayed"], "true");
    }

    async fn concurrent_retries_with_one_key_create_one_record(app) {
        let org = &app.org;
        let url = app.url("/api/v1/deals");
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (url, token) = (url.clone(), org.rep_a1.token.clone());
            tasks.push(tokio::spawn(async move {
                reqwest::Client::new()
                    .post(&url)
                    .bearer_auth(token)
                    .header("idempotency-key", "burst")
                    .json(&json!({"name": "Burst deal"}))
                    .send()
                    .await
                    .unwrap()
                    .status()
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
        assert!(statuses.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT), "{statuses:?}");
        let list = app.get(&org.rep_a1, "/api/v1/deals?q=burst").await;
        assert_eq!(list.ids().len(), 1, "statuses: {statuses:?}");
    }
}
