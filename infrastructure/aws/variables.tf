variable "region" {
  type    = string
  default = "eu-west-2"
}

variable "account_id" {
  description = "The AWS account; given, so no data source has to ask AWS."
  type        = string
  default     = "239732221658"
}

variable "environment" {
  type    = string
  default = "production"
}

variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "softly-production"
}

variable "otlp_endpoint" {
  description = "Where the API exports traces (OTLP/HTTP): New Relic's EU endpoint; https://otlp.nr-data.net for a US account."
  type        = string
  default     = "https://otlp.eu01.nr-data.net"
  validation {
    condition     = can(regex("^https://", var.otlp_endpoint))
    error_message = "An https:// endpoint: traces carry the license key."
  }
}

variable "trace_sample_ratio" {
  description = "The share of traces the API records and exports (0 to 1); metrics count everything regardless."
  type        = number
  default     = 0.1
  validation {
    condition     = var.trace_sample_ratio >= 0 && var.trace_sample_ratio <= 1
    error_message = "A ratio from 0 to 1."
  }
}

variable "domain" {
  type    = string
  default = "mysoftly.app"
}

variable "availability_zones" {
  description = "Two AZs of the region, given so no data source has to ask AWS."
  type        = list(string)
  default     = ["eu-west-2a", "eu-west-2b"]
  validation {
    condition     = length(var.availability_zones) == 2
    error_message = "Exactly two availability zones."
  }
}

variable "vpc_cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "public_subnet_cidrs" {
  type    = list(string)
  default = ["10.0.1.0/24", "10.0.2.0/24"]
}

variable "private_subnet_cidrs" {
  type    = list(string)
  default = ["10.0.3.0/24", "10.0.4.0/24"]
}

variable "cloudflare_ipv4_ranges" {
  description = "Cloudflare's published IPv4 ranges (https://www.cloudflare.com/ips-v4), pinned; review when Cloudflare changes them."
  type        = list(string)
  default = [
    "173.245.48.0/20",
    "103.21.244.0/22",
    "103.22.200.0/22",
    "103.31.4.0/22",
    "141.101.64.0/18",
    "108.162.192.0/18",
    "190.93.240.0/20",
    "188.114.96.0/20",
    "197.234.240.0/22",
    "198.41.128.0/17",
    "162.158.0.0/15",
    "104.16.0.0/13",
    "104.24.0.0/14",
    "172.64.0.0/13",
    "131.0.72.0/22",
  ]
}

variable "image_tag" {
  description = "Tag of the softly-app image the task runs; the backend pipeline deploys new tags."
  type        = string
  default     = "latest"
}

variable "container_port" {
  type    = number
  default = 8080
}

variable "task_cpu" {
  type    = number
  default = 512
}

variable "task_memory" {
  type    = number
  default = 1024
}

variable "min_tasks" {
  type    = number
  default = 1
}

variable "max_tasks" {
  type    = number
  default = 3
}

variable "cpu_target_percent" {
  type    = number
  default = 70
}

variable "log_retention_days" {
  type    = number
  default = 30
}

variable "alarm_email" {
  description = "Where alarms are sent (an SNS email subscription, confirmed by its recipient)."
  type        = string
  default     = "ops@mysoftly.app"
}

variable "github_repository" {
  description = "owner/name of the repository whose main branch may deploy the backend."
  type        = string
  default     = "softly-app/softly"
}

variable "github_oidc_provider_arn" {
  description = "Created by ../bootstrap."
  type        = string
  default     = "arn:aws:iam::239732221658:oidc-provider/token.actions.githubusercontent.com"
}

variable "ses_sandbox_recipients" {
  description = "While SES is in its sandbox: the addresses it may send to (verified identities). Empty with production access."
  type        = list(string)
  default     = []
}

variable "origin_header_secret" {
  description = "The value of the origin header Cloudflare adds and the ALB requires (openssl rand -hex 32; GitHub secret ORIGIN_HEADER_SECRET)."
  type        = string
  sensitive   = true
  validation {
    condition     = can(regex("^[0-9a-f]{32,128}$", var.origin_header_secret))
    error_message = "origin_header_secret is 32 to 128 hexadecimal characters (openssl rand -hex 32)."
  }
}

locals {
  # The header the Cloudflare root's Transform Rule sets and the ALB's listener requires.
  origin_header = "X-Softly-Origin"
  ssm_prefix    = "/softly/${var.environment}"
  # Parameters whose values are set out of band (see README.md); Terraform knows only names.
  ssm_parameters = [
    "database_url",
    "secret_key_base",
    # Optional: older keys still accepted while SECRET_KEY_BASE is rotated; the binary
    # reads the placeholder `unset` as none.
    "secret_key_base_previous",
    "redis_url",
    "anthropic_api_key",
    "deepgram_api_key",
    "revenuecat_api_key",
    # The Authorization value RevenueCat's webhook sends (set in its dashboard too).
    "revenuecat_webhook_auth",
    "new_relic_license_key",
  ]
  vault_bucket = "softly-storage-${var.environment}"
  api_host     = "api.${var.domain}"
}
