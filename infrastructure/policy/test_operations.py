"""Alarms, outputs, the state backend and the bootstrap root."""


def test_alarms_on_alb_5xx_ecs_cpu_rds_free_storage_redis_lost_queue_age_and_external_failures(aws):
    (alarms,) = aws.locals["alarms"]
    metrics = {name: alarm["metric"] for name, alarm in alarms.items()}
    assert metrics == {
        "alb_5xx": "HTTPCode_Target_5XX_Count",
        "alb_elb_5xx": "HTTPCode_ELB_5XX_Count",
        "ecs_cpu": "CPUUtilization",
        "rds_free_storage": "FreeStorageSpace",
        "redis_unavailable": "${aws_cloudwatch_log_metric_filter.redis_unavailable.metric_transformation[0].name}",
        "job_queue_age": "${aws_cloudwatch_log_metric_filter.job_queue_age.metric_transformation[0].name}",
        "external_call_failures": "${aws_cloudwatch_log_metric_filter.external_call_failures.metric_transformation[0].name}",
    }
    assert alarms["rds_free_storage"]["threshold"] == 2 * 1024**3
    redis = aws.resource("aws_cloudwatch_log_metric_filter", "redis_unavailable")
    assert redis["log_group_name"] == "${aws_cloudwatch_log_group.api.name}"
    assert "redis unavailable" in redis["pattern"]
    # The log lines the binary writes (their tests: cli.rs, plans.rs) and the fields read.
    queue = aws.resource("aws_cloudwatch_log_metric_filter", "job_queue_age")
    assert queue["pattern"].replace("\\", "") == '{ $.message = "job queue" }'
    assert queue["metric_transformation"][0]["value"] == "$.oldest_due_age_seconds"
    assert (alarms["job_queue_age"]["statistic"], alarms["job_queue_age"]["threshold"]) == ("Maximum", 300)
    failures = aws.resource("aws_cloudwatch_log_metric_filter", "external_call_failures")
    assert "external call failed" in failures["pattern"]
    from hcl import REPOSITORY

    backend = REPOSITORY / "backend" / "src" / "platform"
    assert '"job queue"' in (backend / "jobs" / "report.rs").read_text()
    assert "oldest_due_age_seconds" in (backend / "jobs" / "report.rs").read_text()
    assert '"external call failed"' in (backend / "metrics.rs").read_text()
    resource = aws.resource("aws_cloudwatch_metric_alarm", "this")
    assert resource["for_each"] == "${local.alarms}"
    assert resource["alarm_actions"] == ["${aws_sns_topic.alarms.arn}"]


def test_outputs_give_the_alb_ecr_dkim_and_what_cloudflare_needs(aws):
    assert {"alb_dns_name", "ecr_repository_url", "dns", "origin_header", "ssm_parameters"} <= set(aws.outputs)
    assert aws.outputs["alb_dns_name"]["value"] == "${aws_lb.api.dns_name}"


def test_state_lives_in_s3_with_encryption_and_a_dynamodb_lock(aws, cloudflare):
    import re

    for root, key in ((aws, "production/terraform.tfstate"), (cloudflare, "production/cloudflare.tfstate")):
        source = root.source()
        assert re.search(r'bucket\s+=\s+"softly-terraform-state"', source)
        assert re.search(rf'key\s+=\s+"{re.escape(key)}"', source)
        assert re.search(r"encrypt\s+=\s+true", source)
        assert re.search(r'dynamodb_table\s+=\s+"softly-terraform-locks"', source)


def test_providers_are_pinned_to_a_major_version(aws, bootstrap, cloudflare):
    assert 'version = "~> 5.0"' in (aws.path / "versions.tf").read_text()
    assert 'version = "~> 5.0"' in (bootstrap.path / "main.tf").read_text()
    assert 'version = "~> 4.0"' in (cloudflare.path / "main.tf").read_text()


def test_bootstrap_makes_a_versioned_encrypted_private_state_bucket_and_lock_table(bootstrap):
    assert bootstrap.resource("aws_s3_bucket", "state")["bucket"] == "softly-terraform-state"
    assert bootstrap.resource("aws_s3_bucket_versioning", "state")["versioning_configuration"][0]["status"] == "Enabled"
    sse = bootstrap.resource("aws_s3_bucket_server_side_encryption_configuration", "state")
    assert sse["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "aws:kms"
    block = bootstrap.resource("aws_s3_bucket_public_access_block", "state")
    assert all(block[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"))
    table = bootstrap.resource("aws_dynamodb_table", "locks")
    assert table["name"] == "softly-terraform-locks" and table["hash_key"] == "LockID"


def test_alarms_reach_the_topic_through_a_key_cloudwatch_may_use(aws):
    topic = aws.resource("aws_sns_topic", "alarms")
    # Not the AWS-managed alias/aws/sns, whose policy CloudWatch cannot use.
    assert topic["kms_master_key_id"] == "${aws_kms_key.alarms.arn}"
    key = aws.resource("aws_kms_key", "alarms")
    assert key["enable_key_rotation"] is True
    assert key["policy"] == "${data.aws_iam_policy_document.alarms_key.json}"
    statements = {s["sid"]: s for s in aws.data[("aws_iam_policy_document", "alarms_key")]["statement"]}
    publish = statements["CloudWatchPublishes"]
    assert publish["principals"][0] == {"type": "Service", "identifiers": ["cloudwatch.amazonaws.com"]}
    assert set(publish["actions"]) == {"kms:Decrypt", "kms:GenerateDataKey"}
    assert aws.resource("aws_sns_topic_subscription", "alarms_email")["protocol"] == "email"
