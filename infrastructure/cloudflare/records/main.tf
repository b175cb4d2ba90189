# The records the zone publishes for what runs in AWS, computed from the AWS root's
# outputs. No provider: `terraform test` in ../../aws walks the first deploy's steps
# through this module (aws/tests/first_deploy.tftest.hcl), which the Cloudflare root
# itself cannot be (its provider cannot be installed on the build machines).

terraform {
  required_version = ">= 1.6"
}

variable "domain" {
  type = string
}

variable "dns" {
  description = "The AWS root's `dns` output."
  type = object({
    acm_validation  = list(object({ name = string, type = string, value = string }))
    ses_dkim_tokens = list(string)
    mail_from       = object({ domain = string, mx = string })
  })
}

variable "api_origin" {
  description = "The AWS root's `alb_dns_name`: null until the full apply has made the ALB."
  type        = string
  default     = null
}

variable "dmarc_reports" {
  description = "Where receivers send DMARC aggregate reports."
  type        = string
}

locals {
  suffix = ".${var.domain}"
  # Names relative to the zone ("@" is the apex), as Cloudflare shows them.
  relative = { for fqdn in concat([for r in var.dns.acm_validation : r.name], [var.dns.mail_from.domain]) :
  fqdn => trimsuffix(trimsuffix(fqdn, "."), local.suffix) }
  mail_from = local.relative[var.dns.mail_from.domain]

  aws_records = merge(
    # ACM proves api.<domain> through these.
    { for r in var.dns.acm_validation : "acm ${local.relative[r.name]}" => {
      name    = local.relative[r.name], type = r.type, content = trimsuffix(r.value, "."), priority = null
      proxied = false, comment = "ACM validation of the API's certificate"
    } },
    # Easy DKIM for SES.
    { for token in var.dns.ses_dkim_tokens : "dkim ${token}" => {
      name    = "${token}._domainkey", type = "CNAME", content = "${token}.dkim.amazonses.com", priority = null
      proxied = false, comment = "SES DKIM"
    } },
    {
      # The custom MAIL FROM domain: bounces come back to SES, and SPF covers SES's senders.
      "mail from mx" = {
        name    = local.mail_from, type = "MX", content = var.dns.mail_from.mx, priority = 10
        proxied = false, comment = "SES MAIL FROM: bounces"
      }
      "mail from spf" = {
        name    = local.mail_from, type = "TXT", content = "v=spf1 include:amazonses.com -all", priority = null
        proxied = false, comment = "SES MAIL FROM: SPF"
      }
      # The apex sends nothing itself: mail claiming to come from it directly fails SPF.
      "apex spf" = {
        name    = "@", type = "TXT", content = "v=spf1 -all", priority = null
        proxied = false, comment = "Nothing sends with the apex as envelope sender"
      }
      # Mail whose From is the domain but that fails both aligned DKIM and aligned SPF is
      # quarantined; aggregate reports show what is sent in its name.
      "dmarc" = {
        name    = "_dmarc", type = "TXT", content = "v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:${var.dmarc_reports}", priority = null
        proxied = false, comment = "DMARC"
      }
    },
  )
  # The API through the proxy, once the ALB exists.
  api_record = var.api_origin == null ? {} : {
    api = {
      name    = "api", type = "CNAME", content = var.api_origin, priority = null
      proxied = true, comment = "The ALB; it answers 403 without the origin header this zone sets"
    }
  }
}

output "records" {
  description = "Key → the record: name (relative), type, content, priority (MX), proxied, comment."
  value       = merge(local.aws_records, local.api_record)
}

output "api_published" {
  description = "Whether the API's record (and so the origin header rule) belongs in the zone yet."
  value       = var.api_origin != null
}
