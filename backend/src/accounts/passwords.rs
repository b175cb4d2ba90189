//! Password hashing with argon2id at OWASP's parameters (19 MiB, t=2, p=1), on a small
//! fixed set of threads of its own: a login storm queues here instead of stalling the
//! async runtime, and memory comes back after it — each thread reuses its allocator
//! arena, where hashing on whichever blocking thread is free leaves 19 MiB behind in
//! every arena it ever touched.
//!
//! A caller takes a [`Turn`] (a free hashing thread) before it hashes: what it decides
//! while holding the turn (checking a rate limit) is followed by the hash at once, so
//! at most as many attempts as there are threads are between a check and the outcome.

use std::sync::mpsc;
use std::sync::{Arc, LazyLock, Mutex};

use anyhow::Context;
use argon2::{Argon2, PasswordHasher as _, PasswordVerifier as _};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

/// A hash of a random password: unknown emails are verified against it so that they
/// take as long as known ones.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let password = crate::platform::crypto::random_token();
    hash_now(&password).expect("hashing a random password cannot fail")
});

type Task = Box<dyn FnOnce() + Send>;

/// Hashes and verifies passwords on its own threads.
#[derive(Clone, Debug)]
pub struct PasswordHasher {
    /// One per thread: holding one means a thread is free for you.
    turns: Arc<Semaphore>,
    tasks: mpsc::Sender<Task>,
}

/// A free hashing thread, held until the hash it is spent on is done.
pub struct Turn {
    _permit: OwnedSemaphorePermit,
    tasks: mpsc::Sender<Task>,
}

impl PasswordHasher {
    /// `threads` hashing threads (each works in 19 MiB at a time).
    pub fn new(threads: usize) -> Self {
        let threads = threads.max(1);
        let (tasks, queue) = mpsc::channel::<Task>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("softly-argon2-{n}"))
                .spawn(move || {
                    loop {
                        let task = queue.lock().expect("the queue lock is never poisoned").recv();
                        match task {
                            Ok(task) => task(),
                            Err(_) => return, // every hasher is gone
                        }
                    }
                })
                .expect("a hashing thread starts");
        }
        Self {
            turns: Arc::new(Semaphore::new(threads)),
            tasks,
        }
    }

    /// Waits for a free hashing thread.
    pub async fn turn(&self) -> anyhow::Result<Turn> {
        let permit = self.turns.clone().acquire_owned().await.context("the hasher is closed")?;
        Ok(Turn {
            _permit: permit,
            tasks: self.tasks.clone(),
        })
    }

    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        self.turn().await?.run(move || hash_now(&password)).await?
    }

    /// Whether `password` matches `stored`; see [`Turn::verify`].
    pub async fn verify(&self, password: String, stored: Option<String>) -> anyhow::Result<bool> {
        self.turn().await?.verify(password, stored).await
    }

    /// Computes the dummy hash now, so the first unknown-email login is not slower.
    pub fn warm_up(&self) {
        let task: Task = Box::new(|| {
            LazyLock::force(&DUMMY_HASH);
        });
        let _ = self.tasks.send(task);
    }
}

impl Turn {
    /// Whether `password` matches `stored`; with no stored hash (unknown account) the
    /// same work is done against a dummy hash and the answer is no.
    pub async fn verify(self, password: String, stored: Option<String>) -> anyhow::Result<bool> {
        self.run(move || {
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
    }

    async fn run<T: Send + 'static>(self, work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
        let (done, outcome) = oneshot::channel();
        let task: Task = Box::new(move || {
            let _ = done.send(work());
        });
        self.tasks
            .send(task)
            .map_err(|_| anyhow::anyhow!("the hashing threads are gone"))?;
        outcome.await.context("the hashing task failed")
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
