//! Upload URLs of the local-disk store: the API's own route receives the bytes,
//! authorised by an HMAC over the object key and the expiry instead of a bearer token,
//! as a presigned S3 URL is. The key derives from `SECRET_KEY_BASE`, so every replica
//! on the same disk accepts the URLs of the others.

use subtle::ConstantTimeEq;

use super::ObjectKey;
use crate::config::Secret;
use crate::platform::crypto::{base64url, hmac_sha256};

#[derive(Clone)]
pub struct UrlSigner {
    key: [u8; 32],
}

impl UrlSigner {
    pub fn new(secret_key_base: &Secret) -> Self {
        Self {
            key: hmac_sha256(
                secret_key_base.expose().as_bytes(),
                b"softly object upload url v2",
            ),
        }
    }

    pub fn signature(&self, key: &ObjectKey, expires_secs: i64) -> String {
        base64url(&hmac_sha256(
            &self.key,
            format!("PUT {key} {expires_secs}").as_bytes(),
        ))
    }

    /// Whether `signature` is ours for this key and expiry (expiry checked apart).
    pub fn verify(&self, key: &ObjectKey, expires_secs: i64, signature: &str) -> bool {
        let expected = self.signature(key, expires_secs);
        expected.as_bytes().ct_eq(signature.as_bytes()).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_binds_the_key_and_the_expiry() {
        let signer = UrlSigner::new(&Secret::new("a-secret-key-base-long-enough-for-tests-0123456789"));
        let (a, b) = (
            ObjectKey::parse("documents/u/d1/original").unwrap(),
            ObjectKey::parse("documents/u/d2/original").unwrap(),
        );
        let signature = signer.signature(&a, 100);
        assert!(signer.verify(&a, 100, &signature));
        assert!(!signer.verify(&b, 100, &signature));
        assert!(!signer.verify(&a, 101, &signature));
        assert!(!signer.verify(&a, 100, "AAAA"));
        let other = UrlSigner::new(&Secret::new("another-secret-key-base-long-enough-0123456789"));
        assert!(!other.verify(&a, 100, &signature));
    }
}
