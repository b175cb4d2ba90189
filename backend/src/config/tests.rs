use std::collections::HashMap;

use super::*;

fn config_from(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let dir = std::env::temp_dir().join(format!("softly-config-{}", uuid::Uuid::now_v7()));
    let mut map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    map.entry("SOFTLY_DATA_DIR".into())
        .or_insert(dir.display().to_string());
    Config::from_lookup(&|name| map.get(name).cloned())
}

#[test]
fn an_empty_environment_selects_the_embedded_default() {
    let config = config_from(&[]).unwrap();
    assert_eq!(config.database_url.backend(), Backend::Sqlite);
    assert_eq!(config.port, 3000);
    assert_eq!(config.environment, Environment::Development);
    assert_eq!(config.log_format, LogFormat::Pretty);
}

#[test]
fn a_postgres_url_selects_postgres() {
    let config = config_from(&[("DATABASE_URL", "postgres://u:p@db/softly")]).unwrap();
    assert_eq!(config.database_url.backend(), Backend::Postgres);
}

#[test]
fn production_without_a_secret_key_base_names_the_variable() {
    let err = config_from(&[("SOFTLY_ENV", "production")]).unwrap_err();
    assert_eq!(err.var, "SECRET_KEY_BASE");
}

#[test]
fn a_short_secret_key_base_is_rejected() {
    let err = config_from(&[("SECRET_KEY_BASE", "short")]).unwrap_err();
    assert_eq!(err.var, "SECRET_KEY_BASE");
}

#[test]
fn a_previous_key_base_still_holding_the_ssm_placeholder_is_no_previous_key() {
    let key = "k".repeat(64);
    let config = config_from(&[("SECRET_KEY_BASE", &key), ("SECRET_KEY_BASE_PREVIOUS", "unset")]).unwrap();
    assert_eq!(config.secret_key_bases.all().count(), 1);
    let previous = "p".repeat(64);
    let config = config_from(&[("SECRET_KEY_BASE", &key), ("SECRET_KEY_BASE_PREVIOUS", &previous)]).unwrap();
    assert_eq!(config.secret_key_bases.all().count(), 2);
    // Anything else short is still a mistake worth stopping for.
    let err = config_from(&[("SECRET_KEY_BASE", &key), ("SECRET_KEY_BASE_PREVIOUS", "short")]).unwrap_err();
    assert_eq!(err.var, "SECRET_KEY_BASE_PREVIOUS");
}

#[test]
fn malformed_values_name_their_variable() {
    for (var, value) in [
        ("PORT", "eighty"),
        ("DATABASE_URL", "mysql://x"),
        ("TRUSTED_PROXIES", "10.0.0.0/33"),
        ("LOG_FORMAT", "xml"),
        ("APP_URL", "app.mysoftly.app"),
        ("MAIL_FROM", "not a mailbox"),
    ] {
        let err = config_from(&[(var, value)]).unwrap_err();
        assert_eq!(err.var, var, "{value}");
    }
}

#[test]
fn storage_is_local_disk_unless_a_bucket_is_named() {
    let config = config_from(&[]).unwrap();
    assert!(matches!(config.storage, StorageConfig::LocalDisk(ref root) if root.ends_with("objects")));
    let config = config_from(&[("S3_BUCKET", "softly-storage-production")]).unwrap();
    let StorageConfig::S3(s3) = config.storage else {
        panic!("S3 expected")
    };
    assert_eq!(
        (s3.bucket.as_str(), s3.region.as_str()),
        ("softly-storage-production", "eu-west-2")
    );
    assert_eq!(
        config_from(&[("S3_BUCKET", "Bad_Bucket")]).unwrap_err().var,
        "S3_BUCKET"
    );
    let err = config_from(&[("S3_BUCKET", "b-1"), ("S3_ENDPOINT", "localhost:9000")]).unwrap_err();
    assert_eq!(err.var, "S3_ENDPOINT");
}

#[test]
fn trusted_proxies_accept_cidrs_and_bare_addresses() {
    let config = config_from(&[("TRUSTED_PROXIES", "10.0.0.0/16, 127.0.0.1")]).unwrap();
    assert_eq!(config.trusted_proxies.len(), 2);
}

#[test]
fn the_development_key_is_generated_once_and_kept() {
    let dir = std::env::temp_dir().join(format!("softly-config-{}", uuid::Uuid::now_v7()));
    let dir = dir.display().to_string();
    let first = config_from(&[("SOFTLY_DATA_DIR", &dir)]).unwrap();
    let second = config_from(&[("SOFTLY_DATA_DIR", &dir)]).unwrap();
    assert_eq!(first.secret_key_bases.current, second.secret_key_bases.current);
}

#[test]
fn redacted_lines_never_contain_secrets() {
    let secret = "s".repeat(40);
    let config = config_from(&[
        ("SECRET_KEY_BASE", &secret),
        ("DATABASE_URL", "postgres://u:hunter2@db/softly"),
    ])
    .unwrap();
    let text = config.redacted_lines().join("\n");
    assert!(!text.contains(&secret));
    assert!(!text.contains("hunter2"));
    assert!(format!("{config:?}").contains("[redacted]"));
    assert!(!format!("{config:?}").contains("hunter2"));
}

#[test]
fn redis_mail_vault_and_scheduler_settings_have_defaults_and_refuse_bad_values() {
    let config = config_from(&[]).unwrap();
    assert!(config.redis.is_none());
    assert_eq!(config.mail_transport, MailTransport::File);
    assert_eq!(config.vault.max_upload_bytes, 25 * 1024 * 1024);
    assert_eq!(config.vault.quota_bytes, 1024 * 1024 * 1024);
    assert_eq!(config.scheduler_tick, Some(std::time::Duration::from_secs(10)));
    assert_eq!(config.upload_timeout, std::time::Duration::from_secs(600));
    assert_eq!(config.job_lease, std::time::Duration::from_secs(60));
    assert_eq!(config.database_acquire_timeout, std::time::Duration::from_secs(2));

    let set = config_from(&[
        ("JOB_LEASE_SECS", "3"),
        ("DATABASE_ACQUIRE_TIMEOUT_MS", "100"),
        ("REDIS_URL", "rediss://cache:6379"),
        ("REDIS_PREFIX", "staging"),
        ("MAIL_TRANSPORT", "ses"),
        ("SES_CONFIGURATION_SET", "softly-production"),
        ("SCHEDULER_TICK_MS", "0"),
    ])
    .unwrap();
    assert_eq!(set.redis.as_ref().unwrap().prefix, "staging");
    assert!(
        matches!(&set.mail_transport, MailTransport::Ses(ses) if ses.configuration_set.as_deref() == Some("softly-production") && ses.region == "eu-west-2")
    );
    assert_eq!(set.scheduler_tick, None);
    let smtp = config_from(&[
        ("MAIL_TRANSPORT", "smtp"),
        ("SMTP_URL", "smtps://softly:hunter2@mail.example.com:465"),
    ])
    .unwrap();
    assert!(matches!(&smtp.mail_transport, MailTransport::Smtp(url) if url.expose().starts_with("smtps://")));
    assert!(smtp.redacted_lines().iter().all(|line| !line.contains("hunter2")));
    assert_eq!(
        config_from(&[("MAIL_TRANSPORT", "smtp")]).unwrap_err().var,
        "SMTP_URL",
        "smtp needs a server"
    );
    assert_eq!(set.job_lease, std::time::Duration::from_secs(3));
    assert_eq!(
        set.database_acquire_timeout,
        std::time::Duration::from_millis(100)
    );
    assert!(
        set.redacted_lines()
            .iter()
            .any(|line| line == "REDIS_URL=rediss://cache:6379"),
        "a Redis URL without a password is shown whole (passwords: secret::tests)"
    );

    for (var, value) in [
        ("REDIS_URL", "http://cache:6379"),
        ("REDIS_PREFIX", "has space"),
        ("MAIL_TRANSPORT", "carrier-pigeon"),
        ("SES_ENDPOINT", "moto:5000"),
        ("VAULT_MAX_UPLOAD_BYTES", "0"),
        ("VAULT_QUOTA_BYTES", "lots"),
        ("UPLOAD_TIMEOUT_SECS", "-1"),
        ("SMTP_URL", "mail.example.com:587"),
        ("SMTP_URL", "http://mail.example.com"),
        ("JOB_LEASE_SECS", "2"),
        ("JOB_LEASE_SECS", "3601"),
        ("DATABASE_ACQUIRE_TIMEOUT_MS", "99"),
        ("DATABASE_ACQUIRE_TIMEOUT_MS", "forever"),
    ] {
        let mut pairs = vec![(var, value)];
        if var == "REDIS_PREFIX" {
            pairs.push(("REDIS_URL", "redis://cache"));
        }
        if var == "SES_ENDPOINT" {
            pairs.push(("MAIL_TRANSPORT", "ses"));
        }
        if var == "SMTP_URL" {
            pairs.push(("MAIL_TRANSPORT", "smtp"));
        }
        let error = config_from(&pairs).unwrap_err();
        assert_eq!(error.var, var, "{value}: {error}");
    }
}

#[test]
fn connection_and_upload_slot_limits_have_defaults_bounds_and_name_their_variable() {
    let config = config_from(&[]).unwrap();
    assert_eq!(config.http_idle_timeout, std::time::Duration::from_secs(75));
    assert_eq!(config.http_max_connections, 10_000);
    assert_eq!(config.vault.max_open_uploads, 20);
    let set = config_from(&[
        ("HTTP_IDLE_TIMEOUT_SECS", "3600"),
        ("HTTP_MAX_CONNECTIONS", "1"),
        ("VAULT_MAX_OPEN_UPLOADS", "10000"),
    ])
    .unwrap();
    assert_eq!(
        (
            set.http_idle_timeout.as_secs(),
            set.http_max_connections,
            set.vault.max_open_uploads
        ),
        (3600, 1, 10_000)
    );
    for (name, bad) in [
        ("HTTP_IDLE_TIMEOUT_SECS", "0"),
        ("HTTP_IDLE_TIMEOUT_SECS", "3601"),
        ("HTTP_MAX_CONNECTIONS", "0"),
        ("HTTP_MAX_CONNECTIONS", "1000001"),
        ("VAULT_MAX_OPEN_UPLOADS", "0"),
        ("VAULT_MAX_OPEN_UPLOADS", "10001"),
        ("MEMORY_LIMIT_MIB", "63"),
    ] {
        let error = config_from(&[(name, bad)]).unwrap_err().to_string();
        assert!(error.contains(name), "{name}={bad}: {error}");
    }
}

#[test]
fn the_web_app_is_served_from_a_folder_with_a_build_and_its_origin_is_the_apis_by_default() {
    let config = config_from(&[("API_URL", "http://localhost:8080")]).unwrap();
    assert_eq!(config.app_url, "http://localhost:8080");
    let elsewhere = config_from(&[("PORT", "3300")]).unwrap();
    assert_eq!(
        (elsewhere.api_url.as_str(), elsewhere.app_url.as_str()),
        ("http://localhost:3300", "http://localhost:3300"),
        "links in emails lead to where the binary answers"
    );
    assert_eq!(
        config.web_dir, None,
        "tests run from backend/, which holds no web/out"
    );
    let separate = config_from(&[("APP_URL", "https://app.mysoftly.app")]).unwrap();
    assert_eq!(separate.app_url, "https://app.mysoftly.app");

    let built = std::env::temp_dir().join(format!("softly-web-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&built).unwrap();
    let path = built.display().to_string();
    let error = config_from(&[("WEB_DIR", &path)]).unwrap_err();
    assert!(error.to_string().contains("WEB_DIR") && error.to_string().contains("npm run build"));
    std::fs::write(built.join("index.html"), "<!doctype html>").unwrap();
    assert_eq!(
        config_from(&[("WEB_DIR", &path)]).unwrap().web_dir,
        Some(built.clone())
    );
    assert_eq!(config_from(&[("WEB_DIR", "none")]).unwrap().web_dir, None);
    let _ = std::fs::remove_dir_all(built);
}

#[test]
fn plus_entitlements_are_plain_identifiers_written_into_sql() {
    let config = config_from(&[("PLUS_ENTITLEMENTS", "plus, premium.yearly")]).unwrap();
    assert_eq!(config.plans.plus_entitlements, ["plus", "premium.yearly"]);
    for unsafe_id in ["plus') OR ('1'='1", "plus;", "", " , "] {
        let refused = config_from(&[("PLUS_ENTITLEMENTS", unsafe_id)]).unwrap_err();
        assert!(
            refused.to_string().contains("PLUS_ENTITLEMENTS"),
            "{unsafe_id:?}: {refused}"
        );
    }
}

#[test]
fn revenuecat_keys_still_holding_the_ssm_placeholder_are_not_set() {
    let placeholder = config_from(&[
        ("REVENUECAT_API_KEY", "unset"),
        ("REVENUECAT_WEBHOOK_AUTH", "unset"),
    ])
    .unwrap();
    assert!(placeholder.plans.revenuecat.is_none() && placeholder.plans.webhook_auth.is_none());
    let set = config_from(&[
        ("REVENUECAT_API_KEY", "sk_live"),
        ("REVENUECAT_WEBHOOK_AUTH", "Bearer x"),
    ])
    .unwrap();
    let api = set.plans.revenuecat.expect("the key is set");
    assert_eq!(
        (api.url.as_str(), api.key.expose()),
        ("https://api.revenuecat.com", "sk_live")
    );
    assert_eq!(set.plans.webhook_auth.unwrap().expose(), "Bearer x");
}

#[test]
fn metrics_listen_on_loopback_apart_from_the_api_or_not_at_all() {
    let default = config_from(&[]).unwrap();
    assert_eq!(default.metrics, Some((IpAddr::from([127, 0, 0, 1]), 9464)));
    assert_eq!(config_from(&[("METRICS_PORT", "off")]).unwrap().metrics, None);
    let same = config_from(&[("PORT", "4000"), ("METRICS_PORT", "4000")]).unwrap_err();
    assert!(same.to_string().contains("METRICS_PORT"), "{same}");
    // Port 0 is a free port for each: they cannot clash.
    assert!(config_from(&[("PORT", "0"), ("METRICS_PORT", "0")]).is_ok());
}

#[test]
fn telemetry_is_exported_only_to_a_configured_endpoint() {
    let config = config_from(&[("NEW_RELIC_LICENSE_KEY", "key")]).unwrap();
    assert!(config.telemetry.export.is_none(), "no endpoint, no export");

    let config = config_from(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://otlp.eu01.nr-data.net/"),
        ("NEW_RELIC_LICENSE_KEY", "key"),
    ])
    .unwrap();
    let export = config.telemetry.export.unwrap();
    assert_eq!(export.traces_url, "https://otlp.eu01.nr-data.net/v1/traces");
    assert_eq!(export.metrics_url, "https://otlp.eu01.nr-data.net/v1/metrics");
    let headers: Vec<_> = export
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.expose()))
        .collect();
    assert_eq!(headers, [("api-key", "key")]);
    assert_eq!(export.service_name, "softly");
    assert!(export.gzip, "gzip unless told otherwise");
    assert_eq!(export.timeout, Duration::from_secs(10));
    assert_eq!(export.metric_interval, Duration::from_secs(60));

    let config = config_from(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "http://collector:4318/custom/traces",
        ),
        (
            "OTEL_EXPORTER_OTLP_HEADERS",
            "X-Team=softly, Authorization=Bearer%20abc",
        ),
        ("OTEL_EXPORTER_OTLP_COMPRESSION", "none"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "2500"),
        ("OTEL_METRIC_EXPORT_INTERVAL", "15000"),
        ("OTEL_SERVICE_NAME", "softly-api"),
    ])
    .unwrap();
    let export = config.telemetry.export.unwrap();
    assert_eq!(
        export.traces_url, "http://collector:4318/custom/traces",
        "a signal's own, as it is"
    );
    assert_eq!(export.metrics_url, "http://127.0.0.1:4318/v1/metrics");
    let headers: Vec<_> = export
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.expose()))
        .collect();
    assert_eq!(headers, [("x-team", "softly"), ("authorization", "Bearer abc")]);
    assert!(!export.gzip);
    assert_eq!(export.timeout, Duration::from_millis(2500));
    assert_eq!(export.metric_interval, Duration::from_secs(15));
    assert_eq!(export.service_name, "softly-api");
}

#[test]
fn traces_are_sampled_as_the_specification_names_it() {
    let sampler = |pairs: &[(&str, &str)]| {
        let mut all = vec![("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")];
        all.extend_from_slice(pairs);
        format!(
            "{:?}",
            config_from(&all).unwrap().telemetry.export.unwrap().sampler
        )
    };
    assert_eq!(
        sampler(&[]),
        "ParentBased(AlwaysOn)",
        "the specification's default"
    );
    assert_eq!(
        sampler(&[
            ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "0.1")
        ]),
        "ParentBased(TraceIdRatioBased(0.1))"
    );
    assert_eq!(sampler(&[("OTEL_TRACES_SAMPLER", "always_off")]), "AlwaysOff");
    assert_eq!(
        sampler(&[("OTEL_TRACES_SAMPLER", "traceidratio")]),
        "TraceIdRatioBased(1.0)"
    );
}

#[test]
fn malformed_exporter_settings_are_refused() {
    for bad in ["otlp.eu01.nr-data.net", "ftp://collector", "http://"] {
        let err = config_from(&[("OTEL_EXPORTER_OTLP_ENDPOINT", bad)]).unwrap_err();
        assert_eq!(err.var, "OTEL_EXPORTER_OTLP_ENDPOINT", "{bad}");
    }
    let base = ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318");
    for (name, value) in [
        ("OTEL_SDK_DISABLED", "yes"),
        ("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "no-equals-sign"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "bad name=x"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "0"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "ten"),
        ("OTEL_METRIC_EXPORT_INTERVAL", "10"),
        ("OTEL_TRACES_SAMPLER", "jaeger_remote"),
    ] {
        let err = config_from(&[base, (name, value)]).unwrap_err();
        assert_eq!(err.var, name, "{name}={value}");
    }
    let err = config_from(&[
        base,
        ("OTEL_TRACES_SAMPLER", "traceidratio"),
        ("OTEL_TRACES_SAMPLER_ARG", "1.5"),
    ])
    .unwrap_err();
    assert_eq!(err.var, "OTEL_TRACES_SAMPLER_ARG");
    // A signal's own endpoint alone leaves the other signal nowhere to go.
    let err = config_from(&[(
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "http://collector:4318/v1/traces",
    )])
    .unwrap_err();
    assert_eq!(err.var, "OTEL_EXPORTER_OTLP_ENDPOINT");
}

#[test]
fn new_relic_without_its_key_and_a_disabled_sdk_export_nothing_and_say_why() {
    for key in [None, Some("unset")] {
        let mut pairs = vec![("OTEL_EXPORTER_OTLP_ENDPOINT", "https://otlp.eu01.nr-data.net")];
        pairs.extend(key.map(|key| ("NEW_RELIC_LICENSE_KEY", key)));
        let telemetry = config_from(&pairs).unwrap().telemetry;
        assert!(telemetry.export.is_none(), "{key:?}");
        assert!(telemetry.off_because.unwrap().contains("NEW_RELIC_LICENSE_KEY"));
    }
    // The key given as a header the standard way is enough.
    let telemetry = config_from(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://otlp.eu01.nr-data.net"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "api-key=key"),
    ])
    .unwrap()
    .telemetry;
    assert!(telemetry.export.is_some());
    // Another collector needs no key.
    let telemetry = config_from(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")])
        .unwrap()
        .telemetry;
    assert!(telemetry.export.is_some());
    let telemetry = config_from(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
        ("OTEL_SDK_DISABLED", "true"),
    ])
    .unwrap()
    .telemetry;
    assert!(telemetry.export.is_none());
    assert_eq!(telemetry.off_because, Some("OTEL_SDK_DISABLED is true"));
}

#[test]
fn plans_limit_items_with_reminders_and_the_digest_only_when_told() {
    let plans = config_from(&[]).unwrap().plans;
    assert_eq!((plans.free.items_with_reminders, plans.free.digest), (None, true));
    assert_eq!((plans.plus.items_with_reminders, plans.plus.digest), (None, true));
    let plans = config_from(&[
        ("FREE_MAX_ITEMS_WITH_REMINDERS", "25"),
        ("PLUS_MAX_ITEMS_WITH_REMINDERS", "unlimited"),
        ("FREE_DIGEST", "false"),
    ])
    .unwrap()
    .plans;
    assert_eq!(
        (plans.free.items_with_reminders, plans.free.digest),
        (Some(25), false)
    );
    assert_eq!(plans.plus.items_with_reminders, None);
    for (name, value) in [
        ("FREE_MAX_ITEMS_WITH_REMINDERS", "0"),
        ("FREE_MAX_ITEMS_WITH_REMINDERS", "-1"),
        ("PLUS_MAX_ITEMS_WITH_REMINDERS", "many"),
        ("FREE_DIGEST", "maybe"),
    ] {
        assert_eq!(
            config_from(&[(name, value)]).unwrap_err().var,
            name,
            "{name}={value}"
        );
    }
}
