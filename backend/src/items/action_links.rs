//! The one-click links in reminder emails: "done", "snooze a day", "snooze a week".
//!
//! Each link is signed (the current `SECRET_KEY_BASE`, or a previous one while it
//! rotates), single-purpose (it names its action, item and occurrence) and expires after
//! [`VALID_DAYS`] days. Opening one (GET) only shows what it would do: mail scanners and
//! link previews follow links, and must not complete anyone's items. The page's button
//! sends a POST, which acts — once: the occurrence it names must still be the current one.

use jiff::civil::Date;

use crate::config::SecretKeyBases;
use crate::platform::crypto::Signer;
use crate::platform::time::DAY_MS;

/// How long an emailed link works.
pub const VALID_DAYS: i64 = 30;
const VERSION: &str = "a1";

/// What a link does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkAction {
    Done,
    SnoozeDay,
    SnoozeWeek,
}

impl LinkAction {
    pub const ALL: [Self; 3] = [Self::Done, Self::SnoozeDay, Self::SnoozeWeek];

    fn as_str(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::SnoozeDay => "snooze-day",
            Self::SnoozeWeek => "snooze-week",
        }
    }

    /// As the email and the page say it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Done => "Mark as done",
            Self::SnoozeDay => "Remind me tomorrow",
            Self::SnoozeWeek => "Remind me in a week",
        }
    }
}

/// What a valid link asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub action: LinkAction,
    pub item_id: String,
    pub occurrence_on: Date,
}

/// Why a link does nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkError {
    /// Not a link Softly made (or made for something else).
    Invalid,
    Expired,
}

/// Makes and checks the links.
#[derive(Clone)]
pub struct ActionLinks {
    signer: Signer,
    api_url: String,
}

impl ActionLinks {
    pub fn new(secrets: &SecretKeyBases, api_url: &str) -> Self {
        Self {
            signer: Signer::new(secrets, "softly item action link"),
            api_url: api_url.to_string(),
        }
    }

    /// The address of `action` on occurrence `occurrence_on` of `item_id`, made at `now_ms`.
    pub fn url(&self, action: LinkAction, item_id: &str, occurrence_on: Date, now_ms: i64) -> String {
        let expires = (now_ms + VALID_DAYS * DAY_MS) / 1000;
        let body = format!(
            "{VERSION}.{}.{item_id}.{}.{expires}",
            action.as_str(),
            occurrence_on.strftime("%Y%m%d")
        );
        format!("{}/v1/item-actions/{body}.{}", self.api_url, self.signer.sign(&body))
    }

    /// What `token` (the last segment of a link) asks for, at `now_ms`.
    pub fn verify(&self, token: &str, now_ms: i64) -> Result<Claim, LinkError> {
        let (body, signature) = token.rsplit_once('.').ok_or(LinkError::Invalid)?;
        if !self.signer.verify(body, signature) {
            return Err(LinkError::Invalid);
        }
        let parts: Vec<&str> = body.split('.').collect();
        let [VERSION, action, item_id, occurrence_on, expires] = parts[..] else {
            return Err(LinkError::Invalid);
        };
        let action = LinkAction::ALL
            .into_iter()
            .find(|a| a.as_str() == action)
            .ok_or(LinkError::Invalid)?;
        let occurrence_on = Date::strptime("%Y%m%d", occurrence_on).map_err(|_| LinkError::Invalid)?;
        let expires: i64 = expires.parse().map_err(|_| LinkError::Invalid)?;
        if expires * 1000 < now_ms {
            return Err(LinkError::Expired);
        }
        Ok(Claim {
            action,
            item_id: item_id.to_string(),
            occurrence_on,
        })
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::config::Secret;

    fn links(secret: &str) -> ActionLinks {
        let secrets = SecretKeyBases {
            current: Secret::new(secret.repeat(32)),
            previous: Vec::new(),
        };
        ActionLinks::new(&secrets, "https://api.example")
    }

    fn token(url: &str) -> &str {
        url.rsplit('/').next().unwrap()
    }

    #[test]
    fn a_link_says_what_it_was_made_for_until_it_expires() {
        let links = links("a");
        let url = links.url(LinkAction::SnoozeWeek, "item-1", date(2027, 5, 1), 0);
        assert!(url.starts_with("https://api.example/v1/item-actions/a1.snooze-week.item-1.20270501."));
        let claim = links.verify(token(&url), VALID_DAYS * DAY_MS).unwrap();
        assert_eq!(
            claim,
            Claim {
                action: LinkAction::SnoozeWeek,
                item_id: "item-1".into(),
                occurrence_on: date(2027, 5, 1)
            }
        );
        assert_eq!(
            links.verify(token(&url), VALID_DAYS * DAY_MS + 1000),
            Err(LinkError::Expired)
        );
    }

    #[test]
    fn a_changed_or_foreign_link_does_nothing() {
        let url = links("a").url(LinkAction::SnoozeDay, "item-1", date(2027, 5, 1), 0);
        let token = token(&url);
        let as_done = token.replace("snooze-day", "done");
        let other_item = token.replace("item-1", "item-2");
        for bad in [as_done.as_str(), other_item.as_str(), "", "a1.done", "x.y.z"] {
            assert_eq!(links("a").verify(bad, 0), Err(LinkError::Invalid), "{bad}");
        }
        assert_eq!(links("b").verify(token, 0), Err(LinkError::Invalid));
    }
}
