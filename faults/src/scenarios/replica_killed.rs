//! b. `kill -9` of one replica under write load: every write that was answered 2xx is
//! in the database at the end; the only failures are requests that were in flight on
//! that replica (at most one per connection).

use std::time::Duration;

use softly_testbed::{Cluster, access_token, pdf};

use super::{acknowledged_documents, documents_present};
use crate::load::{self, describe, failures};
use crate::{Settings, Verdict};

const CONNECTIONS: usize = 8;

pub async fn run(cluster: &mut Cluster, _: &Settings) -> anyhow::Result<Verdict> {
    let (_, pair) = cluster.new_user("killed").await?;
    let token = access_token(&pair)?;
    let api = cluster.api.clone();
    let traffic = load::start(CONNECTIONS, Duration::from_millis(5), move |n| {
        let api = api.clone();
        let token = token.clone();
        async move { api.upload(&token, &format!("bill-{n}.pdf"), pdf(n)).await }
    });
    tokio::time::sleep(Duration::from_secs(2)).await;
    let victim = 1;
    cluster.replicas[victim].kill().await;
    // Long enough for the proxy's two failed checks (2 s apart) to take it out.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let records = traffic.stop().await;

    let acknowledged = acknowledged_documents(&records);
    let present = documents_present(cluster, &acknowledged).await?;
    let failed = failures(&records);
    let pass = present == acknowledged.len() && failed.len() <= CONNECTIONS && !acknowledged.is_empty();
    Ok(Verdict::new(
        pass,
        format!(
            "kill -9 of {} under {CONNECTIONS} connections of uploads: {} acknowledged, {present} of them in the database; {} failed ({}; at most {CONNECTIONS} were in flight)",
            cluster.replicas[victim].name,
            acknowledged.len(),
            failed.len(),
            describe(&failed)
        ),
    ))
}
