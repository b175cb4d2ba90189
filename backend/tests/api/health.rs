use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{APP_URL, Backend, TestApp, problem_code};

async fn up_answers_200_while_the_database_answers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.get("/up", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["status"], "ok");
}

async fn up_answers_503_when_the_database_is_gone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.db.close().await;
    let code = problem_code(app.get("/up", None).await, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(code, "database_unavailable");
}

/// `/up` checks the database at most once a second, yet a database that goes away after
/// a good answer is reported within 2 s.
async fn up_reports_a_database_gone_after_a_good_answer_within_two_seconds(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(app.get("/up", None).await.status(), StatusCode::OK);
    app.db.close().await;
    let closed = std::time::Instant::now();
    loop {
        let status = app.get("/up", None).await.status();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            break;
        }
        assert_eq!(status, StatusCode::OK);
        assert!(
            closed.elapsed() < std::time::Duration::from_secs(2),
            "still 200 two seconds after the database went"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(closed.elapsed() <= std::time::Duration::from_millis(2100));
}

async fn the_openapi_document_describes_every_route(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let document: Value = app.get("/openapi.json", None).await.json().await.unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    for path in [
        "/up",
        "/v1/auth/signup",
        "/v1/auth/verify-email",
        "/v1/auth/verify-email/resend",
        "/v1/auth/login",
        "/v1/auth/refresh",
        "/v1/auth/logout",
        "/v1/auth/password/forgot",
        "/v1/auth/password/reset",
        "/v1/me",
        "/v1/me/password",
        "/v1/sessions",
        "/v1/sessions/{id}",
        "/v1/captures",
        "/v1/captures/{id}/accept",
        "/v1/capture/settings",
        "/v1/documents/{id}/suggestions",
        "/v1/webhooks/revenuecat",
    ] {
        assert!(document["paths"][path].is_object(), "{path} is missing");
    }
    // Every reference names a schema the document has (a profile section's nested type
    // once pointed nowhere, which generated clients refuse).
    let mut dangling = Vec::new();
    references(&document, &mut |reference| {
        let name = reference.trim_start_matches("#/components/schemas/");
        if document["components"]["schemas"][name].is_null() {
            dangling.push(reference.to_string());
        }
    });
    assert_eq!(dangling, Vec::<String>::new());
    assert!(document["paths"]["/v1/me"]["delete"].is_object());
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
    let servers: Vec<&str> = document["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|server| server["url"].as_str().unwrap())
        .collect();
    assert_eq!(servers, ["https://api.mysoftly.app", "http://localhost:3000"]);
}

/// Calls `found` with every `$ref` in `value`.
fn references(value: &Value, found: &mut impl FnMut(&str)) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner.as_str()) {
                    ("$ref", Some(reference)) => found(reference),
                    _ => references(inner, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, found)),
        _ => {}
    }
}

async fn a_file_body_is_described_as_binary(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let document: Value = app.get("/openapi.json", None).await.json().await.unwrap();
    let put = &document["paths"]["/v1/documents/uploads/{upload_id}/content"]["put"];
    let mut schema = &put["requestBody"]["content"]["application/octet-stream"]["schema"];
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        schema = &document["components"]["schemas"][name];
    }
    assert_eq!(
        (schema["type"].as_str(), schema["format"].as_str()),
        (Some("string"), Some("binary")),
        "{schema}"
    );
}

async fn unknown_routes_and_methods_are_problems(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(
        problem_code(app.get("/v1/nothing", None).await, StatusCode::NOT_FOUND).await,
        "not_found"
    );
    let response = app.request(Method::DELETE, "/up").send().await.unwrap();
    assert_eq!(
        problem_code(response, StatusCode::METHOD_NOT_ALLOWED).await,
        "method_not_allowed"
    );
}

async fn a_sane_request_id_is_echoed_and_a_bad_one_replaced(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .request(Method::GET, "/up")
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "abc-123");
    let response = app
        .request(Method::GET, "/up")
        .header("x-request-id", "a b")
        .send()
        .await
        .unwrap();
    let generated = response.headers()["x-request-id"].to_str().unwrap();
    assert_ne!(generated, "a b");
    assert_eq!(generated.len(), 36);
}

async fn responses_carry_security_headers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.get("/up", None).await;
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(
        headers["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
}

async fn cors_allows_the_web_app_origin_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let preflight = |origin: &'static str| {
        app.request(Method::OPTIONS, "/v1/me")
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
    };
    let allowed = preflight(APP_URL).await.unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], APP_URL);
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(refused.headers().get("access-control-allow-origin").is_none());
}

crate::on_both_backends!(
    up_answers_200_while_the_database_answers,
    up_answers_503_when_the_database_is_gone,
    up_reports_a_database_gone_after_a_good_answer_within_two_seconds,
    the_openapi_document_describes_every_route,
    a_file_body_is_described_as_binary,
    unknown_routes_and_methods_are_problems,
    a_sane_request_id_is_echoed_and_a_bad_one_replaced,
    responses_carry_security_headers,
    cors_allows_the_web_app_origin_only,
);
