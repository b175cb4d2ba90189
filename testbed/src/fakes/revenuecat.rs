//! A fake of RevenueCat's REST API v1 as far as Softly reads it: `GET
//! /v1/subscribers/{app_user_id}` with `Authorization: Bearer <secret key>`. Answers
//! `{request_date, request_date_ms, subscriber: {entitlements: {<id>: {expires_date,
//! grace_period_expires_date, product_identifier, purchase_date}}, first_seen,
//! original_app_user_id, subscriptions, non_subscriptions, other_purchases, …}}` (an
//! unknown user is created empty, as RevenueCat does); errors as `{code, message}`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::{Script, Scripted, respond, serve};

pub struct FakeRevenueCat {
    pub address: SocketAddr,
    state: Arc<Shared>,
}

struct Shared {
    key: String,
    script: Script,
    /// app_user_id → entitlement id → expires_date (RFC 3339; None: a lifetime one).
    subscribers: Mutex<BTreeMap<String, BTreeMap<String, Option<String>>>>,
}

impl FakeRevenueCat {
    /// Starts the fake, accepting the secret key `key`.
    pub async fn start(key: &str) -> anyhow::Result<Self> {
        let state = Arc::new(Shared {
            key: key.to_string(),
            script: Script::default(),
            subscribers: Mutex::default(),
        });
        let router = axum::Router::new()
            .route("/v1/subscribers/{app_user_id}", get(subscriber))
            .with_state(state.clone());
        Ok(Self {
            address: serve(router).await?,
            state,
        })
    }

    /// The base URL to configure (`REVENUECAT_URL`).
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// What RevenueCat knows `app_user_id` holds: entitlement id → expires_date.
    pub fn holds(&self, app_user_id: &str, entitlements: &[(&str, Option<&str>)]) {
        let held = entitlements
            .iter()
            .map(|(id, expires)| (id.to_string(), expires.map(str::to_string)))
            .collect();
        self.state
            .subscribers
            .lock()
            .unwrap()
            .insert(app_user_id.to_string(), held);
    }
}

impl Scripted for FakeRevenueCat {
    fn scripted(&self) -> &Script {
        &self.state.script
    }
}

fn refusal(status: StatusCode, code: u32, message: &str) -> Response {
    (status, axum::Json(json!({"code": code, "message": message}))).into_response()
}

async fn subscriber(
    State(state): State<Arc<Shared>>,
    Path(app_user_id): Path<String>,
    request: axum::extract::Request,
) -> Response {
    let (parts, _) = request.into_parts();
    state.script.record(&parts, &[]);
    let authorised = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|k| k == state.key);
    if !authorised {
        return refusal(StatusCode::UNAUTHORIZED, 7225, "Invalid API Key.");
    }
    let by_status = |status: StatusCode| match status.as_u16() {
        429 => refusal(status, 7117, "Rate limit exceeded."),
        404 => refusal(status, 7259, "Subscriber not found."),
        _ => refusal(status, 7110, "Internal server error."),
    };
    respond(
        state.script.next(),
        || answer(&state, &app_user_id),
        "{\"request_date\": ",
        by_status,
    )
    .await
}

fn answer(state: &Shared, app_user_id: &str) -> Response {
    let now = jiff::Timestamp::now();
    let held = state
        .subscribers
        .lock()
        .unwrap()
        .get(app_user_id)
        .cloned()
        .unwrap_or_default();
    let entitlements: serde_json::Map<String, serde_json::Value> = held
        .into_iter()
        .map(|(id, expires)| {
            (
                id,
                json!({"expires_date": expires, "grace_period_expires_date": null,
                       "product_identifier": "softly_plus_monthly", "purchase_date": "2026-11-01T09:00:00Z"}),
            )
        })
        .collect();
    let body = json!({
        "request_date": now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "request_date_ms": now.as_millisecond(),
        "subscriber": {
            "entitlements": entitlements,
            "first_seen": "2026-11-01T09:00:00Z",
            "last_seen": now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "management_url": null,
            "non_subscriptions": {},
            "original_app_user_id": app_user_id,
            "original_application_version": null,
            "original_purchase_date": null,
            "other_purchases": {},
            "subscriber_attributes": {},
            "subscriptions": {}
        }
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}
