//! Every process logs the job queue's state once a period (`JOB_QUEUE_REPORT_SECS`, a
//! minute by default): `{"message": "job queue", "queued", "dead",
//! "oldest_due_age_seconds"}`. CloudWatch turns the line into a metric and alarms when
//! due jobs wait too long (`infrastructure/aws/monitoring.tf`). A process reports even
//! while no worker runs — a stuck queue is what the report is for, so it is not a job.

use std::time::Duration;

use tokio::task::JoinHandle;

use super::JobQueue;
use crate::platform::clock::Clock;

pub fn spawn_queue_report(queue: JobQueue, clock: Clock, every: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match queue.depth(clock.now_ms()).await {
                Ok(depth) => tracing::info!(
                    queued = depth.queued,
                    dead = depth.dead,
                    oldest_due_age_seconds = depth.oldest_due_ms / 1000,
                    "job queue"
                ),
                Err(error) => tracing::warn!(
                    error = format!("{error:#}"),
                    "reading the job queue for its report failed"
                ),
            }
        }
    })
}
