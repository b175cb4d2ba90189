# The API: one Fargate service of identical tasks behind the ALB, scaled on CPU between
# 1 and 3 tasks. Each task runs `softly serve` (API and in-process job workers).

resource "aws_ecs_cluster" "main" {
  name = var.name
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
}

locals {
  container_name = "softly"
  data_dir       = "/var/lib/softly"
  # Every SSM parameter becomes an environment variable of the same name, upper-cased.
  container_secrets = [
    for name in local.ssm_parameters : {
      name      = upper(name)
      valueFrom = local.ssm_parameter_arns[name]
    }
  ]
  container_environment = [
    { name = "SOFTLY_ENV", value = var.environment },
    { name = "BIND", value = "0.0.0.0" },
    { name = "PORT", value = tostring(var.container_port) },
    { name = "LOG_FORMAT", value = "json" },
    { name = "SOFTLY_DATA_DIR", value = local.data_dir },
    { name = "S3_BUCKET", value = local.vault_bucket },
    { name = "S3_KMS_KEY_ID", value = aws_kms_key.data["vault"].arn },
    { name = "AWS_REGION", value = var.region },
    { name = "APP_URL", value = "https://app.${var.domain}" },
    { name = "API_URL", value = "https://${local.api_host}" },
    { name = "MAIL_FROM", value = "Softly <hello@${var.domain}>" },
    { name = "MAIL_TRANSPORT", value = "ses" },
    { name = "SES_CONFIGURATION_SET", value = aws_sesv2_configuration_set.main.configuration_set_name },
    # The ALB's subnets and Cloudflare: only their forwarding headers are believed.
    { name = "TRUSTED_PROXIES", value = join(",", concat(var.public_subnet_cidrs, var.cloudflare_ipv4_ranges)) },
    # ECS sends SIGTERM, then SIGKILL after stopTimeout (30 s): drain within 25 s.
    { name = "SHUTDOWN_TIMEOUT_SECS", value = "25" },
    # Traces to New Relic over OTLP/HTTP, with NEW_RELIC_LICENSE_KEY (SSM) as api-key;
    # while the key is the placeholder the binary exports nothing and says so.
    { name = "OTEL_EXPORTER_OTLP_ENDPOINT", value = var.otlp_endpoint },
    # A share of the traces (a caller's sampled trace is always kept): every trace would
    # cost the API a quarter to a third more CPU per request (bench/src/telemetry.rs).
    { name = "OTEL_TRACES_SAMPLER", value = "parentbased_traceidratio" },
    { name = "OTEL_TRACES_SAMPLER_ARG", value = tostring(var.trace_sample_ratio) },
  ]
}

resource "aws_ecs_task_definition" "api" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.task_cpu
  memory                   = var.task_memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  # Scratch space for uploads being received; the root filesystem is read-only.
  volume {
    name = "data"
  }

  container_definitions = jsonencode([
    {
      name                   = local.container_name
      image                  = "${aws_ecr_repository.app.repository_url}:${var.image_tag}"
      essential              = true
      readonlyRootFilesystem = true
      user                   = "65532:65532"
      stopTimeout            = 30
      portMappings = [
        { containerPort = var.container_port, protocol = "tcp" }
      ]
      environment = local.container_environment
      secrets     = local.container_secrets
      mountPoints = [
        { sourceVolume = "data", containerPath = local.data_dir, readOnly = false }
      ]
      healthCheck = {
        command     = ["CMD", "/usr/local/bin/softly", "healthcheck"]
        interval    = 15
        timeout     = 5
        retries     = 3
        startPeriod = 30
      }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.api.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "api"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "api" {
  name                               = var.name
  cluster                            = aws_ecs_cluster.main.id
  task_definition                    = aws_ecs_task_definition.api.arn
  launch_type                        = "FARGATE"
  desired_count                      = var.min_tasks
  health_check_grace_period_seconds  = 60
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  propagate_tags                     = "SERVICE"
  enable_execute_command             = false

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.ecs.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = local.container_name
    container_port   = var.container_port
  }

  lifecycle {
    # Autoscaling owns the count; the backend pipeline registers new task definition
    # revisions (new image tags) and points the service at them.
    ignore_changes = [desired_count, task_definition]
  }

  depends_on = [aws_lb_listener.https]
}

resource "aws_appautoscaling_target" "api" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.api.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_tasks
  max_capacity       = var.max_tasks
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.api.service_namespace
  resource_id        = aws_appautoscaling_target.api.resource_id
  scalable_dimension = aws_appautoscaling_target.api.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target_percent
    scale_out_cooldown = 60
    scale_in_cooldown  = 300
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
