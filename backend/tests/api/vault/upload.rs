//! `POST /v1/documents`: the streamed multipart upload.

use reqwest::{Method, StatusCode};

use super::samples::{html, pdf, png};
use super::{Setup, VaultApp, code_of, on_both_setups};

async fn an_upload_is_stored_as_sent_and_becomes_ready(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let bytes = png(40, 30);
    let fields = [
        ("title", "Passport"),
        ("kind", "passport"),
        ("issued_on", "2020-03-01"),
        ("expires_on", "2030-03-01"),
        ("notes", "Renew six months before"),
    ];
    let document = vault
        .uploaded(&token, "my passport.png", bytes.clone(), &fields)
        .await;
    assert_eq!(document["status"], "processing");
    assert_eq!(document["title"], "Passport");
    assert_eq!(document["kind"], "passport");
    assert_eq!(document["issued_on"], "2020-03-01");
    assert_eq!(document["expires_on"], "2030-03-01");
    assert_eq!(document["notes"], "Renew six months before");
    assert_eq!(document["filename"], "my passport.png");
    assert_eq!(document["content_type"], "image/png");
    assert_eq!(document["byte_size"], bytes.len());
    use base64::Engine;
    use sha2::Digest;
    let checksum = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&bytes));
    assert_eq!(document["checksum_sha256"], checksum.as_str());

    let id = document["id"].as_str().unwrap();
    let ready = vault.settled(&token, id).await;
    assert_eq!(ready["status"], "ready");
    assert_eq!(
        (ready["width"].as_i64(), ready["height"].as_i64()),
        (Some(40), Some(30))
    );
    assert_eq!(ready["thumbnail_url"], format!("/v1/documents/{id}/thumbnail"));

    let (status, _, stored) = vault.fetch(&format!("/v1/documents/{id}/file"), &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stored, bytes, "the original is kept byte for byte");
    assert_eq!(vault.objects().await.len(), 2, "the original and its thumbnail");
    let me = vault.app.get_json("/v1/me", &token).await;
    assert_eq!(me["storage_used_bytes"], bytes.len());
}

async fn the_title_defaults_to_the_file_name_and_the_kind_to_other(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let document = vault
        .uploaded(&token, "../../etc/Gas bill.pdf", pdf(500, 1), &[])
        .await;
    assert_eq!(document["title"], "Gas bill");
    assert_eq!(document["kind"], "other");
    assert_eq!(
        document["filename"], "Gas bill.pdf",
        "only the last path component is kept"
    );
    let ready = vault.settled(&token, document["id"].as_str().unwrap()).await;
    assert_eq!(ready["status"], "ready");
    assert_eq!(
        ready["thumbnail_url"],
        serde_json::Value::Null,
        "PDFs get no thumbnail"
    );
}

async fn html_named_jpg_is_refused_with_415_and_nothing_is_kept(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let response = vault.upload(&token, "holiday.jpg", html(), &[]).await;
    assert_eq!(
        code_of(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await,
        "unsupported_media_type"
    );
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM documents").await, 0);
    assert!(vault.objects_after_jobs().await.is_empty());
    assert_eq!(
        vault.app.get_json("/v1/me", &token).await["storage_used_bytes"],
        0
    );
}

async fn invalid_fields_are_refused_and_nothing_is_kept(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let cases: [(&[(&str, &str)], &str); 4] = [
        (&[("kind", "diary")], "invalid_kind"),
        (&[("issued_on", "01/02/2020")], "invalid_date"),
        (
            &[("issued_on", "2020-01-02"), ("expires_on", "2020-01-01")],
            "expires_before_issued",
        ),
        (&[("title", "   ")], "title_required"),
    ];
    for (fields, code) in cases {
        let response = vault.upload(&token, "a.pdf", pdf(200, 2), fields).await;
        assert_eq!(code_of(response, StatusCode::UNPROCESSABLE_ENTITY).await, code);
    }
    let response = vault
        .upload(&token, "a.pdf", pdf(200, 2), &[("colour", "red")])
        .await;
    assert_eq!(code_of(response, StatusCode::BAD_REQUEST).await, "unknown_field");
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM documents").await, 0);
    assert!(vault.objects_after_jobs().await.is_empty());
}

async fn a_form_without_a_file_or_a_body_that_is_not_a_form_is_refused(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let form = reqwest::multipart::Form::new().text("title", "No file");
    let response = vault
        .app
        .request(Method::POST, "/v1/documents")
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(response, StatusCode::UNPROCESSABLE_ENTITY).await,
        "file_required"
    );
    let response = vault
        .app
        .request(Method::POST, "/v1/documents")
        .bearer_auth(&token)
        .header("content-type", "application/pdf")
        .body(pdf(100, 3))
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await,
        "unsupported_media_type"
    );
    let response = vault
        .app
        .request(Method::POST, "/v1/documents")
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x--")
        .send()
        .await
        .unwrap();
    assert_eq!(code_of(response, StatusCode::UNAUTHORIZED).await, "missing_token");
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM documents").await, 0);
}

async fn a_file_over_the_limit_is_refused_with_413_and_one_at_it_is_accepted(setup: Setup) {
    let vault = VaultApp::spawn_with(setup, &[("VAULT_MAX_UPLOAD_BYTES", "100000")]).await;
    let token = vault.user().await;
    let response = vault.upload(&token, "big.pdf", pdf(100_001, 4), &[]).await;
    assert_eq!(
        code_of(response, StatusCode::PAYLOAD_TOO_LARGE).await,
        "payload_too_large"
    );
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM documents").await, 0);
    assert!(vault.objects_after_jobs().await.is_empty());
    let tmp = std::fs::read_dir(vault.app.data_dir.join("tmp")).unwrap().count();
    assert_eq!(tmp, 0, "no temporary file is left behind");

    let document = vault.uploaded(&token, "fits.pdf", pdf(100_000, 4), &[]).await;
    assert_eq!(document["byte_size"], 100_000);
}

async fn storing_needs_a_confirmed_email_address(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let (email, pair) = vault.app.signed_in_user().await;
    let token = crate::helpers::bearer(&pair).to_string();
    let refused = vault.upload(&token, "passport.pdf", pdf(500, 1), &[]).await;
    assert_eq!(code_of(refused, StatusCode::FORBIDDEN).await, "email_unverified");
    let announce = serde_json::json!({
        "filename": "passport.pdf", "byte_size": 500, "checksum_sha256": super::direct_upload::checksum(&pdf(500, 1)),
        "content_type": "application/pdf",
    });
    let refused = vault
        .app
        .send(
            reqwest::Method::POST,
            "/v1/documents/uploads",
            &token,
            Some(announce),
        )
        .await;
    assert_eq!(code_of(refused, StatusCode::FORBIDDEN).await, "email_unverified");
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM documents").await, 0);
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM uploads").await, 0);

    let link = vault
        .app
        .wait_for_email(&email, "Confirm", 1)
        .await
        .token("/verify-email");
    let verified = vault
        .app
        .post("/v1/auth/verify-email", serde_json::json!({ "token": link }))
        .await;
    assert_eq!(verified.status(), StatusCode::OK);
    vault.uploaded(&token, "passport.pdf", pdf(500, 1), &[]).await;
}

on_both_setups!(
    storing_needs_a_confirmed_email_address,
    an_upload_is_stored_as_sent_and_becomes_ready,
    the_title_defaults_to_the_file_name_and_the_kind_to_other,
    html_named_jpg_is_refused_with_415_and_nothing_is_kept,
    invalid_fields_are_refused_and_nothing_is_kept,
    a_form_without_a_file_or_a_body_that_is_not_a_form_is_refused,
    a_file_over_the_limit_is_refused_with_413_and_one_at_it_is_accepted,
);

/// Uploads a 3-chunk PDF whose chunks arrive `pause` apart.
async fn trickle(vault: &VaultApp, token: &str, pause: std::time::Duration) -> reqwest::Response {
    let chunks = futures_util::stream::unfold(0u8, move |n| async move {
        if n == 3 {
            return None;
        }
        if n > 0 {
            tokio::time::sleep(pause).await;
        }
        let chunk = if n == 0 {
            b"%PDF-1.7\n".to_vec()
        } else {
            vec![b'x'; 1000]
        };
        Some((Ok::<_, std::io::Error>(chunk), n + 1))
    });
    let part = reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(chunks)).file_name("slow.pdf");
    vault
        .app
        .request(Method::POST, "/v1/documents")
        .bearer_auth(token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_get_their_own_longer_timeout() {
    let pause = std::time::Duration::from_millis(1200);
    let short = [("REQUEST_TIMEOUT_SECS", "1"), ("UPLOAD_TIMEOUT_SECS", "1")];
    let vault = VaultApp::spawn_with(Setup::Disk, &short).await;
    let token = vault.user().await;
    let response = trickle(&vault, &token, pause).await;
    assert_eq!(
        code_of(response, StatusCode::SERVICE_UNAVAILABLE).await,
        "request_timeout"
    );
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM documents").await, 0);

    let long = [("REQUEST_TIMEOUT_SECS", "1"), ("UPLOAD_TIMEOUT_SECS", "10")];
    let vault = VaultApp::spawn_with(Setup::Disk, &long).await;
    let token = vault.user().await;
    assert_eq!(trickle(&vault, &token, pause).await.status(), StatusCode::CREATED);
}
