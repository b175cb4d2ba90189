//! e. PostgreSQL stopped in immediate mode under write load and started again after
//! 5 s: while it is down requests fail fast with 503 and `/up` fails (so the proxy takes
//! the replicas out); within 5 s of PostgreSQL accepting connections again writes
//! succeed; every write acknowledged before, during or after is there at the end.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use softly_testbed::{Cluster, access_token, pdf};

use super::{acknowledged_documents, documents_present};
use crate::load::{self, failures};
use crate::{Settings, Verdict};

const OUTAGE: Duration = Duration::from_secs(5);

pub async fn run(cluster: &mut Cluster, _: &Settings) -> anyhow::Result<Verdict> {
    let (_, pair) = cluster.new_user("postgres").await?;
    let token = access_token(&pair)?;
    let api = cluster.api.clone();
    let traffic = load::start(6, Duration::from_millis(20), move |n| {
        let api = api.clone();
        let token = token.clone();
        async move { api.upload(&token, &format!("receipt-{n}.pdf"), pdf(n)).await }
    });
    tokio::time::sleep(Duration::from_secs(2)).await;
    cluster.postgres.stop_immediately().await?;
    let down = Instant::now();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let up_during = cluster
        .replica_api(0)
        .call(reqwest::Method::GET, "/up", None, None, None)
        .await;
    tokio::time::sleep(OUTAGE.saturating_sub(down.elapsed())).await;
    cluster.postgres.start_server().await?;
    let back = Instant::now();
    // Bounded: the recovery must show within 5 s; give it 15 before judging.
    let deadline = back + Duration::from_secs(15);
    while Instant::now() < deadline {
        let probe = cluster.api.me(&access_token(&pair)?).await;
        let write = cluster.api.rename(&access_token(&pair)?, "Recovered").await;
        if probe.ok() && write.ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let records = traffic.stop().await;

    let recovered_after = records
        .iter()
        .filter(|r| r.started >= back && r.outcome.ok())
        .map(|r| r.started + r.outcome.elapsed - back)
        .min();
    let outage: Vec<_> = failures(&records)
        .into_iter()
        .filter(|r| r.started >= down && r.started < back)
        .collect();
    let slowest_failure = outage.iter().map(|r| r.outcome.elapsed).max().unwrap_or_default();
    let started_during: Vec<_> = records
        .iter()
        .filter(|r| r.started >= down && r.started < back)
        .collect();
    let slowest_during = started_during
        .iter()
        .map(|r| r.outcome.elapsed)
        .max()
        .unwrap_or_default();
    let all_503 = outage
        .iter()
        .all(|r| r.outcome.is(StatusCode::SERVICE_UNAVAILABLE));
    let failures_outside = failures(&records)
        .into_iter()
        .filter(|r| {
            r.started < down - Duration::from_millis(500) || r.started > back + Duration::from_secs(5)
        })
        .count();
    let acknowledged = acknowledged_documents(&records);
    let kept = documents_present(cluster, &acknowledged).await?;
    let recovery_ok = recovered_after.is_some_and(|d| d <= Duration::from_secs(5));
    let pass = up_during.is(StatusCode::SERVICE_UNAVAILABLE)
        && all_503
        && slowest_failure <= Duration::from_secs(3)
        && recovery_ok
        && failures_outside == 0
        && kept == acknowledged.len();
    Ok(Verdict::new(
        pass,
        format!(
            "postgres stopped (immediate) {} s under 6 connections of uploads: {} requests started during the outage, {} failed, {}, slowest failure {:.2} s, slowest request {:.2} s; /up on a replica {}; first write {} after postgres was back; {} acknowledged, {kept} present",
            OUTAGE.as_secs(),
            started_during.len(),
            outage.len(),
            if all_503 { "all 503" } else { "not all 503" },
            slowest_failure.as_secs_f64(),
            slowest_during.as_secs_f64(),
            up_during
                .status
                .map_or("no answer".into(), |s| s.as_u16().to_string()),
            recovered_after.map_or("never".into(), |d| format!("{:.2} s", d.as_secs_f64())),
            acknowledged.len()
        ),
    ))
}
