use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Backend, PASSWORD, TestApp, bearer, problem_code, refresh_token};

async fn me_shows_the_signed_in_user(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (email, pair) = app.signed_in_user().await;
    let me = app.get_json("/v1/me", bearer(&pair)).await;
    assert_eq!(me["email"], email.as_str());
    let mut keys: Vec<_> = me.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "capture",
            "created_at",
            "email",
            "email_verified",
            "id",
            "name",
            "plan",
            "storage_quota_bytes",
            "storage_used_bytes",
            "time_zone"
        ]
    );
    assert_eq!(me["storage_used_bytes"], 0);
    assert_eq!(me["storage_quota_bytes"], 1024 * 1024 * 1024);
    assert_eq!(me["capture"]["voice"], false);
    assert_eq!(me["capture"]["reader"], "local");
}

async fn patch_me_changes_name_and_time_zone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, pair) = app.signed_in_user().await;
    let body = json!({"name": "Grace Hopper", "time_zone": "Europe/London"});
    let response = app.send(Method::PATCH, "/v1/me", bearer(&pair), Some(body)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me = app.get_json("/v1/me", bearer(&pair)).await;
    assert_eq!(
        (me["name"].as_str(), me["time_zone"].as_str()),
        (Some("Grace Hopper"), Some("Europe/London"))
    );
    // Omitted fields stay as they are.
    let response = app
        .send(
            Method::PATCH,
            "/v1/me",
            bearer(&pair),
            Some(json!({"name": "Grace"})),
        )
        .await;
    assert_eq!(
        response.json::<Value>().await.unwrap()["time_zone"],
        "Europe/London"
    );
}

async fn patch_me_refuses_bad_values_and_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, pair) = app.signed_in_user().await;
    let cases = [
        (
            json!({"name": "Ok", "time_zone": "Mars/Olympus"}),
            "invalid_time_zone",
        ),
        (json!({"name": "", "time_zone": "Europe/Paris"}), "name_required"),
        (json!({"email": "new@example.com"}), "invalid_body"),
    ];
    for (body, code) in cases {
        let response = app.send(Method::PATCH, "/v1/me", bearer(&pair), Some(body)).await;
        assert_eq!(
            problem_code(response, StatusCode::UNPROCESSABLE_ENTITY).await,
            code
        );
    }
    let me = app.get_json("/v1/me", bearer(&pair)).await;
    assert_eq!(
        (me["name"].as_str(), me["time_zone"].as_str()),
        (Some("Test User"), Some("UTC"))
    );
}

async fn changing_the_password_ends_the_other_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (email, here) = app.signed_in_user().await;
    let elsewhere = app.login_ok(&email, PASSWORD).await;
    let body = json!({"current_password": PASSWORD, "new_password": "a brand new passphrase"});
    let response = app
        .send(Method::PUT, "/v1/me/password", bearer(&here), Some(body))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    assert_eq!(
        app.get("/v1/me", Some(bearer(&here))).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get("/v1/me", Some(bearer(&elsewhere))).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let refreshed = app
        .post(
            "/v1/auth/refresh",
            json!({"refresh_token": refresh_token(&elsewhere)}),
        )
        .await;
    assert_eq!(refreshed.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.login(&email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.login_ok(&email, "a brand new passphrase").await;
    app.wait_for_email(&email, "password was changed", 1).await;
}

async fn changing_the_password_needs_the_current_one_and_a_good_new_one(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (email, pair) = app.signed_in_user().await;
    let wrong = json!({"current_password": "not my password", "new_password": "a brand new passphrase"});
    let response = app
        .send(Method::PUT, "/v1/me/password", bearer(&pair), Some(wrong))
        .await;
    assert_eq!(
        problem_code(response, StatusCode::FORBIDDEN).await,
        "wrong_password"
    );
    let weak = json!({"current_password": PASSWORD, "new_password": "short"});
    let response = app
        .send(Method::PUT, "/v1/me/password", bearer(&pair), Some(weak))
        .await;
    assert_eq!(
        problem_code(response, StatusCode::UNPROCESSABLE_ENTITY).await,
        "password_too_short"
    );
    app.login_ok(&email, PASSWORD).await;
}

async fn deleting_the_account_removes_it_and_everything_it_owns(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (email, pair) = app.signed_in_user().await;
    let (_, other) = app.signed_in_user().await;
    let response = app.delete_account(bearer(&pair)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    assert_eq!(
        app.get("/v1/me", Some(bearer(&pair))).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(&email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM refresh_tokens").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM email_tokens").await, 1);
    assert_eq!(
        app.get("/v1/me", Some(bearer(&other))).await.status(),
        StatusCode::OK
    );
}

async fn deleting_the_account_needs_the_password(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, pair) = app.signed_in_user().await;
    let body = Some(json!({"password": "not my password"}));
    let response = app.send(Method::DELETE, "/v1/me", bearer(&pair), body).await;
    assert_eq!(
        problem_code(response, StatusCode::FORBIDDEN).await,
        "wrong_password"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
}

crate::on_both_backends!(
    me_shows_the_signed_in_user,
    patch_me_changes_name_and_time_zone,
    patch_me_refuses_bad_values_and_changes_nothing,
    changing_the_password_ends_the_other_sessions,
    changing_the_password_needs_the_current_one_and_a_good_new_one,
    deleting_the_account_removes_it_and_everything_it_owns,
    deleting_the_account_needs_the_password,
);
