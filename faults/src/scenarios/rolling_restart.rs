//! a. A rolling restart under steady load, as a deployment does it: each replica in turn
//! is drained at the proxy, sent SIGTERM, started again and put back once healthy. Not
//! one request may fail.

use std::time::Duration;

use softly_testbed::{Cluster, access_token};

use crate::load::{self, describe, failures};
use crate::{Settings, Verdict};

pub async fn run(cluster: &mut Cluster, _: &Settings) -> anyhow::Result<Verdict> {
    let (_, pair) = cluster.new_user("rolling").await?;
    let token = access_token(&pair)?;
    let api = cluster.api.clone();
    let traffic = load::start(8, Duration::from_millis(10), move |n| {
        let api = api.clone();
        let token = token.clone();
        async move {
            if n % 4 == 0 {
                api.rename(&token, &format!("Rolling {n}")).await
            } else {
                api.me(&token).await
            }
        }
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut exits = Vec::new();
    for index in 0..cluster.replicas.len() {
        let name = cluster.replicas[index].name.clone();
        cluster.proxy.set_state(&name, "drain").await?;
        cluster.proxy.wait_idle(&name, Duration::from_secs(10)).await?;
        let status = cluster.replicas[index].stop(Duration::from_secs(15)).await?;
        exits.push(status.code());
        cluster.replicas[index].start().await?;
        cluster.proxy.set_state(&name, "ready").await?;
        cluster
            .proxy
            .wait_status(&name, "UP", Duration::from_secs(30))
            .await?;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let records = traffic.stop().await;
    let failed = failures(&records);
    let clean_exits = exits.iter().all(|code| *code == Some(0));
    Ok(Verdict::new(
        failed.is_empty() && clean_exits && !records.is_empty(),
        format!(
            "{} replicas drained, stopped with SIGTERM (exit codes {exits:?}) and restarted under 8 connections of reads and writes: {} failed of {} requests ({})",
            cluster.replicas.len(),
            failed.len(),
            records.len(),
            describe(&failed)
        ),
    ))
}
