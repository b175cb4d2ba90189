//! The scenarios, in the order they run; each breaks one thing and checks a promise.

mod capture_killed;
mod image_bombs;
mod password_spray;
mod postgres_restart;
mod redis_outage;
mod refresh_race;
mod reminder_storm;
mod replica_killed;
mod rolling_restart;
mod sign_in_storm;
mod slow_connections;
mod upload_slots;
mod worker_faults;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use softly_testbed::Cluster;

use crate::load::Record;
use crate::{Settings, Verdict};

type Run =
    for<'a> fn(&'a mut Cluster, &'a Settings) -> Pin<Box<dyn Future<Output = anyhow::Result<Verdict>> + 'a>>;

pub struct Scenario {
    pub letter: char,
    pub name: &'static str,
    pub run: Run,
}

macro_rules! scenario {
    ($letter:literal, $name:literal, $module:ident) => {
        Scenario {
            letter: $letter,
            name: $name,
            run: |cluster, settings| Box::pin($module::run(cluster, settings)),
        }
    };
}

pub const ALL: [Scenario; 13] = [
    scenario!('a', "rolling restart", rolling_restart),
    scenario!('b', "replica killed", replica_killed),
    scenario!('c', "worker killed and frozen", worker_faults),
    scenario!('d', "redis outage", redis_outage),
    scenario!('e', "postgres restart", postgres_restart),
    scenario!('f', "refresh race", refresh_race),
    scenario!('g', "password spray", password_spray),
    scenario!('h', "image bombs", image_bombs),
    scenario!('i', "slow connections", slow_connections),
    scenario!('j', "sign-in storm", sign_in_storm),
    scenario!('k', "upload slots", upload_slots),
    scenario!('l', "reminder storm", reminder_storm),
    scenario!('m', "worker killed mid-transcription", capture_killed),
];

/// Brings back whatever a scenario left stopped, and waits until the proxy sees every
/// replica up again.
pub async fn restore(cluster: &mut Cluster) -> anyhow::Result<()> {
    if !cluster.postgres.is_ready().await {
        cluster.postgres.start_server().await?;
    }
    if let Some(redis) = cluster.redis.as_mut()
        && !redis.is_running()
    {
        redis.start_server().await?;
    }
    for process in cluster.replicas.iter_mut().chain(cluster.workers.iter_mut()) {
        let _ = process.signal("CONT");
        if !process.is_running() {
            process.start().await?;
        }
    }
    for replica in &cluster.replicas {
        cluster.proxy.set_state(&replica.name, "ready").await?;
    }
    cluster.wait_all_up(Duration::from_secs(30)).await
}

/// The ids of the documents whose uploads were answered 2xx.
pub fn acknowledged_documents(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .filter(|r| r.outcome.ok())
        .filter_map(|r| r.outcome.body["document"]["id"].as_str().map(str::to_string))
        .collect()
}

/// How many of `ids` are documents in the database.
pub async fn documents_present(cluster: &Cluster, ids: &[String]) -> anyhow::Result<usize> {
    let mut found = 0;
    for chunk in ids.chunks(200) {
        let list = chunk
            .iter()
            .map(|id| format!("'{}'", id.replace('\'', "")))
            .collect::<Vec<_>>()
            .join(",");
        found += cluster
            .postgres
            .count(&format!("SELECT COUNT(*) FROM documents WHERE id IN ({list})"))
            .await? as usize;
    }
    Ok(found)
}
