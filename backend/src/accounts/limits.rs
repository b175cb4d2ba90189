//! The rate limits of the accounts capability and how they answer.

use std::time::Duration;

use super::error::AccountsError;
use crate::platform::limits::{Decision, RateLimiter, Rule};

const FIFTEEN_MINUTES: Duration = Duration::from_secs(15 * 60);
const HOUR: Duration = Duration::from_secs(3600);

/// Failed sign-ins per account.
pub const LOGIN_PER_ACCOUNT: Rule = Rule {
    name: "login_account",
    limit: 10,
    window: FIFTEEN_MINUTES,
};
/// Failed sign-ins per client address.
pub const LOGIN_PER_IP: Rule = Rule {
    name: "login_ip",
    limit: 50,
    window: FIFTEEN_MINUTES,
};
/// Emails asked for (sign-up, verification resend, password reset) per address.
pub const EMAILS_PER_ADDRESS: Rule = Rule {
    name: "emails_address",
    limit: 5,
    window: HOUR,
};
/// Emails asked for per client address.
pub const EMAILS_PER_IP: Rule = Rule {
    name: "emails_ip",
    limit: 20,
    window: HOUR,
};

/// Counts one event against every `(rule, key)`; the first that is spent answers 429.
pub async fn hit_all(limiter: &dyn RateLimiter, checks: &[(&Rule, &str)]) -> Result<(), AccountsError> {
    for (rule, key) in checks {
        if let Decision::Limited { retry_after } = limiter.hit(rule, key).await {
            return Err(AccountsError::RateLimited { retry_after });
        }
    }
    Ok(())
}
