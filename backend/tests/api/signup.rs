use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Backend, PASSWORD, TestApp, problem_code};

async fn signup_returns_201_with_the_user_and_sends_a_verification_email(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.signup(" Ada@Example.com ", PASSWORD, "Ada Lovelace").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["email"], "ada@example.com");
    assert_eq!(body["user"]["name"], "Ada Lovelace");
    assert_eq!(body["user"]["email_verified"], false);
    assert_eq!(body["user"]["time_zone"], "UTC");
    let email = app
        .wait_for_email("ada@example.com", "Confirm your email", 1)
        .await;
    assert_eq!(email.token("/verify-email").len(), 43);
    assert!(email.html.contains("/verify-email?token="));
}

async fn a_registered_email_gets_the_same_answer_and_a_different_email(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let first = app.signup("ada@example.com", PASSWORD, "Ada").await;
    let second = app
        .signup("ada@example.com", "another long password!", "Eve")
        .await;
    assert_eq!(first.status(), second.status());
    let (first, second): (Value, Value) = (first.json().await.unwrap(), second.json().await.unwrap());
    let keys = |v: &Value| v["user"].as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&first), keys(&second));
    assert_eq!(second["user"]["email_verified"], false);
    app.wait_for_email("ada@example.com", "already have a Softly account", 1)
        .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
    // The original account keeps its password and name.
    let pair = app.login_ok("ada@example.com", PASSWORD).await;
    assert_eq!(pair["user"]["name"], "Ada");
    assert_eq!(
        app.login("ada@example.com", "another long password!")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

async fn invalid_fields_are_refused_with_422_naming_the_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let cases = [
        (
            json!({"email": "not-an-email", "password": PASSWORD, "name": "A"}),
            "email",
            "invalid_email",
        ),
        (
            json!({"email": "a@example.com", "password": "short pass1", "name": "A"}),
            "password",
            "password_too_short",
        ),
        (
            json!({"email": "a@example.com", "password": "x".repeat(129), "name": "A"}),
            "password",
            "password_too_long",
        ),
        (
            json!({"email": "a@example.com", "password": "PASSWORD1234", "name": "A"}),
            "password",
            "password_too_common",
        ),
        (
            json!({"email": "a@example.com", "password": PASSWORD, "name": "   "}),
            "name",
            "name_required",
        ),
        (
            json!({"email": "a@[127.0.0.1]", "password": PASSWORD, "name": "A"}),
            "email",
            "invalid_email",
        ),
        (
            json!({"email": "a@exam\u{202E}ple.com", "password": PASSWORD, "name": "A"}),
            "email",
            "invalid_email",
        ),
        (
            json!({"email": "a@example.com", "password": PASSWORD, "name": "Ada \u{202E}moc.knab"}),
            "name",
            "invalid_name",
        ),
        (
            json!({"email": "a@example.com", "password": PASSWORD, "name": "A\u{200D}da"}),
            "name",
            "invalid_name",
        ),
        (
            json!({"email": "a@example.com", "password": PASSWORD, "name": "A", "time_zone": "Mars/Olympus"}),
            "time_zone",
            "invalid_time_zone",
        ),
    ];
    for (body, field, code) in cases {
        let response = app.post("/v1/auth/signup", body).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: Value = response.json().await.unwrap();
        assert_eq!(
            (problem["field"].as_str(), problem["code"].as_str()),
            (Some(field), Some(code))
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM jobs").await, 0);
}

async fn a_signup_may_bring_the_browsers_time_zone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let body = json!({"email": "ada@example.com", "password": PASSWORD, "name": "Ada", "time_zone": "Europe/London"});
    let response = app.post("/v1/auth/signup", body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["user"]["time_zone"], "Europe/London");
    let pair = app.login_ok("ada@example.com", PASSWORD).await;
    let me = app.get_json("/v1/me", crate::helpers::bearer(&pair)).await;
    assert_eq!(me["time_zone"], "Europe/London");
}

async fn international_names_and_addresses_are_welcome(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for (email, name) in [
        ("zoë@bücher.example", "Zoë Ünal"),
        ("li@example.com", "李小龍"),
        ("m@example.com", "محمد"),
    ] {
        assert_eq!(
            app.signup(email, PASSWORD, name).await.status(),
            StatusCode::CREATED,
            "{email}"
        );
        assert_eq!(app.login_ok(email, PASSWORD).await["user"]["name"], name);
    }
}

async fn a_128_character_unicode_password_is_accepted_whole(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let password = "ü".repeat(128);
    assert_eq!(
        app.signup("u@example.com", &password, "U").await.status(),
        StatusCode::CREATED
    );
    app.login_ok("u@example.com", &password).await;
    // Not truncated: 127 of the same characters is a different password.
    let shorter = "ü".repeat(127);
    assert_eq!(
        app.login("u@example.com", &shorter).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

async fn malformed_bodies_get_precise_4xx_problems(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let send = |content_type: &'static str, body: String| {
        app.request(Method::POST, "/v1/auth/signup")
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let valid = json!({"email": "a@example.com", "password": PASSWORD, "name": "A"});

    let wrong_type = send("text/plain", valid.to_string()).await.unwrap();
    assert_eq!(
        problem_code(wrong_type, StatusCode::UNSUPPORTED_MEDIA_TYPE).await,
        "unsupported_media_type"
    );

    let unknown_field = send(
        "application/json",
        json!({"admin": true, "email": "a@example.com", "password": PASSWORD, "name": "A"}).to_string(),
    )
    .await
    .unwrap();
    assert_eq!(
        problem_code(unknown_field, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_body"
    );

    let broken = send("application/json", "{\"email\":".into()).await.unwrap();
    assert_eq!(
        problem_code(broken, StatusCode::BAD_REQUEST).await,
        "malformed_json"
    );

    let huge = json!({"email": "a@example.com", "password": PASSWORD, "name": "x".repeat(100_000)});
    let too_large = send("application/json", huge.to_string()).await.unwrap();
    assert_eq!(
        problem_code(too_large, StatusCode::PAYLOAD_TOO_LARGE).await,
        "payload_too_large"
    );

    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
}

async fn repeated_signups_for_one_address_are_rate_limited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for _ in 0..5 {
        assert_eq!(
            app.signup("ada@example.com", PASSWORD, "Ada").await.status(),
            StatusCode::CREATED
        );
    }
    let response = app.signup("ada@example.com", PASSWORD, "Ada").await;
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(
        problem_code(response, StatusCode::TOO_MANY_REQUESTS).await,
        "rate_limited"
    );
    assert_eq!(
        app.signup("bob@example.com", PASSWORD, "Bob").await.status(),
        StatusCode::CREATED
    );
}

crate::on_both_backends!(
    signup_returns_201_with_the_user_and_sends_a_verification_email,
    a_registered_email_gets_the_same_answer_and_a_different_email,
    invalid_fields_are_refused_with_422_naming_the_field,
    a_128_character_unicode_password_is_accepted_whole,
    international_names_and_addresses_are_welcome,
    a_signup_may_bring_the_browsers_time_zone,
    malformed_bodies_get_precise_4xx_problems,
    repeated_signups_for_one_address_are_rate_limited,
);
