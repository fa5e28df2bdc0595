//! The SQL page (`/sql`): in everyone's navigation, a query run from the form shows its table
//! (the whole page without script, the result alone for htmx), a refusal shows the console's
//! message beside the editor, and a query saved from the page keeps its chart and opens with it.

use crate::helpers::{TestApp, both_backends};
use crate::web::{browser, csrf_of, session_of};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use serde_json::json;

/// Posts `form` (with the CSRF token) to the page `path` as the session `cookie`.
async fn post_form(
    app: &TestApp,
    cookie: &str,
    path: &str,
    form: &[(&str, &str)],
    htmx: bool,
) -> (StatusCode, Option<String>, String) {
    let token = csrf_of(app, cookie).await;
    let mut fields = vec![("csrf_token", token.as_str())];
    fields.extend_from_slice(form);
    let mut request = browser()
        .post(app.url(path))
        .header(COOKIE, cookie)
        .form(&fields);
    if htmx {
        request = request.header("hx-request", "true");
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    (status, location, response.text().await.unwrap())
}

async fn get_page(app: &TestApp, cookie: &str, path: &str) -> String {
    let response = browser()
        .get(app.url(path))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.text().await.unwrap()
}

both_backends! {
    async fn every_role_finds_the_page_with_the_views_and_their_columns(app) {
        let org = &app.org;
        for (who, email) in [
            (&org.rep_a1, "rep_a1@example.com"),
            (&org.finance, "finance@example.com"),
            (&org.coordinator, "coordinator@example.com"),
        ] {
            let cookie = session_of(app, who, email).await;
            let today = get_page(app, &cookie, "/today").await;
            assert!(today.contains("<a href=\"/sql\">SQL</a>"), "{email} has SQL in the navigation");
            let page = get_page(app, &cookie, "/sql").await;
            assert!(page.contains("<a href=\"/sql\" aria-current=\"page\">SQL</a>"), "{page}");
            // The columns come from the database: a view and some of its columns, in order.
            assert!(page.contains("<code>rpt_deals</code>"), "{page}");
            assert!(page.contains("owner_id, owner_name, team_id"), "{page}");
            assert!(page.contains("<code>rpt_quotas</code>"), "{page}");
        }
    }

    async fn a_query_run_from_the_page_shows_its_table_or_the_reason_it_was_refused(app) {
        let org = &app.org;
        app.deal(&org.rep_a1, None, "Page deal <b>").await;
        app.deal(&org.rep_b1, None, "Not for a1").await;
        let cookie = session_of(app, &org.rep_a1, "rep_a1@example.com").await;
        let query = "SELECT name, 2 AS n FROM rpt_deals";

        // Without script: the whole page, the query kept in the editor, the rep's one row.
        let (status, _, page) = post_form(app, &cookie, "/sql", &[("query", query)], false).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("<h1>SQL</h1>") && page.contains(">SELECT name, 2 AS n FROM rpt_deals</textarea>"), "{page}");
        assert!(page.contains("<strong>1 row</strong>"), "{page}");
        assert!(page.contains("<td>Page deal &#60;b&#62;</td><td class=\"num\">2</td>"), "escaped text, numbers marked: {page}");
        assert!(!page.contains("Not for a1"));

        // With htmx: the result alone.
        let (status, _, fragment) = post_form(app, &cookie, "/sql", &[("query", query)], true).await;
        assert_eq!(status, StatusCode::OK);
        assert!(fragment.starts_with("<section id=\"sql-result\"") && !fragment.contains("<html"), "{fragment}");

        // A result over the row cap says where it was cut.
        let numbers = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10005) \
            SELECT i FROM n";
        let (status, _, fragment) = post_form(app, &cookie, "/sql", &[("query", numbers)], true).await;
        assert_eq!(status, StatusCode::OK);
        assert!(fragment.contains("<strong>10,000 rows</strong> · <span class=\"notice\">cut at 10,000 rows</span>"));

        // A refusal: 400 with the console's message where the table would be.
        let (status, _, fragment) = post_form(app, &cookie, "/sql", &[("query", "DELETE FROM rpt_deals")], true).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(fragment.contains("role=\"alert\"") && fragment.contains("DELETE changes data"), "{fragment}");
        assert!(!fragment.contains("sql-table"));

        // The form needs the session's CSRF token.
        let forged = browser().post(app.url("/sql")).header(COOKIE, &cookie)
            .form(&[("csrf_token", "forged"), ("query", query)]).send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    }

    async fn a_query_saved_from_the_page_opens_with_its_chart_and_only_its_owner_changes_it(app) {
        let org = &app.org;
        let cookie = session_of(app, &org.coordinator, "coordinator@example.com").await;
        let query = "SELECT stage, count(*) AS deals FROM rpt_deals GROUP BY stage";
        let form = [
            ("query", query), ("name", "Deals per stage"), ("shared", "on"),
            ("chart_kind", "line"), ("chart_x", "stage"), ("chart_y", "deals"), ("chart_series", ""),
        ];
        let (status, location, _) = post_form(app, &cookie, "/sql/saved", &form, false).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let location = location.expect("on to the saved query");
        let id = location.strip_prefix("/sql?saved=").expect("/sql?saved=ID").to_owned();

        // Kept with its chart, as the API shows it.
        let saved = app.get(&org.coordinator, &format!("/api/v1/saved-queries/{id}")).await.expect(StatusCode::OK);
        assert_eq!(saved.body["chart"], json!({"kind": "line", "x": "stage", "y": ["deals"], "series": null}));
        assert_eq!(saved.body["shared"], json!(true));

        // Opening it runs it with the chart chosen again, and offers Update and Delete.
        let page = get_page(app, &cookie, &location).await;
        assert!(page.contains("<option value=\"line\" selected>"), "{page}");
        assert!(page.contains("<option value=\"stage\" selected>stage</option>"), "{page}");
        assert!(page.contains("id=\"sql-table\"") && page.contains(">Update</button>"), "{page}");

        // Saving the same name again is refused beside the save fields.
        let (status, _, page) = post_form(app, &cookie, "/sql/saved", &form, false).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(page.contains("id=\"save-error\""), "{page}");

        // A rep sees it shared, by its owner, and may open but not change it.
        let rep = session_of(app, &org.rep_a1, "rep_a1@example.com").await;
        let list = get_page(app, &rep, "/sql").await;
        assert!(list.contains("Deals per stage</a> <span class=\"detail\">by coordinator</span>"), "{list}");
        let opened = get_page(app, &rep, &location).await;
        assert!(!opened.contains(">Update</button>") && !opened.contains(">Delete</button>"), "{opened}");
        let version = saved.body["version"].to_string();
        let (status, _, _) = post_form(
            app, &rep, &format!("/sql/saved/{id}/delete"), &[("version", version.as_str())], false,
        ).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The owner updates it (the chart removed) and then deletes it.
        let update = [("query", query), ("name", "Per stage"), ("version", version.as_str())];
        let (status, _, _) = post_form(app, &cookie, &format!("/sql/saved/{id}"), &update, false).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let updated = app.get(&org.coordinator, &format!("/api/v1/saved-queries/{id}")).await.expect(StatusCode::OK);
        assert_eq!((updated.body["name"].clone(), updated.body["chart"].clone()), (json!("Per stage"), json!(null)));
        let version = updated.body["version"].to_string();
        let (status, location, _) = post_form(
            app, &cookie, &format!("/sql/saved/{id}/delete"), &[("version", version.as_str())], false,
        ).await;
        assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, Some("/sql")));
        app.get(&org.coordinator, &format!("/api/v1/saved-queries/{id}")).await.expect(StatusCode::NOT_FOUND);
    }
}
