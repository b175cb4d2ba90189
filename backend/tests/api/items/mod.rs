//! The items suite: items, their repeats and reminders, on SQLite and PostgreSQL. Time
//! moves by advancing the application's clock, never by sleeping; dates are chosen
//! relative to the clock's today, so the suite means the same whenever it runs.

mod calendar;
mod crud;
mod documents;
mod emails;
mod listing;
mod occurrences;
mod reminders;
mod settings;
mod time_zones;

use std::sync::Mutex;
use std::time::Duration;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use softly::items::SweepReminders;
use softly::platform::jobs::{self, Job};

use crate::helpers::{Backend, Email, PASSWORD, TestApp, bearer};

/// A signed-in user.
pub struct User {
    pub id: String,
    pub email: String,
    /// The access token and when (on the app's clock) it was issued.
    token: Mutex<(String, i64)>,
}

/// A running application seen through its items API.
pub struct ItemsApp {
    pub app: TestApp,
}

impl ItemsApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, &[]).await
    }

    pub async fn spawn_with(backend: Backend, extra: &[(&str, &str)]) -> Self {
        Self {
            app: TestApp::spawn_with(backend, extra).await,
        }
    }

    /// A new signed-in user in `zone`.
    pub async fn user_in(&self, zone: &str) -> User {
        let (email, pair) = self.app.signed_in_user().await;
        let token = bearer(&pair).to_string();
        let me = self
            .app
            .send(
                Method::PATCH,
                "/v1/me",
                &token,
                Some(json!({ "time_zone": zone })),
            )
            .await;
        assert_eq!(me.status(), StatusCode::OK);
        let me: Value = me.json().await.unwrap();
        User {
            id: me["id"].as_str().unwrap().to_string(),
            email,
            token: Mutex::new((token, self.app.now_ms())),
        }
    }

    /// An access token of `user` that is valid now: theirs, or a new one once the clock
    /// has moved past most of its 15 minutes.
    pub async fn token(&self, user: &User) -> String {
        let (token, issued) = user.token.lock().unwrap().clone();
        if self.app.now_ms() - issued < 10 * 60 * 1000 {
            return token;
        }
        let fresh = bearer(&self.app.login_ok(&user.email, PASSWORD).await).to_string();
        *user.token.lock().unwrap() = (fresh.clone(), self.app.now_ms());
        fresh
    }

    pub async fn user(&self) -> User {
        self.user_in("Europe/London").await
    }

    pub async fn send(&self, method: Method, path: &str, user: &User, body: Option<Value>) -> Response {
        self.app.send(method, path, &self.token(user).await, body).await
    }

    /// GET as `user`, expecting JSON.
    pub async fn get_json(&self, path: &str, user: &User) -> Value {
        self.app.get_json(path, &self.token(user).await).await
    }

    /// Creates an item; answers it (201 expected).
    pub async fn create(&self, user: &User, body: Value) -> Value {
        let response = self
            .send(Method::POST, "/v1/items", user, Some(body.clone()))
            .await;
        let status = response.status();
        let answer: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body} -> {answer}");
        answer["item"].clone()
    }

    /// The item `id` as its owner sees it.
    pub async fn item(&self, user: &User, id: &str) -> Value {
        let response = self
            .send(Method::GET, &format!("/v1/items/{id}"), user, None)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json::<Value>().await.unwrap()["item"].clone()
    }

    /// POSTs `body` to `/v1/items/{id}/{action}`; answers the item (200 expected).
    pub async fn act(&self, user: &User, id: &str, action: &str, body: Value) -> Value {
        let response = self
            .send(
                Method::POST,
                &format!("/v1/items/{id}/{action}"),
                user,
                Some(body),
            )
            .await;
        let status = response.status();
        let answer: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{action} -> {answer}");
        answer["item"].clone()
    }

    /// Runs the reminder sweep as the scheduler would, and every job it makes.
    pub async fn sweep(&self) {
        enqueue(&self.app, SweepReminders {}).await;
    }

    /// Moves the clock forward to `at` (ms).
    pub fn advance_to(&self, at: i64) {
        let now = self.app.now_ms();
        assert!(at >= now, "the clock only moves forward");
        self.app.clock.advance(Duration::from_millis((at - now) as u64));
    }

    /// The reminder emails `user` got so far (account emails left out).
    pub fn reminders_to(&self, user: &User) -> Vec<Email> {
        self.app
            .emails_to(&user.email)
            .into_iter()
            .filter(|email| !email.subject.contains("Confirm"))
            .collect()
    }

    /// Today on the application's clock, in `zone`.
    pub fn today_in(&self, zone: &str) -> Date {
        let zone = TimeZone::get(zone).unwrap();
        zone.to_datetime(Timestamp::from_millisecond(self.app.now_ms()).unwrap())
            .date()
    }

    /// `days` days after today in London.
    pub fn in_days(&self, days: i64) -> Date {
        self.today_in("Europe/London").checked_add(days.days()).unwrap()
    }
}

/// Enqueues `job` and waits until the queue is empty.
pub async fn enqueue<J: Job>(app: &TestApp, job: J) {
    let mut conn = app.db.pool().acquire().await.unwrap();
    jobs::enqueue(&mut conn, &job, app.now_ms()).await.unwrap();
    drop(conn);
    app.wired.platform.jobs.wake();
    app.wait_for_jobs().await;
}

/// The instant of `date` at `time` (`HH:MM`) in `zone`, in ms (a gap moves forward).
pub fn local_ms(date: Date, time: &str, zone: &str) -> i64 {
    let time = jiff::civil::Time::strptime("%H:%M", time).unwrap();
    TimeZone::get(zone)
        .unwrap()
        .to_ambiguous_timestamp(date.to_datetime(time))
        .compatible()
        .unwrap()
        .as_millisecond()
}

/// The ms of an RFC 3339 instant the API answered with.
pub fn ms(rfc3339: &Value) -> i64 {
    rfc3339
        .as_str()
        .unwrap_or_else(|| panic!("{rfc3339} is not an instant"))
        .parse::<Timestamp>()
        .unwrap()
        .as_millisecond()
}

/// The problem's code, after checking the status.
pub async fn refused(response: Response, status: StatusCode) -> (String, Option<String>) {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.unwrap();
    (
        body["code"].as_str().unwrap().to_string(),
        body["field"].as_str().map(str::to_string),
    )
}

/// A bill due on `due_on` with one reminder `days` days before.
pub fn bill(title: &str, due_on: Date, days_before: i64) -> Value {
    json!({
        "kind": "bill",
        "title": title,
        "due_on": due_on.to_string(),
        "amount_minor": 42000,
        "currency": "GBP",
        "payee": "Council",
        "reminders": [{ "value": days_before, "unit": "day" }],
    })
}
