use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
/// A day, in milliseconds.
const DAY_MS: u64 = 24 * 3600 * 1000;

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
    app.clock.advance(Duration::from_secs(11));

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
    app.clock.advance(Duration::from_secs(9));
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
    app.clock.advance(Duration::from_millis(7 * DAY_MS + 1));
    let response = refresh(&app, refresh_token(&pair)).await;
    assert_eq!(
        problem_code(response, StatusCode::UNAUTHORIZED).await,
        "invalid_refresh_token"
    );
}

async fn a_session_idle_just_under_seven_days_still_refreshes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, pair) = app.signed_in_user().await;
    app.clock.advance(Duration::from_millis(7 * DAY_MS - 60_000));
    assert_eq!(refresh(&app, refresh_token(&pair)).await.status(), StatusCode::OK);
}

/// Refreshes every six days (never idle for seven) until `days` have passed since sign-in;
/// answers the last refresh.
async fn refreshing_every_six_days_until(app: &TestApp, pair: Value, days: u64) -> reqwest::Response {
    let mut pair = pair;
    let mut elapsed = 0;
    loop {
        let step = (days - elapsed).min(6);
        app.clock.advance(Duration::from_millis(step * DAY_MS - 1000));
        elapsed += step;
        let response = refresh(app, refresh_token(&pair)).await;
        if elapsed >= days || response.status() != StatusCode::OK {
            return response;
        }
        pair = response.json().await.unwrap();
    }
}

async fn a_session_lives_thirty_days_from_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, pair) = app.signed_in_user().await;
    let response = refreshing_every_six_days_until(&app, pair, 29).await;
    assert_eq!(response.status(), StatusCode::OK);
}

async fn a_session_past_thirty_days_cannot_refresh(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, pair) = app.signed_in_user().await;
    let response = refreshing_every_six_days_until(&app, pair, 31).await;
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
