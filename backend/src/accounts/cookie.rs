//! The refresh token in a cookie, for the web app: a browser keeps the access token in
//! memory only and the refresh token where no script can read it.
//!
//! The cookie is `HttpOnly; Secure; SameSite=Strict` (`Secure` on an https API: see
//! [`RefreshCookie`]), scoped to `/v1/auth` (sent to the
//! refresh and sign-out endpoints only), on the API's origin, and rotated on every
//! refresh like the token in it. A sign-in asks for it (`refresh_cookie: true`); a refresh
//! without a token in its body reads it. Spending it is a state change made with ambient
//! credentials, so it also needs two proofs that the request comes from the web app
//! itself: an `Origin` that is `APP_URL` (or the API's own, when the binary serves the app)
//! and the `X-Softly-CSRF` header, which a form or a simple cross-site request cannot
//! carry and which makes any other origin's request preflighted (and refused by CORS).

use axum::http::header::{COOKIE, HOST, ORIGIN};
use axum::http::{HeaderMap, HeaderValue};

use crate::http::CSRF_HEADER;

/// The cookie's name.
pub const NAME: &str = "softly_refresh";
/// As long as a session can live.
const MAX_AGE_SECS: i64 = 30 * 24 * 3600;

/// How this deployment writes the cookie.
///
/// `Secure` whenever the API is served over HTTPS (production always is). An embedded
/// default reached over plain HTTP (`http://192.168.1.10:3000` on a home server) leaves it
/// out: browsers refuse a `Secure` cookie from such an origin, which would sign everyone
/// out on every reload, and there is no TLS for the flag to insist on.
#[derive(Debug, Clone, Copy)]
pub struct RefreshCookie {
    secure: bool,
}

impl RefreshCookie {
    /// For an API at `api_url`.
    pub fn for_origin(api_url: &str) -> Self {
        Self {
            secure: api_url.starts_with("https://"),
        }
    }

    /// `Set-Cookie` carrying `token`.
    pub fn set(self, token: &str) -> HeaderValue {
        HeaderValue::from_str(&self.line(token, MAX_AGE_SECS)).expect("refresh tokens are URL-safe")
    }

    /// `Set-Cookie` removing the cookie.
    pub fn clear(self) -> HeaderValue {
        HeaderValue::from_str(&self.line("", 0)).expect("a fixed line")
    }

    fn line(self, token: &str, max_age: i64) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!("{NAME}={token}; Path=/v1/auth; Max-Age={max_age}; HttpOnly{secure}; SameSite=Strict")
    }
}

/// The refresh token in the request's cookies, if any.
pub fn read(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == NAME)
        .map(|(_, token)| token.trim().to_string())
        .filter(|token| !token.is_empty())
}

/// Whether the request comes from the web app: its `Origin` is `app_url` or the origin it
/// was sent to (the binary serving the app itself), and it carries [`CSRF_HEADER`].
pub fn from_the_app(headers: &HeaderMap, app_url: &str) -> bool {
    let Some(origin) = headers.get(ORIGIN).and_then(|o| o.to_str().ok()) else {
        return false;
    };
    let own = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| origin.split_once("://").is_some_and(|(_, rest)| rest == host));
    (origin == app_url || own) && headers.contains_key(CSRF_HEADER)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn the_token_is_read_from_among_other_cookies() {
        let request = headers(&[("cookie", "theme=dark; softly_refresh=abc_123; other=1")]);
        assert_eq!(read(&request).as_deref(), Some("abc_123"));
        assert_eq!(read(&headers(&[("cookie", "softly_refresh=")])), None);
        assert_eq!(read(&headers(&[])), None);
        let production = RefreshCookie::for_origin("https://api.mysoftly.app");
        assert_eq!(
            production.set("t").to_str().unwrap(),
            "softly_refresh=t; Path=/v1/auth; Max-Age=2592000; HttpOnly; Secure; SameSite=Strict"
        );
        assert!(production.clear().to_str().unwrap().contains("Max-Age=0; HttpOnly; Secure"));
        let plain_http = RefreshCookie::for_origin("http://192.168.1.10:3000");
        assert_eq!(
            plain_http.set("t").to_str().unwrap(),
            "softly_refresh=t; Path=/v1/auth; Max-Age=2592000; HttpOnly; SameSite=Strict"
        );
    }

    #[test]
    fn only_the_apps_origin_or_the_servers_own_with_the_header_passes() {
        let app = "https://app.mysoftly.app";
        let ok = headers(&[("origin", app), ("x-softly-csrf", "1")]);
        assert!(from_the_app(&ok, app));
        let served = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
            ("x-softly-csrf", "1"),
        ]);
        assert!(from_the_app(&served, app));
        for refused in [
            headers(&[("origin", app)]),
            headers(&[("origin", "https://evil.example"), ("x-softly-csrf", "1")]),
            headers(&[("x-softly-csrf", "1")]),
            headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:4000"),
                ("x-softly-csrf", "1"),
            ]),
        ] {
            assert!(!from_the_app(&refused, app), "{refused:?}");
        }
    }
}
