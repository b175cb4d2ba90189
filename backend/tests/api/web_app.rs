//! The exported web app served beside the API (`WEB_DIR`): its pages, its caching, its
//! headers, and the API's own answers kept apart from it.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{Backend, TestApp, problem_code};

/// A minimal export in the shape `next build` writes (`trailingSlash: false`).
fn export() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("softly-web-{}", uuid::Uuid::now_v7().simple()));
    for (path, body) in [
        ("index.html", "<!doctype html><title>Softly</title>"),
        (
            "today.html",
            "<!doctype html><title>Today</title><script>self.a=1</script>",
        ),
        // Next.js also writes a folder per page (its prefetch data) beside the page.
        ("today/__next.today.__PAGE__.txt", "prefetch"),
        ("404.html", "<!doctype html><title>Not found</title>"),
        ("_next/static/chunks/app-3f9a.js", "console.log('softly')"),
    ] {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, body).unwrap();
    }
    dir
}

async fn app_with_web() -> TestApp {
    let dir = export();
    TestApp::spawn_with(Backend::Sqlite, &[("WEB_DIR", dir.to_str().unwrap())]).await
}

#[tokio::test]
async fn pages_are_served_by_name_and_revalidated_with_the_apps_policy() {
    let app = app_with_web().await;
    for (path, title) in [("/", "Softly"), ("/today", "Today"), ("/today?id=x", "Today")] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let headers = response.headers().clone();
        assert_eq!(headers["cache-control"], "no-cache", "{path}");
        assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("default-src 'self'") && policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("script-src 'self' 'unsafe-inline'"), "{policy}");
        // Today's one inline script, and only on Today: echo -n 'self.a=1' | sha256 | base64.
        let hash = "'sha256-U+8MK+0uDzz63CVi5Lllj/7310ahz5UzrVluFdPYEWw='";
        assert_eq!(policy.contains(hash), title == "Today", "{path}: {policy}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains(&format!("<title>{title}</title>"))
        );
    }
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_unknown_pages_are_the_apps_404() {
    let app = app_with_web().await;
    let asset = app.get("/_next/static/chunks/app-3f9a.js", None).await;
    assert_eq!(asset.status(), StatusCode::OK);
    assert_eq!(
        asset.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let missing_asset = app.get("/_next/static/chunks/gone.js", None).await;
    assert_eq!(missing_asset.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing_asset.headers()["cache-control"], "no-cache");
    let page = app.get("/no-such-page", None).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.text().await.unwrap().contains("Not found"));
    let escape = app.get("/../Cargo.toml", None).await;
    assert_eq!(escape.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_api_keeps_its_own_answers_beside_the_app() {
    let app = app_with_web().await;
    assert_eq!(
        problem_code(app.get("/v1/nothing-here", None).await, StatusCode::NOT_FOUND).await,
        "not_found"
    );
    assert_eq!(app.get("/v1/me", None).await.status(), StatusCode::UNAUTHORIZED);
    let openapi: Value = app.get("/openapi.json", None).await.json().await.unwrap();
    assert!(openapi["paths"]["/v1/items"].is_object());
    let posted = app.request(Method::POST, "/today").send().await.unwrap();
    assert_eq!(
        problem_code(posted, StatusCode::METHOD_NOT_ALLOWED).await,
        "method_not_allowed"
    );
    let up = app.get("/up", None).await;
    assert_eq!(up.status(), StatusCode::OK);
    assert_eq!(up.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn without_a_web_dir_there_is_only_the_api() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    assert_eq!(
        problem_code(app.get("/today", None).await, StatusCode::NOT_FOUND).await,
        "not_found"
    );
}
