//! What reminder emails say, in the shared letter layout: what is due and when, the
//! amount for bills, links to the item and its documents in the web app, and one-click
//! "done" and "snooze" links (see [`crate::items::action_links`]).

use jiff::civil::Date;

use crate::accounts::UserSummary;
use crate::civil::format_time;
use crate::items::action_links::LinkAction;
use crate::items::context::Items;
use crate::items::domain::{ItemKind, today, zone};
use crate::items::store::items::Item;
use crate::platform::mail::{Action, Entry, Letter};
use crate::vault::DocumentSummary;

/// An item a reminder is about, with the documents it links.
pub struct Reminded {
    pub item: Item,
    pub documents: Vec<DocumentSummary>,
}

const OUTRO: &str = "You get these because you asked Softly to remind you. Choose when, and whether in one daily email, in Softly's settings.";

/// The email of one reminder.
pub fn reminder(items: &Items, user: &UserSummary, reminded: &Reminded, now: i64) -> Letter {
    let item = &reminded.item;
    let when = when(item, user, now);
    let mut intro = format!("{} {} {when}.", item.title, due_verb(item.kind));
    if let Some(money) = item.money {
        intro += &match &item.payee {
            Some(payee) => format!(" Amount: {} to {payee}.", money.display()),
            None => format!(" Amount: {}.", money.display()),
        };
    }
    if let Some(expires) = item.expires_on.filter(|expires| *expires != item.due_on) {
        intro += &format!(" It expires on {}.", long_date(expires));
    }
    if !reminded.documents.is_empty() {
        intro += " Its documents in your vault:";
    }
    Letter {
        subject: format!("{}: {} {when}", item.title, due_verb(item.kind)),
        name: user.name.clone(),
        intro,
        list: reminded
            .documents
            .iter()
            .map(|document| Entry {
                text: document.title.clone(),
                url: Some(format!("{}/document?id={}", items.app_url, document.id)),
                links: Vec::new(),
            })
            .collect(),
        action: Some(Action {
            label: "Open in Softly".into(),
            url: item_url(items, item),
        }),
        links: LinkAction::ALL
            .into_iter()
            .map(|action| Action {
                label: action.label().into(),
                url: items.action_links.url(action, &item.id, item.occurrence_on, now),
            })
            .collect(),
        outro: OUTRO.into(),
    }
}

/// The email of a day's digest.
pub fn digest(items: &Items, user: &UserSummary, reminded: &[&Reminded], now: i64) -> Letter {
    let subject = match reminded {
        [one] => format!("Coming up: {}", one.item.title),
        many => format!("Coming up: {} things", many.len()),
    };
    Letter {
        subject,
        name: user.name.clone(),
        intro: "Here is what Softly is reminding you of today:".into(),
        list: reminded
            .iter()
            .map(|reminded| {
                let item = &reminded.item;
                let mut text = format!("{} — {} {}", item.title, due_verb(item.kind), when(item, user, now));
                if let Some(money) = item.money {
                    text += &format!(", {}", money.display());
                }
                Entry {
                    text,
                    url: Some(item_url(items, item)),
                    links: vec![Action {
                        label: LinkAction::Done.label().into(),
                        url: items
                            .action_links
                            .url(LinkAction::Done, &item.id, item.occurrence_on, now),
                    }],
                }
            })
            .collect(),
        action: Some(Action {
            label: "Open Softly".into(),
            url: format!("{}/today", items.app_url),
        }),
        links: Vec::new(),
        outro: OUTRO.into(),
    }
}

fn item_url(items: &Items, item: &Item) -> String {
    format!("{}/item?id={}", items.app_url, item.id)
}

fn due_verb(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Expiry | ItemKind::Warranty => "expires",
        ItemKind::Renewal | ItemKind::Subscription => "renews",
        ItemKind::Appointment => "is",
        ItemKind::Bill | ItemKind::Todo => "is due",
    }
}

/// When the item is due, as the user reads it: "tomorrow (Tue 2 Mar 2027) at 15:00".
fn when(item: &Item, user: &UserSummary, now: i64) -> String {
    let item_zone = zone(item.time_zone.as_deref().unwrap_or(&user.time_zone));
    let days = (item.due_on - today(now, &item_zone)).get_days();
    let date = long_date(item.due_on);
    let mut when = match days {
        0 => format!("today ({date})"),
        1 => format!("tomorrow ({date})"),
        2..=13 => format!("in {days} days ({date})"),
        d if d < 0 => format!("on {date}, {} days ago", -d),
        _ => format!("on {date}"),
    };
    if let Some(time) = item.due_time {
        when += &format!(" at {}", format_time(time));
        if let Some(fixed) = item.time_zone.as_deref().filter(|z| *z != user.time_zone) {
            when += &format!(" ({fixed} time)");
        }
    }
    when
}

fn long_date(date: Date) -> String {
    date.strftime("%a %-d %b %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_a_person_writes_them() {
        assert_eq!(long_date(jiff::civil::date(2027, 3, 1)), "Mon 1 Mar 2027");
    }
}
