//! k. 60 direct uploads of 25 MiB announced at once for one user, spread over the
//! replicas, none of them sent: the slot limit (20) and the quota (1 GiB) hold across
//! replicas — exactly 20 are accepted, the rest refused with 429 or 403 — and what the
//! user is counted for is exactly what the accepted slots reserved. (moto, the testbed's
//! S3, does not check presigned signatures, so the signed length is checked by the
//! API's tests against s3s-fs instead.)

use reqwest::{Method, StatusCode};
use serde_json::json;
use softly_testbed::{Cluster, access_token};
use tokio::task::JoinSet;

use crate::{Settings, Verdict};

const ANNOUNCED: usize = 60;
const SLOTS: usize = 20;
const SIZE: u64 = 25 * 1024 * 1024;

pub async fn run(cluster: &mut Cluster, _: &Settings) -> anyhow::Result<Verdict> {
    let (_, pair) = cluster.new_user("slots").await?;
    let token = access_token(&pair)?;
    let mut announcements = JoinSet::new();
    for n in 0..ANNOUNCED {
        let (api, token) = (cluster.api.clone(), token.clone());
        announcements.spawn(async move {
            // Checksums are never checked: nothing is sent.
            let body = json!({
                "filename": format!("big-{n}.pdf"), "byte_size": SIZE,
                "checksum_sha256": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "content_type": "application/pdf",
            });
            api.call(Method::POST, "/v1/documents/uploads", Some(&token), Some(body), None)
                .await
                .status
        });
    }
    let (mut accepted, mut refused, mut other) = (0, 0, 0);
    while let Some(status) = announcements.join_next().await {
        match status? {
            Some(StatusCode::CREATED) => accepted += 1,
            Some(StatusCode::TOO_MANY_REQUESTS | StatusCode::FORBIDDEN) => refused += 1,
            _ => other += 1,
        }
    }
    let me = cluster.api.me(&token).await;
    let used = me.body["storage_used_bytes"].as_u64().unwrap_or(u64::MAX);
    let pass = accepted == SLOTS && other == 0 && used == accepted as u64 * SIZE;
    Ok(Verdict::new(
        pass,
        format!(
            "{ANNOUNCED} announcements of 25 MiB at once over the replicas: {accepted} accepted (slot limit {SLOTS}), {refused} refused, {other} other; {} MiB reserved",
            used / (1024 * 1024)
        ),
    ))
}
