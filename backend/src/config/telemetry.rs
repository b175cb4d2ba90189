//! OTLP/HTTP export of traces and metrics, when `OTEL_EXPORTER_OTLP_ENDPOINT` names a
//! collector — New Relic in production (`https://otlp.eu01.nr-data.net` for an EU
//! account), which takes its license key as the `api-key` header:
//! `NEW_RELIC_LICENSE_KEY`. Unset, nothing is exported and no span is built for export;
//! `OTEL_SDK_DISABLED=true` turns export off too.
//!
//! The exporter's standard variables are read here, as the OpenTelemetry specification
//! defines them: `OTEL_EXPORTER_OTLP_{TRACES_,METRICS_,}ENDPOINT` (the general one gets
//! `/v1/traces` or `/v1/metrics` appended, a signal's own is used as it is), `…_HEADERS`
//! (`name=value,…`, values percent-decoded), `…_TIMEOUT` (ms, 10 s), `…_COMPRESSION`
//! (`gzip`, the default here, or `none`), `OTEL_SERVICE_NAME` (`softly`),
//! `OTEL_METRIC_EXPORT_INTERVAL` (ms, a minute), `OTEL_TRACES_SAMPLER` and `…_ARG`
//! (which traces are kept: by default every one, or as the caller's `traceparent` says).
//! The SDK reads the rest itself: `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_BSP_*`.

use std::time::Duration;

use opentelemetry_sdk::trace::Sampler;

use super::{ConfigError, Lookup, SSM_PLACEHOLDER, Secret, parse_var};

#[derive(Debug, Clone, Default)]
pub struct TelemetryConfig {
    /// Where traces and metrics go; None: nowhere.
    pub export: Option<OtlpExport>,
    /// Why export is off although an endpoint is set (said once at start-up).
    pub off_because: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct OtlpExport {
    /// The endpoint as configured, for `softly config`.
    pub endpoint: String,
    pub traces_url: String,
    pub metrics_url: String,
    /// Sent with every export: `api-key` (from `NEW_RELIC_LICENSE_KEY`) and
    /// `OTEL_EXPORTER_OTLP_HEADERS`'s.
    pub headers: Vec<(String, Secret)>,
    pub timeout: Duration,
    pub gzip: bool,
    pub service_name: String,
    /// How often metrics are sent.
    pub metric_interval: Duration,
    /// Which traces are recorded and exported.
    pub sampler: Sampler,
}

impl TelemetryConfig {
    pub fn from_lookup(lookup: Lookup<'_>) -> Result<Self, ConfigError> {
        let set = |name: &str| {
            lookup(name)
                .map(|value| value.trim().to_string())
                .filter(|value| !value.is_empty())
        };
        let general = set("OTEL_EXPORTER_OTLP_ENDPOINT");
        let traces = set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        let metrics = set("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
        for (name, value) in [
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &general),
            ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", &traces),
            ("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", &metrics),
        ] {
            if let Some(value) = value
                && !is_http_url(value)
            {
                return Err(ConfigError::new(name, "must be an http:// or https:// URL"));
            }
        }
        let signal = |own: &Option<String>, path: &str| {
            own.clone().or_else(|| {
                general
                    .as_ref()
                    .map(|base| format!("{}{path}", base.trim_end_matches('/')))
            })
        };
        let (Some(traces_url), Some(metrics_url)) =
            (signal(&traces, "/v1/traces"), signal(&metrics, "/v1/metrics"))
        else {
            if general.is_some() || traces.is_some() || metrics.is_some() {
                return Err(ConfigError::new(
                    "OTEL_EXPORTER_OTLP_ENDPOINT",
                    "must be set unless both OTEL_EXPORTER_OTLP_TRACES_ENDPOINT and OTEL_EXPORTER_OTLP_METRICS_ENDPOINT are",
                ));
            }
            return Ok(Self::default());
        };
        let disabled = match set("OTEL_SDK_DISABLED").as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => return Err(ConfigError::new("OTEL_SDK_DISABLED", "must be true or false")),
        };
        let mut headers = match set("OTEL_EXPORTER_OTLP_HEADERS") {
            Some(list) => parse_headers(&list)?,
            None => Vec::new(),
        };
        let license_key = set("NEW_RELIC_LICENSE_KEY").filter(|key| key != SSM_PLACEHOLDER);
        if let Some(key) = license_key {
            headers.retain(|(name, _)| name != "api-key");
            headers.push(("api-key".into(), Secret::new(key)));
        }
        let gzip = match set("OTEL_EXPORTER_OTLP_COMPRESSION").as_deref() {
            None | Some("gzip") => true,
            Some("none") => false,
            Some(_) => {
                return Err(ConfigError::new(
                    "OTEL_EXPORTER_OTLP_COMPRESSION",
                    "must be gzip or none",
                ));
            }
        };
        let timeout = parse_var(
            "OTEL_EXPORTER_OTLP_TIMEOUT",
            set("OTEL_EXPORTER_OTLP_TIMEOUT"),
            10_000u64,
        )?;
        if !(100..=60_000).contains(&timeout) {
            return Err(ConfigError::new(
                "OTEL_EXPORTER_OTLP_TIMEOUT",
                "must be 100 to 60000 (ms)",
            ));
        }
        let interval = parse_var(
            "OTEL_METRIC_EXPORT_INTERVAL",
            set("OTEL_METRIC_EXPORT_INTERVAL"),
            60_000u64,
        )?;
        if !(100..=3_600_000).contains(&interval) {
            return Err(ConfigError::new(
                "OTEL_METRIC_EXPORT_INTERVAL",
                "must be 100 to 3600000 (ms)",
            ));
        }
        let sampler = sampler(
            set("OTEL_TRACES_SAMPLER").as_deref(),
            set("OTEL_TRACES_SAMPLER_ARG"),
        )?;
        if disabled {
            return Ok(Self {
                export: None,
                off_because: Some("OTEL_SDK_DISABLED is true"),
            });
        }
        // New Relic refuses every batch without its key: a deploy whose key is still the
        // SSM placeholder runs, untraced, and says so, rather than sending what is refused.
        let to_new_relic = [&traces_url, &metrics_url].iter().any(|url| is_new_relic(url));
        if to_new_relic && !headers.iter().any(|(name, _)| name == "api-key") {
            return Ok(Self {
                export: None,
                off_because: Some("the endpoint is New Relic's and NEW_RELIC_LICENSE_KEY is not set"),
            });
        }
        Ok(Self {
            export: Some(OtlpExport {
                endpoint: general.unwrap_or_else(|| traces_url.clone()),
                traces_url,
                metrics_url,
                headers,
                timeout: Duration::from_millis(timeout),
                gzip,
                service_name: set("OTEL_SERVICE_NAME").unwrap_or_else(|| "softly".into()),
                metric_interval: Duration::from_millis(interval),
                sampler,
            }),
            off_because: None,
        })
    }

    /// Lines for `softly config` (header values as set or not).
    pub fn describe(&self) -> Vec<String> {
        match &self.export {
            Some(export) => vec![
                format!("OTEL_EXPORTER_OTLP_ENDPOINT={}", export.endpoint),
                format!(
                    "OTEL_EXPORTER_OTLP_HEADERS={}",
                    export
                        .headers
                        .iter()
                        .map(|(name, _)| format!("{name}=(set)"))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
            ],
            None => vec![format!(
                "OTEL_EXPORTER_OTLP_ENDPOINT= (nothing exported{})",
                self.off_because.map(|why| format!(": {why}")).unwrap_or_default()
            )],
        }
    }
}

/// The specification's samplers, by name; a ratio's `OTEL_TRACES_SAMPLER_ARG` is 0 to 1
/// (1 when unset).
fn sampler(name: Option<&str>, arg: Option<String>) -> Result<Sampler, ConfigError> {
    let ratio = || -> Result<f64, ConfigError> {
        let ratio = parse_var("OTEL_TRACES_SAMPLER_ARG", arg.clone(), 1.0f64)?;
        if !(0.0..=1.0).contains(&ratio) {
            return Err(ConfigError::new("OTEL_TRACES_SAMPLER_ARG", "must be 0 to 1"));
        }
        Ok(ratio)
    };
    Ok(match name.unwrap_or("parentbased_always_on") {
        "always_on" => Sampler::AlwaysOn,
        "always_off" => Sampler::AlwaysOff,
        "traceidratio" => Sampler::TraceIdRatioBased(ratio()?),
        "parentbased_always_on" => Sampler::ParentBased(Box::new(Sampler::AlwaysOn)),
        "parentbased_always_off" => Sampler::ParentBased(Box::new(Sampler::AlwaysOff)),
        "parentbased_traceidratio" => Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(ratio()?))),
        _ => {
            return Err(ConfigError::new(
                "OTEL_TRACES_SAMPLER",
                "must be always_on, always_off, traceidratio or parentbased_ followed by one of them",
            ));
        }
    })
}

/// `name=value,name=value`, values percent-decoded; names lower-cased.
fn parse_headers(list: &str) -> Result<Vec<(String, Secret)>, ConfigError> {
    let invalid = || {
        ConfigError::new(
            "OTEL_EXPORTER_OTLP_HEADERS",
            "must be name=value pairs separated by commas",
        )
    };
    list.split(',')
        .filter(|pair| !pair.trim().is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').ok_or_else(invalid)?;
            let name = name.trim().to_ascii_lowercase();
            let value = percent_encoding::percent_decode_str(value.trim())
                .decode_utf8()
                .map_err(|_| invalid())?
                .into_owned();
            let valid_name = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
            if !valid_name || value.bytes().any(|b| b.is_ascii_control()) {
                return Err(invalid());
            }
            Ok((name, Secret::new(value)))
        })
        .collect()
}

fn is_http_url(value: &str) -> bool {
    url::Url::parse(value).is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
}

fn is_new_relic(endpoint: &str) -> bool {
    url::Url::parse(endpoint)
        .ok()
        .and_then(|url| url.host_str().map(|host| host.ends_with("nr-data.net")))
        .unwrap_or(false)
}
