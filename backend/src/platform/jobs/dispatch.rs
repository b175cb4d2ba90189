//! Dispatch through Redis: a doorbell between the process that commits a job and the
//! workers of every other process.
//!
//! The jobs table stays the record of truth; Redis carries only "a job was committed"
//! signals on one list. Each commit pushes one signal; each process with an idle worker
//! keeps a blocking pop on the list and wakes one idle worker per signal, which then
//! claims due jobs from the database until none is left (a busy process leaves signals
//! to the others). A signal that is lost — Redis down at
//! enqueue time, restarted empty, or popped by a process that died — loses no job: every
//! worker still polls the database every `JOB_POLL_INTERVAL_MS`, which also picks up
//! retries whose backoff has passed and jobs whose lease lapsed.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};

use crate::platform::redis::Redis;

/// How long one blocking pop waits before it is renewed.
const POP_WAIT: Duration = Duration::from_secs(5);
/// How long a handed-over signal may take to reach an idle worker.
const HANDOVER: Duration = Duration::from_millis(100);
/// Signals beyond this many are dropped: past it, every worker is busy anyway.
const MAX_PENDING: isize = 1024;

#[derive(Clone)]
pub struct Dispatch {
    redis: Redis,
    list: String,
}

impl Dispatch {
    pub fn new(redis: Redis) -> Self {
        let list = redis.key("jobs:ready");
        Self { redis, list }
    }

    /// Rings the doorbell without making the caller wait; failure is only logged by the
    /// Redis handle (the database poll picks the job up).
    pub fn ring(&self) {
        let this = self.clone();
        tokio::spawn(async move {
            let list = this.list.clone();
            this.redis
                .call(|mut redis| async move {
                    redis::pipe()
                        .lpush(&list, 1)
                        .ignore()
                        .ltrim(&list, 0, MAX_PENDING - 1)
                        .ignore()
                        .query_async::<()>(&mut redis)
                        .await
                })
                .await;
        });
    }

    /// Wakes one of this process's idle workers per signal until `stop` completes. A
    /// signal is taken off the list only while `idle` counts an idle worker here, so a
    /// busy process leaves it to another process's idle worker.
    pub async fn listen(
        self,
        wakeup: Arc<Notify>,
        mut idle: watch::Receiver<usize>,
        stop: impl Future<Output = ()>,
    ) {
        tokio::pin!(stop);
        let mut signals_lost = false;
        loop {
            let connect = self.redis.dedicated(POP_WAIT);
            let connected = tokio::select! {
                connected = connect => connected,
                () = &mut stop => return,
            };
            let Some(mut connection) = connected else {
                signals_lost = true;
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => continue,
                    () = &mut stop => return,
                }
            };
            if std::mem::take(&mut signals_lost) {
                // Jobs committed while Redis was away rang no bell: look now rather
                // than at the next poll.
                wakeup.notify_waiters();
            }
            loop {
                let someone_idle = tokio::select! {
                    waited = idle.wait_for(|idle| *idle > 0) => waited.is_ok(),
                    () = &mut stop => return,
                };
                if !someone_idle {
                    return;
                }
                let mut command = redis::cmd("BRPOP");
                command.arg(&self.list).arg(POP_WAIT.as_secs_f64());
                let pop = command.query_async::<Option<(String, String)>>(&mut connection);
                let popped = tokio::select! {
                    popped = pop => popped,
                    () = &mut stop => return,
                };
                match popped {
                    Ok(Some(_)) => {
                        self.redis.mark_up();
                        let before = *idle.borrow();
                        wakeup.notify_one();
                        // Let the woken worker leave idle before counting idle workers
                        // again, or the next signal could be taken for a busy process.
                        let _ = tokio::time::timeout(HANDOVER, idle.wait_for(|now| *now < before)).await;
                    }
                    Ok(None) => self.redis.mark_up(),
                    Err(error) => {
                        self.redis.mark_down(&error.to_string());
                        signals_lost = true;
                        break;
                    }
                }
            }
        }
    }
}
