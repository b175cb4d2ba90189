//! Known devices: every token pair carries a device token, an HMAC over the user's id and
//! the second it was issued, which the client keeps and sends when it signs in again. A
//! device that proves it has signed in to this account before is not held to the
//! account-wide failure limit ([`super::limits::LOGIN_PER_ACCOUNT`]), so guessing spread
//! over many addresses cannot lock the owner out of their own devices; its own failures
//! still count under [`super::limits::LOGIN_PER_ACCOUNT_ADDRESS`].
//!
//! Stateless: nothing is stored; a token is valid a year, under the current or a
//! previous `SECRET_KEY_BASE`. One that does not verify is ignored, never an error (a
//! rotated secret must not stop anyone signing in).

use crate::config::SecretKeyBases;
use crate::platform::crypto::Signer;

const VERSION: &str = "d1";
const VALID_SECS: i64 = 365 * 24 * 3600;

pub struct DeviceTokens {
    signer: Signer,
}

/// A device that proved it signed in to an account before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownDevice {
    /// Stable per token: its own failures are counted under it.
    pub id: String,
}

impl DeviceTokens {
    pub fn new(secrets: &SecretKeyBases) -> Self {
        Self {
            signer: Signer::new(secrets, "softly device token"),
        }
    }

    /// A token for `user_id`, issued at `now_secs`.
    pub fn issue(&self, user_id: &str, now_secs: i64) -> String {
        let body = format!("{VERSION}.{user_id}.{now_secs}");
        let signature = self.signer.sign(&body);
        format!("{body}.{signature}")
    }

    /// The device, when `token` was issued by us for `user_id` within the last year.
    pub fn verify(&self, token: &str, user_id: &str, now_secs: i64) -> Option<KnownDevice> {
        let (body, signature) = token.rsplit_once('.')?;
        let mut parts = body.split('.');
        let (version, owner, issued) = (parts.next()?, parts.next()?, parts.next()?);
        if version != VERSION || parts.next().is_some() || owner != user_id {
            return None;
        }
        let issued: i64 = issued.parse().ok()?;
        if !(now_secs - VALID_SECS..=now_secs + 60).contains(&issued) {
            return None;
        }
        self.signer.verify(body, signature).then(|| KnownDevice {
            id: format!("{owner}.{issued}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    fn secrets(current: &str, previous: &[&str]) -> SecretKeyBases {
        SecretKeyBases {
            current: Secret::new(current),
            previous: previous.iter().map(|p| Secret::new(*p)).collect(),
        }
    }

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn a_token_is_known_for_its_user_for_a_year_only() {
        let devices = DeviceTokens::new(&secrets("a".repeat(32).as_str(), &[]));
        let token = devices.issue("user-1", NOW);
        assert!(devices.verify(&token, "user-1", NOW).is_some());
        assert!(devices.verify(&token, "user-1", NOW + VALID_SECS).is_some());
        assert!(devices.verify(&token, "user-1", NOW + VALID_SECS + 1).is_none(), "expired");
        assert!(devices.verify(&token, "user-2", NOW).is_none(), "another account's");
    }

    #[test]
    fn a_tampered_or_foreign_token_is_not_known() {
        let devices = DeviceTokens::new(&secrets("a".repeat(32).as_str(), &[]));
        let token = devices.issue("user-1", NOW);
        let later = token.replacen(&NOW.to_string(), &(NOW + 1).to_string(), 1);
        let forged = format!("{}x", &token[..token.len() - 1]);
        let other = DeviceTokens::new(&secrets("b".repeat(32).as_str(), &[])).issue("user-1", NOW);
        for bad in [later.as_str(), forged.as_str(), other.as_str(), "", "d1.user-1", "nonsense.token"] {
            assert!(devices.verify(bad, "user-1", NOW).is_none(), "{bad}");
        }
    }

    #[test]
    fn tokens_of_a_previous_secret_are_still_known() {
        let old = DeviceTokens::new(&secrets("o".repeat(32).as_str(), &[]));
        let token = old.issue("user-1", NOW);
        let rotated = DeviceTokens::new(&secrets("n".repeat(32).as_str(), &["o".repeat(32).as_str()]));
        assert!(rotated.verify(&token, "user-1", NOW).is_some());
        assert!(rotated.issue("user-1", NOW) != token, "new tokens are signed with the new secret");
    }
}
