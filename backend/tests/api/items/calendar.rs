//! The calendar feed: a private address that can be rotated and revoked, serving the
//! user's open items as iCalendar, read back by an independent parser (Python's
//! `icalendar`, from PyPI).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{ItemsApp, User};
use crate::helpers::Backend;
use crate::on_both_backends;

/// The feed's address, pointed at the test server.
async fn feed_url(items: &ItemsApp, user: &User) -> String {
    let response = items.send(Method::POST, "/v1/calendar/token", user, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let url = response.json::<Value>().await.unwrap()["calendar_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        url.starts_with("http://localhost:3000/v1/calendar/") && url.ends_with(".ics"),
        "{url}"
    );
    url.replace("http://localhost:3000", &items.app.address)
}

async fn fetch(items: &ItemsApp, url: &str) -> (StatusCode, String) {
    let response = items.app.client.get(url).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

/// A user with one item of each shape the feed writes, and some it leaves out.
async fn user_with_items(items: &ItemsApp) -> User {
    let user = items.user().await;
    for body in [
        json!({"kind": "bill", "title": "Council tax, band C", "due_on": "2031-04-01", "recurrence": "FREQ=MONTHLY;BYMONTHDAY=1;COUNT=10",
               "amount_minor": 15000, "currency": "GBP", "payee": "Council", "reminders": [{"value": 3, "unit": "day"}]}),
        json!({"kind": "appointment", "title": "Dentist", "due_on": "2031-03-30", "due_time": "15:00",
               "time_zone": "Europe/London", "reminders": [{"value": 1, "unit": "hour"}]}),
        json!({"kind": "expiry", "title": "Passport", "due_on": "2031-05-01", "notes": "Photo; form\nand fee"}),
        json!({"kind": "todo", "title": "Boiler", "due_on": "2031-02-01", "recurrence": "FREQ=YEARLY", "repeat_from": "completion"}),
        json!({"kind": "todo", "title": "Floating call", "due_on": "2031-02-02", "due_time": "08:15"}),
    ] {
        items.create(&user, body).await;
    }
    let moved = items
        .create(&user, json!({"kind": "todo", "title": "Weekly review", "due_on": "2031-01-06", "recurrence": "FREQ=WEEKLY"}))
        .await;
    let path = format!("/v1/items/{}/occurrence", moved["id"].as_str().unwrap());
    items
        .send(Method::PATCH, &path, &user, Some(json!({"due_on": "2031-01-08"})))
        .await;
    let done = items
        .create(
            &user,
            json!({"kind": "todo", "title": "Done one", "due_on": "2031-01-01"}),
        )
        .await;
    items
        .act(&user, done["id"].as_str().unwrap(), "complete", json!({}))
        .await;
    let binned = items
        .create(
            &user,
            json!({"kind": "todo", "title": "Binned one", "due_on": "2031-01-01"}),
        )
        .await;
    items
        .send(
            Method::DELETE,
            &format!("/v1/items/{}", binned["id"].as_str().unwrap()),
            &user,
            None,
        )
        .await;
    user
}

async fn the_feed_has_a_private_address_that_can_be_rotated_and_revoked(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = user_with_items(&items).await;
    let url = feed_url(&items, &user).await;
    let response = items.app.client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/calendar; charset=utf-8");
    let body = response.text().await.unwrap();
    assert!(body.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(body.ends_with("END:VCALENDAR\r\n"));
    assert!(body.contains("SUMMARY:Council tax\\, band C\r\n"));
    assert!(body.contains("RRULE:FREQ=MONTHLY;BYMONTHDAY=1;COUNT=10\r\n"));
    assert!(body.contains("DTSTART;VALUE=DATE:20310401\r\n"));
    assert!(body.contains("DTSTART;TZID=Europe/London:20310330T150000\r\n"));
    assert!(body.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n"));
    assert!(
        body.contains("DTSTART:20310202T081500\r\n"),
        "a floating time has no zone"
    );
    assert!(!body.contains("Done one") && !body.contains("Binned one"));
    let settings = items.get_json("/v1/reminders/settings", &user).await;
    assert_eq!(
        settings["settings"]["calendar_url"]
            .as_str()
            .unwrap()
            .replace("http://localhost:3000", &items.app.address),
        url
    );

    // Rotated: the old address stops working; revoked: the new one too.
    let rotated = feed_url(&items, &user).await;
    assert_ne!(rotated, url);
    assert_eq!(fetch(&items, &url).await.0, StatusCode::NOT_FOUND);
    assert_eq!(fetch(&items, &rotated).await.0, StatusCode::OK);
    let forged = rotated.replace(".ics", "x.ics");
    assert_eq!(fetch(&items, &forged).await.0, StatusCode::NOT_FOUND);
    let other = items.user().await;
    let theirs = feed_url(&items, &other).await;
    assert!(
        !fetch(&items, &theirs).await.1.contains("Council tax"),
        "another user's feed is theirs"
    );
    let revoked = items
        .send(Method::DELETE, "/v1/calendar/token", &user, None)
        .await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    assert_eq!(fetch(&items, &rotated).await.0, StatusCode::NOT_FOUND);
}

/// Reads the feed with Python's `icalendar` and answers what it found, as JSON.
fn parsed_by_icalendar(feed: &str) -> Value {
    use std::io::Write;
    const SCRIPT: &str = r#"
import json, sys
from icalendar import Calendar
cal = Calendar.from_ical(sys.stdin.buffer.read())
zones = [str(z["TZID"]) for z in cal.walk("VTIMEZONE")]
events = []
for e in cal.walk("VEVENT"):
    start = e.decoded("DTSTART")
    events.append({
        "summary": str(e["SUMMARY"]),
        "description": str(e.get("DESCRIPTION", "")),
        "start": start.isoformat(),
        "zone": str(getattr(start, "tzinfo", None) or ""),
        "rrule": e["RRULE"].to_ical().decode() if "RRULE" in e else None,
        "recurrence_id": e.decoded("RECURRENCE-ID").isoformat() if "RECURRENCE-ID" in e else None,
        "alarms": [a["TRIGGER"].to_ical().decode() for a in e.walk("VALARM")],
    })
print(json.dumps({"zones": zones, "events": events, "errors": [str(x) for x in getattr(cal, "errors", [])]}))
"#;
    let python = crate::helpers::test_service("SOFTLY_TEST_PYTHON");
    let mut child = std::process::Command::new(python)
        .args(["-c", SCRIPT])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(feed.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "icalendar refused the feed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

async fn the_feed_reads_back_in_an_independent_icalendar_parser(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = user_with_items(&items).await;
    let (_, feed) = fetch(&items, &feed_url(&items, &user).await).await;
    let parsed = parsed_by_icalendar(&feed);
    assert_eq!(parsed["errors"], json!([]));
    assert_eq!(parsed["zones"], json!(["Europe/London"]));
    let events = parsed["events"].as_array().unwrap();
    let event =
        |summary: &str| -> Vec<&Value> { events.iter().filter(|e| e["summary"] == summary).collect() };
    let tax = event("Council tax, band C")[0];
    assert_eq!(tax["start"], "2031-04-01");
    assert_eq!(tax["rrule"], "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1");
    assert!(
        tax["description"]
            .as_str()
            .unwrap()
            .starts_with("£150.00 to Council")
    );
    // Three days before the reminder time (09:00) on the day: relative to midnight.
    assert_eq!(tax["alarms"], json!(["-P2DT15H"]));
    let dentist = event("Dentist")[0];
    assert_eq!(dentist["start"], "2031-03-30T15:00:00+01:00");
    assert_eq!(dentist["alarms"], json!(["-PT1H"]));
    let passport = event("Passport")[0];
    assert_eq!(
        passport["alarms"],
        json!(["-P180DT15H", "-P29DT15H"]),
        "six months and a month before 1 May, at 09:00"
    );
    assert!(
        passport["description"]
            .as_str()
            .unwrap()
            .contains("Photo; form\nand fee")
    );
    let boiler = event("Boiler")[0];
    assert_eq!(
        boiler["rrule"],
        Value::Null,
        "a repeat counted from completion has no calendar rule"
    );
    let call = event("Floating call")[0];
    assert_eq!(
        (call["start"].as_str(), call["zone"].as_str()),
        (Some("2031-02-02T08:15:00"), Some(""))
    );
    let review = event("Weekly review");
    assert_eq!(review.len(), 2, "the series and its moved occurrence");
    assert_eq!(review[0]["start"], "2031-01-06");
    assert_eq!(review[0]["rrule"], "FREQ=WEEKLY");
    assert_eq!(review[1]["start"], "2031-01-08");
    assert_eq!(review[1]["recurrence_id"], "2031-01-06");
    assert!(event("Done one").is_empty() && event("Binned one").is_empty());
}

on_both_backends!(the_feed_has_a_private_address_that_can_be_rotated_and_revoked);
on_both_backends!(needs softly_test_python "set SOFTLY_TEST_PYTHON (a Python with icalendar) to run":
    the_feed_reads_back_in_an_independent_icalendar_parser);
