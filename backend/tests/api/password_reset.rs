use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Backend, PASSWORD, TestApp, bearer, problem_code};

const NEW_PASSWORD: &str = "a fresh and long passphrase";

async fn forgot(app: &TestApp, email: &str) -> reqwest::Response {
    app.post("/v1/auth/password/forgot", json!({"email": email}))
        .await
}

async fn the_reset_link_sets_a_new_password_and_ends_every_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (email, pair) = app.signed_in_user().await;
    assert_eq!(forgot(&app, &email).await.status(), StatusCode::ACCEPTED);
    let token = app
        .wait_for_email(&email, "Reset your Softly password", 1)
        .await
        .token("/reset-password");

    let response = app
        .post(
            "/v1/auth/password/reset",
            json!({"token": token, "password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/v1/me", Some(bearer(&pair))).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(&email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let pair = app.login_ok(&email, NEW_PASSWORD).await;
    assert_eq!(
        pair["user"]["email_verified"], true,
        "the emailed link proves the address"
    );
    app.wait_for_email(&email, "password was changed", 1).await;

    let again = app
        .post(
            "/v1/auth/password/reset",
            json!({"token": token, "password": "yet another passphrase"}),
        )
        .await;
    assert_eq!(
        problem_code(again, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_link"
    );
}

async fn an_unknown_email_gets_the_same_answer_and_no_email(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (email, _) = app.signed_in_user().await;
    let known = forgot(&app, &email).await;
    let unknown = forgot(&app, "nobody@example.com").await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    app.wait_for_jobs().await;
    assert!(app.emails_to("nobody@example.com").is_empty());
    app.wait_for_email(&email, "Reset", 1).await;
}

async fn a_reset_needs_a_valid_token_and_a_good_password(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (email, _) = app.signed_in_user().await;
    forgot(&app, &email).await;
    let token = app
        .wait_for_email(&email, "Reset", 1)
        .await
        .token("/reset-password");

    let weak = app
        .post(
            "/v1/auth/password/reset",
            json!({"token": token, "password": "short"}),
        )
        .await;
    assert_eq!(
        problem_code(weak, StatusCode::UNPROCESSABLE_ENTITY).await,
        "password_too_short"
    );
    let bad = app
        .post(
            "/v1/auth/password/reset",
            json!({"token": "forged", "password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(
        problem_code(bad, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_link"
    );
    // The link works for one hour.
    app.clock.advance(std::time::Duration::from_secs(3600 + 1));
    let expired = app
        .post(
            "/v1/auth/password/reset",
            json!({"token": token, "password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(
        problem_code(expired, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_link"
    );
    app.login_ok(&email, PASSWORD).await;
}

async fn reset_requests_are_rate_limited_per_address(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for _ in 0..5 {
        assert_eq!(
            forgot(&app, "nobody@example.com").await.status(),
            StatusCode::ACCEPTED
        );
    }
    let limited = forgot(&app, "nobody@example.com").await;
    assert_eq!(
        problem_code(limited, StatusCode::TOO_MANY_REQUESTS).await,
        "rate_limited"
    );
}

async fn the_reset_limit_answers_alike_for_a_new_account_and_an_unused_address(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.signup("new@example.com", PASSWORD, "New").await;
    for email in ["new@example.com", "unused@example.com"] {
        for n in 0..5 {
            assert_eq!(
                forgot(&app, email).await.status(),
                StatusCode::ACCEPTED,
                "{email}, request {n}"
            );
        }
        assert_eq!(
            forgot(&app, email).await.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{email}"
        );
    }
}

async fn reset_requests_are_rate_limited_per_client_address(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for n in 0..20 {
        let response = forgot(&app, &format!("someone{n}@example.com")).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    let limited = forgot(&app, "one-more@example.com").await;
    assert_eq!(
        problem_code(limited, StatusCode::TOO_MANY_REQUESTS).await,
        "rate_limited"
    );
}

async fn a_reset_link_lives_one_hour(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (email, _) = app.signed_in_user().await;
    forgot(&app, &email).await;
    app.wait_for_email(&email, "Reset", 1).await;
    let one_hour = "SELECT COUNT(*) FROM email_tokens WHERE purpose = 'reset_password' AND expires_at - created_at = 3600000";
    assert_eq!(app.count(one_hour).await, 1);
}

async fn a_malformed_email_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .request(Method::POST, "/v1/auth/password/forgot")
        .json(&json!({"email": 42}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem_code(response, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_body"
    );
    let response = forgot(&app, "not an email").await;
    assert_eq!(
        problem_code(response, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_email"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM jobs").await, 0);
}

crate::on_both_backends!(
    the_reset_link_sets_a_new_password_and_ends_every_session,
    an_unknown_email_gets_the_same_answer_and_no_email,
    a_reset_needs_a_valid_token_and_a_good_password,
    reset_requests_are_rate_limited_per_address,
    reset_requests_are_rate_limited_per_client_address,
    the_reset_limit_answers_alike_for_a_new_account_and_an_unused_address,
    a_reset_link_lives_one_hour,
    a_malformed_email_is_refused,
);
