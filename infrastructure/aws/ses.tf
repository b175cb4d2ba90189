# Transactional mail from mysoftly.app, DKIM-signed (Easy DKIM: the three CNAMEs are
# published by the Cloudflare root from the `ses_dkim_tokens` output).

resource "aws_sesv2_configuration_set" "main" {
  configuration_set_name = var.name
  delivery_options {
    tls_policy = "REQUIRE"
  }
  reputation_options {
    reputation_metrics_enabled = true
  }
}

resource "aws_sesv2_email_identity" "domain" {
  email_identity         = var.domain
  configuration_set_name = aws_sesv2_configuration_set.main.configuration_set_name
  dkim_signing_attributes {
    next_signing_key_length = "RSA_2048_BIT"
  }
}

# While SES is in its sandbox it delivers only to verified addresses, and authorises a send
# against the recipient's identity too: each address here becomes an identity (AWS emails
# it a confirmation link) the task may send to. Empty once production access is granted.
resource "aws_sesv2_email_identity" "sandbox_recipient" {
  for_each       = toset(var.ses_sandbox_recipients)
  email_identity = each.value
}

# A custom MAIL FROM domain: the envelope sender (bounces) is mail.mysoftly.app rather
# than amazonses.com, so SPF passes *aligned* with the From domain and DMARC holds on
# SPF as well as on DKIM. Its MX and SPF records are published by the Cloudflare root
# (the `dns` output); until they resolve SES falls back to its own domain rather than
# refusing to send.
resource "aws_sesv2_email_identity_mail_from_attributes" "domain" {
  email_identity         = aws_sesv2_email_identity.domain.email_identity
  mail_from_domain       = "mail.${var.domain}"
  behavior_on_mx_failure = "USE_DEFAULT_VALUE"
}
