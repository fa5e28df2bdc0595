//! The web pages: server-rendered HTML (askama) made lively with htmx, all assets embedded.
//!
//! Pages need a signed-in browser session (an HttpOnly cookie); every state-changing request
//! must carry the session's CSRF token, as a form field or the `x-csrf-token` header that the
//! layout sets for htmx.

mod board;
mod calendar;
mod chrome;
mod commission;
mod dashboard;
mod duplicates;
mod error;
mod format;
mod forms;
mod imports;
mod lists;
mod login;
mod my_calendars;
mod record;
mod reports;
mod search;
mod session;
mod settings;
mod signals;
mod sql;
mod today;

pub(crate) use sql::ViewColumns;

use crate::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::response::Redirect;
use axum::routing::{get, post};
use baton_model::records::{Account, Activity, Contact, Deal};

/// The largest form upload: a calendar file with room for the other fields.
pub(crate) const UPLOAD_LIMIT: usize = baton_store::MAX_CALENDAR_BYTES + 64 * 1024;

/// Every page route with its middleware.
pub fn router(state: &AppState) -> Router<AppState> {
    let signed_in = Router::new()
        .route("/", get(|| async { Redirect::to("/today") }))
        .route("/today", get(today::page))
        .route("/dashboard", get(dashboard::page))
        .route("/dashboard/pins", post(dashboard::pin))
        .route("/dashboard/pins/{id}/delete", post(dashboard::unpin))
        .route("/reports", get(reports::page))
        .route("/reports/quarterly.xlsx", get(reports::xlsx))
        .route("/reports/quarterly.csv", get(reports::csv))
        .route("/search", get(search::search))
        .route("/signals", get(signals::page))
        .route("/signals/{id}", post(signals::act))
        .route("/duplicates", get(duplicates::page))
        .route("/duplicates/card", get(duplicates::card))
        .route("/duplicates/merge", post(duplicates::merge))
        .route("/duplicates/dismiss", post(duplicates::dismiss))
        .route("/duplicates/merges", get(duplicates::merges))
        .route("/duplicates/merges/{id}/undo", post(duplicates::undo))
        .route("/import", get(imports::page))
        .route("/import/{id}", get(imports::job_page))
        .route("/import/{id}/panel", get(imports::panel))
        .route("/import/{id}/start", post(imports::start))
        .route("/import/{id}/report.csv", get(imports::report))
        .route("/deals", get(lists::list::<Deal>))
        .route("/deals/export", get(lists::export::<Deal>))
        .route("/deals/views", post(lists::save_view::<Deal>))
        .route("/deals/bulk", post(lists::bulk::<Deal>))
        .route("/accounts", get(lists::list::<Account>))
        .route("/accounts/export", get(lists::export::<Account>))
        .route("/accounts/views", post(lists::save_view::<Account>))
        .route("/accounts/bulk", post(lists::bulk::<Account>))
        .route("/contacts", get(lists::list::<Contact>))
        .route("/contacts/export", get(lists::export::<Contact>))
        .route("/contacts/views", post(lists::save_view::<Contact>))
        .route("/contacts/bulk", post(lists::bulk::<Contact>))
        .route("/activities", get(lists::list::<Activity>))
        .route("/activities/export", get(lists::export::<Activity>))
        .route("/activities/views", post(lists::save_view::<Activity>))
        .route("/accounts/suggest", get(record::suggest_accounts))
        .route("/calendar", get(calendar::page))
        .route("/calendar/find", post(calendar::find))
        .route("/calendar/book", post(calendar::book))
        .route("/calendar/moves", post(calendar::propose))
        .route("/calendar/moves/{id}/{answer}", post(calendar::answer))
        .route("/commission", get(commission::page))
        .route("/commission/what-if", post(commission::what_if))
        .route("/commission/ledger.csv", get(commission::ledger_csv))
        .route(
            "/commission/plans",
            get(commission::plans).post(commission::save_plan),
        )
        .route("/commission/assignments", post(commission::assign))
        .route("/commission/disputes", post(commission::open_dispute))
        .route(
            "/commission/disputes/{id}",
            post(commission::reply_to_dispute),
        )
        .route("/commission/{action}", post(commission::act))
        .route("/calendar/mine", get(my_calendars::page))
        .route(
            "/calendar/mine/sources",
            post(my_calendars::add).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/calendar/mine/sources/{id}/{what}",
            post(my_calendars::change),
        )
        .route("/calendar/mine/feeds", post(my_calendars::create_feed))
        .route("/sql", get(sql::page).post(sql::run))
        .route("/sql/export.csv", post(sql::export))
        .route("/sql/saved", post(sql::save))
        .route("/sql/saved/{id}", post(sql::update))
        .route("/sql/saved/{id}/delete", post(sql::delete))
        .route("/pipeline", get(board::page))
        .route("/pipeline/column", get(board::more))
        .route("/deals/{id}/stage", post(board::move_deal))
        .route("/logout", post(login::logout))
        .merge(settings::router());
    let signed_in = [
        record::routes::<record::DealView>,
        record::routes::<record::AccountView>,
        record::routes::<record::ContactView>,
    ]
    .into_iter()
    .fold(signed_in, |router, routes| routes(router))
    .route_layer(from_fn_with_state(state.clone(), session::require_csrf))
    .route_layer(from_fn_with_state(state.clone(), session::require_session));
    Router::new()
        .route("/login", get(login::form).post(login::submit))
        .merge(signed_in)
}

/// The page routes that take uploads to import, which stream for as long as they take (see
/// `assemble`), with the same sign-in and CSRF checks. The form sends its CSRF token as the
/// `x-csrf-token` header (`app.js`) or as its first field.
pub fn upload_router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/import", post(imports::upload))
        .route_layer(from_fn_with_state(state.clone(), session::require_csrf))
        .route_layer(from_fn_with_state(state.clone(), session::require_session))
}
