//! Health, metrics, the OpenAPI document and its reference page, and the migrations.

use crate::helpers::both_backends;
use reqwest::{Method, StatusCode};
use serde_json::Value;

both_backends! {
    async fn health_reports_ok_while_the_database_answers(app) {
        let r = app.send(None, Method::GET, "/healthz", None, &[]).await.expect(StatusCode::OK);
        assert_eq!(r.body["status"], "ok");
        assert!(r.headers.contains_key("x-request-id"));
    }

    async fn metrics_count_requests_by_route_template(app) {
        let d1 = app.deal(&app.org.rep_a1, None, "One").await;
        let d2 = app.deal(&app.org.rep_a1, None, "Two").await;
        app.get(&app.org.rep_a1, &format!("/api/v1/deals/{d1}")).await.expect(StatusCode::OK);
        app.get(&app.org.rep_a1, &format!("/api/v1/deals/{d2}")).await.expect(StatusCode::OK);
        app.get(&app.org.rep_b1, &format!("/api/v1/deals/{d2}")).await.expect(StatusCode::NOT_FOUND);
        let r = reqwest::get(app.url("/metrics")).await.unwrap().text().await.unwrap();
        assert!(r.contains(r#"baton_http_requests_total{method="GET",route="/api/v1/deals/{id}",status="200"} 2"#), "{r}");
        assert!(r.contains(r#"baton_http_requests_total{method="GET",route="/api/v1/deals/{id}",status="404"} 1"#), "{r}");
        assert!(r.contains(r#"baton_http_request_duration_seconds_count{method="GET",route="/api/v1/deals/{id}"} 3"#));
    }

    async fn the_openapi_document_describes_every_route_and_nothing_else(app) {
        let doc: Value = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
        let paths = doc["paths"].as_object().unwrap();
        let mut operations = Vec::new();
        for (path, item) in paths {
            for method in ["get", "post", "patch", "put", "delete"] {
                if item.get(method).is_some() {
                    operations.push((method.to_uppercase(), path.clone()));
                }
            }
        }
        for resource in ["accounts", "contacts", "deals", "activities", "users", "teams", "pipelines", "quotas", "custom-fields"] {
            for (method, path) in [("GET", format!("/api/v1/{resource}")), ("POST", format!("/api/v1/{resource}")),
                ("GET", format!("/api/v1/{resource}/{{id}}")), ("PATCH", format!("/api/v1/{resource}/{{id}}"))] {
                assert!(operations.contains(&(method.to_owned(), path.clone())), "{method} {path} is not documented");
            }
        }
        // Every documented operation exists: calling it never yields "no such route".
        for (method, path) in &operations {
            let concrete = path.replace("{id}", "1");
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let body = (method != Method::GET && method != Method::DELETE).then(|| serde_json::json!({}));
            let r = app.send(Some(&app.org.admin), method.clone(), &concrete, body.as_ref(), &[("if-match", "\"1\"")]).await;
            assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            let missing_route = r.status == StatusCode::NOT_FOUND && r.body["detail"] == "no such record" && !path.contains("{id}");
            assert!(!missing_route, "{method} {path}");
        }
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
        assert_eq!(doc["info"]["title"], "Baton API");
        assert!(operations.len() >= 50, "{} operations", operations.len());
    }

    async fn the_api_reference_page_loads_its_vendored_assets(app) {
        let html = reqwest::get(app.url("/api/v1/docs")).await.unwrap().text().await.unwrap();
        let assets: Vec<&str> = html.split('"').filter(|s| s.starts_with("/assets/")).collect();
        assert_eq!(assets.len(), 3, "{html}");
        for asset in assets {
            let r = reqwest::get(app.url(asset)).await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{asset}");
            assert!(r.headers()["cache-control"].to_str().unwrap().contains("immutable"));
        }
        assert!(!html.contains("http://") && !html.contains("https://"), "no CDN");
    }
}

#[test]
fn both_backends_ship_the_same_migration_versions() {
    let (sqlite, postgres) = baton_store::Store::migration_versions();
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
}
