//! The rate limits of the accounts capability and how they answer.

use std::time::Duration;

use super::error::AccountsError;
use crate::platform::limits::{Decision, RateLimiter, Rule};

const FIFTEEN_MINUTES: Duration = Duration::from_secs(15 * 60);
const HOUR: Duration = Duration::from_secs(3600);

/// Failed sign-ins per account from one client address (or one known device): the
/// limit an attacker meets first, and it locks out only the attacker's own addresses.
pub const LOGIN_PER_ACCOUNT_ADDRESS: Rule = Rule {
    name: "login_account_address",
    limit: 10,
    window: FIFTEEN_MINUTES,
};
/// Failed sign-ins per account from all addresses together: bounds guessing spread over
/// many addresses. A known device ([`super::devices`]) is not held to it, and a
/// completed password reset clears it.
pub const LOGIN_PER_ACCOUNT: Rule = Rule {
    name: "login_account",
    limit: 50,
    window: FIFTEEN_MINUTES,
};
/// Failed sign-ins per client address, whatever the account.
pub const LOGIN_PER_IP: Rule = Rule {
    name: "login_ip",
    limit: 50,
    window: FIFTEEN_MINUTES,
};
/// Wrong passwords given by a signed-in user to confirm a sensitive change (only the
/// account's own sessions can spend it).
pub const CONFIRM_PER_USER: Rule = Rule {
    name: "confirm_user",
    limit: 10,
    window: FIFTEEN_MINUTES,
};
/// Emails asked for (sign-up, verification resend) per address.
pub const EMAILS_PER_ADDRESS: Rule = Rule {
    name: "emails_address",
    limit: 5,
    window: HOUR,
};
/// Password reset emails asked for per address: a rule of its own, so the answer to
/// "forgot password" is the same whether or not the address just signed up.
pub const RESET_EMAILS_PER_ADDRESS: Rule = Rule {
    name: "reset_emails_address",
    limit: 5,
    window: HOUR,
};
/// Emails asked for per client address.
pub const EMAILS_PER_IP: Rule = Rule {
    name: "emails_ip",
    limit: 20,
    window: HOUR,
};

/// Answers 429 when any `(rule, key)` is spent; counts nothing.
pub async fn check_all(limiter: &dyn RateLimiter, checks: &[(&Rule, &str)]) -> Result<(), AccountsError> {
    for (rule, key) in checks {
        if let Decision::Limited { retry_after } = limiter.check(rule, key).await {
            return Err(AccountsError::RateLimited { retry_after });
        }
    }
    Ok(())
}

/// Counts one event (a failure) against every `(rule, key)`.
pub async fn count_all(limiter: &dyn RateLimiter, checks: &[(&Rule, &str)]) {
    for (rule, key) in checks {
        limiter.hit(rule, key).await;
    }
}

/// Counts one event against every `(rule, key)`, or none: a spent rule answers 429 and
/// counts nothing anywhere (a refused request does not use up another rule's budget).
/// Counting is itself bounded, so concurrent events cannot pass a limit together.
pub async fn hit_all(limiter: &dyn RateLimiter, checks: &[(&Rule, &str)]) -> Result<(), AccountsError> {
    check_all(limiter, checks).await?;
    for (rule, key) in checks {
        if let Decision::Limited { retry_after } = limiter.hit(rule, key).await {
            return Err(AccountsError::RateLimited { retry_after });
        }
    }
    Ok(())
}
