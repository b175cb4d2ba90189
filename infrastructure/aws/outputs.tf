output "alb_dns_name" {
  description = "Where Cloudflare's proxied api record points."
  value       = aws_lb.api.dns_name
}

output "ecr_repository_url" {
  value = aws_ecr_repository.app.repository_url
}

output "ses_dkim_tokens" {
  description = "Publish <token>._domainkey.mysoftly.app CNAME <token>.dkim.amazonses.com (not proxied)."
  value       = aws_sesv2_email_identity.domain.dkim_signing_attributes[0].tokens
}

output "acm_validation_records" {
  description = "DNS records that prove api.mysoftly.app to ACM (the Cloudflare root publishes them, not proxied)."
  value = [
    for option in aws_acm_certificate.api.domain_validation_options : {
      name  = option.resource_record_name
      type  = option.resource_record_type
      value = option.resource_record_value
    }
  ]
}

output "cloudflare" {
  description = "Everything the Cloudflare root needs, in one object (terraform output -json cloudflare)."
  # The origin header's value is in it.
  sensitive = true
  value = {
    origin_header          = { name = local.origin_header, value = var.origin_header_secret }
    api_origin             = aws_lb.api.dns_name
    ses_dkim_tokens        = aws_sesv2_email_identity.domain.dkim_signing_attributes[0].tokens
    acm_validation_records = [for option in aws_acm_certificate.api.domain_validation_options : { name = option.resource_record_name, type = option.resource_record_type, value = option.resource_record_value }]
  }
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
