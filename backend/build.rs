//! Which optional test services this build's tests use. Each `SOFTLY_TEST_*` variable set
//! when the tests are built turns on a `softly_test_*` cfg; a test variant whose service
//! is not configured is then reported by the test runner as *ignored*, with the variable
//! that enables it, instead of passing without running. `.ci/run` sets them all, and a
//! test fails under `CI=true` if any is missing.

const SERVICES: &[(&str, &str)] = &[
    ("SOFTLY_TEST_DATABASE_URL", "softly_test_postgres"),
    ("SOFTLY_TEST_REDIS_URL", "softly_test_redis"),
    ("SOFTLY_TEST_S3_ENDPOINT", "softly_test_s3"),
    ("SOFTLY_TEST_SES_ENDPOINT", "softly_test_ses"),
    ("SOFTLY_TEST_SMTP_URL", "softly_test_smtp"),
    // A Python with the `icalendar` package (PyPI): the calendar feed is read back by an
    // independent parser.
    ("SOFTLY_TEST_PYTHON", "softly_test_python"),
];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    // Tests that start a Redis server of their own need the program.
    println!("cargo::rustc-check-cfg=cfg(softly_test_redis_server)");
    println!("cargo::rerun-if-env-changed=PATH");
    let redis_server = std::process::Command::new("redis-server")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if redis_server {
        println!("cargo::rustc-cfg=softly_test_redis_server");
    }
    // Capture's tests make real recordings: espeak-ng speaks, ffmpeg converts.
    println!("cargo::rustc-check-cfg=cfg(softly_test_audio)");
    let runs = |program: &str, flag: &str| {
        std::process::Command::new(program)
            .arg(flag)
            .output()
            .is_ok_and(|output| output.status.success())
    };
    if runs("espeak-ng", "--version") && runs("ffmpeg", "-version") {
        println!("cargo::rustc-cfg=softly_test_audio");
    }
    for (var, cfg) in SERVICES {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        println!("cargo::rerun-if-env-changed={var}");
        if std::env::var_os(var).is_some_and(|value| !value.is_empty()) {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}
