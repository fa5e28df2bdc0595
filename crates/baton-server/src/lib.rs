//! Baton's HTTP server: the JSON API under `/api/v1` with its OpenAPI document, health and
//! metrics, and (later) the web pages.
//!
//! [`App::build`] opens the store, binds the listener (port 0 allowed) and assembles the router;
//! [`App::run_until`] serves until a shutdown signal, finishing requests in flight. The binary
//! and the tests start the server the same way.
#![forbid(unsafe_code)]

mod api;
pub mod assets;
pub mod auth;
mod calendar_fetch;
mod error;
pub mod export;
mod extract;
mod idempotency;
pub mod import;
mod metrics;
mod operations;
mod signals_job;
mod web;

pub use error::{ApiError, Problem};

use anyhow::Context;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use baton_store::{OpenOptions, Store};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;

/// How to run the server.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite:///path/baton.db` or `postgres://…`.
    pub database_url: String,
    /// Address to listen on; port 0 picks a free one.
    pub listen: SocketAddr,
    /// Apply pending migrations at start (embedded SQLite only; PostgreSQL uses `baton migrate`).
    pub migrate: bool,
    /// Refuse to start if another process serves the same SQLite file.
    pub exclusive: bool,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Database connections (readers on SQLite).
    pub max_connections: u32,
    /// Let users' external calendar URLs reach addresses off the public internet (loopback,
    /// private networks), for a calendar server inside the organisation's own network.
    pub allow_private_feed_urls: bool,
    /// Recompute the signals this often (from start), and judge a changed deal again within
    /// a second; `None` leaves them to be refreshed by hand (`Store::refresh_signals`).
    pub signals_every: Option<std::time::Duration>,
}

impl Config {
    /// Defaults for `database_url`: listen on loopback port 8080, 1 MiB bodies.
    pub fn new(database_url: impl Into<String>) -> Self {
        Config {
            database_url: database_url.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            migrate: false,
            exclusive: false,
            body_limit: 1024 * 1024,
            max_connections: 8,
            allow_private_feed_urls: false,
            signals_every: None,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    /// The imports this server holds (uploads waiting for a mapping, imports running).
    imports: Arc<import::jobs::Jobs>,
    metrics: metrics::Metrics,
    openapi: Arc<String>,
    /// The reporting views' columns, asked of the database on the SQL page's first visit.
    reporting_views: Arc<tokio::sync::OnceCell<Arc<[web::ViewColumns]>>>,
}

/// A bound, ready-to-serve server.
pub struct App {
    listener: tokio::net::TcpListener,
    router: Router,
    store: Store,
    allow_private_feed_urls: bool,
    signals_every: Option<std::time::Duration>,
}

impl App {
    /// Opens the database and binds the listener.
    pub async fn build(config: Config) -> anyhow::Result<App> {
        let options = OpenOptions {
            migrate: config.migrate,
            max_connections: config.max_connections,
            exclusive: config.exclusive,
        };
        let store = Store::open(&config.database_url, &options)
            .await
            .with_context(|| format!("opening the database at {}", redact(&config.database_url)))?;
        Self::with_store(config, store).await
    }

    /// Binds the listener around an already open store.
    pub async fn with_store(config: Config, store: Store) -> anyhow::Result<App> {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {}", config.listen))?;
        let (api_routes, mut openapi) = OpenApiRouter::with_openapi(api::doc())
            .nest("/api/v1", api::router())
            .split_for_parts();
        let (upload_routes, upload_doc) = OpenApiRouter::new()
            .nest("/api/v1", api::upload_router())
            .split_for_parts();
        openapi.merge(upload_doc);
        let (ops_routes, ops_doc) = operations::router().split_for_parts();
        openapi.merge(ops_doc);
        let allow_private_feed_urls = config.allow_private_feed_urls;
        let signals_every = config.signals_every;
        let state = AppState {
            store: store.clone(),
            config: Arc::new(config),
            imports: Arc::default(),
            metrics: metrics::Metrics::default(),
            reporting_views: Arc::default(),
            openapi: Arc::new(
                openapi
                    .to_pretty_json()
                    .context("rendering the OpenAPI document")?,
            ),
        };
        let router = assemble(api_routes, upload_routes, ops_routes, state);
        Ok(App {
            listener,
            router,
            store,
            allow_private_feed_urls,
            signals_every,
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// The store the server uses.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Serves until `shutdown` completes, then stops accepting, finishes the requests in flight
    /// and closes the database. Meanwhile external calendars read from URLs are fetched again
    /// as they fall due, and the signals are recomputed on their schedule.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let store = self.store.clone();
        let refresh = tokio::spawn(calendar_fetch::refresh_forever(
            store.clone(),
            self.allow_private_feed_urls,
        ));
        let signals = self.signals_every.map(|every| {
            [
                tokio::spawn(signals_job::refresh_forever(store.clone(), every)),
                tokio::spawn(signals_job::judge_changed_deals_forever(store.clone())),
            ]
        });
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP")?;
        refresh.abort();
        for job in signals.into_iter().flatten() {
            job.abort();
        }
        store.close().await;
        Ok(())
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Lower-case hexadecimal of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Hides the password in a database URL for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Puts the routes together with their middleware. The API routes need a signed-in actor
/// (checked first) and honour `Idempotency-Key`; every route is traced with a request id, timed
/// for `/metrics`, and answers a panic with a problem document. Requests are bounded in body
/// size and to 30 seconds, except uploads to import, which stream to disk for as long as they
/// take up to [`IMPORT_UPLOAD_LIMIT`].
fn assemble(
    api: Router<AppState>,
    api_uploads: Router<AppState>,
    operations: Router<AppState>,
    state: AppState,
) -> Router {
    let api_layers = |api: Router<AppState>| {
        api.route_layer(from_fn_with_state(state.clone(), idempotency::idempotent))
            .route_layer(from_fn_with_state(state.clone(), auth::require_actor))
    };
    let timed = Router::new()
        .merge(api_layers(api))
        .merge(operations)
        .merge(web::router(&state))
        .route("/assets/{hash}/{*path}", axum::routing::get(assets::serve))
        .route(
            "/calendar/feeds/{secret}/{file}",
            axum::routing::get(api::calendar_feed),
        )
        .layer(
            tower::ServiceBuilder::new()
                .layer(TimeoutLayer::with_status_code(
                    axum::http::StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(30),
                ))
                .layer(DefaultBodyLimit::max(state.config.body_limit)),
        );
    let uploads = api_layers(api_uploads)
        .merge(web::upload_router(&state))
        .layer(DefaultBodyLimit::max(IMPORT_UPLOAD_LIMIT));
    timed
        .merge(uploads)
        .fallback(operations::not_found)
        .method_not_allowed_fallback(operations::method_not_allowed)
        .layer(from_fn_with_state(state.metrics.clone(), metrics::track))
        .layer(
            tower::ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(operations::request_span))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(CatchPanicLayer::custom(operations::panic_response)),
        )
        .with_state(state)
}

/// The largest upload to import: an export of several million rows, zipped or not.
pub const IMPORT_UPLOAD_LIMIT: usize = 8 << 30;
