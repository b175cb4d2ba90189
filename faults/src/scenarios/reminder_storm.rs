//! l. 2,000 reminders due in the same minute, the worker running the sweep killed with
//! `kill -9` while it runs and another frozen (SIGSTOP) past its lease while it sends:
//! every reminder is sent, within 2 minutes of its time, none twice except for sends
//! that were in flight in a worker that lost its job (the documented crash window, which
//! keeps the Message-ID).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use reqwest::Method;
use serde_json::json;
use softly_testbed::{Cluster, access_token};
use tokio::task::JoinSet;

use crate::{Settings, Verdict};

const USERS: usize = 10;
const PER_USER: usize = 200;
/// When the reminders fall due, from the start: time enough to create them all.
const LEAD: Duration = Duration::from_secs(50);

pub async fn run(cluster: &mut Cluster, _: &Settings) -> anyhow::Result<Verdict> {
    let started = Instant::now();
    let due = jiff::Timestamp::now() + jiff::SignedDuration::try_from(LEAD)?;
    let due_at = due.to_string();
    let mut users = Vec::new();
    let mut creating = JoinSet::new();
    for n in 0..USERS {
        let (email, pair) = cluster.api.new_user(&format!("storm{n}")).await?;
        let token = access_token(&pair)?;
        users.push(email);
        let api = cluster.api.clone();
        let due_at = due_at.clone();
        creating.spawn(async move {
            for i in 0..PER_USER {
                let body = json!({"kind": "todo", "title": format!("Task {i}"), "due_on": "2030-01-01",
                                  "reminders": [{"at": due_at}]});
                let created = api
                    .call(Method::POST, "/v1/items", Some(&token), Some(body), None)
                    .await;
                if !created.ok() {
                    bail!("creating an item answered {:?}: {}", created.status, created.body);
                }
            }
            Ok(())
        });
    }
    while let Some(done) = creating.join_next().await {
        done??;
    }
    let total = USERS * PER_USER;
    if started.elapsed() >= LEAD {
        bail!(
            "creating {total} items took {:.0} s, past their reminders' time",
            started.elapsed().as_secs_f64()
        );
    }
    // Every worker frozen when the reminders fall due: the sweep waits for w1 alone.
    for worker in &cluster.workers {
        worker.signal("STOP")?;
    }
    // A sweep enqueued once the reminders are due (any queued before runs after it too).
    let sweep_queued = format!(
        "SELECT COUNT(*) FROM jobs WHERE kind = 'items.sweep_reminders' AND run_at >= {}",
        due.as_millisecond()
    );
    wait_for(cluster, &sweep_queued, |n| n > 0, LEAD + Duration::from_secs(40)).await?;
    cluster.workers[0].signal("CONT")?;
    // Killed once the sweep has handed its first batch over, while it hands over more.
    let handed_sql = "SELECT COUNT(*) FROM item_reminders WHERE fired_for IS NOT NULL";
    wait_for(cluster, handed_sql, |n| n > 0, Duration::from_secs(20)).await?;
    cluster.workers[0].kill().await;
    let handed = cluster.postgres.count(handed_sql).await?;
    // w2 takes the sweep over once w1's lease lapses (3 s) and sends; frozen while it
    // sends, w3 takes its jobs over; let go 6 s later, it finishes what it had begun.
    cluster.workers[1].signal("CONT")?;
    let sending = "SELECT COUNT(*) FROM jobs WHERE kind = 'items.send_reminder' AND status = 'running'";
    wait_for(cluster, sending, |n| n > 0, Duration::from_secs(30)).await?;
    cluster.workers[1].signal("STOP")?;
    cluster.workers[2].signal("CONT")?;
    tokio::time::sleep(Duration::from_secs(6)).await;
    cluster.workers[1].signal("CONT")?;

    let sent = "SELECT COUNT(*) FROM reminder_sends";
    let all_sent = wait_for(cluster, sent, |n| n >= total as i64, Duration::from_secs(150))
        .await
        .is_ok();
    let late_by = jiff::Timestamp::now().duration_since(due).as_secs_f64();
    let ids = cluster.moto.message_ids_to(&users).await?;
    let distinct: HashSet<&String> = ids.iter().collect();
    let reminder_ids = distinct.iter().filter(|id| id.starts_with("<reminder-")).count();
    let duplicates = ids.len() - distinct.len();
    // Each send job run again (a lapsed lease: its worker died or froze) may send once
    // more; nothing else may.
    let reruns = cluster.log_lines("\"kind\":\"items.send_reminder\",\"attempt\":2");
    let left = cluster
        .postgres
        .count("SELECT COUNT(*) FROM jobs WHERE kind LIKE 'items.%' AND status <> 'dead'")
        .await?;
    let pass = all_sent && reminder_ids == total && late_by <= 120.0 && duplicates <= reruns && left == 0;
    Ok(Verdict::new(
        pass,
        format!(
            "{total} reminders due at once over {USERS} users; w1 killed mid-sweep ({handed}/{total} handed over), w2 frozen 6 s while sending: {reminder_ids}/{total} distinct emails, {duplicates} duplicate(s) (same Message-ID; {reruns} send job(s) re-run after a lapsed lease), all recorded {late_by:.0} s after their time, {left} jobs left"
        ),
    ))
}

/// Polls `sql` (a count) until `done` holds, at most `limit`.
async fn wait_for(
    cluster: &Cluster,
    sql: &str,
    done: impl Fn(i64) -> bool,
    limit: Duration,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + limit;
    loop {
        let n = cluster
            .postgres
            .count(sql)
            .await
            .context("while polling the database")?;
        if done(n) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("{sql} still {n} after {limit:?}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
