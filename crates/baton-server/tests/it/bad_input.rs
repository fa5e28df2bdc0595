//! Bad input gets a 4xx problem document that names the field, and writes nothing.

use crate::helpers::{TestApp, both_backends};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// How many records and audit entries exist, to check that a refused request wrote nothing.
async fn footprint(app: &TestApp) -> (usize, usize, usize) {
    let c = &app.org.coordinator;
    let deals = app
        .get(c, "/api/v1/deals?limit=500&archived=any")
        .await
        .ids()
        .len();
    let accounts = app
        .get(c, "/api/v1/accounts?limit=500&archived=any")
        .await
        .ids()
        .len();
    let audit = app.get(c, "/api/v1/audit?limit=500").await.ids().len();
    (deals, accounts, audit)
}

/// Sends a raw body to `path` as the coordinator.
async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    content_type: &str,
    body: &'static str,
) -> crate::helpers::Resp {
    let response = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(&app.org.coordinator.token)
        .header("content-type", content_type)
        .header("if-match", "\"1\"")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    crate::helpers::Resp {
        status,
        headers,
        body,
    }
}

both_backends! {
    async fn malformed_bodies_are_refused_with_where_and_why(app) {
        let before = footprint(app).await;
        let cases: [(&str, &'static str, StatusCode, &str); 6] = [
            ("application/json", r#"{"name": "Acme""#, StatusCode::BAD_REQUEST, "body"),
            ("application/json", "", StatusCode::BAD_REQUEST, "body"),
            ("application/json", r#"{"name": "x"} trailing"#, StatusCode::BAD_REQUEST, "body"),
            ("application/json", r#"["Acme", null]"#, StatusCode::BAD_REQUEST, "body"),
            ("application/json", r#"{"name": "x", "colour": "red"}"#, StatusCode::UNPROCESSABLE_ENTITY, "colour"),
            ("application/json", r#"{"name": "x", "amount_minor": "12.50"}"#, StatusCode::UNPROCESSABLE_ENTITY, "amount_minor"),
        ];
        for (content_type, body, status, field) in cases {
            let r = raw(app, Method::POST, "/api/v1/deals", content_type, body).await;
            assert_eq!(r.status, status, "{body:?}: {r:?}");
            assert_eq!(r.headers["content-type"], "application/problem+json");
            assert_eq!(r.error_fields(), [field], "{body:?}");
        }
        let r = raw(app, Method::POST, "/api/v1/deals", "text/plain", r#"{"name": "x"}"#).await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let r = raw(app, Method::POST, "/api/v1/deals", "application/json", r#"{"name": "x", "splits": [{"user_id": 1, "kind": "revenue", "percent": "half"}]}"#).await;
        assert_eq!(r.expect(StatusCode::UNPROCESSABLE_ENTITY).error_fields(), ["splits[0].percent"]);
        let r = raw(app, Method::POST, "/api/v1/deals", "application/json", r#"{"name": "x", "stage_id": null}"#).await;
        assert_eq!(r.expect(StatusCode::UNPROCESSABLE_ENTITY).error_fields(), ["stage_id"]);
        assert_eq!(footprint(app).await, before, "nothing was written");
    }

    async fn every_invalid_field_of_a_deal_is_named_at_once(app) {
        let org = &app.org;
        let before = footprint(app).await;
        let r = app
            .post(&org.coordinator, "/api/v1/deals", json!({
                "name": "   ",
                "amount_minor": -5,
                "currency": "DOGE",
                "splits": [{"user_id": org.rep_a1.id, "kind": "revenue", "percent": 70}]
            }))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["splits", "name", "amount_minor", "currency"]);
        assert_eq!(r.body["status"], 422);
        let r = app.post(&org.coordinator, "/api/v1/deals", json!({"name": "Absurd", "amount_minor": 1_000_000_000_000_000_000_i64})).await;
        assert_eq!(r.expect(StatusCode::UNPROCESSABLE_ENTITY).error_fields(), ["amount_minor"]);
        let r = app.post(&org.coordinator, "/api/v1/deals", json!({"name": "Huge", "amount_minor": 1e300})).await;
        assert_eq!(r.expect(StatusCode::UNPROCESSABLE_ENTITY).error_fields(), ["amount_minor"]);
        assert_eq!(footprint(app).await, before);
    }

    async fn stages_and_pipelines_must_exist_and_belong_together(app) {
        let org = &app.org;
        let other = app
            .post(&org.admin, "/api/v1/pipelines", json!({"name": "Renewals", "stages": [
                {"name": "Due", "probability": 50, "outcome": "open"},
                {"name": "Renewed", "probability": 100, "outcome": "won"}]}))
            .await
            .expect(StatusCode::CREATED);
        let foreign_stage = other.body["stages"][0]["id"].as_i64().unwrap();
        let before = footprint(app).await;
        let r = app.post(&org.coordinator, "/api/v1/deals", json!({"name": "x", "stage_id": foreign_stage})).await;
        let r = r.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["stage_id"]);
        assert!(r.body["errors"][0]["message"].as_str().unwrap().contains("not a stage of pipeline \"Sales\""));
        let r = app.post(&org.coordinator, "/api/v1/deals", json!({"name": "x", "stage_id": 424_242})).await;
        assert_eq!(r.expect(StatusCode::UNPROCESSABLE_ENTITY).error_fields(), ["stage_id"]);
        let r = app.post(&org.coordinator, "/api/v1/deals", json!({"name": "x", "pipeline_id": 424_242})).await;
        assert_eq!(r.expect(StatusCode::UNPROCESSABLE_ENTITY).error_fields(), ["pipeline_id"]);
        let r = app.post(&org.coordinator, "/api/v1/deals", json!({"name": "x", "forecast_category": "maybe"})).await;
        assert_eq!(r.expect(StatusCode::UNPROCESSABLE_ENTITY).error_fields(), ["forecast_category"]);
        assert_eq!(footprint(app).await, before);
    }

    async fn invalid_emails_and_phones_on_contacts_are_named(app) {
        let r = app
            .post(&app.org.coordinator, "/api/v1/contacts", json!({"last_name": "Doe", "email": "jane@@example", "phone": "ring ring"}))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["email", "phone"]);
        let r = app.post(&app.org.coordinator, "/api/v1/contacts", json!({"email": "jane@example.com"})).await;
        assert_eq!(r.expect(StatusCode::UNPROCESSABLE_ENTITY).error_fields(), ["last_name"]);
    }

    async fn bad_query_strings_paths_and_headers_are_named(app) {
        let c = &app.org.coordinator;
        let r = app.get(c, "/api/v1/deals?colour=red").await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["colour"]);
        let r = app.get(c, "/api/v1/deals?amount_minor_gte=lots").await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["amount_minor_gte"]);
        let r = app.get(c, "/api/v1/deals?limit=0").await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["limit"]);
        let r = app.get(c, "/api/v1/deals?sort=-colour").await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["sort"]);
        let r = app.get(c, "/api/v1/deals?cursor=not-a-cursor").await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["cursor"]);
        let r = app.get(c, "/api/v1/deals?q=nul%00byte").await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["q"]);
        let r = app.get(c, "/api/v1/deals/abc").await.expect(StatusCode::BAD_REQUEST);
        assert_eq!(r.error_fields(), ["id"]);
        let id = app.deal(&app.org.rep_a1, None, "Headers").await;
        let r = app.patch(c, &format!("/api/v1/deals/{id}"), "yesterday", json!({"name": "x"})).await;
        assert_eq!(r.expect(StatusCode::BAD_REQUEST).error_fields(), ["If-Match"]);
        let r = app.get(c, "/api/v1/nothing-here").await.expect(StatusCode::NOT_FOUND);
        assert_eq!(r.headers["content-type"], "application/problem+json");
    }

    async fn requests_without_valid_credentials_are_refused(app) {
        let r = app.send(None, Method::GET, "/api/v1/deals", None, &[]).await.expect(StatusCode::UNAUTHORIZED);
        assert!(r.headers.contains_key("www-authenticate"));
        let stranger = crate::helpers::Person { id: baton_model::UserId(0), token: "bat_forged".into() };
        app.get(&stranger, "/api/v1/deals").await.expect(StatusCode::UNAUTHORIZED);
    }

    async fn an_oversized_body_is_refused(app) {
        let huge = "x".repeat(2 * 1024 * 1024);
        let r = app.post(&app.org.coordinator, "/api/v1/accounts", json!({"name": huge})).await;
        r.expect(StatusCode::PAYLOAD_TOO_LARGE);
    }

    async fn random_bodies_never_cause_a_server_error(app) {
        // A small deterministic fuzz: mutate a valid deal in many ways, including wrong types,
        // huge numbers and deep nesting. Every answer must be a 2xx or a 4xx problem document.
        let valid = json!({"name": "Fuzz", "amount_minor": 100, "currency": "USD", "close_date": "2026-12-01",
            "splits": [{"user_id": app.org.rep_a1.id, "kind": "revenue", "percent": 100}],
            "contacts": [], "custom_fields": {}});
        let replacements = [
            json!(null), json!(true), json!(-1), json!(0), json!(1.5), json!(i64::MAX), json!(u64::MAX), json!(-1e308),
            json!(""), json!("x"), json!("2026-02-30"), json!("\u{0}"), json!([]), json!([1, 2]), json!({}),
            json!({"a": {"b": {"c": [1, {"d": null}]}}}), json!("9".repeat(400)),
        ];
        let mut statuses = std::collections::BTreeMap::new();
        let mut fields: Vec<String> = valid.as_object().unwrap().keys().cloned().collect();
        fields.extend(["stage_id", "owner_id", "account_id", "version"].map(String::from));
        for field in &fields {
            for value in &replacements {
                let mut body = valid.clone();
                body[field] = value.clone();
                let r = app.post(&app.org.coordinator, "/api/v1/deals", body.clone()).await;
                assert!(r.status.is_success() || r.status.is_client_error(), "{body}: {r:?}");
                if r.status.is_client_error() {
                    assert_eq!(r.headers["content-type"], "application/problem+json", "{body}");
                }
                *statuses.entry(r.status.as_u16()).or_insert(0) += 1;
            }
        }
        assert!(statuses.contains_key(&422) && statuses.contains_key(&201), "{statuses:?}");
    }
}
