use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Backend, PASSWORD, TestApp, bearer, problem_code};

async fn the_emailed_link_verifies_the_address_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.signup_and_verification_token("ada@example.com").await;
    let response = app.post("/v1/auth/verify-email", json!({"token": token})).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<Value>().await.unwrap()["user"]["email_verified"],
        true
    );

    let again = app.post("/v1/auth/verify-email", json!({"token": token})).await;
    assert_eq!(
        problem_code(again, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_link"
    );
    let pair = app.login_ok("ada@example.com", PASSWORD).await;
    assert_eq!(pair["user"]["email_verified"], true);
}

async fn an_unknown_or_expired_token_verifies_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.signup_and_verification_token("ada@example.com").await;
    let unknown = app.post("/v1/auth/verify-email", json!({"token": "nope"})).await;
    assert_eq!(
        problem_code(unknown, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_link"
    );

    // The link works for 24 hours.
    app.clock.advance(std::time::Duration::from_secs(24 * 3600 + 1));
    let expired = app.post("/v1/auth/verify-email", json!({"token": token})).await;
    assert_eq!(
        problem_code(expired, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_link"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email_verified_at IS NOT NULL")
            .await,
        0
    );
}

async fn a_verification_link_lives_twenty_four_hours(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.signup_and_verification_token("ada@example.com").await;
    let one_day = "SELECT COUNT(*) FROM email_tokens WHERE purpose = 'verify_email' AND expires_at - created_at = 86400000";
    assert_eq!(app.count(one_day).await, 1);
}

async fn a_signed_in_user_can_ask_for_the_email_again(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (email, pair) = app.signed_in_user().await;
    app.wait_for_email(&email, "Confirm", 1).await;
    let response = app
        .send(Method::POST, "/v1/auth/verify-email/resend", bearer(&pair), None)
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let token = app
        .wait_for_email(&email, "Confirm", 2)
        .await
        .token("/verify-email");
    assert_eq!(
        app.post("/v1/auth/verify-email", json!({"token": token}))
            .await
            .status(),
        StatusCode::OK
    );

    let verified = app
        .send(Method::POST, "/v1/auth/verify-email/resend", bearer(&pair), None)
        .await;
    assert_eq!(
        problem_code(verified, StatusCode::CONFLICT).await,
        "email_already_verified"
    );
}

async fn resending_needs_a_signed_in_user(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .request(Method::POST, "/v1/auth/verify-email/resend")
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem_code(response, StatusCode::UNAUTHORIZED).await,
        "missing_token"
    );
}

crate::on_both_backends!(
    the_emailed_link_verifies_the_address_once,
    an_unknown_or_expired_token_verifies_nothing,
    a_verification_link_lives_twenty_four_hours,
    a_signed_in_user_can_ask_for_the_email_again,
    resending_needs_a_signed_in_user,
);
