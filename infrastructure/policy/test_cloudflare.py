"""Seed §2 and §7, Cloudflare: the zone, api → ALB proxied, the Pages sites, DKIM records
not proxied, and TLS that reaches the origin encrypted and authenticated."""


def test_the_zone_is_mysoftly_app(cloudflare):
    assert cloudflare.resource("cloudflare_zone", "main")["zone"] == "${var.domain}"
    assert cloudflare.default("domain") == "mysoftly.app"


def test_api_points_at_the_alb_through_the_proxy(cloudflare):
    api = cloudflare.resource("cloudflare_record", "api")
    assert (api["name"], api["type"], api["proxied"]) == ("api", "CNAME", True)
    assert api["content"] == "${local.aws.api_origin}"
    (remote,) = cloudflare.data[("terraform_remote_state", "aws")]["config"]
    assert remote["key"] == "production/terraform.tfstate"


def test_root_app_and_docs_are_the_three_pages_projects(cloudflare):
    (sites,) = cloudflare.locals["pages_sites"]
    assert sites == {"@": "softly-landing", "app": "softly-web", "docs": "softly-docs"}
    site = cloudflare.resource("cloudflare_record", "site")
    assert site["for_each"] == "${local.pages_sites}" and site["proxied"] is True
    assert site["content"] == "${each.value}.pages.dev"
    assert cloudflare.resource("cloudflare_pages_project", "site")["for_each"] == "${local.pages_sites}"


def test_dkim_and_certificate_validation_records_are_not_proxied(cloudflare):
    dkim = cloudflare.resource("cloudflare_record", "ses_dkim")
    assert dkim["proxied"] is False and dkim["type"] == "CNAME"
    assert dkim["name"] == "${each.value}._domainkey"
    assert dkim["content"] == "${each.value}.dkim.amazonses.com"
    assert cloudflare.resource("cloudflare_record", "acm_validation")["proxied"] is False


def test_ssl_is_full_strict_and_https_is_enforced(cloudflare):
    settings = cloudflare.resource("cloudflare_zone_settings_override", "main")["settings"][0]
    assert settings["ssl"] == "strict"
    assert settings["always_use_https"] == "on"
    assert settings["min_tls_version"] == "1.2"


def test_origin_is_https_only_so_full_strict_can_work(aws):
    # Full (strict) needs the origin on 443 with a valid certificate; no plain HTTP listener.
    listeners = aws.of_kind("aws_lb_listener")
    assert all(listener["protocol"] == "HTTPS" for listener in listeners.values())


def test_every_seed_hostname_is_served(cloudflare):
    (sites,) = cloudflare.locals["pages_sites"]
    hostnames = {cloudflare.resolve("${var.domain}") if name == "@" else f"{name}.mysoftly.app" for name in sites}
    hostnames.add("api.mysoftly.app")
    assert hostnames == {"mysoftly.app", "api.mysoftly.app", "app.mysoftly.app", "docs.mysoftly.app"}


def test_only_requests_through_our_zone_reach_the_tasks(aws, cloudflare):
    # The ALB refuses by default; a rule forwards requests carrying the origin header.
    https = aws.resource("aws_lb_listener", "https")
    default = https["default_action"][0]
    assert default["type"] == "fixed-response" and default["fixed_response"][0]["status_code"] == "403"
    rule = aws.resource("aws_lb_listener_rule", "through_cloudflare")
    header = rule["condition"][0]["http_header"][0]
    assert header["http_header_name"] == "${local.origin_header}"
    assert header["values"] == ["${var.origin_header_secret}"]
    assert rule["action"][0]["type"] == "forward"
    assert aws.variables["origin_header_secret"]["sensitive"] is True
    output = aws.outputs["cloudflare"]
    assert output["sensitive"] is True
    # An object literal parses as a one-element list of it.
    assert output["value"][0]["origin_header"] == {"name": "${local.origin_header}", "value": "${var.origin_header_secret}"}
    # The zone's late transform sets that header, from the AWS root's output, on the API host.
    ruleset = cloudflare.resource("cloudflare_ruleset", "origin_header")
    assert ruleset["phase"] == "http_request_late_transform" and ruleset["kind"] == "zone"
    (rule,) = ruleset["rules"]
    assert rule["action"] == "rewrite" and rule["expression"].replace('\\"', '"') == '(http.host eq "api.${var.domain}")'
    (headers,) = rule["action_parameters"][0]["headers"]
    assert headers == {"name": "${local.aws.origin_header.name}", "operation": "set", "value": "${local.aws.origin_header.value}"}
    # The security group still admits only Cloudflare's ranges.
    assert aws.variables["cloudflare_ipv4_ranges"]["default"]
