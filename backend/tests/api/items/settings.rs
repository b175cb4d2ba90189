//! Reminder settings: the time of day, single emails or a digest, each kind's defaults.

use jiff::ToSpan;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{ItemsApp, User, local_ms, ms, refused};
use crate::helpers::Backend;
use crate::on_both_backends;

async fn patch(items: &ItemsApp, user: &User, body: Value) -> reqwest::Response {
    items
        .send(Method::PATCH, "/v1/reminders/settings", user, Some(body))
        .await
}

async fn settings_start_at_the_defaults_and_refuse_bad_values(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let settings = items.get_json("/v1/reminders/settings", &user).await["settings"].clone();
    assert_eq!(settings["reminder_time"], "09:00");
    assert_eq!(settings["delivery"], "single");
    assert_eq!(settings["document_expiries"], true);
    assert_eq!(settings["calendar_url"], Value::Null);
    assert_eq!(settings["customised_kinds"], json!([]));
    assert_eq!(
        settings["default_reminders"]["expiry"],
        json!([{"value": 6, "unit": "month"}, {"value": 1, "unit": "month"}])
    );
    assert_eq!(
        settings["default_reminders"]["bill"],
        json!([{"value": 3, "unit": "day"}])
    );
    for (body, field) in [
        (json!({"reminder_time": "9am"}), "reminder_time"),
        (json!({"delivery": "weekly"}), "delivery"),
        (json!({"default_reminders": {"chore": []}}), "default_reminders"),
        (
            json!({"default_reminders": {"bill": [{"value": -1, "unit": "day"}]}}),
            "default_reminders",
        ),
    ] {
        let response = patch(&items, &user, body.clone()).await;
        assert_eq!(
            refused(response, StatusCode::UNPROCESSABLE_ENTITY)
                .await
                .1
                .as_deref(),
            Some(field),
            "{body}"
        );
    }
    let unknown = patch(&items, &user, json!({"colour": "red"})).await;
    assert_eq!(
        refused(unknown, StatusCode::UNPROCESSABLE_ENTITY).await.0,
        "invalid_body"
    );
    let again = items.get_json("/v1/reminders/settings", &user).await["settings"].clone();
    assert_eq!(again, settings, "refusals changed nothing");
}

async fn a_users_own_defaults_apply_to_new_items_until_reset(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let changed = patch(
        &items,
        &user,
        json!({"default_reminders": {"bill": [{"value": 1, "unit": "week"}]}}),
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["settings"]["customised_kinds"], json!(["bill"]));
    let new_bill = json!({"kind": "bill", "title": "Water", "due_on": "2031-01-01"});
    let item = items.create(&user, new_bill.clone()).await;
    assert_eq!(item["reminders"][0]["value"], 1);
    assert_eq!(item["reminders"][0]["unit"], "week");
    patch(&items, &user, json!({"default_reminders": {"bill": null}})).await;
    let item = items.create(&user, new_bill).await;
    assert_eq!(
        (
            item["reminders"][0]["value"].as_i64(),
            item["reminders"][0]["unit"].as_str()
        ),
        (Some(3), Some("day"))
    );
}

async fn a_new_reminder_time_moves_every_date_only_reminder(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let due = items.in_days(20);
    let dated = items
        .create(
            &user,
            json!({"kind": "bill", "title": "Rates", "due_on": due.to_string(),
                              "reminders": [{"value": 1, "unit": "week"}]}),
        )
        .await;
    let timed = items
        .create(
            &user,
            json!({"kind": "appointment", "title": "Optician", "due_on": due.to_string(),
                              "due_time": "11:00", "reminders": [{"value": 1, "unit": "day"}]}),
        )
        .await;
    assert_eq!(
        ms(&dated["next_reminder_at"]),
        local_ms(due - 1.week(), "09:00", "Europe/London")
    );
    let response = patch(&items, &user, json!({"reminder_time": "07:30"})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let dated = items.item(&user, dated["id"].as_str().unwrap()).await;
    assert_eq!(
        ms(&dated["next_reminder_at"]),
        local_ms(due - 1.week(), "07:30", "Europe/London")
    );
    let timed_after = items.item(&user, timed["id"].as_str().unwrap()).await;
    assert_eq!(
        timed_after["next_reminder_at"], timed["next_reminder_at"],
        "a timed item keeps its own time"
    );
}

on_both_backends!(
    settings_start_at_the_defaults_and_refuse_bad_values,
    a_users_own_defaults_apply_to_new_items_until_reset,
    a_new_reminder_time_moves_every_date_only_reminder,
);
