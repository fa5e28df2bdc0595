//! `TestApp`: a real Baton server on a fresh database, with an organisation of every role.

use baton_model::pipeline::StageOutcome;
use baton_model::records::{PipelineChanges, StageSpec, TeamChanges, UserChanges};
use baton_model::{Role, UserId};
use baton_server::{App, Config};
use baton_store::Store;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::net::SocketAddr;

/// Declares each test once and runs it on SQLite and on PostgreSQL.
///
/// ```ignore
/// both_backends! {
///     async fn a_rep_sees_their_deal(app) { … }
/// }
/// ```
/// The PostgreSQL variant runs when `BATON_TEST_POSTGRES_URL` is set (CI sets it) and reports
/// itself skipped otherwise.
macro_rules! both_backends {
    ($(async fn $name:ident($app:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: &$crate::helpers::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::helpers::TestApp::sqlite().await;
                run(&app).await;
                app.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(app) = $crate::helpers::TestApp::postgres().await else { return };
                run(&app).await;
                app.finish().await;
            }
        }
    )*};
}
pub(crate) use both_backends;

/// A signed-in person of the test organisation.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: UserId,
    pub token: String,
}

/// The test organisation: one of each role, and two teams under a head of sales.
///
/// ```text
/// vp (manager) ── manages "Leadership": manager_a, manager_b
/// manager_a ───── manages "Team A": rep_a1, rep_a2
/// manager_b ───── manages "Team B": rep_b1
/// ```
pub struct Org {
    pub admin: Person,
    pub coordinator: Person,
    pub finance: Person,
    pub vp: Person,
    pub manager_a: Person,
    pub manager_b: Person,
    pub rep_a1: Person,
    pub rep_a2: Person,
    pub rep_b1: Person,
    /// The default pipeline's id and its stage ids in order: Lead, Qualified, Proposal,
    /// Negotiation, Won, Lost.
    pub pipeline: i64,
    pub stages: Vec<i64>,
}

impl Org {
    /// Everyone, with a label for assertion messages.
    pub fn everyone(&self) -> Vec<(&'static str, &Person)> {
        vec![
            ("admin", &self.admin),
            ("coordinator", &self.coordinator),
            ("finance", &self.finance),
            ("vp", &self.vp),
            ("manager_a", &self.manager_a),
            ("manager_b", &self.manager_b),
            ("rep_a1", &self.rep_a1),
            ("rep_a2", &self.rep_a2),
            ("rep_b1", &self.rep_b1),
        ]
    }
}

enum Cleanup {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, schema: String },
}

/// A running server and a client for it.
pub struct TestApp {
    pub addr: SocketAddr,
    pub org: Org,
    /// The server's store, for asking it what the pages ask.
    pub store: Store,
    client: reqwest::Client,
    shutdown: std::sync::Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
    server: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
    cleanup: Cleanup,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Resp {
    /// The ETag header, which must be present.
    pub fn etag(&self) -> String {
        self.headers
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map_or_else(|| panic!("no ETag in {self:?}"), str::to_owned)
    }

    /// The `field` of each entry of a problem document's `errors` list.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .filter_map(|e| e["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The ids of a list response's items.
    pub fn ids(&self) -> Vec<i64> {
        self.body["items"]
            .as_array()
            .unwrap_or_else(|| panic!("not a list: {self:?}"))
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    }

    /// Fails with the whole response unless the status is `expected`.
    #[track_caller]
    pub fn expect(self, expected: StatusCode) -> Resp {
        assert_eq!(self.status, expected, "unexpected response: {self:#?}");
        self
    }
}

impl TestApp {
    /// A server on a fresh SQLite file.
    pub async fn sqlite() -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("baton.db").display());
        Self::start(url, Cleanup::Sqlite(dir)).await
    }

    /// A server on a fresh schema of the PostgreSQL named by `BATON_TEST_POSTGRES_URL`, or
    /// `None` when it is not set.
    pub async fn postgres() -> Option<TestApp> {
        let Ok(admin_url) = std::env::var("BATON_TEST_POSTGRES_URL") else {
            eprintln!("BATON_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
            return None;
        };
        let schema = format!("baton_test_{}", uuid::Uuid::new_v4().simple());
        let admin = sqlx::PgPool::connect(&admin_url)
            .await
            .expect("connect to BATON_TEST_POSTGRES_URL");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .expect("create schema");
        admin.close().await;
        let separator = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{separator}options=-c%20search_path%3D{schema}");
        Some(Self::start(url, Cleanup::Postgres { admin_url, schema }).await)
    }

    async fn start(url: String, cleanup: Cleanup) -> TestApp {
        let config = Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            migrate: true,
            max_connections: 4,
            // The tests serve external calendars from loopback.
            allow_private_feed_urls: true,
            ..Config::new(url)
        };
        let app = App::build(config).await.expect("build the app");
        let addr = app.local_addr();
        let store = app.store().clone();
        let org = seed_org(&store).await;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            app.run_until(async {
                let _ = rx.await;
            })
            .await
            .expect("server ran");
        });
        TestApp {
            addr,
            org,
            store,
            client: reqwest::Client::new(),
            shutdown: std::sync::Mutex::new(Some(tx)),
            server: std::sync::Mutex::new(Some(server)),
            cleanup,
        }
    }

    /// Stops the server and removes the database.
    pub async fn finish(self) {
        if let Some(tx) = self.shutdown.lock().unwrap().take() {
            let _ = tx.send(());
        }
        let server = self.server.lock().unwrap().take();
        if let Some(server) = server {
            let _ = server.await;
        }
        if let Cleanup::Postgres { admin_url, schema } = &self.cleanup
            && let Ok(admin) = sqlx::PgPool::connect(admin_url).await
        {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .execute(&admin)
                .await;
            admin.close().await;
        }
    }

    /// Runs SQL straight on the database, bypassing Baton (to check what the database itself
    /// allows). Returns the database's error message on failure.
    pub async fn raw_execute(&self, sql: &str) -> Result<u64, String> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match &self.cleanup {
            Cleanup::Sqlite(dir) => {
                let url = format!("sqlite://{}", dir.path().join("baton.db").display());
                let pool = sqlx::SqlitePool::connect(&url)
                    .await
                    .map_err(|e| e.to_string())?;
                let result = sqlx::query(sql)
                    .execute(&pool)
                    .await
                    .map(|r| r.rows_affected())
                    .map_err(|e| e.to_string());
                pool.close().await;
                result
            }
            Cleanup::Postgres { admin_url, schema } => {
                let separator = if admin_url.contains('?') { '&' } else { '?' };
                let url = format!("{admin_url}{separator}options=-c%20search_path%3D{schema}");
                let pool = sqlx::PgPool::connect(&url)
                    .await
                    .map_err(|e| e.to_string())?;
                let result = sqlx::query(sql)
                    .execute(&pool)
                    .await
                    .map(|r| r.rows_affected())
                    .map_err(|e| e.to_string());
                pool.close().await;
                result
            }
        }
    }

    /// The server's base URL.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends a request as `who` (no Authorization header when `None`).
    pub async fn send(
        &self,
        who: Option<&Person>,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut request = self.client.request(method, self.url(path));
        if let Some(who) = who {
            request = request.bearer_auth(&who.token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body read");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, who: &Person, path: &str) -> Resp {
        self.send(Some(who), Method::GET, path, None, &[]).await
    }

    pub async fn post(&self, who: &Person, path: &str, body: Value) -> Resp {
        self.send(Some(who), Method::POST, path, Some(&body), &[])
            .await
    }

    /// PATCH with `If-Match: <etag>`.
    pub async fn patch(&self, who: &Person, path: &str, etag: &str, body: Value) -> Resp {
        self.send(
            Some(who),
            Method::PATCH,
            path,
            Some(&body),
            &[("if-match", etag)],
        )
        .await
    }

    pub async fn put(&self, who: &Person, path: &str, body: Value) -> Resp {
        self.send(Some(who), Method::PUT, path, Some(&body), &[])
            .await
    }

    pub async fn delete(&self, who: &Person, path: &str) -> Resp {
        self.send(Some(who), Method::DELETE, path, None, &[]).await
    }

    /// Creates an account owned by `owner` (as the coordinator) and returns its id.
    pub async fn account(&self, owner: &Person, name: &str) -> i64 {
        let r = self
            .post(
                &self.org.coordinator,
                "/api/v1/accounts",
                serde_json::json!({"name": name, "owner_id": owner.id}),
            )
            .await
            .expect(StatusCode::CREATED);
        r.body["id"].as_i64().unwrap()
    }

    /// Creates a contact at `account` owned by `owner` and returns its id.
    pub async fn contact(&self, owner: &Person, account: Option<i64>, last_name: &str) -> i64 {
        let body = serde_json::json!({"last_name": last_name, "account_id": account, "owner_id": owner.id,
            "email": format!("{}@example.com", last_name.to_lowercase())});
        let r = self
            .post(&self.org.coordinator, "/api/v1/contacts", body)
            .await
            .expect(StatusCode::CREATED);
        r.body["id"].as_i64().unwrap()
    }

    /// Creates a deal owned by `owner` at `account` and returns its id.
    pub async fn deal(&self, owner: &Person, account: Option<i64>, name: &str) -> i64 {
        let body = serde_json::json!({"name": name, "account_id": account, "owner_id": owner.id, "amount_minor": 1_000_000});
        let r = self
            .post(&self.org.coordinator, "/api/v1/deals", body)
            .await
            .expect(StatusCode::CREATED);
        r.body["id"].as_i64().unwrap()
    }
}

async fn person(store: &Store, name: &str, role: Role) -> Person {
    let changes = UserChanges {
        email: Some(format!("{name}@example.com").parse().unwrap()),
        name: Some(name.to_owned()),
        role: Some(role),
        time_zone: None,
        active: Some(true),
        password: None,
    };
    let user = store
        .create_user(None, changes, None)
        .await
        .expect("create user");
    let token = baton_server::auth::new_token_secret();
    store
        .create_token(
            None,
            user.id,
            "test",
            &baton_server::auth::hash_token(&token),
            None,
        )
        .await
        .expect("create token");
    Person { id: user.id, token }
}

async fn seed_org(store: &Store) -> Org {
    store
        .init_org(
            "Test Org",
            &baton_model::records::OrgSettingsChanges::default(),
        )
        .await
        .expect("init org");
    let admin = person(store, "admin", Role::Admin).await;
    let coordinator = person(store, "coordinator", Role::Coordinator).await;
    let finance = person(store, "finance", Role::Finance).await;
    let vp = person(store, "vp", Role::Manager).await;
    let manager_a = person(store, "manager_a", Role::Manager).await;
    let manager_b = person(store, "manager_b", Role::Manager).await;
    let rep_a1 = person(store, "rep_a1", Role::Rep).await;
    let rep_a2 = person(store, "rep_a2", Role::Rep).await;
    let rep_b1 = person(store, "rep_b1", Role::Rep).await;
    let team = |name: &str, manager: &Person, members: &[&Person]| TeamChanges {
        name: Some(name.to_owned()),
        manager_id: Some(Some(manager.id)),
        member_ids: Some(members.iter().map(|p| p.id).collect()),
    };
    store
        .create_team(None, team("Leadership", &vp, &[&manager_a, &manager_b]))
        .await
        .unwrap();
    store
        .create_team(None, team("Team A", &manager_a, &[&rep_a1, &rep_a2]))
        .await
        .unwrap();
    store
        .create_team(None, team("Team B", &manager_b, &[&rep_b1]))
        .await
        .unwrap();
    let stage = |name: &str, probability, outcome| StageSpec {
        id: None,
        name: name.to_owned(),
        probability,
        forecast_category: baton_model::records::default_forecast_category(outcome, probability),
        outcome,
    };
    let pipeline = store
        .create_pipeline(
            None,
            PipelineChanges {
                name: Some("Sales".into()),
                is_default: Some(true),
                stages: Some(vec![
                    stage("Lead", 10, StageOutcome::Open),
                    stage("Qualified", 30, StageOutcome::Open),
                    stage("Proposal", 50, StageOutcome::Open),
                    stage("Negotiation", 80, StageOutcome::Open),
                    stage("Won", 100, StageOutcome::Won),
                    stage("Lost", 0, StageOutcome::Lost),
                ]),
            },
        )
        .await
        .unwrap();
    Org {
        admin,
        coordinator,
        finance,
        vp,
        manager_a,
        manager_b,
        rep_a1,
        rep_a2,
        rep_b1,
        pipeline: pipeline.id.0,
        stages: pipeline.stages.iter().map(|s| s.id.0).collect(),
    }
}
