"""Seed §6: the security-group chain Cloudflare → ALB → ECS → RDS / Redis, and no
ingress from anywhere."""

import ipaddress


def ingress(aws):
    return aws.of_kind("aws_vpc_security_group_ingress_rule")


def test_every_security_group_rule_is_its_own_resource(aws):
    for name, group in aws.of_kind("aws_security_group").items():
        assert "ingress" not in group and "egress" not in group, name


def test_no_ingress_from_anywhere(aws):
    for name, rule in ingress(aws).items():
        assert rule.get("cidr_ipv4") not in ("0.0.0.0/0",), name
        assert rule.get("cidr_ipv6") not in ("::/0",), name
    assert '"0.0.0.0/0"' not in str(aws.of_kind("aws_security_group"))
    assert "::/0" not in aws.source()


def test_the_alb_admits_only_cloudflares_ranges_on_443(aws):
    rules = [r for r in ingress(aws).values() if r["security_group_id"] == "${aws_security_group.alb.id}"]
    assert len(rules) == 1
    (rule,) = rules
    assert rule["for_each"] == "${toset(var.cloudflare_ipv4_ranges)}"
    assert rule["cidr_ipv4"] == "${each.value}"
    assert (rule["from_port"], rule["to_port"], rule["ip_protocol"]) == (443, 443, "tcp")
    ranges = aws.default("cloudflare_ipv4_ranges")
    assert len(ranges) >= 10
    for cidr in ranges:
        network = ipaddress.ip_network(cidr)
        assert network.prefixlen >= 12 and not network.is_private, cidr


def edge(aws, target: str):
    rules = [r for r in ingress(aws).values() if r["security_group_id"] == f"${{aws_security_group.{target}.id}}"]
    assert len(rules) == 1, f"{target} has exactly one ingress rule"
    return rules[0]


def test_ecs_admits_only_the_alb(aws):
    rule = edge(aws, "ecs")
    assert rule["referenced_security_group_id"] == "${aws_security_group.alb.id}"
    assert rule["from_port"] == rule["to_port"] == "${var.container_port}"


def test_rds_admits_only_ecs_on_5432(aws):
    rule = edge(aws, "rds")
    assert rule["referenced_security_group_id"] == "${aws_security_group.ecs.id}"
    assert (rule["from_port"], rule["to_port"]) == (5432, 5432)


def test_redis_admits_only_ecs_on_6379(aws):
    rule = edge(aws, "redis")
    assert rule["referenced_security_group_id"] == "${aws_security_group.ecs.id}"
    assert (rule["from_port"], rule["to_port"]) == (6379, 6379)


def test_each_tier_wears_its_group(aws):
    assert aws.resource("aws_lb", "api")["security_groups"] == ["${aws_security_group.alb.id}"]
    network = aws.resource("aws_ecs_service", "api")["network_configuration"][0]
    assert network["security_groups"] == ["${aws_security_group.ecs.id}"]
    assert aws.resource("aws_db_instance", "main")["vpc_security_group_ids"] == ["${aws_security_group.rds.id}"]
    redis = aws.resource("aws_elasticache_replication_group", "main")
    assert redis["security_group_ids"] == ["${aws_security_group.redis.id}"]


def test_the_default_security_group_is_emptied(aws):
    assert aws.resource("aws_default_security_group", "default") == {"vpc_id": "${aws_vpc.main.id}"}
