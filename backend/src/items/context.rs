use axum::extract::FromRef;

use super::action_links::ActionLinks;
use super::calendar::FeedAddresses;
use crate::accounts::Directory;
use crate::http::extract::Authentication;
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::work::Work;
use crate::plans::Plans;
use crate::vault::DocumentLookup;

/// What the items capability's handlers and jobs share.
#[derive(Clone)]
pub struct Items {
    pub db: Db,
    pub clock: Clock,
    pub work: Work,
    pub authentication: Authentication,
    /// Who users are, and their time zone (accounts' public service).
    pub directory: Directory,
    /// The user's documents, to link and to name (the vault's public service).
    pub documents: DocumentLookup,
    /// What the user's plan allows (plans' public service).
    pub plans: Plans,
    /// Signed links for emails: done, snooze.
    pub action_links: ActionLinks,
    /// The calendar feed's private addresses.
    pub feeds: FeedAddresses,
    /// The web app's origin, for links in emails and pages.
    pub app_url: String,
}

impl FromRef<Items> for Authentication {
    fn from_ref(items: &Items) -> Self {
        items.authentication.clone()
    }
}
