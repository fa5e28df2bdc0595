//! Finding duplicate accounts and contacts, merging them and undoing a merge, through the API.

use crate::helpers::{Person, TestApp, both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Creates an account with these fields (as the coordinator) and returns its id.
async fn account_with(app: &TestApp, owner: &Person, fields: Value) -> i64 {
    let mut body = fields;
    body["owner_id"] = json!(owner.id);
    app.post(&app.org.coordinator, "/api/v1/accounts", body)
        .await
        .expect(StatusCode::CREATED)
        .body["id"]
        .as_i64()
        .unwrap()
}

/// Creates a contact with these fields (as the coordinator) and returns its id.
async fn contact_with(app: &TestApp, fields: Value) -> i64 {
    let mut body = fields;
    body["owner_id"] = json!(app.org.rep_a1.id);
    app.post(&app.org.coordinator, "/api/v1/contacts", body)
        .await
        .expect(StatusCode::CREATED)
        .body["id"]
        .as_i64()
        .unwrap()
}

/// Logs a note on whatever `refs` names and returns its id.
async fn note(app: &TestApp, refs: Value) -> i64 {
    let mut body =
        json!({"kind": "note", "subject": "Spoke", "occurred_at": "2026-11-01T10:00:00Z"});
    for (k, v) in refs.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.post(&app.org.coordinator, "/api/v1/activities", body)
        .await
        .expect(StatusCode::CREATED)
        .body["id"]
        .as_i64()
        .unwrap()
}

/// The groups `who` is shown, as sorted lists of ids.
async fn groups(app: &TestApp, who: &Person, entity: &str) -> Vec<Vec<i64>> {
    let r = app
        .get(who, &format!("/api/v1/duplicates?entity={entity}"))
        .await
        .expect(StatusCode::OK);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            g["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_i64().unwrap())
                .collect()
        })
        .collect()
}

/// How many live records of `resource` have `filter`, as the coordinator sees them.
async fn count(app: &TestApp, resource: &str, filter: &str) -> usize {
    app.get(
        &app.org.coordinator,
        &format!("/api/v1/{resource}?{filter}&limit=500"),
    )
    .await
    .expect(StatusCode::OK)
    .ids()
    .len()
}

async fn merge(
    app: &TestApp,
    who: &Person,
    entity: &str,
    kept: i64,
    merged: &[i64],
) -> crate::helpers::Resp {
    app.post(
        who,
        &format!("/api/v1/{entity}/{kept}/merge"),
        json!({"merge": merged}),
    )
    .await
}

both_backends! {
    async fn accounts_differing_only_in_case_punctuation_or_legal_suffix_are_one_group(app) {
        let org = &app.org;
        let acme = app.account(&org.rep_a1, "Acme Inc").await;
        let acme2 = app.account(&org.rep_a1, "ACME, Inc.").await;
        let acme3 = app.account(&org.rep_a2, "Acme GmbH").await;
        let _other = app.account(&org.rep_a1, "Acme Rockets").await;
        let globex = account_with(app, &org.rep_a1, json!({"name": "Globex", "domain": "globex.com"})).await;
        let globex2 = account_with(app, &org.rep_a1, json!({"name": "Globex Europe", "domain": "https://www.Globex.com/de"})).await;
        let archived = app.account(&org.rep_a1, "Acme Ltd").await;
        app.delete(&org.coordinator, &format!("/api/v1/accounts/{archived}")).await.expect(StatusCode::OK);

        assert_eq!(groups(app, &org.coordinator, "accounts").await, vec![vec![acme, acme2, acme3], vec![globex, globex2]]);
        let r = app.get(&org.coordinator, "/api/v1/duplicates?entity=accounts").await;
        assert_eq!(r.body["total"], 2);
        assert_eq!(r.body["items"][0]["reasons"], json!([{"rule": "name", "value": "acme"}]));
        assert_eq!(r.body["items"][1]["reasons"], json!([{"rule": "domain", "value": "globex.com"}]));
        assert_eq!(r.body["items"][0]["records"][0]["name"], "Acme Inc");
    }

    async fn contacts_match_on_email_or_on_name_within_one_account(app) {
        let org = &app.org;
        let acme = app.account(&org.rep_a1, "Acme").await;
        let globex = app.account(&org.rep_a1, "Globex").await;
        let ana = contact_with(app, json!({"first_name": "Ana", "last_name": "Silva", "email": "ana@acme.com", "account_id": acme})).await;
        let ana2 = contact_with(app, json!({"first_name": "ANA", "last_name": "Silva", "email": "ana.silva@gmail.com", "account_id": acme})).await;
        let ana3 = contact_with(app, json!({"first_name": "Ana", "last_name": "Silva", "account_id": globex})).await;
        let bo = contact_with(app, json!({"first_name": "Bo", "last_name": "Lee", "email": "BO@example.com"})).await;
        let bo2 = contact_with(app, json!({"first_name": "Robert", "last_name": "Lee", "email": "bo@example.com"})).await;
        let _ = ana3;

        assert_eq!(groups(app, &org.coordinator, "contacts").await, vec![vec![ana, ana2], vec![bo, bo2]]);
        let r = app.get(&org.coordinator, "/api/v1/duplicates?entity=contacts").await;
        assert_eq!(r.body["items"][0]["reasons"], json!([{"rule": "name_at_account", "value": "ana silva"}]));
        assert_eq!(r.body["items"][1]["reasons"], json!([{"rule": "email", "value": "bo@example.com"}]));

        let r = app.get(&org.coordinator, "/api/v1/duplicates?entity=deals").await.expect(StatusCode::BAD_REQUEST);
        assert_eq!(r.error_fields(), vec!["entity"]);
        let r = app.get(&org.coordinator, "/api/v1/duplicates").await.expect(StatusCode::BAD_REQUEST);
        assert_eq!(r.headers["content-type"], "application/problem+json");
    }

    async fn a_rep_never_sees_a_group_with_a_record_they_cannot_see(app) {
        let org = &app.org;
        let mine = app.account(&org.rep_a1, "Initech Inc").await;
        let mine2 = app.account(&org.rep_a1, "Initech LLC").await;
        let theirs = app.account(&org.rep_b1, "INITECH").await;
        let lone = app.account(&org.rep_b1, "Umbrella").await;
        let _ = app.account(&org.rep_a1, "Umbrella Corp").await;

        assert_eq!(groups(app, &org.rep_a1, "accounts").await, vec![vec![mine, mine2]]);
        assert_eq!(groups(app, &org.rep_b1, "accounts").await, Vec::<Vec<i64>>::new(), "{theirs} {lone}");
        assert_eq!(groups(app, &org.manager_a, "accounts").await, vec![vec![mine, mine2]]);
        assert_eq!(groups(app, &org.finance, "accounts").await, Vec::<Vec<i64>>::new());
        assert_eq!(groups(app, &org.coordinator, "accounts").await.len(), 2);
    }

    async fn merging_accounts_keeps_every_deal_contact_activity_and_history_row(app) {
        let org = &app.org;
        let kept = account_with(app, &org.rep_a1, json!({"name": "Acme Inc", "industry": "Manufacturing"})).await;
        let merged = account_with(app, &org.rep_a2, json!({"name": "ACME, Inc.", "domain": "acme.com",
            "industry": "Retail", "employees": 250, "tier": 2})).await;
        let kept_deal = app.deal(&org.rep_a1, Some(kept), "Acme renewal").await;
        let deals = [app.deal(&org.rep_a2, Some(merged), "Acme pilot").await, app.deal(&org.rep_a2, Some(merged), "Acme expansion").await];
        let _ = app.contact(&org.rep_a1, Some(kept), "Kept").await;
        let contacts = [app.contact(&org.rep_a2, Some(merged), "Moved").await, app.contact(&org.rep_a2, Some(merged), "Also").await];
        let _ = note(app, json!({"account_id": kept})).await;
        let activities = [note(app, json!({"account_id": merged})).await, note(app, json!({"account_id": merged, "deal_id": deals[0]})).await];
        let history_before = app.get(&org.coordinator, &format!("/api/v1/accounts/{merged}/history")).await.body.as_array().unwrap().len();
        let kept_version = app.get(&org.coordinator, &format!("/api/v1/accounts/{kept}")).await.body["version"].as_i64().unwrap();

        let r = merge(app, &org.coordinator, "accounts", kept, &[merged]).await.expect(StatusCode::OK);
        let merge_id = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["entity"], "account");
        assert_eq!(r.body["merged_ids"], json!([merged]));
        assert_eq!(r.body["changes"]["moved"].as_array().unwrap().len(), 6);

        assert_eq!(count(app, "deals", &format!("account_id={kept}")).await, 3);
        assert_eq!(count(app, "contacts", &format!("account_id={kept}")).await, 3);
        assert_eq!(count(app, "activities", &format!("account_id={kept}")).await, 3);
        assert_eq!(count(app, "deals", &format!("account_id={merged}")).await, 0);
        let account = app.get(&org.coordinator, &format!("/api/v1/accounts/{kept}")).await.expect(StatusCode::OK).body;
        assert_eq!(account["industry"], "Manufacturing", "a field the kept account has is never overwritten");
        assert_eq!(account["domain"], "acme.com", "an empty one is filled");
        assert_eq!((account["employees"].as_i64(), account["tier"].as_i64()), (Some(250), Some(2)));
        assert_eq!(account["owner_id"], org.rep_a1.id.0);
        assert_eq!(account["version"].as_i64().unwrap(), kept_version + 1);
        let gone = app.get(&org.coordinator, &format!("/api/v1/accounts/{merged}")).await.expect(StatusCode::OK).body;
        assert!(gone["archived_at"].is_string(), "the merged account is archived, not deleted");
        let moved = app.get(&org.coordinator, &format!("/api/v1/deals/{}", deals[0])).await.body;
        assert_eq!((moved["account_id"].as_i64(), moved["version"].as_i64()), (Some(kept), Some(2)));
        let history_after = app.get(&org.coordinator, &format!("/api/v1/accounts/{merged}/history")).await.body.as_array().unwrap().len();
        assert_eq!(history_after, history_before, "the field history stays");
        assert_eq!(count(app, "deals", &format!("id={kept_deal}")).await, 1);

        // One audit entry per changed record: 2 deals, 2 contacts, 2 activities, kept, merged.
        let audit = app.get(&org.admin, "/api/v1/audit?action=merge&limit=500").await.expect(StatusCode::OK);
        let entries = audit.body["items"].as_array().unwrap();
        assert_eq!(entries.len(), 8, "{entries:#?}");
        let touched = |entity: &str| -> Vec<i64> {
            let mut ids: Vec<i64> = entries.iter().filter(|e| e["entity"] == entity).map(|e| e["entity_id"].as_i64().unwrap()).collect();
            ids.sort_unstable();
            ids
        };
        assert_eq!(touched("deal"), deals.to_vec());
        assert_eq!(touched("contact"), contacts.to_vec());
        assert_eq!(touched("activity"), activities.to_vec());
        assert_eq!(touched("account"), vec![kept.min(merged), kept.max(merged)]);
        assert!(entries.iter().any(|e| e["after"]["merge_id"] == merge_id));

        // The merged account is no longer a candidate.
        assert!(groups(app, &org.coordinator, "accounts").await.is_empty());
        let merges = app.get(&org.coordinator, "/api/v1/merges").await.expect(StatusCode::OK);
        assert_eq!(merges.body[0]["id"], merge_id);
    }

    async fn merging_contacts_moves_activities_and_folds_deal_roles(app) {
        let org = &app.org;
        let account = app.account(&org.rep_a1, "Acme").await;
        let kept = contact_with(app, json!({"last_name": "Silva", "first_name": "Ana", "account_id": account})).await;
        let merged = contact_with(app, json!({"last_name": "Silva", "first_name": "Ana", "email": "ana@acme.com",
            "phone": "+1 555 0100", "account_id": account})).await;
        let both = app.post(&org.coordinator, "/api/v1/deals", json!({"name": "Both", "account_id": account, "owner_id": org.rep_a1.id,
            "contacts": [{"contact_id": kept}, {"contact_id": merged, "role": "Champion", "is_primary": true}]}))
            .await.expect(StatusCode::CREATED).body["id"].as_i64().unwrap();
        let only = app.post(&org.coordinator, "/api/v1/deals", json!({"name": "Only", "account_id": account, "owner_id": org.rep_a1.id,
            "contacts": [{"contact_id": merged, "role": "Buyer"}]}))
            .await.expect(StatusCode::CREATED).body["id"].as_i64().unwrap();
        let call = note(app, json!({"contact_id": merged})).await;

        let r = merge(app, &org.coordinator, "contacts", kept, &[merged]).await.expect(StatusCode::OK);
        let merge_id = r.body["id"].as_i64().unwrap();
        let deal = |id: i64| async move { app.get(&org.coordinator, &format!("/api/v1/deals/{id}")).await.body };
        assert_eq!(deal(both).await["contacts"], json!([{"contact_id": kept, "role": "Champion", "is_primary": true}]));
        assert_eq!(deal(only).await["contacts"], json!([{"contact_id": kept, "role": "Buyer", "is_primary": false}]));
        assert_eq!(app.get(&org.coordinator, &format!("/api/v1/activities/{call}")).await.body["contact_id"], kept);
        let contact = app.get(&org.coordinator, &format!("/api/v1/contacts/{kept}")).await.body;
        assert_eq!((contact["email"].as_str(), contact["phone"].as_str()), (Some("ana@acme.com"), Some("+1 555 0100")));

        app.post(&org.admin, &format!("/api/v1/merges/{merge_id}/undo"), json!({})).await.expect(StatusCode::OK);
        assert_eq!(deal(both).await["contacts"], json!([{"contact_id": merged, "role": "Champion", "is_primary": true},
            {"contact_id": kept, "role": null, "is_primary": false}]));
        assert_eq!(deal(only).await["contacts"], json!([{"contact_id": merged, "role": "Buyer", "is_primary": false}]));
        assert_eq!(app.get(&org.coordinator, &format!("/api/v1/activities/{call}")).await.body["contact_id"], merged);
        let contact = app.get(&org.coordinator, &format!("/api/v1/contacts/{kept}")).await.body;
        assert_eq!((contact["email"].clone(), contact["phone"].clone()), (Value::Null, Value::Null));
        assert!(app.get(&org.coordinator, &format!("/api/v1/contacts/{merged}")).await.body["archived_at"].is_null());
    }

    async fn undo_puts_back_what_still_holds_and_reports_the_rest(app) {
        let org = &app.org;
        let kept = app.account(&org.rep_a1, "Acme Inc").await;
        let merged = account_with(app, &org.rep_a1, json!({"name": "Acme", "domain": "acme.com"})).await;
        let elsewhere = app.account(&org.rep_a1, "Other").await;
        let stays = app.deal(&org.rep_a1, Some(merged), "Stays").await;
        let moves_on = app.deal(&org.rep_a1, Some(merged), "Moves on").await;
        let merge_id = merge(app, &org.coordinator, "accounts", kept, &[merged]).await.expect(StatusCode::OK).body["id"].as_i64().unwrap();

        // Later edits: one deal moves to another account, the filled domain is changed.
        let d = app.get(&org.rep_a1, &format!("/api/v1/deals/{moves_on}")).await;
        app.patch(&org.rep_a1, &format!("/api/v1/deals/{moves_on}"), &d.etag(), json!({"account_id": elsewhere})).await.expect(StatusCode::OK);
        let a = app.get(&org.rep_a1, &format!("/api/v1/accounts/{kept}")).await;
        app.patch(&org.rep_a1, &format!("/api/v1/accounts/{kept}"), &a.etag(), json!({"domain": "acme.io"})).await.expect(StatusCode::OK);

        let undo = format!("/api/v1/merges/{merge_id}/undo");
        app.post(&org.coordinator, &undo, json!({})).await.expect(StatusCode::FORBIDDEN);
        app.post(&org.rep_a1, &undo, json!({})).await.expect(StatusCode::FORBIDDEN);
        let r = app.post(&org.admin, &undo, json!({})).await.expect(StatusCode::OK);
        assert!(r.body["undone_at"].is_string());
        let report = &r.body["undo_report"];
        assert_eq!(report["not_restored"].as_array().unwrap().len(), 2, "{report}");
        assert_eq!(app.get(&org.admin, &format!("/api/v1/deals/{stays}")).await.body["account_id"], merged);
        assert_eq!(app.get(&org.admin, &format!("/api/v1/deals/{moves_on}")).await.body["account_id"], elsewhere);
        assert_eq!(app.get(&org.admin, &format!("/api/v1/accounts/{kept}")).await.body["domain"], "acme.io");
        assert!(app.get(&org.admin, &format!("/api/v1/accounts/{merged}")).await.body["archived_at"].is_null());
        let audit = app.get(&org.admin, "/api/v1/audit?action=unmerge&limit=500").await;
        assert_eq!(audit.body["items"].as_array().unwrap().len(), 2, "the deal put back and the restored account");

        let again = app.post(&org.admin, &undo, json!({})).await.expect(StatusCode::CONFLICT);
        assert!(again.body["detail"].as_str().unwrap().contains("already undone"));
        app.post(&org.admin, "/api/v1/merges/999999/undo", json!({})).await.expect(StatusCode::NOT_FOUND);
    }

    async fn a_merge_older_than_30_days_cannot_be_undone(app) {
        let org = &app.org;
        let kept = app.account(&org.rep_a1, "Hooli").await;
        let merged = app.account(&org.rep_a1, "Hooli Inc").await;
        let merge_id = merge(app, &org.admin, "accounts", kept, &[merged]).await.expect(StatusCode::OK).body["id"].as_i64().unwrap();
        app.raw_execute(&format!("UPDATE merges SET merged_at = '2026-01-01T00:00:00+00:00' WHERE id = {merge_id}")).await.unwrap();
        let r = app.post(&org.admin, &format!("/api/v1/merges/{merge_id}/undo"), json!({})).await.expect(StatusCode::CONFLICT);
        assert!(r.body["detail"].as_str().unwrap().contains("30 days"), "{r:?}");
        assert!(app.get(&org.admin, &format!("/api/v1/accounts/{merged}")).await.body["archived_at"].is_string());
    }

    async fn bad_merges_are_refused_with_the_field_at_fault(app) {
        let org = &app.org;
        let a = app.account(&org.rep_a1, "Vandelay").await;
        let b = app.account(&org.rep_a1, "Vandelay Industries").await;
        let theirs = app.account(&org.rep_b1, "Vandelay Imports").await;
        let archived = app.account(&org.rep_a1, "Vandelay Ltd").await;
        app.delete(&org.coordinator, &format!("/api/v1/accounts/{archived}")).await.expect(StatusCode::OK);

        let r = merge(app, &org.coordinator, "accounts", a, &[a]).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), vec!["merge[0]"]);
        assert_eq!(r.headers["content-type"], "application/problem+json");
        let r = merge(app, &org.coordinator, "accounts", a, &[]).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), vec!["merge"]);
        let r = merge(app, &org.coordinator, "accounts", a, &[b, archived]).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), vec!["merge[1]"]);
        let r = merge(app, &org.coordinator, "accounts", archived, &[a]).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), vec!["id"]);
        merge(app, &org.coordinator, "accounts", a, &[999_999]).await.expect(StatusCode::NOT_FOUND);
        // A rep may not merge; a record they cannot see does not exist for them.
        merge(app, &org.rep_a1, "accounts", a, &[theirs]).await.expect(StatusCode::NOT_FOUND);
        merge(app, &org.rep_a1, "accounts", a, &[b]).await.expect(StatusCode::FORBIDDEN);
        merge(app, &org.manager_a, "accounts", a, &[b]).await.expect(StatusCode::FORBIDDEN);
        merge(app, &org.finance, "accounts", a, &[b]).await.expect(StatusCode::NOT_FOUND);
        app.get(&org.rep_a1, "/api/v1/merges").await.expect(StatusCode::FORBIDDEN);
        // A stale If-Match on the kept record.
        app.send(Some(&org.coordinator), reqwest::Method::POST, &format!("/api/v1/accounts/{a}/merge"),
            Some(&json!({"merge": [b]})), &[("if-match", "\"7\"")]).await.expect(StatusCode::PRECONDITION_FAILED);
        // Nothing was written by any of these.
        assert_eq!(count(app, "accounts", "q=Vandelay").await, 3);
        app.send(Some(&org.coordinator), reqwest::Method::POST, &format!("/api/v1/accounts/{a}/merge"),
            Some(&json!({"merge": [b]})), &[("if-match", "\"1\"")]).await.expect(StatusCode::OK);
    }

    async fn a_pair_dismissed_as_not_duplicates_stays_dismissed(app) {
        let org = &app.org;
        let a = app.account(&org.rep_a1, "Delta Air").await;
        let b = app.account(&org.rep_a1, "Delta, Air").await;
        let _ = app.account(&org.rep_a1, "Unrelated").await;
        assert_eq!(groups(app, &org.coordinator, "accounts").await, vec![vec![a, b]]);
        app.post(&org.rep_a1, "/api/v1/duplicates/dismiss", json!({"entity": "accounts", "ids": [a, b]})).await.expect(StatusCode::FORBIDDEN);
        let r = app.post(&org.coordinator, "/api/v1/duplicates/dismiss", json!({"entity": "accounts", "ids": [a]})).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), vec!["ids"]);
        app.post(&org.coordinator, "/api/v1/duplicates/dismiss", json!({"entity": "accounts", "ids": [a, b]})).await.expect(StatusCode::NO_CONTENT);
        assert!(groups(app, &org.coordinator, "accounts").await.is_empty());
        // Dismissing again is harmless, and a change elsewhere does not bring the pair back.
        app.post(&org.admin, "/api/v1/duplicates/dismiss", json!({"entity": "accounts", "ids": [b, a]})).await.expect(StatusCode::NO_CONTENT);
        let _ = app.account(&org.rep_a1, "Epsilon").await;
        assert!(groups(app, &org.coordinator, "accounts").await.is_empty());
    }

    async fn the_today_card_shows_coordinators_the_duplicates_to_review(app) {
        let org = &app.org;
        let _ = app.account(&org.rep_a1, "Stark Industries").await;
        let _ = app.account(&org.rep_a1, "STARK INDUSTRIES, INC.").await;
        let client = crate::web::browser();
        let cookie = crate::web::session_of(app, &org.coordinator, "coordinator@example.com").await;
        let page = client.get(app.url("/today")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("id=\"duplicates\""), "{page}");
        assert!(page.contains("hx-get=\"/duplicates/card\""), "the card loads after the page");
        let card = client.get(app.url("/duplicates/card")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
        assert!(card.contains("STARK INDUSTRIES, INC."), "{card}");
        assert!(card.contains("href=\"/duplicates\""));
        let review = client.get(app.url("/duplicates?entity=accounts")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(review.status(), StatusCode::OK);
        assert!(review.text().await.unwrap().contains("Keep Stark Industries"));

        let rep = crate::web::session_of(app, &org.rep_a1, "rep_a1@example.com").await;
        let page = client.get(app.url("/today")).header("cookie", &rep).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("id=\"duplicates\""));
        let card = client.get(app.url("/duplicates/card")).header("cookie", &rep).send().await.unwrap();
        assert_eq!(card.status(), StatusCode::FORBIDDEN);
        let review = client.get(app.url("/duplicates")).header("cookie", &rep).send().await.unwrap();
        assert_eq!(review.status(), StatusCode::FORBIDDEN);
    }
}
