//! RevenueCat's webhook events, and what each does to the plan of the user it is about.
//!
//! Grants (`INITIAL_PURCHASE`, `RENEWAL`, `UNCANCELLATION`, `NON_RENEWING_PURCHASE`)
//! give the event's entitlements until its `expiration_at_ms` (none: for good).
//! `CANCELLATION` and `BILLING_ISSUE` keep them until that time — a refund's is already
//! past, so the plan drops at once; a billing issue's is the end of the grace period.
//! `EXPIRATION` takes them away. `PRODUCT_CHANGE` and `TRANSFER` are read back from
//! RevenueCat (a product change may take effect at renewal; a transfer moves everything
//! the other user held), as is any event older than the newest applied for its user
//! (deliveries can arrive out of order). `SUBSCRIPTION_PAUSED` changes nothing until the
//! expiration it leads to; `TEST` changes nothing; an unknown type is recorded and left.

use serde::Deserialize;

use super::store::Entitlement;

/// The webhook's body: `{"api_version": "1.0", "event": {…}}`.
#[derive(Debug, Deserialize)]
pub struct Delivery {
    pub api_version: String,
    pub event: Event,
}

/// The fields of an event Softly reads (RevenueCat sends many more).
#[derive(Debug, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub event_timestamp_ms: i64,
    #[serde(default)]
    pub app_user_id: Option<String>,
    #[serde(default)]
    pub entitlement_ids: Option<Vec<String>>,
    /// Older events name one entitlement.
    #[serde(default)]
    pub entitlement_id: Option<String>,
    #[serde(default)]
    pub expiration_at_ms: Option<i64>,
    #[serde(default)]
    pub transferred_from: Vec<String>,
    #[serde(default)]
    pub transferred_to: Vec<String>,
}

/// What an event asks of a user's entitlements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Change what the event's user holds.
    Change(Change),
    /// Read the subscriber back from RevenueCat (`users`: whom it concerns).
    ReadBack(Vec<String>),
    /// Nothing changes (the type is known).
    Nothing,
    /// A type this version does not know.
    Unknown,
}

/// A change to one user's entitlements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Hold these until their time.
    Grant(Vec<Entitlement>),
    /// Hold these no longer.
    Revoke(Vec<String>),
}

impl Event {
    fn entitlements(&self) -> Vec<String> {
        match (&self.entitlement_ids, &self.entitlement_id) {
            (Some(ids), _) => ids.clone(),
            (None, Some(id)) => vec![id.clone()],
            (None, None) => Vec::new(),
        }
    }

    fn until_expiry(&self) -> Vec<Entitlement> {
        self.entitlements()
            .into_iter()
            .map(|id| Entitlement {
                id,
                expires_at: self.expiration_at_ms,
            })
            .collect()
    }

    /// Every user the event names.
    pub fn users(&self) -> impl Iterator<Item = &str> {
        self.app_user_id
            .iter()
            .chain(&self.transferred_from)
            .chain(&self.transferred_to)
            .map(String::as_str)
    }

    /// The user the event is about, for the record (TRANSFER: the receiving user).
    pub fn user(&self) -> Option<&str> {
        match self.kind.as_str() {
            "TRANSFER" => self.transferred_to.first().map(String::as_str),
            _ => self.app_user_id.as_deref(),
        }
    }

    pub fn effect(&self) -> Effect {
        match self.kind.as_str() {
            "INITIAL_PURCHASE" | "RENEWAL" | "UNCANCELLATION" | "NON_RENEWING_PURCHASE" | "CANCELLATION"
            | "BILLING_ISSUE" => Effect::Change(Change::Grant(self.until_expiry())),
            "EXPIRATION" => Effect::Change(Change::Revoke(self.entitlements())),
            "PRODUCT_CHANGE" => Effect::ReadBack(self.app_user_id.iter().cloned().collect()),
            "TRANSFER" => Effect::ReadBack(
                self.transferred_from
                    .iter()
                    .chain(&self.transferred_to)
                    .cloned()
                    .collect(),
            ),
            "SUBSCRIPTION_PAUSED" | "TEST" => Effect::Nothing,
            _ => Effect::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, extra: serde_json::Value) -> Event {
        let mut body = serde_json::json!({"id": "e1", "type": kind, "event_timestamp_ms": 1, "app_user_id": "u1",
                                          "entitlement_ids": ["plus"], "expiration_at_ms": 99});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn every_type_has_its_effect() {
        let until = |at| Effect::Change(Change::Grant(vec![Entitlement { id: "plus".into(), expires_at: at }]));
        for kind in ["INITIAL_PURCHASE", "RENEWAL", "UNCANCELLATION", "NON_RENEWING_PURCHASE", "CANCELLATION", "BILLING_ISSUE"] {
            assert_eq!(event(kind, serde_json::json!({})).effect(), until(Some(99)), "{kind}");
        }
        let lifetime = event("NON_RENEWING_PURCHASE", serde_json::json!({"expiration_at_ms": null}));
        assert_eq!(lifetime.effect(), until(None));
        assert_eq!(event("EXPIRATION", serde_json::json!({})).effect(), Effect::Change(Change::Revoke(vec!["plus".into()])));
        assert_eq!(event("PRODUCT_CHANGE", serde_json::json!({})).effect(), Effect::ReadBack(vec!["u1".into()]));
        let transfer = event("TRANSFER", serde_json::json!({"transferred_from": ["a"], "transferred_to": ["b"]}));
        assert_eq!(transfer.effect(), Effect::ReadBack(vec!["a".into(), "b".into()]));
        assert_eq!(transfer.user(), Some("b"));
        assert_eq!(event("SUBSCRIPTION_PAUSED", serde_json::json!({})).effect(), Effect::Nothing);
        assert_eq!(event("TEST", serde_json::json!({})).effect(), Effect::Nothing);
        assert_eq!(event("SOMETHING_NEW", serde_json::json!({})).effect(), Effect::Unknown);
        let old = event("RENEWAL", serde_json::json!({"entitlement_ids": null, "entitlement_id": "plus"}));
        assert_eq!(old.effect(), until(Some(99)));
    }
}
