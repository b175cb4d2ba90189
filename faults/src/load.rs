//! Steady load from a few connections until told to stop, every outcome recorded.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use softly_testbed::Outcome;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// One request's outcome and when it started.
pub struct Record {
    pub started: Instant,
    pub outcome: Outcome,
}

pub struct Load {
    stop: watch::Sender<bool>,
    tasks: JoinSet<Vec<Record>>,
}

/// `connections` loops, each calling `request(n)` (n unique across loops) and pausing
/// `pace` between calls.
pub fn start<F, Fut>(connections: usize, pace: Duration, request: F) -> Load
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Outcome> + Send + 'static,
{
    let (stop, stopped) = watch::channel(false);
    let request = Arc::new(request);
    let mut tasks = JoinSet::new();
    for connection in 0..connections as u64 {
        let request = request.clone();
        let stopped = stopped.clone();
        tasks.spawn(async move {
            let mut records = Vec::new();
            // Bounded: at most 100 000 requests per loop.
            for n in 0..100_000u64 {
                if *stopped.borrow() {
                    break;
                }
                let started = Instant::now();
                let outcome = request(connection * 100_000 + n).await;
                records.push(Record { started, outcome });
                tokio::time::sleep(pace).await;
            }
            records
        });
    }
    Load { stop, tasks }
}

impl Load {
    /// Stops every loop after its current request; all records, oldest first.
    pub async fn stop(mut self) -> Vec<Record> {
        let _ = self.stop.send(true);
        let mut all = Vec::new();
        while let Some(records) = self.tasks.join_next().await {
            all.extend(records.unwrap_or_default());
        }
        all.sort_by_key(|r| r.started);
        all
    }
}

/// Records that did not succeed.
pub fn failures(records: &[Record]) -> Vec<&Record> {
    records.iter().filter(|r| !r.outcome.ok()).collect()
}

/// "503×3, no answer×1": what the failures were.
pub fn describe(records: &[&Record]) -> String {
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for record in records {
        let kind = record
            .outcome
            .status
            .map_or_else(|| "no answer".to_string(), |s| s.as_u16().to_string());
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((kind, 1)),
        }
    }
    if kinds.is_empty() {
        return "none".into();
    }
    kinds
        .iter()
        .map(|(k, n)| format!("{k}×{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}
