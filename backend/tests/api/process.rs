//! The real `softly` binary as a child process, its stdout captured line by line.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct SoftlyProcess {
    pub child: Child,
    pub data_dir: std::path::PathBuf,
    pub address: String,
    pub lines: Arc<Mutex<Vec<String>>>,
}

impl SoftlyProcess {
    /// `softly serve` on a fresh embedded data dir, JSON logs, port 0.
    pub async fn start() -> Self {
        Self::start_with(&[], &[]).await
    }

    /// Like [`SoftlyProcess::start`], with variables set and others removed.
    pub async fn start_with(set: &[(&str, &str)], remove: &[&str]) -> Self {
        Self::start_command(Command::new(env!("CARGO_BIN_EXE_softly")), set, remove).await
    }

    /// Like [`SoftlyProcess::start_with`], started with a soft and a hard limit on open
    /// files (by util-linux's `prlimit`, which then runs the binary in its place).
    pub async fn start_with_open_files(soft: u64, hard: u64, set: &[(&str, &str)]) -> Self {
        let mut command = Command::new("prlimit");
        command.args([
            format!("--nofile={soft}:{hard}"),
            "--".into(),
            env!("CARGO_BIN_EXE_softly").into(),
        ]);
        Self::start_command(command, set, &[]).await
    }

    async fn start_command(mut command: Command, set: &[(&str, &str)], remove: &[&str]) -> Self {
        let data_dir = std::env::temp_dir().join(format!("softly-process-{}", uuid::Uuid::now_v7().simple()));
        command
            .env_remove("DATABASE_URL")
            .env_remove("RUST_LOG")
            .env("SOFTLY_DATA_DIR", &data_dir)
            .env("PORT", "0")
            .env("METRICS_PORT", "0")
            .env("LOG_FORMAT", "json")
            .env("APP_URL", crate::helpers::APP_URL);
        for name in remove {
            command.env_remove(name);
        }
        command.envs(set.iter().copied());
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the softly binary starts");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let mut reader = BufReader::new(child.stdout.take().unwrap()).lines();
        let collected = lines.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = reader.next_line().await {
                collected.lock().unwrap().push(line);
            }
        });
        let mut process = Self {
            child,
            data_dir,
            address: String::new(),
            lines,
        };
        let listening = process
            .wait_for_log(|event| event["message"] == "softly is listening")
            .await;
        process.address = listening["address"].as_str().unwrap().to_string();
        process
    }

    /// Waits (at most 30 s) for a JSON log event matching `predicate`.
    pub async fn wait_for_log(&self, predicate: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        for _ in 0..300 {
            let found = self
                .lines
                .lock()
                .unwrap()
                .iter()
                .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
                .find(|event| predicate(event));
            if let Some(event) = found {
                return event;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "no such log line within 30 s; got {:?}",
            self.lines.lock().unwrap()
        );
    }

    /// Signs a new user up through this process (password `PASSWORD`) and confirms their
    /// address; answers the email.
    pub async fn sign_up(&self) -> String {
        let email = format!("process-{}@example.com", uuid::Uuid::now_v7().simple());
        let signup =
            serde_json::json!({"email": email, "password": crate::helpers::PASSWORD, "name": "Process"});
        let response = reqwest::Client::new()
            .post(self.url("/v1/auth/signup"))
            .json(&signup)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::CREATED);
        // Storing documents needs a confirmed address: follow the emailed link.
        let mut token = None;
        for _ in 0..100 {
            let emails = crate::helpers::emails_in(&self.data_dir.join("mail"), &email);
            if let Some(email) = emails.last() {
                token = Some(email.token("/verify-email"));
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let token = token.expect("a verification email within five seconds");
        let verified = reqwest::Client::new()
            .post(self.url("/v1/auth/verify-email"))
            .json(&serde_json::json!({ "token": token }))
            .send()
            .await
            .unwrap();
        assert_eq!(verified.status(), reqwest::StatusCode::OK);
        email
    }

    /// Signs a new user up and in through this process; answers the access token.
    pub async fn signed_in_token(&self) -> String {
        let email = self.sign_up().await;
        let login = serde_json::json!({"email": email, "password": crate::helpers::PASSWORD});
        let pair: serde_json::Value = reqwest::Client::new()
            .post(self.url("/v1/auth/login"))
            .json(&login)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        pair["access_token"].as_str().expect("signed in").to_string()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// The most memory the process has held (VmHWM), in MiB.
    pub fn peak_memory_mib(&self) -> u64 {
        self.status_mib("VmHWM:")
    }

    /// The memory the process holds now (VmRSS), in MiB.
    pub fn memory_mib(&self) -> u64 {
        self.status_mib("VmRSS:")
    }

    fn status_mib(&self, field: &str) -> u64 {
        let pid = self.child.id().expect("still running");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let line = status.lines().find(|l| l.starts_with(field)).unwrap();
        let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        kib / 1024
    }

    pub fn terminate(&self) {
        let pid = self.child.id().expect("still running").to_string();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(status.success());
    }
}
