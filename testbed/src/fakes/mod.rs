//! Fake providers that speak the real wire: Deepgram's pre-recorded API, Anthropic's
//! Messages API, RevenueCat's REST API and an OTLP/HTTP collector (New Relic's
//! endpoint), as axum servers on loopback. They check what the real APIs check
//! (method, path, query, headers, body shape) and answer in the real shapes, errors
//! included; each test scripts what the next calls get (an answer, a status with
//! `retry-after`, a slow answer, malformed JSON) and reads back what was sent.

pub mod anthropic;
pub mod deepgram;
pub mod otlp;
pub mod revenuecat;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// What the fake does with the next call; when the script is empty, it answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The provider's normal answer.
    Answer,
    /// An error status in the provider's error shape (`retry-after` in seconds when set).
    Status { status: u16, retry_after: Option<u64> },
    /// The normal answer, after a wait.
    Slow(Duration),
    /// 200 with a body that is not JSON.
    Malformed,
}

/// A request as the fake received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub path_and_query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The script and the record, shared by a fake's handlers.
#[derive(Default)]
pub struct Script {
    replies: Mutex<VecDeque<Reply>>,
    received: Mutex<Vec<Received>>,
}

impl Script {
    fn next(&self) -> Reply {
        self.replies.lock().unwrap().pop_front().unwrap_or(Reply::Answer)
    }

    fn record(&self, parts: &axum::http::request::Parts, body: &[u8]) {
        let headers = parts
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or_default().to_string()))
            .collect();
        self.received.lock().unwrap().push(Received {
            path_and_query: parts
                .uri
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_default(),
            headers,
            body: body.to_vec(),
        });
    }
}

/// What every fake offers a test: a script for its next answers, and what it received.
pub trait Scripted {
    fn scripted(&self) -> &Script;

    /// Queues what the next calls get, in order.
    fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.scripted().replies.lock().unwrap().extend(replies);
    }

    /// Every request received so far.
    fn received(&self) -> Vec<Received> {
        self.scripted().received.lock().unwrap().clone()
    }
}

/// The response `reply` asks for: `answer` (now, or after a wait), a 200 whose JSON is cut
/// off after `cut_off`, or `refusal(status)` in the provider's error shape, with
/// `retry-after` when the script gives one.
async fn respond(
    reply: Reply,
    answer: impl FnOnce() -> Response,
    cut_off: &'static str,
    refusal: impl FnOnce(StatusCode) -> Response,
) -> Response {
    match reply {
        Reply::Answer => answer(),
        Reply::Slow(wait) => {
            tokio::time::sleep(wait).await;
            answer()
        }
        Reply::Malformed => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            cut_off,
        )
            .into_response(),
        Reply::Status { status, retry_after } => {
            let mut response =
                refusal(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            response
        }
    }
}

/// Serves `router` on a free loopback port until the runtime ends.
async fn serve(router: axum::Router) -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok(address)
}

fn request_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("fake-{:016x}", NEXT.fetch_add(1, Ordering::Relaxed))
}
