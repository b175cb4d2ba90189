# The seed's architecture, asserted against a mocked AWS provider: `terraform test` runs
# offline, plans the whole root with mocked values, and checks every number and relation.

variables {
  origin_header_secret = "0123456789abcdef0123456789abcdef"
}

mock_provider "aws" {
  # Mocked values exist at plan time, so nothing is applied and nothing destroyed.
  override_during = plan
  source          = "./tests/mocks"
}

# Distinct ids for the resources whose relations are asserted.
override_resource {
  target          = aws_vpc.main
  override_during = plan
  values = {
    id = "vpc-main"
  }
}

override_resource {
  target          = aws_subnet.public[0]
  override_during = plan
  values = {
    id = "subnet-public-a"
  }
}

override_resource {
  target          = aws_subnet.public[1]
  override_during = plan
  values = {
    id = "subnet-public-b"
  }
}

override_resource {
  target          = aws_subnet.private[0]
  override_during = plan
  values = {
    id = "subnet-private-a"
  }
}

override_resource {
  target          = aws_subnet.private[1]
  override_during = plan
  values = {
    id = "subnet-private-b"
  }
}

override_resource {
  target          = aws_nat_gateway.main
  override_during = plan
  values = {
    id = "nat-main"
  }
}

override_resource {
  target          = aws_internet_gateway.main
  override_during = plan
  values = {
    id = "igw-main"
  }
}

override_resource {
  target          = aws_security_group.alb
  override_during = plan
  values = {
    id = "sg-alb"
  }
}

override_resource {
  target          = aws_security_group.ecs
  override_during = plan
  values = {
    id = "sg-ecs"
  }
}

override_resource {
  target          = aws_security_group.rds
  override_during = plan
  values = {
    id = "sg-rds"
  }
}

override_resource {
  target          = aws_security_group.redis
  override_during = plan
  values = {
    id = "sg-redis"
  }
}

run "network" {
  command = plan

  assert {
    condition     = aws_vpc.main.cidr_block == "10.0.0.0/16"
    error_message = "The VPC is 10.0.0.0/16."
  }
  assert {
    condition     = [for s in aws_subnet.public : s.cidr_block] == ["10.0.1.0/24", "10.0.2.0/24"]
    error_message = "Public subnets are 10.0.1.0/24 and 10.0.2.0/24."
  }
  assert {
    condition     = [for s in aws_subnet.private : s.cidr_block] == ["10.0.3.0/24", "10.0.4.0/24"]
    error_message = "Private subnets are 10.0.3.0/24 and 10.0.4.0/24."
  }
  assert {
    condition     = length(distinct([for s in aws_subnet.public : s.availability_zone])) == 2 && length(distinct([for s in aws_subnet.private : s.availability_zone])) == 2
    error_message = "Each tier spans two availability zones."
  }
  assert {
    condition     = alltrue([for s in concat(aws_subnet.public, aws_subnet.private) : startswith(s.availability_zone, "eu-west-2")])
    error_message = "Everything is in eu-west-2 (London)."
  }
  assert {
    condition     = aws_nat_gateway.main.subnet_id == aws_subnet.public[0].id
    error_message = "One NAT gateway, in a public subnet."
  }
  assert {
    condition     = one([for r in aws_route_table.private.route : r.nat_gateway_id]) == aws_nat_gateway.main.id
    error_message = "Private subnets reach the internet through the NAT gateway."
  }
  assert {
    condition     = one([for r in aws_route_table.public.route : r.gateway_id]) == aws_internet_gateway.main.id
    error_message = "Public subnets route through the internet gateway."
  }
}

run "load_balancer" {
  command = plan

  assert {
    condition     = aws_lb_listener.https.default_action[0].type == "fixed-response" && aws_lb_listener.https.default_action[0].fixed_response[0].status_code == "403"
    error_message = "The listener refuses what did not come through Cloudflare (no origin header) with 403."
  }
  assert {
    condition     = contains(flatten([for c in aws_lb_listener_rule.through_cloudflare.condition : [for h in c.http_header : h.http_header_name]]), "X-Softly-Origin") && aws_lb_listener_rule.through_cloudflare.action[0].type == "forward"
    error_message = "Only requests with the origin header are forwarded to the tasks."
  }

  assert {
    condition     = toset(aws_lb.api.subnets) == toset([for s in aws_subnet.public : s.id]) && !aws_lb.api.internal
    error_message = "The ALB is internet-facing in the public subnets."
  }
  assert {
    condition     = aws_lb_target_group.api.target_type == "ip" && aws_lb_target_group.api.health_check[0].path == "/up"
    error_message = "Targets are task IPs, health-checked on /up."
  }
  assert {
    condition     = tostring(aws_lb_target_group.api.deregistration_delay) == "30"
    error_message = "Deregistration delay is 30 s."
  }
  assert {
    condition     = aws_lb_listener.https.port == 443 && aws_lb_listener.https.protocol == "HTTPS"
    error_message = "The ALB serves HTTPS (Cloudflare Full (strict))."
  }
}

run "security_group_chain" {
  command = plan

  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.alb_https_from_cloudflare : r.cidr_ipv4]) == toset(var.cloudflare_ipv4_ranges)
    error_message = "The ALB admits exactly Cloudflare's ranges."
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.ecs_from_alb.referenced_security_group_id == aws_security_group.alb.id
    error_message = "ECS admits only the ALB."
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.rds_from_ecs.referenced_security_group_id == aws_security_group.ecs.id && aws_vpc_security_group_ingress_rule.rds_from_ecs.from_port == 5432
    error_message = "RDS admits only ECS, on 5432."
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.redis_from_ecs.referenced_security_group_id == aws_security_group.ecs.id && aws_vpc_security_group_ingress_rule.redis_from_ecs.from_port == 6379
    error_message = "Redis admits only ECS, on 6379."
  }
  assert {
    condition     = !contains([for r in aws_vpc_security_group_ingress_rule.alb_https_from_cloudflare : r.cidr_ipv4], "0.0.0.0/0")
    error_message = "No ingress from anywhere."
  }
}

run "compute" {
  command = plan

  assert {
    condition     = aws_ecs_cluster.main.name == "softly-production" && aws_ecs_service.api.name == "softly-production"
    error_message = "Cluster and service are softly-production."
  }
  assert {
    condition     = aws_ecs_task_definition.api.cpu == "512" && aws_ecs_task_definition.api.memory == "1024"
    error_message = "Tasks have 512 CPU units and 1024 MiB."
  }
  assert {
    condition     = aws_ecs_task_definition.api.requires_compatibilities == toset(["FARGATE"]) && aws_ecs_service.api.launch_type == "FARGATE"
    error_message = "Fargate."
  }
  assert {
    condition     = aws_ecs_service.api.deployment_circuit_breaker[0].enable && aws_ecs_service.api.deployment_circuit_breaker[0].rollback
    error_message = "Failed deployments roll back."
  }
  assert {
    condition     = aws_ecs_service.api.health_check_grace_period_seconds == 60 && !aws_ecs_service.api.network_configuration[0].assign_public_ip
    error_message = "Health-check grace period; tasks have no public IP."
  }
  assert {
    condition     = toset(aws_ecs_service.api.network_configuration[0].subnets) == toset([for s in aws_subnet.private : s.id])
    error_message = "Tasks run in the private subnets."
  }
  assert {
    condition     = aws_appautoscaling_target.api.min_capacity == 1 && aws_appautoscaling_target.api.max_capacity == 3
    error_message = "1 to 3 tasks."
  }
  assert {
    condition     = aws_appautoscaling_policy.cpu.target_tracking_scaling_policy_configuration[0].target_value == 70 && aws_appautoscaling_policy.cpu.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ECSServiceAverageCPUUtilization"
    error_message = "Target tracking on CPU at 70%."
  }
  assert {
    condition     = startswith(jsondecode(aws_ecs_task_definition.api.container_definitions)[0].image, aws_ecr_repository.app.repository_url) && aws_ecr_repository.app.name == "softly-app"
    error_message = "The image comes from ECR softly-app."
  }
  assert {
    condition     = toset([for s in jsondecode(aws_ecs_task_definition.api.container_definitions)[0].secrets : s.name]) == toset(["DATABASE_URL", "SECRET_KEY_BASE", "SECRET_KEY_BASE_PREVIOUS", "REDIS_URL", "ANTHROPIC_API_KEY", "DEEPGRAM_API_KEY", "REVENUECAT_API_KEY", "REVENUECAT_WEBHOOK_AUTH", "NEW_RELIC_LICENSE_KEY"])
    error_message = "Every SSM parameter is injected as an environment variable."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.api.container_definitions)[0].logConfiguration.logDriver == "awslogs" && aws_cloudwatch_log_group.api.retention_in_days > 0
    error_message = "Logs go to CloudWatch with a retention."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.api.container_definitions)[0].stopTimeout == 30
    error_message = "Tasks get 30 s to drain after SIGTERM."
  }
}

run "data" {
  command = plan

  assert {
    condition     = aws_db_instance.main.engine == "postgres" && aws_db_instance.main.engine_version == "16" && aws_db_instance.main.instance_class == "db.t3.micro"
    error_message = "RDS PostgreSQL 16 on db.t3.micro."
  }
  assert {
    condition     = aws_db_instance.main.storage_encrypted && aws_db_instance.main.backup_retention_period == 1 && !aws_db_instance.main.publicly_accessible && aws_db_instance.main.deletion_protection
    error_message = "Encrypted, 1-day backups, private, deletion-protected."
  }
  assert {
    condition     = aws_db_instance.main.manage_master_user_password && aws_db_instance.main.password == null
    error_message = "RDS manages the master password."
  }
  assert {
    condition     = aws_elasticache_replication_group.main.engine == "redis" && startswith(aws_elasticache_replication_group.main.engine_version, "7") && aws_elasticache_replication_group.main.node_type == "cache.t3.micro"
    error_message = "Redis 7 on cache.t3.micro."
  }
  assert {
    condition     = aws_elasticache_replication_group.main.transit_encryption_enabled && aws_elasticache_replication_group.main.at_rest_encryption_enabled
    error_message = "Redis is encrypted in transit and at rest."
  }
}

run "storage" {
  command = plan

  assert {
    condition     = aws_s3_bucket.vault.bucket == "softly-storage-production"
    error_message = "The vault bucket is softly-storage-production."
  }
  assert {
    condition     = aws_s3_bucket_public_access_block.vault.block_public_acls && aws_s3_bucket_public_access_block.vault.block_public_policy && aws_s3_bucket_public_access_block.vault.ignore_public_acls && aws_s3_bucket_public_access_block.vault.restrict_public_buckets
    error_message = "Public access is blocked."
  }
  assert {
    condition     = aws_s3_bucket_versioning.vault.versioning_configuration[0].status == "Enabled"
    error_message = "Versioning is on."
  }
  assert {
    condition     = anytrue([for r in aws_s3_bucket_lifecycle_configuration.vault.rule : length(r.abort_incomplete_multipart_upload) > 0])
    error_message = "Incomplete multipart uploads are aborted."
  }
  assert {
    condition     = length(aws_ecr_lifecycle_policy.app.policy) > 0
    error_message = "ECR has a lifecycle policy."
  }
}

run "secrets_mail_and_alarms" {
  command = plan

  assert {
    condition     = toset(output.ssm_parameters.names) == toset([for n in ["database_url", "secret_key_base", "secret_key_base_previous", "redis_url", "anthropic_api_key", "deepgram_api_key", "revenuecat_api_key", "revenuecat_webhook_auth", "new_relic_license_key"] : "/softly/production/${n}"])
    error_message = "The SSM parameters, all under /softly/production/."
  }
  assert {
    condition     = output.ssm_parameters.key_id == "alias/softly-production-secrets" && jsondecode(aws_ecs_task_definition.api.container_definitions)[0].secrets[0].valueFrom == "arn:aws:ssm:eu-west-2:239732221658:parameter/softly/production/database_url"
    error_message = "Secrets are created with the secrets key, and the task reads them by ARN."
  }
  assert {
    condition     = aws_sesv2_email_identity.domain.email_identity == "mysoftly.app" && aws_sesv2_email_identity.domain.dkim_signing_attributes[0].next_signing_key_length == "RSA_2048_BIT"
    error_message = "SES identity for mysoftly.app with DKIM."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["alb_5xx"].metric_name == "HTTPCode_Target_5XX_Count" && aws_cloudwatch_metric_alarm.this["ecs_cpu"].metric_name == "CPUUtilization" && aws_cloudwatch_metric_alarm.this["rds_free_storage"].metric_name == "FreeStorageSpace"
    error_message = "Alarms on ALB 5xx, ECS CPU and RDS free storage."
  }
  assert {
    condition     = output.alb_dns_name == aws_lb.api.dns_name && output.dns.mail_from == { domain = "mail.mysoftly.app", mx = "feedback-smtp.eu-west-2.amazonses.com" }
    error_message = "Outputs carry what the Cloudflare root needs."
  }
}

run "iam" {
  command = plan

  assert {
    condition     = data.aws_iam_policy_document.task.statement[0].actions == toset(["s3:DeleteObject", "s3:GetObject", "s3:PutObject"])
    error_message = "The task role reaches the vault's objects, nothing more."
  }
  assert {
    condition     = data.aws_iam_policy_document.task.statement[2].actions == toset(["ses:SendEmail", "ses:SendRawEmail"])
    error_message = "The task role sends mail, nothing more."
  }
  assert {
    condition     = data.aws_iam_policy_document.execution.statement[2].resources == toset(["arn:aws:ssm:eu-west-2:239732221658:parameter/softly/production/*"])
    error_message = "The execution role reads exactly /softly/production/*."
  }
}
