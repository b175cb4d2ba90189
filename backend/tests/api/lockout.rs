//! Sign-in limits an attacker cannot aim at someone else: failures count per account and
//! address (locking out only the guessing addresses), per account across addresses
//! (bounding guesses spread over many addresses), and a device that signed in before —
//! it sends its `device_token` — is not held to the account-wide limit. A completed
//! password reset lifts it.

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Backend, PASSWORD, TestApp};
use crate::on_both_backends;

/// A sign-in as if from `address` (the app trusts the loopback proxy).
async fn login_from(
    app: &TestApp,
    address: &str,
    email: &str,
    password: &str,
    device: Option<&str>,
) -> Response {
    let mut body = json!({"email": email, "password": password});
    if let Some(device) = device {
        body["device_token"] = device.into();
    }
    app.request(reqwest::Method::POST, "/v1/auth/login")
        .header("x-forwarded-for", address)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// `count` wrong passwords for `email`, each from its own address; answers how many
/// were evaluated (401) and how many refused (429).
async fn spray(app: &TestApp, email: &str, count: u8) -> (usize, usize) {
    let (mut evaluated, mut refused) = (0, 0);
    for n in 0..count {
        let address = format!("198.51.{}.{}", n / 200, 1 + n % 200);
        match login_from(app, &address, email, "not the password!", None)
            .await
            .status()
        {
            StatusCode::UNAUTHORIZED => evaluated += 1,
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    (evaluated, refused)
}

async fn spawn(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, &[("TRUSTED_PROXIES", "127.0.0.1/32")]).await
}

async fn signed_up_with_a_device(app: &TestApp, email: &str) -> String {
    assert_eq!(
        app.signup(email, PASSWORD, "Victim").await.status(),
        StatusCode::CREATED
    );
    let pair: Value = login_from(app, "203.0.113.5", email, PASSWORD, None)
        .await
        .json()
        .await
        .unwrap();
    pair["device_token"].as_str().expect("a device token").to_string()
}

async fn guessing_from_many_addresses_is_bounded_and_does_not_lock_the_owners_device(backend: Backend) {
    let app = spawn(backend).await;
    let device = signed_up_with_a_device(&app, "victim@example.com").await;
    let (evaluated, refused) = spray(&app, "victim@example.com", 60).await;
    assert_eq!(
        (evaluated, refused),
        (50, 10),
        "at most 50 guesses per 15 minutes"
    );

    // A new device, from a new address, is held to the account-wide limit…
    let stranger = login_from(&app, "203.0.113.77", "victim@example.com", PASSWORD, None).await;
    assert_eq!(stranger.status(), StatusCode::TOO_MANY_REQUESTS);
    // …the owner's device is not, from wherever it is now.
    let owner = login_from(
        &app,
        "203.0.113.78",
        "victim@example.com",
        PASSWORD,
        Some(&device),
    )
    .await;
    assert_eq!(owner.status(), StatusCode::OK);
    let pair: Value = owner.json().await.unwrap();
    assert!(pair["device_token"].is_string(), "a fresh device token");
}

async fn a_device_token_exempts_only_its_own_account(backend: Backend) {
    let app = spawn(backend).await;
    signed_up_with_a_device(&app, "victim@example.com").await;
    let attackers = signed_up_with_a_device(&app, "attacker@example.com").await;
    spray(&app, "victim@example.com", 50).await;
    for device in [
        attackers.as_str(),
        "d1.forged.1800000000.c2lnbmF0dXJl",
        "nonsense",
    ] {
        let attempt = login_from(&app, "203.0.113.9", "victim@example.com", PASSWORD, Some(device)).await;
        assert_eq!(attempt.status(), StatusCode::TOO_MANY_REQUESTS, "{device}");
    }
}

async fn an_address_that_keeps_failing_locks_out_only_itself(backend: Backend) {
    let app = spawn(backend).await;
    let device = signed_up_with_a_device(&app, "victim@example.com").await;
    for _ in 0..10 {
        let wrong = login_from(
            &app,
            "192.0.2.66",
            "victim@example.com",
            "not the password!",
            None,
        )
        .await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let same = login_from(&app, "192.0.2.66", "victim@example.com", PASSWORD, None).await;
    assert_eq!(
        same.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "that address is shut for a while"
    );
    let elsewhere = login_from(&app, "192.0.2.67", "victim@example.com", PASSWORD, None).await;
    assert_eq!(elsewhere.status(), StatusCode::OK, "any other address is not");
    // A known device is limited on its own failures too.
    for _ in 0..10 {
        login_from(
            &app,
            "192.0.2.68",
            "victim@example.com",
            "not the password!",
            Some(&device),
        )
        .await;
    }
    let device_again = login_from(&app, "192.0.2.69", "victim@example.com", PASSWORD, Some(&device)).await;
    assert_eq!(device_again.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn a_completed_password_reset_lifts_the_account_wide_limit(backend: Backend) {
    let app = spawn(backend).await;
    signed_up_with_a_device(&app, "victim@example.com").await;
    spray(&app, "victim@example.com", 55).await;
    let locked = login_from(&app, "203.0.113.20", "victim@example.com", PASSWORD, None).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);

    let new_password = "a brand new passphrase";
    app.reset_password("victim@example.com", new_password).await;
    let after = login_from(&app, "203.0.113.20", "victim@example.com", new_password, None).await;
    assert_eq!(
        after.status(),
        StatusCode::OK,
        "the owner gets in on a new device"
    );
}

on_both_backends!(
    guessing_from_many_addresses_is_bounded_and_does_not_lock_the_owners_device,
    a_device_token_exempts_only_its_own_account,
    an_address_that_keeps_failing_locks_out_only_itself,
    a_completed_password_reset_lifts_the_account_wide_limit,
);
