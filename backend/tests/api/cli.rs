//! The command line and the production log format, through the real binary.

use std::process::Command;

use serde_json::{Value, json};

use crate::process::SoftlyProcess;

fn softly(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let data_dir = std::env::temp_dir().join(format!("softly-cli-{}", uuid::Uuid::now_v7().simple()));
    let mut command = Command::new(env!("CARGO_BIN_EXE_softly"));
    command
        .args(args)
        .env_remove("DATABASE_URL")
        .env("METRICS_PORT", "0")
        .env("SOFTLY_DATA_DIR", &data_dir);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("the softly binary runs")
}

#[test]
fn help_lists_every_subcommand() {
    let output = softly(&["--help"], &[]);
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for command in ["serve", "migrate", "worker", "config", "healthcheck"] {
        assert!(help.contains(command), "{command} missing from\n{help}");
    }
}

#[test]
fn config_prints_the_resolved_values_with_secrets_redacted() {
    let secret = "a-production-secret-key-base-0123456789abcdef";
    let env = [
        ("SOFTLY_ENV", "production"),
        ("SECRET_KEY_BASE", secret),
        ("DATABASE_URL", "postgres://softly:hunter2@db.internal/softly"),
        ("PORT", "8080"),
    ];
    let output = softly(&["config"], &env);
    assert!(output.status.success());
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(printed.contains("PORT=8080"));
    assert!(printed.contains("DATABASE_URL=postgres://softly:[redacted]@db.internal/softly (postgres)"));
    assert!(printed.contains("LOG_FORMAT=json"));
    assert!(!printed.contains("hunter2") && !printed.contains(secret));
}

#[test]
fn config_prints_every_variable_it_reads_and_no_secret() {
    let env = [
        ("REDIS_URL", "rediss://:cache-password@cache.internal:6379"),
        ("REDIS_PREFIX", "softly-staging"),
        ("S3_BUCKET", "softly-storage-staging"),
        ("S3_ENDPOINT", "http://s3.internal:9000"),
        ("AWS_REGION", "eu-west-1"),
        ("MAIL_TRANSPORT", "smtp"),
        ("SMTP_URL", "smtps://mailer:mail-password@smtp.internal:465"),
        ("RUST_LOG", "debug"),
        ("AWS_ACCESS_KEY_ID", "AKIACONFIGEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "aws-secret-value"),
    ];
    let printed = String::from_utf8(softly(&["config"], &env).stdout).unwrap();
    for line in [
        "REDIS_URL=rediss://:[redacted]@cache.internal:6379",
        "REDIS_PREFIX=softly-staging",
        "S3_BUCKET=softly-storage-staging",
        "S3_ENDPOINT=http://s3.internal:9000",
        "AWS_REGION=eu-west-1",
        "SMTP_URL=smtps://mailer:[redacted]@smtp.internal:465",
        "RUST_LOG=debug",
        "# AWS credentials: key AKIACONFIGEXAMPLE (AWS_ACCESS_KEY_ID)",
    ] {
        assert!(
            printed.lines().any(|l| l == line),
            "{line} missing from\n{printed}"
        );
    }
    for secret in ["cache-password", "mail-password", "aws-secret-value"] {
        assert!(!printed.contains(secret), "{secret} printed in\n{printed}");
    }

    let embedded = String::from_utf8(softly(&["config"], &[]).stdout).unwrap();
    let database = embedded.lines().find(|l| l.starts_with("DATABASE_URL=")).unwrap();
    assert!(
        database.starts_with("DATABASE_URL=sqlite://") && database.contains("softly.db"),
        "the embedded database file is shown: {database}"
    );
    assert!(embedded.contains("RUST_LOG=info,sqlx=warn"), "{embedded}");
    assert!(
        !embedded.contains("AWS credentials"),
        "the embedded default uses no AWS: {embedded}"
    );
}

#[test]
fn logs_written_to_a_pipe_carry_no_colour_codes() {
    let output = softly(&["migrate"], &[("LOG_FORMAT", "pretty")]);
    assert!(output.status.success());
    let logs = String::from_utf8(output.stdout).unwrap();
    assert!(logs.contains("migrations are up to date"), "{logs}");
    assert!(!logs.contains('\u{1b}'), "{logs:?}");
}

#[test]
fn a_failing_command_says_why_once() {
    let unreachable = [
        ("DATABASE_URL", "postgres://nobody@127.0.0.1:1/nothing"),
        ("DATABASE_ACQUIRE_TIMEOUT_MS", "500"),
    ];
    for format in ["pretty", "json"] {
        let mut env = unreachable.to_vec();
        env.push(("LOG_FORMAT", format));
        let output = softly(&["migrate"], &env);
        assert_eq!(output.status.code(), Some(1));
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            said.matches("while connecting to the database").count(),
            1,
            "{format}: {said}"
        );
    }
}

#[test]
fn a_missing_production_secret_exits_2_with_one_line_naming_it() {
    let output = softly(&["serve"], &[("SOFTLY_ENV", "production")]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8(output.stderr).unwrap();
    assert_eq!(error.lines().count(), 1, "{error}");
    assert!(error.contains("SECRET_KEY_BASE"));
}

#[test]
fn a_malformed_value_exits_2_naming_the_variable() {
    let output = softly(&["config"], &[("PORT", "eighty")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8(output.stderr).unwrap().contains("PORT"));
}

#[test]
fn migrate_creates_the_embedded_database_and_exits_0() {
    let data_dir = std::env::temp_dir().join(format!("softly-migrate-{}", uuid::Uuid::now_v7().simple()));
    let data_dir = data_dir.to_str().unwrap();
    let output = softly(&["migrate"], &[("SOFTLY_DATA_DIR", data_dir)]);
    assert!(output.status.success(), "{output:?}");
    assert!(std::path::Path::new(data_dir).join("softly.db").exists());
    // Running it again finds nothing to do.
    assert!(
        softly(&["migrate"], &[("SOFTLY_DATA_DIR", data_dir)])
            .status
            .success()
    );
}

#[tokio::test]
async fn the_job_queue_is_reported_once_a_period_for_cloudwatch() {
    // The fields infrastructure/aws/monitoring.tf's metric filter reads.
    let softly =
        SoftlyProcess::start_with(&[("JOB_QUEUE_REPORT_SECS", "1"), ("JOB_WORKERS", "0")], &[]).await;
    let report = softly.wait_for_log(|event| event["message"] == "job queue").await;
    assert_eq!(report["level"], "INFO");
    for field in ["queued", "dead", "oldest_due_age_seconds"] {
        assert!(
            report[field].is_i64() || report[field].is_u64(),
            "{field}: {report}"
        );
    }
}

#[tokio::test]
async fn each_request_writes_one_json_line_with_route_status_latency_and_user() {
    let softly = SoftlyProcess::start().await;
    let client = reqwest::Client::new();
    let credentials = json!({"email": "log@example.com", "password": "a long enough password"});
    let mut signup = credentials.clone();
    signup["name"] = json!("Log");
    client
        .post(softly.url("/v1/auth/signup"))
        .json(&signup)
        .send()
        .await
        .unwrap();
    let pair: Value = client
        .post(softly.url("/v1/auth/login"))
        .json(&credentials)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let me: Value = client
        .get(softly.url("/v1/me"))
        .bearer_auth(pair["access_token"].as_str().unwrap())
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let line = softly
        .wait_for_log(|event| event["request_id"] == "trace-me-42")
        .await;
    assert_eq!(line["message"], "request");
    assert_eq!(line["method"], "GET");
    assert_eq!(line["route"], "/v1/me");
    assert_eq!(line["status"], 200);
    assert!(line["latency_ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(line["user_id"], me["id"]);
    assert_eq!(line["level"], "INFO");

    let signup_line = softly
        .wait_for_log(|event| event["route"] == "/v1/auth/signup")
        .await;
    assert_eq!(signup_line["user_id"], "", "no user is known before sign-in");
    assert!(
        softly
            .lines
            .lock()
            .unwrap()
            .iter()
            .all(|l| !l.contains("a long enough password")),
        "passwords never reach the log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthcheck_exits_0_when_up_answers_200_and_1_when_nothing_listens() {
    let server = SoftlyProcess::start().await;
    let port = server.address.rsplit(':').next().unwrap().to_string();
    let healthy = tokio::task::spawn_blocking(move || softly(&["healthcheck"], &[("PORT", &port)]))
        .await
        .unwrap();
    assert!(
        healthy.status.success(),
        "{}",
        String::from_utf8_lossy(&healthy.stderr)
    );

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let unhealthy = softly(&["healthcheck"], &[("PORT", &closed)]);
    assert_eq!(unhealthy.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unhealthy.stderr).starts_with("unhealthy:"));
}

#[test]
fn openapi_prints_the_served_document_whatever_the_environment() {
    let env = [
        ("SOFTLY_ENV", "production"),
        ("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none"),
    ];
    let output = softly(&["openapi"], &env);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    for path in ["/v1/items", "/v1/documents", "/v1/auth/refresh", "/v1/sessions"] {
        assert!(document["paths"][path].is_object(), "{path} missing");
    }
}

#[test]
fn codes_prints_the_whole_registry_whatever_the_environment() {
    let output = softly(&["codes"], &[("SOFTLY_ENV", "production")]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let codes: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(codes.len(), softly::codes::ALL.len());
    for (printed, registered) in codes.iter().zip(softly::codes::ALL) {
        assert_eq!(printed["code"], registered.name);
        assert_eq!(printed["status"], registered.status);
        assert_eq!(printed["meaning"], registered.meaning);
    }
}

#[test]
fn a_data_dir_it_cannot_write_stops_serve_and_worker_with_one_line() {
    // A folder under a regular file cannot be made, whoever runs the test (root too).
    let file = std::env::temp_dir().join(format!("softly-cli-file-{}", uuid::Uuid::now_v7().simple()));
    std::fs::write(&file, b"").unwrap();
    let data_dir = file.join("data");
    let data_dir = data_dir.to_str().unwrap();
    let key = "a".repeat(64);
    let env = [
        ("SOFTLY_DATA_DIR", data_dir),
        ("SOFTLY_ENV", "production"),
        ("SECRET_KEY_BASE", key.as_str()),
        // Never reached: the data folder is checked first.
        ("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none"),
    ];
    for command in ["serve", "worker"] {
        let output = softly(&[command], &env);
        assert_eq!(output.status.code(), Some(2), "{command}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{command}: {stderr}");
        assert!(
            stderr.starts_with(&format!(
                "SOFTLY_DATA_DIR: {data_dir} is not writable by this process (uid "
            )),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    // A command that keeps nothing there does not ask.
    let output = softly(&["config"], &env);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let _ = std::fs::remove_file(&file);
}
