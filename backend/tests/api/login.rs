use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Backend, PASSWORD, TestApp, bearer, problem_code};

async fn login_returns_a_bearer_token_pair(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.signup("ada@example.com", PASSWORD, "Ada").await;
    let pair = app.login_ok("ADA@example.com", PASSWORD).await;
    assert_eq!(pair["token_type"], "Bearer");
    assert_eq!(pair["expires_in"], 900);
    assert_eq!(pair["user"]["email"], "ada@example.com");
    assert_eq!(pair["refresh_token"].as_str().unwrap().len(), 43);
    let me = app.get_json("/v1/me", bearer(&pair)).await;
    assert_eq!(me["email"], "ada@example.com");
}

async fn a_wrong_password_and_an_unknown_email_get_identical_answers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.signup("ada@example.com", PASSWORD, "Ada").await;
    let wrong = app.login("ada@example.com", "not the password at all").await;
    let unknown = app.login("nobody@example.com", "not the password at all").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.headers()["www-authenticate"],
        unknown.headers()["www-authenticate"]
    );
    assert_eq!(wrong.text().await.unwrap(), unknown.text().await.unwrap());
}

async fn a_malformed_email_is_a_422_not_a_401(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.login("no-at-sign", PASSWORD).await;
    assert_eq!(
        problem_code(response, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_email"
    );
}

async fn ten_failed_logins_lock_the_account_for_a_while(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.signup("ada@example.com", PASSWORD, "Ada").await;
    for _ in 0..10 {
        assert_eq!(
            app.login("ada@example.com", "wrong password here").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let limited = app.login("ada@example.com", PASSWORD).await;
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after));
    assert_eq!(
        problem_code(limited, StatusCode::TOO_MANY_REQUESTS).await,
        "rate_limited"
    );
    // Other accounts are not affected.
    app.signup("bob@example.com", PASSWORD, "Bob").await;
    app.login_ok("bob@example.com", PASSWORD).await;
}

async fn successful_logins_do_not_count_towards_the_limit(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.signup("ada@example.com", PASSWORD, "Ada").await;
    for _ in 0..9 {
        app.login("ada@example.com", "wrong password here").await;
    }
    for _ in 0..3 {
        app.login_ok("ada@example.com", PASSWORD).await;
    }
}

async fn failures_from_one_address_are_limited_across_accounts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for n in 0..50 {
        let email = format!("guess{n}@example.com");
        assert_eq!(
            app.login(&email, "wrong password here").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let limited = app.login("one-more@example.com", "wrong password here").await;
    assert_eq!(
        problem_code(limited, StatusCode::TOO_MANY_REQUESTS).await,
        "rate_limited"
    );
}

async fn forwarded_addresses_count_only_from_trusted_proxies(backend: Backend) {
    let login = |app: &TestApp, forwarded: &'static str| {
        app.request(Method::POST, "/v1/auth/login")
            .header("x-forwarded-for", forwarded)
            .header("cf-connecting-ip", forwarded)
            .json(&json!({"email": "ada@example.com", "password": PASSWORD}))
            .send()
    };
    let untrusting = TestApp::spawn(backend.clone()).await;
    untrusting.signup("ada@example.com", PASSWORD, "Ada").await;
    let pair: Value = login(&untrusting, "198.51.100.7")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(session_ip(&untrusting, &pair).await, "127.0.0.1");

    let behind_proxy = TestApp::spawn_with(backend, &[("TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    behind_proxy.signup("ada@example.com", PASSWORD, "Ada").await;
    let pair: Value = login(&behind_proxy, "198.51.100.7")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(session_ip(&behind_proxy, &pair).await, "198.51.100.7");
}

/// The address recorded for the user's only session.
async fn session_ip(app: &TestApp, pair: &Value) -> String {
    let list = app.get_json("/v1/sessions", bearer(pair)).await;
    list["sessions"][0]["ip"].as_str().unwrap().to_string()
}

crate::on_both_backends!(
    login_returns_a_bearer_token_pair,
    a_wrong_password_and_an_unknown_email_get_identical_answers,
    a_malformed_email_is_a_422_not_a_401,
    ten_failed_logins_lock_the_account_for_a_while,
    successful_logins_do_not_count_towards_the_limit,
    failures_from_one_address_are_limited_across_accounts,
    forwarded_addresses_count_only_from_trusted_proxies,
);
