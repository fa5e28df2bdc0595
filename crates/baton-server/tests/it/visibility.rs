//! Who sees what: every role against every list and read endpoint. A record you may not see
//! must not appear in lists, searches or filters, and reading it by id is a 404.

use crate::helpers::{Person, TestApp, both_backends};
use crate::web::{browser, session_of};
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::json;
use std::collections::BTreeSet;

/// The records of the matrix, by kind, with the name each is known by in the expectations.
struct Fixture {
    accounts: Vec<(&'static str, i64)>,
    contacts: Vec<(&'static str, i64)>,
    deals: Vec<(&'static str, i64)>,
    activities: Vec<(&'static str, i64)>,
}

/// Each rep owns an account with a contact, a deal and an overdue task; the coordinator owns
/// one more; and rep_a1 has a deal at rep_b1's account "shared", where rep_b1 has a task too.
async fn fixture(app: &TestApp) -> Fixture {
    let org = &app.org;
    let mut f = Fixture {
        accounts: vec![],
        contacts: vec![],
        deals: vec![],
        activities: vec![],
    };
    let owners: [(&str, &Person); 4] = [
        ("a1", &org.rep_a1),
        ("a2", &org.rep_a2),
        ("b1", &org.rep_b1),
        ("c", &org.coordinator),
    ];
    for (name, owner) in owners {
        let account = app.account(owner, &format!("Account {name}")).await;
        let contact = app
            .contact(owner, Some(account), &format!("Contact{name}"))
            .await;
        let deal = app
            .deal(owner, Some(account), &format!("Deal {name}"))
            .await;
        let activity = app
            .post(
                &org.coordinator,
                "/api/v1/activities",
                json!({"kind": "task", "subject": format!("Task {name}"), "due_date": "2020-01-02",
                "owner_id": owner.id, "deal_id": deal, "account_id": account}),
            )
            .await
            .expect(StatusCode::CREATED);
        f.accounts.push((name, account));
        f.contacts.push((name, contact));
        f.deals.push((name, deal));
        f.activities
            .push((name, activity.body["id"].as_i64().unwrap()));
    }
    let shared = app.account(&org.rep_b1, "Account shared").await;
    let contact = app
        .contact(&org.rep_b1, Some(shared), "Contactshared")
        .await;
    let deal = app.deal(&org.rep_a1, Some(shared), "Deal shared").await;
    let activity = app
        .post(
            &org.coordinator,
            "/api/v1/activities",
            json!({"kind": "task", "subject": "Task shared", "due_date": "2020-01-02",
            "owner_id": org.rep_b1.id, "account_id": shared}),
        )
        .await
        .expect(StatusCode::CREATED);
    f.accounts.push(("shared", shared));
    f.contacts.push(("shared", contact));
    f.deals.push(("shared", deal));
    f.activities
        .push(("shared", activity.body["id"].as_i64().unwrap()));
    f
}

/// What each person should see, worked out by hand from the rules (see `baton_store::visibility`).
fn expected(who: &str, kind: &str) -> BTreeSet<&'static str> {
    let all = ["a1", "a2", "b1", "c", "shared"];
    let names: &[&'static str] = match (who, kind) {
        ("admin" | "coordinator", _) | ("finance", "deals") => &all,
        ("finance", _) => &[],
        ("vp", _) => &["a1", "a2", "b1", "shared"],
        ("manager_a", _) => &["a1", "a2", "shared"],
        ("manager_b" | "rep_b1", "deals") => &["b1"],
        ("manager_b" | "rep_b1", _) => &["b1", "shared"],
        ("rep_a1", _) => &["a1", "shared"],
        ("rep_a2", _) => &["a2"],
        _ => unreachable!("{who} {kind}"),
    };
    names.iter().copied().collect()
}

both_backends! {
    async fn no_record_leaks_through_lists_search_filters_or_ids(app) {
        let f = fixture(app).await;
        for (who, person) in app.org.everyone() {
            for (kind, records, search) in [
                ("accounts", &f.accounts, "account"),
                ("contacts", &f.contacts, "contact"),
                ("deals", &f.deals, "deal"),
                ("activities", &f.activities, ""),
            ] {
                let want = expected(who, kind);
                let name_of = |id: i64| records.iter().find(|r| r.1 == id).map(|r| r.0);
                let seen = |r: &crate::helpers::Resp| -> BTreeSet<&str> {
                    r.ids().into_iter().map(|id| name_of(id).unwrap_or_else(|| panic!("{who} saw unknown {kind} {id}"))).collect()
                };

                let list = app.get(person, &format!("/api/v1/{kind}?limit=500")).await.expect(StatusCode::OK);
                assert_eq!(seen(&list), want, "{who} listing {kind}");

                let all_ids: Vec<String> = records.iter().map(|r| r.1.to_string()).collect();
                let filtered = app.get(person, &format!("/api/v1/{kind}?id_in={}", all_ids.join(","))).await.expect(StatusCode::OK);
                assert_eq!(seen(&filtered), want, "{who} filtering {kind} by id");

                if !search.is_empty() {
                    let found = app.get(person, &format!("/api/v1/{kind}?q={search}")).await.expect(StatusCode::OK);
                    assert_eq!(seen(&found), want, "{who} searching {kind}");
                }

                let paged = app.get(person, &format!("/api/v1/{kind}?limit=1&sort=-id")).await.expect(StatusCode::OK);
                assert_eq!(paged.ids().len(), usize::from(!want.is_empty()), "{who} first page of {kind}");

                for (name, id) in records {
                    let status = if want.contains(name) { StatusCode::OK } else { StatusCode::NOT_FOUND };
                    let r = app.get(person, &format!("/api/v1/{kind}/{id}")).await;
                    assert_eq!(r.status, status, "{who} reading {kind} {name}");
                    if kind == "deals" || kind == "accounts" {
                        let r = app.get(person, &format!("/api/v1/{kind}/{id}/history")).await;
                        assert_eq!(r.status, status, "{who} reading the history of {kind} {name}");
                    }
                }
            }
        }
    }

    async fn quotas_are_seen_by_their_holder_their_managers_and_finance(app) {
        let org = &app.org;
        let mut quotas = Vec::new();
        for (name, person) in [("a1", &org.rep_a1), ("b1", &org.rep_b1), ("manager_a", &org.manager_a)] {
            let r = app
                .post(&org.finance, "/api/v1/quotas", json!({"user_id": person.id, "period": "2026-Q4", "amount_minor": 100}))
                .await
                .expect(StatusCode::CREATED);
            quotas.push((name, r.body["id"].as_i64().unwrap()));
        }
        let expect_seen = |who: &str| -> BTreeSet<&str> {
            let names: &[&str] = match who {
                "admin" | "coordinator" | "finance" | "vp" => &["a1", "b1", "manager_a"],
                "manager_a" => &["a1", "manager_a"],
                "manager_b" | "rep_b1" => &["b1"],
                "rep_a1" => &["a1"],
                "rep_a2" => &[],
                _ => unreachable!(),
            };
            names.iter().copied().collect()
        };
        for (who, person) in org.everyone() {
            let list = app.get(person, "/api/v1/quotas").await.expect(StatusCode::OK);
            let seen: BTreeSet<&str> = list.ids().into_iter().map(|id| quotas.iter().find(|q| q.1 == id).unwrap().0).collect();
            assert_eq!(seen, expect_seen(who), "{who} listing quotas");
            for (name, id) in &quotas {
                let status = if expect_seen(who).contains(name) { StatusCode::OK } else { StatusCode::NOT_FOUND };
                assert_eq!(app.get(person, &format!("/api/v1/quotas/{id}")).await.status, status, "{who} reading quota {name}");
            }
        }
    }

    async fn seeing_a_record_is_not_the_same_as_changing_it(app) {
        let f = fixture(app).await;
        let org = &app.org;
        let shared_account = f.accounts[4].1;
        // rep_a1 sees rep_b1's account through their deal there, but may not edit it.
        let r = app.patch(&org.rep_a1, &format!("/api/v1/accounts/{shared_account}"), "\"1\"", json!({"industry": "Retail"})).await;
        r.expect(StatusCode::FORBIDDEN);
        // A record you cannot see cannot be changed either, and says so with a 404.
        let a2_deal = f.deals[1].1;
        app.patch(&org.rep_a1, &format!("/api/v1/deals/{a2_deal}"), "\"1\"", json!({"name": "mine now"}))
            .await
            .expect(StatusCode::NOT_FOUND);
        app.delete(&org.rep_b1, &format!("/api/v1/deals/{a2_deal}")).await.expect(StatusCode::NOT_FOUND);
        // Finance reads every deal and changes none.
        app.patch(&org.finance, &format!("/api/v1/deals/{a2_deal}"), "\"1\"", json!({"name": "x"}))
            .await
            .expect(StatusCode::FORBIDDEN);
        app.post(&org.finance, "/api/v1/deals", json!({"name": "x"})).await.expect(StatusCode::FORBIDDEN);
        // Managers change their team's records, not other teams'.
        app.patch(&org.manager_a, &format!("/api/v1/deals/{a2_deal}"), "\"1\"", json!({"next_step": "coach"}))
            .await
            .expect(StatusCode::OK);
        app.patch(&org.manager_b, &format!("/api/v1/deals/{}", f.deals[0].1), "\"1\"", json!({"next_step": "x"}))
            .await
            .expect(StatusCode::NOT_FOUND);
        // The head of sales reaches down two levels.
        app.patch(&org.vp, &format!("/api/v1/deals/{}", f.deals[2].1), "\"1\"", json!({"next_step": "exec sponsor"}))
            .await
            .expect(StatusCode::OK);
    }

    async fn references_to_records_you_cannot_see_are_refused_like_missing_ones(app) {
        let f = fixture(app).await;
        let org = &app.org;
        let before = app.get(&org.coordinator, "/api/v1/deals?limit=500").await.ids().len();
        let invisible_account = f.accounts[1].1;
        let r = app
            .post(&org.rep_a1, "/api/v1/deals", json!({"name": "Sneaky", "account_id": invisible_account}))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.body["errors"][0]["field"], "account_id");
        assert_eq!(r.body["errors"][0]["message"], format!("there is no account {invisible_account}"));
        let r = app
            .post(&org.rep_a1, "/api/v1/deals", json!({"name": "Sneaky", "account_id": 999_999}))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.body["errors"][0]["message"], "there is no account 999999");
        let r = app
            .post(&org.rep_a1, "/api/v1/deals", json!({"name": "Mine", "owner_id": org.rep_a2.id}))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["owner_id"], "a rep cannot hand deals to others");
        let r = app
            .post(&org.rep_a1, "/api/v1/activities", json!({"kind": "call", "contact_id": f.contacts[2].1}))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_fields(), ["contact_id"]);
        let after = app.get(&org.coordinator, "/api/v1/deals?limit=500").await.ids().len();
        assert_eq!(before, after, "nothing was written");
    }
}

/// The names (`a1`, `shared`…) of the records that `prefix` ("Task ", "Deal ") names in the
/// items of Today's card `card`.
fn named_on_card(html: &str, card: &str, prefix: &str) -> BTreeSet<&'static str> {
    let start = html
        .find(&format!("<section class=\"card\" id=\"{card}\""))
        .unwrap_or(html.len());
    let section = &html[start..];
    let section = &section[..section.find("</section>").unwrap_or(section.len())];
    ["a1", "a2", "b1", "c", "shared"]
        .into_iter()
        .filter(|name| section.contains(&format!(">{prefix}{name}<")))
        .collect()
}

both_backends! {
    async fn todays_cards_show_exactly_what_the_lists_show(app) {
        let f = fixture(app).await;
        // On every deal: a close date today and a changed amount, for the closing and latest
        // changes cards; a call two months ago and none since, for the deals gone quiet.
        let today = chrono::Utc::now().date_naive();
        let long_ago = chrono::Utc::now() - chrono::Duration::days(60);
        for (_, deal) in &f.deals {
            app.patch(&app.org.coordinator, &format!("/api/v1/deals/{deal}"), "\"1\"",
                json!({"amount_minor": 2_000_000, "close_date": today}))
                .await
                .expect(StatusCode::OK);
            app.post(&app.org.coordinator, "/api/v1/activities",
                json!({"kind": "call", "deal_id": deal, "occurred_at": long_ago}))
                .await
                .expect(StatusCode::CREATED);
        }
        for (who, person) in app.org.everyone() {
            let cookie = session_of(app, person, &format!("{who}@example.com")).await;
            let today = browser().get(app.url("/today")).header(COOKIE, &cookie).send().await.unwrap();
            assert_eq!(today.status(), StatusCode::OK, "{who}");
            let html = today.text().await.unwrap();
            assert_eq!(named_on_card(&html, "overdue", "Task "), expected(who, "activities"), "{who}'s overdue tasks");
            assert_eq!(named_on_card(&html, "changes", "Deal "), expected(who, "deals"), "{who}'s latest changes");
            assert_eq!(named_on_card(&html, "closing", "Deal "), expected(who, "deals"), "{who}'s deals closing");
            assert_eq!(named_on_card(&html, "quiet", "Deal "), expected(who, "deals"), "{who}'s deals gone quiet");
        }
    }
}
