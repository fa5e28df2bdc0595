//! The team calendar over HTTP: meetings with their people, busy time and its visibility,
//! finding a time, proposed moves that wait for the owner, external calendars and feeds.

use crate::helpers::{TestApp, both_backends};
use chrono::{Datelike, NaiveDate, Utc, Weekday};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A Tuesday at least a week ahead, so that no minimum notice or "now" gets in the way.
fn tuesday() -> NaiveDate {
    let mut day = Utc::now().date_naive() + chrono::Days::new(7);
    while day.weekday() != Weekday::Tue {
        day = day.succ_opt().unwrap();
    }
    day
}

/// `2026-12-08T10:00:00Z` for `hh:mm` UTC on `day`.
fn at(day: NaiveDate, hm: &str) -> String {
    format!("{day}T{hm}:00Z")
}

async fn book(app: &TestApp, who: &crate::helpers::Person, body: Value) -> i64 {
    app.post(who, "/api/v1/meetings", body)
        .await
        .expect(StatusCode::CREATED)
        .body["id"]
        .as_i64()
        .unwrap()
}

both_backends! {
    async fn a_booked_meeting_blocks_its_peoples_time_and_shows_its_subject_only_to_those_who_may_see_it(app) {
        let org = &app.org;
        let day = tuesday();
        let deal = app.deal(&org.rep_a1, None, "Globex expansion").await;
        let id = book(app, &org.rep_a1, json!({
            "subject": "Globex final presentation", "deal_id": deal,
            "starts_at": at(day, "10:00"), "ends_at": at(day, "11:00"),
            "attendee_ids": [org.rep_a2.id],
        })).await;
        let path = format!(
            "/api/v1/calendar?user_ids={},{}&from={}&to={}",
            org.rep_a1.id, org.rep_a2.id, at(day, "00:00"), at(day.succ_opt().unwrap(), "00:00")
        );
        let week = app.get(&org.rep_a1, &path).await.expect(StatusCode::OK).body;
        for person in week.as_array().unwrap() {
            let busy = person["busy"].as_array().unwrap();
            assert_eq!(busy.len(), 1, "{person}");
            assert_eq!(busy[0]["label"], "Globex final presentation");
            assert_eq!(busy[0]["activity_id"], id);
            assert_eq!(busy[0]["starts_at"], at(day, "10:00"));
            // Working time: 09:00–17:00 in their zone, which is the organisation's (UTC).
            assert_eq!(person["working"], json!([[at(day, "09:00"), at(day, "17:00")]]));
        }
        // A rep of another team sees the time taken but not what it is.
        let other = app.get(&org.rep_b1, &path).await.expect(StatusCode::OK).body;
        assert_eq!(other[0]["busy"][0]["label"], "Busy");
        assert_eq!(other[0]["busy"][0]["activity_id"], Value::Null);
        // The meeting is an activity on the deal's timeline.
        let timeline = app.get(&org.rep_a1, &format!("/api/v1/activities?deal_id={deal}")).await.expect(StatusCode::OK);
        assert_eq!(timeline.ids(), [id]);
        assert_eq!(timeline.body["items"][0]["kind"], "meeting");
    }

    async fn found_times_lie_in_everyones_hours_clear_of_their_meetings(app) {
        let org = &app.org;
        let day = tuesday();
        // Rep A2 works 08:00–12:00 on that day only.
        let hours = json!({"weekly": [["09:00-17:00"], ["09:00-17:00"], ["09:00-17:00"], ["09:00-17:00"], ["09:00-17:00"], [], []],
            "overrides": {day.to_string(): ["08:00-12:00"]}});
        app.send(Some(&org.rep_a2), Method::PUT, &format!("/api/v1/users/{}/working-hours", org.rep_a2.id), Some(&hours), &[])
            .await
            .expect(StatusCode::OK);
        book(app, &org.rep_a1, json!({"subject": "Pipeline review", "starts_at": at(day, "09:30"), "ends_at": at(day, "10:30")})).await;
        let found = app.post(&org.coordinator, "/api/v1/calendar/find-time", json!({
            "required_ids": [org.rep_a1.id, org.rep_a2.id], "duration_minutes": 60,
            "from": at(day, "00:00"), "to": at(day.succ_opt().unwrap(), "00:00"),
        })).await.expect(StatusCode::OK).body;
        let starts: Vec<&str> = found["slots"].as_array().unwrap().iter().map(|s| s["starts_at"].as_str().unwrap()).collect();
        // 09:00–12:00 shared, less 09:30–10:30: only 10:30 and later fit an hour before noon.
        assert_eq!(starts, [at(day, "10:30"), at(day, "10:45"), at(day, "11:00")]);
        assert_eq!(found["proposals"], json!([]));
        // Hours that make no sense are refused, each by its field.
        let bad = json!({"weekly": [["17:00-09:00"], ["09:00-12:00", "11:00-13:00"], [], [], [], [], []], "core": "nine"});
        let r = app.send(Some(&org.rep_a2), Method::PUT, &format!("/api/v1/users/{}/working-hours", org.rep_a2.id), Some(&bad), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["weekly.mon[0]", "weekly.tue", "core"]);
        // And nobody sets another's hours but an admin or coordinator.
        app.send(Some(&org.rep_a1), Method::PUT, &format!("/api/v1/users/{}/working-hours", org.rep_a2.id), Some(&hours), &[])
            .await
            .expect(StatusCode::FORBIDDEN);
    }

    async fn with_no_free_time_a_lower_priority_meeting_is_proposed_to_move_and_moves_only_when_its_owner_accepts(app) {
        let org = &app.org;
        let day = tuesday();
        // Rep A1 can only meet 10:00–11:00 that day; Rep A2's 1:1 sits there.
        let hours = json!({"weekly": [["09:00-17:00"], ["09:00-17:00"], ["09:00-17:00"], ["09:00-17:00"], ["09:00-17:00"], [], []],
            "overrides": {day.to_string(): ["10:00-11:00"]}});
        app.send(Some(&org.rep_a1), Method::PUT, &format!("/api/v1/users/{}/working-hours", org.rep_a1.id), Some(&hours), &[])
            .await
            .expect(StatusCode::OK);
        let one_on_one = book(app, &org.rep_a2, json!({"subject": "1:1", "starts_at": at(day, "10:00"), "ends_at": at(day, "11:00")})).await;
        let search = json!({
            "required_ids": [org.rep_a1.id, org.rep_a2.id], "duration_minutes": 60, "priority": 90,
            "subject": "Globex final presentation",
            "from": at(day, "00:00"), "to": at(day.succ_opt().unwrap(), "00:00"),
        });
        // Rep A1 may not see Rep A2's meetings, so to them it is "a private meeting".
        let found = app.post(&org.rep_a1, "/api/v1/calendar/find-time", search.clone()).await.expect(StatusCode::OK).body;
        assert!(found["proposals"][0]["explanation"].as_str().unwrap().starts_with("Moving a private meeting to "));
        let found = app.post(&org.coordinator, "/api/v1/calendar/find-time", search.clone()).await.expect(StatusCode::OK).body;
        assert_eq!(found["slots"], json!([]));
        assert_eq!(found["priority"], 90);
        let proposal = &found["proposals"][0];
        assert_eq!(proposal["starts_at"], at(day, "10:00"));
        let to_move = &proposal["moves"][0];
        assert_eq!(to_move["activity_id"], one_on_one);
        // The nearest free hours for Rep A2 are straight before and after; the earlier wins.
        assert_eq!(to_move["to_start"], at(day, "09:00"));
        assert_eq!(
            proposal["explanation"],
            format!("Moving '1:1' to {} frees {} for 'Globex final presentation'",
                day.format("%a %-d %b 09:00"), day.format("%a %-d %b 10:00"))
        );
        // A meeting of equal or higher priority is never proposed.
        let mut low = search.clone();
        low["priority"] = json!(30);
        let found = app.post(&org.rep_a1, "/api/v1/calendar/find-time", low).await.expect(StatusCode::OK).body;
        assert_eq!(found["proposals"], json!([]));

        let asked = app.post(&org.rep_a1, "/api/v1/meeting-moves", to_move.clone()).await.expect(StatusCode::CREATED).body;
        assert_eq!(asked["status"], "pending");
        let move_id = asked["id"].as_i64().unwrap();
        // Nothing has moved; only the owner may answer.
        let meeting = app.get(&org.rep_a2, &format!("/api/v1/activities/{one_on_one}")).await.expect(StatusCode::OK).body;
        assert_eq!(meeting["occurred_at"], at(day, "10:00"));
        app.post(&org.rep_a1, &format!("/api/v1/meeting-moves/{move_id}/accept"), json!({})).await.expect(StatusCode::FORBIDDEN);
        let waiting = app.get(&org.rep_a2, "/api/v1/meeting-moves").await.expect(StatusCode::OK).body;
        assert_eq!(waiting[0]["id"], move_id);
        let accepted = app.post(&org.rep_a2, &format!("/api/v1/meeting-moves/{move_id}/accept"), json!({})).await.expect(StatusCode::OK).body;
        assert_eq!(accepted["status"], "accepted");
        let meeting = app.get(&org.rep_a2, &format!("/api/v1/activities/{one_on_one}")).await.expect(StatusCode::OK).body;
        assert_eq!((meeting["occurred_at"].as_str(), meeting["ends_at"].as_str()), (Some(at(day, "09:00").as_str()), Some(at(day, "10:00").as_str())));
        // The move is in the audit log like any change, and the old proposal is now stale.
        let audit = app.get(&org.admin, &format!("/api/v1/audit?entity=activity&entity_id={one_on_one}")).await.expect(StatusCode::OK).body;
        assert_eq!(audit["items"].as_array().unwrap().len(), 2, "{audit}");
        app.post(&org.rep_a1, "/api/v1/meeting-moves", to_move.clone()).await.expect(StatusCode::CONFLICT);
        app.post(&org.rep_a2, &format!("/api/v1/meeting-moves/{move_id}/decline"), json!({})).await.expect(StatusCode::CONFLICT);
    }

    async fn an_external_calendar_blocks_time_and_a_feed_serves_meetings_and_free_busy(app) {
        let org = &app.org;
        let day = tuesday();
        let compact = day.format("%Y%m%d");
        let ics = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:dentist\r\nSUMMARY:Dentist\r\n\
             DTSTART:{compact}T130000Z\r\nDTEND:{compact}T140000Z\r\nEND:VEVENT\r\n\
             BEGIN:VEVENT\r\nUID:broken\r\nDTSTART:yesterday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        let source = app.post(&org.rep_a1, &format!("/api/v1/users/{}/calendars", org.rep_a1.id), json!({"name": "Google", "ics": ics}))
            .await
            .expect(StatusCode::CREATED)
            .body;
        assert_eq!(source["events"], 1);
        assert!(source["warnings"][0].as_str().unwrap().starts_with("broken: "), "{source}");
        let r = app.post(&org.rep_a1, &format!("/api/v1/users/{}/calendars", org.rep_a1.id), json!({"name": "Junk", "ics": "hello"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["file"]);
        let path = format!("/api/v1/calendar?user_ids={}&from={}&to={}", org.rep_a1.id, at(day, "00:00"), at(day.succ_opt().unwrap(), "00:00"));
        let week = app.get(&org.rep_a1, &path).await.expect(StatusCode::OK).body;
        assert_eq!(week[0]["busy"], json!([{"starts_at": at(day, "13:00"), "ends_at": at(day, "14:00"), "label": "Busy", "activity_id": null, "external": true}]));

        book(app, &org.rep_a1, json!({"subject": "Acme sync", "starts_at": at(day, "09:00"), "ends_at": at(day, "09:30")})).await;
        let feed = app.post(&org.rep_a1, "/api/v1/calendar/feeds", json!({"user_id": org.rep_a1.id})).await.expect(StatusCode::CREATED).body;
        // Someone else's feed is not yours to make.
        app.post(&org.rep_a1, "/api/v1/calendar/feeds", json!({"user_id": org.rep_a2.id})).await.expect(StatusCode::FORBIDDEN);
        let events = app.send(None, Method::GET, feed["events_path"].as_str().unwrap(), None, &[]).await.expect(StatusCode::OK);
        assert!(events.headers["content-type"].to_str().unwrap().starts_with("text/calendar"));
        let text = events.body.as_str().unwrap();
        assert!(text.contains("SUMMARY:Acme sync\r\n"), "{text}");
        assert!(text.contains(&format!("DTSTART:{compact}T090000Z\r\n")), "{text}");
        let busy = app.send(None, Method::GET, feed["freebusy_path"].as_str().unwrap(), None, &[]).await.expect(StatusCode::OK);
        let text = busy.body.as_str().unwrap();
        assert!(text.contains(&format!("FREEBUSY;FBTYPE=BUSY:{compact}T090000Z/{compact}T093000Z\r\n")), "{text}");
        assert!(text.contains(&format!("FREEBUSY;FBTYPE=BUSY:{compact}T130000Z/{compact}T140000Z\r\n")), "{text}");
        app.send(None, Method::GET, "/calendar/feeds/bat_nothing/events.ics", None, &[]).await.expect(StatusCode::NOT_FOUND);
    }
}

/// A calendar server on loopback: it serves whatever `answer` holds at `/cal.ics`.
async fn calendar_server(
    answer: std::sync::Arc<std::sync::Mutex<(u16, String)>>,
) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = axum::Router::new().route(
        "/cal.ics",
        axum::routing::get(move || {
            let (status, body) = answer.lock().unwrap().clone();
            async move { (axum::http::StatusCode::from_u16(status).unwrap(), body) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// A calendar holding one busy hour from `hm` (UTC) on `day`.
fn one_event(day: NaiveDate, hm: &str) -> String {
    let compact = day.format("%Y%m%d");
    let hm = hm.replace(':', "");
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:standup\r\nSUMMARY:Standup\r\n\
         DTSTART:{compact}T{hm}00Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

both_backends! {
    async fn a_calendar_from_a_url_blocks_time_is_fetched_again_and_keeps_its_last_good_copy_when_a_fetch_fails(app) {
        let org = &app.org;
        let day = tuesday();
        let answer = std::sync::Arc::new(std::sync::Mutex::new((200, one_event(day, "13:00"))));
        let server = calendar_server(answer.clone()).await;
        let sources = format!("/api/v1/users/{}/calendars", org.rep_a1.id);
        let busy = || async {
            let path = format!("/api/v1/calendar?user_ids={}&from={}&to={}", org.rep_a1.id, at(day, "00:00"), at(day.succ_opt().unwrap(), "00:00"));
            let week = app.get(&org.rep_a1, &path).await.expect(StatusCode::OK).body;
            week[0]["busy"].as_array().unwrap().iter().map(|b| b["starts_at"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
        };

        let source = app.post(&org.rep_a1, &sources, json!({"name": "Work", "url": format!("http://{server}/cal.ics")}))
            .await
            .expect(StatusCode::CREATED)
            .body;
        assert_eq!(source["url"], format!("http://{server}/cal.ics"));
        assert_eq!(source["events"], 1);
        assert_eq!(busy().await, [at(day, "13:00")]);
        // A feed URL is its owner's secret: not for another rep's eyes.
        app.get(&org.rep_a2, &sources).await.expect(StatusCode::FORBIDDEN);

        // The calendar changed at its source; fetching again follows it.
        answer.lock().unwrap().1 = one_event(day, "15:00");
        let refresh = format!("{sources}/{}/refresh", source["id"]);
        let again = app.post(&org.rep_a1, &refresh, json!({})).await.expect(StatusCode::OK).body;
        assert_eq!(again["last_error"], Value::Null);
        assert_eq!(busy().await, [at(day, "15:00")]);

        // The source fails: the reason is kept and so is the last good copy.
        *answer.lock().unwrap() = (500, "oops".to_owned());
        let failed = app.post(&org.rep_a1, &refresh, json!({})).await.expect(StatusCode::OK).body;
        assert_eq!(failed["last_error"], "the server answered 500 Internal Server Error");
        assert_eq!(failed["fetched_at"], again["fetched_at"]);
        assert_eq!(busy().await, [at(day, "15:00")]);
        // It answers, but not with a calendar.
        *answer.lock().unwrap() = (200, "<html>sign in</html>".to_owned());
        let failed = app.post(&org.rep_a1, &refresh, json!({})).await.expect(StatusCode::OK).body;
        assert!(failed["last_error"].as_str().unwrap().contains("not an iCalendar file"), "{failed}");

        // A URL that gives no calendar is refused when it is added, naming the field.
        let r = app.post(&org.rep_a1, &sources, json!({"name": "Junk", "url": format!("http://{server}/cal.ics")})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["url"]);
        let r = app.post(&org.rep_a1, &sources, json!({"name": "Nowhere", "url": "ftp://example.com/cal.ics"})).await;
        assert_eq!(r.error_fields(), ["url"]);
        let r = app.post(&org.rep_a1, &sources, json!({"name": "Both", "url": "https://example.com/a.ics", "ics": "x"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // The server fetches it again when it falls due: of two servers asking at once exactly
        // one gets it, and then it is not due again for a while.
        app.raw_execute("UPDATE calendar_sources SET checked_at = '2000-01-01T00:00:00+00:00'").await.unwrap();
        let every = chrono::TimeDelta::minutes(15);
        let (a, b) = tokio::join!(app.store.claim_due_calendar_feeds(every), app.store.claim_due_calendar_feeds(every));
        assert_eq!(a.unwrap().len() + b.unwrap().len(), 1);
        assert!(app.store.claim_due_calendar_feeds(every).await.unwrap().is_empty());

        // Removed, its events stop blocking time; the change is in the audit log.
        app.delete(&org.rep_a2, &format!("{sources}/{}", source["id"])).await.expect(StatusCode::NOT_FOUND);
        app.delete(&org.rep_a1, &format!("{sources}/{}", source["id"])).await.expect(StatusCode::NO_CONTENT);
        assert!(busy().await.is_empty());
        let audit = app.get(&org.admin, &format!("/api/v1/audit?entity=calendar_source&entity_id={}", source["id"])).await.expect(StatusCode::OK).body;
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions.iter().filter(|a| **a == "update").count(), 1, "only the fetch that changed the copy: {audit}");
        assert!(actions.contains(&"create") && actions.contains(&"delete"), "{audit}");
    }
}

both_backends! {
    async fn the_calendar_page_finds_and_books_a_time_and_today_names_a_double_booking(app) {
        use crate::web::{browser, csrf_of, session_of};
        use reqwest::header::{COOKIE, LOCATION};
        let org = &app.org;
        let day = tuesday();
        // Two overlapping meetings on the next weekday: inside Today's seven-day look-ahead, and
        // on a day the week page shows.
        let mut soon = Utc::now().date_naive() + chrono::Days::new(1);
        while soon.weekday().num_days_from_monday() >= 5 {
            soon = soon.succ_opt().unwrap();
        }
        book(app, &org.rep_a1, json!({"subject": "Acme sync", "starts_at": at(soon, "09:00"), "ends_at": at(soon, "10:00")})).await;
        book(app, &org.rep_a1, json!({"subject": "Initech demo", "starts_at": at(soon, "09:30"), "ends_at": at(soon, "10:30")})).await;
        let cookie = session_of(app, &org.rep_a1, "rep_a1@example.com").await;
        let page = |path: String| {
            let cookie = cookie.clone();
            async move {
                let r = browser().get(app.url(&path)).header(COOKIE, cookie).send().await.unwrap();
                assert_eq!(r.status(), StatusCode::OK, "{path}");
                r.text().await.unwrap()
            }
        };
        let week = page(format!("/calendar?week={soon}")).await;
        assert!(week.contains("title=\"09:00–10:00 Acme sync\""), "{week}");
        assert!(week.contains("09:00–17:00 (09:00–17:00 yours) · UTC"), "{week}");
        let today = page("/today".into()).await;
        assert!(today.contains("Initech demo overlaps Acme sync"), "{today}");

        let token = csrf_of(app, &cookie).await;
        let found = browser()
            .post(app.url("/calendar/find"))
            .header(COOKIE, &cookie)
            .header("hx-request", "true")
            .form(&[
                ("csrf_token", token.clone()), ("week", day.to_string()), ("subject", "Kickoff".into()),
                ("duration", "60".into()), ("people", org.rep_a1.id.to_string()), ("people", org.rep_a2.id.to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(found.status(), StatusCode::OK);
        let html = found.text().await.unwrap();
        // Monday is earlier in the week than Tuesday, so the first time offered is Monday 09:00.
        let monday = day.pred_opt().unwrap();
        assert!(html.contains(&format!("Book {} 09:00–10:00", monday.format("%a %-d %b"))), "{html}");
        let booked = browser()
            .post(app.url("/calendar/book"))
            .header(COOKIE, &cookie)
            .form(&[
                ("csrf_token", token), ("week", day.to_string()), ("subject", "Kickoff".into()),
                ("people", format!("{},{}", org.rep_a1.id, org.rep_a2.id)),
                ("starts_at", at(monday, "09:00")), ("ends_at", at(monday, "10:00")),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(booked.status(), StatusCode::SEE_OTHER);
        assert!(booked.headers()[LOCATION].to_str().unwrap().contains("notice=Booked"));
        let mine = app.get(&org.rep_a2, &format!("/api/v1/calendar?user_ids={}&from={}&to={}", org.rep_a2.id, at(monday, "00:00"), at(day, "00:00"))).await.expect(StatusCode::OK).body;
        assert_eq!(mine[0]["busy"][0]["label"], "Busy", "Rep A2 is in it but may not see Rep A1's activity");
        assert_eq!(mine[0]["busy"][0]["starts_at"], at(monday, "09:00"));
    }
}

both_backends! {
    async fn round_robin_gives_each_time_to_the_free_host_with_the_fewest_meetings_and_says_why(app) {
        let org = &app.org;
        let day = tuesday();
        // Rep A1 has two meetings that day already; Rep A2 none, but is busy 09:00–10:00.
        book(app, &org.rep_a1, json!({"subject": "One", "starts_at": at(day, "13:00"), "ends_at": at(day, "13:30")})).await;
        book(app, &org.rep_a1, json!({"subject": "Two", "starts_at": at(day, "14:00"), "ends_at": at(day, "14:30")})).await;
        book(app, &org.rep_a2, json!({"subject": "Busy", "starts_at": at(day, "09:00"), "ends_at": at(day, "10:00")})).await;
        let found = app.post(&org.coordinator, "/api/v1/calendar/find-time", json!({
            "pool_ids": [org.rep_a1.id, org.rep_a2.id], "duration_minutes": 60, "limit": 6,
            "from": at(day, "00:00"), "to": at(day.succ_opt().unwrap(), "00:00"),
        })).await.expect(StatusCode::OK).body;
        let hosts: Vec<(&str, i64)> = found["slots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["starts_at"].as_str().unwrap(), s["host"]["user_id"].as_i64().unwrap()))
            .collect();
        let (a1, a2) = (org.rep_a1.id.0, org.rep_a2.id.0);
        let (nine, nine_15, nine_30, nine_45, ten, ten_15) = (at(day, "09:00"), at(day, "09:15"), at(day, "09:30"), at(day, "09:45"), at(day, "10:00"), at(day, "10:15"));
        // Until 10:00 only Rep A1 is free; from then Rep A2, with fewer meetings, takes it.
        assert_eq!(hosts, [(nine.as_str(), a1), (nine_15.as_str(), a1), (nine_30.as_str(), a1), (nine_45.as_str(), a1), (ten.as_str(), a2), (ten_15.as_str(), a2)]);
        assert_eq!(found["slots"][0]["host"]["reason"], "rep_a1 has 2 meetings this period; the only host free then");
        assert_eq!(found["slots"][4]["host"]["reason"], "rep_a2 has 1 meeting this period, the fewest for their weight among those free then (rep_a1 2)");
    }
}
