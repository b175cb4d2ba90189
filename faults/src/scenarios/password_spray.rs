//! g. 150 wrong passwords for one account, spread over the replicas, each from a
//! different forged `X-Forwarded-For` address: no more attempts are evaluated than the
//! account-wide limit (50 per 15 minutes, for devices that never signed in), whichever
//! replica and address they came from — give or take the attempts in flight: only
//! failures count, so each replica may have as many checked and not yet counted as it
//! has hashing threads.

use reqwest::StatusCode;
use softly_testbed::{Cluster, some_address};
use tokio::task::JoinSet;

use crate::{Settings, Verdict};

const ATTEMPTS: usize = 150;
const LIMIT: usize = 50;
const REPLICAS: usize = 3;

pub async fn run(cluster: &mut Cluster, _: &Settings) -> anyhow::Result<Verdict> {
    let (email, _) = cluster.new_user("spray").await?;
    let mut statuses = Vec::new();
    // Ten at a time, so the round robin spreads them over the three replicas.
    for _ in 0..ATTEMPTS / 10 {
        let mut batch = JoinSet::new();
        for _ in 0..10 {
            let api = cluster.api.clone();
            let email = email.clone();
            batch.spawn(async move {
                api.login(&email, "not the password", Some(&some_address()))
                    .await
                    .status
            });
        }
        while let Some(status) = batch.join_next().await {
            statuses.push(status?);
        }
    }
    let evaluated = statuses
        .iter()
        .filter(|s| **s == Some(StatusCode::UNAUTHORIZED))
        .count();
    let limited = statuses
        .iter()
        .filter(|s| **s == Some(StatusCode::TOO_MANY_REQUESTS))
        .count();
    // Each replica hashes on as many threads as the machine has cores.
    let in_flight = REPLICAS * std::thread::available_parallelism().map_or(1, usize::from);
    let pass = evaluated <= LIMIT + in_flight && evaluated > 0 && evaluated + limited == ATTEMPTS;
    Ok(Verdict::new(
        pass,
        format!(
            "{ATTEMPTS} wrong passwords from {ATTEMPTS} forged addresses over {REPLICAS} replicas: {evaluated} evaluated (limit {LIMIT}, + at most {in_flight} in flight), {limited} refused with 429, {} other",
            ATTEMPTS - evaluated - limited
        ),
    ))
}
