//! The test harness: the real application on port 0 with a fresh database per test,
//! on SQLite always and on PostgreSQL when `SOFTLY_TEST_DATABASE_URL` names a server.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use softly::config::Config;
use softly::platform::clock::{Clock, ClockHandle};
use softly::platform::db::Db;
use softly::startup::{Application, Wired};

pub const PASSWORD: &str = "correct horse battery staple";
pub const APP_URL: &str = "http://app.softly.test";

/// Which database a test runs on.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    /// A server URL whose user may create databases.
    Postgres(String),
}

impl Backend {
    /// PostgreSQL at `SOFTLY_TEST_DATABASE_URL` (its variants are ignored when the tests
    /// were built without it).
    pub fn postgres() -> Self {
        Self::Postgres(test_service("SOFTLY_TEST_DATABASE_URL"))
    }
}

/// The address of a test server from `var`. A test that needs one is ignored unless
/// `var` was set when the tests were built (`build.rs`), so here it must be set too.
pub fn test_service(var: &str) -> String {
    std::env::var(var)
        .ok()
        .filter(|value| !value.is_empty())
        .unwrap_or_else(|| panic!("{var} was set when these tests were built: set it when running them too"))
}

/// Runs each named `async fn(Backend)` once on SQLite and once on PostgreSQL; the
/// PostgreSQL variant is ignored (and says why) unless `SOFTLY_TEST_DATABASE_URL` was
/// set when the tests were built. `needs <cfg> "<reason>":` first: both variants also
/// need that service, and are grouped in a module named after it.
#[macro_export]
macro_rules! on_both_backends {
    (needs $cfg:ident $why:literal: $($name:ident),* $(,)?) => {
        mod $cfg {
            mod sqlite {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    #[cfg_attr(not($cfg), ignore = $why)]
                    async fn $name() {
                        super::super::$name($crate::helpers::Backend::Sqlite).await;
                    }
                )*
            }
            mod postgres {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    #[cfg_attr(
                        not(all(softly_test_postgres, $cfg)),
                        ignore = "needs SOFTLY_TEST_DATABASE_URL, and as the SQLite variant says"
                    )]
                    async fn $name() {
                        super::super::$name($crate::helpers::Backend::postgres()).await;
                    }
                )*
            }
        }
    };
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(
                    not(softly_test_postgres),
                    ignore = "set SOFTLY_TEST_DATABASE_URL (a PostgreSQL server) to run"
                )]
                async fn $name() {
                    super::$name($crate::helpers::Backend::postgres()).await;
                }
            )*
        }
    };
}

/// Under CI every variant runs: none may be ignored for want of a service.
#[test]
fn under_ci_every_service_variant_is_built_to_run() {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        let missing: Vec<&str> = [
            (cfg!(softly_test_postgres), "SOFTLY_TEST_DATABASE_URL"),
            (cfg!(softly_test_redis), "SOFTLY_TEST_REDIS_URL"),
            (cfg!(softly_test_s3), "SOFTLY_TEST_S3_ENDPOINT"),
            (cfg!(softly_test_ses), "SOFTLY_TEST_SES_ENDPOINT"),
            (cfg!(softly_test_smtp), "SOFTLY_TEST_SMTP_URL"),
            (cfg!(softly_test_python), "SOFTLY_TEST_PYTHON"),
            (cfg!(softly_test_redis_server), "redis-server on PATH"),
            (cfg!(softly_test_audio), "espeak-ng and ffmpeg on PATH"),
        ]
        .into_iter()
        .filter_map(|(built, var)| (!built).then_some(var))
        .collect();
        assert!(missing.is_empty(), "CI must provide {missing:?}");
    }
}

/// A running application and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    /// The application's platform and capabilities, for tests that drive its parts
    /// directly.
    pub wired: Wired,
    /// Moves the application's clock forward.
    pub clock: ClockHandle,
    pub data_dir: PathBuf,
    /// The PostgreSQL database's URL; None on SQLite (the file is in `data_dir`).
    pub database_url: Option<String>,
    /// Where this app serves `/metrics` (None with `METRICS_PORT=off`).
    pub metrics_url: Option<String>,
    _database: Option<DroppedDatabase>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, &[]).await
    }

    /// Spawns with extra environment variables.
    pub async fn spawn_with(backend: Backend, extra: &[(&str, &str)]) -> Self {
        let data_dir = std::env::temp_dir().join(format!("softly-test-{}", uuid::Uuid::now_v7().simple()));
        let mut env: HashMap<String, String> = [
            ("SOFTLY_DATA_DIR", data_dir.display().to_string()),
            ("PORT", "0".into()),
            ("METRICS_PORT", "0".into()),
            (
                "SECRET_KEY_BASE",
                "test-secret-key-base-of-sufficient-length-0123456789".into(),
            ),
            ("APP_URL", APP_URL.into()),
            ("JOB_POLL_INTERVAL_MS", "50".into()),
            // Two shared cores running many suites at once: no 503 for a slow pool.
            ("DATABASE_ACQUIRE_TIMEOUT_MS", "5000".into()),
            // Tests that need periodic tasks start a scheduler themselves.
            ("SCHEDULER_TICK_MS", "0".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres(server) => {
                let database = DroppedDatabase::create(&server).await;
                env.insert("DATABASE_URL".into(), database.url.clone());
                Some(database)
            }
        };
        for (k, v) in extra {
            env.insert(k.to_string(), v.to_string());
        }
        let config =
            Config::from_lookup(&|name| env.get(name).cloned()).expect("test configuration is valid");
        let (clock, clock_handle) = Clock::adjustable();
        let application = Application::build_on(config, clock)
            .await
            .expect("the application builds");
        let address = format!("http://{}", application.local_addr());
        let metrics_url = application
            .metrics_addr()
            .map(|address| format!("http://{address}/metrics"));
        let wired = application.wired().clone();
        let db = wired.platform.db.clone();
        tokio::spawn(application.run_until_stopped(std::future::pending()));
        Self {
            address,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            db,
            wired,
            clock: clock_handle,
            data_dir,
            database_url: database.as_ref().map(|d| d.url.clone()),
            metrics_url,
            _database: database,
        }
    }

    /// Another application on this one's database (and, on SQLite, its data folder), as
    /// a second replica; `extra` as for [`TestApp::spawn_with`].
    pub async fn replica(&self, extra: &[(&str, &str)]) -> Self {
        let dir = self.data_dir.display().to_string();
        let mut env: Vec<(&str, &str)> = match &self.database_url {
            Some(url) => vec![("DATABASE_URL", url.as_str())],
            None => vec![("SOFTLY_DATA_DIR", dir.as_str())],
        };
        env.extend_from_slice(extra);
        Self::spawn_with(Backend::Sqlite, &env).await
    }

    /// Now, on the application's clock.
    pub fn now_ms(&self) -> i64 {
        self.wired.platform.clock.now_ms()
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.address))
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.request(Method::GET, path);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    /// GET as a signed-in user, expecting a JSON answer.
    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        self.get(path, Some(token)).await.json().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.request(Method::POST, path).json(&body).send().await.unwrap()
    }

    pub async fn send(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> Response {
        let mut request = self.request(method, path).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    pub async fn signup(&self, email: &str, password: &str, name: &str) -> Response {
        self.post(
            "/v1/auth/signup",
            json!({"email": email, "password": password, "name": name}),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post("/v1/auth/login", json!({"email": email, "password": password}))
            .await
    }

    /// `DELETE /v1/me` with the test password, as the signed-in user `token`.
    pub async fn delete_account(&self, token: &str) -> Response {
        let body = json!({"password": PASSWORD});
        self.send(Method::DELETE, "/v1/me", token, Some(body)).await
    }

    /// Signs up a new user, follows their verification link and signs them in; returns their
    /// email and token pair (storing documents needs a confirmed address).
    pub async fn verified_user(&self) -> (String, Value) {
        let email = format!("user-{}@example.com", uuid::Uuid::now_v7().simple());
        assert_eq!(
            self.signup(&email, PASSWORD, "Test User").await.status(),
            StatusCode::CREATED
        );
        // An application built without workers gets one while its email is sent.
        let sender = (self.wired.platform.config.job_workers == 0).then(|| self.wired.start_workers(1));
        let token = self
            .wait_for_email(&email, "Confirm", 1)
            .await
            .token("/verify-email");
        if let Some(sender) = sender {
            sender.shutdown(Duration::from_secs(5)).await;
        }
        let verified = self
            .post("/v1/auth/verify-email", json!({ "token": token }))
            .await;
        let status = verified.status();
        assert_eq!(
            status,
            StatusCode::OK,
            "{}",
            verified.text().await.unwrap_or_default()
        );
        (email.clone(), self.login_ok(&email, PASSWORD).await)
    }

    /// Signs up and signs in a new user; returns their email and token pair.
    pub async fn signed_in_user(&self) -> (String, Value) {
        let email = format!("user-{}@example.com", uuid::Uuid::now_v7().simple());
        assert_eq!(
            self.signup(&email, PASSWORD, "Test User").await.status(),
            StatusCode::CREATED
        );
        (email.clone(), self.login_ok(&email, PASSWORD).await)
    }

    /// Signs up `email` and returns the token of its verification link.
    pub async fn signup_and_verification_token(&self, email: &str) -> String {
        assert_eq!(
            self.signup(email, PASSWORD, "Ada").await.status(),
            StatusCode::CREATED
        );
        self.wait_for_email(email, "Confirm", 1)
            .await
            .token("/verify-email")
    }

    /// Asks for a reset link for `email` and spends it on `new_password`, as its owner.
    pub async fn reset_password(&self, email: &str, new_password: &str) {
        let forgot = self
            .post("/v1/auth/password/forgot", json!({"email": email}))
            .await;
        assert_eq!(forgot.status(), StatusCode::ACCEPTED);
        let token = self
            .wait_for_email(email, "Reset your Softly password", 1)
            .await
            .token("/reset-password");
        let reset = self
            .post(
                "/v1/auth/password/reset",
                json!({"token": token, "password": new_password}),
            )
            .await;
        assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    }

    pub async fn login_ok(&self, email: &str, password: &str) -> Value {
        let response = self.login(email, password).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// The emails written for `to` so far.
    pub fn emails_to(&self, to: &str) -> Vec<Email> {
        emails_in(&self.data_dir.join("mail"), to)
    }

    /// Waits (at most five seconds) until `count` emails whose subject contains
    /// `subject` were written for `to`; returns the newest.
    pub async fn wait_for_email(&self, to: &str, subject: &str, count: usize) -> Email {
        for _ in 0..100 {
            let matching: Vec<Email> = self
                .emails_to(to)
                .into_iter()
                .filter(|e| e.subject.contains(subject))
                .collect();
            if matching.len() >= count {
                return matching.into_iter().last().unwrap();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no email {subject:?} #{count} for {to} within five seconds");
    }

    /// Waits (at most five seconds) until the job queue is empty.
    pub async fn wait_for_jobs(&self) {
        for _ in 0..100 {
            if self
                .count("SELECT COUNT(*) FROM jobs WHERE status <> 'dead'")
                .await
                == 0
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("jobs still queued after five seconds");
    }

    /// Waits (at most ten seconds) until the account email job has failed an attempt;
    /// its status and attempts then.
    pub async fn failed_email_job(&self) -> (String, i64) {
        for _ in 0..200 {
            if self
                .count("SELECT COUNT(*) FROM jobs WHERE attempts >= 1 AND last_error IS NOT NULL")
                .await
                == 1
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        sqlx::query_as("SELECT status, attempts FROM jobs WHERE kind = 'account_email'")
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    pub async fn count(&self, sql: &'static str) -> i64 {
        use sqlx::Row;
        sqlx::query(sql)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
            .get::<i64, _>(0)
    }
}

/// A parsed `.eml` file: headers and the decoded text part.
#[derive(Debug, Clone)]
pub struct Email {
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Email {
    pub fn parse(raw: &str) -> Self {
        let header = |name: &str| {
            raw.lines()
                .find_map(|line| line.strip_prefix(&format!("{name}: ")))
                .unwrap_or_default()
                .trim()
                .to_string()
        };
        let part = |content_type: &str| {
            raw.split(content_type)
                .nth(1)
                .and_then(|rest| rest.split_once("\r\n\r\n").or_else(|| rest.split_once("\n\n")))
                .map(|(_headers, body)| body)
                .map(|body| body.split("\r\n--").next().unwrap_or(body))
                .map(decode_quoted_printable)
                .unwrap_or_default()
        };
        Self {
            message_id: header("Message-ID"),
            to: header("To"),
            subject: header("Subject"),
            text: part("Content-Type: text/plain"),
            html: part("Content-Type: text/html"),
        }
    }

    /// The token of the first link to `{APP_URL}{path}?token=…`.
    pub fn token(&self, path: &str) -> String {
        let prefix = format!("{APP_URL}{path}?token=");
        let start = self
            .text
            .find(&prefix)
            .unwrap_or_else(|| panic!("no {prefix} link in {}", self.text));
        self.text[start + prefix.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }
}

fn decode_quoted_printable(body: &str) -> String {
    let joined = body.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes.get(i + 1..i + 3).filter(|_| bytes[i] == b'=');
        if let Some(byte) =
            escaped.and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An empty database of `backend`, not migrated, with what drops it after the test.
pub async fn empty_database(backend: Backend) -> (Db, Option<DroppedDatabase>) {
    let (url, dropped) = match backend {
        Backend::Sqlite => {
            let file =
                std::env::temp_dir().join(format!("softly-empty-{}.db", uuid::Uuid::now_v7().simple()));
            (format!("sqlite://{}?mode=rwc", file.display()), None)
        }
        Backend::Postgres(server) => {
            let database = DroppedDatabase::create(&server).await;
            (database.url.clone(), Some(database))
        }
    };
    let lookup = |name: &str| (name == "DATABASE_URL").then(|| url.clone());
    let config = Config::from_lookup(&lookup).expect("a database URL is configuration enough");
    let db = Db::connect(&config.database_url, 2, Duration::from_secs(5))
        .await
        .unwrap();
    (db, dropped)
}

/// A PostgreSQL database made for one test and dropped after it.
pub struct DroppedDatabase {
    /// Its URL (`DATABASE_URL`).
    pub url: String,
    server: String,
    name: String,
}

impl DroppedDatabase {
    /// An empty database on `server` (for a process the test starts itself).
    pub async fn create(server: &str) -> Self {
        sqlx::any::install_default_drivers();
        let name = format!("softly_test_{}", uuid::Uuid::now_v7().simple());
        let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(server)
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .unwrap();
        let (base, query) = server.split_once('?').map_or((server, ""), |(b, q)| (b, q));
        let scheme_end = base.find("://").map_or(0, |i| i + 3);
        let base = match base[scheme_end..].find('/') {
            Some(slash) => &base[..scheme_end + slash],
            None => base,
        };
        let url = if query.is_empty() {
            format!("{base}/{name}")
        } else {
            format!("{base}/{name}?{query}")
        };
        Self {
            server: server.to_string(),
            name,
            url,
        }
    }
}

impl Drop for DroppedDatabase {
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                if let Ok(mut admin) = <sqlx::AnyConnection as sqlx::Connection>::connect(&server).await {
                    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(drop)).execute(&mut admin).await;
                }
            });
        })
        .join();
    }
}

/// The problem document's `code`, after checking the status and media type.
pub async fn problem_code(response: Response, status: StatusCode) -> String {
    assert_eq!(response.status(), status);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status.as_u16());
    body["code"].as_str().unwrap().to_string()
}

pub fn bearer(pair: &Value) -> &str {
    pair["access_token"].as_str().unwrap()
}

pub fn refresh_token(pair: &Value) -> &str {
    pair["refresh_token"].as_str().unwrap()
}

/// The emails a file mailer wrote into `folder` for `to`, oldest first.
pub fn emails_in(folder: &std::path::Path, to: &str) -> Vec<Email> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut emails: Vec<Email> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|raw| Email::parse(&raw))
        .filter(|email| email.to.contains(&format!("<{to}>")) || email.to == to)
        .collect();
    emails.sort_by(|a, b| a.message_id.cmp(&b.message_id));
    emails
}
