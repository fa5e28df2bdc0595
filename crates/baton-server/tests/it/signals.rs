//! Signals kept and shown (`/api/v1/signals`, `/signals`): a refresh raises findings and keeps
//! their first-seen time, closes those no longer raised, and each person sees only the
//! findings about records they may see; acknowledging, snoozing, resolving and assigning a
//! follow-up work and are audit-logged; open deals get a win probability.

use crate::helpers::{TestApp, both_backends};
use crate::web::{browser, csrf_of, session_of};
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::{Value, json};

/// A deal of `owner` whose close date was `days_ago` days ago: still open, so "overdue" once
/// that is two weeks or more.
async fn overdue_deal(
    app: &TestApp,
    owner: &crate::helpers::Person,
    name: &str,
    days_ago: i64,
) -> i64 {
    let close = (chrono::Utc::now() - chrono::Duration::days(days_ago)).date_naive();
    let body = json!({"name": name, "owner_id": owner.id, "amount_minor": 500_000,
        "close_date": close.to_string()});
    app.post(&app.org.coordinator, "/api/v1/deals", body)
        .await
        .expect(StatusCode::CREATED)
        .body["id"]
        .as_i64()
        .unwrap()
}

fn overdue_of(list: &Value, deal: i64) -> Option<&Value> {
    list.as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "overdue" && f["subject_id"] == deal)
}

both_backends! {
    async fn findings_are_kept_across_refreshes_and_shown_only_with_their_record(app) {
        let o = &app.org;
        let d1 = overdue_deal(app, &o.rep_a1, "Overdue A1", 30).await;
        let d2 = overdue_deal(app, &o.rep_b1, "Overdue B1", 40).await;
        let fresh = overdue_deal(app, &o.rep_a2, "Closing soon", -20).await;

        let first = app.store.refresh_signals().await.unwrap();
        assert_eq!(first.raised, 2, "{first:?}");
        let all = app.get(&o.coordinator, "/api/v1/signals").await.expect(StatusCode::OK).body;
        let f1 = overdue_of(&all, d1).expect("deal 1 is overdue").clone();
        assert_eq!(f1["evidence"]["days_overdue"], 30);
        assert_eq!(f1["owner_id"], json!(o.rep_a1.id));
        assert_eq!(f1["status"], "open");
        assert!(overdue_of(&all, fresh).is_none());

        // Each sees the findings about deals they may see: the owner, their managers, the
        // coordinator and finance (who read every deal); another rep does not.
        for (who, sees_d1, sees_d2) in [
            (&o.rep_a1, true, false),
            (&o.rep_a2, false, false),
            (&o.rep_b1, false, true),
            (&o.manager_a, true, false),
            (&o.vp, true, true),
            (&o.finance, true, true),
            (&o.admin, true, true),
        ] {
            let list = app.get(who, "/api/v1/signals").await.expect(StatusCode::OK).body;
            assert_eq!(overdue_of(&list, d1).is_some(), sees_d1, "{who:?} and deal 1");
            assert_eq!(overdue_of(&list, d2).is_some(), sees_d2, "{who:?} and deal 2");
        }
        let id = f1["id"].as_i64().unwrap();
        app.get(&o.rep_b1, &format!("/api/v1/signals/{id}")).await.expect(StatusCode::NOT_FOUND);

        // A second refresh updates it and keeps when it was first seen.
        let second = app.store.refresh_signals().await.unwrap();
        assert_eq!((second.raised, second.updated), (0, 2), "{second:?}");
        let again = app.get(&o.rep_a1, &format!("/api/v1/signals/{id}")).await.expect(StatusCode::OK).body;
        assert_eq!(again["first_seen_at"], f1["first_seen_at"]);
        assert_ne!(again["last_seen_at"], f1["last_seen_at"]);

        // The owner acknowledges it; the change is in the audit log.
        let acked = app
            .post(&o.rep_a1, &format!("/api/v1/signals/{id}/status"), json!({"status": "acknowledged", "note": "Calling them Monday"}))
            .await
            .expect(StatusCode::OK)
            .body;
        assert_eq!((acked["status"].as_str(), acked["note"].as_str()), (Some("acknowledged"), Some("Calling them Monday")));
        let audit = app.get(&o.admin, "/api/v1/audit?entity=signal_finding").await.expect(StatusCode::OK).body;
        assert!(audit["items"].as_array().unwrap().iter().any(|e| e["entity_id"] == id && e["action"] == "acknowledged"), "{audit}");

        // A snooze needs a time; an unknown status is refused by name.
        let bad = app.post(&o.rep_a1, &format!("/api/v1/signals/{id}/status"), json!({"status": "snoozed"})).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), ["until"]);
        let bad = app.post(&o.rep_a1, &format!("/api/v1/signals/{id}/status"), json!({"status": "ignored"})).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), ["status"]);

        // Moving the close date out clears it at the next refresh; it stays in the history.
        let deal = app.get(&o.rep_a1, &format!("/api/v1/deals/{d1}")).await.expect(StatusCode::OK);
        let later = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive().to_string();
        app.patch(&o.rep_a1, &format!("/api/v1/deals/{d1}"), &deal.etag(), json!({"close_date": later})).await.expect(StatusCode::OK);
        let third = app.store.refresh_signals().await.unwrap();
        assert_eq!(third.cleared, 1, "{third:?}");
        let open = app.get(&o.rep_a1, "/api/v1/signals").await.expect(StatusCode::OK).body;
        assert!(overdue_of(&open, d1).is_none());
        let closed = app.get(&o.rep_a1, "/api/v1/signals?closed=true").await.expect(StatusCode::OK).body;
        let cleared = overdue_of(&closed, d1).expect("kept as closed");
        assert_eq!(cleared["status"], "cleared");
        assert!(cleared["closed_at"].is_string());

        // A follow-up on deal 2 is a task for its owner, on the deal, linked from the finding.
        let f2 = overdue_of(&all, d2).unwrap()["id"].as_i64().unwrap();
        let linked = app
            .post(&o.coordinator, &format!("/api/v1/signals/{f2}/follow-up"), json!({"due_date": "2026-12-31"}))
            .await
            .expect(StatusCode::OK)
            .body;
        let task = linked["follow_up_task_id"].as_i64().expect("a task");
        let task = app.get(&o.rep_b1, &format!("/api/v1/activities/{task}")).await.expect(StatusCode::OK).body;
        assert_eq!((task["kind"].as_str(), task["deal_id"].as_i64(), task["owner_id"].as_i64()), (Some("task"), Some(d2), Some(o.rep_b1.id.0)));

        // A snoozed finding leaves the list until it wakes; the history still has it.
        let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
        app.post(&o.rep_b1, &format!("/api/v1/signals/{f2}/status"), json!({"status": "snoozed", "until": tomorrow}))
            .await
            .expect(StatusCode::OK);
        let open = app.get(&o.rep_b1, "/api/v1/signals").await.expect(StatusCode::OK).body;
        assert!(overdue_of(&open, d2).is_none(), "snoozed: not listed");
        let every = app.get(&o.rep_b1, "/api/v1/signals?closed=true").await.expect(StatusCode::OK).body;
        assert_eq!(overdue_of(&every, d2).unwrap()["status"], "snoozed");
        // A refresh before it wakes leaves it snoozed; once its time has passed, the next one
        // opens it again.
        app.store.refresh_signals().await.unwrap();
        let every = app.get(&o.rep_b1, "/api/v1/signals?closed=true").await.expect(StatusCode::OK).body;
        assert_eq!(overdue_of(&every, d2).unwrap()["status"], "snoozed");
        app.raw_execute(&format!("UPDATE signal_findings SET snoozed_until = created_at WHERE id = {f2}")).await.unwrap();
        app.store.refresh_signals().await.unwrap();
        let open = app.get(&o.rep_b1, "/api/v1/signals").await.expect(StatusCode::OK).body;
        assert_eq!(overdue_of(&open, d2).expect("awake: listed again")["status"], "open");

        // Resolved, it is not raised again at the next refresh, though the deal is still late.
        app.post(&o.rep_b1, &format!("/api/v1/signals/{f2}/status"), json!({"status": "resolved", "note": "Signing in January"}))
            .await
            .expect(StatusCode::OK);
        let fourth = app.store.refresh_signals().await.unwrap();
        assert_eq!(fourth.raised, 0, "{fourth:?}");
        let open = app.get(&o.coordinator, "/api/v1/signals").await.expect(StatusCode::OK).body;
        assert!(overdue_of(&open, d2).is_none(), "resolved stays quiet");
    }

    async fn a_deal_that_changes_is_judged_again_alone_with_the_last_runs_learning(app) {
        let o = &app.org;
        let late = overdue_deal(app, &o.rep_a1, "Late", 30).await;
        let soon = overdue_deal(app, &o.rep_a2, "Soon", -20).await;
        // Before the first run there is nothing learned to judge a deal by.
        assert_eq!(app.store.refresh_changed_deal_signals(0).await.unwrap().1, 0);
        app.store.refresh_signals().await.unwrap();
        let after_run = app.store.last_audit_entry().await.unwrap();

        // The late deal moves into the future and the other slips into the past: judged again
        // alone, the first's finding clears and the second's is raised, with no run between.
        let later = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive().to_string();
        let past = (chrono::Utc::now() - chrono::Duration::days(30)).date_naive().to_string();
        for (deal, who, close) in [(late, &o.rep_a1, later), (soon, &o.rep_a2, past)] {
            let path = format!("/api/v1/deals/{deal}");
            let etag = app.get(who, &path).await.expect(StatusCode::OK).etag();
            app.patch(who, &path, &etag, json!({"close_date": close})).await.expect(StatusCode::OK);
        }
        let (last, judged) = app.store.refresh_changed_deal_signals(after_run).await.unwrap();
        assert_eq!(judged, 2);
        let open = app.get(&o.coordinator, "/api/v1/signals").await.expect(StatusCode::OK).body;
        assert!(overdue_of(&open, late).is_none(), "{open}");
        assert_eq!(overdue_of(&open, soon).expect("now overdue")["evidence"]["days_overdue"], 30);
        assert_eq!(app.store.refresh_changed_deal_signals(last).await.unwrap(), (last, 0), "nothing changed since");

        // An activity on a deal is a change to it.
        app.post(&o.rep_a1, "/api/v1/activities", json!({"kind": "call", "deal_id": late}))
            .await
            .expect(StatusCode::CREATED);
        let (last, judged) = app.store.refresh_changed_deal_signals(last).await.unwrap();
        assert_eq!(judged, 1);

        // An archived deal loses its findings and its win probability.
        let odds = format!("/api/v1/deals/{soon}/win-probability");
        app.get(&o.rep_a2, &odds).await.expect(StatusCode::OK);
        app.delete(&o.rep_a2, &format!("/api/v1/deals/{soon}")).await.expect(StatusCode::OK);
        app.store.refresh_changed_deal_signals(last).await.unwrap();
        app.get(&o.coordinator, &odds).await.expect(StatusCode::NOT_FOUND);
        let open = app.get(&o.coordinator, "/api/v1/signals").await.expect(StatusCode::OK).body;
        assert!(overdue_of(&open, soon).is_none(), "{open}");
    }

    async fn findings_about_a_rep_go_to_those_above_them_and_never_to_reps(app) {
        let o = &app.org;
        let now = chrono::Utc::now().to_rfc3339();
        app.raw_execute(&format!(
            "INSERT INTO signal_findings (kind, subject_type, subject_id, subject_name, owner_id, \
             severity, score, summary, evidence, status, first_seen_at, last_seen_at, version, \
             created_at, updated_at) VALUES ('rep_at_risk', 'user', {rep}, 'rep_a1', {rep}, \
             'warning', 70, 'activity down 60 %', '{{}}', 'open', '{now}', '{now}', 1, '{now}', '{now}')",
            rep = o.rep_a1.id.0
        ))
        .await
        .unwrap();
        for (who, sees) in [
            (&o.rep_a1, false),
            (&o.rep_a2, false),
            (&o.manager_a, true),
            (&o.manager_b, false),
            (&o.vp, true),
            (&o.coordinator, true),
            (&o.admin, true),
            (&o.finance, false),
        ] {
            let list = app.get(who, "/api/v1/signals").await.expect(StatusCode::OK).body;
            let found = list.as_array().unwrap().iter().any(|f| f["kind"] == "rep_at_risk");
            assert_eq!(found, sees, "{who:?}");
        }
    }

    async fn an_open_deal_gets_a_win_probability_and_the_signals_page_shows_findings(app) {
        let o = &app.org;
        let deal = overdue_deal(app, &o.rep_a1, "Overdue A1", 30).await;
        app.get(&o.rep_a1, &format!("/api/v1/deals/{deal}/win-probability")).await.expect(StatusCode::NOT_FOUND);
        app.store.refresh_signals().await.unwrap();
        // Too few closed deals to learn from: the stage's probability (Lead, 10 %), labelled.
        let odds = app.get(&o.rep_a1, &format!("/api/v1/deals/{deal}/win-probability")).await.expect(StatusCode::OK).body;
        assert_eq!((odds["percent"].as_f64(), odds["method"].as_str()), (Some(10.0), Some("stage_probability")));
        app.get(&o.rep_b1, &format!("/api/v1/deals/{deal}/win-probability")).await.expect(StatusCode::NOT_FOUND);

        let cookie = session_of(app, &o.rep_a1, "rep_a1@example.com").await;
        let page = browser().get(app.url("/signals")).header(COOKIE, &cookie).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains("Past its close date") && html.contains("Overdue A1"), "{html}");
        let deal_page = browser().get(app.url(&format!("/deals/{deal}"))).header(COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
        assert!(deal_page.contains("Win probability") && deal_page.contains("10 %"), "the deal page shows its odds");

        // The forecast is cut to what each may see: a rep their own rows, a manager their reps'
        // and their total, the coordinator everyone's (for this quarter and the next).
        let rows = |actor: baton_store::Actor| async move {
            let forecast = app.store.forecast_for(&actor).await.unwrap().expect("a forecast");
            let mut who: Vec<String> = forecast
                .rows
                .iter()
                .map(|r| match &r.scope {
                    baton_signals::ForecastScope::Rep { id, .. } => format!("rep {id}"),
                    baton_signals::ForecastScope::Team { name } => name.clone(),
                    baton_signals::ForecastScope::Organisation => "everyone".into(),
                })
                .collect();
            who.sort();
            who.dedup();
            who
        };
        let actor = |p: &crate::helpers::Person, role| baton_store::Actor { user_id: p.id, role };
        assert_eq!(rows(actor(&o.rep_a1, baton_model::Role::Rep)).await, [format!("rep {}", o.rep_a1.id.0)]);
        let mut team = vec![format!("rep {}", o.rep_a1.id.0), format!("rep {}", o.rep_a2.id.0), "Your team".to_owned()];
        team.sort();
        assert_eq!(rows(actor(&o.manager_a, baton_model::Role::Manager)).await, team);
        let all = rows(actor(&o.coordinator, baton_model::Role::Coordinator)).await;
        assert!(all.contains(&"everyone".to_owned()) && all.contains(&format!("rep {}", o.rep_b1.id.0)), "{all:?}");
        let review = browser().get(app.url("/reports")).header(COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
        assert!(review.contains("Forecast beside quota"), "the review shows the forecast");

        // Resolving from the page closes it.
        let f = app.get(&o.rep_a1, "/api/v1/signals").await.expect(StatusCode::OK).body[0]["id"].as_i64().unwrap();
        let token = csrf_of(app, &cookie).await;
        let response = browser()
            .post(app.url(&format!("/signals/{f}")))
            .header(COOKIE, &cookie)
            .form(&[("csrf_token", token.as_str()), ("action", "resolve"), ("note", "Moved to next quarter")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let resolved = app.get(&o.rep_a1, &format!("/api/v1/signals/{f}")).await.expect(StatusCode::OK).body;
        assert_eq!((resolved["status"].as_str(), resolved["note"].as_str()), (Some("resolved"), Some("Moved to next quarter")));
    }
}
