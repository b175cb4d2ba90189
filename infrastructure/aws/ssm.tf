# The application's secrets: Terraform creates each parameter by name with a placeholder
# and never looks at its value again; operators set the real values out of band
# (README.md, "Setting SSM values"). ECS injects them as environment variables.

resource "aws_ssm_parameter" "app" {
  for_each    = toset(local.ssm_parameters)
  name        = "${local.ssm_prefix}/${each.value}"
  description = "Softly ${var.environment}: ${each.value} (set out of band)"
  type        = "SecureString"
  value       = "unset"

  lifecycle {
    ignore_changes = [value]
  }
}
