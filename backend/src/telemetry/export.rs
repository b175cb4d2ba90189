//! The span exporter: each batch the SDK hands over becomes one
//! `ExportTraceServiceRequest` sent over OTLP/HTTP ([`super::otlp`]); the tracer
//! provider batches (`OTEL_BSP_*`), samples as configured (`OTEL_TRACES_SAMPLER`) and
//! names the service (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`).

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use opentelemetry_proto::transform::trace::tonic::group_spans_by_resource_and_scope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider, SpanData, SpanExporter};
use tokio::runtime::Handle;

use super::otlp::OtlpHttp;
use crate::config::OtlpExport;

/// The tracer provider exporting to `export`'s traces URL; also makes W3C trace context
/// the process's propagator.
pub fn provider(export: &OtlpExport, runtime: Handle) -> anyhow::Result<SdkTracerProvider> {
    let exporter = Exporter {
        otlp: OtlpHttp::new(export, runtime)?,
        url: export.traces_url.clone(),
        resource: ResourceAttributesWithSchema::from(&Resource::builder_empty().build()),
    };
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_sampler(export.sampler.clone())
        .with_resource(resource(export))
        .build())
}

/// The service as every export names it.
pub fn resource(export: &OtlpExport) -> Resource {
    Resource::builder()
        .with_service_name(export.service_name.clone())
        .with_attribute(opentelemetry::KeyValue::new(
            "service.version",
            env!("CARGO_PKG_VERSION"),
        ))
        .build()
}

pub fn tracer(provider: &SdkTracerProvider) -> SdkTracer {
    provider.tracer("softly")
}

#[derive(Debug)]
struct Exporter {
    otlp: OtlpHttp,
    url: String,
    resource: ResourceAttributesWithSchema,
}

impl SpanExporter for Exporter {
    fn export(&self, batch: Vec<SpanData>) -> impl Future<Output = OTelSdkResult> + Send {
        let request = ExportTraceServiceRequest {
            resource_spans: group_spans_by_resource_and_scope(batch, &self.resource),
        };
        let sent = self.otlp.send(&self.url, &request);
        async move {
            sent.await
                .map_err(|error| OTelSdkError::InternalFailure(format!("exporting spans failed: {error:#}")))
        }
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.resource = ResourceAttributesWithSchema::from(resource);
    }
}
