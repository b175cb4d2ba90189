//! A client of the API as the web app would use it, through the proxy.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub const PASSWORD: &str = "correct horse battery staple";

/// What one request got: its status (None when no answer came at all), its body and
/// how long it took.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: Option<StatusCode>,
    pub body: Value,
    pub elapsed: Duration,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| s.is_success())
    }

    pub fn is(&self, status: StatusCode) -> bool {
        self.status == Some(status)
    }
}

#[derive(Clone)]
pub struct Api {
    pub base: String,
    client: reqwest::Client,
}

static NEXT_ADDRESS: AtomicU32 = AtomicU32::new(1);

/// A different client address each call (10.0.0.0/8), as seen through trusted proxies.
pub fn some_address() -> String {
    let n = NEXT_ADDRESS.fetch_add(1, Ordering::Relaxed);
    format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

impl Api {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_string(),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .pool_max_idle_per_host(64)
                .build()
                .expect("a client builds"),
        }
    }

    /// One request; a forwarded-for address of its own unless `from` is given.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        from: Option<&str>,
    ) -> Outcome {
        let started = Instant::now();
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("x-forwarded-for", from.map_or_else(some_address, str::to_string));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.finish(request, started).await
    }

    async fn finish(&self, request: reqwest::RequestBuilder, started: Instant) -> Outcome {
        match request.send().await {
            Ok(response) => {
                let status = response.status();
                let body = response.json().await.unwrap_or(Value::Null);
                Outcome {
                    status: Some(status),
                    body,
                    elapsed: started.elapsed(),
                }
            }
            Err(_) => Outcome {
                status: None,
                body: Value::Null,
                elapsed: started.elapsed(),
            },
        }
    }

    pub async fn signup(&self, email: &str) -> Outcome {
        let body = json!({"email": email, "password": PASSWORD, "name": "Testbed User"});
        self.call(Method::POST, "/v1/auth/signup", None, Some(body), None)
            .await
    }

    pub async fn login(&self, email: &str, password: &str, from: Option<&str>) -> Outcome {
        let body = json!({"email": email, "password": password});
        self.call(Method::POST, "/v1/auth/login", None, Some(body), from)
            .await
    }

    /// Signs up and signs in a new user (retrying transient failures for up to 30 s);
    /// their email and token pair.
    pub async fn new_user(&self, label: &str) -> anyhow::Result<(String, Value)> {
        let email = format!("{label}-{}@example.com", unique());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let signup = self.signup(&email).await;
            if signup.is(StatusCode::CREATED) {
                break;
            }
            if Instant::now() > deadline {
                bail!("signup answered {:?}: {}", signup.status, signup.body);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let login = self.login(&email, PASSWORD, None).await;
        if !login.ok() {
            bail!("login answered {:?}: {}", login.status, login.body);
        }
        Ok((email, login.body))
    }

    pub async fn me(&self, token: &str) -> Outcome {
        self.call(Method::GET, "/v1/me", Some(token), None, None).await
    }

    pub async fn rename(&self, token: &str, name: &str) -> Outcome {
        self.call(
            Method::PATCH,
            "/v1/me",
            Some(token),
            Some(json!({"name": name})),
            None,
        )
        .await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Outcome {
        let body = json!({"refresh_token": refresh_token});
        self.call(Method::POST, "/v1/auth/refresh", None, Some(body), None)
            .await
    }

    /// Uploads `bytes` as a document named `filename`.
    pub async fn upload(&self, token: &str, filename: &str, bytes: Vec<u8>) -> Outcome {
        let started = Instant::now();
        let part = reqwest::multipart::Part::bytes(bytes).file_name(filename.to_string());
        let request = self
            .client
            .post(format!("{}/v1/documents", self.base))
            .bearer_auth(token)
            .header("x-forwarded-for", some_address())
            .multipart(reqwest::multipart::Form::new().part("file", part));
        self.finish(request, started).await
    }
}

impl Api {
    /// Sends `bytes` as a voice capture (`POST /v1/captures`, multipart).
    pub async fn capture_audio(&self, token: &str, filename: &str, bytes: Vec<u8>) -> Outcome {
        let started = Instant::now();
        let part = reqwest::multipart::Part::bytes(bytes).file_name(filename.to_string());
        let request = self
            .client
            .post(format!("{}/v1/captures", self.base))
            .bearer_auth(token)
            .header("x-forwarded-for", some_address())
            .multipart(reqwest::multipart::Form::new().part("file", part));
        self.finish(request, started).await
    }
}

/// A PCM WAV of `seconds` of a 440 Hz tone at 8 kHz, 16-bit mono: a recording to capture.
pub fn tone_wav(seconds: u32) -> Vec<u8> {
    let samples = 8_000 * seconds;
    let data = samples * 2;
    let mut wav = Vec::with_capacity(44 + data as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes());
    wav.extend_from_slice(&8_000u32.to_le_bytes());
    wav.extend_from_slice(&16_000u32.to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data.to_le_bytes());
    for n in 0..samples {
        let sample = (f64::from(n) * 440.0 * std::f64::consts::TAU / 8_000.0).sin() * 8_000.0;
        wav.extend_from_slice(&(sample as i16).to_le_bytes());
    }
    wav
}

/// The access token of a token pair.
pub fn access_token(pair: &Value) -> anyhow::Result<String> {
    pair["access_token"]
        .as_str()
        .map(str::to_string)
        .context("no access_token in the answer")
}

/// A short string unique to this process and call.
pub fn unique() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{}-{nanos:x}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A small valid PDF whose bytes differ by `n`.
pub fn pdf(n: u64) -> Vec<u8> {
    format!("%PDF-1.7\n% testbed document {n}\n%%EOF\n").into_bytes()
}
