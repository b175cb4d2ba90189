# Cloudflare in front of everything: the mysoftly.app zone, the API record pointing at the
# ALB (proxied), the three Pages sites, the records AWS needs (ACM validation, SES DKIM,
# the MAIL FROM domain, SPF and DMARC; never proxied, computed in ./records), and TLS that
# is encrypted and authenticated all the way to the origin.
#
# No Cloudflare provider can be installed on the build machines, so this root is checked
# by ../policy (parsing the HCL) rather than by `terraform validate`.

terraform {
  required_version = ">= 1.6"

  required_providers {
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = "~> 4.0"
    }
  }

  backend "s3" {
    bucket         = "softly-terraform-state"
    key            = "production/cloudflare.tfstate"
    region         = "eu-west-2"
    encrypt        = true
    dynamodb_table = "softly-terraform-locks"
  }
}

# The token comes from CLOUDFLARE_API_TOKEN (Zone, DNS, SSL and Pages edit on this zone).
provider "cloudflare" {}

variable "account_id" {
  description = "The Cloudflare account that owns the zone and the Pages projects."
  type        = string
}

variable "domain" {
  type    = string
  default = "mysoftly.app"
}

variable "dmarc_reports" {
  description = "The mailbox DMARC aggregate reports go to."
  type        = string
  default     = "dmarc-reports@mysoftly.app"
}

# What the AWS root created: the records it needs (`dns`), and once its full apply has run,
# the ALB (`alb_dns_name`) and the origin header. After the first, targeted apply only
# `dns` exists: this root then publishes the records the certificate and SES wait for,
# and the API's record and origin rule on its next apply (../README.md, first-time setup).
data "terraform_remote_state" "aws" {
  backend = "s3"
  config = {
    bucket = "softly-terraform-state"
    key    = "production/terraform.tfstate"
    region = "eu-west-2"
  }
}

module "records" {
  source        = "./records"
  domain        = var.domain
  dns           = data.terraform_remote_state.aws.outputs.dns
  api_origin    = try(data.terraform_remote_state.aws.outputs.alb_dns_name, null)
  dmarc_reports = var.dmarc_reports
}

locals {
  # Subdomain ("@" is the apex) → Pages project.
  pages_sites = {
    "@"    = "softly-landing"
    "app"  = "softly-web"
    "docs" = "softly-docs"
  }
}

resource "cloudflare_zone" "main" {
  account_id = var.account_id
  zone       = var.domain
  plan       = "free"
}

# Full (strict): Cloudflare reaches the ALB over HTTPS and checks its certificate (a
# public ACM certificate for api.mysoftly.app). The seed's "Full" with an HTTP-only ALB
# cannot work: Full mode always connects to the origin on 443.
# Origin protection: every request this zone sends to the API carries the origin header
# the ALB requires (../aws/alb.tf); the ALB refuses the rest with 403. Admitting
# Cloudflare's ranges alone would admit any Cloudflare customer's zone pointed at the ALB.
resource "cloudflare_ruleset" "origin_header" {
  count       = module.records.api_published ? 1 : 0
  zone_id     = cloudflare_zone.main.id
  name        = "Softly origin header"
  description = "Marks requests to the API as having come through this zone"
  kind        = "zone"
  phase       = "http_request_late_transform"

  rules {
    action      = "rewrite"
    expression  = "(http.host eq \"api.${var.domain}\")"
    description = "Set the origin header the ALB requires"
    enabled     = true
    action_parameters {
      headers {
        name      = data.terraform_remote_state.aws.outputs.origin_header.name
        operation = "set"
        value     = data.terraform_remote_state.aws.outputs.origin_header.value
      }
    }
  }
}

resource "cloudflare_zone_settings_override" "main" {
  zone_id = cloudflare_zone.main.id
  settings {
    ssl                      = "strict"
    always_use_https         = "on"
    min_tls_version          = "1.2"
    tls_1_3                  = "on"
    automatic_https_rewrites = "on"
    security_level           = "medium"
    browser_check            = "on"
  }
}

# The API (once the ALB exists) and everything AWS asks of the zone; see ./records.
resource "cloudflare_record" "aws" {
  for_each = module.records.records
  zone_id  = cloudflare_zone.main.id
  name     = each.value.name
  type     = each.value.type
  content  = each.value.content
  priority = each.value.priority
  proxied  = each.value.proxied
  comment  = each.value.comment
}

resource "cloudflare_pages_project" "site" {
  for_each          = local.pages_sites
  account_id        = var.account_id
  name              = each.value
  production_branch = "main"
}

resource "cloudflare_pages_domain" "site" {
  for_each     = local.pages_sites
  account_id   = var.account_id
  project_name = cloudflare_pages_project.site[each.key].name
  domain       = each.key == "@" ? var.domain : "${each.key}.${var.domain}"
}

resource "cloudflare_record" "site" {
  for_each = local.pages_sites
  zone_id  = cloudflare_zone.main.id
  name     = each.key
  type     = "CNAME"
  content  = "${each.value}.pages.dev"
  proxied  = true
}

output "name_servers" {
  description = "Set these at the registrar (GoDaddy) to delegate mysoftly.app to Cloudflare."
  value       = cloudflare_zone.main.name_servers
}
