"""Seed §2 and §7: PostgreSQL 16, Redis 7, the vault bucket, ECR."""


def test_rds_postgres_16_micro_encrypted_one_day_backups_private_protected(aws):
    db = aws.resource("aws_db_instance", "main")
    assert (db["engine"], db["engine_version"], db["instance_class"]) == ("postgres", "16", "db.t3.micro")
    assert db["storage_encrypted"] is True
    assert db["backup_retention_period"] == 1
    assert db["publicly_accessible"] is False
    assert db["deletion_protection"] is True
    assert db["db_subnet_group_name"] == "${aws_db_subnet_group.main.name}"
    assert aws.resource("aws_db_subnet_group", "main")["subnet_ids"] == "${aws_subnet.private[*].id}"


def test_rds_manages_the_master_password_and_no_password_literal_exists(aws, cloudflare, bootstrap):
    db = aws.resource("aws_db_instance", "main")
    assert db["manage_master_user_password"] is True
    assert "password" not in db
    import re

    for root in (aws, cloudflare, bootstrap):
        for file in root.files:
            text = file.read_text()
            assert not re.search(r'password\s*=\s*"', text, re.IGNORECASE), file
            assert not re.search(r"(secret_key|api_key|token)\s*=\s*\"[^$\"]{8,}", text, re.IGNORECASE), file


def test_redis_7_micro_private_encrypted_in_transit_and_at_rest(aws):
    redis = aws.resource("aws_elasticache_replication_group", "main")
    assert redis["engine"] == "redis" and str(redis["engine_version"]).startswith("7")
    assert redis["node_type"] == "cache.t3.micro"
    assert redis["transit_encryption_enabled"] is True
    assert redis["at_rest_encryption_enabled"] is True
    assert aws.resource("aws_elasticache_subnet_group", "main")["subnet_ids"] == "${aws_subnet.private[*].id}"


def test_the_vault_bucket_is_private_encrypted_versioned_tls_only_and_aborts_multipart(aws):
    assert aws.resolve(aws.resource("aws_s3_bucket", "vault")["bucket"]) == "softly-storage-production"
    block = aws.resource("aws_s3_bucket_public_access_block", "vault")
    assert all(block[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"))
    sse = aws.resource("aws_s3_bucket_server_side_encryption_configuration", "vault")
    assert sse["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "aws:kms"
    assert aws.resource("aws_s3_bucket_versioning", "vault")["versioning_configuration"][0]["status"] == "Enabled"
    tls_only = aws.data[("aws_iam_policy_document", "tls_only")]
    (buckets,) = tls_only["for_each"]
    assert buckets["vault"] == "${aws_s3_bucket.vault.arn}"
    policy = tls_only["statement"][0]
    assert policy["effect"] == "Deny" and policy["actions"] == ["s3:*"]
    assert policy["condition"][0] == {"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}
    assert aws.resource("aws_s3_bucket_policy", "vault")["policy"] == '${data.aws_iam_policy_document.tls_only["vault"].json}'
    rules = aws.resource("aws_s3_bucket_lifecycle_configuration", "vault")["rule"]
    assert any(r.get("abort_incomplete_multipart_upload") for r in rules)


def test_ecr_has_a_lifecycle_policy(aws):
    policy = aws.resource("aws_ecr_lifecycle_policy", "app")
    assert policy["repository"] == "${aws_ecr_repository.app.name}"
    assert "imageCountMoreThan" in (aws.path / "storage.tf").read_text()
    assert aws.resource("aws_ecr_repository", "app")["image_scanning_configuration"] == [{"scan_on_push": True}]


def test_rds_exports_logs_to_groups_terraform_made_with_a_retention(aws):
    groups = aws.resource("aws_cloudwatch_log_group", "rds")
    assert groups["for_each"].replace("'", '"') == '${toset(["postgresql", "upgrade"])}'
    assert groups["name"] == "/aws/rds/instance/${var.name}/${each.value}"
    assert groups["retention_in_days"] == "${var.log_retention_days}"
    assert aws.default("log_retention_days") == 30
    # Exports name only groups made above, so none is created by RDS without a retention.
    exports = aws.resource("aws_db_instance", "main")["enabled_cloudwatch_logs_exports"]
    assert " ".join(exports.replace(",", " ").split()) == "${[for kind group in aws_cloudwatch_log_group.rds : kind]}"
