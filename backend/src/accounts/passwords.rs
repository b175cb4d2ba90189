//! Password hashing with argon2id at OWASP's parameters (19 MiB, t=2, p=1), computed
//! on blocking threads behind a semaphore, so a login storm queues here instead of
//! stalling the async runtime or exhausting memory.

use std::sync::{Arc, LazyLock};

use anyhow::Context;
use argon2::{Argon2, PasswordHasher as _, PasswordVerifier as _};
use tokio::sync::Semaphore;

/// A hash of a random password: unknown emails are verified against it so that they
/// take as long as known ones.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let password = crate::platform::crypto::random_token();
    hash_now(&password).expect("hashing a random password cannot fail")
});

/// Hashes and verifies passwords off the async runtime.
#[derive(Clone, Debug)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
}

impl PasswordHasher {
    /// At most `concurrency` hashes at once (each holds 19 MiB).
    pub fn new(concurrency: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await.context("the hasher is closed")?;
        tokio::task::spawn_blocking(move || hash_now(&password))
            .await
            .context("the hashing task failed")?
    }

    /// Whether `password` matches `stored`; with no stored hash (unknown account) the
    /// same work is done against a dummy hash and the answer is no.
    pub async fn verify(&self, password: String, stored: Option<String>) -> anyhow::Result<bool> {
        let _permit = self.permits.acquire().await.context("the hasher is closed")?;
        tokio::task::spawn_blocking(move || {
            let (hash, known) = match &stored {
                Some(hash) => (hash.as_str(), true),
                None => (DUMMY_HASH.as_str(), false),
            };
            let matches = Argon2::default()
                .verify_password(password.as_bytes(), hash)
                .is_ok();
            matches && known
        })
        .await
        .context("the verifying task failed")
    }

    /// Computes the dummy hash now, so the first unknown-email login is not slower.
    pub fn warm_up(&self) {
        tokio::task::spawn_blocking(|| LazyLock::force(&DUMMY_HASH));
    }
}

fn hash_now(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("argon2 failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hasher = PasswordHasher::new(2);
        let hash = hasher.hash("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            hasher
                .verify("correct horse battery".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("correct horse batterY".into(), Some(hash))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        let hasher = PasswordHasher::new(1);
        assert!(!hasher.verify("anything at all".into(), None).await.unwrap());
    }
}
