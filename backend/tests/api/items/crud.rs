//! Creating, reading, editing and deleting items; what is refused, and whose they are.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use softly::items::PurgeTrash;

use super::{ItemsApp, enqueue, refused};
use crate::helpers::Backend;
use crate::on_both_backends;

async fn an_item_gets_its_kinds_default_reminders_and_reads_back(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let due = items.in_days(200);
    let passport = items
        .create(
            &user,
            json!({
                "kind": "expiry",
                "title": "  Renew passport ",
                "category": "identity",
                "tags": ["travel", "Travel", "family"],
                "due_on": due.to_string(),
                "expires_on": "2040-05-01",
                "notes": "Needs a new photo.\nCounter-signature too.",
            }),
        )
        .await;
    assert_eq!(passport["title"], "Renew passport");
    assert_eq!(passport["kind"], "expiry");
    assert_eq!(passport["status"], "open");
    assert_eq!(passport["tags"], json!(["travel", "family"]));
    assert_eq!(passport["due_on"], due.to_string());
    assert_eq!(passport["occurrence_on"], due.to_string());
    assert_eq!(passport["expires_on"], "2040-05-01");
    assert_eq!(passport["time_zone"], Value::Null, "floating");
    assert_eq!(passport["moved"], false);
    assert_eq!(passport["overdue"], false);
    assert_eq!(passport["upcoming"], json!([]));
    let reminders: Vec<(i64, String)> = passport["reminders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["value"].as_i64().unwrap(),
                r["unit"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(reminders, [(6, "month".into()), (1, "month".into())]);
    assert!(passport["next_reminder_at"].is_string());
    let id = passport["id"].as_str().unwrap();
    assert_eq!(items.item(&user, id).await, passport);

    // An appointment given no zone is fixed in the user's; no reminders asked, none kept.
    let dentist = items
        .create(
            &user,
            json!({"kind": "appointment", "title": "Dentist", "due_on": due.to_string(),
                   "due_time": "15:30", "reminders": []}),
        )
        .await;
    assert_eq!(dentist["time_zone"], "Europe/London");
    assert_eq!(dentist["due_time"], "15:30");
    assert_eq!(dentist["reminders"], json!([]));
    assert_eq!(dentist["next_reminder_at"], Value::Null);
}

async fn bad_fields_are_refused_naming_them_and_nothing_is_stored(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let good = json!({"kind": "bill", "title": "Water", "due_on": "2030-01-01"});
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    let foreign = uuid::Uuid::now_v7().to_string();
    for (body, code, field) in [
        (with("kind", json!("chore")), "invalid_item_kind", "kind"),
        (with("title", json!("  ")), "title_required", "title"),
        (with("title", json!("a\u{202E}b")), "invalid_title", "title"),
        (with("category", json!("garden")), "invalid_category", "category"),
        (with("due_on", json!("2030-02-30")), "invalid_date", "due_on"),
        (with("due_time", json!("25:00")), "invalid_time", "due_time"),
        (
            with("time_zone", json!("Mars/Olympus")),
            "invalid_time_zone",
            "time_zone",
        ),
        (
            with("recurrence", json!("FREQ=DAILY;BYHOUR=9")),
            "invalid_recurrence",
            "recurrence",
        ),
        (
            with("recurrence", json!("FREQ=DAILY;UNTIL=20291231")),
            "invalid_recurrence",
            "recurrence",
        ),
        (
            with("repeat_from", json!("whenever")),
            "invalid_repeat_from",
            "repeat_from",
        ),
        (with("amount_minor", json!(100)), "invalid_currency", "currency"),
        (with("currency", json!("GBP")), "invalid_amount", "amount_minor"),
        (
            with(
                "tags",
                json!((0..21).map(|n| format!("t{n}")).collect::<Vec<_>>()),
            ),
            "invalid_tags",
            "tags",
        ),
        (with("payee", json!("x".repeat(201))), "invalid_payee", "payee"),
        (
            with("reminders", json!([{"value": 1, "unit": "fortnight"}])),
            "invalid_reminder",
            "reminders",
        ),
        (
            with(
                "reminders",
                json!([{"value": 1, "unit": "day", "at": "2030-01-01T00:00:00Z"}]),
            ),
            "invalid_reminder",
            "reminders",
        ),
        (
            with("document_ids", json!(["not-an-id"])),
            "unknown_document",
            "document_ids",
        ),
        (
            with("document_ids", json!([foreign])),
            "unknown_document",
            "document_ids",
        ),
        (with("notes", json!("x".repeat(5001))), "notes_too_long", "notes"),
    ] {
        let response = items
            .send(Method::POST, "/v1/items", &user, Some(body.clone()))
            .await;
        assert_eq!(
            refused(response, StatusCode::UNPROCESSABLE_ENTITY).await,
            (code.to_string(), Some(field.to_string())),
            "{body}"
        );
    }
    // A repeat counted from completion follows no weekday or month day.
    let mut body = with("recurrence", json!("FREQ=MONTHLY;BYMONTHDAY=1"));
    body["repeat_from"] = json!("completion");
    let response = items.send(Method::POST, "/v1/items", &user, Some(body)).await;
    assert_eq!(
        refused(response, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .1
            .as_deref(),
        Some("repeat_from")
    );
    let unknown = items
        .send(
            Method::POST,
            "/v1/items",
            &user,
            Some(with("colour", json!("red"))),
        )
        .await;
    assert_eq!(
        refused(unknown, StatusCode::UNPROCESSABLE_ENTITY).await.0,
        "invalid_body"
    );
    assert_eq!(items.app.count("SELECT COUNT(*) FROM items").await, 0);
    assert_eq!(items.app.count("SELECT COUNT(*) FROM item_reminders").await, 0);
    // The same body, with the bad values mended, is taken.
    items.create(&user, good).await;
}

async fn another_users_item_is_404_on_every_verb(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let (owner, stranger) = (items.user().await, items.user().await);
    let item = items
        .create(
            &owner,
            json!({"kind": "todo", "title": "Mine", "due_on": "2030-01-01", "recurrence": "FREQ=WEEKLY"}),
        )
        .await;
    let id = item["id"].as_str().unwrap();
    for (method, path, body) in [
        (Method::GET, format!("/v1/items/{id}"), None),
        (
            Method::PATCH,
            format!("/v1/items/{id}"),
            Some(json!({"title": "Yours"})),
        ),
        (Method::DELETE, format!("/v1/items/{id}"), None),
        (Method::POST, format!("/v1/items/{id}/complete"), Some(json!({}))),
        (Method::POST, format!("/v1/items/{id}/skip"), Some(json!({}))),
        (
            Method::POST,
            format!("/v1/items/{id}/snooze"),
            Some(json!({"days": 1})),
        ),
        (
            Method::PATCH,
            format!("/v1/items/{id}/occurrence"),
            Some(json!({"due_on": "2030-01-02"})),
        ),
        (Method::POST, format!("/v1/items/{id}/restore"), None),
        (Method::GET, format!("/v1/items/{id}/history"), None),
        (Method::GET, "/v1/items/not-a-uuid".to_string(), None),
    ] {
        let response = items.send(method.clone(), &path, &stranger, body).await;
        assert_eq!(
            refused(response, StatusCode::NOT_FOUND).await.0,
            "not_found",
            "{method} {path}"
        );
    }
    let listed = items.get_json("/v1/items", &stranger).await;
    assert_eq!(listed["items"], json!([]));
    assert_eq!(items.item(&owner, id).await, item, "untouched");
    let anonymous = items.app.get(&format!("/v1/items/{id}"), None).await;
    assert_eq!(
        refused(anonymous, StatusCode::UNAUTHORIZED).await.0,
        "missing_token"
    );
}

async fn patch_leaves_absent_fields_alone_and_clears_null_ones(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let item = items
        .create(
            &user,
            json!({"kind": "bill", "title": "Council tax", "notes": "Band C", "due_on": "2030-04-01",
                   "due_time": "10:00", "time_zone": "Europe/Paris", "amount_minor": 15000,
                   "currency": "GBP", "payee": "Council", "tags": ["home"]}),
        )
        .await;
    let path = format!("/v1/items/{}", item["id"].as_str().unwrap());
    let patched = items
        .send(
            Method::PATCH,
            &path,
            &user,
            Some(
                json!({"notes": null, "time_zone": null, "amount_minor": null, "reminders": null,
                        "title": "Council tax 2030"}),
            ),
        )
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    let patched: Value = patched.json::<Value>().await.unwrap()["item"].clone();
    assert_eq!(patched["title"], "Council tax 2030");
    assert_eq!(patched["notes"], Value::Null);
    assert_eq!(patched["time_zone"], Value::Null, "floats again");
    assert_eq!(
        (patched["amount_minor"].clone(), patched["currency"].clone()),
        (Value::Null, Value::Null)
    );
    assert_eq!(patched["reminders"], json!([]));
    for unchanged in [
        "kind", "category", "tags", "payee", "due_on", "due_time", "status",
    ] {
        assert_eq!(patched[unchanged], item[unchanged], "{unchanged}");
    }
    for field in ["title", "kind", "category", "status", "due_on", "repeat_from"] {
        let response = items
            .send(Method::PATCH, &path, &user, Some(json!({ field: null })))
            .await;
        assert_eq!(
            refused(response, StatusCode::UNPROCESSABLE_ENTITY)
                .await
                .1
                .as_deref(),
            Some(field)
        );
    }
    let bad = items
        .send(Method::PATCH, &path, &user, Some(json!({"status": "deleted"})))
        .await;
    assert_eq!(
        refused(bad, StatusCode::UNPROCESSABLE_ENTITY).await.0,
        "invalid_status"
    );
    assert_eq!(
        items.item(&user, item["id"].as_str().unwrap()).await,
        patched,
        "refusals changed nothing"
    );

    // New reminders replace the old; archiving stops them.
    let reminded = items
        .send(
            Method::PATCH,
            &path,
            &user,
            Some(json!({"reminders": [{"value": 2, "unit": "week"}, {"at": "2030-03-01T09:00:00Z"}]})),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["item"]
        .clone();
    assert_eq!(reminded["reminders"].as_array().unwrap().len(), 2);
    assert_eq!(reminded["reminders"][1]["at"], "2030-03-01T09:00:00Z");
    assert!(reminded["next_reminder_at"].is_string());
    let archived = items
        .send(Method::PATCH, &path, &user, Some(json!({"status": "archived"})))
        .await
        .json::<Value>()
        .await
        .unwrap()["item"]
        .clone();
    assert_eq!(archived["status"], "archived");
    assert_eq!(
        archived["next_reminder_at"],
        Value::Null,
        "an archived item is not reminded"
    );
}

async fn deleted_items_wait_in_the_trash_for_thirty_days(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let user = items.user().await;
    let kept = items
        .create(
            &user,
            json!({"kind": "todo", "title": "Kept", "due_on": "2030-01-01"}),
        )
        .await;
    let binned = items
        .create(
            &user,
            json!({"kind": "todo", "title": "Binned", "due_on": "2030-01-02"}),
        )
        .await;
    let id = binned["id"].as_str().unwrap();
    let deleted = items
        .send(Method::DELETE, &format!("/v1/items/{id}"), &user, None)
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let again = items
        .send(Method::DELETE, &format!("/v1/items/{id}"), &user, None)
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND, "already in the trash");
    let titles = |list: &Value| -> Vec<String> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(titles(&items.get_json("/v1/items", &user).await), ["Kept"]);
    let trash = items.get_json("/v1/items/trash", &user).await;
    assert_eq!(titles(&trash), ["Binned"]);
    assert!(trash["items"][0]["purge_after"].is_string());
    assert_eq!(
        trash["items"][0]["next_reminder_at"],
        Value::Null,
        "nothing is reminded from the trash"
    );
    let edit = items
        .send(
            Method::PATCH,
            &format!("/v1/items/{id}"),
            &user,
            Some(json!({"title": "x"})),
        )
        .await;
    assert_eq!(edit.status(), StatusCode::NOT_FOUND, "the trash is not edited");

    let restored = items.act(&user, id, "restore", json!({})).await;
    assert_eq!(restored["deleted_at"], Value::Null);
    assert!(restored["next_reminder_at"].is_string());
    assert_eq!(
        titles(&items.get_json("/v1/items", &user).await),
        ["Kept", "Binned"]
    );
    let not_binned = items
        .send(Method::POST, &format!("/v1/items/{id}/restore"), &user, None)
        .await;
    assert_eq!(not_binned.status(), StatusCode::NOT_FOUND);

    // 29 days in the trash: kept; 31: purged.
    items
        .send(Method::DELETE, &format!("/v1/items/{id}"), &user, None)
        .await;
    let day = std::time::Duration::from_secs(24 * 3600);
    items.app.clock.advance(29 * day);
    enqueue(&items.app, PurgeTrash {}).await;
    assert_eq!(
        titles(&items.get_json("/v1/items/trash", &user).await),
        ["Binned"]
    );
    items.app.clock.advance(2 * day);
    enqueue(&items.app, PurgeTrash {}).await;
    assert_eq!(items.get_json("/v1/items/trash", &user).await["items"], json!([]));
    let gone = items
        .send(Method::POST, &format!("/v1/items/{id}/restore"), &user, None)
        .await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        items.app.count("SELECT COUNT(*) FROM item_reminders").await,
        1,
        "the purged item's went too"
    );
    assert!(kept["id"].is_string());
}

async fn deleting_the_account_forgets_its_items(backend: Backend) {
    let items = ItemsApp::spawn(backend).await;
    let (leaving, staying) = (items.user().await, items.user().await);
    items
        .create(
            &leaving,
            json!({"kind": "todo", "title": "Gone", "due_on": "2030-01-01"}),
        )
        .await;
    items
        .create(
            &staying,
            json!({"kind": "todo", "title": "Stays", "due_on": "2030-01-01"}),
        )
        .await;
    items
        .send(
            Method::PATCH,
            "/v1/reminders/settings",
            &leaving,
            Some(json!({"delivery": "digest"})),
        )
        .await;
    assert_eq!(
        items
            .app
            .delete_account(&items.token(&leaving).await)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    items.app.wait_for_jobs().await;
    assert_eq!(items.app.count("SELECT COUNT(*) FROM items").await, 1);
    assert_eq!(items.app.count("SELECT COUNT(*) FROM item_settings").await, 0);
    assert_eq!(items.app.count("SELECT COUNT(*) FROM item_reminders").await, 1);
}

async fn many_changes_at_once_never_wait_on_each_others_connections(backend: Backend) {
    // Each change holds one connection for its transaction: were it to need a second
    // (to read the user's zone, the user's documents), three changes at once would hold
    // the whole pool and wait for each other until the acquire timeout.
    let items = ItemsApp::spawn_with(backend, &[("DATABASE_MAX_CONNECTIONS", "3")]).await;
    let user = items.user().await;
    let token = items.token(&user).await;
    let creations = (0..24).map(|n| {
        let request = items.app.request(Method::POST, "/v1/items").bearer_auth(&token).json(
            &json!({"kind": "appointment", "title": format!("Visit {n}"), "due_on": "2031-01-01", "due_time": "10:00"}),
        );
        async move { request.send().await.unwrap().status() }
    });
    let statuses = futures_util::future::join_all(creations).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::CREATED), "{statuses:?}");
    assert_eq!(items.app.count("SELECT COUNT(*) FROM items").await, 24);
}

on_both_backends!(
    many_changes_at_once_never_wait_on_each_others_connections,
    an_item_gets_its_kinds_default_reminders_and_reads_back,
    bad_fields_are_refused_naming_them_and_nothing_is_stored,
    another_users_item_is_404_on_every_verb,
    patch_leaves_absent_fields_alone_and_clears_null_ones,
    deleted_items_wait_in_the_trash_for_thirty_days,
    deleting_the_account_forgets_its_items,
);
