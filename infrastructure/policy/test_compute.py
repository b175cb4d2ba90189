"""Seed §2, §5 and §7: the ALB, the Fargate service and its autoscaling."""

import re


def test_alb_is_public_in_the_public_subnets_with_an_ip_target_group_on_up(aws):
    alb = aws.resource("aws_lb", "api")
    assert alb["internal"] is False and alb["load_balancer_type"] == "application"
    assert alb["subnets"] == "${aws_subnet.public[*].id}"
    group = aws.resource("aws_lb_target_group", "api")
    assert group["target_type"] == "ip"
    assert group["deregistration_delay"] == 30
    assert group["health_check"][0]["path"] == "/up"
    assert group["health_check"][0]["matcher"] == "200"


def test_alb_listens_on_https_with_the_validated_certificate(aws):
    listeners = aws.of_kind("aws_lb_listener")
    assert list(listeners) == ["https"]
    https = listeners["https"]
    assert (https["port"], https["protocol"]) == (443, "HTTPS")
    assert https["certificate_arn"] == "${aws_acm_certificate_validation.api.certificate_arn}"
    assert "TLS13" in https["ssl_policy"]
    assert aws.resource("aws_acm_certificate", "api")["domain_name"] == "${local.api_host}"
    assert aws.resolve("${local.api_host}") == "api.mysoftly.app"


def test_cluster_and_service_are_softly_production_on_fargate(aws):
    assert aws.default("name") == "softly-production"
    assert aws.resource("aws_ecs_cluster", "main")["name"] == "${var.name}"
    service = aws.resource("aws_ecs_service", "api")
    assert service["name"] == "${var.name}"
    assert service["launch_type"] == "FARGATE"
    assert aws.resource("aws_ecs_task_definition", "api")["requires_compatibilities"] == ["FARGATE"]


def test_tasks_have_512_cpu_and_1024_mib(aws):
    task = aws.resource("aws_ecs_task_definition", "api")
    assert task["cpu"] == "${var.task_cpu}" and aws.default("task_cpu") == 512
    assert task["memory"] == "${var.task_memory}" and aws.default("task_memory") == 1024


def test_deployments_roll_back_and_drain(aws):
    service = aws.resource("aws_ecs_service", "api")
    assert service["deployment_circuit_breaker"] == [{"enable": True, "rollback": True}]
    assert service["health_check_grace_period_seconds"] > 0
    assert service["deployment_minimum_healthy_percent"] == 100
    assert service["network_configuration"][0]["assign_public_ip"] is False
    assert service["network_configuration"][0]["subnets"] == "${aws_subnet.private[*].id}"
    # Desired count belongs to autoscaling.
    assert "${desired_count}" in service["lifecycle"][0]["ignore_changes"]


def test_the_container_runs_the_ecr_image_with_secrets_logs_and_a_stop_timeout(aws):
    source = (aws.path / "ecs.tf").read_text()
    assert 'image                  = "${aws_ecr_repository.app.repository_url}:${var.image_tag}"' in source
    assert "stopTimeout            = 30" in source
    assert "readonlyRootFilesystem = true" in source
    assert re.search(r'logDriver = "awslogs"', source)
    assert "secrets     = local.container_secrets" in source
    assert aws.resource("aws_cloudwatch_log_group", "api")["retention_in_days"] == "${var.log_retention_days}"
    assert aws.default("log_retention_days") > 0
    assert aws.resource("aws_ecr_repository", "app")["name"] == "softly-app"


def test_the_container_port_matches_the_image(aws):
    dockerfile = (aws.path.parent.parent / "backend" / "Dockerfile").read_text()
    port = aws.default("container_port")
    assert f"EXPOSE {port}" in dockerfile and f"PORT={port}" in dockerfile


def test_autoscaling_tracks_cpu_at_70_between_1_and_3_tasks(aws):
    target = aws.resource("aws_appautoscaling_target", "api")
    assert target["min_capacity"] == "${var.min_tasks}" and aws.default("min_tasks") == 1
    assert target["max_capacity"] == "${var.max_tasks}" and aws.default("max_tasks") == 3
    assert target["scalable_dimension"] == "ecs:service:DesiredCount"
    policy = aws.resource("aws_appautoscaling_policy", "cpu")
    assert policy["policy_type"] == "TargetTrackingScaling"
    tracking = policy["target_tracking_scaling_policy_configuration"][0]
    assert tracking["target_value"] == "${var.cpu_target_percent}" and aws.default("cpu_target_percent") == 70
    metric = tracking["predefined_metric_specification"][0]["predefined_metric_type"]
    assert metric == "ECSServiceAverageCPUUtilization"


def test_shutdown_drain_fits_inside_the_stop_timeout(aws):
    source = (aws.path / "ecs.tf").read_text()
    drain = int(re.search(r'name = "SHUTDOWN_TIMEOUT_SECS", value = "(\d+)"', source).group(1))
    stop = int(re.search(r"stopTimeout\s+= (\d+)", source).group(1))
    assert drain < stop <= 120


def test_scaling_out_is_quick_and_scaling_in_is_gradual(aws):
    tracking = aws.resource("aws_appautoscaling_policy", "cpu")["target_tracking_scaling_policy_configuration"][0]
    assert tracking["scale_out_cooldown"] < tracking["scale_in_cooldown"]
    assert tracking["scale_in_cooldown"] >= 300


def test_the_account_and_registry_are_the_seeds(aws):
    assert aws.default("account_id") == "239732221658"
    provider = (aws.path / "versions.tf").read_text()
    assert "allowed_account_ids = [var.account_id]" in provider
    assert aws.resource("aws_ecr_repository", "app")["image_tag_mutability"] == "IMMUTABLE"


# Injected into the task but not yet read by the binary (empty since traces read
# NEW_RELIC_LICENSE_KEY). An entry may join only in the change that injects it and must
# leave in the change that makes the binary read it; the test fails on anything else
# injected and unread, and on a stale entry.
INJECTED_BEFORE_THE_CODE_READS_IT: set[str] = set()


def test_every_variable_the_task_gets_is_one_the_binary_reads_and_the_readme_documents(aws):
    from hcl import REPOSITORY

    # The config module is where the binary reads its environment: every variable is a
    # string literal there (passed to `lookup`, directly or through a helper).
    config = REPOSITORY / "backend" / "src" / "config"
    sources = "\n".join(path.read_text() for path in config.rglob("*.rs") if path.name != "tests.rs")
    read = set(re.findall(r'"([A-Z][A-Z0-9_]{2,})"', sources))
    assert {"DATABASE_URL", "S3_BUCKET", "SECRET_KEY_BASE"} <= read, "the reading pattern still finds them"
    secrets = {name.upper() for name in aws.locals["ssm_parameters"]}
    environment = {entry["name"] for entry in aws.locals["container_environment"]}
    injected = secrets | environment
    unread = injected - read
    assert unread == INJECTED_BEFORE_THE_CODE_READS_IT, f"injected but never read: {sorted(unread - INJECTED_BEFORE_THE_CODE_READS_IT)}; read now: {sorted(INJECTED_BEFORE_THE_CODE_READS_IT - unread)}"
    readme = (REPOSITORY / "README.md").read_text()
    table = readme[readme.index("## Configuration") :]
    undocumented = {name for name in injected & read if f"`{name}`" not in table}
    assert not undocumented, f"read and injected but not in README's configuration table: {sorted(undocumented)}"


def test_metrics_stay_inside_the_task(aws):
    # /metrics listens on loopback by default (METRICS_BIND, METRICS_PORT 9464): the task
    # maps only the API's port, so neither the ALB nor the security groups can reach it.
    source = (aws.path / "ecs.tf").read_text()
    (mappings,) = re.findall(r"portMappings = \[(.*?)\]", source, re.S)
    assert re.findall(r"containerPort = ([\w.]+)", mappings) == ["var.container_port"]
    assert aws.default("container_port") != 9464
    env = {entry["name"] for entry in aws.locals["container_environment"]}
    assert not {"METRICS_BIND", "METRICS_PORT"} & env, "metrics stay on the task's loopback"
