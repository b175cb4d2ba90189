use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sqlx::any::AnyRow;
use serde::Deserialize;
use utoipa::ToSchema;

use super::credentials::confirm_password;
use crate::accounts::authenticate::REVOKED;
use crate::accounts::cache;
use crate::accounts::context::Accounts;
use crate::accounts::domain::{DisplayName, TimeZoneName};
use crate::accounts::events::{TimeZoneChanged, UserDeleted};
use crate::accounts::store::{profile, users};
use crate::accounts::store::users::User;
use crate::accounts::views::{MeView, UserView};
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::{AuthUser, Bearer, Json};
use crate::platform::cache::Lookup;

/// The signed-in user.
#[utoipa::path(get, path = "/me", tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = MeView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show_me(State(state): State<Accounts>, bearer: Bearer) -> Result<Response, ApiError> {
    if state.cache.is_on() {
        return cached_me(&state, &bearer).await;
    }
    // The session's check rides in the profile's query: one round trip.
    let claims = state.sessions.claims(&bearer.token)?;
    let now = state.clock.now_ms();
    let sections = state.profile.select_list(now);
    let mut hot = state.db.hot().await?;
    let found = profile::of_session(hot.conn(), &claims.sid, &claims.sub, &sections, now).await;
    let (user, session, row) = hot
        .finish(found)?
        .filter(|(_, session, _)| session.is_live(now))
        .ok_or(REVOKED)?;
    bearer.signed_in(&user.id);
    state.sessions.keep_alive(&claims.sid, session.last_used_at, now).await?;
    Ok(axum::Json(view(&state, &user, &row, now)?).into_response())
}

/// `GET /v1/me` with Redis: a warm session and profile cost one round trip, which
/// confirms both.
async fn cached_me(state: &Accounts, bearer: &Bearer) -> Result<Response, ApiError> {
    let checked = state.sessions.check(&bearer.token).await?;
    let user_id = &checked.user.user_id;
    bearer.signed_in(user_id);
    let ticket = match cache::me(&state.cache, user_id, checked.confirmed.as_ref()).await {
        Lookup::Hit(json) => {
            return Ok(([(CONTENT_TYPE, HeaderValue::from_static("application/json"))], json.to_string()).into_response());
        }
        Lookup::Miss(ticket) => Some(ticket),
        Lookup::Bypass => None,
    };
    let me = me(state, user_id).await?;
    if let Some(ticket) = ticket {
        cache::keep(&state.cache, ticket, &me.0).await;
    }
    Ok(me.into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    pub name: Option<String>,
    /// IANA time zone, e.g. `Europe/London`.
    pub time_zone: Option<String>,
}

/// Change the name or time zone.
#[utoipa::path(patch, path = "/me", tag = "accounts", security(("bearer" = [])), request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "The updated user", body = MeView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_me(
    State(state): State<Accounts>,
    auth: AuthUser,
    Json(body): Json<UpdateMeRequest>,
) -> Result<axum::Json<MeView>, ApiError> {
    let name = body.name.as_deref().map(DisplayName::parse).transpose()?;
    let time_zone = body.time_zone.as_deref().map(TimeZoneName::parse).transpose()?;
    let mut work = state.work.begin().await?;
    let now = work.now_ms();
    let before = users::find(work.conn(), &auth.user_id)
        .await?
        .ok_or(ApiError::NOT_FOUND)?;
    users::update_profile(
        work.conn(),
        &auth.user_id,
        name.as_ref().map(DisplayName::as_str),
        time_zone.as_ref().map(TimeZoneName::as_str),
        now,
    )
    .await?;
    if let Some(zone) = time_zone.filter(|zone| zone.as_str() != before.time_zone) {
        work.publish(&TimeZoneChanged {
            user_id: auth.user_id.clone(),
            time_zone: zone.as_str().to_string(),
        })
        .await?;
    }
    work.user_changed(&auth.user_id);
    work.commit().await?;
    me(&state, &auth.user_id).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteMeRequest {
    pub password: String,
}

/// Delete the account and everything it owns. Asks for the password again.
#[utoipa::path(delete, path = "/me", tag = "accounts", security(("bearer" = [])), request_body = DeleteMeRequest,
    responses(
        (status = 204, description = "The account and all it owned are gone"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Wrong password", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_me(
    State(state): State<Accounts>,
    auth: AuthUser,
    Json(body): Json<DeleteMeRequest>,
) -> Result<StatusCode, ApiError> {
    let user = users::find(state.db.pool(), &auth.user_id)
        .await?
        .ok_or(ApiError::NOT_FOUND)?;
    confirm_password(&state, &user, body.password).await?;
    // The account's own rows go with the user through ON DELETE CASCADE; every other
    // capability forgets what the user kept when the event reaches it (durably: the
    // deliveries are rows of this same transaction).
    let mut work = state.work.begin().await?;
    users::delete(work.conn(), &user.id).await?;
    work.publish(&UserDeleted {
        user_id: user.id.clone(),
    })
    .await?;
    work.user_changed(&user.id);
    work.commit().await?;
    tracing::info!(user_id = %user.id, "account deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// The user with every capability's profile section, in one query.
async fn me(state: &Accounts, user_id: &str) -> Result<axum::Json<MeView>, ApiError> {
    let now = state.clock.now_ms();
    let sections = state.profile.select_list(now);
    let mut hot = state.db.hot().await?;
    let found = profile::of_user(hot.conn(), user_id, &sections, now).await;
    let (user, row) = hot.finish(found)?.ok_or(ApiError::NOT_FOUND)?;
    Ok(axum::Json(view(state, &user, &row, now)?))
}

fn view(state: &Accounts, user: &User, row: &AnyRow, now: i64) -> Result<MeView, ApiError> {
    Ok(MeView {
        user: UserView::from(user),
        sections: state.profile.fields(row, now)?,
    })
}
