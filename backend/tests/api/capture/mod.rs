//! The capture suite: text and recordings become proposals a person reviews, then items.
//! Deepgram and Anthropic are fake servers speaking their real wire (testbed's fakes);
//! recordings are real, spoken by espeak-ng and converted by ffmpeg.

mod audio;
mod documents;
mod flow;
mod limits;
mod providers;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use reqwest::multipart::{Form, Part};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use softly_testbed::fakes::anthropic::FakeAnthropic;
use softly_testbed::fakes::deepgram::FakeDeepgram;

use crate::helpers::{Backend, TestApp, bearer};
use crate::vault::{Setup, VaultApp};

pub const DEEPGRAM_KEY: &str = "dg-test-key";
pub const ANTHROPIC_KEY: &str = "sk-ant-test-key";
/// What the recordings say (and the fake transcribes).
pub const SPOKEN: &str = "Renew the car insurance before the 3rd of March, it's about £420.";

/// Which providers a scenario has.
#[derive(Clone, Copy, Default)]
pub struct Providers {
    pub voice: bool,
    pub claude: bool,
}

/// A running application with its fake providers.
pub struct CaptureApp {
    pub app: TestApp,
    pub deepgram: FakeDeepgram,
    pub claude: FakeAnthropic,
}

impl CaptureApp {
    pub async fn spawn(backend: Backend, providers: Providers, extra: &[(&str, &str)]) -> Self {
        let (deepgram, claude) = fakes().await;
        let env = provider_env(&deepgram, &claude, providers, extra);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Self {
            app: TestApp::spawn_with(backend, &env).await,
            deepgram,
            claude,
        }
    }

    /// On `setup`'s database and store (local disk or S3).
    pub async fn on(setup: Setup, providers: Providers, extra: &[(&str, &str)]) -> Self {
        let (deepgram, claude) = fakes().await;
        let env = provider_env(&deepgram, &claude, providers, extra);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Self {
            app: VaultApp::spawn_with(setup, &env).await.app,
            deepgram,
            claude,
        }
    }

    /// A new signed-in user's access token.
    pub async fn user(&self) -> String {
        let (_, pair) = self.app.signed_in_user().await;
        bearer(&pair).to_string()
    }

    pub async fn take_text(&self, token: &str, text: &str) -> Response {
        self.app
            .send(Method::POST, "/v1/captures", token, Some(json!({ "text": text })))
            .await
    }

    pub async fn take_audio(&self, token: &str, filename: &str, bytes: Vec<u8>) -> Response {
        let part = Part::bytes(bytes)
            .file_name(filename.to_string())
            .mime_str("audio/webm")
            .unwrap();
        self.app
            .request(Method::POST, "/v1/captures")
            .bearer_auth(token)
            .multipart(Form::new().part("file", part))
            .send()
            .await
            .unwrap()
    }

    /// Takes `text` and waits until it is no longer processing.
    pub async fn captured_text(&self, token: &str, text: &str) -> Value {
        let taken = self.take_text(token, text).await;
        assert_eq!(taken.status(), StatusCode::ACCEPTED);
        let taken: Value = taken.json().await.unwrap();
        assert_eq!(taken["capture"]["status"], "processing");
        self.settled(token, taken["capture"]["id"].as_str().unwrap())
            .await
    }

    /// The capture once it is no longer processing (at most 20 seconds).
    pub async fn settled(&self, token: &str, id: &str) -> Value {
        for _ in 0..400 {
            let capture = self.app.get_json(&format!("/v1/captures/{id}"), token).await["capture"].clone();
            if capture["status"] != "processing" {
                return capture;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("capture {id} still processing after 20 seconds");
    }

    /// `POST /v1/captures/{id}/retry`.
    pub async fn retry(&self, token: &str, id: &str) -> Response {
        let path = format!("/v1/captures/{id}/retry");
        self.app.send(Method::POST, &path, token, None).await
    }

    pub async fn accept(&self, token: &str, id: &str, proposals: Value) -> Response {
        self.app
            .send(
                Method::POST,
                &format!("/v1/captures/{id}/accept"),
                token,
                Some(json!({ "proposals": proposals })),
            )
            .await
    }
}

async fn fakes() -> (FakeDeepgram, FakeAnthropic) {
    let deepgram = FakeDeepgram::start(DEEPGRAM_KEY).await.unwrap();
    deepgram.says(SPOKEN);
    let claude = FakeAnthropic::start(ANTHROPIC_KEY).await.unwrap();
    (deepgram, claude)
}

fn provider_env(
    deepgram: &FakeDeepgram,
    claude: &FakeAnthropic,
    providers: Providers,
    extra: &[(&str, &str)],
) -> Vec<(&'static str, String)> {
    let mut env = Vec::new();
    if providers.voice {
        env.push(("DEEPGRAM_API_KEY", DEEPGRAM_KEY.to_string()));
        env.push(("DEEPGRAM_URL", deepgram.url()));
    }
    if providers.claude {
        env.push(("ANTHROPIC_API_KEY", ANTHROPIC_KEY.to_string()));
        env.push(("ANTHROPIC_URL", claude.url()));
    }
    for (k, v) in extra {
        let k: &'static str = Box::leak(k.to_string().into_boxed_str());
        env.push((k, v.to_string()));
    }
    env
}

/// A real recording of [`SPOKEN`] in `format` (wav, webm, ogg, m4a, mp3, flac), made once
/// per run.
pub fn recording(format: &str) -> Vec<u8> {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("softly-recordings-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let wav = dir.join("spoken.wav");
        let spoke = std::process::Command::new("espeak-ng")
            .arg("-w")
            .arg(&wav)
            .arg(SPOKEN)
            .status()
            .expect("espeak-ng runs");
        assert!(spoke.success());
        for format in ["webm", "ogg", "m4a", "mp3", "flac"] {
            ffmpeg(
                &["-i", wav.to_str().unwrap()],
                &dir.join(format!("spoken.{format}")),
            );
        }
        dir
    });
    std::fs::read(dir.join(format!("spoken.{format}"))).unwrap()
}

/// A silent WAV of `seconds`, 8 kHz 8-bit mono (small: 8 KB a second).
pub fn silence(seconds: u32) -> Vec<u8> {
    let out = std::env::temp_dir().join(format!("softly-silence-{}.wav", uuid::Uuid::now_v7().simple()));
    ffmpeg(
        &[
            "-f",
            "lavfi",
            "-i",
            "anullsrc=r=8000:cl=mono",
            "-t",
            &seconds.to_string(),
            "-c:a",
            "pcm_u8",
        ],
        &out,
    );
    let bytes = std::fs::read(&out).unwrap();
    let _ = std::fs::remove_file(out);
    bytes
}

fn ffmpeg(input: &[&str], out: &std::path::Path) {
    let status = std::process::Command::new("ffmpeg")
        .args(["-y", "-loglevel", "error"])
        .args(input)
        .arg(out)
        .status()
        .expect("ffmpeg runs");
    assert!(status.success(), "ffmpeg made {}", out.display());
}

/// `count` rows of a table.
pub async fn rows(app: &TestApp, sql: &'static str) -> i64 {
    app.count(sql).await
}
