//! Accounts: sign-up, email verification, sign-in, sessions and their tokens,
//! passwords, and the profile. Everything a user owns hangs off their user row.

mod authenticate;
mod cache;
mod domain;
mod emails;
mod handlers;
mod limits;
mod maintenance;
mod passwords;
mod session_tokens;
mod store;
mod tokens;
mod views;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use authenticate::authenticate;
pub use cache::user_changed;
pub use emails::{AccountEmail, AccountEmailHandler, PasswordResetRequestHandler, PasswordResetRequested};
pub use maintenance::{PurgeEndedSessions, PurgeEndedSessionsHandler};
pub use passwords::PasswordHasher;
pub use tokens::TokenKeys;

use crate::state::AppState;

/// The accounts API, to be nested under `/v1`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::signup::signup))
        .routes(routes!(handlers::verify_email::verify_email))
        .routes(routes!(handlers::verify_email::resend_verification))
        .routes(routes!(handlers::login::login))
        .routes(routes!(handlers::refresh::refresh))
        .routes(routes!(handlers::logout::logout))
        .routes(routes!(handlers::password_reset::forgot_password))
        .routes(routes!(handlers::password_reset::reset_password))
        .routes(routes!(
            handlers::me::show_me,
            handlers::me::update_me,
            handlers::me::delete_me
        ))
        .routes(routes!(handlers::password_change::change_password))
        .routes(routes!(handlers::sessions::list_sessions))
        .routes(routes!(handlers::sessions::revoke_session))
}
