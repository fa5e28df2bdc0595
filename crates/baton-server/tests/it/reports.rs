//! The quarterly review (`GET /api/v1/reports/quarterly`) on a small organisation whose every
//! number is worked out by hand below, identical on both backends; and who sees which rows.
//!
//! The fixture (amounts in USD, the organisation's currency; times at 12:00 UTC; stages Lead
//! 10 %, Qualified 30 %, Proposal 50 %, Negotiation 80 %, Won, Lost). Reviewed: 2026-Q3 (Jul 1 –
//! Sep 30), against 2026-Q2 and 2025-Q3.
//!
//! | deal | owner | created | stage moves | close date | amount |
//! |---|---|---|---|---|---|
//! | D1 | rep_a1 | 2026-05-01 | Lead → Proposal 07-10 → Won 08-15 | 2026-08-15 | 100,000 |
//! | D2 | rep_a1 | 2026-06-01 | Lead → Lost 09-10 | 2026-09-10 | 50,000 |
//! | D3 | rep_a2 | 2026-07-05 | Lead → Won 09-20 | 2026-09-20 | 30,000 |
//! | D4 | rep_b1 | 2026-03-15 | Lead → Qualified 05-01 → Negotiation 08-01 | 08-31, pushed 09-15 to 10-31 | 80,000 |
//! | D5 | rep_b1 | 2025-07-01 | Lead → Won 08-01 | 2025-08-01 | 20,000 |
//! | D6 | rep_a2 | 2026-03-01 | Lead → Won 05-20 | 2026-05-20 | 40,000 |
//!
//! Quotas: rep_a1 150,000 for 2026-Q3; rep_a2 10,000 for each month of Q3; rep_b1 400,000
//! for FY2026 (a quarter of it, 100,000, per quarter).

use crate::helpers::{Person, TestApp, both_backends};
use baton_model::pipeline::ForecastCategory;
use baton_model::records::{Deal, FieldChange};
use baton_model::{Currency, DealId, PipelineId, StageId};
use chrono::{DateTime, NaiveDate, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn noon(day: &str) -> DateTime<Utc> {
    format!("{day}T12:00:00Z").parse().unwrap()
}

fn date(day: &str) -> NaiveDate {
    day.parse().unwrap()
}

/// A change of a tracked field on `day`, as a write records it.
fn change(
    deal: i64,
    day: &str,
    field: &str,
    old: Option<String>,
    new: Option<String>,
) -> FieldChange {
    FieldChange {
        id: 0,
        entity: "deal".into(),
        entity_id: deal,
        field: field.into(),
        old_value: old,
        new_value: new,
        actor_id: None,
        changed_at: noon(day),
    }
}

/// Imports a deal created on `day` in Lead, closing on `close`, that then changed stage (or
/// close date) on the days of `moves`, with the field history a live deal would have: the
/// past cannot be written through the API, whose writes are stamped now.
async fn deal(
    app: &TestApp,
    owner: &Person,
    name: &str,
    day: &str,
    close: &str,
    dollars: i64,
    moves: &[(&str, Move)],
) -> i64 {
    let stages = &app.org.stages;
    let mut stage = stages[0];
    let mut close_date = close.to_owned();
    let mut history = Vec::new();
    let s = |v: i64| Some(v.to_string());
    for (at, m) in moves {
        match m {
            Move::Stage(to) => {
                history.push((*at, "stage_id", s(stage), s(stages[*to])));
                stage = stages[*to];
            }
            Move::Close(to) => {
                history.push((
                    *at,
                    "close_date",
                    Some(close_date.clone()),
                    Some((*to).to_owned()),
                ));
                close_date = (*to).to_owned();
            }
        }
    }
    let closed = stage == stages[4] || stage == stages[5];
    let last = moves.last().map_or(day, |m| m.0);
    let record = Deal {
        id: DealId(0),
        name: name.into(),
        account_id: None,
        owner_id: owner.id,
        pipeline_id: PipelineId(app.org.pipeline),
        stage_id: StageId(stage),
        amount_minor: Some(dollars * 100),
        currency: Currency::USD,
        close_date: Some(date(&close_date)),
        payment_date: None,
        forecast_category: if closed {
            ForecastCategory::Closed
        } else {
            ForecastCategory::Pipeline
        },
        next_step: None,
        lost_reason: (stage == stages[5]).then(|| "price".into()),
        source: None,
        closed_at: closed.then(|| noon(last)),
        splits: Vec::new(),
        contacts: Vec::new(),
        custom_fields: serde_json::Map::default(),
        archived_at: None,
        version: 1,
        created_at: noon(day),
        updated_at: noon(last),
    };
    let mut import = app.store.import(None).await.unwrap();
    let id = import
        .deals(&[(format!("fixture-{name}"), record)])
        .await
        .unwrap()[0];
    let mut rows = vec![
        change(id, day, "stage_id", None, s(stages[0])),
        change(id, day, "amount_minor", None, s(dollars * 100)),
        change(id, day, "close_date", None, Some(close.to_owned())),
    ];
    rows.extend(
        history
            .into_iter()
            .map(|(at, field, old, new)| change(id, at, field, old, new)),
    );
    let rows: Vec<_> = rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| (format!("fixture-{name}-{i}"), row))
        .collect();
    import.history(&rows).await.unwrap();
    import.commit().await.unwrap();
    id
}

/// What happened to a fixture deal on a day: a move to the stage at this index of
/// Lead, Qualified, Proposal, Negotiation, Won, Lost; or a new close date.
enum Move {
    Stage(usize),
    Close(&'static str),
}

async fn activity(app: &TestApp, owner: &Person, body: Value) {
    let mut body = body;
    body["owner_id"] = json!(owner.id);
    app.post(&app.org.coordinator, "/api/v1/activities", body)
        .await
        .expect(StatusCode::CREATED);
}

async fn quota(app: &TestApp, owner: &Person, period: &str, dollars: i64) {
    app.post(
        &app.org.admin,
        "/api/v1/quotas",
        json!({"user_id": owner.id, "period": period, "amount_minor": dollars * 100}),
    )
    .await
    .expect(StatusCode::CREATED);
}

async fn fixture(app: &TestApp) {
    use Move::{Close, Stage};
    let o = &app.org;
    let (qualified, proposal, negotiation, won, lost) = (1, 2, 3, 4, 5);
    deal(
        app,
        &o.rep_a1,
        "D1",
        "2026-05-01",
        "2026-08-15",
        100_000,
        &[("2026-07-10", Stage(proposal)), ("2026-08-15", Stage(won))],
    )
    .await;
    deal(
        app,
        &o.rep_a1,
        "D2",
        "2026-06-01",
        "2026-09-10",
        50_000,
        &[("2026-09-10", Stage(lost))],
    )
    .await;
    deal(
        app,
        &o.rep_a2,
        "D3",
        "2026-07-05",
        "2026-09-20",
        30_000,
        &[("2026-09-20", Stage(won))],
    )
    .await;
    deal(
        app,
        &o.rep_b1,
        "D4",
        "2026-03-15",
        "2026-08-31",
        80_000,
        &[
            ("2026-05-01", Stage(qualified)),
            ("2026-08-01", Stage(negotiation)),
            ("2026-09-15", Close("2026-10-31")),
        ],
    )
    .await;
    deal(
        app,
        &o.rep_b1,
        "D5",
        "2025-07-01",
        "2025-08-01",
        20_000,
        &[("2025-08-01", Stage(won))],
    )
    .await;
    deal(
        app,
        &o.rep_a2,
        "D6",
        "2026-03-01",
        "2026-05-20",
        40_000,
        &[("2026-05-20", Stage(won))],
    )
    .await;
    quota(app, &o.rep_a1, "2026-Q3", 150_000).await;
    for month in ["2026-07", "2026-08", "2026-09"] {
        quota(app, &o.rep_a2, month, 10_000).await;
    }
    quota(app, &o.rep_b1, "FY2026", 400_000).await;
    // rep_a1: two calls, a meeting held and one canceled, an email answered after two hours
    // and one never answered. rep_a2: an email answered after 30 minutes. One call in Q2.
    let a1 = &o.rep_a1;
    for at in ["2026-07-02T10:00:00Z", "2026-08-03T10:00:00Z"] {
        activity(app, a1, json!({"kind": "call", "occurred_at": at})).await;
    }
    activity(
        app,
        a1,
        json!({"kind": "call", "occurred_at": "2026-05-02T10:00:00Z"}),
    )
    .await;
    activity(
        app,
        a1,
        json!({"kind": "meeting", "occurred_at": "2026-07-20T10:00:00Z", "meeting_status": "held"}),
    )
    .await;
    activity(app, a1, json!({"kind": "meeting", "occurred_at": "2026-07-21T10:00:00Z", "meeting_status": "canceled"})).await;
    for (at, direction, thread) in [
        ("2026-07-06T09:00:00Z", "inbound", "t1"),
        ("2026-07-06T11:00:00Z", "outbound", "t1"),
        ("2026-08-01T09:00:00Z", "inbound", "t2"),
    ] {
        activity(app, a1, json!({"kind": "email", "occurred_at": at, "direction": direction, "thread_id": thread})).await;
    }
    for (at, direction) in [
        ("2026-09-01T10:00:00Z", "inbound"),
        ("2026-09-01T10:30:00Z", "outbound"),
    ] {
        activity(
            app,
            &o.rep_a2,
            json!({"kind": "email", "occurred_at": at, "direction": direction, "thread_id": "t3"}),
        )
        .await;
    }
}

async fn review(app: &TestApp, who: &Person, query: &str) -> Value {
    app.get(who, &format!("/api/v1/reports/quarterly?{query}"))
        .await
        .expect(StatusCode::OK)
        .body
}

fn metric<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == key)
        .unwrap_or_else(|| panic!("no metric {key}"))
}

fn stage<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage"] == name)
        .unwrap()
}

fn names(report: &Value) -> Vec<&str> {
    report["reps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect()
}

both_backends! {
    async fn every_metric_of_a_hand_computed_quarter(app) {
        fixture(app).await;
        let r = review(app, &app.org.coordinator, "quarter=2026-Q3").await;
        let q = &r["current"];
        assert_eq!(r["quarter"], "2026-Q3");
        // Closed in Q3: D1 won 100,000 (Aug 15), D3 won 30,000 (Sep 20), D2 lost 50,000.
        assert_eq!((q["won"].as_i64(), q["won_minor"].as_i64()), (Some(2), Some(13_000_000)));
        assert_eq!((q["lost"].as_i64(), q["lost_minor"].as_i64()), (Some(1), Some(5_000_000)));
        // 2 ÷ 3 = 66.7 %; by amount 130,000 ÷ 180,000 = 72.2 %.
        assert_eq!(q["win_rate"], 66.7);
        assert_eq!(q["win_rate_by_amount"], 72.2);
        // 130,000 ÷ 2 = 65,000.
        assert_eq!(q["average_deal_minor"], 6_500_000);
        // D1 May 1 → Aug 15 = 106 days, D3 Jul 5 → Sep 20 = 77 days: mean and median 91.5.
        assert_eq!(q["cycle_mean_days"], 91.5);
        assert_eq!(q["cycle_median_days"], 91.5);
        // Open at Jul 1 00:00: D1 (Lead), D2 (Lead), D4 (Qualified), all closing in Q3:
        // 100,000 + 50,000 + 80,000 = 230,000; weighted 10,000 + 5,000 + 24,000 = 39,000.
        assert_eq!(q["opportunities"], 3);
        assert_eq!(q["pipeline_minor"], 23_000_000);
        assert_eq!(q["weighted_pipeline_minor"], 3_900_000);
        // Quota 150,000 + 3 × 10,000 + 400,000 ÷ 4 = 280,000; 130,000 ÷ 280,000 = 46.4 %;
        // coverage 230,000 ÷ 280,000 = 0.82.
        assert_eq!(q["quota_minor"], 28_000_000);
        assert_eq!(q["attainment"], 46.4);
        assert_eq!(q["coverage"], 0.82);
        // Velocity: 3 × 65,000 × 2/3 ÷ 91.5 days = 1,420.765… dollars a day.
        assert_eq!(q["velocity_minor_per_day"], 142_077);
        // D4's close date was Aug 31 and went to Oct 31 on Sep 15, still open: slipped.
        assert_eq!((q["slipped"].as_i64(), q["slipped_minor"].as_i64()), (Some(1), Some(8_000_000)));
        assert_eq!(r["slipped"][0]["name"], "D4");
        assert_eq!(r["slipped"][0]["from"], "2026-08-31");
        assert_eq!(r["slipped"][0]["to"], "2026-10-31");
        // Activity: 2 calls (the May one is Q2's), 1 meeting held (the canceled one is not),
        // 2 emails sent, 3 received; answered after 120 and 30 minutes: median 75; t2 unanswered.
        assert_eq!((q["calls"].as_i64(), q["meetings"].as_i64()), (Some(2), Some(1)));
        assert_eq!((q["emails_sent"].as_i64(), q["emails_received"].as_i64()), (Some(2), Some(3)));
        assert_eq!(q["median_response_minutes"], 75.0);
        assert_eq!(q["unanswered"], 1);

        // Q2: D6 won 40,000 after 80 days (Mar 1 → May 20); no loss; open at Apr 1: D4 and D6,
        // only D6 closing in Q2 (40,000 in Lead: 4,000 weighted); quota rep_b1's 100,000.
        let p = &r["previous"];
        assert_eq!(p["period"], "2026-Q2");
        assert_eq!((p["won"].as_i64(), p["won_minor"].as_i64()), (Some(1), Some(4_000_000)));
        assert_eq!(p["win_rate"], 100.0);
        assert_eq!(p["cycle_mean_days"], 80.0);
        assert_eq!((p["opportunities"].as_i64(), p["pipeline_minor"].as_i64()), (Some(2), Some(4_000_000)));
        assert_eq!(p["weighted_pipeline_minor"], 400_000);
        assert_eq!((p["quota_minor"].as_i64(), p["attainment"].as_f64()), (Some(10_000_000), Some(40.0)));
        // 2 × 40,000 × 100 % ÷ 80 days = 1,000 dollars a day.
        assert_eq!(p["velocity_minor_per_day"], 100_000);
        assert_eq!(p["calls"], 1);
        // 2025-Q3: D5 won 20,000; no quota then.
        let y = &r["year_ago"];
        assert_eq!(y["won_minor"], 2_000_000);
        assert_eq!(y["quota_minor"], Value::Null);
        assert_eq!(y["attainment"], Value::Null);

        // Changes: 130,000 against 40,000 (+90,000, +225 %) and 20,000 (+110,000, +550 %).
        let won = metric(&r, "won_minor");
        assert_eq!(won["change_previous"]["difference"], 9_000_000);
        assert_eq!(won["change_previous"]["percent"], 225.0);
        assert_eq!(won["change_year_ago"]["percent"], 550.0);
        // Undefined stays undefined: no attainment a year ago, so no change either.
        assert_eq!(metric(&r, "attainment")["change_year_ago"]["difference"], Value::Null);

        // Per rep, by name: rep_a1 100,000 of 150,000 = 66.7 %; rep_a2 30,000 of 30,000 =
        // 100 %; rep_b1 0 of 100,000.
        assert_eq!(names(&r), vec!["rep_a1", "rep_a2", "rep_b1"]);
        let reps = r["reps"].as_array().unwrap();
        assert_eq!((reps[0]["won_minor"].as_i64(), reps[0]["attainment"].as_f64()), (Some(10_000_000), Some(66.7)));
        assert_eq!(reps[0]["median_response_minutes"], 120.0);
        assert_eq!(reps[0]["team"], "Team A");
        assert_eq!(reps[1]["attainment"], 100.0);
        assert_eq!((reps[2]["attainment"].as_f64(), reps[2]["slipped"].as_i64()), (Some(0.0), Some(1)));
        let bands: Vec<i64> = r["attainment_bands"].as_array().unwrap().iter().map(|b| b["people"].as_i64().unwrap()).collect();
        assert_eq!(bands, vec![1, 1, 0, 1, 0], "<50: rep_b1; 50–79: rep_a1; 100–120: rep_a2");
        assert_eq!(r["without_quota"], 0);

        // Stages in Q3. Entered: Lead by D3 (then won), Proposal by D1 (then won),
        // Negotiation by D4 (still there). Stints ended in Q3: Lead 70 (D1), 101 (D2), 77 (D3)
        // days — mean 82.7, median 77; Proposal 36 (D1); Qualified 92 (D4).
        let lead = stage(&r, "Lead");
        assert_eq!((lead["entered"].as_i64(), lead["converted"].as_i64()), (Some(1), Some(1)));
        assert_eq!((lead["mean_days"].as_f64(), lead["median_days"].as_f64()), (Some(82.7), Some(77.0)));
        assert_eq!(stage(&r, "Proposal")["conversion"], 100.0);
        assert_eq!(stage(&r, "Proposal")["mean_days"], 36.0);
        assert_eq!(stage(&r, "Qualified")["conversion"], Value::Null);
        assert_eq!(stage(&r, "Qualified")["median_days"], 92.0);
        let negotiation = stage(&r, "Negotiation");
        assert_eq!((negotiation["conversion"].as_f64(), negotiation["open"].as_i64()), (Some(0.0), Some(1)));

        // Weeks from Jul 1: Aug 15 is day 46 (week 7), Sep 20 day 82 (week 12); 14 weeks.
        let weeks = r["weeks"].as_array().unwrap();
        assert_eq!(weeks.len(), 14);
        assert_eq!(weeks[6]["won_minor"], 10_000_000);
        assert_eq!(weeks[11]["cumulative_minor"], 13_000_000);
        assert_eq!(weeks[13]["previous_cumulative_minor"], 4_000_000);
        assert_eq!(weeks[13]["year_ago_cumulative_minor"], 2_000_000);
        // Closed-won by month and team.
        assert_eq!(r["won_by_month"], json!([
            {"key": "2026-08", "won": 1, "won_minor": 10_000_000},
            {"key": "2026-09", "won": 1, "won_minor": 3_000_000},
        ]));
        assert_eq!(r["won_by_team"], json!([{"key": "Team A", "won": 2, "won_minor": 13_000_000}]));
        assert_eq!(r["won_by_source"][0]["key"], "(none)");
    }

    async fn each_viewer_reviews_only_what_they_may_see(app) {
        fixture(app).await;
        let o = &app.org;
        // A rep: their own deals, their own row.
        let r = review(app, &o.rep_a1, "quarter=2026-Q3").await;
        assert_eq!(names(&r), vec!["rep_a1"]);
        assert_eq!(r["current"]["won_minor"], 10_000_000);
        assert_eq!(r["current"]["quota_minor"], 15_000_000);
        // Team A's manager: rep_a1 and rep_a2.
        let r = review(app, &o.manager_a, "quarter=2026-Q3").await;
        assert_eq!(names(&r), vec!["rep_a1", "rep_a2"]);
        assert_eq!(r["current"]["won_minor"], 13_000_000);
        // The coordinator picking Team B; the VP picking Leadership reaches everyone below.
        let teams = app.get(&o.admin, "/api/v1/teams").await.expect(StatusCode::OK).body;
        let team = |name: &str| {
            teams["items"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap()["id"].as_i64().unwrap()
        };
        let r = review(app, &o.coordinator, &format!("quarter=2026-Q3&team={}", team("Team B"))).await;
        assert_eq!(names(&r), vec!["rep_b1"]);
        assert_eq!(r["current"]["slipped"], 1);
        let r = review(app, &o.vp, &format!("quarter=2026-Q3&team={}", team("Leadership"))).await;
        assert_eq!(names(&r), vec!["rep_a1", "rep_a2", "rep_b1"]);
        // A manager picking a team outside their reach sees nobody's numbers from it.
        let r = review(app, &o.manager_b, &format!("quarter=2026-Q3&team={}", team("Team A"))).await;
        assert_eq!(names(&r), Vec::<&str>::new());
        assert_eq!(r["current"]["won"], 0);
    }

    async fn a_bad_quarter_or_team_is_refused_naming_the_field(app) {
        let o = &app.org;
        for (query, field) in [("quarter=2026-07", "quarter"), ("quarter=Q5", "quarter"), ("team=99999", "team")] {
            let r = app.get(&o.coordinator, &format!("/api/v1/reports/quarterly?{query}")).await;
            assert!(r.status.is_client_error(), "{query}: {r:#?}");
            assert_eq!(r.error_fields(), vec![field], "{query}");
        }
        // Without a quarter: the last complete one.
        let r = app.get(&o.coordinator, "/api/v1/reports/quarterly").await.expect(StatusCode::OK);
        assert!(r.body["quarter"].as_str().unwrap().contains("-Q"));
    }
}

async fn saved(app: &TestApp, who: &Person, name: &str, shared: bool) -> i64 {
    app.post(
        who,
        "/api/v1/saved-queries",
        json!({"name": name, "sql": "SELECT count(*) AS deals FROM rpt_deals", "shared": shared}),
    )
    .await
    .expect(StatusCode::CREATED)
    .body["id"]
        .as_i64()
        .unwrap()
}

async fn pinned(app: &TestApp, who: &Person) -> Vec<String> {
    app.get(who, "/api/v1/dashboard/pins")
        .await
        .expect(StatusCode::OK)
        .body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["saved_query"]["name"].as_str().unwrap().to_owned())
        .collect()
}

both_backends! {
    async fn a_dashboard_pins_readable_saved_queries_in_order(app) {
        let o = &app.org;
        let mine = saved(app, &o.rep_a1, "Mine", false).await;
        let shared = saved(app, &o.coordinator, "Team total", true).await;
        let private = saved(app, &o.coordinator, "Coordinator only", false).await;
        for id in [shared, mine, mine] {
            app.post(&o.rep_a1, "/api/v1/dashboard/pins", json!({"saved_query_id": id}))
                .await
                .expect(StatusCode::CREATED);
        }
        assert_eq!(pinned(app, &o.rep_a1).await, vec!["Team total", "Mine"], "pinning twice keeps one pin in its place");
        // Someone else's private query cannot be pinned: it does not exist for the rep.
        let r = app.post(&o.rep_a1, "/api/v1/dashboard/pins", json!({"saved_query_id": private})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // A query no longer shared drops off; a deleted one takes its pin with it.
        let etag = app.get(&o.coordinator, &format!("/api/v1/saved-queries/{shared}")).await.etag();
        app.patch(&o.coordinator, &format!("/api/v1/saved-queries/{shared}"), &etag, json!({"shared": false}))
            .await
            .expect(StatusCode::OK);
        assert_eq!(pinned(app, &o.rep_a1).await, vec!["Mine"]);
        app.delete(&o.rep_a1, &format!("/api/v1/saved-queries/{mine}")).await.expect(StatusCode::NO_CONTENT);
        assert_eq!(pinned(app, &o.rep_a1).await, Vec::<String>::new());
        // Unpinning: only your own pins.
        let pin = app.post(&o.coordinator, "/api/v1/dashboard/pins", json!({"saved_query_id": private}))
            .await
            .expect(StatusCode::CREATED)
            .body["id"].as_i64().unwrap();
        assert_eq!(app.delete(&o.rep_a1, &format!("/api/v1/dashboard/pins/{pin}")).await.status, StatusCode::NOT_FOUND);
        app.delete(&o.coordinator, &format!("/api/v1/dashboard/pins/{pin}")).await.expect(StatusCode::NO_CONTENT);
        assert_eq!(pinned(app, &o.coordinator).await, Vec::<String>::new());
    }
}
