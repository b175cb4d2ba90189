//! AWS Signature Version 4: the `Authorization` header of a request, or the query of a
//! presigned URL. The algorithm is AWS's published one (canonical request, string to
//! sign, a key derived from the secret by date, region and service); its tests are AWS's
//! own worked examples, and s3s-fs, which verifies signatures and expiry, checks it live.
//!
//! Paths are signed as they are sent, each segment encoded once (S3's rule; the other
//! services' double encoding is the same for the unreserved characters our paths use).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest, Sha256};

use super::credentials::Keys;
use crate::platform::crypto::hmac_sha256;

/// The SHA-256 of an empty payload, as SigV4 writes it.
pub const EMPTY_PAYLOAD_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The payload hash of a presigned URL: the body is not known when signing.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Everything but `A–Z a–z 0–9 - _ . ~` is percent-encoded (RFC 3986's unreserved set).
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Encodes `value` as SigV4 wants a query key, a query value or a path segment.
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, RESERVED).to_string()
}

/// Where a signature is valid: a region and a service (`s3`, `ses`).
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub region: &'a str,
    pub service: &'a str,
}

/// What is signed of a request. `path` is as sent (already encoded); `query` holds the
/// pairs unencoded; `headers` have lower-case names and include `host`.
#[derive(Debug, Clone)]
pub struct Parts {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
}

impl Parts {
    /// The query as sent and as signed: encoded pairs sorted by key, then value.
    pub fn query_string(&self) -> String {
        let mut pairs: Vec<(String, String)> = self
            .query
            .iter()
            .map(|(key, value)| (encode(key), encode(value)))
            .collect();
        pairs.sort();
        pairs
            .iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    fn canonical_headers(&self) -> (String, String) {
        let mut headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
                (name.to_ascii_lowercase(), value)
            })
            .collect();
        headers.sort();
        let canonical = headers
            .iter()
            .map(|(name, value)| format!("{name}:{value}\n"))
            .collect();
        let signed = headers
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>()
            .join(";");
        (canonical, signed)
    }

    fn canonical_request(&self, payload_sha256: &str) -> (String, String) {
        let (headers, signed) = self.canonical_headers();
        let request = format!(
            "{}\n{}\n{}\n{headers}\n{signed}\n{payload_sha256}",
            self.method,
            self.path,
            self.query_string()
        );
        (request, signed)
    }
}

/// Signs requests with one set of keys, in one scope, at one instant.
pub struct Signer<'a> {
    pub keys: &'a Keys,
    pub scope: Scope<'a>,
    /// The signing instant (AWS's clock, not a test's); seconds count, not their fractions.
    pub at: jiff::Timestamp,
}

impl Signer<'_> {
    /// Adds `x-amz-date` (and the session token) to the signed headers, then the
    /// `authorization` header itself (not signed).
    pub fn sign_headers(&self, parts: &mut Parts, payload_sha256: &str) {
        parts.headers.push(("x-amz-date".into(), self.amz_date()));
        if let Some(token) = &self.keys.session_token {
            parts
                .headers
                .push(("x-amz-security-token".into(), token.expose().to_string()));
        }
        let (request, signed) = parts.canonical_request(payload_sha256);
        let signature = self.signature(&request);
        let authorization = format!(
            "{ALGORITHM} Credential={}/{}, SignedHeaders={signed}, Signature={signature}",
            self.keys.access_key_id,
            self.credential_scope()
        );
        parts.headers.push(("authorization".into(), authorization));
    }

    /// The query of a URL valid for `expires_secs`: the pairs of `parts` with the `X-Amz-*`
    /// ones added, and the signature last. The headers in `parts` are signed: a client
    /// must send them unchanged.
    pub fn presign(&self, parts: &mut Parts, expires_secs: u64) -> String {
        let (_, signed) = parts.canonical_headers();
        let credential = format!("{}/{}", self.keys.access_key_id, self.credential_scope());
        parts.query.extend([
            ("X-Amz-Algorithm".into(), ALGORITHM.into()),
            ("X-Amz-Credential".into(), credential),
            ("X-Amz-Date".into(), self.amz_date()),
            ("X-Amz-Expires".into(), expires_secs.to_string()),
            ("X-Amz-SignedHeaders".into(), signed),
        ]);
        if let Some(token) = &self.keys.session_token {
            parts
                .query
                .push(("X-Amz-Security-Token".into(), token.expose().to_string()));
        }
        let (request, _) = parts.canonical_request(UNSIGNED_PAYLOAD);
        let signature = self.signature(&request);
        format!("{}&X-Amz-Signature={signature}", parts.query_string())
    }

    fn amz_date(&self) -> String {
        self.at.strftime("%Y%m%dT%H%M%SZ").to_string()
    }

    fn date(&self) -> String {
        self.at.strftime("%Y%m%d").to_string()
    }

    fn credential_scope(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date(),
            self.scope.region,
            self.scope.service
        )
    }

    fn signature(&self, canonical_request: &str) -> String {
        let string_to_sign = format!(
            "{ALGORITHM}\n{}\n{}\n{}",
            self.amz_date(),
            self.credential_scope(),
            hex::encode(Sha256::digest(canonical_request.as_bytes()))
        );
        let secret = format!("AWS4{}", self.keys.secret_access_key.expose());
        let key = [
            self.date().as_str(),
            self.scope.region,
            self.scope.service,
            "aws4_request",
        ]
        .iter()
        .fold(secret.into_bytes(), |key, part| {
            hmac_sha256(&key, part.as_bytes()).to_vec()
        });
        hex::encode(hmac_sha256(&key, string_to_sign.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    /// The keys of AWS's documentation examples.
    fn example_keys(session_token: Option<&str>) -> Keys {
        Keys {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            session_token: session_token.map(Secret::new),
        }
    }

    fn example_signer(keys: &Keys) -> Signer<'_> {
        Signer {
            keys,
            scope: Scope {
                region: "us-east-1",
                service: "s3",
            },
            at: "2013-05-24T00:00:00Z".parse().unwrap(),
        }
    }

    fn parts(method: &str, path: &str, headers: &[(&str, &str)]) -> Parts {
        Parts {
            method: method.into(),
            path: path.into(),
            query: Vec::new(),
            headers: headers
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
        }
    }

    fn header<'a>(parts: &'a Parts, name: &str) -> &'a str {
        &parts.headers.iter().find(|(n, _)| n == name).unwrap().1
    }

    #[test]
    fn a_get_object_request_is_signed_as_in_the_s3_documentation() {
        // "Example: GET Object" of the S3 API reference's header-based SigV4 examples.
        let keys = example_keys(None);
        let mut request = parts(
            "GET",
            "/test.txt",
            &[
                ("host", "examplebucket.s3.amazonaws.com"),
                ("range", "bytes=0-9"),
                ("x-amz-content-sha256", EMPTY_PAYLOAD_SHA256),
            ],
        );
        example_signer(&keys).sign_headers(&mut request, EMPTY_PAYLOAD_SHA256);
        assert_eq!(
            header(&request, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
        assert_eq!(header(&request, "x-amz-date"), "20130524T000000Z");
    }

    #[test]
    fn a_presigned_get_is_signed_as_in_the_s3_documentation() {
        // "Example: presigned URL" of the S3 API reference's query-string SigV4 example.
        let keys = example_keys(None);
        let mut request = parts("GET", "/test.txt", &[("host", "examplebucket.s3.amazonaws.com")]);
        assert_eq!(
            example_signer(&keys).presign(&mut request, 86400),
            "X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
             &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
             &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        );
    }

    #[test]
    fn a_session_token_is_signed_and_sent() {
        let keys = example_keys(Some("the-session-token"));
        let mut request = parts("GET", "/test.txt", &[("host", "examplebucket.s3.amazonaws.com")]);
        example_signer(&keys).sign_headers(&mut request, EMPTY_PAYLOAD_SHA256);
        assert_eq!(header(&request, "x-amz-security-token"), "the-session-token");
        assert!(
            header(&request, "authorization").contains("SignedHeaders=host;x-amz-date;x-amz-security-token,")
        );

        let mut presigned = parts("GET", "/test.txt", &[("host", "examplebucket.s3.amazonaws.com")]);
        let query = example_signer(&keys).presign(&mut presigned, 60);
        assert!(
            query.contains("X-Amz-Security-Token=the-session-token"),
            "{query}"
        );
    }

    #[test]
    fn the_signature_changes_with_every_signed_part() {
        let keys = example_keys(None);
        let signature = |method, path: &str, header: (&str, &str), at: &str| {
            let mut request = parts(
                method,
                path,
                &[("host", "examplebucket.s3.amazonaws.com"), header],
            );
            let mut signer = example_signer(&keys);
            signer.at = at.parse().unwrap();
            let query = signer.presign(&mut request, 60);
            query.rsplit_once("X-Amz-Signature=").unwrap().1.to_string()
        };
        let day = "2013-05-24T00:00:00Z";
        let base = signature("PUT", "/a", ("content-type", "application/pdf"), day);
        assert_ne!(
            base,
            signature("GET", "/a", ("content-type", "application/pdf"), day)
        );
        assert_ne!(
            base,
            signature("PUT", "/b", ("content-type", "application/pdf"), day)
        );
        assert_ne!(base, signature("PUT", "/a", ("content-type", "text/html"), day));
        assert_ne!(
            base,
            signature(
                "PUT",
                "/a",
                ("content-type", "application/pdf"),
                "2013-05-24T00:00:01Z"
            )
        );
        assert_eq!(
            base,
            signature("PUT", "/a", ("content-type", "application/pdf"), day)
        );
    }

    #[test]
    fn query_values_are_encoded_once_and_sorted() {
        let mut request = parts("GET", "/k", &[]);
        request.query = vec![
            ("response-content-type".into(), "application/pdf".into()),
            (
                "response-content-disposition".into(),
                "attachment; filename=\"my passport ü.pdf\"".into(),
            ),
        ];
        assert_eq!(
            request.query_string(),
            "response-content-disposition=attachment%3B%20filename%3D%22my%20passport%20%C3%BC.pdf%22\
             &response-content-type=application%2Fpdf"
        );
        assert_eq!(encode("a-b_c.d~e"), "a-b_c.d~e");
    }
}
