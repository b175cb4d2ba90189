//! Recordings, on SQLite with local disk and on PostgreSQL with S3: real audio in every
//! container browsers and phones send, transcribed by the fake Deepgram; what is not
//! audio, too large or too long is refused; the recording is gone once transcribed.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use softly::platform::storage::ObjectKey;
use softly_testbed::fakes::{Reply, Scripted};

use super::{CaptureApp, DEEPGRAM_KEY, Providers, SPOKEN, recording, rows, silence};
use crate::vault::Setup;

/// Runs each named `async fn(Setup)` on SQLite with local disk and on PostgreSQL with S3;
/// both need espeak-ng and ffmpeg to make the recordings.
macro_rules! with_recordings {
    ($($name:ident),* $(,)?) => {
        mod sqlite_disk {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(not(softly_test_audio), ignore = "needs espeak-ng and ffmpeg on PATH")]
                async fn $name() {
                    super::$name($crate::vault::Setup::Disk).await;
                }
            )*
        }
        mod postgres_s3 {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(
                    not(all(softly_test_audio, softly_test_postgres, softly_test_s3)),
                    ignore = "needs espeak-ng and ffmpeg, SOFTLY_TEST_DATABASE_URL and SOFTLY_TEST_S3_ENDPOINT"
                )]
                async fn $name() {
                    super::$name($crate::vault::Setup::s3()).await;
                }
            )*
        }
    };
}

with_recordings!(
    every_container_is_transcribed_and_its_recording_deleted,
    what_is_not_a_short_recording_is_refused,
    a_recording_transcription_measures_too_long_fails,
    transcription_failures_are_retried_or_fail_as_they_should,
    voice_minutes_past_the_limit_are_refused,
    the_plus_plan_lifts_the_monthly_voice_limit,
    a_failed_captures_recording_is_kept_a_week_for_a_retry,
);

const VOICE: Providers = Providers {
    voice: true,
    claude: false,
};

/// The id of the user `token` belongs to.
async fn user_id(capture: &CaptureApp, token: &str) -> String {
    capture.app.get_json("/v1/me", token).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn taken(capture: &CaptureApp, token: &str, name: &str, bytes: Vec<u8>) -> Value {
    let response = capture.take_audio(token, name, bytes).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED, "{name}");
    response.json::<Value>().await.unwrap()["capture"].clone()
}

async fn every_container_is_transcribed_and_its_recording_deleted(setup: Setup) {
    let capture = CaptureApp::on(setup, VOICE, &[]).await;
    let token = capture.user().await;
    assert_eq!(
        capture.app.get_json("/v1/me", &token).await["capture"]["voice"],
        true
    );
    let user = user_id(&capture, &token).await;
    let wav_seconds = (recording("wav").len() - 44) as f64 / 44_100.0;
    let formats = [
        ("wav", "audio/wav", true),
        ("webm", "audio/webm", false),
        ("ogg", "audio/ogg", true),
        ("m4a", "audio/mp4", true),
        ("mp3", "audio/mpeg", false),
        ("flac", "audio/flac", true),
    ];
    for (n, (format, mime, length_known)) in formats.into_iter().enumerate() {
        let taken = taken(&capture, &token, &format!("note.{format}"), recording(format)).await;
        assert_eq!(
            (taken["source"].as_str(), taken["status"].as_str()),
            (Some("audio"), Some("processing"))
        );
        match taken["audio_seconds"].as_f64() {
            Some(seconds) => assert!(
                length_known && (seconds - wav_seconds).abs() < 0.2,
                "{format}: {seconds} s"
            ),
            None => assert!(!length_known, "{format}'s container says how long it is"),
        }
        let id = taken["id"].as_str().unwrap();
        let ready = capture.settled(&token, id).await;
        assert_eq!(ready["status"], "ready", "{format}: {ready}");
        assert_eq!(ready["transcript"], SPOKEN);
        assert_eq!(ready["proposals"][0]["item"]["title"], "Renew the car insurance");
        let request = &capture.deepgram.received()[n];
        assert_eq!(
            request.path_and_query,
            "/v1/listen?model=nova-3&smart_format=true"
        );
        assert_eq!(
            request.header("authorization"),
            Some(format!("Token {DEEPGRAM_KEY}").as_str())
        );
        assert_eq!(request.header("content-type"), Some(mime), "{format}");
        assert_eq!(request.body, recording(format));
        let key = ObjectKey::parse(&format!("captures/{user}/{id}/audio")).unwrap();
        let stored = capture.app.wired.platform.storage.size(&key).await.unwrap();
        assert_eq!(
            stored, None,
            "{format}: the recording is deleted once transcribed"
        );
    }
    assert_eq!(
        rows(
            &capture.app,
            "SELECT COUNT(*) FROM captures WHERE audio_key IS NOT NULL"
        )
        .await,
        0
    );
    assert_eq!(
        rows(
            &capture.app,
            "SELECT COUNT(*) FROM capture_usage WHERE call = 'transcription'"
        )
        .await,
        6
    );
}

async fn what_is_not_a_short_recording_is_refused(setup: Setup) {
    let capture = CaptureApp::on(setup, VOICE, &[]).await;
    let token = capture.user().await;
    let html = b"<!DOCTYPE html><html><body>not audio</body></html>".to_vec();
    let refused = capture.take_audio(&token, "voice.webm", html).await;
    assert_eq!(refused.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["code"],
        "unsupported_media_type"
    );

    let mut huge = recording("wav");
    huge.resize(11 * 1024 * 1024, 0);
    let refused = capture.take_audio(&token, "long.wav", huge).await;
    assert_eq!(refused.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let refused = capture.take_audio(&token, "long.wav", silence(301)).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "audio_too_long");
    assert!(problem["detail"].as_str().unwrap().contains("301 s"), "{problem}");
    assert_eq!(rows(&capture.app, "SELECT COUNT(*) FROM captures").await, 0);
    assert!(capture.deepgram.received().is_empty());
    // Five minutes exactly is taken.
    taken(&capture, &token, "five.wav", silence(300)).await;

    // Without a speech-to-text key, recordings are refused and the profile says so.
    let quiet = CaptureApp::spawn(crate::helpers::Backend::Sqlite, Providers::default(), &[]).await;
    let token = quiet.user().await;
    let refused = quiet.take_audio(&token, "note.wav", recording("wav")).await;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "capture_unavailable");
    assert!(problem["detail"].as_str().unwrap().contains("DEEPGRAM_API_KEY"));
    assert_eq!(
        quiet.app.get_json("/v1/me", &token).await["capture"]["voice"],
        false
    );
}

async fn a_recording_transcription_measures_too_long_fails(setup: Setup) {
    let capture = CaptureApp::on(setup, VOICE, &[]).await;
    capture.deepgram.reports_duration(400.0);
    let token = capture.user().await;
    let taken = taken(&capture, &token, "note.mp3", recording("mp3")).await;
    let failed = capture.settled(&token, taken["id"].as_str().unwrap()).await;
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["failure_reason"].as_str().unwrap().contains("400 s"),
        "{failed}"
    );
    assert_eq!(
        rows(
            &capture.app,
            "SELECT COUNT(*) FROM captures WHERE audio_key IS NOT NULL"
        )
        .await,
        0
    );
    assert_eq!(
        rows(
            &capture.app,
            "SELECT COUNT(*) FROM capture_usage WHERE audio_ms = 400000"
        )
        .await,
        1
    );
}

async fn transcription_failures_are_retried_or_fail_as_they_should(setup: Setup) {
    let capture = CaptureApp::on(setup, VOICE, &[("CAPTURE_CALL_TIMEOUT_SECS", "1")]).await;
    let token = capture.user().await;
    capture.deepgram.script([Reply::Status {
        status: 429,
        retry_after: Some(1),
    }]);
    let taken_first = taken(&capture, &token, "note.wav", recording("wav")).await;
    let ready = capture.settled(&token, taken_first["id"].as_str().unwrap()).await;
    assert_eq!(ready["status"], "ready", "{ready}");
    assert_eq!(capture.deepgram.received().len(), 2);

    let slow = Reply::Slow(Duration::from_secs(3));
    capture.deepgram.script([slow.clone(), slow.clone(), slow]);
    let taken_slow = taken(&capture, &token, "note.wav", recording("wav")).await;
    let failed = capture.settled(&token, taken_slow["id"].as_str().unwrap()).await;
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["failure_reason"]
            .as_str()
            .unwrap()
            .contains("did not answer in time"),
        "{failed}"
    );
    assert_eq!(capture.deepgram.received().len(), 5);
    // The recording is kept for a retry, which succeeds now.
    assert_eq!(
        rows(
            &capture.app,
            "SELECT COUNT(*) FROM captures WHERE audio_key IS NOT NULL"
        )
        .await,
        1
    );
    let id = taken_slow["id"].as_str().unwrap();
    let retried = capture.retry(&token, id).await;
    assert_eq!(retried.status(), StatusCode::ACCEPTED);
    assert_eq!(capture.settled(&token, id).await["status"], "ready");

    let refused = CaptureApp::on(Setup::Disk, VOICE, &[("DEEPGRAM_API_KEY", "dg-wrong")]).await;
    let token = refused.user().await;
    let taken = taken(&refused, &token, "note.wav", recording("wav")).await;
    let failed = refused.settled(&token, taken["id"].as_str().unwrap()).await;
    assert!(
        failed["failure_reason"].as_str().unwrap().contains("(401)"),
        "{failed}"
    );
    assert_eq!(
        refused.deepgram.received().len(),
        1,
        "a refused key is not tried again"
    );
}

async fn voice_minutes_past_the_limit_are_refused(setup: Setup) {
    let capture = CaptureApp::on(setup, VOICE, &[("CAPTURE_AUDIO_MINUTES_PER_MONTH", "1")]).await;
    let token = capture.user().await;
    let first = taken(&capture, &token, "note.wav", recording("wav")).await;
    capture.settled(&token, first["id"].as_str().unwrap()).await;
    let refused = capture.take_audio(&token, "long.wav", silence(58)).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["code"],
        "capture_limit_reached"
    );
    taken(&capture, &token, "shorter.wav", silence(50)).await;
}

async fn the_plus_plan_lifts_the_monthly_voice_limit(setup: Setup) {
    use crate::plans::{WEBHOOK, delivered, event};
    let limits = [
        ("CAPTURE_AUDIO_MINUTES_PER_MONTH", "1"),
        ("PLUS_AUDIO_MINUTES_PER_MONTH", "2"),
        WEBHOOK,
    ];
    let capture = CaptureApp::on(setup, VOICE, &limits).await;
    let token = capture.user().await;
    let first = taken(&capture, &token, "note.wav", recording("wav")).await;
    capture.settled(&token, first["id"].as_str().unwrap()).await;
    let refused = capture.take_audio(&token, "long.wav", silence(58)).await;
    assert_eq!(
        refused.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "free: one minute"
    );
    let user = user_id(&capture, &token).await;
    delivered(
        &capture.app,
        event("p1", "INITIAL_PURCHASE", &user, capture.app.now_ms(), None),
    )
    .await;
    taken(&capture, &token, "long.wav", silence(58)).await;
}

async fn a_failed_captures_recording_is_kept_a_week_for_a_retry(setup: Setup) {
    let capture = CaptureApp::on(setup, VOICE, &[]).await;
    let refused = Reply::Status {
        status: 401,
        retry_after: None,
    };
    capture.deepgram.script([refused.clone(), refused]);
    let (email, pair) = capture.app.signed_in_user().await;
    let token = crate::helpers::bearer(&pair).to_string();
    let user = user_id(&capture, &token).await;
    let mut failed = Vec::new();
    for _ in 0..2 {
        let taken = taken(&capture, &token, "note.wav", recording("wav")).await;
        let id = taken["id"].as_str().unwrap().to_string();
        assert_eq!(capture.settled(&token, &id).await["status"], "failed");
        failed.push(id);
    }
    let stored = |id: &str| ObjectKey::parse(&format!("captures/{user}/{id}/audio")).unwrap();
    let store = capture.app.wired.platform.storage.clone();
    let purge = || crate::items::enqueue(&capture.app, softly::capture::PurgeStaleRecordings {});

    // Six days on, both recordings are still there for a retry.
    capture.app.clock.advance(Duration::from_secs(6 * 24 * 3600));
    purge().await;
    for id in &failed {
        assert!(store.size(&stored(id)).await.unwrap().is_some());
    }
    let pair = capture.app.login_ok(&email, crate::helpers::PASSWORD).await;
    let token = crate::helpers::bearer(&pair).to_string();
    let retried = capture.retry(&token, &failed[0]).await;
    assert_eq!(retried.status(), StatusCode::ACCEPTED);
    assert_eq!(capture.settled(&token, &failed[0]).await["status"], "ready");

    // Past a week since it failed, the other's recording is deleted; a retry says so.
    capture.app.clock.advance(Duration::from_secs(2 * 24 * 3600));
    purge().await;
    assert_eq!(store.size(&stored(&failed[1])).await.unwrap(), None);
    let pair = capture.app.login_ok(&email, crate::helpers::PASSWORD).await;
    let token = crate::helpers::bearer(&pair).to_string();
    let retried = capture.retry(&token, &failed[1]).await;
    assert_eq!(retried.status(), StatusCode::ACCEPTED);
    let again = capture.settled(&token, &failed[1]).await;
    assert!(
        again["failure_reason"]
            .as_str()
            .unwrap()
            .contains("no longer kept"),
        "{again}"
    );
}
