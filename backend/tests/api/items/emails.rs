//! The one-click links of reminder emails: opening one only asks; its button acts, once.

use jiff::ToSpan;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{ItemsApp, bill, local_ms};
use crate::helpers::Backend;
use crate::on_both_backends;

/// The links of `label` in the newest reminder email, pointed at the test server.
fn link(items: &ItemsApp, text: &str, label: &str) -> String {
    let line = text
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{label}: ")))
        .unwrap_or_else(|| panic!("no {label} link in {text}"));
    line.trim().replace("http://localhost:3000", &items.app.address)
}

async fn open(items: &ItemsApp, method: Method, url: &str) -> (StatusCode, String) {
    let response = items.app.client.request(method, url).send().await.unwrap();
    let status = response.status();
    if status.is_success() {
        let policy = response.headers()["content-security-policy"].to_str().unwrap();
        assert!(
            policy.contains("form-action 'self'") && policy.contains("default-src 'none'"),
            "{policy}"
        );
    }
    (status, response.text().await.unwrap())
}

async fn an_emailed_done_link_asks_first_and_acts_once(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let due = items.in_days(5);
    let mut body = bill("Water <rates>", due, 1);
    body["recurrence"] = json!("FREQ=MONTHLY");
    let item = items.create(&user, body).await;
    let id = item["id"].as_str().unwrap();
    items.advance_to(local_ms(due - 1.days(), "09:00", "Europe/London"));
    items.sweep().await;
    let email = items.app.wait_for_email(&user.email, "Water", 1).await;
    let done = link(&items, &email.text, "Mark as done");
    let snooze = link(&items, &email.text, "Remind me in a week");

    // A mail scanner following the link changes nothing.
    let (status, page) = open(&items, Method::GET, &done).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Mark “Water &lt;rates&gt;” as done?"), "{page}");
    assert!(page.contains("<form method=\"post\">"));
    assert_eq!(items.item(&user, id).await["due_on"], due.to_string());

    let (status, page) = open(&items, Method::POST, &done).await;
    assert_eq!(status, StatusCode::OK);
    let next = due + 1.month();
    assert!(page.contains(&format!("is next due on {next}")), "{page}");
    assert_eq!(items.item(&user, id).await["due_on"], next.to_string());

    // A second click, or the other link of the same email: that occurrence is done.
    for url in [&done, &snooze] {
        let (status, page) = open(&items, Method::POST, url).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(page.contains(&format!("now due on {next}")), "{page}");
    }
    assert_eq!(
        items.item(&user, id).await["due_on"],
        next.to_string(),
        "completed once"
    );
    let history = items.get_json(&format!("/v1/items/{id}/history"), &user).await;
    let completed = history["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "completed")
        .count();
    assert_eq!(completed, 1);
}

async fn an_emailed_snooze_link_reminds_again_later(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let due = items.in_days(5);
    let item = items.create(&user, bill("Parking permit", due, 1)).await;
    items.advance_to(local_ms(due - 1.days(), "09:00", "Europe/London"));
    items.sweep().await;
    let email = items.reminders_to(&user).pop().unwrap();
    let (status, _) = open(
        &items,
        Method::POST,
        &link(&items, &email.text, "Remind me tomorrow"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let snoozed = items.item(&user, item["id"].as_str().unwrap()).await;
    let until = super::ms(&snoozed["snoozed_until"]);
    assert!((items.app.now_ms() + 24 * 3600 * 1000 - until).abs() < 5000);
    items.advance_to(until + 1000);
    items.sweep().await;
    assert_eq!(items.reminders_to(&user).len(), 2, "reminded again, once");
}

async fn forged_and_expired_links_do_nothing(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let due = items.in_days(5);
    let item = items.create(&user, bill("Licence", due, 1)).await;
    items.advance_to(local_ms(due - 1.days(), "09:00", "Europe/London"));
    items.sweep().await;
    let email = items.reminders_to(&user).pop().unwrap();
    let done = link(&items, &email.text, "Mark as done");
    let forged = done.replace("a1.done.", "a1.snooze-week.");
    for url in [
        forged.as_str(),
        &format!("{}/v1/item-actions/nonsense", items.app.address),
    ] {
        for method in [Method::GET, Method::POST] {
            assert_eq!(open(&items, method, url).await.0, StatusCode::NOT_FOUND, "{url}");
        }
    }
    items
        .app
        .clock
        .advance(std::time::Duration::from_secs(31 * 24 * 3600));
    for method in [Method::GET, Method::POST] {
        let (status, page) = open(&items, method, &done).await;
        assert_eq!(status, StatusCode::GONE);
        assert!(page.contains("expired"));
    }
    assert_eq!(
        items.item(&user, item["id"].as_str().unwrap()).await["status"],
        "open"
    );
}

on_both_backends!(
    an_emailed_done_link_asks_first_and_acts_once,
    an_emailed_snooze_link_reminds_again_later,
    forged_and_expired_links_do_nothing,
);
