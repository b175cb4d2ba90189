//! Accounts: sign-up, email verification, sign-in, sessions and their tokens,
//! passwords, and the profile. Other capabilities see a user only through the
//! [`Directory`] and the [`UserDeleted`] event.

mod authenticate;
mod cache;
mod context;
mod cookie;
mod devices;
mod directory;
mod domain;
mod emails;
mod error;
mod events;
mod handlers;
mod limits;
mod maintenance;
mod passwords;
mod session_tokens;
mod store;
mod tokens;
mod views;

use std::sync::Arc;
use std::time::Duration;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use directory::{Directory, UserSummary};
pub use events::{TimeZoneChanged, UserDeleted};
pub use maintenance::PurgeEndedSessions;

use crate::capability::{Capability, Definition, Wiring};
use crate::http::extract::Authentication;
use crate::platform::db::Migration;
use crate::platform::jobs::JobRegistry;
use crate::platform::schedule::Schedule;
use authenticate::SessionAuthenticator;
use context::{Accounts, AccountsParts};
use emails::{AccountEmail, AccountEmailHandler, PasswordResetRequestHandler, PasswordResetRequested};
use maintenance::PurgeEndedSessionsHandler;
use passwords::PasswordHasher;
use devices::DeviceTokens;
use tokens::TokenKeys;

pub const CAPABILITY: Definition = Definition {
    name: "accounts",
    migrations: &[Migration {
        version: 1,
        name: "accounts",
        sql: include_str!("migrations/0001_accounts.sql"),
    }],
    wire,
};

/// Provides the [`Authentication`] every capability's `AuthUser` asks and the
/// [`Directory`].
fn wire(wiring: &mut Wiring) -> anyhow::Result<Capability> {
    let platform = wiring.platform().clone();
    let config = &platform.config;
    let tokens = Arc::new(TokenKeys::new(&config.secret_key_bases, &config.api_url));
    let sessions = Arc::new(SessionAuthenticator {
        db: platform.db.clone(),
        cache: platform.cache.clone(),
        clock: platform.clock.clone(),
        tokens: tokens.clone(),
    });
    let authentication = Authentication(sessions.clone());
    wiring.provide(authentication.clone())?;
    wiring.provide(Directory::new(platform.db.clone()))?;
    let hashing = std::thread::available_parallelism().map(usize::from).unwrap_or(2);
    let passwords = PasswordHasher::new(hashing);
    passwords.warm_up();
    let accounts = Accounts::new(AccountsParts {
        db: platform.db.clone(),
        clock: platform.clock.clone(),
        work: platform.work(),
        cache: platform.cache.clone(),
        limiter: platform.limiter.clone(),
        tokens,
        devices: Arc::new(DeviceTokens::new(&config.secret_key_bases)),
        passwords,
        profile: wiring.profile(),
        sessions,
        authentication,
        mail_from: config.mail_from.clone(),
        app_url: config.app_url.clone(),
        refresh_cookie: cookie::RefreshCookie::for_origin(&config.api_url),
    });
    let jobs = JobRegistry::new()
        .register::<AccountEmail, _>(AccountEmailHandler {
            mailer: platform.mailer.clone(),
            from: accounts.mail_from.clone(),
            app_url: accounts.app_url.clone(),
        })
        .register::<PasswordResetRequested, _>(PasswordResetRequestHandler {
            db: accounts.db.clone(),
            work: accounts.work.clone(),
        })
        .register::<PurgeEndedSessions, _>(PurgeEndedSessionsHandler {
            db: accounts.db.clone(),
            clock: accounts.clock.clone(),
        });
    let schedule = Schedule::new().every(
        "accounts.purge_ended",
        Duration::from_secs(3600),
        PurgeEndedSessions {},
    );
    Ok(Capability::new(routes().with_state(accounts))
        .jobs(jobs)
        .schedule(schedule))
}

/// The accounts API, nested under `/v1`.
fn routes() -> OpenApiRouter<Accounts> {
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
        .routes(routes!(
            handlers::sessions::list_sessions,
            handlers::sessions::revoke_all_sessions
        ))
        .routes(routes!(handlers::sessions::revoke_session))
}
