//! A user's reminder settings: when date-only items are reminded, single emails or a
//! daily digest, each kind's default reminders, and whether documents' expiry dates make
//! items.

use std::collections::BTreeMap;

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::civil::{format_time, parse_time};
use crate::codes;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::{AuthUser, Json};
use crate::invalid::Invalid;
use crate::items::context::Items;
use crate::items::domain::{Delivery, ItemKind, ReminderInput, parse_list};
use crate::items::planning;
use crate::items::store::settings::{self, Settings};

/// The settings as the API shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsView {
    /// `HH:MM` in the user's zone: when date-only items are reminded and digests sent.
    pub reminder_time: String,
    /// single (one email per reminder) or digest (one email a day).
    pub delivery: String,
    /// Every kind's reminders for new items: the user's own, else the built-in ones.
    pub default_reminders: BTreeMap<String, Vec<ReminderInput>>,
    /// Kinds whose defaults the user set.
    pub customised_kinds: Vec<String>,
    /// Whether passports, ID cards, licences, insurance and certificates with an expiry
    /// date make expiry items.
    pub document_expiries: bool,
    /// The private calendar feed's address, when there is one (`POST /v1/calendar/token`).
    pub calendar_url: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsEnvelope {
    pub settings: SettingsView,
}

fn view(state: &Items, user_id: &str, settings: &Settings) -> SettingsView {
    SettingsView {
        reminder_time: format_time(settings.reminder_time),
        delivery: settings.delivery.as_str().to_string(),
        default_reminders: ItemKind::ALL
            .iter()
            .map(|kind| {
                let reminders = settings.defaults_for(*kind).into_iter().map(|r| r.to_input()).collect();
                (kind.as_str().to_string(), reminders)
            })
            .collect(),
        customised_kinds: settings.default_reminders.keys().map(|kind| kind.to_string()).collect(),
        document_expiries: settings.document_expiries,
        calendar_url: settings
            .calendar_nonce
            .as_deref()
            .map(|nonce| state.feeds.url(user_id, nonce)),
    }
}

/// The signed-in user's reminder settings.
#[utoipa::path(get, path = "/reminders/settings", tag = "items", security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = SettingsEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show_settings(
    State(state): State<Items>,
    auth: AuthUser,
) -> Result<axum::Json<SettingsEnvelope>, ApiError> {
    let settings = settings::get(state.db.pool(), &auth.user_id).await?;
    Ok(axum::Json(SettingsEnvelope {
        settings: view(&state, &auth.user_id, &settings),
    }))
}

/// Absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSettingsRequest {
    /// `HH:MM`.
    reminder_time: Option<String>,
    /// single or digest.
    delivery: Option<String>,
    /// Per kind: its new default reminders, or `null` for the built-in ones again.
    default_reminders: Option<BTreeMap<String, Option<Vec<ReminderInput>>>>,
    document_expiries: Option<bool>,
}

/// Change the reminder settings. A new reminder time or delivery plans every reminder
/// again; new defaults apply to items created from now on.
#[utoipa::path(patch, path = "/reminders/settings", tag = "items", security(("bearer" = [])),
    request_body = UpdateSettingsRequest,
    responses(
        (status = 200, description = "The settings", body = SettingsEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "plan_limit_reached: the user's plan has no daily digest", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_settings(
    State(state): State<Items>,
    auth: AuthUser,
    Json(body): Json<UpdateSettingsRequest>,
) -> Result<axum::Json<SettingsEnvelope>, ApiError> {
    let reminder_time = body
        .reminder_time
        .as_deref()
        .map(|t| parse_time("reminder_time", t))
        .transpose()?;
    let delivery = body.delivery.as_deref().map(Delivery::parse).transpose()?;
    if delivery == Some(Delivery::Digest) && !state.plans.of(&auth.user_id).await?.limits.digest {
        return Err(ApiError::explained(
            codes::PLAN_LIMIT_REACHED,
            "Your plan sends each reminder as an email of its own: the daily digest is not part of it.",
        ));
    }
    let mut defaults = Vec::new();
    for (kind, reminders) in body.default_reminders.iter().flatten() {
        let under_defaults = |e: Invalid| Invalid::new("default_reminders", e.code, e.detail);
        let kind = ItemKind::parse(kind).map_err(under_defaults)?;
        let reminders = reminders
            .as_deref()
            .map(parse_list)
            .transpose()
            .map_err(under_defaults)?;
        defaults.push((kind, reminders));
    }
    let mut work = state.work.begin().await?;
    let mut settings = settings::get(work.conn(), &auth.user_id).await?;
    let before = settings.clone();
    settings.reminder_time = reminder_time.unwrap_or(settings.reminder_time);
    settings.delivery = delivery.unwrap_or(settings.delivery);
    settings.document_expiries = body.document_expiries.unwrap_or(settings.document_expiries);
    for (kind, reminders) in defaults {
        match reminders {
            Some(reminders) => settings.default_reminders.insert(kind.as_str(), reminders),
            None => settings.default_reminders.remove(kind.as_str()),
        };
    }
    let now = work.now_ms();
    settings::save(work.conn(), &auth.user_id, &settings, now).await?;
    if settings.reminder_time != before.reminder_time || settings.delivery != before.delivery {
        let preferences = planning::preferences(&state.directory, work.conn(), &auth.user_id, &settings).await?;
        planning::replan_user(work.conn(), &auth.user_id, &preferences, now, state.db.for_update()).await?;
    }
    work.commit().await?;
    Ok(axum::Json(SettingsEnvelope {
        settings: view(&state, &auth.user_id, &settings),
    }))
}
