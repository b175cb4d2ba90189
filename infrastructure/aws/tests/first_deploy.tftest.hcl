# The first deploy from an empty account and zone, step by step as ../README.md
# ("First-time setup") writes it, against the mocked provider: each AWS step is planned
# as written (the first with the README's -target list), and each Cloudflare step runs
# the module that computes the Cloudflare root's records (../cloudflare/records) on the
# outputs the AWS step before it leaves. What the steps must show:
#   2. the targeted apply writes `dns` (validation, DKIM, MAIL FROM) and no ALB yet;
#   3. Cloudflare then publishes those records, and no API record (there is no ALB);
#   4. the full apply makes the ALB, whose HTTPS listener waits on the validation;
#   5. Cloudflare's second apply points `api` at the ALB, through the proxy.

variables {
  origin_header_secret = "0123456789abcdef0123456789abcdef"
}

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

run "step_2_aws_certificate_and_mail_identity" {
  command = plan
  # The README's list, verbatim.
  plan_options {
    target = [
      aws_acm_certificate.api,
      aws_sesv2_email_identity.domain,
      aws_sesv2_email_identity_mail_from_attributes.domain,
    ]
  }

  assert {
    condition     = length(output.dns.acm_validation) == 1 && length(output.dns.ses_dkim_tokens) > 0
    error_message = "The targeted apply must write the records the Cloudflare root publishes first."
  }
  assert {
    condition     = output.dns.mail_from.domain == "mail.mysoftly.app"
    error_message = "The MAIL FROM domain is part of the first pass."
  }
  assert {
    condition     = output.alb_dns_name == null
    error_message = "No ALB in the first pass: it waits for the certificate."
  }
}

run "step_3_cloudflare_first_apply" {
  command = plan
  module {
    source = "../cloudflare/records"
  }
  variables {
    domain        = "mysoftly.app"
    dns           = run.step_2_aws_certificate_and_mail_identity.dns
    api_origin    = run.step_2_aws_certificate_and_mail_identity.alb_dns_name
    dmarc_reports = "dmarc-reports@mysoftly.app"
  }

  assert {
    condition     = output.records["acm _abc.api"] == { name = "_abc.api", type = "CNAME", content = "_def.acm-validations.aws", priority = null, proxied = false, comment = "ACM validation of the API's certificate" }
    error_message = "The certificate's validation record is published, relative to the zone and not proxied."
  }
  assert {
    condition     = length([for key, record in output.records : key if startswith(key, "dkim ")]) == length(run.step_2_aws_certificate_and_mail_identity.dns.ses_dkim_tokens)
    error_message = "Every DKIM token is published."
  }
  assert {
    condition     = output.records["mail from mx"].name == "mail" && output.records["mail from mx"].priority == 10 && output.records["mail from spf"].content == "v=spf1 include:amazonses.com -all"
    error_message = "The MAIL FROM domain's MX and SPF records."
  }
  assert {
    condition     = startswith(output.records["dmarc"].content, "v=DMARC1; p=quarantine;") && output.records["dmarc"].name == "_dmarc"
    error_message = "A DMARC policy."
  }
  assert {
    condition     = !output.api_published && !contains(keys(output.records), "api")
    error_message = "No API record (nor origin rule) before the ALB exists."
  }
  assert {
    condition     = alltrue([for record in values(output.records) : !record.proxied])
    error_message = "Records for AWS are never proxied."
  }
}

run "step_4_aws_full_apply" {
  command = plan

  assert {
    condition     = aws_lb_listener.https.certificate_arn == aws_acm_certificate_validation.api.certificate_arn
    error_message = "The HTTPS listener uses the certificate once validated (the wait step 3 ends)."
  }
  assert {
    condition     = toset(aws_acm_certificate_validation.api.validation_record_fqdns) == toset([for r in run.step_2_aws_certificate_and_mail_identity.dns.acm_validation : r.name])
    error_message = "The validation waits for the very record step 3 published."
  }
  assert {
    condition     = output.alb_dns_name == "softly-production-123.eu-west-2.elb.amazonaws.com"
    error_message = "The full apply writes the ALB's name for the Cloudflare root."
  }
}

run "step_5_cloudflare_second_apply" {
  command = plan
  module {
    source = "../cloudflare/records"
  }
  variables {
    domain        = "mysoftly.app"
    dns           = run.step_4_aws_full_apply.dns
    api_origin    = run.step_4_aws_full_apply.alb_dns_name
    dmarc_reports = "dmarc-reports@mysoftly.app"
  }

  assert {
    condition     = output.api_published && output.records["api"].content == "softly-production-123.eu-west-2.elb.amazonaws.com" && output.records["api"].proxied
    error_message = "The API's record points at the ALB through the proxy (and the origin rule is made with it)."
  }
  assert {
    condition     = output.records["acm _abc.api"] == run.step_3_cloudflare_first_apply.records["acm _abc.api"]
    error_message = "The records published in step 3 stay as they were."
  }
}
