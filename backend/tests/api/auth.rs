use reqwest::{Method, StatusCode};

use crate::helpers::{Backend, TestApp, bearer, problem_code};

async fn protected_routes_need_a_bearer_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.get("/v1/me", None).await;
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_eq!(
        problem_code(response, StatusCode::UNAUTHORIZED).await,
        "missing_token"
    );
    let basic = app
        .request(Method::GET, "/v1/me")
        .header("authorization", "Basic YTpi")
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem_code(basic, StatusCode::UNAUTHORIZED).await,
        "missing_token"
    );
}

async fn a_forged_or_foreign_token_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend.clone()).await;
    let garbage = app.get("/v1/me", Some("not.a.jwt")).await;
    assert_eq!(
        problem_code(garbage, StatusCode::UNAUTHORIZED).await,
        "invalid_token"
    );

    let other_secret = [(
        "SECRET_KEY_BASE",
        "a-completely-different-secret-key-base-for-another-app",
    )];
    let other = TestApp::spawn_with(backend, &other_secret).await;
    let (_, pair) = other.signed_in_user().await;
    let foreign = app.get("/v1/me", Some(bearer(&pair))).await;
    assert_eq!(
        problem_code(foreign, StatusCode::UNAUTHORIZED).await,
        "invalid_token"
    );
}

async fn tokens_survive_a_rotation_of_the_secret_key_base(backend: Backend) {
    let old_secret = "test-secret-key-base-of-sufficient-length-0123456789";
    let app = TestApp::spawn(backend).await;
    let (_, pair) = app.signed_in_user().await;
    // The same database served by a process whose new key lists the old one as previous.
    let rotated = [
        (
            "SECRET_KEY_BASE",
            "the-new-secret-key-base-after-rotation-0123456789",
        ),
        ("SECRET_KEY_BASE_PREVIOUS", old_secret),
        ("SOFTLY_DATA_DIR", app.data_dir.to_str().unwrap()),
    ];
    let mut env = rotated.to_vec();
    if let Some(url) = app.database_url.as_deref() {
        env.push(("DATABASE_URL", url));
    }
    let next = TestApp::spawn_with(Backend::Sqlite, &env).await;
    assert_eq!(
        next.get("/v1/me", Some(bearer(&pair))).await.status(),
        StatusCode::OK
    );
}

crate::on_both_backends!(
    protected_routes_need_a_bearer_token,
    a_forged_or_foreign_token_is_refused,
    tokens_survive_a_rotation_of_the_secret_key_base,
);
