//! Commissions over HTTP: plans checked on save, runs that append only what changed to the
//! ledger, frozen periods adjusted in the next open one, statements with every line explained,
//! what-if, and who may see whose pay.

use crate::helpers::{Person, TestApp, both_backends};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub(crate) const PLAN: &str = r#"
id = "ae"
name = "Account Executive"
version = 1
effective_from = 2026-01-01
currency = "USD"

[quota]
period = "quarter"

[[components]]
id = "arr"
type = "tiered"
measure = "attainment"
tiers = [
  { from_pct = 0,   to_pct = 100, rate_pct = 10 },
  { from_pct = 100,               rate_pct = 15 },
]

[[components]]
id = "partner"
type = "spif"
amount = 500
when = { attribute = "source", equals = "Partner" }
"#;

/// A deal won on `date` for `amount` dollars.
pub(crate) async fn won(
    app: &TestApp,
    owner: &Person,
    name: &str,
    amount: i64,
    date: &str,
    extra: Value,
) -> i64 {
    let mut body = json!({"name": name, "owner_id": owner.id, "stage_id": app.org.stages[4],
        "amount_minor": amount * 100, "close_date": date});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    app.post(&app.org.coordinator, "/api/v1/deals", body)
        .await
        .expect(StatusCode::CREATED)
        .body["id"]
        .as_i64()
        .unwrap()
}

async fn setup(app: &TestApp) {
    let org = &app.org;
    app.post(&org.finance, "/api/v1/comp/plans", json!({"source": PLAN}))
        .await
        .expect(StatusCode::CREATED);
    for rep in [&org.rep_a1, &org.rep_a2, &org.manager_a] {
        app.post(
            &org.finance,
            "/api/v1/comp/assignments",
            json!({"user_id": rep.id, "plan_id": "ae", "from": "2026-01-01"}),
        )
        .await
        .expect(StatusCode::CREATED);
        app.post(
            &org.finance,
            "/api/v1/quotas",
            json!({"user_id": rep.id, "period": "2026-Q3", "amount_minor": 10_000_000}),
        )
        .await
        .expect(StatusCode::CREATED);
    }
}

pub(crate) async fn statement(
    app: &TestApp,
    who: &Person,
    of: &Person,
    period: &str,
) -> crate::helpers::Resp {
    app.get(
        who,
        &format!("/api/v1/comp/statements/{}?period={period}", of.id),
    )
    .await
}

both_backends! {
    async fn a_bad_plan_is_refused_naming_each_line_and_field_and_only_finance_saves_plans(app) {
        let org = &app.org;
        let bad = PLAN.replace("\"USD\"", "\"USX\"").replace("from_pct = 100,", "from_pct = 90,");
        let r = app.post(&org.finance, "/api/v1/comp/plans", json!({"source": bad})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let messages: Vec<&str> = r.body["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
        assert!(messages.iter().any(|m| m.starts_with("line 6, column 12: currency: unknown currency")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("components[0].tiers[1].from_pct: overlap")), "{messages:?}");
        app.post(&org.rep_a1, "/api/v1/comp/plans", json!({"source": PLAN})).await.expect(StatusCode::FORBIDDEN);
        app.post(&org.finance, "/api/v1/comp/plans", json!({"source": PLAN})).await.expect(StatusCode::CREATED);
        app.post(&org.finance, "/api/v1/comp/plans", json!({"source": PLAN})).await.expect(StatusCode::CONFLICT);
        let plans = app.get(&org.rep_a1, "/api/v1/comp/plans").await.expect(StatusCode::OK).body;
        assert_eq!(plans[0]["plan_id"], "ae");
    }

    async fn a_run_books_each_statement_once_and_a_change_is_reversed_and_rebooked(app) {
        let org = &app.org;
        setup(app).await;
        // Rep A1 alone, then half of a partner deal with Rep A2.
        let first = won(app, &org.rep_a1, "Initech", 60_000, "2026-07-15", json!({})).await;
        won(app, &org.rep_a1, "Globex", 100_000, "2026-08-20", json!({"source": "Partner",
            "splits": [{"user_id": org.rep_a1.id, "kind": "revenue", "percent": 50}, {"user_id": org.rep_a2.id, "kind": "revenue", "percent": 50}]})).await;
        // Not won, or won in another quarter: not in this run.
        app.deal(&org.rep_a1, None, "Open deal").await;
        won(app, &org.rep_a1, "Umbrella", 90_000, "2026-10-02", json!({})).await;

        let run = app.post(&org.finance, "/api/v1/comp/runs", json!({"period": "2026-Q3"})).await.expect(StatusCode::CREATED).body;
        assert_eq!(run["statements"], 3);
        let s = statement(app, &org.rep_a1, &org.rep_a1, "2026-Q3").await.expect(StatusCode::OK).body;
        // $60,000 at 10 % = $6,000; her half of Globex, $50,000: $40,000 to quota at 10 % and
        // $10,000 above it at 15 % = $5,500; half the $500 partner SPIF = $250.
        assert_eq!(s["total_minor"], 1_175_000);
        assert_eq!(s["booked_minor"], 1_175_000);
        assert_eq!(s["attainment_pct"], "110.00");
        assert_eq!(s["status"], "open");
        let globex = s["lines"].as_array().unwrap().iter().find(|l| l["deal_name"] == "Globex" && l["kind"] == "commission").unwrap();
        assert!(globex["explain"].as_str().unwrap().ends_with("$40,000 × 10 % + $10,000 × 15 % = $5,500"), "{globex}");
        // Manager A's roll-up: the revenue credits of both reps, $60,000 + $100,000.
        let m = statement(app, &org.manager_a, &org.manager_a, "2026-Q3").await.expect(StatusCode::OK).body;
        assert_eq!(m["credited_minor"], 16_000_000);

        // Running again with nothing changed writes nothing.
        let again = app.post(&org.finance, "/api/v1/comp/runs", json!({"period": "2026-Q3"})).await.expect(StatusCode::CREATED).body;
        assert_eq!(again["entries"], 0);

        // Initech grows to $70,000: its line is reversed and rebooked, nothing else moves.
        let deal = app.get(&org.coordinator, &format!("/api/v1/deals/{first}")).await.expect(StatusCode::OK);
        app.patch(&org.coordinator, &format!("/api/v1/deals/{first}"), &deal.etag(), json!({"amount_minor": 7_000_000})).await.expect(StatusCode::OK);
        app.post(&org.finance, "/api/v1/comp/runs", json!({"period": "2026-Q3"})).await.expect(StatusCode::CREATED);
        let csv = app.send(Some(&org.finance), Method::GET, "/api/v1/comp/ledger.csv?period=2026-Q3", None, &[]).await.expect(StatusCode::OK);
        let text = csv.body.as_str().unwrap().to_owned();
        let kinds: Vec<&str> = text.lines().skip(1).map(|l| l.split(',').nth(6).unwrap()).collect();
        assert_eq!(kinds.iter().filter(|k| **k == "reversal").count(), kinds.iter().filter(|k| **k == "rebook").count());
        assert!(kinds.contains(&"reversal"), "{text}");
        let s = statement(app, &org.rep_a1, &org.rep_a1, "2026-Q3").await.expect(StatusCode::OK).body;
        assert_eq!(s["booked_minor"], s["total_minor"]);
    }

    async fn a_change_to_an_approved_period_is_an_adjustment_in_the_next_open_one(app) {
        let org = &app.org;
        setup(app).await;
        let deal = won(app, &org.rep_a1, "Initech", 60_000, "2026-07-15", json!({})).await;
        app.post(&org.finance, "/api/v1/comp/runs", json!({"period": "2026-Q3"})).await.expect(StatusCode::CREATED);
        app.post(&org.rep_a1, "/api/v1/comp/periods/2026-Q3/approve", json!({})).await.expect(StatusCode::FORBIDDEN);
        app.post(&org.finance, "/api/v1/comp/periods/2026-Q3/paid", json!({})).await.expect(StatusCode::CONFLICT);
        app.post(&org.finance, "/api/v1/comp/periods/2026-Q3/approve", json!({})).await.expect(StatusCode::OK);

        let d = app.get(&org.coordinator, &format!("/api/v1/deals/{deal}")).await.expect(StatusCode::OK);
        app.patch(&org.coordinator, &format!("/api/v1/deals/{deal}"), &d.etag(), json!({"amount_minor": 5_000_000})).await.expect(StatusCode::OK);
        let run = app.post(&org.finance, "/api/v1/comp/runs", json!({"period": "2026-Q3"})).await.expect(StatusCode::CREATED).body;
        assert!(run["entries"].as_i64().unwrap() >= 1);
        let csv = app.send(Some(&org.finance), Method::GET, "/api/v1/comp/ledger.csv?period=2026-Q4", None, &[]).await.expect(StatusCode::OK);
        let text = csv.body.as_str().unwrap().to_owned();
        let adjustment = text.lines().find(|l| l.contains("rep_a1@example.com") && l.contains(",adjustment,")).unwrap_or_else(|| panic!("{text}"));
        // Earned in Q3, posted in Q4: $50,000 instead of $60,000 at 10 % is $1,000 less.
        assert!(adjustment.contains(",2026-Q3,2026-Q4,") && adjustment.contains(",-1000.00,USD,"), "{adjustment}");
        app.post(&org.finance, "/api/v1/comp/periods/2026-Q3/paid", json!({})).await.expect(StatusCode::OK);
    }

    async fn pay_shows_only_to_its_rep_their_managers_finance_and_admins(app) {
        let org = &app.org;
        setup(app).await;
        won(app, &org.rep_a1, "Initech", 60_000, "2026-07-15", json!({})).await;
        for (who, person) in org.everyone() {
            let r = statement(app, person, &org.rep_a1, "2026-Q3").await;
            let expected = if matches!(who, "rep_a1" | "manager_a" | "vp" | "finance" | "admin") { StatusCode::OK } else { StatusCode::NOT_FOUND };
            assert_eq!(r.status, expected, "{who}");
            let listed = app.get(person, "/api/v1/comp/statements?period=2026-Q3").await.expect(StatusCode::OK).body;
            let names: Vec<i64> = listed.as_array().unwrap().iter().map(|s| s["user_id"].as_i64().unwrap()).collect();
            assert_eq!(names.contains(&org.rep_a1.id.0), expected == StatusCode::OK, "{who}: {names:?}");
        }
        app.send(Some(&org.rep_a1), Method::GET, "/api/v1/comp/ledger.csv?period=2026-Q3", None, &[]).await.expect(StatusCode::FORBIDDEN);
    }

    async fn what_if_says_what_an_open_deal_would_pay_and_the_tier_it_reaches(app) {
        let org = &app.org;
        setup(app).await;
        won(app, &org.rep_a1, "Initech", 90_000, "2026-07-15", json!({})).await;
        let open = app.deal(&org.rep_a1, None, "Globex").await;
        let answer = app.post(&org.rep_a1, "/api/v1/comp/what-if", json!({"deal_id": open, "amount_minor": 2_000_000, "close_date": "2026-09-10"}))
            .await
            .expect(StatusCode::OK)
            .body;
        // $90,000 of $100,000 credited: $10,000 more at 10 % and $10,000 at 15 % = $2,500.
        assert_eq!(answer["earn_minor"], 250_000, "{answer}");
        assert_eq!(answer["tier_after"], "tier 100 %+");
        assert_eq!(answer["summary"], "If Globex closes at $20,000 on 10 Sep 2026 you earn $2,500 and move into tier 100 %+.");
        // Someone else's deal is not yours to ask about.
        app.post(&org.rep_a2, "/api/v1/comp/what-if", json!({"deal_id": open})).await.expect(StatusCode::NOT_FOUND);
    }

    async fn a_run_that_fails_for_one_person_writes_nothing_for_anyone(app) {
        let org = &app.org;
        setup(app).await;
        won(app, &org.rep_a1, "Initech", 60_000, "2026-07-15", json!({})).await;
        won(app, &org.rep_a2, "Hooli", 40_000, "2026-07-20", json!({"currency": "EUR"})).await;
        let r = app.post(&org.finance, "/api/v1/comp/runs", json!({"period": "2026-Q3"})).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body["detail"].as_str().unwrap().contains("EUR"), "{}", r.body);
        let csv = app.send(Some(&org.finance), Method::GET, "/api/v1/comp/ledger.csv?period=2026-Q3", None, &[]).await.expect(StatusCode::OK);
        assert_eq!(csv.body.as_str().unwrap().lines().count(), 1, "only the header: {}", csv.body);
        let audit = app.get(&org.admin, "/api/v1/audit?entity=comp_run").await.expect(StatusCode::OK).body;
        assert_eq!(audit["items"], json!([]));
    }
}

both_backends! {
    async fn a_rep_questions_a_line_finance_answers_and_both_see_the_conversation(app) {
        let org = &app.org;
        setup(app).await;
        won(app, &org.rep_a1, "Initech", 60_000, "2026-07-15", json!({})).await;
        let s = statement(app, &org.rep_a1, &org.rep_a1, "2026-Q3").await.expect(StatusCode::OK).body;
        let key = s["lines"][0]["key"].as_str().unwrap().to_owned();
        let opened = app.post(&org.rep_a1, "/api/v1/comp/disputes", json!({"period": "2026-Q3", "line_key": key, "message": "I split this with Rep A2, not 100 % mine?"}))
            .await
            .expect(StatusCode::CREATED)
            .body;
        assert_eq!(opened["status"], "open");
        // Not someone else's statement, and not an empty question.
        app.post(&org.rep_a2, "/api/v1/comp/disputes", json!({"user_id": org.rep_a1.id, "period": "2026-Q3", "line_key": key, "message": "?"}))
            .await
            .expect(StatusCode::NOT_FOUND);
        let r = app.post(&org.rep_a1, "/api/v1/comp/disputes", json!({"period": "2026-Q3", "line_key": key, "message": "  "})).await;
        assert_eq!(r.error_fields(), ["message"]);

        let id = opened["id"].as_i64().unwrap();
        let path = format!("/api/v1/comp/disputes/{id}/messages");
        app.post(&org.rep_a1, &path, json!({"message": "closing it myself", "resolve": true})).await.expect(StatusCode::FORBIDDEN);
        let answered = app.post(&org.finance, &path, json!({"message": "The CRM has no split on Initech; ask your manager to add one."}))
            .await
            .expect(StatusCode::OK)
            .body;
        assert_eq!(answered["status"], "answered");
        let reopened = app.post(&org.rep_a1, &path, json!({"message": "Added it now."})).await.expect(StatusCode::OK).body;
        assert_eq!(reopened["status"], "open");
        app.post(&org.finance, &path, json!({"message": "Rerun shows the split. Resolved.", "resolve": true})).await.expect(StatusCode::OK);

        for (who, expected) in [(&org.rep_a1, 1), (&org.manager_a, 1), (&org.finance, 1), (&org.rep_a2, 0), (&org.manager_b, 0)] {
            let list = app.get(who, "/api/v1/comp/disputes?period=2026-Q3").await.expect(StatusCode::OK).body;
            assert_eq!(list.as_array().unwrap().len(), expected, "{}", who.id);
        }
        let seen = app.get(&org.rep_a1, "/api/v1/comp/disputes?period=2026-Q3").await.expect(StatusCode::OK).body;
        assert_eq!(seen[0]["status"], "resolved");
        let authors: Vec<&str> = seen[0]["messages"].as_array().unwrap().iter().map(|m| m["author_name"].as_str().unwrap()).collect();
        assert_eq!(authors, ["rep_a1", "finance", "rep_a1", "finance"]);
    }
}

both_backends! {
    async fn a_draft_plan_tried_on_a_past_period_shows_each_persons_cost_beside_the_plan_in_force(app) {
        let org = &app.org;
        setup(app).await;
        won(app, &org.rep_a1, "Initech", 60_000, "2026-07-15", json!({})).await;
        won(app, &org.rep_a2, "Hooli", 120_000, "2026-08-03", json!({})).await;
        // The draft pays 8 % instead of 10 % to quota, and 20 % above it; dated next year.
        let draft = PLAN.replace("version = 1", "version = 2").replace("effective_from = 2026-01-01", "effective_from = 2027-01-01")
            .replace("rate_pct = 10 }", "rate_pct = 8 }").replace("rate_pct = 15 }", "rate_pct = 20 }");
        let rows = app.post(&org.finance, "/api/v1/comp/plans/compare", json!({"source": draft, "period": "2026-Q3"}))
            .await
            .expect(StatusCode::OK)
            .body;
        let by_name: Vec<(&str, i64, i64)> = rows.as_array().unwrap().iter()
            .map(|r| (r["user_name"].as_str().unwrap(), r["in_force_minor"].as_i64().unwrap(), r["draft_minor"].as_i64().unwrap()))
            .collect();
        // Rep A1: $60,000 → $6,000 now, $4,800 under the draft. Rep A2: $100,000 to quota and
        // $20,000 above: $10,000 + $3,000 now, $8,000 + $4,000 under the draft.
        assert!(by_name.contains(&("rep_a1", 600_000, 480_000)), "{by_name:?}");
        assert!(by_name.contains(&("rep_a2", 1_300_000, 1_200_000)), "{by_name:?}");
        // Nothing was saved.
        assert_eq!(app.get(&org.finance, "/api/v1/comp/plans").await.expect(StatusCode::OK).body.as_array().unwrap().len(), 1);
        app.post(&org.rep_a1, "/api/v1/comp/plans/compare", json!({"source": draft, "period": "2026-Q3"})).await.expect(StatusCode::FORBIDDEN);
    }
}
