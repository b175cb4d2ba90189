//! Reading vault documents: sent to Claude (the fake) only when the user turned AI
//! document reading on — in the background only for documents stored after that, on
//! request for older ones; PDFs' text read on the server without a model; suggestions
//! applied through the vault, so the expiry item follows.

use std::time::Duration;

use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use softly_testbed::fakes::Scripted;

use super::{CaptureApp, Providers, rows};
use crate::helpers::{Backend, bearer};
use crate::on_both_backends;
use crate::vault::samples::png;

on_both_backends!(
    documents_reach_the_model_only_after_opting_in_and_accepted_suggestions_make_an_expiry_item,
    a_pdfs_text_is_read_on_the_server_without_a_model,
);

const CLAUDE: Providers = Providers {
    voice: false,
    claude: true,
};

impl CaptureApp {
    /// A signed-in user with a confirmed address (storing documents needs one).
    async fn verified(&self) -> String {
        let (_, pair) = self.app.verified_user().await;
        bearer(&pair).to_string()
    }

    /// Uploads a document and waits until it is processed; its id.
    async fn stored(&self, token: &str, filename: &str, bytes: Vec<u8>) -> String {
        let part = Part::bytes(bytes).file_name(filename.to_string());
        let response = self
            .app
            .request(Method::POST, "/v1/documents")
            .bearer_auth(token)
            .multipart(Form::new().part("file", part))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let id = response.json::<Value>().await.unwrap()["document"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        for _ in 0..200 {
            let document = self.app.get_json(&format!("/v1/documents/{id}"), token).await;
            if document["document"]["status"] == "ready" {
                self.app.wait_for_jobs().await;
                return id;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("document {id} not processed in ten seconds");
    }

    /// The document's suggestions once read (at most ten seconds); None when it has none.
    async fn suggestions(&self, token: &str, id: &str) -> Option<Value> {
        for _ in 0..200 {
            let response = self
                .app
                .get(&format!("/v1/documents/{id}/suggestions"), Some(token))
                .await;
            if response.status() == StatusCode::NOT_FOUND {
                return None;
            }
            let suggestions = response.json::<Value>().await.unwrap()["suggestions"].clone();
            if suggestions["status"] != "reading" {
                return Some(suggestions);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("document {id} still being read after ten seconds");
    }

    /// Asks for the document to be read now.
    async fn read_now(&self, token: &str, id: &str) -> reqwest::Response {
        let path = format!("/v1/documents/{id}/suggestions");
        self.app.send(Method::POST, &path, token, None).await
    }

    async fn set_ai_reading(&self, token: &str, on: bool) -> Value {
        let response = self
            .app
            .send(
                Method::PATCH,
                "/v1/capture/settings",
                token,
                Some(json!({ "ai_document_reading": on })),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }
}

async fn documents_reach_the_model_only_after_opting_in_and_accepted_suggestions_make_an_expiry_item(
    backend: Backend,
) {
    let capture = CaptureApp::spawn(backend, CLAUDE, &[]).await;
    capture.claude.answers(json!({
        "kind": {"value": "passport", "confidence": 0.97},
        "title": {"value": "UK passport", "confidence": 0.9},
        "issuing_country": {"value": "GBR", "confidence": 0.95},
        "issued_on": {"value": "2019-03-04", "confidence": 0.9},
        "expires_on": {"value": "2029-03-04", "confidence": 0.93},
        "document_number": {"value": "123456789", "confidence": 0.8},
    }));
    let token = capture.verified().await;
    let me = capture.app.get_json("/v1/me", &token).await;
    assert_eq!(me["capture"]["ai_document_reading"], false, "off by default");

    // Off: nothing is sent, in the background or on request.
    let before = capture.stored(&token, "passport.png", png(40, 30)).await;
    assert_eq!(capture.suggestions(&token, &before).await, None);
    let refused = capture.read_now(&token, &before).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(refused.json::<Value>().await.unwrap()["code"], "ai_reading_off");
    assert!(capture.claude.received().is_empty());

    // On: a document kept from before is still not sent in the background...
    let settings = capture.set_ai_reading(&token, true).await;
    assert_eq!(settings["ai_document_reading"], true);
    capture.app.wait_for_jobs().await;
    assert_eq!(capture.suggestions(&token, &before).await, None);
    assert!(capture.claude.received().is_empty());
    // ...only when asked.
    let asked = capture.read_now(&token, &before).await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let read = capture.suggestions(&token, &before).await.unwrap();
    assert_eq!(read["status"], "ready", "{read}");
    assert_eq!(read["reader"], "claude");
    assert_eq!(read["fields"]["document_number"]["value"], "•••• 6789");
    let [request] = capture.claude.received().try_into().unwrap();
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    let block = &body["messages"][0]["content"][0];
    assert_eq!(
        (block["type"].as_str(), block["source"]["media_type"].as_str()),
        (Some("image"), Some("image/png"))
    );
    assert_eq!(body["tool_choice"]["name"], "suggest_document_details");

    // A document stored after opting in is read in the background.
    let after = capture.stored(&token, "licence.png", png(30, 20)).await;
    assert_eq!(
        capture.suggestions(&token, &after).await.unwrap()["status"],
        "ready"
    );
    assert_eq!(capture.claude.received().len(), 2);
    assert_eq!(
        rows(
            &capture.app,
            "SELECT COUNT(*) FROM capture_usage WHERE call = 'document_reading'"
        )
        .await,
        2
    );

    // Nothing changes until the person accepts; a bad value changes nothing.
    let path = format!("/v1/documents/{before}/suggestions/accept");
    let document = capture
        .app
        .get_json(&format!("/v1/documents/{before}"), &token)
        .await;
    assert_eq!(document["document"]["expires_on"], Value::Null);
    let bad = json!({"issued_on": "2030-01-01", "expires_on": "2029-03-04"});
    let refused = capture.app.send(Method::POST, &path, &token, Some(bad)).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let reviewed = json!({"kind": "passport", "title": "UK passport", "issued_on": "2019-03-04", "expires_on": "2029-03-04",
                          "notes": "Issued by GBR, number •••• 6789"});
    let accepted = capture
        .app
        .send(Method::POST, &path, &token, Some(reviewed.clone()))
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let document = capture
        .app
        .get_json(&format!("/v1/documents/{before}"), &token)
        .await["document"]
        .clone();
    assert_eq!(
        (document["kind"].as_str(), document["expires_on"].as_str()),
        (Some("passport"), Some("2029-03-04"))
    );
    // The vault's details-changed event makes the expiry item, with its reminders.
    capture.app.wait_for_jobs().await;
    let items = capture.app.get_json("/v1/items?kind=expiry", &token).await["items"].clone();
    assert_eq!(items.as_array().unwrap().len(), 1, "{items}");
    assert!(!items[0]["reminders"].as_array().unwrap().is_empty());
    let again = capture
        .app
        .send(Method::POST, &path, &token, Some(reviewed))
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);

    // Off again: new documents are not sent.
    capture.set_ai_reading(&token, false).await;
    let later = capture.stored(&token, "bill.png", png(20, 20)).await;
    assert_eq!(capture.suggestions(&token, &later).await, None);
    assert_eq!(capture.claude.received().len(), 2);
    // Another user never sees these suggestions.
    let stranger = capture.verified().await;
    let theirs = capture
        .app
        .get(&format!("/v1/documents/{after}/suggestions"), Some(&stranger))
        .await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
}

async fn a_pdfs_text_is_read_on_the_server_without_a_model(backend: Backend) {
    let capture = CaptureApp::spawn(backend, Providers::default(), &[]).await;
    let token = capture.verified().await;
    assert_eq!(
        capture.app.get_json("/v1/capture/settings", &token).await["ai_document_reading_available"],
        false
    );
    let pdf = pdf_showing(&[
        "HOME INSURANCE SCHEDULE",
        "Policy number HX-1",
        "Date of issue: 14 Feb 2026",
        "Renewal date 14/02/2027",
    ]);
    let id = capture.stored(&token, "policy.pdf", pdf).await;
    let read = capture.suggestions(&token, &id).await.unwrap();
    assert_eq!(
        (read["status"].as_str(), read["reader"].as_str()),
        (Some("ready"), Some("local")),
        "{read}"
    );
    assert_eq!(read["fields"]["kind"]["value"], "insurance");
    assert_eq!(read["fields"]["expires_on"]["value"], "2027-02-14");
    assert_eq!(read["fields"]["issued_on"]["value"], "2026-02-14");

    // A photo cannot be read here: not in the background, and asking says why.
    let photo = capture.stored(&token, "photo.png", png(20, 20)).await;
    assert_eq!(capture.suggestions(&token, &photo).await, None);
    let asked = capture.read_now(&token, &photo).await;
    assert_eq!(asked.status(), StatusCode::SERVICE_UNAVAILABLE);

    // Dismissed suggestions are gone; the document is as it was.
    let dismissed = capture
        .app
        .send(
            Method::DELETE,
            &format!("/v1/documents/{id}/suggestions"),
            &token,
            None,
        )
        .await;
    assert_eq!(dismissed.status(), StatusCode::NO_CONTENT);
    assert_eq!(capture.suggestions(&token, &id).await, None);
    let document = capture.app.get_json(&format!("/v1/documents/{id}"), &token).await;
    assert_eq!(document["document"]["expires_on"], Value::Null);
}

/// A one-page PDF whose text layer shows `lines`.
fn pdf_showing(lines: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT /F1 12 Tf 72 720 Td\n");
    for line in lines {
        content.push_str(&format!("({line}) Tj 0 -16 Td\n"));
    }
    content.push_str("ET\n");
    let mut pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n".to_vec();
    pdf.extend_from_slice(b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
    pdf.extend_from_slice(b"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n");
    pdf.extend_from_slice(
        format!(
            "4 0 obj << /Length {} >>\nstream\n{content}\nendstream\nendobj\n",
            content.len()
        )
        .as_bytes(),
    );
    pdf.extend_from_slice(b"trailer << /Root 1 0 R >>\n%%EOF\n");
    pdf
}
