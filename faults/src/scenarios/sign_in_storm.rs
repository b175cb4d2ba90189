//! j. 600 correct sign-ins, 32 at a time, spread over the replicas (argon2 works in 19
//! MiB each): every one succeeds, no replica passes its memory limit, and each returns
//! to within twice its memory before the storm.

use std::time::Duration;

use softly_testbed::{Cluster, PASSWORD};
use tokio::task::JoinSet;

use super::image_bombs::MEMORY_LIMIT_MIB;
use crate::{Settings, Verdict};

const SIGN_INS: usize = 600;
const AT_ONCE: usize = 32;

pub async fn run(cluster: &mut Cluster, _: &Settings) -> anyhow::Result<Verdict> {
    let (email, _) = cluster.new_user("storm").await?;
    // Warm every replica with one sign-in, so "before" is its steady state.
    for index in 0..cluster.replicas.len() {
        cluster.replica_api(index).login(&email, PASSWORD, None).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before: Vec<u64> = cluster
        .replicas
        .iter()
        .map(|r| r.memory().map(|m| m.now_mib))
        .collect::<anyhow::Result<_>>()?;
    let mut succeeded = 0;
    for _ in 0..SIGN_INS / AT_ONCE {
        let mut batch = JoinSet::new();
        for _ in 0..AT_ONCE {
            let (api, email) = (cluster.api.clone(), email.clone());
            batch.spawn(async move { api.login(&email, PASSWORD, None).await.ok() });
        }
        while let Some(ok) = batch.join_next().await {
            succeeded += usize::from(ok?);
        }
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut after = Vec::new();
    let mut peaks = Vec::new();
    for replica in &cluster.replicas {
        let memory = replica.memory()?;
        after.push(memory.now_mib);
        peaks.push(memory.peak_mib);
    }
    let attempted = SIGN_INS / AT_ONCE * AT_ONCE;
    let returned = before.iter().zip(&after).all(|(b, a)| *a <= 2 * (*b).max(32));
    let pass = succeeded == attempted && returned && peaks.iter().all(|p| *p < MEMORY_LIMIT_MIB);
    Ok(Verdict::new(
        pass,
        format!(
            "{attempted} correct sign-ins, {AT_ONCE} at a time: {succeeded} succeeded; replicas before {before:?} MiB, peak {peaks:?}, after {after:?} (limit {MEMORY_LIMIT_MIB}, back within 2x)"
        ),
    ))
}
