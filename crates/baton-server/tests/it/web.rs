//! The web pages' sign-in, sessions and CSRF protection, over real HTTP.

use crate::helpers::{Person, TestApp, both_backends};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::json;

const PASSWORD: &str = "correct horse battery";

/// A client that does not follow redirects, so the tests see them.
pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Gives `who` a password through the API.
async fn set_password(app: &TestApp, who: &Person) {
    let user = app
        .get(&app.org.admin, &format!("/api/v1/users/{}", who.id))
        .await;
    app.patch(
        &app.org.admin,
        &format!("/api/v1/users/{}", who.id),
        &user.etag(),
        json!({"password": PASSWORD}),
    )
    .await
    .expect(StatusCode::OK);
}

/// The `name=value` of a `Set-Cookie` header for `name`, and the whole header.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<(String, String)> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let pair = v.split(';').next()?.trim();
            pair.starts_with(&format!("{name}="))
                .then(|| (pair.to_owned(), v.to_owned()))
        })
}

/// The value of the hidden `csrf_token` field in a page.
fn csrf_field(html: &str) -> String {
    let start = html
        .find("name=\"csrf_token\" value=\"")
        .expect("a csrf_token field")
        + 25;
    html[start..].split('"').next().unwrap().to_owned()
}

/// Signs `email` in with `password`, returning the response to the form.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    let client = browser();
    let form = client.get(app.url("/login")).send().await.unwrap();
    let (cookie, _) = set_cookie(&form, "baton_login_csrf").expect("a sign-in token cookie");
    let token = csrf_field(&form.text().await.unwrap());
    client
        .post(app.url("/login"))
        .header(COOKIE, cookie)
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", email),
            ("password", password),
            ("next", "/today"),
        ])
        .send()
        .await
        .unwrap()
}

/// Signs `who` in and returns their session cookie (`baton_session=…`).
pub(crate) async fn session_of(app: &TestApp, who: &Person, email: &str) -> String {
    set_password(app, who).await;
    let response = sign_in(app, email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    set_cookie(&response, "baton_session")
        .expect("a session cookie")
        .0
}

both_backends! {
    async fn pages_send_a_signed_out_browser_to_sign_in_and_back(app) {
        let response = browser().get(app.url("/today")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[LOCATION], "/login?next=/today");
        let response = browser().get(app.url("/today")).header("hx-request", "true").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()["hx-redirect"], "/login?next=/today");
    }

    async fn signing_in_sets_an_http_only_session_cookie_and_opens_today(app) {
        set_password(app, &app.org.coordinator).await;
        let response = sign_in(app, "coordinator@example.com", PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[LOCATION], "/today");
        let (cookie, header) = set_cookie(&response, "baton_session").expect("a session cookie");
        assert!(header.contains("HttpOnly") && header.contains("SameSite=Lax"), "{header}");
        let today = browser().get(app.url("/today")).header(COOKIE, &cookie).send().await.unwrap();
        assert_eq!(today.status(), StatusCode::OK);
        let html = today.text().await.unwrap();
        assert!(html.contains("<h1>Today</h1>") && html.contains("Closing this month"), "{html}");
    }

    async fn the_sign_in_form_must_come_from_baton(app) {
        set_password(app, &app.org.coordinator).await;
        let response = browser()
            .post(app.url("/login"))
            .header(COOKIE, "baton_login_csrf=forged")
            .form(&[("csrf_token", "other"), ("email", "coordinator@example.com"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(set_cookie(&response, "baton_session").is_none());
    }

    async fn a_wrong_password_keeps_the_email_and_signs_nobody_in(app) {
        set_password(app, &app.org.rep_a1).await;
        let response = sign_in(app, "rep_a1@example.com", "not the password").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(set_cookie(&response, "baton_session").is_none());
        let html = response.text().await.unwrap();
        assert!(html.contains("value=\"rep_a1@example.com\""), "the email typed is kept");
        assert!(html.contains("do not match"));
    }

    async fn repeated_failures_lock_an_email_for_a_while(app) {
        set_password(app, &app.org.rep_a2).await;
        for _ in 0..5 {
            assert_eq!(sign_in(app, "rep_a2@example.com", "guess").await.status(), StatusCode::UNAUTHORIZED);
        }
        let response = sign_in(app, "REP_A2@example.com", PASSWORD).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
        assert!(response.text().await.unwrap().contains("Too many failed sign-ins"));
        // Another user is not affected.
        let cookie = session_of(app, &app.org.rep_b1, "rep_b1@example.com").await;
        assert!(cookie.starts_with("baton_session="));
    }

    async fn changes_without_the_sessions_csrf_token_are_refused(app) {
        let cookie = session_of(app, &app.org.manager_a, "manager_a@example.com").await;
        let refused = browser().post(app.url("/logout")).header(COOKIE, &cookie).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let forged = browser()
            .post(app.url("/logout"))
            .header(COOKIE, &cookie)
            .header("x-csrf-token", "forged")
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        let page = browser().get(app.url("/today")).header(COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
        let token = csrf_field(&page);
        let out = browser()
            .post(app.url("/logout"))
            .header(COOKIE, &cookie)
            .form(&[("csrf_token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(out.status(), StatusCode::SEE_OTHER);
        let after = browser().get(app.url("/today")).header(COOKIE, &cookie).send().await.unwrap();
        assert_eq!(after.status(), StatusCode::SEE_OTHER, "the session is over");
    }

    async fn today_shows_each_person_only_what_they_may_see(app) {
        let today = chrono::Utc::now().date_naive();
        for (owner, name) in [(&app.org.rep_a1, "Initrode renewal"), (&app.org.rep_b1, "Massive Dynamic pilot")] {
            app.post(&app.org.coordinator, "/api/v1/deals", json!({"name": name, "owner_id": owner.id, "close_date": today}))
                .await
                .expect(StatusCode::CREATED);
        }
        let cookie = session_of(app, &app.org.rep_a1, "rep_a1@example.com").await;
        let html = browser().get(app.url("/today")).header(COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("<h1>My day</h1>"));
        assert!(html.contains("Initrode renewal"));
        assert!(!html.contains("Massive Dynamic pilot"), "another team's deal leaked onto a rep's Today");
        let cookie = session_of(app, &app.org.vp, "vp@example.com").await;
        let html = browser().get(app.url("/today")).header(COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("<h1>My team&#39;s day</h1>") || html.contains("<h1>My team's day</h1>"), "{html}");
        assert!(html.contains("Initrode renewal") && html.contains("Massive Dynamic pilot"));
    }

    async fn a_deal_page_is_a_404_page_for_someone_who_may_not_see_it(app) {
        let deal = app.deal(&app.org.rep_b1, None, "Hidden deal").await;
        let cookie = session_of(app, &app.org.rep_a1, "rep_a1@example.com").await;
        let response = browser().get(app.url(&format!("/deals/{deal}"))).header(COOKIE, &cookie).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let html = response.text().await.unwrap();
        assert!(html.contains("not yours to see") && !html.contains("Hidden deal"));
        let cookie = session_of(app, &app.org.manager_b, "manager_b@example.com").await;
        let response = browser().get(app.url(&format!("/deals/{deal}"))).header(COOKIE, &cookie).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.text().await.unwrap().contains("Hidden deal"));
    }
}

/// The session's CSRF token, read from a page.
pub(crate) async fn csrf_of(app: &TestApp, cookie: &str) -> String {
    let page = browser()
        .get(app.url("/today"))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    csrf_field(&page)
}

both_backends! {
    async fn a_form_save_sends_only_what_was_changed_and_refuses_a_stale_version(app) {
        let deal = app.deal(&app.org.rep_a1, None, "Form deal").await;
        let cookie = session_of(app, &app.org.rep_a1, "rep_a1@example.com").await;
        let token = csrf_of(app, &cookie).await;
        // Someone else changes the name (version 2).
        app.patch(&app.org.coordinator, &format!("/api/v1/deals/{deal}"), "\"1\"", json!({"name": "Renamed elsewhere"}))
            .await
            .expect(StatusCode::OK);
        let form = |version: &str, next_step: &str| {
            vec![
                ("csrf_token", token.clone()), ("version", version.to_owned()),
                ("name", "Form deal".to_owned()), ("original_name", "Form deal".to_owned()),
                ("next_step", next_step.to_owned()), ("original_next_step", String::new()),
            ]
        };
        let stale = browser()
            .post(app.url(&format!("/deals/{deal}")))
            .header(COOKIE, &cookie)
            .header("hx-request", "true")
            .form(&form("1", "Call back"))
            .send()
            .await
            .unwrap();
        assert_eq!(stale.status(), StatusCode::CONFLICT);
        let html = stale.text().await.unwrap();
        assert!(html.contains("changed: Name"), "{html}");
        assert!(html.contains("value=\"Renamed elsewhere\""), "the other change is shown");
        assert!(html.contains("value=\"Call back\""), "this person's change is kept");
        let saved = browser()
            .post(app.url(&format!("/deals/{deal}")))
            .header(COOKIE, &cookie)
            .header("hx-request", "true")
            .form(&form("2", "Call back"))
            .send()
            .await
            .unwrap();
        assert_eq!(saved.status(), StatusCode::OK);
        let now = app.get(&app.org.coordinator, &format!("/api/v1/deals/{deal}")).await;
        assert_eq!(now.body["next_step"], "Call back");
        assert_eq!(now.body["name"], "Renamed elsewhere", "an unchanged field is not written back");
    }

    async fn logging_on_a_deal_creates_the_activity_and_a_bad_date_is_named(app) {
        let deal = app.deal(&app.org.rep_a1, None, "Logged deal").await;
        let cookie = session_of(app, &app.org.rep_a1, "rep_a1@example.com").await;
        let token = csrf_of(app, &cookie).await;
        let post = |fields: Vec<(&'static str, &'static str)>| {
            let mut form = vec![("csrf_token", token.as_str())];
            form.extend(fields);
            browser().post(app.url(&format!("/deals/{deal}/activities"))).header(COOKIE, &cookie).header("hx-request", "true").form(&form).send()
        };
        let bad = post(vec![("kind", "task"), ("subject", "Send contract"), ("date", "someday")]).await.unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = bad.text().await.unwrap();
        assert!(html.contains("id=\"e-date\"") && html.contains("value=\"Send contract\""), "{html}");
        let ok = post(vec![("kind", "task"), ("subject", "Send contract"), ("date", "2031-01-15")]).await.unwrap();
        assert_eq!(ok.status(), StatusCode::OK);
        let tasks = app.get(&app.org.rep_a1, &format!("/api/v1/activities?deal_id={deal}&kind=task")).await;
        assert_eq!(tasks.body["items"][0]["due_date"], "2031-01-15");
        assert_eq!(tasks.body["items"][0]["owner_id"], app.org.rep_a1.id.0);
    }
}

both_backends! {
    async fn settings_are_for_admins_and_a_stage_holding_deals_cannot_be_removed(app) {
        app.deal(&app.org.rep_a1, None, "Sits in the first stage").await;
        let rep = session_of(app, &app.org.rep_a1, "rep_a1@example.com").await;
        let page = browser().get(app.url("/settings/users")).header(COOKIE, &rep).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::FORBIDDEN);
        let own = browser().get(app.url("/settings/tokens")).header(COOKIE, &rep).send().await.unwrap();
        assert_eq!(own.status(), StatusCode::OK, "everyone manages their own API tokens");

        let admin = session_of(app, &app.org.admin, "admin@example.com").await;
        let token = csrf_of(app, &admin).await;
        let stages = [("Lead", "10", "open"), ("Qualified", "30", "open"), ("Proposal", "50", "open"), ("Negotiation", "80", "open"), ("Won", "100", "won"), ("Lost", "0", "lost")];
        let mut form = vec![("csrf_token".to_owned(), token), ("version".into(), "1".into()), ("name".into(), "Sales".into())];
        for (id, (name, probability, outcome)) in app.org.stages.iter().zip(stages) {
            form.extend([("stage_id".into(), id.to_string()), ("stage_name".into(), name.into())]);
            form.extend([("probability".into(), probability.into()), ("forecast".into(), String::new()), ("outcome".into(), outcome.into())]);
        }
        form.push(("remove".into(), app.org.stages[0].to_string()));
        let saved = browser()
            .post(app.url(&format!("/settings/pipelines/{}", app.org.pipeline)))
            .header(COOKIE, &admin)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        let notice = saved.headers()[LOCATION].to_str().unwrap().replace('+', " ");
        assert!(notice.contains("Not saved") && notice.contains("deals"), "{notice}");
        let pipeline = app.get(&app.org.admin, &format!("/api/v1/pipelines/{}", app.org.pipeline)).await;
        assert_eq!(pipeline.body["stages"].as_array().unwrap().len(), 6, "nothing was removed");
        assert_eq!(pipeline.body["stages"][0]["name"], "Lead");
    }
}

both_backends! {
    async fn a_contacts_account_is_named_on_its_form_and_must_be_one_the_person_can_see(app) {
        let twin_a = app.account(&app.org.rep_a1, "Twin Corp").await;
        app.account(&app.org.rep_a1, "Twin Corp").await;
        let solo = app.account(&app.org.rep_a1, "Solo Ltd").await;
        let hidden = app.account(&app.org.rep_b1, "Elsewhere Inc").await;
        let contact = app.contact(&app.org.rep_a1, None, "Moreau").await;
        let cookie = session_of(app, &app.org.rep_a1, "rep_a1@example.com").await;
        let token = csrf_of(app, &cookie).await;
        let save = |account: String| {
            let form = vec![
                ("csrf_token", token.clone()), ("version", "1".to_owned()),
                ("account", account), ("original_account", String::new()),
            ];
            browser().post(app.url(&format!("/contacts/{contact}"))).header(COOKIE, &cookie).header("hx-request", "true").form(&form).send()
        };
        for (typed, expected) in [
            ("Twin Corp".to_owned(), "several accounts are called"),
            ("Nobody Co".to_owned(), "no account called"),
            (format!("Elsewhere Inc (#{hidden})"), "there is no account"),
        ] {
            let refused = save(typed.clone()).await.unwrap();
            assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
            let html = refused.text().await.unwrap();
            assert!(html.contains("id=\"e-account\"") && html.contains(expected), "{typed}: {html}");
            assert!(html.contains(&format!("value=\"{typed}\"")), "what was typed is kept");
        }
        let saved = save(format!("Twin Corp (#{twin_a})")).await.unwrap();
        assert_eq!(saved.status(), StatusCode::OK);
        assert_eq!(app.get(&app.org.rep_a1, &format!("/api/v1/contacts/{contact}")).await.body["account_id"], twin_a);
        let now = app.get(&app.org.rep_a1, &format!("/api/v1/contacts/{contact}")).await;
        let form = vec![
            ("csrf_token", token.clone()), ("version", now.body["version"].to_string()),
            ("account", "solo ltd".to_owned()), ("original_account", format!("Twin Corp (#{twin_a})")),
        ];
        let by_name = browser().post(app.url(&format!("/contacts/{contact}"))).header(COOKIE, &cookie).header("hx-request", "true").form(&form).send().await.unwrap();
        assert_eq!(by_name.status(), StatusCode::OK, "one account of that name, in any case, is enough");
        assert_eq!(app.get(&app.org.rep_a1, &format!("/api/v1/contacts/{contact}")).await.body["account_id"], solo);
    }
}
