//! Reminder emails: sent at their time, once per occurrence; not for items completed,
//! deleted or moved meanwhile; gathered in a daily digest for those who chose one.

use jiff::ToSpan;
use jiff::civil::Date;
use reqwest::Method;
use serde_json::{Value, json};
use softly::items::SendReminder;
use sqlx::Row;

use super::{ItemsApp, User, bill, enqueue, local_ms, ms};
use crate::helpers::Backend;
use crate::on_both_backends;

const LONDON: &str = "Europe/London";

async fn a_reminder_goes_out_once_at_its_time_with_what_is_due(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let due = items.in_days(10);
    let item = items.create(&user, bill("Council tax", due, 3)).await;
    let at = local_ms(due - 3.days(), "09:00", LONDON);
    assert_eq!(ms(&item["next_reminder_at"]), at);

    items.advance_to(at - 60_000);
    items.sweep().await;
    assert!(items.reminders_to(&user).is_empty(), "not a minute early");
    items.advance_to(at + 1000);
    items.sweep().await;
    let sent = items.reminders_to(&user);
    assert_eq!(sent.len(), 1);
    let email = &sent[0];
    assert!(
        email.subject.starts_with("Council tax: is due in 3 days"),
        "{}",
        email.subject
    );
    assert!(
        email.text.contains("Amount: £420.00 to Council."),
        "{}",
        email.text
    );
    let id = item["id"].as_str().unwrap();
    assert!(email.text.contains(&format!(
        "Open in Softly: {}/item?id={id}",
        crate::helpers::APP_URL
    )));
    for label in ["Mark as done", "Remind me tomorrow", "Remind me in a week"] {
        assert!(
            email
                .text
                .contains(&format!("{label}: http://localhost:3000/v1/item-actions/a1.")),
            "{label}"
        );
    }
    let reminder_id = item["reminders"][0]["id"].as_str().unwrap();
    assert!(
        email
            .message_id
            .starts_with(&format!("<reminder-{reminder_id}-{due}@")),
        "{}",
        email.message_id
    );

    // Later sweeps send nothing more for this occurrence.
    items.sweep().await;
    items
        .app
        .clock
        .advance(std::time::Duration::from_secs(2 * 24 * 3600));
    items.sweep().await;
    assert_eq!(items.reminders_to(&user).len(), 1);
    let seen = items.item(&user, id).await;
    assert_eq!(seen["next_reminder_at"], Value::Null);
    let history = items.get_json(&format!("/v1/items/{id}/history"), &user).await;
    assert_eq!(history["history"][0]["action"], "reminded");
}

async fn a_repeating_item_is_reminded_again_for_its_next_occurrence(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let due = items.in_days(5);
    let mut body = bill("Phone", due, 1);
    body["recurrence"] = json!("FREQ=MONTHLY");
    let item = items.create(&user, body).await;
    let id = item["id"].as_str().unwrap();
    items.advance_to(local_ms(due - 1.days(), "09:01", LONDON));
    items.sweep().await;
    assert_eq!(items.reminders_to(&user).len(), 1);
    let next = items.act(&user, id, "complete", json!({})).await;
    let next_due: Date = next["due_on"].as_str().unwrap().parse().unwrap();
    assert_eq!(next_due, due + 1.month());
    assert_eq!(
        ms(&next["next_reminder_at"]),
        local_ms(next_due - 1.days(), "09:00", LONDON)
    );
    items.advance_to(local_ms(next_due - 1.days(), "09:01", LONDON));
    items.sweep().await;
    assert_eq!(
        items.reminders_to(&user).len(),
        2,
        "once per occurrence, every occurrence"
    );
}

/// SendReminder jobs for every reminder of `user`'s items, as the sweep makes them for
/// the occurrence each was planned for.
async fn jobs_for_planned_reminders(items: &ItemsApp, user: &User) -> Vec<SendReminder> {
    sqlx::query("SELECT id, item_id, planned_for FROM item_reminders WHERE user_id = $1")
        .bind(&user.id)
        .fetch_all(items.app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|row| SendReminder {
            reminder_id: row.get("id"),
            item_id: row.get("item_id"),
            user_id: user.id.clone(),
            due_on: row.get::<String, _>("planned_for").parse().unwrap(),
        })
        .collect()
}

async fn items_completed_deleted_or_moved_after_the_sweep_are_not_reminded(backend: Backend) {
    let items = ItemsApp::spawn_with(backend, &[("JOB_WORKERS", "0")]).await;
    let user = items.user().await;
    let due = items.in_days(4);
    let mut ids = Vec::new();
    for title in ["Completed", "Deleted", "Moved", "Kept"] {
        ids.push(
            items.create(&user, bill(title, due, 1)).await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    items.advance_to(local_ms(due - 1.days(), "09:01", LONDON));
    // The sweep has handed them over; then, before the emails go out:
    let handed = jobs_for_planned_reminders(&items, &user).await;
    assert_eq!(handed.len(), 4);
    items.act(&user, &ids[0], "complete", json!({})).await;
    items
        .send(Method::DELETE, &format!("/v1/items/{}", ids[1]), &user, None)
        .await;
    let moved = items
        .send(
            Method::PATCH,
            &format!("/v1/items/{}/occurrence", ids[2]),
            &user,
            Some(json!({"due_on": (due + 7.days()).to_string()})),
        )
        .await;
    assert_eq!(moved.status(), reqwest::StatusCode::OK);
    let workers = items.app.wired.start_workers(1);
    for job in handed {
        enqueue(&items.app, job).await;
    }
    workers.shutdown(std::time::Duration::from_secs(5)).await;
    let sent: Vec<String> = items.reminders_to(&user).into_iter().map(|e| e.subject).collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].starts_with("Kept:"), "{sent:?}");
}

async fn a_crash_between_sending_and_recording_sends_once_more_with_the_same_message_id(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let due = items.in_days(4);
    items.create(&user, bill("Gas", due, 1)).await;
    items.advance_to(local_ms(due - 1.days(), "09:01", LONDON));
    let job = jobs_for_planned_reminders(&items, &user).await.remove(0);
    enqueue(&items.app, job.clone()).await;
    // A retry after the send was recorded sends nothing.
    enqueue(&items.app, job.clone()).await;
    let reminded = "SELECT COUNT(*) FROM item_history WHERE action = 'reminded'";
    assert_eq!(items.app.count(reminded).await, 1);
    // The process died after handing the email over, before recording it: the retry
    // sends again, as the same message.
    sqlx::query("DELETE FROM reminder_sends")
        .execute(items.app.db.pool())
        .await
        .unwrap();
    enqueue(&items.app, job).await;
    assert_eq!(items.app.count(reminded).await, 2, "sent again");
    let sent = items.reminders_to(&user);
    assert_eq!(
        sent.len(),
        1,
        "one message: the file mailer rewrote it under its Message-ID"
    );
}

async fn a_digest_gathers_the_days_reminders_in_one_email(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let settings = items
        .send(
            Method::PATCH,
            "/v1/reminders/settings",
            &user,
            Some(json!({"delivery": "digest", "reminder_time": "08:00"})),
        )
        .await;
    assert_eq!(settings.status(), reqwest::StatusCode::OK);
    let day = items.in_days(4);
    items.create(&user, bill("Water", day + 1.days(), 1)).await;
    items.create(&user, bill("Energy", day + 2.days(), 2)).await;
    // An hour before 07:00 is before that day's digest: it goes in the one the day before.
    let early = items
        .create(
            &user,
            json!({"kind": "appointment", "title": "Vet", "due_on": day.to_string(), "due_time": "07:00",
                   "reminders": [{"value": 1, "unit": "hour"}]}),
        )
        .await;
    assert_eq!(
        ms(&early["next_reminder_at"]),
        local_ms(day - 1.days(), "08:00", LONDON)
    );

    items.advance_to(local_ms(day - 1.days(), "08:00", LONDON));
    items.sweep().await;
    let sent = items.reminders_to(&user);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].subject, "Coming up: Vet");
    items.advance_to(local_ms(day, "08:00", LONDON));
    items.sweep().await;
    let sent = items.reminders_to(&user);
    assert_eq!(sent.len(), 2);
    let digest = sent
        .iter()
        .find(|e| e.subject == "Coming up: 2 things")
        .expect("the day's digest");
    assert!(
        digest.text.contains("- Water — is due tomorrow"),
        "{}",
        digest.text
    );
    assert!(
        digest.text.contains("- Energy — is due in 2 days"),
        "{}",
        digest.text
    );
    assert_eq!(digest.text.matches("Mark as done: ").count(), 2);
}

on_both_backends!(
    a_reminder_goes_out_once_at_its_time_with_what_is_due,
    a_repeating_item_is_reminded_again_for_its_next_occurrence,
    items_completed_deleted_or_moved_after_the_sweep_are_not_reminded,
    a_crash_between_sending_and_recording_sends_once_more_with_the_same_message_id,
    a_digest_gathers_the_days_reminders_in_one_email,
);
