//! `POST /v1/webhooks/revenuecat`: RevenueCat tells Softly what a subscriber bought,
//! renewed, cancelled or lost. Authenticated by the `Authorization` value set in
//! RevenueCat's dashboard (`REVENUECAT_WEBHOOK_AUTH`, compared in constant time). Every
//! event is recorded by its id before the answer, in the same transaction as its effect:
//! a 200 means it is durable, and a retried delivery (same id) changes nothing.

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use subtle::ConstantTimeEq;

use super::context::PlansContext;
use super::events::{Change, Delivery, Effect, Event};
use super::refresh::ReadBackSubscriber;
use super::store;
use crate::codes;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::platform::work::UnitOfWork;

/// Receives a RevenueCat event.
#[utoipa::path(post, path = "/webhooks/revenuecat", tag = "plans",
    request_body(content = String, description = "RevenueCat's event: `{\"api_version\": \"1.0\", \"event\": {\"id\", \"type\", \"event_timestamp_ms\", \"app_user_id\", \"entitlement_ids\", \"expiration_at_ms\", …}}`", content_type = "application/json"),
    responses(
        (status = 200, description = "Recorded (or recorded before: a retried delivery), and applied where it applies"),
        (status = 400, description = "malformed_json", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "webhook_unauthorized: the Authorization header is not the configured value", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid_body: not an event RevenueCat sends (no id, type or event_timestamp_ms)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn revenuecat_webhook(
    State(context): State<PlansContext>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    authenticate(&context, &headers)?;
    let delivery: Delivery = serde_json::from_slice(&body).map_err(|error| {
        if error.is_data() {
            ApiError::explained(codes::INVALID_BODY, format!("not a RevenueCat event: {error}"))
        } else {
            ApiError::explained(codes::MALFORMED_JSON, error.to_string())
        }
    })?;
    let event = delivery.event;
    if event.id.is_empty() || event.kind.is_empty() {
        return Err(ApiError::explained(codes::INVALID_BODY, "the event has no id or no type"));
    }
    // Who of those named is a Softly user (RevenueCat also knows anonymous ids), read
    // before the transaction: on SQLite it holds the one writer meanwhile.
    let mut known = HashSet::new();
    for user in event.users() {
        if context.directory.find(user).await?.is_some() {
            known.insert(user.to_string());
        }
    }
    let mut work = context.work.begin().await?;
    let now = work.now_ms();
    let body = String::from_utf8_lossy(&body);
    let first = store::record_event(work.conn(), &event.id, &event.kind, event.user(), event.event_timestamp_ms, &body, now).await?;
    if first {
        let outcome = apply(&context, &mut work, &event, &known).await?;
        store::set_outcome(work.conn(), &event.id, outcome).await?;
        tracing::info!(event_id = %event.id, kind = %event.kind, api_version = %delivery.api_version, outcome, "revenuecat event");
    } else {
        tracing::info!(event_id = %event.id, kind = %event.kind, "revenuecat event delivered again: already recorded");
    }
    work.commit().await?;
    Ok(StatusCode::OK)
}

fn authenticate(context: &PlansContext, headers: &HeaderMap) -> Result<(), ApiError> {
    let expected = context.plans.config().webhook_auth.as_ref();
    let sent = headers.get(header::AUTHORIZATION).map(|value| value.as_bytes());
    match (expected, sent) {
        (Some(expected), Some(sent)) if bool::from(expected.expose().as_bytes().ct_eq(sent)) => Ok(()),
        (None, _) => {
            tracing::warn!("a RevenueCat webhook call was refused: REVENUECAT_WEBHOOK_AUTH is not set");
            Err(ApiError::new(codes::WEBHOOK_UNAUTHORIZED, "this server takes no RevenueCat webhooks"))
        }
        _ => Err(ApiError::new(
            codes::WEBHOOK_UNAUTHORIZED,
            "the Authorization header is missing or wrong",
        )),
    }
}

/// Applies `event` in `work` (`known`: which of the users it names are Softly's); its
/// outcome, for the record.
async fn apply(
    context: &PlansContext,
    work: &mut UnitOfWork,
    event: &Event,
    known: &HashSet<String>,
) -> anyhow::Result<&'static str> {
    let now = work.now_ms();
    let change = match event.effect() {
        Effect::Unknown => return Ok("unknown"),
        Effect::Nothing => return Ok("ignored"),
        Effect::ReadBack(users) => {
            // A transfer is right at once, and read back to be sure: what the one held,
            // the other holds.
            if event.kind == "TRANSFER"
                && let Some(to) = event.transferred_to.first().filter(|to| known.contains(*to))
            {
                for from in event.transferred_from.iter().filter(|from| known.contains(*from)) {
                    store::transfer(work.conn(), from, to, now).await?;
                    work.user_changed(from);
                    work.user_changed(to);
                }
            }
            for user in users.iter().filter(|user| known.contains(*user)) {
                read_back(context, work, user).await?;
            }
            return Ok("read_back");
        }
        Effect::Change(change) => change,
    };
    let Some(user) = event.app_user_id.clone() else { return Ok("no_user") };
    if !known.contains(&user) {
        return Ok("no_such_user");
    }
    if !store::advance(work.conn(), &user, event.event_timestamp_ms, now).await? {
        // Something newer was applied: this one arrived late. RevenueCat knows the truth.
        read_back(context, work, &user).await?;
        return Ok("stale");
    }
    match change {
        Change::Grant(entitlements) => store::grant(work.conn(), &user, &entitlements, now).await?,
        Change::Revoke(ids) => store::revoke(work.conn(), &user, &ids).await?,
    }
    work.user_changed(&user);
    Ok("applied")
}

/// Reads `user_id`'s entitlements back from RevenueCat in a job (when it can be asked).
async fn read_back(context: &PlansContext, work: &mut UnitOfWork, user_id: &str) -> anyhow::Result<()> {
    if context.revenuecat.is_some() {
        work.enqueue(&ReadBackSubscriber {
            user_id: user_id.to_string(),
        })
        .await?;
    } else {
        tracing::warn!(user_id, "a RevenueCat event calls for a read-back, but REVENUECAT_API_KEY is not set");
    }
    Ok(())
}
