//! A stand-in for an OTLP/HTTP collector (New Relic's endpoint, or the OpenTelemetry
//! Collector) as far as Softly's exporter talks to it: `POST /v1/traces` with an
//! `ExportTraceServiceRequest` and `POST /v1/metrics` with an
//! `ExportMetricsServiceRequest`, in protobuf (`Content-Type: application/x-protobuf`),
//! gzipped when `Content-Encoding: gzip`, with New Relic's `api-key` header. Answers as the
//! specification says: 200 with the matching response message, 415 for another content
//! type, 400 for a body that does not decode, 403 for a missing or wrong key (New Relic's
//! answer), and whatever status the script asks for. Keeps every span and metric point it
//! received.

use std::collections::BTreeMap;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{metric::Data, number_data_point};
use opentelemetry_proto::tonic::resource::v1::Resource;
use prost::Message;

use super::{Script, Scripted, respond, serve};

pub struct FakeOtlpCollector {
    pub address: SocketAddr,
    state: Arc<Shared>,
}

struct Shared {
    /// The `api-key` every export must carry, when set.
    key: Option<String>,
    /// Count exports and their bytes only (a benchmark's collector: one elsewhere would
    /// cost the measured machine nothing).
    counting: bool,
    exports: std::sync::atomic::AtomicU64,
    bytes: std::sync::atomic::AtomicU64,
    script: Script,
    spans: Mutex<Vec<ReceivedSpan>>,
    points: Mutex<Vec<ReceivedPoint>>,
}

/// One metric data point as the collector decoded it.
#[derive(Debug, Clone)]
pub struct ReceivedPoint {
    pub metric: String,
    /// `sum` (monotonic, cumulative), `gauge` or `histogram`.
    pub kind: &'static str,
    pub unit: String,
    pub attributes: BTreeMap<String, String>,
    /// A number's value; a histogram's count.
    pub value: f64,
    /// A histogram's per-bucket counts and bounds.
    pub buckets: Vec<u64>,
    pub bounds: Vec<f64>,
    pub service: String,
}

/// One span as the collector decoded it; ids in lower-case hex, the parent's empty for a
/// root span.
#[derive(Debug, Clone)]
pub struct ReceivedSpan {
    pub trace_id: String,
    pub span_id: String,
    pub parent_span_id: String,
    pub name: String,
    /// `server`, `client`, `internal`, `producer`, `consumer` or `unspecified`.
    pub kind: &'static str,
    /// Attribute values as text (numbers and booleans formatted).
    pub attributes: BTreeMap<String, String>,
    /// The resource's `service.name`.
    pub service: String,
    /// OTLP status code: 0 unset, 1 ok, 2 error.
    pub status: i32,
}

impl ReceivedPoint {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }
}

impl ReceivedSpan {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }
}

impl FakeOtlpCollector {
    /// Starts the collector; with `key`, exports without that `api-key` are refused.
    pub async fn start(key: Option<&str>) -> anyhow::Result<Self> {
        Self::start_with(key, false).await
    }

    /// A collector that answers every export at once and only counts them and their
    /// bytes ([`FakeOtlpCollector::counted`]): for benchmarks.
    pub async fn start_counting() -> anyhow::Result<Self> {
        Self::start_with(None, true).await
    }

    async fn start_with(key: Option<&str>, counting: bool) -> anyhow::Result<Self> {
        let state = Arc::new(Shared {
            key: key.map(str::to_string),
            counting,
            exports: Default::default(),
            bytes: Default::default(),
            script: Script::default(),
            spans: Mutex::default(),
            points: Mutex::default(),
        });
        let router = axum::Router::new()
            .route("/v1/traces", post(traces))
            .route("/v1/metrics", post(metrics))
            .with_state(state.clone());
        Ok(Self {
            address: serve(router).await?,
            state,
        })
    }

    /// The endpoint to configure (`OTEL_EXPORTER_OTLP_ENDPOINT`).
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Exports received so far and their bytes (as sent: compressed).
    pub fn counted(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (self.state.exports.load(Relaxed), self.state.bytes.load(Relaxed))
    }

    /// Every metric point received so far, oldest first.
    pub fn points(&self) -> Vec<ReceivedPoint> {
        self.state.points.lock().unwrap().clone()
    }

    /// Every span received so far.
    pub fn spans(&self) -> Vec<ReceivedSpan> {
        self.state.spans.lock().unwrap().clone()
    }

    /// Waits (at most `within`) until the spans received satisfy `done`; answers them.
    pub async fn wait_for(
        &self,
        within: Duration,
        done: impl Fn(&[ReceivedSpan]) -> bool,
    ) -> Vec<ReceivedSpan> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let spans = self.spans();
            if done(&spans) || tokio::time::Instant::now() >= deadline {
                return spans;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Scripted for FakeOtlpCollector {
    fn scripted(&self) -> &Script {
        &self.state.script
    }
}

async fn traces(State(state): State<Arc<Shared>>, request: axum::extract::Request) -> Response {
    receive(&state, request, |request: ExportTraceServiceRequest| {
        state.spans.lock().unwrap().extend(flatten(request));
        ExportTraceServiceResponse::default().encode_to_vec()
    })
    .await
}

async fn metrics(State(state): State<Arc<Shared>>, request: axum::extract::Request) -> Response {
    receive(&state, request, |request: ExportMetricsServiceRequest| {
        state.points.lock().unwrap().extend(flatten_metrics(request));
        ExportMetricsServiceResponse::default().encode_to_vec()
    })
    .await
}

/// Checks and decodes an export; `accept` keeps what it holds and answers the response
/// message, unless the script refuses it.
async fn receive<M: Message + Default>(
    state: &Shared,
    request: axum::extract::Request,
    accept: impl FnOnce(M) -> Vec<u8>,
) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    state.exports.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    state
        .bytes
        .fetch_add(body.len() as u64, std::sync::atomic::Ordering::Relaxed);
    if state.counting {
        return (StatusCode::OK, [(header::CONTENT_TYPE, "application/x-protobuf")]).into_response();
    }
    state.script.record(&parts, &body);
    if let Some(key) = &state.key
        && parts.headers.get("api-key").and_then(|v| v.to_str().ok()) != Some(key.as_str())
    {
        return StatusCode::FORBIDDEN.into_response();
    }
    if content_type(&parts.headers) != Some("application/x-protobuf") {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    let Some(message) = decode::<M>(&parts.headers, &body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let reply = state.script.next();
    let answer = match reply {
        super::Reply::Answer | super::Reply::Slow(_) => accept(message),
        _ => Vec::new(),
    };
    respond(
        reply,
        || {
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/x-protobuf")],
                answer,
            )
                .into_response()
        },
        "\u{0}",
        |status| status.into_response(),
    )
    .await
}

fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim())
}

fn decode<M: Message + Default>(headers: &HeaderMap, body: &Bytes) -> Option<M> {
    let gzipped = headers
        .get(header::CONTENT_ENCODING)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"));
    let bytes = if gzipped {
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(body.as_ref())
            .take(64 * 1024 * 1024)
            .read_to_end(&mut plain)
            .ok()?;
        plain
    } else {
        body.to_vec()
    };
    M::decode(bytes.as_slice()).ok()
}

fn flatten(request: ExportTraceServiceRequest) -> Vec<ReceivedSpan> {
    let mut spans = Vec::new();
    for resource_spans in request.resource_spans {
        let service = service_name(resource_spans.resource.as_ref());
        for scope in resource_spans.scope_spans {
            for span in scope.spans {
                spans.push(ReceivedSpan {
                    trace_id: hex(&span.trace_id),
                    span_id: hex(&span.span_id),
                    parent_span_id: hex(&span.parent_span_id),
                    name: span.name,
                    kind: match span.kind {
                        1 => "internal",
                        2 => "server",
                        3 => "client",
                        4 => "producer",
                        5 => "consumer",
                        _ => "unspecified",
                    },
                    attributes: texts(&span.attributes),
                    service: service.clone(),
                    status: span.status.map_or(0, |s| s.code),
                });
            }
        }
    }
    spans
}

fn flatten_metrics(request: ExportMetricsServiceRequest) -> Vec<ReceivedPoint> {
    let mut points = Vec::new();
    for resource_metrics in request.resource_metrics {
        let service = service_name(resource_metrics.resource.as_ref());
        for scope in resource_metrics.scope_metrics {
            for metric in scope.metrics {
                let point = |kind, attributes: &[KeyValue], value| ReceivedPoint {
                    metric: metric.name.clone(),
                    kind,
                    unit: metric.unit.clone(),
                    attributes: texts(attributes),
                    value,
                    buckets: Vec::new(),
                    bounds: Vec::new(),
                    service: service.clone(),
                };
                let number = |value: &Option<number_data_point::Value>| match value {
                    Some(number_data_point::Value::AsDouble(v)) => *v,
                    Some(number_data_point::Value::AsInt(i)) => *i as f64,
                    None => f64::NAN,
                };
                match &metric.data {
                    Some(Data::Sum(sum)) => points.extend(
                        sum.data_points
                            .iter()
                            .map(|p| point("sum", &p.attributes, number(&p.value))),
                    ),
                    Some(Data::Gauge(gauge)) => points.extend(
                        gauge
                            .data_points
                            .iter()
                            .map(|p| point("gauge", &p.attributes, number(&p.value))),
                    ),
                    Some(Data::Histogram(histogram)) => {
                        points.extend(histogram.data_points.iter().map(|p| ReceivedPoint {
                            buckets: p.bucket_counts.clone(),
                            bounds: p.explicit_bounds.clone(),
                            ..point("histogram", &p.attributes, p.count as f64)
                        }))
                    }
                    _ => {}
                }
            }
        }
    }
    points
}

fn service_name(resource: Option<&Resource>) -> String {
    resource
        .and_then(|r| r.attributes.iter().find(|kv| kv.key == "service.name"))
        .and_then(|kv| kv.value.as_ref())
        .map(text)
        .unwrap_or_default()
}

/// Attributes with their values as text.
fn texts(attributes: &[KeyValue]) -> BTreeMap<String, String> {
    attributes
        .iter()
        .filter_map(|kv| Some((kv.key.clone(), text(kv.value.as_ref()?))))
        .collect()
}

fn text(value: &AnyValue) -> String {
    match &value.value {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
