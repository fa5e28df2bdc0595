//! Creating, reading, changing, archiving and listing records through the API.

use crate::helpers::both_backends;
use reqwest::StatusCode;
use serde_json::json;

both_backends! {
    async fn a_deal_round_trips_with_its_splits_and_contacts(app) {
        let org = &app.org;
        let account = app.account(&org.rep_a1, "Globex").await;
        let contact = app.contact(&org.rep_a1, Some(account), "Simpson").await;
        let created = app
            .post(&org.rep_a1, "/api/v1/deals", json!({
                "name": "Globex expansion",
                "account_id": account,
                "amount_minor": 48_000_000,
                "currency": "eur",
                "close_date": "2026-12-15",
                "source": "Referral",
                "splits": [
                    {"user_id": org.rep_a1.id, "kind": "revenue", "percent": 66.67},
                    {"user_id": org.rep_a2.id, "kind": "revenue", "percent": 33.33},
                    {"user_id": org.manager_a.id, "kind": "overlay", "percent": 100}
                ],
                "contacts": [{"contact_id": contact, "role": "Champion", "is_primary": true}]
            }))
            .await
            .expect(StatusCode::CREATED);
        assert_eq!(created.etag(), "\"1\"");
        let id = created.body["id"].as_i64().unwrap();
        assert_eq!(created.headers["location"], format!("/api/v1/deals/{id}").as_str());

        let read = app.get(&org.rep_a1, &format!("/api/v1/deals/{id}")).await.expect(StatusCode::OK);
        let deal = &read.body;
        assert_eq!(deal["owner_id"], org.rep_a1.id.0, "the creator owns a deal by default");
        assert_eq!(deal["currency"], "EUR");
        assert_eq!(deal["amount_minor"], 48_000_000);
        assert_eq!(deal["close_date"], "2026-12-15");
        assert_eq!(deal["pipeline_id"], org.pipeline, "new deals go to the default pipeline");
        assert_eq!(deal["stage_id"], org.stages[0], "…and its first stage");
        assert_eq!(deal["forecast_category"], "pipeline");
        assert_eq!(deal["splits"].as_array().unwrap().len(), 3);
        assert_eq!(deal["splits"][0]["percent"], 66.67);
        assert_eq!(deal["contacts"], json!([{"contact_id": contact, "role": "Champion", "is_primary": true}]));
    }

    async fn patching_changes_only_the_fields_sent_and_null_clears(app) {
        let org = &app.org;
        let id = app.deal(&org.rep_a1, None, "Initech renewal").await;
        let path = format!("/api/v1/deals/{id}");
        let r = app.patch(&org.rep_a1, &path, "\"1\"", json!({"next_step": "Send quote", "close_date": "2027-01-31"})).await.expect(StatusCode::OK);
        assert_eq!(r.etag(), "\"2\"");
        assert_eq!(r.body["name"], "Initech renewal");
        assert_eq!(r.body["next_step"], "Send quote");
        let r = app.patch(&org.rep_a1, &path, "\"2\"", json!({"next_step": null, "amount_minor": null})).await.expect(StatusCode::OK);
        assert_eq!(r.body["next_step"], serde_json::Value::Null);
        assert_eq!(r.body["amount_minor"], serde_json::Value::Null);
        assert_eq!(r.body["close_date"], "2027-01-31");
        // The version can travel in the body instead of If-Match.
        let r = app
            .send(Some(&org.rep_a1), reqwest::Method::PATCH, &path, Some(&json!({"version": 3, "source": "Inbound"})), &[])
            .await
            .expect(StatusCode::OK);
        assert_eq!(r.body["version"], 4);
    }

    async fn moving_a_deal_to_a_won_stage_closes_it_and_reopening_clears_the_close(app) {
        let org = &app.org;
        let id = app.deal(&org.rep_a1, None, "Umbrella pilot").await;
        let path = format!("/api/v1/deals/{id}");
        let r = app.patch(&org.rep_a1, &path, "\"1\"", json!({"stage_id": org.stages[3]})).await.expect(StatusCode::OK);
        assert_eq!(r.body["forecast_category"], "commit", "the stage's category comes along");
        assert!(r.body["closed_at"].is_null());
        let r = app.patch(&org.rep_a1, &path, "\"2\"", json!({"stage_id": org.stages[4]})).await.expect(StatusCode::OK);
        assert_eq!(r.body["forecast_category"], "closed");
        assert!(r.body["closed_at"].is_string());
        let r = app.patch(&org.rep_a1, &path, "\"3\"", json!({"forecast_category": "commit"})).await;
        assert_eq!(r.expect(StatusCode::UNPROCESSABLE_ENTITY).error_fields(), ["forecast_category"]);
        let r = app.patch(&org.rep_a1, &path, "\"3\"", json!({"stage_id": org.stages[2], "forecast_category": "best_case"})).await.expect(StatusCode::OK);
        assert!(r.body["closed_at"].is_null());
        assert_eq!(r.body["forecast_category"], "best_case", "an explicit category wins on open stages");
    }

    async fn archiving_hides_a_record_from_lists_until_it_is_restored(app) {
        let org = &app.org;
        let id = app.account(&org.rep_a1, "Vandelay Industries").await;
        let r = app.delete(&org.rep_a1, &format!("/api/v1/accounts/{id}")).await.expect(StatusCode::OK);
        assert!(r.body["archived_at"].is_string());
        let live = app.get(&org.rep_a1, "/api/v1/accounts").await.expect(StatusCode::OK);
        assert!(!live.ids().contains(&id));
        let archived = app.get(&org.rep_a1, "/api/v1/accounts?archived=true").await.expect(StatusCode::OK);
        assert_eq!(archived.ids(), [id]);
        app.get(&org.rep_a1, &format!("/api/v1/accounts/{id}")).await.expect(StatusCode::OK);
        app.send(Some(&org.rep_a1), reqwest::Method::POST, &format!("/api/v1/accounts/{id}/restore"), None, &[])
            .await
            .expect(StatusCode::OK);
        let live = app.get(&org.rep_a1, "/api/v1/accounts").await.expect(StatusCode::OK);
        assert!(live.ids().contains(&id));
    }

    async fn cursor_pages_visit_every_record_once_in_sort_order(app) {
        let org = &app.org;
        let mut expected = Vec::new();
        for i in 0..23_i64 {
            // Some amounts are equal and some missing, to exercise ties and nulls.
            let amount = if i % 5 == 0 { serde_json::Value::Null } else { json!((i % 7) * 1000) };
            let r = app
                .post(&org.coordinator, "/api/v1/deals", json!({"name": format!("Deal {i:02}"), "amount_minor": amount}))
                .await
                .expect(StatusCode::CREATED);
            expected.push((amount.as_i64(), r.body["id"].as_i64().unwrap()));
        }
        // Descending by amount, ties by id descending, missing amounts last.
        expected.sort_by(|a, b| match (a.0, b.0) {
            (Some(x), Some(y)) => y.cmp(&x).then(b.1.cmp(&a.1)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => b.1.cmp(&a.1),
        });
        let mut seen = Vec::new();
        let mut cursor = String::new();
        loop {
            let path = format!("/api/v1/deals?limit=4&sort=-amount_minor{cursor}");
            let page = app.get(&org.coordinator, &path).await.expect(StatusCode::OK);
            seen.extend(page.ids());
            match page.body["next_cursor"].as_str() {
                Some(next) => cursor = format!("&cursor={next}"),
                None => break,
            }
        }
        assert_eq!(seen, expected.iter().map(|e| e.1).collect::<Vec<_>>());

        // Filtered to a range of amounts (so without the missing ones), paged the same way.
        let mut seen = Vec::new();
        let mut cursor = String::new();
        loop {
            let path = format!("/api/v1/deals?limit=4&sort=-amount_minor&amount_minor_gte=1000{cursor}");
            let page = app.get(&org.coordinator, &path).await.expect(StatusCode::OK);
            seen.extend(page.ids());
            match page.body["next_cursor"].as_str() {
                Some(next) => cursor = format!("&cursor={next}"),
                None => break,
            }
        }
        let in_range: Vec<i64> = expected.iter().filter(|e| e.0.is_some_and(|a| a >= 1000)).map(|e| e.1).collect();
        assert_eq!(seen, in_range);

        let by_name = app.get(&org.coordinator, "/api/v1/deals?limit=500&sort=name").await.expect(StatusCode::OK);
        let names: Vec<String> = by_name.body["items"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap().to_owned()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }

    async fn filters_select_by_equality_ranges_and_lists(app) {
        let org = &app.org;
        let mut ids = Vec::new();
        for amount in [100, 200, 300, 400] {
            let r = app.post(&org.coordinator, "/api/v1/deals", json!({"name": format!("D{amount}"), "amount_minor": amount}))
                .await
                .expect(StatusCode::CREATED);
            ids.push(r.body["id"].as_i64().unwrap());
        }
        let r = app.get(&org.coordinator, "/api/v1/deals?amount_minor_gte=200&amount_minor_lt=400").await.expect(StatusCode::OK);
        assert_eq!(r.ids(), [ids[1], ids[2]]);
        let r = app.get(&org.coordinator, &format!("/api/v1/deals?id_in={},{}", ids[0], ids[3])).await.expect(StatusCode::OK);
        assert_eq!(r.ids(), [ids[0], ids[3]]);
        let r = app.get(&org.coordinator, "/api/v1/deals?amount_minor=300").await.expect(StatusCode::OK);
        assert_eq!(r.ids(), [ids[2]]);
        let r = app.get(&org.coordinator, &format!("/api/v1/deals?outcome=open&stage_id={}", org.stages[0])).await.expect(StatusCode::OK);
        assert_eq!(r.ids(), ids);
        let r = app.get(&org.coordinator, "/api/v1/deals?close_date_null=true&limit=2").await.expect(StatusCode::OK);
        assert_eq!(r.ids(), [ids[0], ids[1]]);
    }

    async fn search_matches_the_start_of_names_ignoring_case(app) {
        let org = &app.org;
        let labs = app.account(&org.rep_a1, "ACME Labs").await;
        let acme = app.account(&org.rep_a1, "Acme Corp").await;
        app.account(&org.rep_a1, "Zenith Acme").await;
        let r = app.get(&org.coordinator, "/api/v1/accounts?q=acm").await.expect(StatusCode::OK);
        assert_eq!(r.ids(), [acme, labs], "search results come alphabetically");
        let r = app.get(&org.coordinator, "/api/v1/accounts?q=acm&sort=id").await.expect(StatusCode::OK);
        assert_eq!(r.ids(), [labs, acme]);
        let ana = app.contact(&org.rep_a1, None, "Anderson").await;
        let r = app.get(&org.coordinator, "/api/v1/contacts?q=ANDER").await.expect(StatusCode::OK);
        assert_eq!(r.ids(), [ana]);
        let r = app.get(&org.coordinator, "/api/v1/contacts?q=anderson%40example").await.expect(StatusCode::OK);
        assert_eq!(r.ids(), [ana], "search covers email too");
        let r = app.get(&org.coordinator, "/api/v1/accounts?q=%25").await.expect(StatusCode::OK);
        assert!(r.ids().is_empty(), "wildcards in the search text are literal");
    }

    async fn custom_fields_are_validated_and_kept_with_the_record(app) {
        let org = &app.org;
        app.post(&org.admin, "/api/v1/custom-fields", json!({"entity": "deal", "key": "seats", "label": "Seats", "kind": "number"}))
            .await
            .expect(StatusCode::CREATED);
        app.post(&org.admin, "/api/v1/custom-fields", json!({"entity": "deal", "key": "segment", "label": "Segment",
            "kind": "single_select", "options": ["SMB", "Enterprise"]}))
            .await
            .expect(StatusCode::CREATED);
        app.post(&org.coordinator, "/api/v1/custom-fields", json!({"entity": "deal", "key": "x", "label": "X", "kind": "text"}))
            .await
            .expect(StatusCode::FORBIDDEN);
        let r = app
            .post(&org.rep_a1, "/api/v1/deals", json!({"name": "Soylent", "custom_fields": {"seats": "lots", "segment": "Mid", "colour": "red"}}))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["custom_fields.colour", "custom_fields.seats", "custom_fields.segment"]);
        let r = app
            .post(&org.rep_a1, "/api/v1/deals", json!({"name": "Soylent", "custom_fields": {"seats": 40, "segment": "enterprise"}}))
            .await
            .expect(StatusCode::CREATED);
        assert_eq!(r.body["custom_fields"], json!({"seats": 40, "segment": "Enterprise"}));
        let id = r.body["id"].as_i64().unwrap();
        let r = app.patch(&org.rep_a1, &format!("/api/v1/deals/{id}"), "\"1\"", json!({"custom_fields": {"seats": null}})).await.expect(StatusCode::OK);
        assert_eq!(r.body["custom_fields"], json!({"segment": "Enterprise"}));
    }

    async fn quotas_are_set_per_period_and_listed_by_period(app) {
        let org = &app.org;
        let r = app
            .post(&org.finance, "/api/v1/quotas", json!({"user_id": org.rep_a1.id, "period": "2026-Q3", "amount_minor": 40_000_000}))
            .await
            .expect(StatusCode::CREATED);
        assert_eq!(r.body["start_date"], "2026-07-01");
        assert_eq!(r.body["end_date"], "2026-10-01");
        assert_eq!(r.body["period"], "2026-Q3");
        let r = app
            .post(&org.coordinator, "/api/v1/quotas", json!({"user_id": org.rep_a1.id, "period": "2026-q3", "amount_minor": 1}))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["period"], "one quota per person and period");
        app.post(&org.coordinator, "/api/v1/quotas", json!({"team_id": 1, "period": "FY2026", "amount_minor": 500_000_000}))
            .await
            .expect(StatusCode::CREATED);
        app.post(&org.rep_a1, "/api/v1/quotas", json!({"user_id": org.rep_a1.id, "period": "2026-Q4", "amount_minor": 1}))
            .await
            .expect(StatusCode::FORBIDDEN);
        let r = app.get(&org.rep_a1, "/api/v1/quotas?period=2026-Q3").await.expect(StatusCode::OK);
        assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
        let r = app.get(&org.rep_b1, "/api/v1/quotas?period=2026-Q3").await.expect(StatusCode::OK);
        assert!(r.ids().is_empty(), "another team's rep does not see rep_a1's quota");
    }

    async fn only_an_admin_changes_the_organisation_and_its_users(app) {
        let org = &app.org;
        let r = app.get(&org.rep_a1, "/api/v1/org").await.expect(StatusCode::OK);
        let etag = r.etag();
        app.patch(&org.coordinator, "/api/v1/org", &etag, json!({"currency": "EUR"})).await.expect(StatusCode::FORBIDDEN);
        let r = app.patch(&org.admin, "/api/v1/org", &etag, json!({"currency": "EUR", "fiscal_year_start_month": 2})).await.expect(StatusCode::OK);
        assert_eq!(r.body["currency"], "EUR");
        let r = app.post(&org.admin, "/api/v1/users", json!({"email": "new@example.com", "name": "New Rep", "role": "rep", "password": "long enough password"}))
            .await
            .expect(StatusCode::CREATED);
        assert!(r.body.get("password").is_none() && r.body.get("password_hash").is_none());
        app.post(&org.admin, "/api/v1/users", json!({"email": "NEW@example.com", "name": "Twin", "role": "rep"}))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        app.post(&org.coordinator, "/api/v1/users", json!({"email": "x@example.com", "name": "X", "role": "admin"}))
            .await
            .expect(StatusCode::FORBIDDEN);
    }

    async fn a_deactivated_users_token_stops_working(app) {
        let org = &app.org;
        app.get(&org.rep_a2, "/api/v1/me").await.expect(StatusCode::OK);
        let r = app.get(&org.admin, &format!("/api/v1/users/{}", org.rep_a2.id)).await;
        app.patch(&org.admin, &format!("/api/v1/users/{}", org.rep_a2.id), &r.etag(), json!({"active": false}))
            .await
            .expect(StatusCode::OK);
        app.get(&org.rep_a2, "/api/v1/me").await.expect(StatusCode::UNAUTHORIZED);
    }

    async fn tokens_can_be_created_and_revoked(app) {
        let org = &app.org;
        let r = app.post(&org.rep_a1, "/api/v1/tokens", json!({"name": "laptop"})).await.expect(StatusCode::CREATED);
        let token = crate::helpers::Person { id: org.rep_a1.id, token: r.body["token"].as_str().unwrap().to_owned() };
        app.get(&token, "/api/v1/me").await.expect(StatusCode::OK);
        let id = r.body["id"].as_i64().unwrap();
        app.post(&org.rep_a1, "/api/v1/tokens", json!({"name": "theirs", "user_id": org.rep_a2.id})).await.expect(StatusCode::FORBIDDEN);
        app.delete(&org.rep_a2, &format!("/api/v1/tokens/{id}")).await.expect(StatusCode::FORBIDDEN);
        app.delete(&org.rep_a1, &format!("/api/v1/tokens/{id}")).await.expect(StatusCode::NO_CONTENT);
        app.get(&token, "/api/v1/me").await.expect(StatusCode::UNAUTHORIZED);
    }

    async fn pipelines_edit_their_stages_and_refuse_to_drop_a_stage_with_deals(app) {
        let org = &app.org;
        let r = app.get(&org.admin, &format!("/api/v1/pipelines/{}", org.pipeline)).await.expect(StatusCode::OK);
        let mut stages: Vec<serde_json::Value> = r.body["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| json!({"id": s["id"], "name": s["name"], "probability": s["probability"], "outcome": s["outcome"]}))
            .collect();
        app.deal(&org.rep_a1, None, "Sits in Lead").await;
        let without_lead: Vec<_> = stages[1..].to_vec();
        let r = app.patch(&org.admin, &format!("/api/v1/pipelines/{}", org.pipeline), &r.etag(), json!({"stages": without_lead})).await;
        let r = r.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["stages"]);
        stages.insert(2, json!({"name": "Demo", "probability": 40, "outcome": "open"}));
        stages[0]["name"] = json!("New lead");
        let r = app.get(&org.admin, &format!("/api/v1/pipelines/{}", org.pipeline)).await;
        let r = app.patch(&org.admin, &format!("/api/v1/pipelines/{}", org.pipeline), &r.etag(), json!({"stages": stages})).await.expect(StatusCode::OK);
        let names: Vec<&str> = r.body["stages"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["New lead", "Qualified", "Demo", "Proposal", "Negotiation", "Won", "Lost"]);
        assert_eq!(r.body["stages"][2]["forecast_category"], "best_case");
    }
}
