//! The SQL console (`POST /api/v1/sql`): what it refuses and why, whose rows it shows, the same
//! answers on both backends, the time limit and row cap, CSV downloads, and saved queries with
//! their charts.

use crate::helpers::{Person, Resp, TestApp, both_backends};
use crate::web::{browser, csrf_of, session_of};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, COOKIE};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn sql(app: &TestApp, who: &Person, query: &str) -> Resp {
    app.post(who, "/api/v1/sql", json!({ "query": query }))
        .await
}

/// Asserts that `query` is refused with a 400 on the field `query` whose message contains `why`.
async fn refused(app: &TestApp, query: &str, why: &str) {
    let r = sql(app, &app.org.rep_a1, query).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}: {r:#?}");
    assert_eq!(r.error_fields(), vec!["query"], "{query}: {r:#?}");
    let message = r.body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.to_lowercase().contains(&why.to_lowercase()),
        "{query}: the message {message:?} does not say {why:?}"
    );
}

/// Creates a deal with an amount, as the coordinator.
async fn deal(app: &TestApp, owner: &Person, name: &str, amount_minor: i64) -> i64 {
    let r = app
        .post(
            &app.org.coordinator,
            "/api/v1/deals",
            json!({"name": name, "owner_id": owner.id, "amount_minor": amount_minor}),
        )
        .await
        .expect(StatusCode::CREATED);
    r.body["id"].as_i64().unwrap_or_default()
}

/// A query's rows, which must succeed.
async fn rows(app: &TestApp, who: &Person, query: &str) -> Value {
    sql(app, who, query).await.expect(StatusCode::OK).body["rows"].clone()
}

/// A query that runs for minutes on either backend: ten billion pairs to count.
const RUNAWAY: &str = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n \
    WHERE i < 100000) SELECT count(*) FROM n AS a, n AS b";

both_backends! {
    async fn writes_ddl_settings_and_several_statements_are_refused(app) {
        refused(app, "INSERT INTO deals (name) VALUES ('x')", "INSERT changes data").await;
        refused(app, "UPDATE deals SET amount_minor = 0", "UPDATE changes data").await;
        refused(app, "DELETE FROM deals", "DELETE changes data").await;
        refused(app, "SELECT 1; SELECT 2", "exactly one statement").await;
        refused(app, "SELECT count(*) FROM rpt_deals; DELETE FROM deals", "exactly one statement").await;
        refused(app, "CREATE TABLE x (a INTEGER)", "CREATE changes the schema").await;
        refused(app, "DROP TABLE deals", "DROP changes the schema").await;
        refused(app, "PRAGMA table_info(users)", "PRAGMA").await;
        refused(app, "ATTACH DATABASE '/tmp/other.db' AS other", "ATTACH opens another database").await;
        refused(
            app,
            "WITH gone AS (DELETE FROM deals RETURNING id) SELECT count(*) FROM gone",
            "DELETE",
        )
        .await;
        refused(app, "SELECT * INTO stolen FROM rpt_deals", "SELECT … INTO").await;
        refused(app, "SELECT id FROM rpt_deals FOR UPDATE", "FOR UPDATE").await;
    }

    async fn dangerous_functions_are_refused(app) {
        for (call, name) in [
            ("load_extension('/tmp/evil.so')", "load_extension"),
            ("pg_sleep(60)", "pg_sleep"),
            ("pg_read_file('/etc/passwd')", "pg_read_file"),
            ("set_config('default_transaction_read_only', 'off', false)", "set_config"),
            ("current_setting('data_directory')", "current_setting"),
            ("randomblob(1000000000)", "randomblob"),
        ] {
            refused(
                app,
                &format!("SELECT {call}"),
                &format!("the function {name} is not allowed"),
            )
            .await;
        }
    }

    async fn only_the_reporting_views_can_be_read(app) {
        for table in ["users", "sessions", "api_tokens", "user_credentials", "sqlite_master"] {
            refused(
                app,
                &format!("SELECT * FROM {table}"),
                &format!("only rpt_ views can be read; {table} is not one"),
            )
            .await;
        }
        refused(app, "SELECT * FROM pg_catalog.pg_authid", "pg_catalog.pg_authid is not one").await;
        refused(app, "SELECT * FROM information_schema.tables", "information_schema.tables is not one").await;
        // The users view has no secret in it.
        let r = sql(app, &app.org.admin, "SELECT * FROM rpt_users").await.expect(StatusCode::OK);
        let columns = r.body["columns"].to_string();
        assert!(!columns.contains("password") && !columns.contains("token"), "{columns}");
        assert_eq!(r.body["rows"].as_array().map(Vec::len), Some(app.org.everyone().len()));
    }

    async fn each_user_counts_only_the_deals_they_may_see(app) {
        let org = &app.org;
        deal(app, &org.rep_a1, "A1 one", 100).await;
        deal(app, &org.rep_a1, "A1 two", 200).await;
        deal(app, &org.rep_a2, "A2 one", 300).await;
        deal(app, &org.rep_b1, "B1 one", 400).await;
        let count = "SELECT count(*) AS deals, sum(amount_minor) AS total FROM rpt_deals";
        for (who, expected) in [
            (&org.rep_a1, json!([[2, 300]])),
            (&org.rep_b1, json!([[1, 400]])),
            (&org.manager_a, json!([[3, 600]])),
            (&org.vp, json!([[4, 1000]])),
            (&org.admin, json!([[4, 1000]])),
            (&org.coordinator, json!([[4, 1000]])),
            (&org.finance, json!([[4, 1000]])),
        ] {
            assert_eq!(rows(app, who, count).await, expected, "as user {}", who.id);
        }
        // Hiding in a subquery, a join or a WITH does not widen what a rep reads.
        let sneaky = "WITH everything AS (SELECT * FROM rpt_deals) \
            SELECT (SELECT count(*) FROM everything), \
            (SELECT count(*) FROM rpt_deals d JOIN rpt_users u ON u.id = d.owner_id)";
        assert_eq!(rows(app, &org.rep_a1, sneaky).await, json!([[2, 2]]));
        // History follows the deals.
        let history = "SELECT count(DISTINCT deal_id) FROM rpt_deal_history";
        assert_eq!(rows(app, &org.rep_b1, history).await, json!([[1]]));
        assert_eq!(rows(app, &org.admin, history).await, json!([[4]]));
    }

    async fn a_reporting_query_gives_the_same_rows_on_both_backends(app) {
        let org = &app.org;
        deal(app, &org.rep_a1, "A1 one", 100_000).await;
        deal(app, &org.rep_a1, "A1 two", 200_001).await;
        deal(app, &org.rep_a2, "A2 one", 300_000).await;
        deal(app, &org.rep_b1, "B1 one", 50_000).await;
        deal(app, &org.rep_b1, "B1 two", 250_001).await;
        let query = "WITH per_owner AS ( \
                SELECT owner_name, count(*) AS deals, sum(amount_minor) AS total, \
                avg(amount_minor) AS average, max(stage) AS stage \
                FROM rpt_deals WHERE NOT archived GROUP BY owner_name) \
            SELECT owner_name, deals, total, average, stage, \
                rank() OVER (ORDER BY total DESC) AS place, \
                sum(total) OVER () AS everyone \
            FROM per_owner ORDER BY place, owner_name";
        let r = sql(app, &org.admin, query).await.expect(StatusCode::OK);
        assert_eq!(
            r.body["columns"],
            json!(["owner_name", "deals", "total", "average", "stage", "place", "everyone"])
        );
        // rep_a1: 100,000 + 200,001 = 300,001 (average 150,000.5); rep_a2: 300,000;
        // rep_b1: 50,000 + 250,001 = 300,001 (average 150,000.5). Ties share a rank.
        assert_eq!(
            r.body["rows"],
            json!([
                ["rep_a1", 2, 300_001, 150_000.5, "Lead", 1, 900_002],
                ["rep_b1", 2, 300_001, 150_000.5, "Lead", 1, 900_002],
                ["rep_a2", 1, 300_000, 300_000.0, "Lead", 3, 900_002],
            ])
        );
        assert_eq!(r.body["truncated"], json!(false));
        assert!(r.body["elapsed_ms"].is_u64(), "{r:?}");
        // No rows still names the columns.
        let none = sql(app, &org.admin, "SELECT id, name FROM rpt_accounts WHERE id < 0").await;
        assert_eq!(none.expect(StatusCode::OK).body["columns"], json!(["id", "name"]));
    }

    async fn a_runaway_query_is_stopped_and_others_are_served_meanwhile(app) {
        let started = Instant::now();
        let runaway = async {
            let r = sql(app, &app.org.admin, RUNAWAY).await;
            (r, started.elapsed())
        };
        let others = async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let deals = app.get(&app.org.rep_a1, "/api/v1/deals").await;
            let count = sql(app, &app.org.rep_a1, "SELECT count(*) FROM rpt_deals").await;
            (deals, count, started.elapsed())
        };
        let ((stopped, stopped_after), (deals, count, served_after)) = tokio::join!(runaway, others);
        deals.expect(StatusCode::OK);
        assert_eq!(count.expect(StatusCode::OK).body["rows"], json!([[0]]));
        assert!(served_after < Duration::from_secs(4), "others waited {served_after:?}");
        let stopped = stopped.expect(StatusCode::BAD_REQUEST);
        let message = stopped.body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("longer than 5 s and was stopped"), "{message}");
        assert!(
            stopped_after < Duration::from_secs(15),
            "the runaway query was stopped after {stopped_after:?}"
        );
    }

    async fn a_result_over_the_row_cap_is_cut_and_marked_truncated(app) {
        let numbers = |n: u32| format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
             SELECT i FROM n"
        );
        let over = sql(app, &app.org.rep_a1, &numbers(10_005)).await.expect(StatusCode::OK);
        assert_eq!(over.body["truncated"], json!(true));
        assert_eq!(over.body["rows"].as_array().map(Vec::len), Some(10_000));
        let exact = sql(app, &app.org.rep_a1, &numbers(10_000)).await.expect(StatusCode::OK);
        assert_eq!(exact.body["truncated"], json!(false));
        assert_eq!(exact.body["rows"].as_array().map(Vec::len), Some(10_000));
    }

    async fn a_query_the_database_rejects_is_a_400_naming_the_query(app) {
        refused(app, "SELECT no_such_column FROM rpt_deals", "no_such_column").await;
        refused(app, "SELECT FROM WHERE", "not valid").await;
    }
}

both_backends! {
    async fn saved_queries_are_private_until_shared_and_only_their_owner_changes_them(app) {
        let org = &app.org;
        let path = "/api/v1/saved-queries";
        let body = json!({"name": "My pipeline", "sql": "SELECT stage, count(*) FROM rpt_deals GROUP BY stage"});
        let saved = app.post(&org.rep_a1, path, body).await.expect(StatusCode::CREATED);
        let id = saved.body["id"].as_i64().unwrap_or_default();
        let one = format!("{path}/{id}");
        // Private: another rep neither lists nor reads it.
        assert_eq!(app.get(&org.rep_a2, path).await.expect(StatusCode::OK).body["items"], json!([]));
        app.get(&org.rep_a2, &one).await.expect(StatusCode::NOT_FOUND);
        // Shared: everyone reads it, only the owner changes it.
        let shared = app.patch(&org.rep_a1, &one, &saved.etag(), json!({"shared": true})).await.expect(StatusCode::OK);
        assert_eq!(shared.body["shared"], json!(true));
        assert_eq!(app.get(&org.rep_a2, path).await.ids(), vec![id]);
        app.patch(&org.rep_a2, &one, &shared.etag(), json!({"name": "Mine now"})).await.expect(StatusCode::FORBIDDEN);
        // A query the console would refuse cannot be saved.
        let bad = app.post(&org.rep_a1, path, json!({"name": "Bad", "sql": "SELECT * FROM users"})).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), vec!["sql"]);
        // Each change is in the audit log.
        app.send(Some(&org.rep_a1), reqwest::Method::DELETE, &one, None, &[("if-match", &shared.etag())])
            .await
            .expect(StatusCode::NO_CONTENT);
        let log = app.get(&org.admin, &format!("/api/v1/audit?entity=saved_query&entity_id={id}")).await.expect(StatusCode::OK);
        let actions: Vec<&str> = log.body["items"].as_array().into_iter().flatten().filter_map(|e| e["action"].as_str()).collect();
        assert_eq!(actions.len(), 3, "{actions:?}");
    }
}

/// `query` as CSV through the API: status, content type and body.
async fn csv(app: &TestApp, who: &Person, query: &str) -> Resp {
    app.send(
        Some(who),
        reqwest::Method::POST,
        "/api/v1/sql",
        Some(&json!({ "query": query })),
        &[("accept", "text/csv")],
    )
    .await
}

both_backends! {
    async fn a_result_downloads_as_csv_with_formulas_neutralised_and_only_visible_rows(app) {
        let org = &app.org;
        deal(app, &org.rep_a1, "=HYPERLINK(\"http://evil.example\",\"open\")", 100).await;
        deal(app, &org.rep_a1, "Plain", 200).await;
        deal(app, &org.rep_b1, "B1 secret", 400).await;
        let query = "SELECT name, amount_minor, -5 AS delta, NULL AS missing \
            FROM rpt_deals ORDER BY amount_minor";
        let expected = "name,amount_minor,delta,missing\n\
            \"'=HYPERLINK(\"\"http://evil.example\"\",\"\"open\"\")\",100,-5,\n\
            Plain,200,-5,\n";

        // The API, asked for CSV: the rep's two deals only, the formula quoted, numbers as they are.
        let r = csv(app, &org.rep_a1, query).await.expect(StatusCode::OK);
        assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/csv"), "{r:?}");
        assert_eq!(r.body, json!(expected));
        assert!(r.headers.get("x-baton-truncated").is_none());
        // JSON stays the default.
        let r = sql(app, &org.rep_a1, query).await.expect(StatusCode::OK);
        assert_eq!(r.body["rows"].as_array().map(Vec::len), Some(2));

        // The page's download: the same file.
        let cookie = session_of(app, &org.rep_a1, "rep_a1@example.com").await;
        let token = csrf_of(app, &cookie).await;
        let response = browser()
            .post(app.url("/sql/export.csv"))
            .header(COOKIE, &cookie)
            .form(&[("csrf_token", token.as_str()), ("query", query), ("name", "My deals")])
            .send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[CONTENT_DISPOSITION], "attachment; filename=\"My-deals.csv\"");
        assert_eq!(response.text().await.unwrap(), expected);

        // A refused query is a problem document, not a file.
        let refused = csv(app, &org.rep_a1, "SELECT * FROM users").await.expect(StatusCode::BAD_REQUEST);
        assert_eq!(refused.error_fields(), vec!["query"]);

        // The OpenAPI document says so.
        let doc: Value = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
        let content = &doc["paths"]["/api/v1/sql"]["post"]["responses"]["200"]["content"];
        assert!(content["text/csv"].is_object() && content["application/json"].is_object(), "{content}");
    }

    async fn a_csv_cut_at_the_row_cap_says_so(app) {
        let query = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10005) \
            SELECT i FROM n";
        let r = csv(app, &app.org.rep_a1, query).await.expect(StatusCode::OK);
        assert_eq!(r.headers["x-baton-truncated"], "true");
        let text = r.body.as_str().unwrap_or_default().to_owned();
        assert_eq!(text.lines().count(), 10_001, "the header and 10,000 rows");
        assert_eq!(text.lines().last(), Some("10000"));
    }

    async fn a_saved_query_keeps_its_chart_until_it_is_changed_or_removed(app) {
        let org = &app.org;
        let path = "/api/v1/saved-queries";
        let chart = json!({"kind": "line", "x": "stage", "y": ["deals", "total"], "series": "owner_name"});
        let body = json!({
            "name": "Deals by stage",
            "sql": "SELECT stage, owner_name, count(*) AS deals, sum(amount_minor) AS total \
                FROM rpt_deals GROUP BY stage, owner_name",
            "chart": chart,
        });
        let saved = app.post(&org.rep_a1, path, body).await.expect(StatusCode::CREATED);
        assert_eq!(saved.body["chart"], chart);
        assert_eq!(saved.body["owner_name"], json!("rep_a1"));
        let one = format!("{path}/{}", saved.body["id"]);
        assert_eq!(app.get(&org.rep_a1, &one).await.expect(StatusCode::OK).body["chart"], chart);

        // Changing something else keeps the chart.
        let renamed = app.patch(&org.rep_a1, &one, &saved.etag(), json!({"name": "By stage"})).await.expect(StatusCode::OK);
        assert_eq!(renamed.body["chart"], chart);

        // A chart must be bars or lines and name its columns.
        let pie = json!({"chart": {"kind": "pie", "x": "stage", "y": ["deals"]}});
        let bad = app.patch(&org.rep_a1, &one, &renamed.etag(), pie).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), vec!["chart.kind"]);
        let empty = json!({"chart": {"kind": "bar", "x": " ", "y": []}});
        let bad = app.patch(&org.rep_a1, &one, &renamed.etag(), empty).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), vec!["chart.x", "chart.y"]);

        // Null removes it; a query saved without one has none.
        let removed = app.patch(&org.rep_a1, &one, &renamed.etag(), json!({"chart": null})).await.expect(StatusCode::OK);
        assert_eq!(removed.body["chart"], Value::Null);
        let plain = app.post(&org.rep_a1, path, json!({"name": "Plain", "sql": "SELECT 1"})).await.expect(StatusCode::CREATED);
        assert_eq!(plain.body["chart"], Value::Null);
    }
}
