# Alarms to an SNS topic: the API failing (ALB 5xx), running hot (ECS CPU), the
# database filling up (RDS free storage), and tasks losing Redis (counted from the API's
# own JSON log lines: the service keeps serving without it, degraded).

resource "aws_cloudwatch_log_group" "flow" {
  name              = "/vpc/${var.name}/rejected"
  retention_in_days = var.log_retention_days
}

# The topic is encrypted with a key of our own: the AWS-managed SNS key's policy cannot be
# changed and does not let CloudWatch use it, so with it every alarm action would fail
# silently (the alarm shows "Failed to execute action" and nobody is told).
data "aws_iam_policy_document" "alarms_key" {
  # A key policy's "*" resource is the key itself, and kms:* for the account root is AWS's
  # default delegation to the account's IAM policies, not a grant to anyone:
  #checkov:skip=CKV_AWS_109:key policy; "*" is this key, the root statement delegates to IAM
  #checkov:skip=CKV_AWS_111:key policy; "*" is this key, the root statement delegates to IAM
  #checkov:skip=CKV_AWS_356:key policy; "*" is this key, the root statement delegates to IAM
  # The account's IAM policies decide who administers the key (AWS's default key policy).
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.account_id}:root"]
    }
  }
  # CloudWatch publishes alarm notifications to the encrypted topic.
  statement {
    sid       = "CloudWatchPublishes"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

resource "aws_kms_key" "alarms" {
  description             = "${var.name}: the alarms topic"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.alarms_key.json
}

resource "aws_kms_alias" "alarms" {
  name          = "alias/${var.name}-alarms"
  target_key_id = aws_kms_key.alarms.key_id
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = aws_kms_key.alarms.arn
}

resource "aws_sns_topic_subscription" "alarms_email" {
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# Each task logs "redis unavailable: …" once when it loses Redis (and "redis answers
# again" when it is back): one count per task and outage.
resource "aws_cloudwatch_log_metric_filter" "redis_unavailable" {
  name           = "${var.name}-redis-unavailable"
  log_group_name = aws_cloudwatch_log_group.api.name
  pattern        = "{ $.message = \"redis unavailable*\" }"

  metric_transformation {
    name          = "RedisUnavailable"
    namespace     = "Softly"
    value         = "1"
    default_value = "0"
  }
}

# Every task logs the job queue once a minute ("job queue", backend/src/platform/jobs/
# report.rs): how long the oldest due job has waited becomes a metric. Reminders go out
# from that queue, so a queue that stops draining is a user-facing outage.
resource "aws_cloudwatch_log_metric_filter" "job_queue_age" {
  name           = "${var.name}-job-queue-age"
  log_group_name = aws_cloudwatch_log_group.api.name
  pattern        = "{ $.message = \"job queue\" }"

  metric_transformation {
    name      = "JobQueueOldestDueAgeSeconds"
    namespace = "Softly"
    value     = "$.oldest_due_age_seconds"
  }
}

# Calls to S3, SES, Deepgram, Anthropic or RevenueCat that were refused or not answered
# ("external call failed", with the provider; backend/src/platform/metrics.rs).
resource "aws_cloudwatch_log_metric_filter" "external_call_failures" {
  name           = "${var.name}-external-call-failures"
  log_group_name = aws_cloudwatch_log_group.api.name
  pattern        = "{ $.message = \"external call failed\" }"

  metric_transformation {
    name          = "ExternalCallFailures"
    namespace     = "Softly"
    value         = "1"
    default_value = "0"
  }
}

locals {
  alarms = {
    job_queue_age = {
      description = "A due job has waited more than 5 minutes for 10 minutes: workers stopped or behind (reminders are late)"
      namespace   = "Softly"
      metric      = aws_cloudwatch_log_metric_filter.job_queue_age.metric_transformation[0].name
      dimensions  = {}
      statistic   = "Maximum"
      periods     = 2
      threshold   = 300
      comparison  = "GreaterThanThreshold"
      missing     = "notBreaching"
    }
    external_call_failures = {
      description = "More than 20 calls to S3, SES, Deepgram, Anthropic or RevenueCat failed in 5 minutes (the task's log names the provider)"
      namespace   = "Softly"
      metric      = aws_cloudwatch_log_metric_filter.external_call_failures.metric_transformation[0].name
      dimensions  = {}
      statistic   = "Sum"
      periods     = 1
      threshold   = 20
      comparison  = "GreaterThanThreshold"
      missing     = "notBreaching"
    }
    alb_5xx = {
      description = "The API answered more than 10 server errors in 5 minutes"
      namespace   = "AWS/ApplicationELB"
      metric      = "HTTPCode_Target_5XX_Count"
      dimensions  = { LoadBalancer = aws_lb.api.arn_suffix }
      statistic   = "Sum"
      periods     = 1
      threshold   = 10
      comparison  = "GreaterThanThreshold"
      missing     = "notBreaching"
    }
    alb_elb_5xx = {
      description = "The load balancer itself answered more than 10 server errors in 5 minutes (no healthy task?)"
      namespace   = "AWS/ApplicationELB"
      metric      = "HTTPCode_ELB_5XX_Count"
      dimensions  = { LoadBalancer = aws_lb.api.arn_suffix }
      statistic   = "Sum"
      periods     = 1
      threshold   = 10
      comparison  = "GreaterThanThreshold"
      missing     = "notBreaching"
    }
    ecs_cpu = {
      description = "API CPU above 85% for 15 minutes: at the 3-task ceiling, or stuck"
      namespace   = "AWS/ECS"
      metric      = "CPUUtilization"
      dimensions  = { ClusterName = aws_ecs_cluster.main.name, ServiceName = aws_ecs_service.api.name }
      statistic   = "Average"
      periods     = 3
      threshold   = 85
      comparison  = "GreaterThanThreshold"
      missing     = "missing"
    }
    redis_unavailable = {
      description = "A task lost Redis: cache bypassed, rate limits per task, jobs polled (see the task's log)"
      namespace   = "Softly"
      metric      = aws_cloudwatch_log_metric_filter.redis_unavailable.metric_transformation[0].name
      dimensions  = {}
      statistic   = "Sum"
      periods     = 1
      threshold   = 0
      comparison  = "GreaterThanThreshold"
      missing     = "notBreaching"
    }
    rds_free_storage = {
      description = "Less than 2 GiB free on the database"
      namespace   = "AWS/RDS"
      metric      = "FreeStorageSpace"
      dimensions  = { DBInstanceIdentifier = aws_db_instance.main.identifier }
      statistic   = "Minimum"
      periods     = 1
      threshold   = 2147483648
      comparison  = "LessThanThreshold"
      missing     = "missing"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each            = local.alarms
  alarm_name          = "${var.name}-${replace(each.key, "_", "-")}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = 300
  evaluation_periods  = each.value.periods
  threshold           = each.value.threshold
  comparison_operator = each.value.comparison
  treat_missing_data  = each.value.missing
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}
