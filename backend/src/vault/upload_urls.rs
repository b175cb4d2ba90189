//! Upload URLs of the embedded default: the API's own `PUT …/content` route, authorised
//! by an HMAC over the upload id and the expiry instead of a bearer token, like a
//! presigned S3 URL.

use subtle::ConstantTimeEq;

use crate::config::Secret;
use crate::platform::crypto::{base64url, hmac_sha256};

#[derive(Clone)]
pub struct UploadUrls {
    key: [u8; 32],
}

impl UploadUrls {
    pub fn new(secret_key_base: &Secret) -> Self {
        Self {
            key: hmac_sha256(secret_key_base.expose().as_bytes(), b"softly upload url v1"),
        }
    }

    pub fn signature(&self, upload_id: &str, expires_secs: i64) -> String {
        base64url(&hmac_sha256(
            &self.key,
            format!("{upload_id}:{expires_secs}").as_bytes(),
        ))
    }

    /// Whether `signature` is ours for this upload and expiry (expiry checked apart).
    pub fn verify(&self, upload_id: &str, expires_secs: i64, signature: &str) -> bool {
        let expected = self.signature(upload_id, expires_secs);
        expected.as_bytes().ct_eq(signature.as_bytes()).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_binds_the_upload_and_the_expiry() {
        let urls = UploadUrls::new(&Secret::new("a-secret-key-base-long-enough-for-tests-0123456789"));
        let signature = urls.signature("u1", 100);
        assert!(urls.verify("u1", 100, &signature));
        assert!(!urls.verify("u2", 100, &signature));
        assert!(!urls.verify("u1", 101, &signature));
        assert!(!urls.verify("u1", 100, "AAAA"));
    }
}
