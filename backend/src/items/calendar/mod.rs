//! The calendar feed: a private, revocable address per user (`/v1/calendar/{token}.ics`)
//! that Apple, Google or any iCalendar client subscribes to, serving the user's open
//! items as events, with their repeats and reminders.
//!
//! The address carries the user's id and a random nonce kept in their settings, signed
//! with a key of its own derived from `SECRET_KEY_BASE`: it cannot be guessed, the app can
//! show it again at any time, and rotating the nonce revokes every copy of the old one.

mod feed;
mod ics;
mod zones;

pub use feed::feed;

use crate::config::SecretKeyBases;
use crate::platform::crypto::{Signer, base64url};

const VERSION: &str = "c1";

/// Makes and reads feed addresses.
#[derive(Clone)]
pub struct FeedAddresses {
    signer: Signer,
    api_url: String,
}

impl FeedAddresses {
    pub fn new(secrets: &SecretKeyBases, api_url: &str) -> Self {
        Self {
            signer: Signer::new(secrets, "softly calendar feed"),
            api_url: api_url.to_string(),
        }
    }

    /// A new nonce: rotating it revokes the old address.
    pub fn new_nonce() -> String {
        let mut bytes = [0u8; 12];
        getrandom::fill(&mut bytes).expect("the operating system's random source failed");
        base64url(&bytes)
    }

    /// The feed's address for `user_id` with `nonce`.
    pub fn url(&self, user_id: &str, nonce: &str) -> String {
        let body = format!("{VERSION}.{}.{nonce}", user_id.replace('-', ""));
        format!("{}/v1/calendar/{body}.{}.ics", self.api_url, self.signer.sign(&body))
    }

    /// The user id and nonce of a feed file name (`….ics`) Softly signed.
    pub fn read(&self, file: &str) -> Option<(String, String)> {
        let token = file.strip_suffix(".ics")?;
        let (body, signature) = token.rsplit_once('.')?;
        if !self.signer.verify(body, signature) {
            return None;
        }
        let mut parts = body.split('.');
        let (version, user, nonce) = (parts.next()?, parts.next()?, parts.next()?);
        if version != VERSION || parts.next().is_some() {
            return None;
        }
        let user_id = uuid::Uuid::parse_str(user).ok()?.hyphenated().to_string();
        Some((user_id, nonce.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    fn addresses(secret: &str) -> FeedAddresses {
        let secrets = SecretKeyBases {
            current: Secret::new(secret.repeat(32)),
            previous: Vec::new(),
        };
        FeedAddresses::new(&secrets, "https://api.example")
    }

    #[test]
    fn an_address_reads_back_as_its_user_and_nonce_and_a_forged_one_does_not() {
        let user = uuid::Uuid::now_v7().to_string();
        let nonce = FeedAddresses::new_nonce();
        let url = addresses("a").url(&user, &nonce);
        let file = url.rsplit('/').next().unwrap();
        assert_eq!(addresses("a").read(file), Some((user.clone(), nonce.clone())));
        assert_eq!(addresses("b").read(file), None);
        let other = uuid::Uuid::now_v7().simple().to_string();
        let forged = file.replace(&user.replace('-', ""), &other);
        assert_eq!(addresses("a").read(&forged), None);
        assert_eq!(addresses("a").read(file.trim_end_matches(".ics")), None);
        assert_ne!(FeedAddresses::new_nonce(), nonce);
    }
}
