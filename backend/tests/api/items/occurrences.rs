//! Completing, skipping, moving and snoozing occurrences; repeats that follow the
//! calendar and repeats counted from completion.

use jiff::ToSpan;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{ItemsApp, refused};
use crate::helpers::Backend;
use crate::on_both_backends;

fn actions(history: &Value) -> Vec<(String, String)> {
    history["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["due_on"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn completing_a_one_off_makes_it_done_and_a_second_click_changes_nothing(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let due = items.in_days(3);
    let item = items
        .create(
            &user,
            json!({"kind": "todo", "title": "Post the form", "due_on": due.to_string()}),
        )
        .await;
    let id = item["id"].as_str().unwrap();
    let done = items
        .act(&user, id, "complete", json!({"occurrence_on": due.to_string()}))
        .await;
    assert_eq!(done["status"], "done");
    assert_eq!(done["next_reminder_at"], Value::Null);
    let history = items.get_json(&format!("/v1/items/{id}/history"), &user).await;
    assert_eq!(actions(&history), [("completed".to_string(), due.to_string())]);
    assert_eq!(history["history"][0]["done_on"], items.in_days(0).to_string());
    // The same click again: the item is not open any more.
    let again = items
        .send(
            Method::POST,
            &format!("/v1/items/{id}/complete"),
            &user,
            Some(json!({"occurrence_on": due.to_string()})),
        )
        .await;
    assert_eq!(refused(again, StatusCode::CONFLICT).await.0, "item_not_open");
    // Done tomorrow? Not yet.
    let reopened = items
        .send(
            Method::PATCH,
            &format!("/v1/items/{id}"),
            &user,
            Some(json!({"status": "open"})),
        )
        .await;
    assert_eq!(reopened.status(), StatusCode::OK);
    let future = items
        .send(
            Method::POST,
            &format!("/v1/items/{id}/complete"),
            &user,
            Some(json!({"done_on": items.in_days(1).to_string()})),
        )
        .await;
    assert_eq!(
        refused(future, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .1
            .as_deref(),
        Some("done_on")
    );
}

async fn an_overdue_series_jumps_to_its_next_occurrence_from_today(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let start = items.in_days(-20);
    let weekly = items
        .create(&user, json!({"kind": "todo", "title": "Bins", "due_on": start.to_string(), "recurrence": "FREQ=WEEKLY"}))
        .await;
    assert_eq!(weekly["overdue"], true);
    assert_eq!(
        weekly["upcoming"],
        json!([start + 7.days(), start + 14.days(), start + 21.days()].map(|d| d.to_string()))
    );
    let id = weekly["id"].as_str().unwrap();
    let next = items.act(&user, id, "complete", json!({})).await;
    // Two missed weeks are not owed one by one: the next is the first from today on.
    assert_eq!(next["due_on"], (start + 21.days()).to_string());
    assert_eq!(next["status"], "open");
    assert_eq!(next["overdue"], false);

    // A stale click naming the occurrence just completed is refused, and changes nothing.
    let stale = items
        .send(
            Method::POST,
            &format!("/v1/items/{id}/complete"),
            &user,
            Some(json!({"occurrence_on": start.to_string()})),
        )
        .await;
    assert_eq!(
        refused(stale, StatusCode::CONFLICT).await.0,
        "occurrence_not_current"
    );
    assert_eq!(items.item(&user, id).await["due_on"], next["due_on"]);
}

async fn monthly_on_the_31st_and_the_last_friday_follow_the_calendar(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let month_end = items
        .create(
            &user,
            json!({"kind": "bill", "title": "Rent", "due_on": "2031-01-31", "recurrence": "FREQ=MONTHLY;BYMONTHDAY=31"}),
        )
        .await;
    assert_eq!(
        month_end["upcoming"],
        json!(["2031-03-31", "2031-05-31", "2031-07-31"])
    );
    let last_day = items
        .create(
            &user,
            json!({"kind": "bill", "title": "Card", "due_on": "2032-01-31", "recurrence": "FREQ=MONTHLY;BYMONTHDAY=-1"}),
        )
        .await;
    assert_eq!(
        last_day["upcoming"],
        json!(["2032-02-29", "2032-03-31", "2032-04-30"])
    );
    let leap = items
        .create(
            &user,
            json!({"kind": "renewal", "title": "Leap", "due_on": "2032-02-29", "recurrence": "FREQ=YEARLY"}),
        )
        .await;
    assert_eq!(
        leap["upcoming"],
        json!(["2036-02-29", "2040-02-29", "2044-02-29"])
    );
    let friday = items
        .create(
            &user,
            json!({"kind": "todo", "title": "Payroll", "due_on": "2031-01-31", "recurrence": "FREQ=MONTHLY;BYDAY=-1FR"}),
        )
        .await;
    assert_eq!(
        friday["upcoming"],
        json!(["2031-02-28", "2031-03-28", "2031-04-25"])
    );
    // Completing ahead of time moves to the next date of the rule.
    let next = items
        .act(&user, friday["id"].as_str().unwrap(), "complete", json!({}))
        .await;
    assert_eq!(next["due_on"], "2031-02-28");
}

async fn count_and_until_end_a_series(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let twice = items
        .create(&user, json!({"kind": "todo", "title": "Twice", "due_on": "2031-01-01", "recurrence": "FREQ=YEARLY;COUNT=2"}))
        .await;
    let id = twice["id"].as_str().unwrap();
    assert_eq!(twice["upcoming"], json!(["2032-01-01"]));
    assert_eq!(
        items.act(&user, id, "complete", json!({})).await["due_on"],
        "2032-01-01"
    );
    let ended = items.act(&user, id, "complete", json!({})).await;
    assert_eq!(ended["status"], "done", "COUNT=2 is two occurrences");
    let until = items
        .create(
            &user,
            json!({"kind": "todo", "title": "Until", "due_on": "2031-01-01", "recurrence": "FREQ=MONTHLY;UNTIL=20310201"}),
        )
        .await;
    let id = until["id"].as_str().unwrap();
    assert_eq!(
        items.act(&user, id, "skip", json!({})).await["due_on"],
        "2031-02-01"
    );
    assert_eq!(items.act(&user, id, "skip", json!({})).await["status"], "done");
}

async fn a_repeat_counted_from_completion_steps_from_the_day_it_was_done(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let boiler = items
        .create(
            &user,
            json!({"kind": "todo", "title": "Service the boiler", "due_on": items.in_days(-40).to_string(),
                   "recurrence": "FREQ=MONTHLY;INTERVAL=3", "repeat_from": "completion"}),
        )
        .await;
    assert_eq!(boiler["upcoming"], json!([]), "unknown until it is done");
    let id = boiler["id"].as_str().unwrap();
    let done_on = items.in_days(-2);
    let next = items
        .act(&user, id, "complete", json!({"done_on": done_on.to_string()}))
        .await;
    assert_eq!(next["due_on"], (done_on + 3.months()).to_string());
    let skipped = items.act(&user, id, "skip", json!({})).await;
    assert_eq!(skipped["due_on"], (items.in_days(0) + 3.months()).to_string());
}

async fn one_occurrence_moves_or_is_skipped_and_the_series_stays(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let tax = items
        .create(
            &user,
            json!({"kind": "bill", "title": "Council tax", "due_on": "2031-03-01", "due_time": "09:30",
                   "recurrence": "FREQ=MONTHLY;BYMONTHDAY=1"}),
        )
        .await;
    let id = tax["id"].as_str().unwrap();
    let path = format!("/v1/items/{id}/occurrence");
    let moved = items
        .send(
            Method::PATCH,
            &path,
            &user,
            Some(json!({"due_on": "2031-03-05", "due_time": "17:00"})),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
    let moved: Value = moved.json::<Value>().await.unwrap()["item"].clone();
    assert_eq!(
        (moved["due_on"].as_str(), moved["due_time"].as_str()),
        (Some("2031-03-05"), Some("17:00"))
    );
    assert_eq!(moved["occurrence_on"], "2031-03-01");
    assert_eq!(moved["moved"], true);
    assert_eq!(moved["upcoming"][0], "2031-04-01", "the series is where it was");
    let next = items
        .act(&user, id, "complete", json!({"occurrence_on": "2031-03-01"}))
        .await;
    assert_eq!(
        (next["due_on"].as_str(), next["due_time"].as_str()),
        (Some("2031-04-01"), Some("09:30"))
    );
    assert_eq!(next["moved"], false);
    let skipped = items
        .act(&user, id, "skip", json!({"occurrence_on": "2031-04-01"}))
        .await;
    assert_eq!(skipped["due_on"], "2031-05-01");
    let history = items.get_json(&format!("/v1/items/{id}/history"), &user).await;
    assert_eq!(
        actions(&history),
        [
            ("skipped".to_string(), "2031-04-01".to_string()),
            ("completed".to_string(), "2031-03-05".to_string()),
            ("moved".to_string(), "2031-03-01".to_string()),
        ]
    );
    assert_eq!(history["history"][2]["detail"], "2031-03-05 17:00");
    let page = items
        .get_json(&format!("/v1/items/{id}/history?limit=2"), &user)
        .await;
    assert_eq!(page["history"].as_array().unwrap().len(), 2);
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = items
        .get_json(&format!("/v1/items/{id}/history?limit=2&cursor={cursor}"), &user)
        .await;
    assert_eq!(actions(&rest), [("moved".to_string(), "2031-03-01".to_string())]);

    let once = items
        .create(
            &user,
            json!({"kind": "todo", "title": "Once", "due_on": "2031-01-01"}),
        )
        .await;
    let skip_once = items
        .send(
            Method::POST,
            &format!("/v1/items/{}/skip", once["id"].as_str().unwrap()),
            &user,
            None,
        )
        .await;
    assert_eq!(
        refused(skip_once, StatusCode::UNPROCESSABLE_ENTITY).await.0,
        "not_repeating"
    );
    let empty_move = items.send(Method::PATCH, &path, &user, Some(json!({}))).await;
    assert_eq!(
        refused(empty_move, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .1
            .as_deref(),
        Some("due_on")
    );
}

async fn a_snooze_reminds_again_once(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let item = items
        .create(
            &user,
            json!({"kind": "todo", "title": "Call the bank", "due_on": items.in_days(-1).to_string()}),
        )
        .await;
    let id = item["id"].as_str().unwrap();
    for bad in [
        json!({"days": 0}),
        json!({"days": 91}),
        json!({}),
        json!({"days": 1, "until": "2030-01-01T00:00:00Z"}),
        json!({"until": "yesterday"}),
        json!({"until": "2000-01-01T00:00:00Z"}),
    ] {
        let response = items
            .send(
                Method::POST,
                &format!("/v1/items/{id}/snooze"),
                &user,
                Some(bad.clone()),
            )
            .await;
        assert_eq!(
            refused(response, StatusCode::UNPROCESSABLE_ENTITY).await.0,
            "invalid_snooze",
            "{bad}"
        );
    }
    let snoozed = items.act(&user, id, "snooze", json!({"days": 1})).await;
    let tomorrow = items.app.now_ms() + 24 * 3600 * 1000;
    let until = super::ms(&snoozed["snoozed_until"]);
    assert!((tomorrow - 5000..=tomorrow).contains(&until), "{snoozed}");
    assert_eq!(snoozed["next_reminder_at"], snoozed["snoozed_until"]);
    assert_eq!(
        snoozed["reminders"].as_array().unwrap().len(),
        1,
        "a snooze is not one of the reminders"
    );
    // Completing the occurrence ends its snooze.
    let done = items.act(&user, id, "complete", json!({})).await;
    assert_eq!(done["snoozed_until"], Value::Null);
}

on_both_backends!(
    completing_a_one_off_makes_it_done_and_a_second_click_changes_nothing,
    an_overdue_series_jumps_to_its_next_occurrence_from_today,
    monthly_on_the_31st_and_the_last_friday_follow_the_calendar,
    count_and_until_end_a_series,
    a_repeat_counted_from_completion_steps_from_the_day_it_was_done,
    one_occurrence_moves_or_is_skipped_and_the_series_stays,
    a_snooze_reminds_again_once,
);
