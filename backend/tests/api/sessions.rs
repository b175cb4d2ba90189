use reqwest::{Method, StatusCode};

use crate::helpers::{Backend, PASSWORD, TestApp, bearer, problem_code};

async fn sessions_lists_live_devices_and_marks_the_current_one(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (email, first) = app.signed_in_user().await;
    let second = app.login_ok(&email, PASSWORD).await;
    let list = app.get_json("/v1/sessions", bearer(&second)).await;
    let sessions = list["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    for session in sessions {
        for key in ["id", "created_at", "last_used_at", "user_agent", "ip", "current"] {
            assert!(session.get(key).is_some(), "{key}");
        }
    }
    app.send(Method::POST, "/v1/auth/logout", bearer(&first), None)
        .await;
    let list = app.get_json("/v1/sessions", bearer(&second)).await;
    assert_eq!(list["sessions"].as_array().unwrap().len(), 1);
}

async fn ending_a_session_signs_that_device_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (email, here) = app.signed_in_user().await;
    let there = app.login_ok(&email, PASSWORD).await;
    let list = app.get_json("/v1/sessions", bearer(&here)).await;
    let other_id = list["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let response = app
        .send(
            Method::DELETE,
            &format!("/v1/sessions/{other_id}"),
            bearer(&here),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/v1/me", Some(bearer(&there))).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/v1/me", Some(bearer(&here))).await.status(),
        StatusCode::OK
    );
}

async fn another_users_session_is_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, mallory) = app.signed_in_user().await;
    let (_, victim) = app.signed_in_user().await;
    let list = app.get_json("/v1/sessions", bearer(&victim)).await;
    let victim_session = list["sessions"][0]["id"].as_str().unwrap().to_string();
    let path = format!("/v1/sessions/{victim_session}");
    let response = app.send(Method::DELETE, &path, bearer(&mallory), None).await;
    assert_eq!(problem_code(response, StatusCode::NOT_FOUND).await, "not_found");
    assert_eq!(
        app.get("/v1/me", Some(bearer(&victim))).await.status(),
        StatusCode::OK
    );
    let unknown = app
        .send(Method::DELETE, "/v1/sessions/no-such-id", bearer(&mallory), None)
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

crate::on_both_backends!(
    sessions_lists_live_devices_and_marks_the_current_one,
    ending_a_session_signs_that_device_out,
    another_users_session_is_not_found,
);
