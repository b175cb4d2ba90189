//! d. Redis stopped (its data lost) for 30 s under load: reads, writes and sign-ups keep
//! succeeding — the cache is bypassed, limits count per replica, jobs are polled — and
//! every email queued meanwhile is sent. Each replica's `/metrics` says what it saw:
//! Redis down and cache lookups bypassed during the outage, Redis up again after it.

use std::time::{Duration, Instant};

use softly_testbed::{Cluster, Outcome, access_token, unique};

use crate::load::{self, describe, failures};
use crate::{Settings, Verdict};

pub async fn run(cluster: &mut Cluster, settings: &Settings) -> anyhow::Result<Verdict> {
    let (_, pair) = cluster.new_user("redis").await?;
    let token = access_token(&pair)?;
    let api = cluster.api.clone();
    let traffic = load::start(6, Duration::from_millis(20), move |n| {
        let api = api.clone();
        let token = token.clone();
        async move {
            match n % 6 {
                0 => api.rename(&token, &format!("Outage {n}")).await,
                1 => signup(&api, n).await,
                _ => api.me(&token).await,
            }
        }
    });
    tokio::time::sleep(Duration::from_secs(2)).await;
    let bypassed_before =
        replicas_sum(cluster, "softly_cache_lookups_total", &[("result", "bypass")]).await?;
    let redis = cluster.redis.as_mut().expect("the suite runs with redis");
    redis.stop().await;
    let stopped = Instant::now();
    tokio::time::sleep(settings.redis_outage / 2).await;
    let seen_down = replicas_sum(cluster, "softly_redis_up", &[]).await? == 0.0;
    tokio::time::sleep(settings.redis_outage - settings.redis_outage / 2).await;
    let bypassed =
        replicas_sum(cluster, "softly_cache_lookups_total", &[("result", "bypass")]).await? - bypassed_before;
    let redis = cluster.redis.as_mut().expect("the suite runs with redis");
    redis.start_server().await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let records = traffic.stop().await;
    let seen_up = replicas_sum(cluster, "softly_redis_up", &[]).await? == cluster.replicas.len() as f64;

    let during: Vec<_> = records
        .iter()
        .filter(|r| r.started >= stopped && r.started < stopped + settings.redis_outage)
        .collect();
    let failed = failures(&records);
    let signed_up: Vec<String> = during
        .iter()
        .filter(|r| r.outcome.ok())
        .filter_map(|r| r.outcome.body["user"]["email"].as_str().map(str::to_string))
        .collect();
    let sent = wait_sent(cluster, &signed_up).await?;
    let pass = failed.is_empty()
        && !during.is_empty()
        && sent == signed_up.len()
        && !signed_up.is_empty()
        && seen_down
        && bypassed > 0.0
        && seen_up;
    Ok(Verdict::new(
        pass,
        format!(
            "redis stopped {} s under 6 connections: {} requests during the outage, {} failed overall of {} ({}); {sent}/{} sign-up emails queued meanwhile were sent; /metrics: every replica saw redis down mid-outage: {seen_down}, {bypassed} cache lookups bypassed it, every replica saw it up 3 s after it returned: {seen_up}",
            settings.redis_outage.as_secs(),
            during.len(),
            failed.len(),
            records.len(),
            describe(&failed),
            signed_up.len()
        ),
    ))
}

async fn signup(api: &softly_testbed::Api, n: u64) -> Outcome {
    api.signup(&format!("outage-{n}-{}@example.com", unique())).await
}

/// `name`'s samples matching `labels`, summed over every replica's `/metrics` (a replica
/// without such a sample adds nothing).
async fn replicas_sum(cluster: &Cluster, name: &str, labels: &[(&str, &str)]) -> anyhow::Result<f64> {
    let mut sum = 0.0;
    for replica in &cluster.replicas {
        sum += replica.metrics().await?.sum(name, labels).unwrap_or(0.0);
    }
    Ok(sum)
}

/// Waits up to 30 s for a message to each address; how many got one.
async fn wait_sent(cluster: &Cluster, addresses: &[String]) -> anyhow::Result<usize> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let recipients = cluster.moto.recipients().await?;
        let sent = addresses.iter().filter(|a| recipients.contains(a)).count();
        if sent == addresses.len() || Instant::now() > deadline {
            return Ok(sent);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
