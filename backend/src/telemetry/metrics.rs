//! Metrics over OTLP: the same numbers `/metrics` shows, sent as an
//! `ExportMetricsServiceRequest` every `OTEL_METRIC_EXPORT_INTERVAL`. The registry
//! (`platform::metrics`, prometheus-client) stays the one source; its exposition is read
//! back here ([`super::exposition`]) — counters become cumulative monotonic sums, gauges
//! gauges, histograms histograms with the same bounds — so a scrape and an export never
//! disagree.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{
    AggregationTemporality, Gauge, Histogram, HistogramDataPoint, Metric, NumberDataPoint, ResourceMetrics,
    ScopeMetrics, Sum, metric::Data, number_data_point,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use tokio::runtime::Handle;

use super::export::resource;
use super::exposition::{self, Kind};
use super::otlp::OtlpHttp;
use crate::config::OtlpExport;

pub struct MetricsExporter {
    otlp: OtlpHttp,
    url: String,
    resource: Resource,
    /// When the process's counters started counting.
    started_ns: u64,
}

impl MetricsExporter {
    pub fn new(export: &OtlpExport, runtime: Handle) -> anyhow::Result<Self> {
        Ok(Self {
            otlp: OtlpHttp::new(export, runtime)?,
            url: export.metrics_url.clone(),
            resource: Resource {
                attributes: ResourceAttributesWithSchema::from(&resource(export)).attributes.0,
                ..Default::default()
            },
            started_ns: unix_ns(SystemTime::now()),
        })
    }

    /// Sends `exposition` (the registry's Prometheus text) as OTLP metrics.
    pub async fn export(&self, exposition: &str) -> anyhow::Result<()> {
        let request = request(
            exposition,
            self.resource.clone(),
            self.started_ns,
            unix_ns(SystemTime::now()),
        )?;
        self.otlp.send(&self.url, &request).await
    }
}

fn unix_ns(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos() as u64)
}

/// The OTLP request carrying every sample of `exposition`, timed `now_ns`, counting
/// since `started_ns`.
fn request(
    exposition: &str,
    resource: Resource,
    started_ns: u64,
    now_ns: u64,
) -> anyhow::Result<ExportMetricsServiceRequest> {
    let families = exposition::parse(exposition).context("while reading the registry")?;
    let number = |sample: &exposition::Sample| NumberDataPoint {
        attributes: attributes(&sample.labels),
        start_time_unix_nano: started_ns,
        time_unix_nano: now_ns,
        value: Some(number_data_point::Value::AsDouble(sample.value)),
        ..Default::default()
    };
    let metrics = families
        .iter()
        .filter(|family| !family.samples.is_empty())
        .map(|family| {
            let data = match family.kind {
                Kind::Counter => Data::Sum(Sum {
                    data_points: family.samples.iter().map(number).collect(),
                    aggregation_temporality: AggregationTemporality::Cumulative as i32,
                    is_monotonic: true,
                }),
                Kind::Histogram => Data::Histogram(Histogram {
                    data_points: histogram_points(family, started_ns, now_ns),
                    aggregation_temporality: AggregationTemporality::Cumulative as i32,
                }),
                Kind::Gauge | Kind::Other => Data::Gauge(Gauge {
                    data_points: family.samples.iter().map(number).collect(),
                }),
            };
            Metric {
                name: family.name.clone(),
                description: family.help.clone(),
                unit: unit(&family.name).into(),
                data: Some(data),
                ..Default::default()
            }
        })
        .collect();
    Ok(ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: Some(resource),
            scope_metrics: vec![ScopeMetrics {
                scope: Some(InstrumentationScope {
                    name: "softly".into(),
                    version: env!("CARGO_PKG_VERSION").into(),
                    ..Default::default()
                }),
                metrics,
                ..Default::default()
            }],
            ..Default::default()
        }],
    })
}

/// A histogram point being gathered: its buckets (bound, cumulative count), sum, count.
type Buckets = (Vec<(f64, f64)>, f64, f64);

/// One point per label set: the `_bucket` samples (cumulative, by `le`) made per-bucket
/// counts, with `_sum` and `_count`.
fn histogram_points(family: &exposition::Family, started_ns: u64, now_ns: u64) -> Vec<HistogramDataPoint> {
    let mut points: BTreeMap<Vec<(String, String)>, Buckets> = BTreeMap::new();
    for sample in &family.samples {
        let suffix = &sample.name[family.name.len()..];
        let mut labels = sample.labels.clone();
        let le = labels
            .iter()
            .position(|(k, _)| k == "le")
            .map(|at| labels.remove(at).1);
        let point = points.entry(labels).or_default();
        match (suffix, le) {
            ("_bucket", Some(le)) => {
                let bound = if le == "+Inf" {
                    f64::INFINITY
                } else {
                    le.parse().unwrap_or(f64::INFINITY)
                };
                point.0.push((bound, sample.value));
            }
            ("_sum", _) => point.1 = sample.value,
            ("_count", _) => point.2 = sample.value,
            _ => {}
        }
    }
    points
        .into_iter()
        .map(|(labels, (mut buckets, sum, count))| {
            buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut below = 0.0;
            let bucket_counts = buckets
                .iter()
                .map(|(_, cumulative)| {
                    let here = (cumulative - below).max(0.0) as u64;
                    below = *cumulative;
                    here
                })
                .collect();
            HistogramDataPoint {
                attributes: attributes(&labels),
                start_time_unix_nano: started_ns,
                time_unix_nano: now_ns,
                count: count as u64,
                sum: Some(sum),
                bucket_counts,
                explicit_bounds: buckets
                    .iter()
                    .map(|(bound, _)| *bound)
                    .filter(|b| b.is_finite())
                    .collect(),
                ..Default::default()
            }
        })
        .collect()
}

fn unit(name: &str) -> &'static str {
    if name.ends_with("_seconds") {
        "s"
    } else if name.ends_with("_bytes") {
        "By"
    } else {
        ""
    }
}

fn attributes(labels: &[(String, String)]) -> Vec<KeyValue> {
    labels
        .iter()
        .map(|(key, value)| KeyValue {
            key: key.clone(),
            value: Some(AnyValue {
                value: Some(any_value::Value::StringValue(value.clone())),
            }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPOSITION: &str = "# HELP softly_http_requests Requests answered.\n\
        # TYPE softly_http_requests counter\n\
        softly_http_requests_total{route=\"/v1/me\",method=\"GET\",status=\"200\"} 7\n\
        softly_http_requests_total{route=\"/v1/items/{id}\",method=\"GET\",status=\"200\"} 2\n\
        # HELP softly_jobs_queued Jobs waiting.\n\
        # TYPE softly_jobs_queued gauge\n\
        softly_jobs_queued 3\n\
        # HELP softly_http_request_duration_seconds How long requests took.\n\
        # TYPE softly_http_request_duration_seconds histogram\n\
        softly_http_request_duration_seconds_sum{route=\"/v1/me\",method=\"GET\"} 0.5\n\
        softly_http_request_duration_seconds_count{route=\"/v1/me\",method=\"GET\"} 7\n\
        softly_http_request_duration_seconds_bucket{le=\"0.01\",route=\"/v1/me\",method=\"GET\"} 4\n\
        softly_http_request_duration_seconds_bucket{le=\"0.1\",route=\"/v1/me\",method=\"GET\"} 6\n\
        softly_http_request_duration_seconds_bucket{le=\"+Inf\",route=\"/v1/me\",method=\"GET\"} 7\n\
        # EOF\n";

    fn metric<'r>(request: &'r ExportMetricsServiceRequest, name: &str) -> &'r Metric {
        request.resource_metrics[0].scope_metrics[0]
            .metrics
            .iter()
            .find(|m| m.name == name)
            .unwrap_or_else(|| panic!("{name} is exported"))
    }

    #[test]
    fn the_registry_becomes_sums_gauges_and_histograms_with_the_same_numbers() {
        let request = request(EXPOSITION, Resource::default(), 1, 2).unwrap();
        let requests = metric(&request, "softly_http_requests");
        assert_eq!(requests.description, "Requests answered.");
        let Some(Data::Sum(sum)) = &requests.data else {
            panic!("a sum")
        };
        assert!(sum.is_monotonic);
        assert_eq!(
            sum.aggregation_temporality,
            AggregationTemporality::Cumulative as i32
        );
        let values: Vec<_> = sum.data_points.iter().map(|p| p.value).collect();
        assert_eq!(values.len(), 2);
        assert!(values.contains(&Some(number_data_point::Value::AsDouble(7.0))));
        assert!(
            values.contains(&Some(number_data_point::Value::AsDouble(2.0))),
            "a route with braces is kept"
        );
        assert_eq!(sum.data_points[0].start_time_unix_nano, 1);
        assert_eq!(sum.data_points[0].time_unix_nano, 2);

        let Some(Data::Gauge(gauge)) = &metric(&request, "softly_jobs_queued").data else {
            panic!("a gauge")
        };
        assert_eq!(
            gauge.data_points[0].value,
            Some(number_data_point::Value::AsDouble(3.0))
        );

        let duration = metric(&request, "softly_http_request_duration_seconds");
        assert_eq!(duration.unit, "s");
        let Some(Data::Histogram(histogram)) = &duration.data else {
            panic!("a histogram")
        };
        let point = &histogram.data_points[0];
        assert_eq!(point.explicit_bounds, [0.01, 0.1]);
        assert_eq!(point.bucket_counts, [4, 2, 1], "per bucket, not cumulative");
        assert_eq!((point.count, point.sum), (7, Some(0.5)));
        let route = point.attributes.iter().find(|kv| kv.key == "route").unwrap();
        assert_eq!(
            route.value.as_ref().unwrap().value,
            Some(any_value::Value::StringValue("/v1/me".into()))
        );
        assert!(point.attributes.iter().all(|kv| kv.key != "le"));
    }
}
