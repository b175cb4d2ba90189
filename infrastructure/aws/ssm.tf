# The application's secrets: SecureStrings under /softly/<environment>/, encrypted with
# the `secrets` key (keys.tf), which only the execution role may use. Terraform does not
# manage them — reading one back (as every plan's refresh would) needs that key — it
# knows their names: the task definition injects each as an environment variable, and
# the `ssm_parameters` output lists them for the runbook that creates them
# (README.md, "Setting SSM values").

locals {
  ssm_parameter_arns = {
    for name in local.ssm_parameters :
    name => "arn:aws:ssm:${var.region}:${var.account_id}:parameter${local.ssm_prefix}/${name}"
  }
}
