"""Seed §2 and §7, Cloudflare: the zone, api → ALB proxied, the Pages sites, DKIM records
not proxied, and TLS that reaches the origin encrypted and authenticated."""


def test_the_zone_is_mysoftly_app(cloudflare):
    assert cloudflare.resource("cloudflare_zone", "main")["zone"] == "${var.domain}"
    assert cloudflare.default("domain") == "mysoftly.app"


def test_api_and_aws_records_come_from_the_records_module(cloudflare):
    records = cloudflare.modules["records"]
    assert records["source"] == "./records"
    assert records["dns"] == "${data.terraform_remote_state.aws.outputs.dns}"
    # Absent after the first, targeted AWS apply: no api record until the ALB exists.
    # (the parser renders HCL's null as None)
    assert records["api_origin"].replace(" ", "") == "${try(data.terraform_remote_state.aws.outputs.alb_dns_name,None)}"
    record = cloudflare.resource("cloudflare_record", "aws")
    assert record["for_each"] == "${module.records.records}"
    for field in ("name", "type", "content", "priority", "proxied", "comment"):
        assert record[field] == "${each.value.%s}" % field
    (remote,) = cloudflare.data[("terraform_remote_state", "aws")]["config"]
    assert remote["key"] == "production/terraform.tfstate"


def test_root_app_and_docs_are_the_three_pages_projects(cloudflare):
    (sites,) = cloudflare.locals["pages_sites"]
    assert sites == {"@": "softly-landing", "app": "softly-web", "docs": "softly-docs"}
    site = cloudflare.resource("cloudflare_record", "site")
    assert site["for_each"] == "${local.pages_sites}" and site["proxied"] is True
    assert site["content"] == "${each.value}.pages.dev"
    assert cloudflare.resource("cloudflare_pages_project", "site")["for_each"] == "${local.pages_sites}"


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
    output = aws.outputs["origin_header"]
    assert output["sensitive"] is True
    # An object literal parses as a one-element list of it.
    assert output["value"][0] == {"name": "${local.origin_header}", "value": "${var.origin_header_secret}"}
    # The zone's late transform sets that header, from the AWS root's output, on the API host.
    ruleset = cloudflare.resource("cloudflare_ruleset", "origin_header")
    # Made with the api record, once the ALB exists.
    assert ruleset["count"] == "${module.records.api_published ? 1 : 0}"
    assert ruleset["phase"] == "http_request_late_transform" and ruleset["kind"] == "zone"
    (rule,) = ruleset["rules"]
    assert rule["action"] == "rewrite" and rule["expression"].replace('\\"', '"') == '(http.host eq "api.${var.domain}")'
    (headers,) = rule["action_parameters"][0]["headers"]
    origin = "${data.terraform_remote_state.aws.outputs.origin_header"
    assert headers == {"name": origin + ".name}", "operation": "set", "value": origin + ".value}"}
    # The security group still admits only Cloudflare's ranges.
    assert aws.variables["cloudflare_ipv4_ranges"]["default"]


def test_the_readme_first_pass_targets_what_the_first_deploy_test_plans(aws):
    import re

    readme = (aws.path.parent / "README.md").read_text()
    step = readme[readme.index("2. **AWS, first pass**") : readme.index("3. **Cloudflare, first pass**")]
    documented = re.findall(r"-target=([\w.]+)", step)
    test = (aws.path / "tests" / "first_deploy.tftest.hcl").read_text()
    (targets,) = re.findall(r"target = \[(.*?)\]", test, re.S)
    planned = re.findall(r"[\w.]+", targets)
    assert documented and documented == planned
