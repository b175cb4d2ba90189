//! Access tokens (JWT, HS256 only, 15 minutes) and refresh tokens (opaque, 256 bits).
//!
//! Keys derive from `SECRET_KEY_BASE` by HMAC with a purpose label, so one secret never
//! signs two kinds of thing. Each key has an id (`kid`); tokens signed with an older
//! `SECRET_KEY_BASE_PREVIOUS` keep verifying until they expire, which lets the secret
//! rotate without signing everybody out.
//!
//! A refresh token is HMAC(refresh key, session id : generation). The database keeps
//! only its SHA-256; deriving it lets the server hand the *current* token again to a
//! concurrent refresh within the grace window without ever storing a usable token.

use std::collections::HashMap;
use std::sync::Mutex;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::error::AccountsError;
use crate::config::{Secret, SecretKeyBases};
use crate::platform::crypto::{base64url, hmac_sha256};

/// How long an access token lives, in seconds.
pub const ACCESS_TOKEN_SECONDS: i64 = 15 * 60;

struct Key {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    refresh: [u8; 32],
}

/// The signing keys of this process: the current one signs, all verify.
pub struct TokenKeys {
    current: Key,
    previous: Vec<Key>,
    issuer: String,
    /// Tokens whose signature was checked, with their claims: a client sends the same
    /// token with every request for 15 minutes, and the keys never change while the
    /// process runs, so the signature's answer cannot change either (expiry is checked
    /// on every use). Bounded: forgotten all at once when full.
    verified: Mutex<HashMap<String, AccessClaims>>,
}

/// How many checked tokens a process remembers.
const VERIFIED_TOKENS: usize = 4096;

/// What an access token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    /// The user id.
    pub sub: String,
    /// The session id.
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
}

impl Key {
    fn derive(secret: &Secret) -> Self {
        let base = secret.expose().as_bytes();
        let access = hmac_sha256(base, b"softly access token v1");
        Self {
            kid: hex::encode(&hmac_sha256(base, b"softly key id v1")[..8]),
            encoding: EncodingKey::from_secret(&access),
            decoding: DecodingKey::from_secret(&access),
            refresh: hmac_sha256(base, b"softly refresh token v1"),
        }
    }
}

/// Seconds an access token is still accepted past its expiry (clock skew).
const LEEWAY_SECONDS: i64 = 5;

const INVALID: AccountsError = AccountsError::InvalidToken;

impl TokenKeys {
    pub fn new(secrets: &SecretKeyBases, issuer: &str) -> Self {
        Self {
            current: Key::derive(&secrets.current),
            previous: secrets.previous.iter().map(Key::derive).collect(),
            issuer: issuer.to_string(),
            verified: Mutex::default(),
        }
    }

    fn current(&self) -> &Key {
        &self.current
    }

    /// A signed access token for one session.
    pub fn issue_access(&self, user_id: &str, session_id: &str, now_secs: i64) -> anyhow::Result<String> {
        let key = self.current();
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(key.kid.clone());
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: self.issuer.clone(),
            sub: user_id.to_string(),
            sid: session_id.to_string(),
            iat: now_secs,
            exp: now_secs + ACCESS_TOKEN_SECONDS,
        };
        jsonwebtoken::encode(&header, &claims, &key.encoding)
            .map_err(|e| anyhow::anyhow!("signing failed: {e}"))
    }

    /// The claims of a genuine token unexpired at `now_secs` (the platform clock's, not
    /// the library's). The algorithm is fixed: whatever the token's header claims, only
    /// HS256 under one of our keys is accepted.
    pub fn verify_access(&self, token: &str, now_secs: i64) -> Result<AccessClaims, AccountsError> {
        // Not a `match` on the lookup: its guard would live through the arms.
        let remembered = self.lock_verified().get(token).cloned();
        let claims = match remembered {
            Some(claims) => claims,
            None => {
                let claims = self.check_signature(token)?;
                let mut verified = self.lock_verified();
                if verified.len() >= VERIFIED_TOKENS {
                    verified.clear();
                }
                verified.insert(token.to_owned(), claims.clone());
                claims
            }
        };
        if claims.exp + LEEWAY_SECONDS <= now_secs {
            return Err(INVALID);
        }
        Ok(claims)
    }

    fn lock_verified(&self) -> std::sync::MutexGuard<'_, HashMap<String, AccessClaims>> {
        self.verified.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The claims of a token signed by one of our keys, expired or not.
    fn check_signature(&self, token: &str) -> Result<AccessClaims, AccountsError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| INVALID)?;
        let kid = header.kid.ok_or(INVALID)?;
        let key = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.kid == kid)
            .ok_or(INVALID)?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.validate_exp = false;
        let claims = jsonwebtoken::decode::<AccessClaims>(token, &key.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|_| INVALID)?;
        Ok(claims)
    }

    /// The refresh token of `session_id` at `generation`.
    pub fn refresh_token(&self, session_id: &str, generation: i64) -> String {
        let message = format!("{session_id}:{generation}");
        base64url(&hmac_sha256(&self.current().refresh, message.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secrets: &[&str]) -> TokenKeys {
        let secrets = SecretKeyBases {
            current: Secret::new(secrets[0]),
            previous: secrets[1..].iter().map(|s| Secret::new(*s)).collect(),
        };
        TokenKeys::new(&secrets, "https://api.example")
    }

    const A: &str = "a-secret-key-base-that-is-long-enough-0001";
    const B: &str = "b-secret-key-base-that-is-long-enough-0002";

    fn now() -> i64 {
        jiff::Timestamp::now().as_second()
    }

    #[test]
    fn a_token_verifies_and_carries_its_session() {
        let keys = keys(&[A]);
        let token = keys.issue_access("user-1", "session-1", now()).unwrap();
        let claims = keys.verify_access(&token, now()).unwrap();
        assert_eq!(
            (claims.sub.as_str(), claims.sid.as_str()),
            ("user-1", "session-1")
        );
        assert_eq!(claims.exp - claims.iat, 900);
    }

    #[test]
    fn an_expired_token_is_refused() {
        let keys = keys(&[A]);
        let token = keys.issue_access("u", "s", now() - 3600).unwrap();
        assert!(keys.verify_access(&token, now()).is_err());
    }

    #[test]
    fn expiry_is_judged_by_the_clock_given() {
        let keys = keys(&[A]);
        let issued = now();
        let token = keys.issue_access("u", "s", issued).unwrap();
        assert!(keys.verify_access(&token, issued + 900 + 4).is_ok());
        assert!(keys.verify_access(&token, issued + 900 + 5).is_err());
    }

    #[test]
    fn a_token_signed_with_the_previous_key_verifies_after_rotation() {
        let old = keys(&[A]).issue_access("u", "s", now()).unwrap();
        assert!(keys(&[B, A]).verify_access(&old, now()).is_ok());
        assert!(keys(&[B]).verify_access(&old, now()).is_err());
    }

    #[test]
    fn an_unsigned_none_token_is_refused() {
        let keys = keys(&[A]);
        let signed = keys.issue_access("u", "s", now()).unwrap();
        let kid = jsonwebtoken::decode_header(&signed).unwrap().kid.unwrap();
        let header = base64url(format!(r#"{{"alg":"none","typ":"JWT","kid":"{kid}"}}"#).as_bytes());
        let payload = signed.split('.').nth(1).unwrap();
        assert!(
            keys.verify_access(&format!("{header}.{payload}."), now())
                .is_err()
        );
    }

    #[test]
    fn a_tampered_token_is_refused() {
        let keys = keys(&[A]);
        let token = keys.issue_access("u", "s", now()).unwrap();
        let mut parts: Vec<String> = token.split('.').map(String::from).collect();
        parts[1] = base64url(br#"{"sub":"admin"}"#);
        assert!(keys.verify_access(&parts.join("."), now()).is_err());
    }

    #[test]
    fn a_checked_token_does_not_vouch_for_a_tampered_copy_nor_outlive_its_expiry() {
        let keys = keys(&[A]);
        let issued = now();
        let token = keys.issue_access("u", "s", issued).unwrap();
        assert!(keys.verify_access(&token, issued).is_ok());
        let mut parts: Vec<String> = token.split('.').map(String::from).collect();
        parts[1] = base64url(br#"{"sub":"admin","sid":"s","iss":"https://api.example","aud":"https://api.example","iat":0,"exp":9999999999}"#);
        assert!(keys.verify_access(&parts.join("."), issued).is_err());
        assert!(keys.verify_access(&token, issued + 900 + 5).is_err());
        assert!(keys.verify_access(&token, issued + 60).is_ok(), "still good within its life");
    }

    #[test]
    fn refresh_tokens_differ_by_session_generation_and_key() {
        let a = keys(&[A]);
        assert_ne!(a.refresh_token("s", 1), a.refresh_token("s", 2));
        assert_ne!(a.refresh_token("s", 1), a.refresh_token("t", 1));
        assert_ne!(a.refresh_token("s", 1), keys(&[B]).refresh_token("s", 1));
        assert_eq!(a.refresh_token("s", 1).len(), 43);
    }
}
