//! Documents and items: an item links the user's documents; a passport, ID card,
//! licence, insurance or certificate with an expiry date makes an expiry item; a deleted
//! document leaves its items marked. Runs with the vault's two setups.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use softly::vault::DocumentDetailsChanged;

use crate::vault::samples::pdf;
use crate::vault::{Setup, VaultApp, on_both_setups};

async fn items_of(vault: &VaultApp, token: &str) -> Vec<Value> {
    vault.app.wait_for_jobs().await;
    vault.app.get_json("/v1/items", token).await["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn a_passport_with_an_expiry_date_becomes_an_expiry_item_that_follows_it(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let passport = vault
        .uploaded(
            &token,
            "passport.pdf",
            pdf(300, 1),
            &[
                ("title", "Passport"),
                ("kind", "passport"),
                ("expires_on", "2033-05-01"),
            ],
        )
        .await;
    let document_id = passport["id"].as_str().unwrap();
    let found = items_of(&vault, &token).await;
    assert_eq!(found.len(), 1);
    let item = &found[0];
    assert_eq!(item["kind"], "expiry");
    assert_eq!(item["title"], "Passport expires");
    assert_eq!(item["category"], "identity");
    assert_eq!(
        (item["due_on"].as_str(), item["expires_on"].as_str()),
        (Some("2033-05-01"), Some("2033-05-01"))
    );
    assert_eq!(item["document_ids"], json!([document_id]));
    assert_eq!(item["source_document_id"], document_id);
    assert_eq!(
        item["reminders"].as_array().unwrap().len(),
        2,
        "6 months and a month before"
    );

    // Renewed: the new date moves the item; the same delivery again changes nothing.
    let patched = vault
        .app
        .send(
            Method::PATCH,
            &format!("/v1/documents/{document_id}"),
            &token,
            Some(json!({"expires_on": "2043-05-01"})),
        )
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    let found = items_of(&vault, &token).await;
    assert_eq!(found.len(), 1, "one item per document");
    assert_eq!(found[0]["due_on"], "2043-05-01");

    // An older change arriving late (events may be delivered out of order) is ignored.
    let user_id = vault.app.get_json("/v1/me", &token).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let work = vault.app.wired.platform.work();
    let mut change = work.begin().await.unwrap();
    change
        .publish(&DocumentDetailsChanged {
            document_id: document_id.to_string(),
            user_id: user_id.clone(),
            kind: "passport".into(),
            title: "Passport".into(),
            expires_on: Some("2030-01-01".into()),
            changed_at: 1,
        })
        .await
        .unwrap();
    change.commit().await.unwrap();
    assert_eq!(items_of(&vault, &token).await[0]["due_on"], "2043-05-01");

    // Deleted: the item stays, marked, its link gone.
    let deleted = vault
        .app
        .send(
            Method::DELETE,
            &format!("/v1/documents/{document_id}"),
            &token,
            None,
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let found = items_of(&vault, &token).await;
    assert_eq!(found[0]["document_lost"], true);
    assert_eq!(found[0]["document_ids"], json!([]));
}

async fn only_expiring_kinds_with_a_date_make_items_and_the_user_can_turn_it_off(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    vault
        .uploaded(
            &token,
            "bill.pdf",
            pdf(300, 2),
            &[("kind", "bill"), ("expires_on", "2033-01-01")],
        )
        .await;
    vault
        .uploaded(&token, "insurance.pdf", pdf(300, 3), &[("kind", "insurance")])
        .await;
    assert!(items_of(&vault, &token).await.is_empty());
    let off = vault
        .app
        .send(
            Method::PATCH,
            "/v1/reminders/settings",
            &token,
            Some(json!({"document_expiries": false})),
        )
        .await;
    assert_eq!(off.status(), StatusCode::OK);
    vault
        .uploaded(
            &token,
            "licence.pdf",
            pdf(300, 4),
            &[("kind", "driving_licence"), ("expires_on", "2034-01-01")],
        )
        .await;
    assert!(items_of(&vault, &token).await.is_empty(), "turned off");
}

async fn an_item_links_the_users_own_documents_only(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let stranger = vault.user().await;
    let mine = vault
        .uploaded(&token, "policy.pdf", pdf(300, 5), &[("kind", "insurance")])
        .await;
    let theirs = vault.uploaded(&stranger, "theirs.pdf", pdf(300, 6), &[]).await;
    let body = |ids: Vec<&Value>| {
        json!({"kind": "renewal", "title": "Car insurance", "due_on": "2031-03-03", "amount_minor": 42000,
               "currency": "GBP", "document_ids": ids})
    };
    let refused = vault
        .app
        .send(
            Method::POST,
            "/v1/items",
            &token,
            Some(body(vec![&mine["id"], &theirs["id"]])),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(
        (problem["code"].as_str(), problem["field"].as_str()),
        (Some("unknown_document"), Some("document_ids"))
    );
    let created = vault
        .app
        .send(Method::POST, "/v1/items", &token, Some(body(vec![&mine["id"]])))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let item: Value = created.json::<Value>().await.unwrap()["item"].clone();
    assert_eq!(item["document_ids"], json!([mine["id"]]));
    let unlinked = vault
        .app
        .send(
            Method::PATCH,
            &format!("/v1/items/{}", item["id"].as_str().unwrap()),
            &token,
            Some(json!({"document_ids": null})),
        )
        .await;
    assert_eq!(
        unlinked.json::<Value>().await.unwrap()["item"]["document_ids"],
        json!([])
    );
}

on_both_setups!(
    a_passport_with_an_expiry_date_becomes_an_expiry_item_that_follows_it,
    only_expiring_kinds_with_a_date_make_items_and_the_user_can_turn_it_off,
    an_item_links_the_users_own_documents_only,
);
