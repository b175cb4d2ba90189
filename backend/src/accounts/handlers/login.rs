use axum::Extension;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{deliver, user_agent};
use crate::accounts::context::Accounts;
use crate::accounts::domain::EmailAddress;
use crate::accounts::error::AccountsError;
use crate::accounts::limits::{self, LOGIN_PER_ACCOUNT, LOGIN_PER_ACCOUNT_ADDRESS, LOGIN_PER_IP};
use crate::accounts::session_tokens;
use crate::accounts::store::users;
use crate::accounts::views::TokenPair;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::Json;
use crate::http::middleware::ClientIp;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// The `device_token` of an earlier sign-in from this device, if it kept one.
    #[serde(default)]
    pub device_token: Option<String>,
    /// Browsers: set the refresh token in an `HttpOnly` cookie for `/v1/auth` instead of
    /// answering it in the body.
    #[serde(default)]
    pub refresh_cookie: bool,
}

const INVALID_CREDENTIALS: AccountsError = AccountsError::InvalidCredentials;

/// Sign in with email and password; starts a session.
///
/// A wrong password and an unknown email give the same answer in about the same time.
/// Failed attempts are limited per account and client address (or known device), per
/// account across all addresses (a device that signed in before is exempt: send its
/// `device_token`), and per client address.
#[utoipa::path(post, path = "/auth/login", tag = "accounts", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in (with `refresh_cookie`, the refresh token is in `Set-Cookie: softly_refresh=…`)", body = TokenPair),
        (status = 401, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Malformed email", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    State(state): State<Accounts>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    headers: HeaderMap,
    Json(body): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let email = EmailAddress::parse(&body.email)?;
    let ip = ip.to_string();
    let user = users::find_by_email(state.db.pool(), email.as_str()).await?;
    let now_secs = state.clock.now_secs();
    let device = match (&body.device_token, &user) {
        (Some(token), Some(user)) => state.devices.verify(token, &user.id, now_secs),
        _ => None,
    };
    // Only failures count. The limits are checked while holding a hashing thread, and
    // the hash follows at once: at most as many attempts as the hasher has threads are
    // between their check and their outcome, so guesses overshoot a limit by no more.
    let from = match &device {
        Some(device) => format!("{} device {}", email.as_str(), device.id),
        None => format!("{} address {ip}", email.as_str()),
    };
    let mut slots = vec![(&LOGIN_PER_ACCOUNT_ADDRESS, from.as_str()), (&LOGIN_PER_IP, ip.as_str())];
    if device.is_none() {
        slots.push((&LOGIN_PER_ACCOUNT, email.as_str()));
    }
    let turn = state.passwords.turn().await?;
    limits::check_all(state.limiter.as_ref(), &slots).await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let matches = turn.verify(body.password, stored).await?;
    let (true, Some(user)) = (matches, user) else {
        limits::count_all(state.limiter.as_ref(), &slots).await;
        return Err(INVALID_CREDENTIALS.into());
    };

    let mut work = state.work.begin().await?;
    let now = work.now_ms();
    let pair = session_tokens::start(work.conn(), &state, &user, user_agent(&headers), ip, now).await?;
    work.commit().await?;
    Ok(deliver(pair, body.refresh_cookie.then_some(state.refresh_cookie)))
}
