//! Listing, reading, editing and deleting; ownership on every verb; account deletion.

use std::collections::HashSet;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::samples::{pdf, png};
use super::{Setup, VaultApp, code_of, on_both_setups};

async fn lists_are_newest_first_paged_by_cursor_and_filtered_by_kind(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let mut ids = Vec::new();
    for i in 0..5u8 {
        let kind = if i % 2 == 0 { "bill" } else { "insurance" };
        let document = vault
            .uploaded(&token, &format!("d{i}.pdf"), pdf(300, i), &[("kind", kind)])
            .await;
        ids.push(document["id"].as_str().unwrap().to_string());
    }
    ids.reverse();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for expected in [2, 2, 1] {
        let path = match &cursor {
            Some(c) => format!("/v1/documents?limit=2&cursor={c}"),
            None => "/v1/documents?limit=2".to_string(),
        };
        let page = vault.app.get_json(&path, &token).await;
        let documents = page["documents"].as_array().unwrap();
        assert_eq!(documents.len(), expected);
        seen.extend(documents.iter().map(|d| d["id"].as_str().unwrap().to_string()));
        cursor = page["next_cursor"].as_str().map(str::to_string);
    }
    assert_eq!(cursor, None, "the last page has no cursor");
    assert_eq!(seen, ids, "every document once, newest first");

    let bills = vault.app.get_json("/v1/documents?kind=bill", &token).await;
    assert_eq!(bills["documents"].as_array().unwrap().len(), 3);
    assert!(
        bills["documents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["kind"] == "bill")
    );

    for (query, code) in [
        ("kind=diary", "invalid_kind"),
        ("limit=0", "invalid_limit"),
        ("limit=101", "invalid_limit"),
        ("cursor=not-a-cursor", "invalid_cursor"),
    ] {
        let response = vault
            .app
            .get(&format!("/v1/documents?{query}"), Some(&token))
            .await;
        assert_eq!(
            code_of(response, StatusCode::UNPROCESSABLE_ENTITY).await,
            code,
            "{query}"
        );
    }
    let all = vault.app.get_json("/v1/documents?limit=100", &token).await;
    assert_eq!(all["documents"].as_array().unwrap().len(), 5);
}

async fn patch_changes_only_what_it_names_and_refuses_bad_values(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let fields = [
        ("title", "Car insurance"),
        ("kind", "insurance"),
        ("notes", "Direct debit"),
    ];
    let document = vault.uploaded(&token, "policy.pdf", pdf(400, 9), &fields).await;
    let path = format!("/v1/documents/{}", document["id"].as_str().unwrap());

    let body = json!({"title": "Car insurance 2027", "issued_on": "2026-11-01", "expires_on": "2027-11-01"});
    let response = vault.app.send(Method::PATCH, &path, &token, Some(body)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["document"]["title"], "Car insurance 2027");
    assert_eq!(updated["document"]["kind"], "insurance", "untouched");
    assert_eq!(updated["document"]["notes"], "Direct debit", "untouched");
    assert_eq!(updated["document"]["expires_on"], "2027-11-01");

    let response = vault
        .app
        .send(Method::PATCH, &path, &token, Some(json!({"notes": null})))
        .await;
    assert_eq!(
        response.json::<Value>().await.unwrap()["document"]["notes"],
        Value::Null
    );

    for (body, code) in [
        (json!({"expires_on": "2026-01-01"}), "expires_before_issued"),
        (json!({"kind": "diary"}), "invalid_kind"),
        (json!({"title": ""}), "title_required"),
        (json!({"title": "   "}), "title_required"),
        (json!({"title": "Passport\u{202E}fdp.exe"}), "invalid_title"),
        (json!({"title": "Pass\u{200B}port"}), "invalid_title"),
        (json!({"issued_on": "soon"}), "invalid_date"),
        (json!({"owner": "someone else"}), "invalid_body"),
    ] {
        let response = vault
            .app
            .send(Method::PATCH, &path, &token, Some(body.clone()))
            .await;
        assert_eq!(
            code_of(response, StatusCode::UNPROCESSABLE_ENTITY).await,
            code,
            "{body}"
        );
    }
    // What every document has cannot be cleared: null is refused, naming the field.
    for (field, code) in [("title", "title_required"), ("kind", "invalid_kind")] {
        let body = json!({ field: null });
        let response = vault
            .app
            .send(Method::PATCH, &path, &token, Some(body.clone()))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(
            (problem["code"].as_str(), problem["field"].as_str()),
            (Some(code), Some(field))
        );
    }
    let now = vault.app.get_json(&path, &token).await["document"].clone();
    assert_eq!(now["kind"], "insurance", "refused changes changed nothing");
    assert_eq!(
        now["title"], "Car insurance 2027",
        "refused changes changed nothing"
    );
    assert_eq!(now["expires_on"], "2027-11-01");
}

async fn another_users_document_answers_404_on_every_verb(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let (owner, intruder) = (vault.user().await, vault.user().await);
    let document = vault.uploaded(&owner, "id.png", png(20, 20), &[]).await;
    let id = document["id"].as_str().unwrap();
    vault.settled(&owner, id).await;
    for (method, path, body) in [
        (Method::GET, format!("/v1/documents/{id}"), None),
        (
            Method::PATCH,
            format!("/v1/documents/{id}"),
            Some(json!({"title": "mine now"})),
        ),
        (Method::DELETE, format!("/v1/documents/{id}"), None),
        (Method::GET, format!("/v1/documents/{id}/file"), None),
        (Method::GET, format!("/v1/documents/{id}/thumbnail"), None),
    ] {
        let response = vault.app.send(method.clone(), &path, &intruder, body).await;
        assert_eq!(
            code_of(response, StatusCode::NOT_FOUND).await,
            "not_found",
            "{method} {path}"
        );
    }
    let listed = vault.app.get_json("/v1/documents", &intruder).await;
    assert!(listed["documents"].as_array().unwrap().is_empty());
    // Unchanged for its owner.
    let mine = vault.app.get_json(&format!("/v1/documents/{id}"), &owner).await;
    assert_eq!(mine["document"]["title"], "id");
    let response = vault.app.get("/v1/documents/not-a-uuid", Some(&owner)).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

async fn deleting_a_document_removes_its_row_its_objects_and_its_bytes(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let keep = vault.uploaded(&token, "keep.pdf", pdf(700, 1), &[]).await;
    let doomed = vault.uploaded(&token, "doomed.png", png(30, 30), &[]).await;
    let doomed_id = doomed["id"].as_str().unwrap();
    vault.settled(&token, doomed_id).await;
    assert_eq!(vault.objects_after_jobs().await.len(), 3);

    let path = format!("/v1/documents/{doomed_id}");
    let response = vault.app.send(Method::DELETE, &path, &token, None).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        vault.app.get(&path, Some(&token)).await.status(),
        StatusCode::NOT_FOUND
    );
    let response = vault.app.send(Method::DELETE, &path, &token, None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "deleting twice");
    let left: HashSet<String> = vault.objects_after_jobs().await.into_iter().collect();
    assert_eq!(left.len(), 1);
    assert!(left.iter().all(|key| key.contains(keep["id"].as_str().unwrap())));
    let me = vault.app.get_json("/v1/me", &token).await;
    assert_eq!(me["storage_used_bytes"], 700);
}

async fn deleting_the_account_removes_every_document_and_object(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let (email, pair) = vault.app.verified_user().await;
    let token = crate::helpers::bearer(&pair).to_string();
    let other = vault.user().await;
    let kept = vault.uploaded(&other, "other.pdf", pdf(100, 1), &[]).await;
    let image = vault.uploaded(&token, "a.png", png(25, 25), &[]).await;
    vault.uploaded(&token, "b.pdf", pdf(900, 2), &[]).await;
    vault.settled(&token, image["id"].as_str().unwrap()).await;
    // An unfinished direct upload whose file has landed.
    super::direct_upload::land(&vault, &token, &pdf(321, 3)).await;
    assert_eq!(vault.objects_after_jobs().await.len(), 5);

    let response = vault.app.delete_account(&token).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "{email}");
    let left = vault.objects_after_jobs().await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].contains(kept["id"].as_str().unwrap()));
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM documents").await, 1);
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM uploads").await, 0);
}

on_both_setups!(
    lists_are_newest_first_paged_by_cursor_and_filtered_by_kind,
    patch_changes_only_what_it_names_and_refuses_bad_values,
    another_users_document_answers_404_on_every_verb,
    deleting_a_document_removes_its_row_its_objects_and_its_bytes,
    deleting_the_account_removes_every_document_and_object,
);
