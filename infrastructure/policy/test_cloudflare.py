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
