# Customer-managed keys for the data production holds: the application's secrets (SSM
# SecureStrings) and the vault's documents (S3). Each key's policy lets exactly one role
# use it, and only through the service that holds the data: the execution role decrypts
# the secrets when ECS injects them, the task role reads and writes the vault. Nobody
# else can decrypt — not the plan role pull requests run as, which may read everything
# else (ReadOnlyAccess), and not an administrator's IAM policies: the account administers
# the keys but has no use of them without first changing a key policy (CloudTrail logs
# that). Hence Terraform never reads a secret: the parameters are created out of band
# (README.md, "Setting SSM values") and Terraform knows their names only.

locals {
  data_keys = {
    secrets = { role = aws_iam_role.execution.arn, service = "ssm", holds = "the application's secrets (SSM)", operators_write = true }
    vault   = { role = aws_iam_role.task.arn, service = "s3", holds = "the document vault (S3)", operators_write = false }
  }
  # Administration without use: no Decrypt, Encrypt, GenerateDataKey or ReEncrypt.
  key_administration = [
    "kms:CancelKeyDeletion", "kms:CreateGrant", "kms:DescribeKey", "kms:DisableKey",
    "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus", "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListResourceTags",
    "kms:PutKeyPolicy", "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:TagResource",
    "kms:UntagResource", "kms:UpdateKeyDescription",
  ]
}

data "aws_iam_policy_document" "data_key" {
  for_each = local.data_keys
  # A key policy's "*" resource is the key itself.
  #checkov:skip=CKV_AWS_109:key policy; "*" is this key, and administration excludes every use of it
  #checkov:skip=CKV_AWS_111:key policy; "*" is this key, and administration excludes every use of it
  #checkov:skip=CKV_AWS_356:key policy; "*" is this key, and administration excludes every use of it
  statement {
    sid       = "AccountAdministers"
    actions   = local.key_administration
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.account_id}:root"]
    }
  }
  # Operators set the secrets (README.md, "Setting SSM values"): encrypting a new value
  # through SSM, never decrypting one. Left to the account's IAM policies (an
  # administrator's), as administration is.
  dynamic "statement" {
    for_each = each.value.operators_write ? ["write"] : []
    content {
      sid       = "OperatorsWrite"
      actions   = ["kms:Encrypt"]
      resources = ["*"]
      principals {
        type        = "AWS"
        identifiers = ["arn:aws:iam::${var.account_id}:root"]
      }
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["ssm.${var.region}.amazonaws.com"]
      }
    }
  }
  statement {
    sid       = "OneRoleUses"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = [each.value.role]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["${each.value.service}.${var.region}.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "data" {
  for_each                = local.data_keys
  description             = "${var.name}: ${each.value.holds}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.data_key[each.key].json
}

resource "aws_kms_alias" "data" {
  for_each      = local.data_keys
  name          = "alias/${var.name}-${each.key}"
  target_key_id = aws_kms_key.data[each.key].key_id
}
