//! Reminders at the right local time: across the spring-forward gap and the autumn
//! fall-back hour, and when the user moves to another zone. The days chosen are the next
//! clock changes after the test clock's today, found in the tz database; the instants
//! expected are written out by hand for each zone's rule.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{ItemsApp, local_ms, ms};
use crate::helpers::Backend;
use crate::on_both_backends;

/// The local date of the next clock change of `zone` after `now_ms` + 2 days that turns
/// the clocks forward (`spring`) or back.
fn next_change(zone: &str, now_ms: i64, spring: bool) -> Date {
    let tz = TimeZone::get(zone).unwrap();
    let from = Timestamp::from_millisecond(now_ms).unwrap() + jiff::SignedDuration::from_hours(48);
    tz.following(from)
        .find(|t| t.dst().is_dst() == spring)
        .map(|t| t.timestamp().to_zoned_datetime(tz.clone()).date())
        .unwrap()
}

fn utc(date: Date, time: &str) -> i64 {
    format!("{date}T{time}:00Z")
        .parse::<Timestamp>()
        .unwrap()
        .as_millisecond()
}

async fn next_reminder_of(items: &ItemsApp, user: &super::User, body: serde_json::Value) -> i64 {
    ms(&items.create(user, body).await["next_reminder_at"])
}

async fn reminders_land_at_the_right_local_time_across_daylight_saving_changes(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let now = items.app.now_ms();
    // Europe/London: clocks go from 01:00 GMT to 02:00 BST, and back from 02:00 BST to
    // 01:00 GMT. America/New_York: from 02:00 EST to 03:00 EDT, back from 02:00 EDT to
    // 01:00 EST.
    for (zone, gap_time, spring_utc, fold_utc, standard_offset) in [
        ("Europe/London", "01:30", "01:30", "00:30", 0),
        ("America/New_York", "02:30", "07:30", "05:30", -5),
    ] {
        let spring = next_change(zone, now, true);
        let autumn = next_change(zone, now, false);
        let at = |on: Date, time: &str| {
            json!({"kind": "appointment", "title": format!("{zone} {on} {time}"), "due_on": on.to_string(),
                   "due_time": time, "time_zone": zone, "reminders": [{"value": 0, "unit": "minute"}]})
        };
        // A time in the gap moves forward by the gap's length.
        assert_eq!(
            next_reminder_of(&items, &user, at(spring, gap_time)).await,
            utc(spring, spring_utc),
            "{zone}"
        );
        // A time in the hour that happens twice takes the first.
        assert_eq!(
            next_reminder_of(&items, &user, at(autumn, "01:30")).await,
            utc(autumn, fold_utc),
            "{zone}"
        );
        // "A day before" keeps the local time across the change; "24 hours before" does not.
        let on_the_day = |value: i64, unit: &str| {
            json!({"kind": "bill", "title": "b", "due_on": spring.to_string(), "time_zone": zone,
                   "reminders": [{"value": value, "unit": unit}]})
        };
        let before_day = spring - 1.days();
        let nine_standard = format!("{:02}:00", 9 - standard_offset);
        let eight_standard = format!("{:02}:00", 8 - standard_offset);
        assert_eq!(
            next_reminder_of(&items, &user, on_the_day(1, "day")).await,
            utc(before_day, &nine_standard)
        );
        assert_eq!(
            next_reminder_of(&items, &user, on_the_day(24, "hour")).await,
            utc(before_day, &eight_standard)
        );
    }

    // And the email goes out then: not a minute before, once after.
    let spring = next_change("Europe/London", now, true);
    let at = utc(spring, "01:30");
    let before = items.reminders_to(&user).len();
    items.advance_to(at - 60_000);
    items.sweep().await;
    let early: Vec<String> = items.reminders_to(&user).into_iter().map(|e| e.subject).collect();
    assert!(
        !early.iter().any(|s| s.contains(&format!("{spring} 01:30"))),
        "{early:?}"
    );
    items.advance_to(at + 1000);
    items.sweep().await;
    let sent: Vec<String> = items.reminders_to(&user).into_iter().map(|e| e.subject).collect();
    assert_eq!(
        sent.iter()
            .filter(|s| s.contains(&format!("Europe/London {spring} 01:30")))
            .count(),
        1,
        "{sent:?}"
    );
    assert!(sent.len() > before);
}

async fn a_user_moving_from_london_to_tokyo_takes_floating_items_along_and_not_fixed_ones(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user_in("Europe/London").await;
    let day = items.in_days(10);
    let floating = items
        .create(
            &user,
            json!({"kind": "bill", "title": "Floating", "due_on": day.to_string(),
                              "reminders": [{"value": 0, "unit": "day"}]}),
        )
        .await;
    let fixed = items
        .create(
            &user,
            json!({"kind": "appointment", "title": "Fixed", "due_on": day.to_string(), "due_time": "15:00",
                              "time_zone": "Europe/London", "reminders": [{"value": 1, "unit": "hour"}]}),
        )
        .await;
    assert_eq!(
        ms(&floating["next_reminder_at"]),
        local_ms(day, "09:00", "Europe/London")
    );
    assert_eq!(
        ms(&fixed["next_reminder_at"]),
        local_ms(day, "14:00", "Europe/London")
    );

    // A reminder due later today in London that is already past in Tokyo.
    let today = items.in_days(3);
    items.advance_to(utc(today, "03:00"));
    let pending = items
        .create(
            &user,
            json!({"kind": "todo", "title": "Pending", "due_on": today.to_string(),
                              "reminders": [{"value": 0, "unit": "day"}]}),
        )
        .await;
    assert_eq!(
        ms(&pending["next_reminder_at"]),
        local_ms(today, "09:00", "Europe/London")
    );

    let moved = items
        .send(
            Method::PATCH,
            "/v1/me",
            &user,
            Some(json!({"time_zone": "Asia/Tokyo"})),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
    items.app.wait_for_jobs().await;
    let id = |item: &serde_json::Value| item["id"].as_str().unwrap().to_string();
    assert_eq!(
        ms(&items.item(&user, &id(&floating)).await["next_reminder_at"]),
        local_ms(day, "09:00", "Asia/Tokyo"),
        "a floating item follows the user"
    );
    assert_eq!(
        ms(&items.item(&user, &id(&fixed)).await["next_reminder_at"]),
        local_ms(day, "14:00", "Europe/London"),
        "a fixed item stays where it happens"
    );
    // 09:00 in Tokyo was 00:00 UTC, three hours ago: it goes out now, not never.
    let moved_back = ms(&items.item(&user, &id(&pending)).await["next_reminder_at"]);
    assert_eq!(moved_back, local_ms(today, "09:00", "Asia/Tokyo"));
    assert!(moved_back < items.app.now_ms());
    items.sweep().await;
    let sent: Vec<String> = items.reminders_to(&user).into_iter().map(|e| e.subject).collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].starts_with("Pending:"));
}

async fn a_reminder_already_past_when_an_item_is_created_is_not_sent(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    // Due tomorrow, reminded six months and a month before: both past already.
    let item = items
        .create(
            &user,
            json!({"kind": "expiry", "title": "Insurance", "due_on": items.in_days(1).to_string()}),
        )
        .await;
    assert_eq!(item["next_reminder_at"], serde_json::Value::Null);
    items.sweep().await;
    assert!(items.reminders_to(&user).is_empty());
}

on_both_backends!(
    reminders_land_at_the_right_local_time_across_daylight_saving_changes,
    a_user_moving_from_london_to_tokyo_takes_floating_items_along_and_not_fixed_ones,
    a_reminder_already_past_when_an_item_is_created_is_not_sent,
);
