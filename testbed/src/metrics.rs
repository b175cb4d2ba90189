//! A process's `/metrics`, scraped and parsed as a Prometheus scraper would: what the
//! fault suite reads where the processes themselves know better than the database or
//! their logs (whether a replica sees Redis, how its cache lookups went). The parser
//! (prometheus-parse) skips samples whose label values hold braces — routes such as
//! `/v1/items/{id}` — so read route-labelled families elsewhere.

use std::time::Duration;

use anyhow::Context;
use prometheus_parse::{Scrape, Value};

/// One scrape.
pub struct Metrics {
    pub scrape: Scrape,
}

impl Metrics {
    /// Scrapes `http://127.0.0.1:{port}/metrics` (at most 5 s).
    pub async fn scrape(port: u16) -> anyhow::Result<Self> {
        let text = reqwest::Client::new()
            .get(format!("http://127.0.0.1:{port}/metrics"))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .with_context(|| format!("while scraping 127.0.0.1:{port}/metrics"))?
            .text()
            .await?;
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let scrape = Scrape::parse(text.lines().map(|line| Ok(line.to_string())))?;
        Ok(Self { scrape })
    }

    /// The sum of `name`'s samples whose labels include every one of `labels` (a
    /// histogram counts its observations); None when there is no such sample.
    pub fn sum(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let matching: Vec<f64> = self
            .scrape
            .samples
            .iter()
            .filter(|s| s.metric == name)
            .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
            .map(|s| match &s.value {
                Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
                Value::Histogram(buckets) => buckets.last().map_or(0.0, |b| b.count),
                Value::Summary(_) => 0.0,
            })
            .collect();
        (!matching.is_empty()).then(|| matching.iter().sum())
    }
}

#[cfg(test)]
mod tests {
    use super::Metrics;

    #[test]
    fn samples_are_summed_by_their_labels() {
        let text = "# TYPE softly_redis_up gauge\nsoftly_redis_up 1\n\
                    # TYPE softly_cache_lookups counter\n\
                    softly_cache_lookups_total{result=\"hit\"} 3\nsoftly_cache_lookups_total{result=\"bypass\"} 2\n\
                    softly_http_requests_total{route=\"/v1/me\",method=\"GET\",status=\"200\"} 7\n";
        let metrics = Metrics::parse(text).unwrap();
        assert_eq!(metrics.sum("softly_redis_up", &[]), Some(1.0));
        assert_eq!(metrics.sum("softly_cache_lookups_total", &[]), Some(5.0));
        assert_eq!(
            metrics.sum("softly_cache_lookups_total", &[("result", "bypass")]),
            Some(2.0)
        );
        assert_eq!(
            metrics.sum(
                "softly_http_requests_total",
                &[("route", "/v1/me"), ("status", "200")]
            ),
            Some(7.0)
        );
        assert_eq!(
            metrics.sum("softly_cache_lookups_total", &[("result", "miss")]),
            None
        );
    }
}
