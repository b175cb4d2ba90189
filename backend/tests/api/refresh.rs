use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, bearer, problem_code, refresh_token};

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.post("/v1/auth/refresh", json!({"refresh_token": token}))
        .await
}

async fn a_refresh_token_buys_a_new_pair_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, first) = app.signed_in_user().await;
    let response = refresh(&app, refresh_token(&first)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let second: Value = response.json().await.unwrap();
    assert_ne!(refresh_token(&second), refresh_token(&first));
    assert_eq!(
        app.get("/v1/me", Some(bearer(&second))).await.status(),
        StatusCode::OK
    );
    let third: Value = refresh(&app, refresh_token(&second)).await.json().await.unwrap();
    assert_ne!(refresh_token(&third), refresh_token(&second));
}

async fn a_spent_token_within_the_grace_window_returns_the_current_pair(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, first) = app.signed_in_user().await;
    let second: Value = refresh(&app, refresh_token(&first)).await.json().await.unwrap();
    let again = refresh(&app, refresh_token(&first)).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.unwrap();
    assert_eq!(refresh_token(&again), refresh_token(&second));
    assert_eq!(
        app.get("/v1/me", Some(bearer(&again))).await.status(),
        StatusCode::OK
    );
    // The session goes on: the current token still rotates.
    assert_eq!(
        refresh(&app, refresh_token(&second)).await.status(),
        StatusCode::OK
    );
}

async fn concurrent_refreshes_of_one_token_agree(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, first) = app.signed_in_user().await;
    let token = refresh_token(&first).to_string();
    let attempts: Vec<_> = (0..10)
        .map(|_| {
            let request = app
                .request(Method::POST, "/v1/auth/refresh")
                .json(&json!({"refresh_token": token}));
            tokio::spawn(request.send())
        })
        .collect();
    let mut tokens = Vec::new();
    for attempt in attempts {
        let response = attempt.await.unwrap().unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        tokens.push(refresh_token(&response.json::<Value>().await.unwrap()).to_string());
    }
    tokens.dedup();
    assert_eq!(
        tokens.len(),
        1,
        "every concurrent refresh gets the same current token"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM refresh_tokens").await, 2);
}

async fn a_replay_after_the_grace_window_ends_the_whole_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, first) = app.signed_in_user().await;
    let second: Value = refresh(&app, refresh_token(&first)).await.json().await.unwrap();
    app.execute("UPDATE refresh_tokens SET spent_at = spent_at - 11000 WHERE spent_at IS NOT NULL")
        .await;

    let replay = refresh(&app, refresh_token(&first)).await;
    assert_eq!(
        problem_code(replay, StatusCode::UNAUTHORIZED).await,
        "refresh_token_reused"
    );
    let current = refresh(&app, refresh_token(&second)).await;
    assert_eq!(
        problem_code(current, StatusCode::UNAUTHORIZED).await,
        "invalid_refresh_token"
    );
    let me = app.get("/v1/me", Some(bearer(&second))).await;
    assert_eq!(problem_code(me, StatusCode::UNAUTHORIZED).await, "session_ended");
}

async fn a_replay_nine_seconds_later_is_still_within_the_grace_window(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, first) = app.signed_in_user().await;
    let second: Value = refresh(&app, refresh_token(&first)).await.json().await.unwrap();
    app.execute("UPDATE refresh_tokens SET spent_at = spent_at - 9000 WHERE spent_at IS NOT NULL")
        .await;
    let replay = refresh(&app, refresh_token(&first)).await;
    assert_eq!(replay.status(), StatusCode::OK);
    let replay: Value = replay.json().await.unwrap();
    assert_eq!(refresh_token(&replay), refresh_token(&second));
}

async fn an_unknown_refresh_token_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = refresh(&app, "not-a-token").await;
    assert_eq!(
        problem_code(response, StatusCode::UNAUTHORIZED).await,
        "invalid_refresh_token"
    );
}

async fn a_session_idle_for_seven_days_cannot_refresh(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, pair) = app.signed_in_user().await;
    app.execute("UPDATE sessions SET last_used_at = last_used_at - 604800001")
        .await;
    let response = refresh(&app, refresh_token(&pair)).await;
    assert_eq!(
        problem_code(response, StatusCode::UNAUTHORIZED).await,
        "invalid_refresh_token"
    );
}

async fn a_session_idle_just_under_seven_days_still_refreshes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, pair) = app.signed_in_user().await;
    app.execute("UPDATE sessions SET last_used_at = last_used_at - 604740000")
        .await;
    assert_eq!(refresh(&app, refresh_token(&pair)).await.status(), StatusCode::OK);
}

async fn a_session_lives_thirty_days_from_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.signed_in_user().await;
    let lifetimes = app
        .count("SELECT COUNT(*) FROM sessions WHERE expires_at - created_at = 2592000000")
        .await;
    assert_eq!(lifetimes, 1);
}

async fn a_session_past_thirty_days_cannot_refresh(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, pair) = app.signed_in_user().await;
    app.execute("UPDATE sessions SET expires_at = created_at").await;
    let response = refresh(&app, refresh_token(&pair)).await;
    assert_eq!(
        problem_code(response, StatusCode::UNAUTHORIZED).await,
        "invalid_refresh_token"
    );
}

async fn logout_ends_the_session_and_its_refresh_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, pair) = app.signed_in_user().await;
    let response = app
        .send(Method::POST, "/v1/auth/logout", bearer(&pair), None)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let me = app.get("/v1/me", Some(bearer(&pair))).await;
    assert_eq!(problem_code(me, StatusCode::UNAUTHORIZED).await, "session_ended");
    let refreshed = refresh(&app, refresh_token(&pair)).await;
    assert_eq!(
        problem_code(refreshed, StatusCode::UNAUTHORIZED).await,
        "invalid_refresh_token"
    );
}

crate::on_both_backends!(
    a_refresh_token_buys_a_new_pair_once,
    a_spent_token_within_the_grace_window_returns_the_current_pair,
    concurrent_refreshes_of_one_token_agree,
    a_replay_after_the_grace_window_ends_the_whole_session,
    a_replay_nine_seconds_later_is_still_within_the_grace_window,
    an_unknown_refresh_token_is_refused,
    a_session_idle_just_under_seven_days_still_refreshes,
    a_session_lives_thirty_days_from_sign_in,
    a_session_idle_for_seven_days_cannot_refresh,
    a_session_past_thirty_days_cannot_refresh,
    logout_ends_the_session_and_its_refresh_token,
);
