use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A kind of background job: its payload type, name and retry budget.
pub trait Job: Serialize + DeserializeOwned + Send + 'static {
    /// Stable name stored with each job; renaming it strands queued jobs.
    const KIND: &'static str;
    /// Attempts before the job is marked dead.
    const MAX_ATTEMPTS: i64 = 8;
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Runs jobs of one kind. `job_id` is stable across retries: use it as idempotency key.
pub trait JobHandler<J: Job>: Send + Sync + 'static {
    fn run(&self, job_id: &str, job: J) -> impl Future<Output = anyhow::Result<()>> + Send;
}

/// A handler that takes the job id and the payload as stored.
pub(crate) type ErasedHandler =
    Arc<dyn Fn(String, String) -> BoxFuture<'static, anyhow::Result<()>> + Send + Sync>;

/// Maps each job kind to its handler.
#[derive(Clone, Default)]
pub struct JobRegistry {
    handlers: HashMap<&'static str, ErasedHandler>,
}

impl JobRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `handler` for jobs of kind `J`.
    pub fn register<J: Job, H: JobHandler<J>>(self, handler: H) -> Self {
        let handler = Arc::new(handler);
        self.register_erased(
            J::KIND,
            Arc::new(move |id: String, payload: String| {
                let handler = handler.clone();
                Box::pin(async move {
                    let job: J = serde_json::from_str(&payload)
                        .map_err(|e| anyhow::anyhow!("payload of {} does not parse: {e}", J::KIND))?;
                    handler.run(&id, job).await
                })
            }),
        )
    }

    pub(crate) fn register_erased(mut self, kind: &'static str, handler: ErasedHandler) -> Self {
        assert!(
            self.handlers.insert(kind, handler).is_none(),
            "two handlers are registered for jobs of kind {kind:?}"
        );
        self
    }

    /// Both registries' handlers; a kind registered in both is an error.
    pub fn merge(mut self, other: JobRegistry) -> anyhow::Result<Self> {
        for (kind, handler) in other.handlers {
            anyhow::ensure!(
                self.handlers.insert(kind, handler).is_none(),
                "two capabilities register jobs of kind {kind:?}"
            );
        }
        Ok(self)
    }

    /// The kinds this registry runs.
    pub fn kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.handlers.keys().copied()
    }

    pub(super) async fn run(&self, kind: &str, id: String, payload: String) -> anyhow::Result<()> {
        match self.handlers.get(kind) {
            Some(handler) => handler(id, payload).await,
            None => anyhow::bail!("no handler is registered for jobs of kind {kind:?}"),
        }
    }
}
