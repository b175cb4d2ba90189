output "alb_dns_name" {
  description = "Where Cloudflare's proxied api record points (absent after the first, targeted apply)."
  value       = aws_lb.api.dns_name
}

output "ecr_repository_url" {
  value = aws_ecr_repository.app.repository_url
}

# What the Cloudflare root publishes comes in two parts, so the first deploy's order
# converges (../README.md, "First-time setup"; proven by tests/first_deploy.tftest.hcl):
# `dns` depends only on the certificate and the SES identity, which the first, targeted
# apply makes, so that apply writes it; `alb_dns_name` and `origin_header` exist once the
# full apply has made the ALB, which itself waits for the validation record `dns` names.
output "dns" {
  description = "Records the Cloudflare root publishes for AWS (none proxied): ACM validation, SES DKIM, the MAIL FROM domain's MX and SPF."
  value = {
    acm_validation = [
      for option in aws_acm_certificate.api.domain_validation_options : {
        name  = option.resource_record_name
        type  = option.resource_record_type
        value = option.resource_record_value
      }
    ]
    ses_dkim_tokens = aws_sesv2_email_identity.domain.dkim_signing_attributes[0].tokens
    mail_from = {
      domain = aws_sesv2_email_identity_mail_from_attributes.domain.mail_from_domain
      mx     = "feedback-smtp.${var.region}.amazonses.com"
    }
  }
}

output "origin_header" {
  description = "The header (and its secret value) the ALB requires; the Cloudflare root sets it on every request to the API."
  sensitive   = true
  value       = { name = local.origin_header, value = var.origin_header_secret }
}

output "ecs_cluster" {
  value = aws_ecs_cluster.main.name
}

output "ecs_service" {
  value = aws_ecs_service.api.name
}

output "deploy_role_arn" {
  value = aws_iam_role.deploy.arn
}

output "rds_master_secret_arn" {
  description = "Secrets Manager secret holding the RDS master password (managed by RDS)."
  value       = aws_db_instance.main.master_user_secret[0].secret_arn
}

output "ssm_parameters" {
  description = "The SecureStrings the task reads, and the key to create them with (README.md, \"Setting SSM values\")."
  value = {
    names  = [for name in local.ssm_parameters : "${local.ssm_prefix}/${name}"]
    key_id = aws_kms_alias.data["secrets"].name
  }
}
