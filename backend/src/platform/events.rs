//! Domain events between capabilities, delivered through the jobs table (a
//! transactional outbox).
//!
//! A change publishes an event inside its own transaction (through its
//! [`UnitOfWork`](super::work::UnitOfWork)): one job per subscription is inserted beside
//! the change, so the event exists exactly when the change does — an event of a change
//! that rolls back is never delivered, and one that commits is delivered even if the
//! process dies the next instant. Each subscription is a job kind of its own (its name),
//! so subscribers fail, retry and die independently.
//!
//! Delivery is at least once. Every delivery of one event carries the same event id
//! (fixed at publishing): subscribers are idempotent, keyed by it where their effect
//! is not idempotent by nature.
//!
//! Subscriptions are fixed at start-up: [`Events::close`] runs once every capability is
//! wired, and publishing before that is an error.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::jobs::{self, ErasedHandler, JobRegistry};

/// Something that happened in one capability that others may act on.
pub trait Event: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// Stable name; stored in queued deliveries.
    const NAME: &'static str;
}

/// Acts on events of kind `E` for one subscription.
pub trait Subscriber<E: Event>: Send + Sync + 'static {
    /// `event_id` is the same on every delivery of this event: the idempotency key.
    fn handle(&self, event_id: &str, event: E) -> impl Future<Output = anyhow::Result<()>> + Send;
}

/// Attempts per delivery before it is marked dead (backoff is capped at an hour, so
/// about half a day of retries before an operator looks).
const DELIVERY_MAX_ATTEMPTS: i64 = 20;

/// A delivery as it waits in the jobs table.
#[derive(Serialize, Deserialize)]
struct Delivery<E> {
    event_id: String,
    event: E,
}

struct Subscription {
    /// The subscription's name, which is also the job kind of its deliveries.
    name: &'static str,
    event: &'static str,
    handler: ErasedHandler,
}

/// What one capability subscribes to.
#[derive(Default)]
pub struct Subscriptions {
    entries: Vec<Subscription>,
}

impl Subscriptions {
    pub fn new() -> Self {
        Self::default()
    }

    /// Delivers every `E` to `subscriber`. `name` (e.g. `vault.on_user_deleted`) is
    /// stable: it names queued deliveries.
    pub fn on<E: Event, S: Subscriber<E>>(mut self, name: &'static str, subscriber: S) -> Self {
        let subscriber = Arc::new(subscriber);
        let handler: ErasedHandler = Arc::new(move |_job_id: String, payload: String| {
            let subscriber = subscriber.clone();
            Box::pin(async move {
                let delivery: Delivery<E> = serde_json::from_str(&payload)
                    .map_err(|e| anyhow::anyhow!("a {} event does not parse: {e}", E::NAME))?;
                subscriber.handle(&delivery.event_id, delivery.event).await
            })
        });
        self.entries.push(Subscription {
            name,
            event: E::NAME,
            handler,
        });
        self
    }
}

/// The publishing side: which subscriptions each event goes to.
#[derive(Clone, Default)]
pub struct Events {
    routes: Arc<OnceLock<HashMap<&'static str, Vec<&'static str>>>>,
}

impl Events {
    pub fn new() -> Self {
        Self::default()
    }

    /// Fixes the subscriptions of every capability; answers the job handlers that
    /// deliver them. Called once, at start-up.
    pub fn close(&self, all: Vec<Subscriptions>) -> anyhow::Result<JobRegistry> {
        let mut routes: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        let mut registry = JobRegistry::new();
        for subscription in all.into_iter().flat_map(|s| s.entries) {
            let names = routes.entry(subscription.event).or_default();
            anyhow::ensure!(
                !names.contains(&subscription.name),
                "two subscriptions are named {:?}",
                subscription.name
            );
            names.push(subscription.name);
            registry = registry.register_erased(subscription.name, subscription.handler);
        }
        self.routes
            .set(routes)
            .map_err(|_| anyhow::anyhow!("the subscriptions were already fixed"))?;
        Ok(registry)
    }

    /// Queues one delivery of `event` per subscription through `conn`, the change's
    /// transaction; answers the event id and the deliveries' job kinds (the
    /// subscriptions' names). Go through the unit of work, which wakes the workers after
    /// the commit.
    pub(crate) async fn publish<E: Event>(
        &self,
        conn: &mut AnyConnection,
        event: &E,
        now: i64,
    ) -> anyhow::Result<(String, &[&'static str])> {
        let routes = self
            .routes
            .get()
            .ok_or_else(|| anyhow::anyhow!("a {} event was published before start-up finished", E::NAME))?;
        let event_id = uuid::Uuid::now_v7().to_string();
        let subscriptions = routes.get(E::NAME).map(Vec::as_slice).unwrap_or_default();
        if subscriptions.is_empty() {
            return Ok((event_id, subscriptions));
        }
        let payload = serde_json::to_string(&Delivery {
            event_id: event_id.clone(),
            event,
        })?;
        for name in subscriptions {
            jobs::insert(conn, name, &payload, DELIVERY_MAX_ATTEMPTS, now).await?;
        }
        Ok((event_id, subscriptions))
    }
}
