//! One file per endpoint group; each handler documents itself for OpenAPI.

mod credentials;
pub mod login;
pub mod logout;
pub mod me;
pub mod password_change;
pub mod password_reset;
pub mod refresh;
pub mod sessions;
pub mod signup;
pub mod verify_email;

use axum::http::header::{SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::cookie::RefreshCookie;
use super::views::TokenPair;
use crate::http::ApiError;

/// `pair` as the client asked for it: the refresh token in the body, or (with a `cookie`)
/// in the `softly_refresh` cookie and not in the body.
fn deliver(mut pair: TokenPair, cookie: Option<RefreshCookie>) -> Response {
    let token = cookie.and_then(|cookie| Some((cookie, pair.refresh_token.take()?)));
    let mut response = axum::Json(pair).into_response();
    if let Some((cookie, token)) = token {
        response.headers_mut().insert(SET_COOKIE, cookie.set(&token));
    }
    response
}

/// 204 for a sign-out, removing the refresh cookie of the session(s) that ended.
fn signed_out(cookie: RefreshCookie) -> Response {
    (StatusCode::NO_CONTENT, [(SET_COOKIE, cookie.clear())]).into_response()
}

/// `error`, removing the refresh cookie: it names a session that is over.
fn without_cookie(error: ApiError, cookie: RefreshCookie) -> Response {
    let mut response = error.into_response();
    response.headers_mut().insert(SET_COOKIE, cookie.clear());
    response
}

/// The client's User-Agent, bounded, for the sessions list.
fn user_agent(headers: &HeaderMap) -> Option<String> {
    headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(256).collect())
}
