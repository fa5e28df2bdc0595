//! Exports over HTTP: the organisation zip holds only what the caller may see; a list export
//! holds every row matching the list's filters, as CSV or XLSX, with formulas neutralised; the
//! list pages link to it with their filters.

use crate::helpers::{Person, TestApp, both_backends};
use crate::web::{browser, session_of};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE};
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Read;

/// A download as `who`: its status, headers and bytes.
async fn download(
    app: &TestApp,
    who: &Person,
    path: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let response = reqwest::Client::new()
        .get(app.url(path))
        .bearer_auth(&who.token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

/// The files of a zip, as text.
fn files(zip: Vec<u8>) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut text = String::new();
            file.read_to_string(&mut text).unwrap();
            (file.name().unwrap().into_owned(), text)
        })
        .collect()
}

both_backends! {
    async fn the_organisation_export_holds_only_what_the_caller_may_see(app) {
        let org = &app.org;
        let mine = app.account(&org.rep_a1, "Mine Account").await;
        app.deal(&org.rep_a1, Some(mine), "=Mine deal").await;
        let theirs = app.account(&org.rep_b1, "Theirs Account").await;
        app.deal(&org.rep_b1, Some(theirs), "Theirs deal").await;

        let (status, headers, zip) = download(app, &org.rep_a1, "/api/v1/export").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[CONTENT_TYPE], "application/zip");
        assert!(headers[CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment; filename=\"baton-export-"));
        let rep = files(zip);
        assert_eq!(
            rep.keys().map(String::as_str).collect::<Vec<_>>(),
            ["Account.csv", "Contact.csv", "EmailMessage.csv", "Event.csv", "Opportunity.csv",
             "OpportunityContactRole.csv", "OpportunityHistory.csv", "OpportunitySplit.csv",
             "OpportunitySplitType.csv", "Task.csv", "User.csv"]
        );
        assert!(rep["Opportunity.csv"].starts_with("Id,AccountId,OwnerId,Name,StageName,Amount,CurrencyIsoCode,CloseDate"));
        assert!(rep["Opportunity.csv"].contains(",'=Mine deal,"), "{}", rep["Opportunity.csv"]);
        assert!(rep["Opportunity.csv"].contains(",10000.00,USD,"), "{}", rep["Opportunity.csv"]);
        assert!(!rep["Opportunity.csv"].contains("Theirs"), "{}", rep["Opportunity.csv"]);
        assert!(rep["Account.csv"].contains("Mine Account") && !rep["Account.csv"].contains("Theirs"));
        assert!(rep["OpportunityHistory.csv"].lines().count() >= 2, "the deal's first snapshot");

        // Custom fields are extra `<key>__c` columns.
        app.post(&org.admin, "/api/v1/custom-fields", json!({"entity": "deal", "key": "seats", "label": "Seats", "kind": "number"}))
            .await
            .expect(StatusCode::CREATED);
        app.post(&org.rep_a1, "/api/v1/deals", json!({"name": "Seated deal", "custom_fields": {"seats": 40}}))
            .await
            .expect(StatusCode::CREATED);
        let (status, _, zip) = download(app, &org.admin, "/api/v1/export").await;
        assert_eq!(status, StatusCode::OK);
        let all = files(zip);
        let deals = &all["Opportunity.csv"];
        assert!(deals.lines().next().unwrap().ends_with(",IsDeleted,seats__c"), "{deals}");
        assert!(deals.lines().any(|l| l.contains("Seated deal") && l.ends_with(",false,40")), "{deals}");
        assert!(all["Opportunity.csv"].contains("Mine deal") && all["Opportunity.csv"].contains("Theirs deal"));
        assert!(all["User.csv"].contains("rep_b1@example.com"));
    }

    async fn a_list_export_holds_every_matching_row_not_one_page(app) {
        let org = &app.org;
        for i in 0..3 {
            app.deal(&org.rep_a1, None, &format!("Export {i}")).await;
        }
        app.deal(&org.rep_a1, None, "=HYPERLINK(\"x\")").await;
        app.deal(&org.rep_b1, None, "Export other").await;

        let path = format!("/api/v1/deals/export?format=csv&owner_id={}&limit=2&sort=name", org.rep_a1.id);
        let (status, headers, csv) = download(app, &org.admin, &path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers[CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
        let csv = String::from_utf8(csv).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].starts_with("ID,Name,Account,Owner,Stage,Amount,Currency,Close date"), "{csv}");
        assert_eq!(lines.len(), 5, "every matching row, whatever the limit: {csv}");
        assert!(lines[1].contains(",\"'=HYPERLINK(\"\"x\"\")\","), "{csv}");
        assert!(lines[2].contains(",Export 0,") && lines[2].contains(",10000.00,USD,"), "{csv}");
        assert!(!csv.contains("Export other"));

        let path = format!("/api/v1/deals/export?format=xlsx&owner_id={}", org.rep_a1.id);
        let (status, headers, xlsx) = download(app, &org.admin, &path).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[CONTENT_TYPE], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        let book = files(xlsx);
        let sheet = &book["xl/worksheets/sheet1.xml"];
        assert!(!sheet.contains("<f>"), "text is never a formula");
        assert!(book["xl/sharedStrings.xml"].contains("=HYPERLINK"), "but kept as text");

        // A rep's list export is their visible list.
        let (_, _, csv) = download(app, &org.rep_b1, "/api/v1/deals/export").await;
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.contains("Export other") && !csv.contains("Export 0"), "{csv}");

        let (status, _, _) = download(app, &org.admin, "/api/v1/deals/export?format=pdf").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }

    async fn a_list_export_names_more_referenced_records_than_one_lookup_takes(app) {
        // The names of a page's accounts are looked up 100 ids at a time.
        let org = &app.org;
        for i in 0..105 {
            let account = app.account(&org.rep_a1, &format!("Named {i:03}")).await;
            app.deal(&org.rep_a1, Some(account), &format!("At account {i:03}")).await;
        }
        let path = format!("/api/v1/deals/export?format=csv&owner_id={}", org.rep_a1.id);
        let (status, _, csv) = download(app, &org.admin, &path).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&csv));
        let csv = String::from_utf8(csv).unwrap();
        for i in 0..105 {
            let line = csv.lines().find(|l| l.contains(&format!(",At account {i:03},"))).expect("every deal");
            assert!(line.contains(&format!(",Named {i:03},")), "{line}");
        }
    }

    async fn list_pages_link_to_their_export_with_their_filters(app) {
        let org = &app.org;
        app.deal(&org.rep_a1, None, "Linked deal").await;
        let cookie = session_of(app, &org.coordinator, "coordinator@example.com").await;
        let page = browser()
            .get(app.url(&format!("/deals?owner_id={}", org.rep_a1.id)))
            .header(COOKIE, &cookie)
            .send().await.unwrap().text().await.unwrap();
        let link = format!("/deals/export?owner_id={}&amp;format=xlsx", org.rep_a1.id);
        assert!(page.contains(&link), "{page}");
        let response = browser()
            .get(app.url(&format!("/deals/export?owner_id={}&format=csv", org.rep_a1.id)))
            .header(COOKIE, &cookie)
            .send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers()[CONTENT_DISPOSITION].to_str().unwrap().contains(".csv"));
        assert!(response.text().await.unwrap().contains("Linked deal"));
    }
}
