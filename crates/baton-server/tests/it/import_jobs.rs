//! Imports uploaded over HTTP (`/api/v1/imports`): a zipped Salesforce export runs in the
//! background and ends with its summary and report of rejected rows; a CSV stops at its preview
//! until its mapping is confirmed; bad uploads and people who may not import are refused; a job
//! whose server stopped reads as interrupted.

use crate::helpers::{Person, Resp, TestApp, both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::Write;
use std::time::Duration;

/// A multipart form of text fields and `(name, bytes)` files, sent as `who`.
async fn upload(
    app: &TestApp,
    who: &Person,
    fields: &[(&str, &str)],
    files: &[(&str, Vec<u8>)],
) -> Resp {
    const BOUNDARY: &str = "baton-test-boundary-7f3a";
    let mut body = Vec::new();
    for (name, value) in fields {
        write!(
            body,
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
        .unwrap();
    }
    for (file, bytes) in files {
        write!(
            body,
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .unwrap();
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    write!(body, "--{BOUNDARY}--\r\n").unwrap();
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/imports"))
        .bearer_auth(&who.token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    Resp {
        status,
        headers,
        body,
    }
}

/// A zip of `(name, text)` files.
fn zip(files: &[(&str, &str)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in files {
        out.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Polls job `id` until it is no longer running.
async fn finished(app: &TestApp, id: i64) -> Value {
    for _ in 0..300 {
        let job = app
            .get(&app.org.admin, &format!("/api/v1/imports/{id}"))
            .await
            .expect(StatusCode::OK)
            .body;
        if job["status"] != "running" {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("import {id} still running after 30 s");
}

const USERS: &str = "Id,Name,Email,IsActive\n005000000000001,Ana Rep,ana.upload@example.com,true\n";
const ACCOUNTS: &str = "Id,Name,Website,OwnerId\n\
    001000000000001,Globex Upload,https://globex-upload.example,005000000000001\n\
    001000000000002,Initech Upload,,005000000000001\n";
/// Two good opportunities and one whose account is in no file (line 4).
const OPPORTUNITIES: &str = "Id,AccountId,OwnerId,Name,StageName,Amount,CloseDate\n\
    006000000000001,001000000000001,005000000000001,Globex platform,Prospecting,12500.00,2026-08-14\n\
    006000000000002,001000000000002,005000000000001,Initech seats,Negotiation Review,900,2026-12-01\n\
    006000000000003,001000000000099,005000000000001,Dangling,Prospecting,100,2026-12-01\n";

both_backends! {
    async fn a_zipped_salesforce_export_imports_in_the_background_with_its_summary_and_report(app) {
        let export = zip(&[
            ("export/User.csv", USERS),
            ("export/Account.csv", ACCOUNTS),
            ("export/Opportunity.csv", OPPORTUNITIES),
            ("export/readme.txt", "not an object"),
        ]);
        let job = upload(app, &app.org.admin,
            &[("source", "salesforce"), ("create_stages", "true")],
            &[("export.zip", export)]).await.expect(StatusCode::ACCEPTED).body;
        assert_eq!(job["source"], "salesforce");
        assert_eq!(job["files"], json!(["User.csv", "Account.csv", "Opportunity.csv"]));
        let id = job["id"].as_i64().unwrap();

        let job = finished(app, id).await;
        assert_eq!(job["status"], "done", "{job}");
        let summary = &job["summary"];
        assert_eq!(summary["read"], 6);
        assert_eq!(summary["rejected"], 1);
        assert_eq!(summary["committed"], true);
        let deals = summary["records"].as_array().unwrap().iter()
            .find(|r| r["records"] == "deals").unwrap();
        assert_eq!((deals["created"].as_u64(), deals["updated"].as_u64()), (Some(2), Some(0)));
        assert!(summary["notes"].as_array().unwrap().iter()
            .any(|n| n.as_str().unwrap().contains("added 2 stages")), "{summary}");

        let report = reqwest::Client::new()
            .get(app.url(&format!("/api/v1/imports/{id}/report")))
            .bearer_auth(&app.org.admin.token).send().await.unwrap();
        assert_eq!(report.status(), StatusCode::OK);
        let report = report.text().await.unwrap();
        let lines: Vec<&str> = report.lines().collect();
        assert_eq!(lines.len(), 2, "{report}");
        assert!(lines[1].starts_with("Opportunity.csv,4,AccountId,"), "{report}");

        let found = app.get(&app.org.admin, "/api/v1/deals?q=Initech").await.expect(StatusCode::OK);
        assert_eq!(found.body["items"][0]["amount_minor"], 90_000);
        let listed = app.get(&app.org.admin, "/api/v1/imports").await.expect(StatusCode::OK);
        assert_eq!(listed.body[0]["id"], id);

        // A server that stops mid-import leaves its job running with no progress: after a
        // minute it reads as interrupted.
        app.raw_execute(&format!(
            "UPDATE import_jobs SET status = 'running', updated_at = '2020-01-01T00:00:00+00:00' \
             WHERE id = {id}"
        )).await.unwrap();
        let job = app.get(&app.org.admin, &format!("/api/v1/imports/{id}")).await.expect(StatusCode::OK);
        assert_eq!(job.body["status"], "interrupted");
    }

    async fn a_csv_waits_at_its_preview_until_its_mapping_is_confirmed(app) {
        let csv = "Firm,Website,Staff\nUmbrella Upload,umbrella-upload.example,40\nHooli Upload,,7\n";
        let job = upload(app, &app.org.admin,
            &[("source", "csv"), ("object", "accounts"), ("preview", "true")],
            &[("firms.csv", csv.as_bytes().to_vec())]).await.expect(StatusCode::ACCEPTED).body;
        assert_eq!(job["status"], "preview");
        let preview = &job["preview"];
        assert_eq!(preview["header"], json!(["Firm", "Website", "Staff"]));
        assert_eq!(preview["rows"][1], json!(["Hooli Upload", "", "7"]));
        let column = |field: &str| preview["fields"].as_array().unwrap().iter()
            .find(|f| f["field"] == field).unwrap()["column"].clone();
        assert_eq!(column("name"), Value::Null, "Firm is not a known name for name");
        assert_eq!(column("domain"), "Website");
        let id = job["id"].as_i64().unwrap();
        let start = format!("/api/v1/imports/{id}/start");

        let refused = app.post(&app.org.admin, &start, json!({"mapping": {"name": "Company"}})).await
            .expect(StatusCode::BAD_REQUEST);
        assert_eq!(refused.error_fields(), ["mapping"]);
        assert!(refused.body.to_string().contains("Company"), "{}", refused.body);

        let job = app.post(&app.org.admin, &start,
            json!({"mapping": {"name": "Firm", "employees": "Staff"}})).await.expect(StatusCode::OK).body;
        assert_eq!(job["status"], "running");
        let job = finished(app, id).await;
        assert_eq!(job["summary"]["rejected"], 0, "{job}");
        let found = app.get(&app.org.admin, "/api/v1/accounts?q=Umbrella").await.expect(StatusCode::OK);
        assert_eq!(found.body["items"][0]["employees"], 40);

        let again = app.post(&app.org.admin, &start, json!({})).await.expect(StatusCode::CONFLICT);
        assert!(again.body["detail"].as_str().unwrap().contains("not waiting"), "{}", again.body);
    }

    async fn uploads_that_cannot_be_imported_are_refused_before_anything_is_written(app) {
        let org = &app.org;
        let csv = [("a.csv", b"name\nX\n".to_vec())];
        upload(app, &org.rep_a1, &[("source", "csv"), ("object", "accounts")], &csv)
            .await.expect(StatusCode::FORBIDDEN);
        let refused = upload(app, &org.coordinator,
            &[("source", "csv"), ("object", "deals"), ("create_stages", "on")], &csv)
            .await.expect(StatusCode::FORBIDDEN);
        assert!(refused.body["detail"].as_str().unwrap().contains("only an admin adds stages"));
        let refused = upload(app, &org.admin, &[("source", "salesforce")],
            &[("notes.txt", b"hello".to_vec())]).await.expect(StatusCode::BAD_REQUEST);
        assert_eq!(refused.error_fields(), ["file"]);
        let refused = upload(app, &org.admin, &[("source", "csv")], &csv)
            .await.expect(StatusCode::BAD_REQUEST);
        assert_eq!(refused.error_fields(), ["object"]);
        let refused = upload(app, &org.admin, &[("source", "salesforce")],
            &[("broken.zip", b"PK not really".to_vec())]).await.expect(StatusCode::BAD_REQUEST);
        assert_eq!(refused.error_fields(), ["file"]);
        let refused = upload(app, &org.admin,
            &[("source", "csv"), ("object", "deals"), ("mapping", r#"{"amount": "Missing"}"#)],
            &csv).await.expect(StatusCode::BAD_REQUEST);
        assert_eq!(refused.error_fields(), ["mapping"]);
        let listed = app.get(&org.admin, "/api/v1/imports").await.expect(StatusCode::OK);
        assert_eq!(listed.body, json!([]), "no job for a refused upload");
    }
}
