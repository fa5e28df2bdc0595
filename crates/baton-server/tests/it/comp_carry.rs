//! What carries commissions across periods and currencies: deals won in another currency
//! converted at dated exchange rates, plans that credit on payment, refunds and churn clawed
//! back at the rate paid, and recoverable draws owed back from later periods.

use crate::commissions::{PLAN, statement, won};
use crate::helpers::{Person, TestApp, both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Saves `source` as a plan and puts Rep A1 on it from 2026-01-01 with a $100,000 quota in
/// each of `quarters`.
async fn on_plan(app: &TestApp, source: &str, quarters: &[&str]) {
    let org = &app.org;
    app.post(
        &org.finance,
        "/api/v1/comp/plans",
        json!({"source": source}),
    )
    .await
    .expect(StatusCode::CREATED);
    let plan_id = source.split('"').nth(1).unwrap();
    app.post(
        &org.finance,
        "/api/v1/comp/assignments",
        json!({"user_id": org.rep_a1.id, "plan_id": plan_id, "from": "2026-01-01"}),
    )
    .await
    .expect(StatusCode::CREATED);
    for quarter in quarters {
        app.post(
            &org.finance,
            "/api/v1/quotas",
            json!({"user_id": org.rep_a1.id, "period": quarter, "amount_minor": 10_000_000}),
        )
        .await
        .expect(StatusCode::CREATED);
    }
}

fn lines_of_kind<'a>(statement: &'a Value, kind: &str) -> Vec<&'a Value> {
    statement["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] == kind)
        .collect()
}

async fn a1_statement(app: &TestApp, period: &str) -> Value {
    let org = &app.org;
    statement(app, &org.finance, &org.rep_a1, period)
        .await
        .expect(StatusCode::OK)
        .body
}

fn rep(app: &TestApp) -> &Person {
    &app.org.rep_a1
}

both_backends! {
    async fn a_deal_in_another_currency_is_converted_at_the_latest_rate_on_or_before_its_close(app) {
        let org = &app.org;
        on_plan(app, PLAN, &["2026-Q3"]).await;
        won(app, rep(app), "Euro deal", 10_000, "2026-08-14", json!({"currency": "EUR"})).await;
        // No rate yet: the statement is refused, naming the deal, the currencies and the date.
        let r = statement(app, &org.finance, rep(app), "2026-Q3").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
        assert!(r.body["detail"].as_str().unwrap().contains("no exchange rate from EUR to USD on or before its credit date 2026-08-14"), "{:?}", r.body);
        app.post(&org.finance, "/api/v1/comp/runs", json!({"period": "2026-Q3"})).await.expect(StatusCode::CONFLICT);

        // Only finance sets rates; every bad row is named by its place in the list.
        let rates = json!({"rates": [
            {"from": "EUR", "to": "USD", "date": "2026-08-10", "rate": "1.0790"},
            {"from": "EUR", "to": "USD", "date": "2026-08-20", "rate": "1.20"},
        ]});
        app.put(&org.rep_a1, "/api/v1/comp/rates", rates.clone()).await.expect(StatusCode::FORBIDDEN);
        let r = app.put(&org.finance, "/api/v1/comp/rates", json!({"rates": [
            {"from": "EUR", "to": "USD", "date": "2026-08-10", "rate": "1.0790"},
            {"from": "EUR", "to": "USD", "date": "2026-08-11", "rate": "-1"},
        ]})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.body["errors"][0]["field"], "rates[1]", "{:?}", r.body);
        assert_eq!(app.get(&org.rep_a1, "/api/v1/comp/rates").await.expect(StatusCode::OK).body, json!([]), "all or nothing");
        let saved = app.put(&org.finance, "/api/v1/comp/rates", rates).await.expect(StatusCode::OK).body;
        assert_eq!(saved[0]["rate"], "1.079", "stored in normal form");

        // €10,000 at the 2026-08-10 rate (the 08-20 one is later than the close) = $10,790.
        let s = a1_statement(app, "2026-Q3").await;
        assert_eq!(s["credited_minor"], 1_079_000, "{s}");
        let line = lines_of_kind(&s, "commission")[0];
        assert_eq!(line["amount_minor"], 107_900, "10 % of $10,790");
        assert!(line["explain"].as_str().unwrap().contains("1.079 (EUR→USD of 2026-08-10, the latest on or before 2026-08-14)"), "{line}");
        app.post(&org.finance, "/api/v1/comp/runs", json!({"period": "2026-Q3"})).await.expect(StatusCode::CREATED);

        // Changing a rate is audited and changes the statement.
        app.put(&org.finance, "/api/v1/comp/rates", json!({"rates": [{"from": "EUR", "to": "USD", "date": "2026-08-10", "rate": "1.1"}]})).await.expect(StatusCode::OK);
        assert_eq!(a1_statement(app, "2026-Q3").await["credited_minor"], 1_100_000);
        let audit = app.get(&org.admin, "/api/v1/audit?entity=exchange_rate").await.expect(StatusCode::OK).body;
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert!(actions.contains(&"update") && actions.contains(&"create"), "{audit}");
    }

    async fn a_plan_that_credits_on_payment_counts_a_deal_in_the_quarter_it_was_paid(app) {
        let org = &app.org;
        on_plan(app, &PLAN.replace("currency = \"USD\"", "currency = \"USD\"\ncredit_date = \"payment_date\""), &["2026-Q3", "2026-Q4"]).await;
        let deal = won(app, rep(app), "Paid later", 50_000, "2026-09-20", json!({})).await;
        // Won in Q3, not paid yet: nothing in Q3 nor Q4.
        assert_eq!(a1_statement(app, "2026-Q3").await["credited_minor"], 0);
        let d = app.get(&org.coordinator, &format!("/api/v1/deals/{deal}")).await.expect(StatusCode::OK);
        let r = app.patch(&org.coordinator, &format!("/api/v1/deals/{deal}"), &d.etag(), json!({"payment_date": "2026-10-05"})).await.expect(StatusCode::OK);
        assert_eq!(r.body["payment_date"], "2026-10-05");
        assert_eq!(a1_statement(app, "2026-Q3").await["credited_minor"], 0);
        let q4 = a1_statement(app, "2026-Q4").await;
        assert_eq!(q4["credited_minor"], 5_000_000, "{q4}");
        assert_eq!(lines_of_kind(&q4, "commission")[0]["date"], "2026-10-05");
    }

    async fn a_refund_within_the_window_claws_back_at_the_rate_paid_and_a_run_books_it(app) {
        let org = &app.org;
        on_plan(app, &format!("{PLAN}\n[clawback]\nwithin_days = 90\n"), &["2026-Q3", "2026-Q4"]).await;
        // $120,000 against a $100,000 quota: the deal paid 10 % to 100 % and 15 % above.
        let deal = won(app, rep(app), "Initech", 120_000, "2026-08-01", json!({})).await;
        let q3 = a1_statement(app, "2026-Q3").await;
        let paid = q3["total_minor"].as_i64().unwrap();
        assert_eq!(paid, 1_300_000, "$10,000 + $3,000: {q3}");

        // Only finance records refunds, never before the close, never more than the deal.
        let path = format!("/api/v1/deals/{deal}/refunds");
        app.post(&org.rep_a1, &path, json!({"kind": "refund", "on": "2026-10-10"})).await.expect(StatusCode::FORBIDDEN);
        let r = app.post(&org.finance, &path, json!({"kind": "refund", "on": "2026-07-01"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.body["errors"][0]["field"], "on");
        let r = app.post(&org.finance, &path, json!({"kind": "refund", "on": "2026-10-10", "amount_minor": 13_000_000})).await;
        assert_eq!(r.body["errors"][0]["field"], "amount_minor", "{:?}", r.body);
        let open = app.deal(&org.rep_a1, None, "Open").await;
        app.post(&org.finance, &format!("/api/v1/deals/{open}/refunds"), json!({"kind": "churn", "on": "2026-10-10"})).await.expect(StatusCode::CONFLICT);

        // A quarter refunded in October: a quarter of what was paid comes back, in Q4.
        app.post(&org.finance, &path, json!({"kind": "refund", "on": "2026-10-10", "amount_minor": 3_000_000, "note": "partial"})).await.expect(StatusCode::CREATED);
        assert_eq!(app.get(&org.rep_a1, &path).await.expect(StatusCode::OK).body[0]["amount_minor"], 3_000_000);
        assert_eq!(a1_statement(app, "2026-Q3").await["total_minor"], paid, "history is not edited");
        let q4 = a1_statement(app, "2026-Q4").await;
        let clawback = lines_of_kind(&q4, "clawback");
        assert_eq!(clawback.len(), 1, "{q4}");
        assert_eq!(clawback[0]["amount_minor"], -paid / 4, "{}", clawback[0]);
        assert!(clawback[0]["explain"].as_str().unwrap().contains("refunded"), "{}", clawback[0]);
        let run = app.post(&org.finance, "/api/v1/comp/runs", json!({"period": "2026-Q4"})).await.expect(StatusCode::CREATED).body;
        assert_eq!(run["entries"], 1, "{run}");
        assert_eq!(a1_statement(app, "2026-Q4").await["booked_minor"], -paid / 4);

        // A refund outside the window takes nothing back; one removed by mistake is reversed.
        let late = won(app, rep(app), "Late", 10_000, "2026-07-02", json!({})).await;
        app.post(&org.finance, &format!("/api/v1/deals/{late}/refunds"), json!({"kind": "churn", "on": "2026-12-30"})).await.expect(StatusCode::CREATED);
        assert_eq!(lines_of_kind(&a1_statement(app, "2026-Q4").await, "clawback").len(), 1);
        let id = app.get(&org.finance, &path).await.body[0]["id"].as_i64().unwrap();
        app.delete(&org.finance, &format!("{path}/{id}")).await.expect(StatusCode::NO_CONTENT);
        let run = app.post(&org.finance, "/api/v1/comp/runs", json!({"period": "2026-Q4"})).await.expect(StatusCode::CREATED).body;
        assert_eq!(run["entries"], 1, "the clawback reversed: {run}");
        assert_eq!(a1_statement(app, "2026-Q4").await["booked_minor"], 0);
    }

    async fn a_recoverable_draw_paid_in_a_short_quarter_is_recovered_from_the_next(app) {
        let org = &app.org;
        let plan = PLAN.replace("effective_from = 2026-01-01", "effective_from = 2026-07-01")
            + "\n[draw]\namount = 2000\nrecoverable = true\n";
        on_plan(app, &plan, &["2026-Q3", "2026-Q4"]).await;
        // Q3 earns $500 (10 % of $5,000): the draw tops it up to $2,000 and $1,500 is owed.
        won(app, rep(app), "Small", 5_000, "2026-08-01", json!({})).await;
        let q3 = a1_statement(app, "2026-Q3").await;
        assert_eq!(lines_of_kind(&q3, "draw")[0]["amount_minor"], 150_000, "{q3}");
        assert_eq!(q3["total_minor"], 200_000);
        assert_eq!(q3["draw_owed_minor"], 150_000);
        // Q4 earns $3,000 (10 % of $30,000): $1,000 above the guarantee is recovered, whether or
        // not Q3 was ever run.
        won(app, rep(app), "Bigger", 30_000, "2026-11-01", json!({})).await;
        let q4 = a1_statement(app, "2026-Q4").await;
        let recovery = lines_of_kind(&q4, "recovery");
        assert_eq!(recovery[0]["amount_minor"], -100_000, "{q4}");
        assert!(recovery[0]["explain"].as_str().unwrap().contains("owed $1,500"), "{}", recovery[0]);
        assert_eq!(q4["total_minor"], 200_000);
        assert_eq!(q4["draw_owed_minor"], 50_000);
        app.post(&org.finance, "/api/v1/comp/runs", json!({"period": "2026-Q4"})).await.expect(StatusCode::CREATED);
        assert_eq!(a1_statement(app, "2026-Q4").await["booked_minor"], 200_000);
    }
}
