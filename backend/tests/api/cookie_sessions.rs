//! The web app's sessions: the refresh token in an `HttpOnly` cookie, spent only by calls
//! that prove they come from the app, rotated on every use; sign-out everywhere.

use reqwest::header::{HeaderMap, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{APP_URL, Backend, PASSWORD, TestApp, bearer, problem_code};

/// The `softly_refresh` value a response sets ("" when it removes it), and its attributes.
fn set_cookie(headers: &HeaderMap) -> Option<(String, String)> {
    let raw = headers.get(SET_COOKIE)?.to_str().unwrap();
    let (pair, attributes) = raw.split_once(';').unwrap_or((raw, ""));
    let value = pair.strip_prefix("softly_refresh=")?;
    Some((value.to_string(), attributes.trim().to_string()))
}

async fn cookie_login(app: &TestApp, email: &str) -> (Value, String) {
    let response = app
        .post(
            "/v1/auth/login",
            json!({"email": email, "password": PASSWORD, "refresh_cookie": true}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let (cookie, attributes) = set_cookie(response.headers()).expect("the login sets the cookie");
    for attribute in ["Path=/v1/auth", "HttpOnly", "SameSite=Strict"] {
        assert!(
            attributes.contains(attribute),
            "{attribute} missing: {attributes}"
        );
    }
    // The test API is at http://localhost: a Secure cookie would be refused there.
    assert!(!attributes.contains("Secure"), "{attributes}");
    let pair: Value = response.json().await.unwrap();
    assert!(
        pair.get("refresh_token").is_none(),
        "the body must not carry it: {pair}"
    );
    (pair, cookie)
}

/// A refresh by cookie; `origin` and `csrf` as a browser would (or would not) send them.
async fn cookie_refresh(app: &TestApp, cookie: &str, origin: Option<&str>, csrf: bool) -> reqwest::Response {
    let mut request = app
        .request(Method::POST, "/v1/auth/refresh")
        .header("cookie", format!("theme=dark; softly_refresh={cookie}"));
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    if csrf {
        request = request.header("x-softly-csrf", "1");
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_cookie_session_refreshes_from_the_app_and_rotates_the_cookie() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (email, _) = app.signed_in_user().await;
    let (_, first) = cookie_login(&app, &email).await;

    let response = cookie_refresh(&app, &first, Some(APP_URL), true).await;
    assert_eq!(response.status(), StatusCode::OK);
    let (second, _) = set_cookie(response.headers()).expect("a new cookie");
    assert_ne!(second, first);
    let pair: Value = response.json().await.unwrap();
    assert!(pair.get("refresh_token").is_none());
    assert_eq!(
        app.get("/v1/me", Some(bearer(&pair))).await.status(),
        StatusCode::OK
    );

    // The rotated cookie works; the spent one, replayed after the grace, ends the session
    // and its answer removes the cookie.
    assert_eq!(
        cookie_refresh(&app, &second, Some(APP_URL), true).await.status(),
        StatusCode::OK
    );
    app.clock.advance(std::time::Duration::from_secs(11));
    let replayed = cookie_refresh(&app, &first, Some(APP_URL), true).await;
    assert_eq!(set_cookie(replayed.headers()).map(|c| c.0).as_deref(), Some(""));
    assert_eq!(
        problem_code(replayed, StatusCode::UNAUTHORIZED).await,
        "refresh_token_reused"
    );
}

#[tokio::test]
async fn an_api_served_over_https_marks_the_cookie_secure() {
    let app = TestApp::spawn_with(Backend::Sqlite, &[("API_URL", "https://api.softly.test")]).await;
    let (email, _) = app.signed_in_user().await;
    let response = app
        .post(
            "/v1/auth/login",
            json!({"email": email, "password": PASSWORD, "refresh_cookie": true}),
        )
        .await;
    let (_, attributes) = set_cookie(response.headers()).unwrap();
    assert!(
        attributes.contains("HttpOnly; Secure; SameSite=Strict"),
        "{attributes}"
    );
}

#[tokio::test]
async fn a_cookie_refresh_without_the_apps_origin_and_header_is_refused_and_spends_nothing() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (email, _) = app.signed_in_user().await;
    let (_, cookie) = cookie_login(&app, &email).await;
    for (origin, csrf) in [
        (Some(APP_URL), false),
        (Some("https://evil.example"), true),
        (None, true),
        (None, false),
    ] {
        let response = cookie_refresh(&app, &cookie, origin, csrf).await;
        assert!(set_cookie(response.headers()).is_none(), "{origin:?} {csrf}");
        assert_eq!(
            problem_code(response, StatusCode::FORBIDDEN).await,
            "csrf_refused"
        );
    }
    // Nothing was spent: the app's own refresh still works.
    assert_eq!(
        cookie_refresh(&app, &cookie, Some(APP_URL), true).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_cookie_refresh_without_a_cookie_or_with_an_unknown_one_is_401_and_clears_it() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let none = app
        .request(Method::POST, "/v1/auth/refresh")
        .header("origin", APP_URL)
        .header("x-softly-csrf", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(set_cookie(none.headers()).map(|c| c.0).as_deref(), Some(""));
    assert_eq!(
        problem_code(none, StatusCode::UNAUTHORIZED).await,
        "invalid_refresh_token"
    );
    let unknown = cookie_refresh(&app, "not-a-token", Some(APP_URL), true).await;
    assert_eq!(set_cookie(unknown.headers()).map(|c| c.0).as_deref(), Some(""));
    assert_eq!(
        problem_code(unknown, StatusCode::UNAUTHORIZED).await,
        "invalid_refresh_token"
    );
}

#[tokio::test]
async fn a_token_in_the_body_still_works_and_can_move_into_the_cookie() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (_, pair) = app.signed_in_user().await;
    let token = pair["refresh_token"].as_str().unwrap();
    let response = app
        .post(
            "/v1/auth/refresh",
            json!({"refresh_token": token, "refresh_cookie": true}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(set_cookie(response.headers()).is_some_and(|(value, _)| !value.is_empty()));
    let moved: Value = response.json().await.unwrap();
    assert!(moved.get("refresh_token").is_none());
}

#[tokio::test]
async fn sign_out_clears_the_cookie_and_sign_out_everywhere_ends_every_session() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (email, phone) = app.signed_in_user().await;
    let (laptop, laptop_cookie) = cookie_login(&app, &email).await;
    let (tablet, _) = cookie_login(&app, &email).await;

    let signed_out = app
        .send(Method::POST, "/v1/auth/logout", bearer(&tablet), None)
        .await;
    assert_eq!(signed_out.status(), StatusCode::NO_CONTENT);
    assert_eq!(set_cookie(signed_out.headers()).map(|c| c.0).as_deref(), Some(""));
    assert_eq!(
        app.get("/v1/me", Some(bearer(&phone))).await.status(),
        StatusCode::OK
    );

    let everywhere = app
        .send(Method::DELETE, "/v1/sessions", bearer(&laptop), None)
        .await;
    assert_eq!(everywhere.status(), StatusCode::NO_CONTENT);
    assert_eq!(set_cookie(everywhere.headers()).map(|c| c.0).as_deref(), Some(""));
    for pair in [&phone, &laptop] {
        assert_eq!(
            app.get("/v1/me", Some(bearer(pair))).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let refreshed = cookie_refresh(&app, &laptop_cookie, Some(APP_URL), true).await;
    assert_eq!(
        problem_code(refreshed, StatusCode::UNAUTHORIZED).await,
        "invalid_refresh_token"
    );
    assert_eq!(
        app.request(Method::DELETE, "/v1/sessions")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn cors_lets_exactly_the_app_send_credentials_and_the_csrf_header() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let preflight = |origin: &'static str| {
        app.request(Method::OPTIONS, "/v1/auth/refresh")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,x-softly-csrf")
            .send()
    };
    let allowed = preflight(APP_URL).await.unwrap();
    let headers = allowed.headers();
    assert_eq!(headers["access-control-allow-origin"], APP_URL);
    assert_eq!(headers["access-control-allow-credentials"], "true");
    assert!(
        headers["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("x-softly-csrf")
    );
    let refused = preflight("https://evil.example").await.unwrap();
    // Without an allowed origin a browser sends nothing, whatever else the answer says.
    assert!(refused.headers().get("access-control-allow-origin").is_none());
}
