//! Random tokens and keyed hashes shared by every capability.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::SecretKeyBases;

/// A URL-safe token of 256 random bits.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a high-entropy token, hex-encoded: what the database stores instead of it.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// HMAC-SHA256 of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// URL-safe base64 without padding.
pub fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Signs short texts for one purpose (device tokens, emailed action links, calendar
/// feed addresses) under the current `SECRET_KEY_BASE`, and checks signatures under it or
/// any previous one still accepted while the secret rotates. Each purpose has its own
/// key, so a signature made for one is worthless for another.
#[derive(Clone)]
pub struct Signer {
    /// One key per secret, the current first.
    keys: Vec<[u8; 32]>,
}

impl Signer {
    pub fn new(secrets: &SecretKeyBases, purpose: &str) -> Self {
        let keys = secrets
            .all()
            .map(|secret| hmac_sha256(secret.expose().as_bytes(), purpose.as_bytes()))
            .collect();
        Self { keys }
    }

    /// The signature of `body`, URL-safe.
    pub fn sign(&self, body: &str) -> String {
        base64url(&hmac_sha256(&self.keys[0], body.as_bytes()))
    }

    /// Whether `signature` was made for `body` under any accepted secret, compared in
    /// constant time.
    pub fn verify(&self, body: &str, signature: &str) -> bool {
        self.keys.iter().any(|key| {
            let expected = base64url(&hmac_sha256(key, body.as_bytes()));
            bool::from(expected.as_bytes().ct_eq(signature.as_bytes()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_tokens_carry_256_bits_and_differ() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
    }

    #[test]
    fn a_signature_holds_for_its_purpose_and_any_accepted_secret_only() {
        use crate::config::Secret;
        let keys = |current: &str, previous: &[&str]| SecretKeyBases {
            current: Secret::new(current.to_string()),
            previous: previous.iter().map(|p| Secret::new(p.to_string())).collect(),
        };
        let old = keys(&"a".repeat(32), &[]);
        let rotated = keys(&"b".repeat(32), &[&"a".repeat(32)]);
        let signature = Signer::new(&old, "purpose one").sign("body");
        assert!(Signer::new(&old, "purpose one").verify("body", &signature));
        assert!(Signer::new(&rotated, "purpose one").verify("body", &signature));
        assert!(!Signer::new(&old, "purpose one").verify("other body", &signature));
        assert!(!Signer::new(&old, "purpose two").verify("body", &signature));
        assert!(!Signer::new(&keys(&"b".repeat(32), &[]), "purpose one").verify("body", &signature));
    }

    #[test]
    fn token_hashes_are_stable_hex() {
        assert_eq!(token_hash("abc").len(), 64);
        assert_eq!(token_hash("abc"), token_hash("abc"));
    }
}
