//! The pages behind the one-click links of reminder emails (see
//! [`crate::items::action_links`]): GET shows what the link would do, with a button;
//! the button's POST does it. Small HTML pages of their own, readable without the web
//! app, allowed inline styles and a form posting back to themselves, nothing else.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::items::action_links::{Claim, LinkAction, LinkError};
use crate::items::changes::occurrence;
use crate::items::context::Items;
use crate::items::error::ItemsError;
use crate::items::store::items::{self, Item};
use crate::platform::mail::escape_html;
use crate::platform::time::DAY_MS;

/// What an emailed link would do.
#[utoipa::path(get, path = "/item-actions/{token}", tag = "items",
    params(("token" = String, Path, description = "The signed token of an emailed link")),
    responses(
        (status = 200, description = "A page asking to confirm", content_type = "text/html"),
        (status = 404, description = "Not a valid link, or its item is gone", content_type = "text/html"),
        (status = 410, description = "The link has expired", content_type = "text/html"),
    ))]
pub async fn confirm_action(State(state): State<Items>, Path(token): Path<String>) -> Response {
    let (claim, item) = match claimed(&state, &token).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let question = match claim.action {
        LinkAction::Done => format!("Mark “{}” as done?", item.title),
        LinkAction::SnoozeDay => format!("Remind you of “{}” again tomorrow?", item.title),
        LinkAction::SnoozeWeek => format!("Remind you of “{}” again in a week?", item.title),
    };
    let form = format!(
        "<form method=\"post\"><button type=\"submit\">{}</button></form>",
        escape_html(claim.action.label())
    );
    page(StatusCode::OK, &question, &format!("Due on {}.", item.due_on), &form, &state)
}

/// Does what an emailed link says, once.
#[utoipa::path(post, path = "/item-actions/{token}", tag = "items",
    params(("token" = String, Path, description = "The signed token of an emailed link")),
    responses(
        (status = 200, description = "Done: a page saying what happened", content_type = "text/html"),
        (status = 404, description = "Not a valid link, or its item is gone", content_type = "text/html"),
        (status = 409, description = "Already done: the occurrence is not the current one", content_type = "text/html"),
        (status = 410, description = "The link has expired", content_type = "text/html"),
    ))]
pub async fn perform_action(State(state): State<Items>, Path(token): Path<String>) -> Response {
    let (claim, item) = match claimed(&state, &token).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let on = Some(claim.occurrence_on);
    let now = state.clock.now_ms();
    let done = match claim.action {
        LinkAction::Done => occurrence::complete(&state, &item.user_id, &item.id, on, None).await,
        LinkAction::SnoozeDay => occurrence::snooze(&state, &item.user_id, &item.id, on, now + DAY_MS).await,
        LinkAction::SnoozeWeek => {
            occurrence::snooze(&state, &item.user_id, &item.id, on, now + 7 * DAY_MS).await
        }
    };
    match done {
        Ok(after) => {
            let said = match (claim.action, after.status.as_str()) {
                (LinkAction::Done, "done") => format!("“{}” is done.", after.title),
                (LinkAction::Done, _) => format!("Done. “{}” is next due on {}.", after.title, after.due_on),
                (LinkAction::SnoozeDay, _) => format!("Softly will remind you of “{}” again tomorrow.", after.title),
                (LinkAction::SnoozeWeek, _) => format!("Softly will remind you of “{}” again in a week.", after.title),
            };
            page(StatusCode::OK, &said, "", "", &state)
        }
        Err(ItemsError::OccurrenceNotCurrent(due)) => page(
            StatusCode::CONFLICT,
            "This was already taken care of.",
            &format!("“{}” was completed, skipped or moved since this email; it is now due on {due}.", item.title),
            "",
            &state,
        ),
        Err(ItemsError::NotOpen(status)) => page(
            StatusCode::CONFLICT,
            "This was already taken care of.",
            &format!("“{}” is {status}.", item.title),
            "",
            &state,
        ),
        Err(ItemsError::NotFound) => gone(&state),
        Err(error) => {
            tracing::error!(error = %error, "an emailed action failed");
            page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Something went wrong on our side.",
                "Nothing was changed; try again in a moment.",
                "",
                &state,
            )
        }
    }
}

/// The claim of `token` and the item it names, or the page saying why there is none.
async fn claimed(state: &Items, token: &str) -> Result<(Claim, Item), Response> {
    let claim = match state.action_links.verify(token, state.clock.now_ms()) {
        Ok(claim) => claim,
        Err(LinkError::Expired) => {
            return Err(page(
                StatusCode::GONE,
                "This link has expired.",
                "Links in reminder emails work for 30 days. Open Softly to do this instead.",
                "",
                state,
            ));
        }
        Err(LinkError::Invalid) => return Err(gone(state)),
    };
    match items::find(state.db.pool(), &claim.item_id).await {
        Ok(Some(item)) if item.deleted_at.is_none() => Ok((claim, item)),
        Ok(_) => Err(gone(state)),
        Err(error) => {
            tracing::error!(error = %error, "reading an emailed action's item failed");
            Err(page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Something went wrong on our side.",
                "Try again in a moment.",
                "",
                state,
            ))
        }
    }
}

fn gone(state: &Items) -> Response {
    page(
        StatusCode::NOT_FOUND,
        "This link does not lead anywhere.",
        "It is not a link Softly sent, or what it was about was deleted.",
        "",
        state,
    )
}

/// A small page: a heading, a line, perhaps a form, and a way into the app.
fn page(status: StatusCode, heading: &str, line: &str, form: &str, state: &Items) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>Softly</title><style>\
         body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1f2937}}\
         button{{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.5rem;background:#3f3cbb;color:#fff;cursor:pointer}}\
         a{{color:#3f3cbb}}</style></head><body><main><h1>{}</h1><p>{}</p>{form}\
         <p><a href=\"{}/today\">Open Softly</a></p></main></body></html>",
        escape_html(heading),
        escape_html(line),
        escape_html(&state.app_url),
    );
    let mut response = (status, Html(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    response
}
