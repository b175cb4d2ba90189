//! Lists: soonest due first, filtered, searched and paged by cursor.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{ItemsApp, User, refused};
use crate::helpers::Backend;
use crate::on_both_backends;

async fn titles(items: &ItemsApp, user: &User, query: &str) -> Vec<String> {
    let response = items
        .send(Method::GET, &format!("/v1/items{query}"), user, None)
        .await;
    let status = response.status();
    let list: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{query}: {list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["title"].as_str().unwrap().to_string())
        .collect()
}

async fn lists_are_sorted_by_due_date_and_filtered(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let day = |n| items.in_days(n).to_string();
    for (kind, title, due, extra) in [
        (
            "bill",
            "Water 50% off_peak",
            day(10),
            json!({"category": "home", "notes": "Direct debit"}),
        ),
        ("todo", "Overdue chore", day(-3), json!({})),
        (
            "appointment",
            "Dentist",
            day(2),
            json!({"due_time": "15:00", "category": "health"}),
        ),
        (
            "appointment",
            "Dentist early",
            day(2),
            json!({"due_time": "08:00", "category": "health"}),
        ),
        (
            "expiry",
            "Passport",
            day(300),
            json!({"category": "identity", "notes": "Check the WATER mark"}),
        ),
        ("todo", "Done already", day(-10), json!({})),
    ] {
        let mut body = json!({"kind": kind, "title": title, "due_on": due});
        for (key, value) in extra.as_object().unwrap() {
            body[key] = value.clone();
        }
        items.create(&user, body).await;
    }
    let done = items.get_json("/v1/items?q=Done", &user).await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    items.act(&user, &done, "complete", json!({})).await;

    assert_eq!(
        titles(&items, &user, "").await,
        [
            "Done already",
            "Overdue chore",
            "Dentist early",
            "Dentist",
            "Water 50% off_peak",
            "Passport"
        ]
    );
    assert_eq!(titles(&items, &user, "?status=done").await, ["Done already"]);
    assert_eq!(
        titles(&items, &user, "?kind=appointment").await,
        ["Dentist early", "Dentist"]
    );
    assert_eq!(titles(&items, &user, "?category=identity").await, ["Passport"]);
    assert_eq!(titles(&items, &user, "?overdue=true").await, ["Overdue chore"]);
    assert_eq!(titles(&items, &user, "?overdue=false&status=open").await.len(), 4);
    let window = format!("?due_after={}&due_before={}", day(2), day(300));
    assert_eq!(
        titles(&items, &user, &window).await,
        ["Water 50% off_peak"],
        "both bounds are strict"
    );
    // Words in the title or notes, any case; LIKE's own characters are only themselves.
    assert_eq!(
        titles(&items, &user, "?q=water").await,
        ["Water 50% off_peak", "Passport"]
    );
    assert_eq!(titles(&items, &user, "?q=50%25").await, ["Water 50% off_peak"]);
    assert_eq!(titles(&items, &user, "?q=f_p").await, ["Water 50% off_peak"]);
    assert!(titles(&items, &user, "?q=%25%25%25").await.is_empty());
    assert!(titles(&items, &user, "?q=_").await.len() == 1);

    for (query, code) in [
        ("?status=pending", "invalid_status"),
        ("?kind=chore", "invalid_item_kind"),
        ("?due_before=tomorrow", "invalid_date"),
        ("?limit=0", "invalid_limit"),
        ("?limit=101", "invalid_limit"),
        ("?cursor=garbage", "invalid_cursor"),
    ] {
        let response = items
            .send(Method::GET, &format!("/v1/items{query}"), &user, None)
            .await;
        assert_eq!(
            refused(response, StatusCode::UNPROCESSABLE_ENTITY).await.0,
            code,
            "{query}"
        );
    }
    let response = items
        .send(Method::GET, "/v1/items?overdue=maybe", &user, None)
        .await;
    assert_eq!(
        refused(response, StatusCode::BAD_REQUEST).await.0,
        "invalid_query"
    );
}

async fn a_long_list_is_paged_by_cursor_without_gaps_or_repeats(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    // Several share a due date: the id breaks ties.
    for n in 0..23 {
        let due = items.in_days(n / 3).to_string();
        items
            .create(
                &user,
                json!({"kind": "todo", "title": format!("Task {n:02}"), "due_on": due, "reminders": []}),
            )
            .await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let query = match &cursor {
            Some(c) => format!("/v1/items?limit=5&cursor={c}"),
            None => "/v1/items?limit=5".to_string(),
        };
        let page = items.get_json(&query, &user).await;
        for item in page["items"].as_array().unwrap() {
            seen.push(item["title"].as_str().unwrap().to_string());
        }
        cursor = page["next_cursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    let expected: Vec<String> = (0..23).map(|n| format!("Task {n:02}")).collect();
    assert_eq!(seen, expected);
}

on_both_backends!(
    lists_are_sorted_by_due_date_and_filtered,
    a_long_list_is_paged_by_cursor_without_gaps_or_repeats,
);
