//! A span per database statement, from the event sqlx writes when a statement finishes
//! (target `sqlx::query`: its summary, rows and elapsed time). The span starts that long
//! before the event, under whatever traced work ran the statement — a request, a job —
//! and says which kind of statement it was (`SELECT`, `INSERT`, …), never its text or
//! values. Statements outside traced work (workers polling, the scheduler's tick), or
//! under a trace the sampler dropped, make no span.

use std::time::{Duration, SystemTime};

use opentelemetry::KeyValue;
use opentelemetry::trace::{Span as _, SpanKind, TraceContextExt, Tracer};
use opentelemetry_sdk::trace::SdkTracer;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::layer::{Context, Layer};

use crate::config::Backend;

pub struct StatementSpans {
    tracer: SdkTracer,
    system: &'static str,
}

impl StatementSpans {
    pub fn new(tracer: SdkTracer, backend: Backend) -> Self {
        let system = match backend {
            Backend::Postgres => "postgresql",
            Backend::Sqlite => "sqlite",
        };
        Self { tracer, system }
    }
}

impl<S: Subscriber> Layer<S> for StatementSpans {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut statement = Statement::default();
        event.record(&mut statement);
        let Some(kind) = statement.kind else {
            return;
        };
        // Only under traced work the sampler kept: the others' statements are not built.
        let parent = tracing::Span::current().context();
        if !parent.span().span_context().is_sampled() {
            return;
        }
        let end = SystemTime::now();
        let start = end.checked_sub(statement.elapsed).unwrap_or(end);
        let mut span = self
            .tracer
            .span_builder(kind)
            .with_kind(SpanKind::Client)
            .with_start_time(start)
            .with_attributes([
                KeyValue::new("db.system.name", self.system),
                KeyValue::new("db.operation.name", kind),
                KeyValue::new("db.response.returned_rows", statement.rows_returned),
                KeyValue::new("db.response.affected_rows", statement.rows_affected),
            ])
            .start_with_context(&self.tracer, &parent);
        span.end_with_timestamp(end);
    }
}

/// What a `sqlx::query` event says that a span may carry.
#[derive(Default)]
struct Statement {
    kind: Option<&'static str>,
    elapsed: Duration,
    rows_returned: i64,
    rows_affected: i64,
}

impl Visit for Statement {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "summary" {
            self.kind = Some(kind_of(value));
        }
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        if field.name() == "elapsed_secs" && value.is_finite() && value >= 0.0 {
            self.elapsed = Duration::from_secs_f64(value);
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        let value = i64::try_from(value).unwrap_or(i64::MAX);
        match field.name() {
            "rows_returned" => self.rows_returned = value,
            "rows_affected" => self.rows_affected = value,
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" {
            self.kind = Some(kind_of(format!("{value:?}").trim_matches('"')));
        }
    }
}

/// The statement's kind from its first word; anything unexpected is `OTHER` (a span
/// name never carries the statement's text).
fn kind_of(summary: &str) -> &'static str {
    const KINDS: [&str; 14] = [
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
        "WITH",
        "BEGIN",
        "COMMIT",
        "ROLLBACK",
        "SAVEPOINT",
        "RELEASE",
        "CREATE",
        "ALTER",
        "DROP",
        "PRAGMA",
    ];
    let first = summary.split_whitespace().next().unwrap_or("");
    KINDS
        .into_iter()
        .find(|kind| kind.eq_ignore_ascii_case(first))
        .unwrap_or("OTHER")
}

#[cfg(test)]
mod tests {
    use super::kind_of;

    #[test]
    fn a_statement_is_named_by_its_kind_and_nothing_else() {
        assert_eq!(kind_of("select id, kind, payload …"), "SELECT");
        assert_eq!(kind_of("INSERT INTO jobs (id, …"), "INSERT");
        assert_eq!(kind_of("  with recent as …"), "WITH");
        assert_eq!(kind_of("'; drop table users"), "OTHER");
        assert_eq!(kind_of(""), "OTHER");
    }
}
