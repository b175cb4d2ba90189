//! f. 20 concurrent refreshes of one refresh token, spread over the replicas: within
//! the grace window every one gets the same current pair; a replay after the window
//! ends the session, on every replica at once.

use std::time::Duration;

use reqwest::StatusCode;
use softly_testbed::{Cluster, access_token};
use tokio::task::JoinSet;

use crate::{Settings, Verdict};

const RACERS: usize = 20;
/// The server's grace window is 10 s.
const PAST_GRACE: Duration = Duration::from_secs(11);

pub async fn run(cluster: &mut Cluster, _: &Settings) -> anyhow::Result<Verdict> {
    let (_, pair) = cluster.new_user("refresh").await?;
    let original = pair["refresh_token"].as_str().unwrap_or_default().to_string();
    let mut racers = JoinSet::new();
    for _ in 0..RACERS {
        let api = cluster.api.clone();
        let token = original.clone();
        racers.spawn(async move { api.refresh(&token).await });
    }
    let mut answers = Vec::new();
    while let Some(outcome) = racers.join_next().await {
        answers.push(outcome?);
    }
    let ok = answers.iter().filter(|a| a.ok()).count();
    let mut tokens: Vec<&str> = answers
        .iter()
        .filter_map(|a| a.body["refresh_token"].as_str())
        .collect();
    tokens.sort_unstable();
    tokens.dedup();
    let consistent = ok == RACERS && tokens.len() == 1;

    tokio::time::sleep(PAST_GRACE).await;
    let replay = cluster.api.refresh(&original).await;
    let access = answers
        .iter()
        .find(|a| a.ok())
        .map(|a| access_token(&a.body))
        .transpose()?
        .unwrap_or_default();
    let mut ended_on = 0;
    let mut answered = Vec::new();
    for index in 0..cluster.replicas.len() {
        let me = cluster.replica_api(index).me(&access).await;
        if me.is(StatusCode::UNAUTHORIZED) {
            ended_on += 1;
        }
        answered.push(me.status.map_or("no answer".into(), |s| s.as_u16().to_string()));
    }
    let current = tokens.first().copied().unwrap_or_default();
    let current_refused = !cluster.api.refresh(current).await.ok();
    let pass = consistent
        && replay.is(StatusCode::UNAUTHORIZED)
        && ended_on == cluster.replicas.len()
        && current_refused;
    Ok(Verdict::new(
        pass,
        format!(
            "{RACERS} concurrent refreshes of one token: {ok} answered 200 with {} distinct new token(s); replay after the grace window: {}; session ended on {ended_on}/{} replicas ({}){}",
            tokens.len(),
            replay
                .status
                .map_or("no answer".into(), |s| s.as_u16().to_string()),
            cluster.replicas.len(),
            answered.join(", "),
            if current_refused {
                ", its current token refused too"
            } else {
                ", its current token still works"
            }
        ),
    ))
}
