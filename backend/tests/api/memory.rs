//! Memory that comes back: after a storm of sign-ins (each argon2 hash works in 19 MiB)
//! the real binary returns to within twice its idle memory, and never passes its
//! memory limit meanwhile.

use std::time::Duration;

use crate::helpers::PASSWORD;
use crate::process::SoftlyProcess;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_storm_gives_its_memory_back() {
    let server = SoftlyProcess::start_with(&[("MEMORY_LIMIT_MIB", "1024")], &[]).await;
    let client = reqwest::Client::new();
    let email = server.sign_up().await;
    // Warm: one sign-in, so what is measured as idle includes the process's steady state.
    let login = serde_json::json!({"email": email, "password": PASSWORD});
    client
        .post(server.url("/v1/auth/login"))
        .json(&login)
        .send()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = server.memory_mib();

    // 300 sign-ins, 32 at a time.
    for _ in 0..10 {
        let batch = (0..32).map(|_| client.post(server.url("/v1/auth/login")).json(&login).send());
        for answer in futures_util::future::join_all(batch).await {
            assert!(answer.unwrap().status().is_success());
        }
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (after, peak) = (server.memory_mib(), server.peak_memory_mib());
    println!("sign-in storm: idle {idle} MiB, peak {peak} MiB, after {after} MiB");
    assert!(peak < 1024, "peaked at {peak} MiB");
    assert!(
        after <= 2 * idle.max(32),
        "idle {idle} MiB, after the storm {after} MiB"
    );
}
