//! What plans' handlers and jobs share.

use crate::accounts::Directory;
use crate::config::RevenueCatApi;
use crate::platform::work::Work;

use super::service::Plans;

#[derive(Clone)]
pub struct PlansContext {
    pub plans: Plans,
    pub work: Work,
    pub directory: Directory,
    /// Reads subscribers back; None without `REVENUECAT_API_KEY`.
    pub revenuecat: Option<RevenueCat>,
}

/// RevenueCat's REST API, as far as plans reads it.
#[derive(Clone)]
pub struct RevenueCat {
    pub http: reqwest::Client,
    pub api: RevenueCatApi,
}
